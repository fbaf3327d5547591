"""The person's own safety plan (« mon plan de sécurité »): its parts, how it is written, and
how it reads.

A safety plan is what crisis lines suggest preparing on a calm day, to have at hand on a bad
one: the signs that tell me it is starting to go wrong, what helps me calm down, the people I
can call, the places where I feel safe, and the professionals (the national lines, always
there, plus the person's own doctor if they add one). Every part is optional and can be
rewritten or cleared at any time (/plan).

It is written one part at a time, in a small conversation the bot runs itself (no NLU): the
row remembers which part the person is writing (``editing``) and since when, so that their
next typed message becomes that part — never for longer than :data:`EDITING_FOR`, and never
once they moved on to something else (a command or another button ends it, see
:func:`end_editing`). What they type there never reaches Rasa, its tracker or any log.

It is shown in two places only: /plan, and after a crisis answer (after the lines, never
before them). It is exported and erased with everything else (coach.privacy) and used for
nothing else.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from coach.language.answers import is_dont_know, is_none_answer, is_skip
from coach.language.fold import words as fold_words
from coach.models import SafetyPlan, User

#: A part being written takes the person's next typed message only within this delay: after
#: a longer silence their message is an ordinary one again.
EDITING_FOR: Final = dt.timedelta(minutes=30)
#: Long enough for a few names and numbers, short enough to read on a bad day.
MAX_PART_CHARS: Final = 1500


@dataclass(frozen=True)
class Part:
    key: str  # the SafetyPlan column
    title: str  # as the person reads it in their plan
    short: str  # on a button
    question: str


PARTS: Final[tuple[Part, ...]] = (
    Part(
        "warning_signs",
        "Les signes qui m'alertent",
        "Signes d'alerte",
        "Quels signes vous montrent que ça commence à aller mal ? Des pensées, des émotions, "
        "des habitudes qui changent (par exemple : « je ne dors plus », « je m'isole »).",
    ),
    Part(
        "calming",
        "Ce qui m'aide à me calmer",
        "Ce qui m'apaise",
        "Qu'est-ce qui vous aide à vous apaiser, par vous-même ? Une marche, de la musique, "
        "respirer lentement, une douche, un animal…",
    ),
    Part(
        "people",
        "Les personnes que je peux appeler",
        "Personnes à appeler",
        "Qui pouvez-vous appeler ou aller voir quand ça ne va pas ? Notez leur prénom et, si "
        "vous le souhaitez, leur numéro.",
    ),
    Part(
        "places",
        "Les lieux où je me sens en sécurité",
        "Lieux sûrs",
        "Dans quels lieux vous sentez-vous en sécurité ou apaisé·e ? Chez une amie, un parc, "
        "une médiathèque…",
    ),
    Part(
        "professionals",
        "Les professionnels",
        "Professionnels",
        "Les lignes d'écoute sont déjà dans votre plan (3114, 15 ou 112, SOS Amitié). "
        "Voulez-vous ajouter votre médecin traitant ou un·e professionnel·le qui vous suit, "
        "avec son numéro ?",
    ),
)
PART_BY_KEY: Final[dict[str, Part]] = {part.key: part for part in PARTS}

#: Always in the plan, whatever the person wrote: the same lines as the crisis answer.
PROFESSIONAL_LINES: Final[tuple[str, ...]] = (
    "3114, prévention du suicide (gratuit, 24h/24, 7j/7)",
    "15 (SAMU) ou 112 en cas de danger immédiat",
    "SOS Amitié, écoute 24h/24 : 09 72 39 40 50",
)

_STOP: Final = re.compile(
    r"^(?:(?:on|je|bon|ok|alors)\s+)*(?:stop|arrete|arretons|arreter|on\s+arrete|annule|annuler"
    r"|plus\s+tard|pas\s+maintenant|fini|j\s+ai\s+fini|c\s+est\s+tout|termine|ca\s+suffit"
    r"|ca\s+ira|on\s+s\s+arrete\s+la|je\s+m\s+arrete\s+la|m\s+arreter|m\s+arreter\s+la)"
    r"(?:\s+(?:la|pour\s+l\s+instant|pour\s+aujourd\s+hui|merci|svp|stp))*$"
)


class Answer:
    """What a typed message means while a part is being written."""

    TEXT = "text"
    SKIP = "skip"
    STOP = "stop"
    TOO_LONG = "too_long"


def read_answer(text: str) -> str:
    """Classify what the person typed for a part: its content, « passer », « stop »…"""
    cleaned = text.strip()
    if len(cleaned) > MAX_PART_CHARS:
        return Answer.TOO_LONG
    if _STOP.match(fold_words(cleaned)):
        return Answer.STOP
    # « rien », « personne », « je ne sais pas »: nothing to write down for now (a longer
    # sentence that starts that way is content: « personne ne me comprend, sauf Hugo »).
    short = len(cleaned.split()) <= 4
    if short and (is_skip(cleaned) or is_dont_know(cleaned) or is_none_answer(cleaned)):
        return Answer.SKIP
    return Answer.TEXT


# -- storage --------------------------------------------------------------------------


def plan_of(session: Session, user: User) -> SafetyPlan | None:
    return session.scalars(select(SafetyPlan).where(SafetyPlan.user_id == user.id)).first()


def filled(plan: SafetyPlan | None) -> list[Part]:
    """The parts the person wrote something in, in the plan's order."""
    if plan is None:
        return []
    return [part for part in PARTS if (getattr(plan, part.key) or "").strip()]


def editing_part(plan: SafetyPlan | None, *, now: dt.datetime) -> Part | None:
    """The part the person's next typed message goes to, or None."""
    if plan is None or plan.editing not in PART_BY_KEY or plan.editing_since is None:
        return None
    if now - plan.editing_since > EDITING_FOR:
        return None
    return PART_BY_KEY[plan.editing]


def ensure_plan(session: Session, user: User, *, now: dt.datetime) -> SafetyPlan:
    plan = plan_of(session, user)
    if plan is None:
        plan = SafetyPlan(user_id=user.id, created_at=now, updated_at=now)
        session.add(plan)
        session.flush()
    return plan


def begin(
    session: Session, user: User, part: Part, *, walkthrough: bool, now: dt.datetime
) -> SafetyPlan:
    """The person's next typed message will be ``part``."""
    plan = ensure_plan(session, user, now=now)
    plan.editing = part.key
    plan.editing_since = now
    plan.walkthrough = walkthrough
    return plan


def next_part(part: Part) -> Part | None:
    index = PARTS.index(part)
    return PARTS[index + 1] if index + 1 < len(PARTS) else None


def write(plan: SafetyPlan, part: Part, text: str | None, *, now: dt.datetime) -> None:
    """Set (or, with None, clear) one part."""
    value = (text or "").strip() or None
    setattr(plan, part.key, value)
    plan.updated_at = now


def end_editing(plan: SafetyPlan | None) -> bool:
    """No part takes the next message any more; True when one did."""
    if plan is None or plan.editing is None:
        return False
    plan.editing = None
    plan.editing_since = None
    plan.walkthrough = False
    return True


def delete_plan(session: Session, user: User) -> bool:
    plan = plan_of(session, user)
    if plan is None:
        return False
    session.delete(plan)
    session.flush()
    return True


# -- reading --------------------------------------------------------------------------


def render(plan: SafetyPlan | None) -> str:
    """The whole plan, as /plan shows it: every part, the empty ones marked as such."""
    lines = ["Votre plan de sécurité"]
    for number, part in enumerate(PARTS, start=1):
        lines += ["", f"{number}. {part.title}"]
        own = (getattr(plan, part.key) or "").strip() if plan is not None else ""
        if part.key == "professionals":
            lines += [f"• {line}" for line in PROFESSIONAL_LINES]
            if own:
                lines.append(f"• {own}")
        else:
            lines.append(own or "(pas encore rempli)")
    return "\n".join(lines)


def render_after_crisis(plan: SafetyPlan) -> str:
    """The parts the person wrote, to read right after the crisis answer (the lines were
    just given above it, so only their own additions are repeated)."""
    lines = ["Voici aussi votre plan de sécurité, celui que vous avez préparé :"]
    for part in filled(plan):
        lines += ["", part.title, (getattr(plan, part.key) or "").strip()]
    return "\n".join(lines)
