"""French dates read from free text: the one date vocabulary every form and rule uses.

Two questions share this module's vocabulary, folding, typo fixes (:func:`fold_for_dates`) and
calendar arithmetic (:func:`add_months`, :func:`next_weekday`): *which day* (a rejection or
decision date: :func:`parse_rejection_date`, :func:`parse_date`, here) and *which instant* (a
reminder, a deadline: :func:`coach.language.times.parse_when`). Pure, deterministic, offline;
nothing here logs what people write.

Days — :func:`parse_rejection_date` (the day the rejection arrived, never in the future)
and :func:`parse_date` (``past_only=False``: a decision date, past or future).

- Understood (accents optional, case ignored, one-letter typos on day and month names of
  five letters or more: "fevrier", "mecredi", "lundi derneir"): "aujourd'hui", "ce matin",
  "ce soir", "hier", "avant-hier", weekdays ("lundi", "lundi dernier", "ce lundi", "mardi de
  la semaine dernière", "lundi 23"), "il y a 3 jours / une semaine / deux mois", "ça fait
  trois jours", "la semaine dernière", "cette semaine", "en début de semaine", "le week-end
  dernier", "le mois dernier", "début / mi / fin novembre", "en octobre", "le 3 novembre",
  "1er nov.", "3 nov 2025", "03/11", "3/11/2026", "3/11/26", "03.11.2026", "2026-11-03",
  "le 3"; for decision dates also "demain", "lundi prochain", "dans 10 jours", "d'ici
  vendredi", "sous huitaine", "la semaine prochaine", "fin du mois".
- A weekday alone ("lundi", "lundi dernier") is the most recent one strictly before today:
  a rejection cannot be "lundi" on the Monday it is told (say "aujourd'hui"). "ce lundi" is
  the Monday of the current week. For a decision date a weekday alone is ambiguous (last or
  next?) and a question comes back, unless "dernier" / "prochain" / "d'ici" settles it.
- "le 3" (a day of the month alone) is this month's 3rd, or the previous month's when that
  would be in the future (months without a 31st are skipped: "le 31" on 25 November is
  31 October).
- Year inference for a day and month without year (rejection dates): this year's date if it
  is today or earlier; last year's if this year's is more than :data:`PAST_YEAR_AFTER_DAYS`
  (60) days ahead ("le 20 décembre" said on 5 January is the 20 December just gone); if it
  is 1 to 60 days ahead, the answer is the error "future" with a kind question that offers
  last year's date ("le 3 décembre" said on 25 November is much more likely a slip than a
  rejection eleven months old). For decision dates the occurrence closest to today wins.
- Vague periods give a date with ``approximate=True``: "la semaine dernière" → its
  Wednesday, "cette semaine" → half-way between Monday and today, "il y a N semaines /
  mois / ans" → that many weeks / months / years ago, "quelques jours" → 3 days, "huit
  jours" → 7, "quinze jours" → 14, "début / mi / fin <mois>" → the 5th / 15th / last day,
  "en <mois>" and "le mois dernier" → the 15th. A period that includes today is cut at
  today for a rejection date ("fin novembre" on 25 November → 25 November).
- Errors: "future" (after today), "impossible" ("31 février", "32/01", "30/02", "29/02/2026",
  "03/13"), "ambiguous" ("lundi ou mardi", a weekday that contradicts the date — "lundi
  3 novembre 2026" was a Tuesday —, "l'autre jour", "récemment", a bare weekday as a decision
  date), "not_found". Each comes with a short French question ready to show.
- A date that is plainly about something else is ignored: the interview ("mon entretien de
  lundi"), the application ("j'ai postulé le 3 novembre"), a wait ("depuis lundi", "ça fait
  trois semaines que j'attends"). In a rejection date, future expressions are dropped when
  a past one is also present ("refus hier, un autre entretien demain").
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from coach.language.fold import (
    MAX_TEXT,
    MONTH_ALIASES,
    MONTHS_FR,
    NUMBER_WORDS,
    WEEKDAYS_FR,
    Folded,
    fold_fixing_typos,
    words,
)

__all__ = [
    "PAST_YEAR_AFTER_DAYS",
    "DateParse",
    "DateProblem",
    "add_months",
    "date_spans",
    "fold_for_dates",
    "format_date_fr",
    "next_weekday",
    "parse_date",
    "parse_rejection_date",
]

#: A day and month without year more than this many days ahead is last year's (rejections).
PAST_YEAR_AFTER_DAYS: Final = 60

# --------------------------------------------------------------------------- folding

# Key words that get one-letter typos fixed (Damerau distance 1, five letters or more).
_KEYWORDS: Final = frozenset(
    {
        *WEEKDAYS_FR,
        "janvier",
        "fevrier",
        "avril",
        "juillet",
        "septembre",
        "octobre",
        "novembre",
        "decembre",
        "dernier",
        "derniere",
        "semaine",
        "semaines",
        "aujourd",
        "prochain",
        "prochaine",
        "demain",
        "heure",
        "heures",
        "minute",
        "minutes",
        "matin",
        "matinee",
        "apres",
        "soiree",
        "journee",
        "quinze",
        "rappelle",
        "rappeler",
        "rappelez",
    }
)
# Real words (or names) one edit away from a key word, never "corrected".
_NOT_TYPOS: Final = frozenset(
    {
        "marie",
        "martin",
        "javier",
        "mardis",
        "jeudis",
        "derniers",
        "aupres",
        "heurte",
        "mairie",
        "matins",
    }
)


def fold_for_dates(text: str) -> Folded:
    """Folded ``text`` with typos on date words fixed ("mecredi", "demian", "procahin")."""
    return fold_fixing_typos(text, _KEYWORDS, _NOT_TYPOS)


_fold_for_dates = fold_for_dates
_words = words

# --------------------------------------------------------------------------- dates: API types


class DateProblem(StrEnum):
    FUTURE = "future"
    IMPOSSIBLE = "impossible"
    AMBIGUOUS = "ambiguous"
    NOT_FOUND = "not_found"


@dataclass(frozen=True)
class DateParse:
    """A date read from text, or why none could be chosen (``error`` + French ``message``)."""

    date: dt.date | None = None
    approximate: bool = False
    error: DateProblem | None = None
    message: str | None = None  # French, ready to show when ``error`` is set
    expression: str | None = None  # the date words as the user wrote them
    candidates: tuple[dt.date, ...] = ()  # the dates hesitated between ("ambiguous")

    @property
    def ok(self) -> bool:
        return self.date is not None and self.error is None


def format_date_fr(day: dt.date, *, today: dt.date | None = None) -> str:
    """ "mardi 3 novembre" (with the year when it is not ``today``'s, or when no today)."""
    number = "1er" if day.day == 1 else str(day.day)
    text = f"{WEEKDAYS_FR[day.weekday()]} {number} {MONTHS_FR[day.month - 1]}"
    if today is None or today.year != day.year:
        text += f" {day.year}"
    return text


# --------------------------------------------------------------------------- dates: patterns

_NUMW = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
_WD = r"(?P<wd>lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)"
_MONTH_ALIASES: Final = MONTH_ALIASES
_MONTH = "(?P<mon>" + "|".join(sorted(_MONTH_ALIASES, key=len, reverse=True)) + r")\b(?:\s*\.)?"
_PART_OF_DAY = r"(?:\s+(?:matin|midi|soir|apres\s+midi|aprem|dans\s+la\s+journee))?"
# Words after "le 3" that make it a count or an ordinal, not a day of the month.
_NOT_DAY_AFTER = (
    r"(?:[/.:-]\s*\d|h\b|heures?\b|e\b|eme\b|ieme\b|entretiens?\b|tours?\b|candidat|"
    r"personnes?\b|fois\b|jours?\b|semaines?\b|mois\b|ans?\b|annees?\b|postes?\b|rdv\b|"
    r"rendez\b|etapes?\b|euros?\b|k\b|%|€|sur\b|min)"
)


class _Problem(Exception):
    def __init__(
        self,
        problem: DateProblem,
        message: str,
        candidates: tuple[dt.date, ...] = (),
    ) -> None:
        super().__init__(problem.value)
        self.problem = problem
        self.message = message
        self.candidates = candidates


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    date: dt.date | None = None
    approximate: bool = False
    problem: _Problem | None = None
    last_year: dt.date | None = None  # when the year was inferred: the same day a year back


@dataclass(frozen=True)
class _Ctx:
    today: dt.date
    past_only: bool
    folded: str


_Resolver = Callable[[re.Match[str], _Ctx], "_Hit | None"]

_IMPOSSIBLE_MESSAGE: Final = (
    "Cette date n'existe pas dans le calendrier. Pouvez-vous vérifier le jour et le mois ?"
)


def _impossible(what: str | None = None) -> _Problem:
    if what:
        message = (
            f"Le {what} n'existe pas dans le calendrier. Pouvez-vous vérifier le jour et le mois ?"
        )
    else:
        message = _IMPOSSIBLE_MESSAGE
    return _Problem(DateProblem.IMPOSSIBLE, message)


def _day_label(day: dt.date) -> str:
    return f"{'1er' if day.day == 1 else day.day} {MONTHS_FR[day.month - 1]}"


def _make_date(year: int, month: int, day: int) -> dt.date:
    if not 1 <= month <= 12:
        raise _impossible()
    try:
        return dt.date(year, month, day)
    except ValueError:
        label = f"{'1er' if day == 1 else day} {MONTHS_FR[month - 1]}"
        if month == 2 and day == 29:
            label += f" {year}"
        raise _impossible(label) from None


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day ``months`` later (or earlier), clamped to the month's end (31/03 → 28/02)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _last_weekday(today: dt.date, weekday: int) -> dt.date:
    """The most recent ``weekday`` strictly before ``today``."""
    back = (today.weekday() - weekday) % 7 or 7
    return today - dt.timedelta(days=back)


def next_weekday(today: dt.date, weekday: int, *, include_today: bool = False) -> dt.date:
    """The next ``weekday`` after ``today`` (or today itself with ``include_today``)."""
    ahead = (weekday - today.weekday()) % 7
    if ahead == 0 and not include_today:
        ahead = 7
    return today + dt.timedelta(days=ahead)


def _clamp(day: dt.date, start: dt.date, ctx: _Ctx) -> dt.date:
    """Cut a period that includes today at today (rejection dates only)."""
    if ctx.past_only and start <= ctx.today < day:
        return ctx.today
    return day


def _year(raw: str | None) -> int | None:
    if not raw:
        return None
    year = int(raw)
    return year + 2000 if year < 100 else year


def _day_month(month: int, day: int, year: int | None, ctx: _Ctx) -> tuple[dt.date, dt.date | None]:
    """Resolve a day and month, inferring the year; returns the date and last year's twin."""
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        raise _impossible()
    if year is not None:
        return _make_date(year, month, day), None
    today = ctx.today
    if ctx.past_only:
        this_year = _make_date(today.year, month, day)
        if this_year <= today:
            return this_year, None
        if (this_year - today).days > PAST_YEAR_AFTER_DAYS:
            return _make_date(today.year - 1, month, day), None
        try:
            twin: dt.date | None = dt.date(today.year - 1, month, day)
        except ValueError:
            twin = None
        return this_year, twin
    options: list[dt.date] = []
    for candidate_year in (today.year - 1, today.year, today.year + 1):
        try:
            options.append(dt.date(candidate_year, month, day))
        except ValueError:
            continue
    if not options:
        raise _impossible(f"{day} {MONTHS_FR[month - 1]}")
    return min(options, key=lambda d: (abs((d - today).days), d > today)), None


def _weekday_index(raw: str) -> int:
    return WEEKDAYS_FR.index(raw)


def _check_weekday(match: re.Match[str], day: dt.date) -> None:
    said = match.groupdict().get("wd")
    if said and _weekday_index(said) != day.weekday():
        raise _Problem(
            DateProblem.AMBIGUOUS,
            f"Le {_day_label(day)} {day.year} tombe un {WEEKDAYS_FR[day.weekday()]}, pas un "
            f"{said} : quel jour était-ce exactement ?",
            (day,),
        )


def _hit(match: re.Match[str], day: dt.date, *, approximate: bool = False) -> _Hit:
    return _Hit(match.start(), match.end(), day, approximate)


def _resolve_iso(match: re.Match[str], ctx: _Ctx) -> _Hit:
    day = _make_date(int(match.group("y")), int(match.group("m")), int(match.group("d")))
    return _hit(match, day)


def _resolve_numeric(match: re.Match[str], ctx: _Ctx) -> _Hit:
    day, twin = _day_month(
        int(match.group("m")), int(match.group("d")), _year(match.group("y")), ctx
    )
    _check_weekday(match, day)
    return _Hit(match.start(), match.end(), day, last_year=twin)


def _resolve_day_month(match: re.Match[str], ctx: _Ctx) -> _Hit:
    raw_day = match.group("d")
    number = 1 if raw_day == "premier" else int(raw_day)
    month = _MONTH_ALIASES[match.group("mon")]
    day, twin = _day_month(month, number, _year(match.group("y")), ctx)
    _check_weekday(match, day)
    return _Hit(match.start(), match.end(), day, last_year=twin)


def _day_of_month(number: int, ctx: _Ctx) -> dt.date:
    if not 1 <= number <= 31:
        raise _impossible()
    today = ctx.today
    first = today.replace(day=1)
    if not ctx.past_only:
        try:
            return first.replace(day=number)
        except ValueError:
            raise _impossible(f"{number} {MONTHS_FR[today.month - 1]}") from None
    for back in range(0, 12):
        month_start = add_months(first, -back)
        try:
            candidate = month_start.replace(day=number)
        except ValueError:
            continue
        if candidate <= today:
            return candidate
    raise _impossible()  # pragma: no cover - every day 1..31 exists within a year


def _resolve_day_only(match: re.Match[str], ctx: _Ctx) -> _Hit:
    raw_day = match.group("d")
    day = _day_of_month(1 if raw_day == "premier" else int(raw_day), ctx)
    _check_weekday(match, day)
    return _hit(match, day)


_PART_DAY: Final[dict[str, int]] = {"debut": 5, "mi": 15, "milieu": 15}


def _resolve_month_period(match: re.Match[str], ctx: _Ctx) -> _Hit:
    month = _MONTH_ALIASES[match.group("mon")]
    part = match.group("part")
    year = _year(match.group("y"))
    if part == "fin":
        # The last day of the month, whatever the year (February included).
        probe_year = year if year is not None else ctx.today.year
        number = calendar.monthrange(probe_year, month)[1]
        number = min(number, 28) if month == 2 else number
    else:
        number = _PART_DAY.get(part or "", 15)
    day, twin = _day_month(month, number, year, ctx)
    if part == "fin" and month == 2:
        day = day.replace(day=calendar.monthrange(day.year, 2)[1])
    day = _clamp(day, day.replace(day=1), ctx)
    return _Hit(match.start(), match.end(), day, True, last_year=twin)


def _resolve_month_relative(match: re.Match[str], ctx: _Ctx) -> _Hit | None:
    rel = match.group("rel")
    if match.group("le") and not rel:
        return None
    first = ctx.today.replace(day=1)
    if rel in ("dernier", "passe"):
        first = add_months(first, -1)
    elif rel == "prochain":
        first = add_months(first, 1)
    part = match.group("part")
    last_day = calendar.monthrange(first.year, first.month)[1]
    number = last_day if part == "fin" else _PART_DAY.get(part or "", 15)
    if match.group("this") and not part and ctx.past_only:
        number = min(15, ctx.today.day)
    day = _clamp(first.replace(day=number), first, ctx)
    return _hit(match, day, approximate=True)


def _resolve_weekday(match: re.Match[str], ctx: _Ctx) -> _Hit:
    today = ctx.today
    weekday = _weekday_index(match.group("wd"))
    det = " ".join((match.group("det") or "").split())
    qualifier = " ".join((match.group("q") or "").split())
    if qualifier in ("dernier", "derniere", "passe", "passee") or det == "dernier":
        return _hit(match, _last_weekday(today, weekday))
    if qualifier in ("de la semaine derniere", "de la semaine passee"):
        return _hit(match, _monday(today) - dt.timedelta(days=7 - weekday))
    if qualifier == "de la semaine d avant":
        return _hit(match, _monday(today) - dt.timedelta(days=14 - weekday))
    if qualifier in ("prochain", "prochaine", "qui vient"):
        return _hit(match, next_weekday(today, weekday))
    if qualifier == "de la semaine prochaine":
        return _hit(match, _monday(today) + dt.timedelta(days=7 + weekday))
    if det in ("d ici", "pour", "jusqu a"):
        return _hit(match, next_weekday(today, weekday, include_today=True))
    if det == "ce":
        return _hit(match, _monday(today) + dt.timedelta(days=weekday))
    if ctx.past_only:
        return _hit(match, _last_weekday(today, weekday))
    before, after = _last_weekday(today, weekday), next_weekday(today, weekday)
    name = WEEKDAYS_FR[weekday]
    raise _Problem(
        DateProblem.AMBIGUOUS,
        f"Vous parlez de {name} dernier ({format_date_fr(before, today=today)}) ou de {name} "
        f"prochain ({format_date_fr(after, today=today)}) ?",
        (before, after),
    )


def _resolve_week_weekday(match: re.Match[str], ctx: _Ctx) -> _Hit:
    weekday = _weekday_index(match.group("wd"))
    offset = 7 if match.group("which") == "prochaine" else -7
    return _hit(match, _monday(ctx.today) + dt.timedelta(days=offset + weekday))


def _resolve_day_word(match: re.Match[str], ctx: _Ctx) -> _Hit:
    word = " ".join(match.group("w").split())
    offsets = {
        "avant avant hier": -3,
        "avant hier": -2,
        "hier": -1,
        "demain": 1,
        "apres demain": 2,
    }
    return _hit(match, ctx.today + dt.timedelta(days=offsets.get(word, 0)))


def _count(raw: str) -> int:
    raw = " ".join(raw.split())
    if raw.isdigit():
        return int(raw)
    return NUMBER_WORDS.get(raw, 3)  # "quelques", "plusieurs", "un bon"…


def _shift(ctx: _Ctx, raw_n: str, unit: str, sign: int) -> tuple[dt.date, bool]:
    raw_n = " ".join(raw_n.split())
    n = _count(raw_n)
    vague = raw_n in ("quelques", "plusieurs", "une bonne", "un bon")
    if unit.startswith(("h", "min", "mn")):
        return ctx.today, False
    if unit.startswith("j"):
        # "huit jours" and "quinze jours" are French for one and two weeks.
        days = {"huit": 7, "quinze": 14}.get(raw_n, n)
        approximate = vague or raw_n in ("huit", "quinze")
        return ctx.today + dt.timedelta(days=sign * days), approximate
    if unit.startswith("sem"):
        weeks = 2 if raw_n in ("quelques", "plusieurs") else n
        return ctx.today + dt.timedelta(weeks=sign * weeks), True
    if unit == "mois":
        return add_months(ctx.today, sign * n), True
    return add_months(ctx.today, sign * 12 * n), True


_WAITING_AFTER = re.compile(r"\s+(?:que\s+j\s+attends|que\s+j\s+attend|sans\s|que\s+je\s+n\s+ai)")


def _resolve_ago(match: re.Match[str], ctx: _Ctx) -> _Hit | None:
    if _WAITING_AFTER.match(ctx.folded, match.end()):
        return None
    day, approximate = _shift(ctx, match.group("n"), match.group("unit"), -1)
    return _hit(match, day, approximate=approximate)


def _resolve_in(match: re.Match[str], ctx: _Ctx) -> _Hit:
    day, approximate = _shift(ctx, match.group("n"), match.group("unit"), 1)
    return _hit(match, day, approximate=approximate)


def _resolve_within(match: re.Match[str], ctx: _Ctx) -> _Hit:
    days = 8 if match.group("w") == "huitaine" else 15
    return _hit(match, ctx.today + dt.timedelta(days=days), approximate=True)


def _resolve_week(match: re.Match[str], ctx: _Ctx) -> _Hit | None:
    which = " ".join(match.group("which").split())
    part = match.group("part")
    monday = _monday(ctx.today)
    if which in ("semaine derniere", "semaine passee"):
        monday -= dt.timedelta(days=7)
    elif which == "semaine d avant":
        monday -= dt.timedelta(days=14)
    elif which == "semaine prochaine":
        monday += dt.timedelta(days=7)
    elif which == "semaine" and not part:
        return None
    if part == "debut":
        day = monday
    elif part == "fin":
        day = monday + dt.timedelta(days=4)
    elif which in ("cette semaine", "semaine") and ctx.past_only and not part:
        day = monday + dt.timedelta(days=ctx.today.weekday() // 2)
    elif which in ("cette semaine", "semaine prochaine") and not part and not ctx.past_only:
        day = monday + dt.timedelta(days=4)  # "d'ici la semaine prochaine": by its Friday
    else:
        day = monday + dt.timedelta(days=2)
    return _hit(match, _clamp(day, monday, ctx), approximate=True)


def _resolve_weekend(match: re.Match[str], ctx: _Ctx) -> _Hit:
    rel = match.group("rel")
    today = ctx.today
    if rel == "prochain" or (not ctx.past_only and rel is None and today.weekday() < 5):
        day = next_weekday(today, 5, include_today=True)
    else:
        day = today - dt.timedelta(days=(today.weekday() - 5) % 7)
    return _hit(match, day, approximate=True)


def _resolve_vague(match: re.Match[str], ctx: _Ctx) -> _Hit:
    raise _Problem(
        DateProblem.AMBIGUOUS,
        "Pouvez-vous préciser, même approximativement ? Par exemple « hier », « la semaine "
        "dernière » ou « il y a dix jours ».",
    )


_DATE_PATTERNS: Final[tuple[tuple[re.Pattern[str], _Resolver], ...]] = tuple(
    (re.compile(source), resolver)
    for source, resolver in (
        (r"\b(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})\b", _resolve_iso),
        (
            rf"(?<![\w/.])(?:(?:le\s+)?{_WD}\s+)?(?:le\s+)?(?P<d>\d{{1,2}})\s*/\s*(?P<m>\d{{1,2}})"
            r"(?:\s*/\s*(?P<y>\d{4}|\d{2}))?(?![\w/])",
            _resolve_numeric,
        ),
        (
            r"(?<![\w/.])(?P<d>\d{1,2})[.-](?P<m>\d{1,2})[.-](?P<y>\d{4}|\d{2})(?![\w.-])",
            _resolve_numeric,
        ),
        (
            rf"\b(?:(?:le\s+)?{_WD}\s+)?(?:le\s+)?(?P<d>\d{{1,2}}|premier)\s*(?:er)?\s*{_MONTH}"
            r"(?:\s+(?P<y>\d{4}))?",
            _resolve_day_month,
        ),
        (
            rf"\b(?:le\s+)?{_WD}\s+(?P<d>\d{{1,2}})(?:\s*er)?\b(?!\s*{_NOT_DAY_AFTER})",
            _resolve_day_only,
        ),
        (
            rf"\ble\s+(?P<d>\d{{1,2}}|premier)(?:\s*er)?\b(?!\s*{_NOT_DAY_AFTER})",
            _resolve_day_only,
        ),
        (
            r"\b(?:(?P<part>debut|mi|milieu|fin)\s*(?:du\s+mois\s+de\s+|du\s+mois\s+d\s+|de\s+|d\s+)?"
            rf"|(?:en|au\s+mois\s+de|au\s+mois\s+d)\s+){_MONTH}(?:\s+(?P<y>\d{{4}}))?",
            _resolve_month_period,
        ),
        (
            r"\b(?:(?P<part>debut|mi|milieu|fin)\s+(?:du|de\s+ce|de)\s+mois|(?P<this>ce\s+mois)"
            r"|(?P<le>le\s+mois))(?:\s+ci)?(?:\s+(?P<rel>dernier|passe|prochain))?\b",
            _resolve_month_relative,
        ),
        (
            rf"\b(?:la\s+)?semaine\s+(?P<which>derniere|passee|prochaine)\s*,?\s*(?:le\s+)?{_WD}\b",
            _resolve_week_weekday,
        ),
        (
            r"\b(?:(?P<det>ce|le|d\s+ici|pour|jusqu\s+a|dernier)\s+)?"
            + _WD
            + r"(?:\s+(?P<q>dernier|derniere|passe|passee|prochain|prochaine|qui\s+vient"
            r"|de\s+la\s+semaine\s+(?:derniere|passee|prochaine|d\s+avant)))?"
            + _PART_OF_DAY
            + r"\b",
            _resolve_weekday,
        ),
        (
            r"\b(?P<w>avant\s+avant\s+hier|avant\s+hier|hier|aujourd\s*hui|aujourdhui|auj|ajd"
            r"|ce\s+matin|ce\s+midi|cet\s+apres\s+midi|cet\s+aprem|ce\s+soir|cette\s+nuit"
            r"|tout\s+a\s+l\s+heure|tout\s+a\s+l\s+instant|a\s+l\s+instant|apres\s+demain"
            r"|demain)\b" + _PART_OF_DAY,
            _resolve_day_word,
        ),
        (
            r"\b(?:il\s+y\s+a|y\s+a|ya|ca\s+fait|cela\s+fait|voila)\s+"
            rf"(?P<n>\d{{1,3}}|{_NUMW}|quelques|plusieurs|une\s+bonne|un\s+bon)\s*"
            r"(?P<unit>jours?|j|semaines?|sem|mois|ans?|annees?|heures?|h|minutes?|min|mn)\b",
            _resolve_ago,
        ),
        (
            r"\b(?:il\s+y\s+a|y\s+a)\s+(?:un\s+instant|une\s+heure|une\s+minute)\b",
            lambda m, ctx: _hit(m, ctx.today),
        ),
        (
            rf"\b(?:dans|d\s+ici|sous)\s+(?P<n>\d{{1,3}}|{_NUMW}|quelques)\s*"
            r"(?P<unit>jours?|j|semaines?|sem|mois)\b",
            _resolve_in,
        ),
        (r"\bsous\s+(?P<w>huitaine|quinzaine)\b", _resolve_within),
        (
            r"\b(?:(?:en|au|a\s+la|la)\s+)?(?:(?P<part>debut|fin|milieu)\s+(?:de\s+)?)?"
            r"(?:la\s+)?(?P<which>semaine\s+(?:derniere|passee|d\s+avant|prochaine)"
            r"|cette\s+semaine|semaine)\b",
            _resolve_week,
        ),
        (r"\b(?:ce|le)\s+week\s*end(?:\s+(?P<rel>dernier|passe|prochain))?\b", _resolve_weekend),
        (
            r"\b(?:l\s+autre\s+jour|recemment|dernierement|il\s+y\s+a\s+(?:pas\s+longtemps"
            r"|peu(?:\s+de\s+temps)?|quelque\s+temps|un\s+moment|un\s+bail|longtemps)"
            r"|(?:il\s+n\s+)?y\s+a\s+pas\s+longtemps|ya\s+pas\s+longtemps)\b",
            _resolve_vague,
        ),
    )
)

# A date right after these words is the interview's, the application's or a wait's.
_OTHER_EVENT_BEFORE = re.compile(
    r"(?:\b(?:entretien|entretiens|rdv|rendez\s+vous|test|visio|reunion)"
    r"\s+(?:de|du|d|prevu|prevue|passe|passee|fixe|a\s+eu\s+lieu)"
    r"|\b(?:postule|candidate|envoye\s+(?:ma|mon)\s+(?:candidature|cv)|depuis|attends|attend"
    r"|jusqu\s+a))\s*$"
)


def _find_hits(folded: str, today: dt.date, *, past_only: bool) -> list[_Hit]:
    ctx = _Ctx(today, past_only, folded)
    found: list[tuple[int, int, re.Match[str], _Resolver]] = []
    for pattern, resolver in _DATE_PATTERNS:
        for match in pattern.finditer(folded):
            if match.end() > match.start():
                found.append((match.start(), match.end(), match, resolver))
    # Longest first, then earliest: "lundi 3 novembre" beats "lundi" and "3 novembre".
    found.sort(key=lambda item: (-(item[1] - item[0]), item[0]))
    taken: list[tuple[int, int]] = []
    hits: list[_Hit] = []
    for start, end, match, resolver in found:
        if any(start < t_end and t_start < end for t_start, t_end in taken):
            continue
        if _OTHER_EVENT_BEFORE.search(folded[max(0, start - 40) : start]):
            taken.append((start, end))
            continue
        try:
            hit = resolver(match, ctx)
        except _Problem as problem:
            hit = _Hit(start, end, problem=problem)
        if hit is None:
            continue
        taken.append((start, end))
        hits.append(hit)
    hits.sort(key=lambda h: h.start)
    return hits


def _future_message(day: dt.date, today: dt.date, last_year: dt.date | None) -> str:
    when = format_date_fr(day, today=today)
    if last_year is not None:
        return (
            f"Le {when} est encore à venir. Vouliez-vous dire le "
            f"{format_date_fr(last_year)} ? Sinon, indiquez-moi le jour où la réponse est "
            "arrivée."
        )
    return (
        f"Le {when} n'est pas encore passé : quel jour la réponse négative vous est-elle "
        "parvenue ? Par exemple « hier » ou « lundi dernier »."
    )


_NOT_FOUND_MESSAGE: Final = (
    "Je n'ai pas reconnu de date : quel jour avez-vous reçu la réponse ? Par exemple « hier », "
    "« lundi dernier », « le 3 novembre » ou « 03/11 »."
)


def parse_date(text: str, *, today: dt.date, past_only: bool = True) -> DateParse:
    """Read one date in French ``text``; ``past_only`` refuses dates after ``today``."""
    text = (text or "")[:MAX_TEXT]
    folded = _fold_for_dates(text)
    hits = _find_hits(folded.text, today, past_only=past_only)
    if not hits:
        return DateParse(error=DateProblem.NOT_FOUND, message=_NOT_FOUND_MESSAGE)

    def expression(chosen: Iterable[_Hit]) -> str:
        parts = []
        for h in chosen:
            start, end = folded.span(h.start, h.end)
            parts.append(text[start:end].strip())
        return " … ".join(parts)

    dated = [h for h in hits if h.date is not None]
    if past_only and any(h.date <= today for h in dated if h.date is not None):
        dated = [h for h in dated if h.date is not None and h.date <= today]
    exact = {h.date for h in dated if not h.approximate}
    approximate = {h.date for h in dated if h.approximate}
    if len(exact) == 1:
        (day,) = exact
        assert day is not None
        far = [d for d in approximate if d is not None and abs((d - day).days) > 10]
        if far:
            exact.update(far)
    chosen_dates = exact or approximate
    if len(chosen_dates) > 1:
        options = tuple(sorted(d for d in chosen_dates if d is not None))
        labels = [f"le {format_date_fr(d, today=today)}" for d in options]
        listed = ", ".join(labels[:-1]) + " et " + labels[-1]
        return DateParse(
            error=DateProblem.AMBIGUOUS,
            message=f"J'hésite entre {listed} : quel jour était-ce ?",
            expression=expression(dated),
            candidates=options,
        )
    if chosen_dates:
        (day,) = chosen_dates
        assert day is not None
        chosen = [h for h in dated if h.date == day]
        is_approximate = not exact
        if past_only and day > today:
            twin = next((h.last_year for h in chosen if h.last_year is not None), None)
            return DateParse(
                error=DateProblem.FUTURE,
                message=_future_message(day, today, twin),
                expression=expression(chosen),
                candidates=(twin,) if twin is not None else (),
            )
        return DateParse(date=day, approximate=is_approximate, expression=expression(chosen))
    problems = [h for h in hits if h.problem is not None]
    first = problems[0]
    assert first.problem is not None
    return DateParse(
        error=first.problem.problem,
        message=first.problem.message,
        expression=expression([first]),
        candidates=first.problem.candidates,
    )


def parse_rejection_date(text: str, *, today: dt.date) -> DateParse:
    """The day a rejection arrived: today or earlier (see the module notes for the rules)."""
    return parse_date(text, today=today, past_only=True)


def date_spans(text: str, *, today: dt.date) -> list[tuple[int, int]]:
    """Where ``text`` writes dates (spans in ``text``): other readers skip these words."""
    folded = fold_for_dates((text or "")[:MAX_TEXT])
    return [folded.span(h.start, h.end) for h in _find_hits(folded.text, today, past_only=True)]
