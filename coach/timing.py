"""When to ask for feedback after a rejection (SPEC §4): pure, deterministic, offline.

Business days are Monday to Friday minus French public holidays (``holidays`` package,
country FR, optional subdivision such as ``"57"`` / ``"Moselle"`` or ``"6AE"`` / ``"Alsace"``
for Good Friday and 26 December). "N business days after D" is the N-th business day
strictly after D. A "pont" (the Friday after Ascension) is a business day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from typing import Final, Literal

import holidays

from coach.language.dates import format_date_fr

__all__ = [
    "CULTURE_DELAY",
    "TimingPlan",
    "add_business_days",
    "business_day_on_or_after",
    "business_day_on_or_before",
    "is_business_day",
    "plan_feedback_request",
]

Culture = Literal["formal", "casual", "unknown"]

#: Business days after the rejection before the recommended day, by company culture.
CULTURE_DELAY: Final[dict[str, int]] = {"casual": 3, "unknown": 4, "formal": 5}
EARLIEST_DELAY: Final = 3
LATEST_DELAY: Final = 10
LATEST_AFTER_RECOMMENDED: Final = 5


@dataclass(frozen=True)
class TimingPlan:
    earliest: dt.date
    recommended: dt.date
    latest: dt.date
    needs_confirmation: bool
    reasons: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        """The plan as stored with the rejection and exported (ISO dates)."""
        return {
            "earliest": self.earliest.isoformat(),
            "recommended": self.recommended.isoformat(),
            "latest": self.latest.isoformat(),
            "needs_confirmation": self.needs_confirmation,
            "reasons": list(self.reasons),
        }


@cache
def _holidays(year: int, subdiv: str | None) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("FR", subdiv=subdiv, years=year))


def _holiday_name(day: dt.date, subdiv: str | None) -> str | None:
    names = holidays.country_holidays("FR", subdiv=subdiv, years=day.year)
    name = names.get(day)
    return str(name) if name else None


def is_business_day(day: dt.date, subdiv: str | None = None) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year, subdiv)


def business_day_on_or_after(day: dt.date, subdiv: str | None = None) -> dt.date:
    """``day`` itself when it is a business day, else the next one."""
    while not is_business_day(day, subdiv):
        day += dt.timedelta(days=1)
    return day


def business_day_on_or_before(day: dt.date, subdiv: str | None = None) -> dt.date:
    """``day`` itself when it is a business day, else the one before."""
    while not is_business_day(day, subdiv):
        day -= dt.timedelta(days=1)
    return day


def add_business_days(day: dt.date, count: int, subdiv: str | None = None) -> dt.date:
    """The ``count``-th business day strictly after ``day`` (``count`` ≥ 1)."""
    if count < 1:
        raise ValueError("count must be at least 1")
    current = day
    found = 0
    while found < count:
        current += dt.timedelta(days=1)
        if is_business_day(current, subdiv):
            found += 1
    return current


def _skipped_holidays(start: dt.date, end: dt.date, subdiv: str | None) -> list[str]:
    """Names of the public holidays on weekdays strictly between ``start`` and ``end``."""
    names: list[str] = []
    day = start + dt.timedelta(days=1)
    while day < end:
        if day.weekday() < 5:
            name = _holiday_name(day, subdiv)
            if name and name not in names:
                names.append(name)
        day += dt.timedelta(days=1)
    return names


def plan_feedback_request(
    rejection_date: dt.date,
    *,
    formal_rejection: bool,
    decision_date: dt.date | None,
    culture: Culture | str,
    subdiv: str | None = None,
) -> TimingPlan:
    """The window to ask for feedback, with the French reasons for each step (SPEC §4)."""
    if culture not in CULTURE_DELAY:
        culture = "unknown"
    delay = CULTURE_DELAY[culture]
    earliest = add_business_days(rejection_date, EARLIEST_DELAY, subdiv)
    recommended = add_business_days(rejection_date, delay, subdiv)
    reasons = [
        f"Laissez passer au moins {EARLIEST_DELAY} jours ouvrés après le refus : la décision "
        "est digérée de part et d'autre, et votre message arrive à froid.",
    ]
    style = {
        "casual": "l'entreprise semble décontractée, un message rapide passe bien",
        "unknown": "sans savoir si l'entreprise est formelle ou non, on prend un juste milieu",
        "formal": "l'entreprise semble formelle, un peu plus de recul est apprécié",
    }[culture]
    reasons.append(f"Jour conseillé : {delay} jours ouvrés après le refus, car {style}.")
    if decision_date is not None:
        after_decision = add_business_days(decision_date, 1, subdiv)
        moved = False
        if earliest <= decision_date:
            earliest = after_decision
            moved = True
        if recommended <= decision_date:
            recommended = after_decision
            moved = True
        if moved:
            reasons.append(
                "L'entreprise a annoncé sa décision pour le "
                f"{format_date_fr(decision_date, today=decision_date)} : on attend le premier "
                "jour ouvré qui suit avant d'écrire."
            )
    latest = max(
        add_business_days(rejection_date, LATEST_DELAY, subdiv),
        add_business_days(recommended, LATEST_AFTER_RECOMMENDED, subdiv),
    )
    reasons.append(
        "Au-delà d'environ deux semaines ouvrées, les échanges sont moins frais dans les "
        "mémoires : essayez d'écrire avant la date limite."
    )
    skipped = _skipped_holidays(rejection_date, latest, subdiv)
    if skipped:
        reasons.append(
            "Les jours fériés ne comptent pas comme jours ouvrés (" + ", ".join(skipped) + ")."
        )
    if not formal_rejection:
        reasons.append(
            "Vous n'avez pas reçu de refus officiel : le recrutement est peut-être encore "
            "ouvert, commencez par demander poliment où en est la décision."
        )
    return TimingPlan(
        earliest=earliest,
        recommended=recommended,
        latest=latest,
        needs_confirmation=not formal_rejection,
        reasons=reasons,
    )
