"""Stored rejections and moods: from the intake form's slots to rows, and back to French.

The form keeps its answers in Rasa slots (strings, ISO dates, ``coach.intake.UNKNOWN`` for
"je ne sais pas"); :func:`save_rejection` turns them into a :class:`Rejection` row. Nothing
here logs what users wrote.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from coach.emotions import MOOD_LABELS, MOODS
from coach.intake import SEVERAL, SLOTS, STAGE_LABELS, UNKNOWN
from coach.language import writing
from coach.language.dates import format_date_fr
from coach.models import Mood, Rejection, User

__all__ = [
    "NONE",
    "REQUIRED",
    "describe_rejection",
    "get_rejection",
    "latest_rejection",
    "list_rejections",
    "record_mood",
    "rejection_values",
    "save_rejection",
]

#: Slot value for "aucune" / "personne": an answer (nothing to record), not a gap to re-ask.
NONE: Final = "none"

#: Without these three the intake is not finished (the others accept "je ne sais pas").
REQUIRED: Final = ("company", "position", "rejection_date")

_TEXT_LIMITS: Final = {
    "company": 200,
    "position": 200,
    "hr_contact": 200,
    "network_contact": 200,
    "interviewer_names": 300,
}


def _known(value: Any) -> Any:
    return None if value in (None, "", UNKNOWN, NONE) else value


def _as_date(value: Any) -> dt.date | None:
    value = _known(value)
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _as_bool(value: Any) -> bool | None:
    value = _known(value)
    return value if isinstance(value, bool) else None


def _as_int(value: Any) -> int | None:
    value = _known(value)
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float) and 0 <= value <= 1000:
        return int(value)
    return None


def _as_text(value: Any, limit: int) -> str | None:
    value = _known(value)
    if isinstance(value, list | tuple):
        value = ", ".join(str(item).strip() for item in value if str(item).strip())
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value[:limit] or None


def rejection_values(slots: Mapping[str, Any]) -> dict[str, Any]:
    """Column values from the form's slots; anything unknown or malformed becomes None."""
    stage = _known(slots.get("stage"))
    culture = _known(slots.get("culture"))
    return {
        # Stored as the company writes itself (« leroy merlin » → « Leroy Merlin »), so that
        # every message, chart and export shows it right.
        "company": _as_text(
            writing.company(_as_text(slots.get("company"), _TEXT_LIMITS["company"])),
            _TEXT_LIMITS["company"],
        ),
        "position": _as_text(slots.get("position"), _TEXT_LIMITS["position"]),
        "rejection_date": _as_date(slots.get("rejection_date")),
        "stage": stage if stage in STAGE_LABELS else None,
        "formal_rejection": _as_bool(slots.get("formal_rejection")),
        "decision_date": _as_date(slots.get("decision_date")),
        "interviewer_count": _as_int(slots.get("interviewer_count")),
        "interviewer_names": _as_text(
            slots.get("interviewer_names"), _TEXT_LIMITS["interviewer_names"]
        ),
        "met_hiring_manager": _as_bool(slots.get("met_hiring_manager")),
        "hr_contact": _as_text(slots.get("hr_contact"), _TEXT_LIMITS["hr_contact"]),
        "network_contact": _as_text(slots.get("network_contact"), _TEXT_LIMITS["network_contact"]),
        # "je ne sais pas" is an answer for the culture: the timing rule has a case for it.
        "culture": slots.get("culture") if culture in ("formal", "casual") else "unknown",
    }


def save_rejection(session: Session, user: User, slots: Mapping[str, Any]) -> Rejection:
    """Store one rejection from the intake slots (each call adds a new row)."""
    values = rejection_values({slot: slots.get(slot) for slot in SLOTS})
    missing = [name for name in REQUIRED if values[name] is None]
    if missing:
        raise ValueError(f"rejection is missing {', '.join(missing)}")
    rejection = Rejection(user_id=user.id, **values)
    session.add(rejection)
    session.flush()
    return rejection


def list_rejections(session: Session, user: User, *, limit: int = 20) -> list[Rejection]:
    """The most recent first (by rejection date, then by entry)."""
    return list(
        session.scalars(
            select(Rejection)
            .where(Rejection.user_id == user.id)
            .order_by(Rejection.created_at.desc(), Rejection.id.desc())
            .limit(limit)
        )
    )


def latest_rejection(session: Session, user: User) -> Rejection | None:
    found = list_rejections(session, user, limit=1)
    return found[0] if found else None


def get_rejection(session: Session, user: User, rejection_id: Any) -> Rejection | None:
    """The user's own rejection with that id (another person's id gives None)."""
    if isinstance(rejection_id, str) and rejection_id.isdigit():
        rejection_id = int(rejection_id)
    if not isinstance(rejection_id, int) or isinstance(rejection_id, bool):
        return None
    return session.scalar(
        select(Rejection).where(Rejection.id == rejection_id, Rejection.user_id == user.id)
    )


def record_mood(
    session: Session, user: User, mood: str, *, rejection_id: int | None = None
) -> Mood:
    if mood not in MOODS:
        raise ValueError(f"unknown mood: {mood!r}")
    if rejection_id is not None and get_rejection(session, user, rejection_id) is None:
        rejection_id = None
    row = Mood(user_id=user.id, mood=mood, rejection_id=rejection_id)
    session.add(row)
    session.flush()
    return row


def _yes_no(value: bool | None) -> str:
    return "non précisé" if value is None else ("oui" if value else "non")


def _interviewers(count: int | None, names: str | None) -> str:
    if count is None:
        label = "non précisé"
    elif count == 0:
        label = "aucun entretien"
    elif count == 1:
        label = "une personne"
    elif count == SEVERAL:
        label = "plusieurs personnes"
    else:
        label = f"{count} personnes"
    return f"{label} ({names})" if names else label


def describe_rejection(values: Mapping[str, Any], *, today: dt.date) -> str:
    """A short French recap of a rejection (column values, as from :func:`rejection_values`)."""
    day = values.get("rejection_date")
    lines = [
        f"• Entreprise : {writing.company(values.get('company')) or 'non précisée'}",
        f"• Poste : {values.get('position') or 'non précisé'}",
        f"• Refus reçu : {format_date_fr(day, today=today) if day else 'date non précisée'}",
        f"• Étape atteinte : {STAGE_LABELS.get(values.get('stage') or '', 'non précisée')}",
        f"• Refus officiel : {_yes_no(values.get('formal_rejection'))}",
    ]
    decision = values.get("decision_date")
    if decision:
        lines.append(f"• Décision annoncée : {format_date_fr(decision, today=today)}")
    lines.append(
        "• Personnes rencontrées : "
        + _interviewers(values.get("interviewer_count"), values.get("interviewer_names"))
    )
    lines.append(f"• Manager rencontré·e : {_yes_no(values.get('met_hiring_manager'))}")
    if values.get("hr_contact"):
        lines.append(f"• Contact RH : {values['hr_contact']}")
    if values.get("network_contact"):
        lines.append(f"• Contact dans votre réseau : {values['network_contact']}")
    culture = {"formal": "plutôt formelle", "casual": "plutôt décontractée"}.get(
        values.get("culture") or "", "non précisée"
    )
    lines.append(f"• Culture : {culture}")
    return "\n".join(lines)


def mood_label(mood: str) -> str:
    return MOOD_LABELS.get(mood, mood)
