"""French deadlines for goals: "d'ici fin janvier", "dans 6 semaines", "avant le 15 mars".

:func:`parse_deadline` finds the deadline in a message and resolves it against ``today``:

- periods: "fin janvier", "début mars", "mi-février" (the 1st, the 15th, the last day);
  "fin du mois", "fin de la semaine" (Sunday), "fin de l'année", "fin du trimestre", "la
  semaine prochaine" (its Sunday), "le mois prochain" (its last day);
- durations: "dans 6 semaines", "d'ici 2 mois", "en trois semaines", "sous quinze jours"
  ("huit jours" is a week and "quinze jours" two, as in everyday French);
- dates: "le 15 mars", "1er décembre 2027", "15/03", "15/03/2027";
- holidays and seasons after a cue: "d'ici Noël", "pour la rentrée", "avant l'été";
- after a cue ("d'ici", "avant", "pour", "au plus tard"…), anything
  :func:`coach.language.times.parse_when` reads ("d'ici vendredi prochain"); with
  ``whole_answer`` (the answer to "pour quand ?"), the whole message is read that way.

A date without a year is the next one to come; a year written out is kept, even past (the
SMART check then says the date has passed). ``Deadline`` keeps where the expression sat in
the text, so that the goal's title can leave it out.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Final

from coach.language.fold import (
    MONTH_ALIASES,
    MONTHS_FR,
    NUMBER,
    NUMBER_WORDS,
    fold_keep_length,
    number_value,
)
from coach.language.times import ParsedWhen, parse_when
from coach.timing import business_day_on_or_after, business_day_on_or_before

__all__ = [
    "DEFAULT_WEEKS",
    "NUMBER",
    "NUMBER_WORDS",
    "Deadline",
    "business_deadline",
    "number_value",
    "parse_deadline",
    "suggest_deadline",
]

DEFAULT_WEEKS: Final = 6  # the deadline suggested to someone who has none in mind


_FULL_MONTHS: Final = [fold_keep_length(name) for name in MONTHS_FR]
_SHORT_MONTHS: Final = [name for name in MONTH_ALIASES if name not in _FULL_MONTHS]
# An abbreviation may end with a dot ("janv."); a full name never takes the sentence's dot.
_MONTH: Final = (
    "(?:(?:"
    + "|".join(sorted(_FULL_MONTHS, key=len, reverse=True))
    + r")\b|(?:"
    + "|".join(sorted(_SHORT_MONTHS, key=len, reverse=True))
    + r")\b\.?)"
)
_CUE: Final = r"(?:d ici|avant|pour|au plus tard|jusqu a|jusqu au|echeance|deadline|date limite)"
_DURATION: Final = re.compile(
    rf"\b(?:dans|d ici(?: a)?|en|sous)\s+(?:(?P<n>{NUMBER})|(?P<half>un demi|une demi))\s*"
    r"(?P<unit>jours?|semaines?|mois|ans?|annees?)\b"
)
_PERIOD: Final = re.compile(
    r"\b(?P<when>fin|debut|mi|milieu)\s+(?:de\s+|d\s+)?(?:du\s+mois\s+de\s+|mois\s+de\s+)?"
    rf"(?P<month>{_MONTH})(?:\s+(?P<year>\d{{4}}))?"
)
_RELATIVE_END: Final = re.compile(
    r"\bfin\s+(?:(?P<month>du\s+mois|de\s+ce\s+mois|de\s+mois)|(?P<week>de\s+(?:la\s+|cette\s+)?"
    r"semaine)|(?P<year>de\s+l\s+annee|d\s+annee|de\s+cette\s+annee)|(?P<quarter>du\s+trimestre"
    r"|de\s+ce\s+trimestre))\b"
    r"|\b(?P<next_week>(?:la\s+)?semaine\s+prochaine)\b|\b(?P<next_month>(?:le\s+)?mois\s+prochain)\b"
)
_EXPLICIT: Final = re.compile(
    rf"\b(?P<day>1er|\d{{1,2}})\s+(?P<month>{_MONTH})(?:\s+(?P<year>\d{{4}}))?"
    r"|\b(?P<d>\d{1,2})/(?P<m>\d{1,2})(?:/(?P<y>\d{2,4}))?\b"
)
_SEASONS: Final[dict[str, tuple[int, int]]] = {
    "noel": (12, 25),
    "nouvel an": (1, 1),
    "la rentree": (9, 1),
    "l ete": (6, 21),
    "cet ete": (6, 21),
    "le printemps": (3, 20),
    "l automne": (9, 22),
    "l hiver": (12, 21),
}
_SEASON: Final = re.compile(
    rf"\b{_CUE}\s+(?:la\s+|le\s+)?(?P<name>"
    + "|".join(sorted(_SEASONS, key=len, reverse=True))
    + r")\b"
)
_CUE_ONLY: Final = re.compile(rf"\b{_CUE}\b\s*:?\s*")


@dataclass(frozen=True)
class Deadline:
    day: dt.date
    expression: str  # as the person wrote it: "d'ici fin janvier"
    start: int  # span in the text it was read from
    end: int


def _last_day(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _monthnumber_value(raw: str) -> int:
    return MONTH_ALIASES[raw.rstrip(".")]


def _this_or_next_year(today: dt.date, month: int, day: int) -> dt.date | None:
    for year in (today.year, today.year + 1):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            return None
        if candidate >= today:
            return candidate
    return None


_WEEKDAY_BEFORE: Final = re.compile(
    r"(?:\ble\s+)?\b(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\s+$"
)


def _span_with_cue(folded: str, start: int) -> int:
    """Widen a match to the weekday and the cue before it ("d'ici fin janvier", "d'ici le
    samedi 9 janvier"), for the expression."""
    weekday = _WEEKDAY_BEFORE.search(folded[:start])
    start = weekday.start() if weekday else start
    before = re.search(rf"{_CUE}\s+(?:le\s+|la\s+|l\s+)?$", folded[:start])
    return before.start() if before else start


def _from_duration(match: re.Match[str], today: dt.date) -> dt.date:
    unit = match.group("unit")
    if match.group("half"):
        return today + (dt.timedelta(days=15) if unit.startswith("mois") else dt.timedelta(0))
    count = number_value(match.group("n"))
    if unit.startswith("jour"):
        # "huit jours" is a week and "quinze jours" two weeks in French.
        days = {8: 7, 15: 14}.get(count, count)
        return today + dt.timedelta(days=days)
    if unit.startswith("semaine"):
        return today + dt.timedelta(weeks=count)
    if unit.startswith("mois"):
        return _add_months(today, count)
    return _add_months(today, 12 * count)


def _from_period(match: re.Match[str], today: dt.date) -> dt.date | None:
    month = _monthnumber_value(match.group("month"))
    year_text = match.group("year")
    when = match.group("when")
    years = [int(year_text)] if year_text else [today.year, today.year + 1]
    for year in years:
        if when == "fin":
            day = _last_day(year, month)
        elif when == "debut":
            day = dt.date(year, month, 1)
        else:
            day = dt.date(year, month, 15)
        if day >= today or year_text:
            return day
    return None


def _from_relative_end(match: re.Match[str], today: dt.date) -> dt.date:
    if match.group("month"):
        return _last_day(today.year, today.month)
    if match.group("week"):
        return today + dt.timedelta(days=6 - today.weekday() or 7)
    if match.group("year"):
        return dt.date(today.year, 12, 31)
    if match.group("quarter"):
        last_month = (today.month - 1) // 3 * 3 + 3
        return _last_day(today.year, last_month)
    if match.group("next_week"):
        return today + dt.timedelta(days=6 - today.weekday() + 7)
    following = _add_months(today.replace(day=1), 1)
    return _last_day(following.year, following.month)


def _from_explicit(match: re.Match[str], today: dt.date) -> dt.date | None:
    if match.group("day"):
        day = 1 if match.group("day") == "1er" else int(match.group("day"))
        month = _monthnumber_value(match.group("month"))
        year_text = match.group("year")
    else:
        day, month = int(match.group("d")), int(match.group("m"))
        year_text = match.group("y")
        if not 1 <= month <= 12:
            return None
    if year_text:
        year = int(year_text)
        year = year + 2000 if year < 100 else year
        try:
            return dt.date(year, month, day)
        except ValueError:
            return None
    return _this_or_next_year(today, month, day)


def _from_season(match: re.Match[str], today: dt.date) -> dt.date | None:
    month, day = _SEASONS[match.group("name")]
    return _this_or_next_year(today, month, day)


def _with_timeparse(text: str, start: int, today: dt.date) -> tuple[dt.date, int] | None:
    noon = dt.datetime.combine(today, dt.time(12, 0), tzinfo=dt.UTC)
    parsed = parse_when(text[start:], now=noon, tz=dt.UTC)
    if not isinstance(parsed, ParsedWhen):
        return None
    where = text.find(parsed.expression.split(" ")[0], start)
    end = (where if where >= 0 else start) + len(parsed.expression)
    return parsed.local.date(), end


def parse_deadline(text: str, today: dt.date, *, whole_answer: bool = False) -> Deadline | None:
    """The deadline written in ``text``, resolved against ``today`` (None when there is none).

    A date without a year is the next one to come ("fin janvier" said in February is next
    January); a date with a year is kept as written, even if it has passed (the check then
    says so). ``whole_answer`` is for the answer to "pour quand ?": the whole message is a
    date, so "vendredi" or "le mois prochain" are read even without "d'ici" before them.
    """
    raw = text or ""
    folded = fold_keep_length(raw)
    found: list[tuple[int, int, dt.date]] = []
    for pattern, resolve in (
        (_DURATION, _from_duration),
        (_PERIOD, _from_period),
        (_RELATIVE_END, _from_relative_end),
        (_EXPLICIT, _from_explicit),
        (_SEASON, _from_season),
    ):
        for match in pattern.finditer(folded):
            day = resolve(match, today)
            if day is not None:
                found.append((match.start(), match.end(), day))
                break
    if found:
        start, end, day = min(found)
        start = _span_with_cue(folded, start)
        return Deadline(day, raw[start:end].strip(), start, end)
    cue = _CUE_ONLY.search(folded)
    if cue is not None or whole_answer:
        begin = cue.end() if cue is not None else 0
        resolved = _with_timeparse(raw, begin, today)
        if resolved is not None:
            day, end = resolved
            start = cue.start() if cue is not None else 0
            return Deadline(day, raw[start:end].strip(), start, end)
    return None


def business_deadline(day: dt.date, today: dt.date, subdiv: str | None = None) -> dt.date:
    """The deadline moved off a weekend or a public holiday.

    It moves *back* to the business day before: « d'ici fin janvier » means by the end of
    January, and someone who sets themselves a deadline expects the coach to keep the
    promise they made to themselves — not to push it quietly into February; finishing on
    the Friday before a Sunday deadline keeps their word. Only when that day is not after
    ``today`` (« d'ici demain » said on a Friday) does it move forward instead. A day already
    past is returned as it is: the SMART check says it has passed.
    """
    if day <= today:
        return day
    before = business_day_on_or_before(day, subdiv)
    return before if before > today else business_day_on_or_after(day, subdiv)


def suggest_deadline(
    today: dt.date, weeks: int = DEFAULT_WEEKS, subdiv: str | None = None
) -> dt.date:
    """A deadline to propose to someone who has none in mind: a Friday ``weeks`` ahead, or
    the business day before it when it is a public holiday (14 July, 11 November…)."""
    day = today + dt.timedelta(weeks=weeks)
    return business_deadline(day + dt.timedelta(days=(4 - day.weekday()) % 7), today, subdiv)
