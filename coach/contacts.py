"""Whom to ask for feedback (SPEC §5): pure and deterministic."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final, Literal

__all__ = ["ROLE_LABELS", "ContactChoice", "choose_contact"]

Primary = Literal["interviewer", "hiring_manager", "hr"]

ROLE_LABELS: Final[dict[str, str]] = {
    "interviewer": "la personne qui vous a reçu·e en entretien",
    "hiring_manager": "le ou la manager qui recrutait",
    "hr": "la personne des RH qui a suivi votre candidature",
}


@dataclass(frozen=True)
class ContactChoice:
    primary: Primary
    also_ask_network: bool
    reasons: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return {
            "primary": self.primary,
            "also_ask_network": self.also_ask_network,
            "reasons": list(self.reasons),
        }


def choose_contact(
    *, interviewer_count: int, met_hiring_manager: bool, has_network_contact: bool
) -> ContactChoice:
    """1. exactly one interviewer → them; 2. else the hiring manager if met; 3. else HR."""
    reasons: list[str] = []
    primary: Primary
    if interviewer_count == 1:
        primary = "interviewer"
        reasons.append(
            "Une seule personne vous a reçu·e : c'est elle qui connaît le mieux votre "
            "candidature et peut vous dire ce qui a fait la différence."
        )
    elif met_hiring_manager:
        primary = "hiring_manager"
        reasons.append(
            "Vous avez rencontré le ou la manager qui recrutait : c'est souvent cette personne "
            "qui a tranché, donc la mieux placée pour expliquer le choix."
        )
    else:
        primary = "hr"
        why = (
            "Plusieurs personnes vous ont reçu·e"
            if interviewer_count > 1
            else "Vous n'avez pas eu d'entretien individuel"
        )
        reasons.append(
            f"{why} : la personne des RH qui a coordonné le recrutement centralise les avis "
            "et saura vous répondre ou transmettre."
        )
    if has_network_contact:
        reasons.append(
            "Vous connaissez quelqu'un dans l'entreprise : demandez-lui à qui écrire, et s'il "
            "ou elle accepte d'appuyer votre démarche."
        )
    return ContactChoice(primary=primary, also_ask_network=has_network_contact, reasons=reasons)
