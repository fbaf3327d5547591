"""Periods read from French text: which days a report covers (« le mois dernier », « du 1er
au 15 novembre », « depuis lundi »). Pure, deterministic, offline; nothing here logs text.

:func:`parse_period` answers ``(start, end)``, both days included, or None when the text
names no period; a period it understood but cannot use (in the future, reversed, a day that
does not exist) raises :class:`PeriodRefused` with a French message ready to show.

What is understood (accents optional, case ignored, SMS spellings such as « dern », « sem »,
« dpuis », « c mois ci », one-letter typos on month and day names, through
:func:`coach.language.dates.fold_for_dates`):

- Calendar units: « le mois dernier » (the whole previous month), « ce mois-ci » / « le mois
  en cours » (from its 1st), « la semaine dernière » (Monday to Sunday), « cette semaine »,
  « cette année », « l'année dernière ».
- Rolling windows ending today: « les 4 dernières semaines » (28 days, today included), « les
  3 derniers mois » (the day after the same date three months ago, to today), « les 30
  derniers jours », « le dernier mois » — unlike « le mois dernier », a rolling month —,
  « depuis 2 semaines ».
- A month: « novembre », « en novembre », « le mois de novembre 2025 », « nov. »: the whole
  month. Without a year, the most recent November that has begun; a month that starts in the
  next :data:`~coach.language.dates.PAST_YEAR_AFTER_DAYS` days is this year's, so it is
  refused as future with last year's offered instead (« décembre » said on 20 November).
- From a day: « depuis le 1er novembre », « depuis le 3/11 », « à partir de lundi »,
  « depuis novembre », « depuis la semaine dernière » (its Monday), « depuis le début du
  mois »: that day to today.
- Between two days: « du 1er au 15 novembre », « du 28 octobre au 5 novembre », « du 20
  décembre au 5 janvier » (across the new year), « entre le 3/11 et le 20/11 », « de
  septembre à novembre », « octobre et novembre », « du 3 novembre à aujourd'hui ». A bound
  without month takes the other's (« du 1er au 15 novembre »); without year, the end gets
  the year of a single date (this year's, or last year's when this year's lies more than
  60 days ahead) and the start the same year, or the one before when it would come after
  the end.
- One day: « hier », « lundi dernier », « le 3 novembre » (start = end).

Rules:

- Vague bounds are read generously, so that a démarche is never left out: « depuis début
  novembre » starts on the 1st, « jusqu'à fin novembre » ends on the 30th, « depuis
  mi-novembre » starts on the 11th.
- A period that has begun but not ended is cut at today (« ce mois-ci », « novembre » on
  20 November, « du 1er au 30 novembre » said on the 20th): a journal shows what was done.
- Refused, with a reason: a period that starts after today (« le mois prochain », « depuis
  le 1er décembre » on 20 November), a start after the end (« du 20 au 3 novembre »), a day
  that does not exist (« du 1er au 31 novembre »).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Final, Literal

from coach.language.dates import (
    PAST_YEAR_AFTER_DAYS,
    add_months,
    fold_for_dates,
    format_date_fr,
    parse_date,
)
from coach.language.fold import MAX_TEXT, MONTH_ALIASES, MONTHS_FR, NUMBER, number_value

__all__ = [
    "PeriodRefused",
    "describe_period",
    "parse_period",
]

RefusalReason = Literal["future", "reversed", "impossible"]


class PeriodRefused(ValueError):
    """A period understood but unusable; ``message`` is French, ready to show."""

    def __init__(self, reason: RefusalReason, message: str) -> None:
        super().__init__(reason)
        self.reason: RefusalReason = reason
        self.message = message


# --------------------------------------------------------------------------- writing

_MONTH_NAMES: Final = MONTHS_FR


def _day_month(day: dt.date) -> str:
    return f"{'1er' if day.day == 1 else day.day} {_MONTH_NAMES[day.month - 1]}"


def describe_period(start: dt.date, end: dt.date) -> str:
    """ "du 1er au 30 novembre 2026", "du 28 octobre au 5 novembre 2026", "le 3 novembre 2026"."""
    if start == end:
        return f"le {_day_month(start)} {start.year}"
    if start.year != end.year:
        return f"du {_day_month(start)} {start.year} au {_day_month(end)} {end.year}"
    if start.month != end.month:
        return f"du {_day_month(start)} au {_day_month(end)} {end.year}"
    first = "1er" if start.day == 1 else str(start.day)
    return f"du {first} au {_day_month(end)} {end.year}"


# --------------------------------------------------------------------------- folding

# SMS and short spellings, folded, to the words the patterns below expect.
_SMS: Final[tuple[tuple[re.Pattern[str], str], ...]] = tuple(
    (re.compile(source), target)
    for source, target in (
        (r"\b(?:dpuis|depui|depuit|dps|dp)\b", "depuis"),
        (r"\b(?:dernieres|derniers|derniere|dern|der|drn|dnier)\b", "dernier"),
        (r"\b(?:precedente|precedent|passee|passes|passe)\b", "dernier"),
        (r"\b(?:semaines|sem|sems|smn|sm)\b", "semaine"),
        (r"\b(?:annees|annee|ans|an)\b", "annee"),
        (r"\b(?:c|se|ce)\s+mois\b", "ce mois"),
        (r"\b(?:cet|cette|c|ces)\s+semaine\b", "cette semaine"),
        (r"\b(?:cet|cette|c)\s+annee\b", "cette annee"),
        (r"\b(?:1\s*er|1\s*ere|premier|1ier)\b", "1"),
        (r"\bjusqu\s+(?:au|a\s+la|a\s+l|a)\b", "jusqu au"),
        (
            r"\b(?:a\s+partir\s+(?:du|de\s+la|de\s+l|de|d)|a\s+compter\s+(?:du|de\s+la|de|d))\b",
            "depuis",
        ),
        (r"\bdepuis\s+(?:le|la|l)\b", "depuis"),
        (r"\b(?:aujourd\s*hui|aujourdhui|auj|ajd|maintenant|ce\s+jour|a\s+present)\b", "today"),
    )
)


def _fold(text: str) -> str:
    folded = fold_for_dates((text or "")[:MAX_TEXT]).text
    folded = re.sub(r"[!?;,]", " ", folded)
    for pattern, target in _SMS:
        folded = pattern.sub(target, folded)
    return " ".join(folded.split())


_MONTH = "(?:" + "|".join(sorted(MONTH_ALIASES, key=len, reverse=True)) + ")"
_WEEKDAY = r"(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)"

# --------------------------------------------------------------------------- bounds


@dataclass(frozen=True)
class _Bound:
    """One end of a period as written: some of day, month, year, or a span already known."""

    day: int | None = None
    month: int | None = None
    year: int | None = None
    part: str | None = None  # "debut" / "mi" / "fin" before a month alone
    span: tuple[dt.date, dt.date] | None = None  # relative words: resolved at once


_DATED = re.compile(
    rf"^(?:le\s+)?(?:{_WEEKDAY}\s+)?(?P<d>\d{{1,2}})"
    rf"(?:\s*[/.-]\s*(?P<m>\d{{1,2}})(?:\s*[/.-]\s*(?P<y>\d{{4}}|\d{{2}}))?"
    rf"|\s+(?P<mon>{_MONTH})\b\.?(?:\s+(?P<y2>\d{{4}}))?)?$"
)
_ISO = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$")
_MONTH_ONLY = re.compile(
    r"^(?:(?:en|le\s+mois\s+de|le\s+mois\s+d|mois\s+de|mois\s+d|pour|sur|tout|courant)\s+)?"
    r"(?:(?P<part>debut|mi|milieu|fin)\s+(?:du\s+mois\s+(?:de|d)\s+|de\s+|d\s+)?)?"
    rf"(?P<mon>{_MONTH})\b\.?(?:\s+(?P<y>\d{{4}}))?$"
)


def _two_digit_year(raw: str | None) -> int | None:
    if not raw:
        return None
    year = int(raw)
    return year + 2000 if year < 100 else year


def _bound(text: str, today: dt.date) -> _Bound | None:
    """Read one bound of a range (« le 1er novembre », « 3/11 », « novembre », « hier »)."""
    text = text.strip(" .")
    if not text:
        return None
    if text == "today":
        return _Bound(span=(today, today))
    if match := _ISO.match(text):
        return _Bound(int(match["d"]), int(match["m"]), int(match["y"]))
    if match := _DATED.match(text):
        month: int | None = None
        if match["m"]:
            month = int(match["m"])
        elif match["mon"]:
            month = MONTH_ALIASES[match["mon"]]
        year = _two_digit_year(match["y"] or match["y2"])
        return _Bound(int(match["d"]), month, year)
    if match := _MONTH_ONLY.match(text):
        part = {"milieu": "mi"}.get(match["part"] or "", match["part"])
        return _Bound(None, MONTH_ALIASES[match["mon"]], _two_digit_year(match["y"]), part)
    span = _relative(text, today)
    if span is not None:
        return _Bound(span=span)
    parsed = parse_date(text, today=today)
    if parsed.ok and not parsed.approximate and parsed.date is not None:
        return _Bound(span=(parsed.date, parsed.date))
    return None


def _make(year: int, month: int, day: int) -> dt.date:
    if not 1 <= month <= 12:
        raise PeriodRefused(
            "impossible", "Ce mois n'existe pas dans le calendrier : pouvez-vous vérifier ?"
        )
    try:
        return dt.date(year, month, day)
    except ValueError:
        label = f"{'1er' if day == 1 else day} {_MONTH_NAMES[month - 1]}"
        raise PeriodRefused(
            "impossible",
            f"Le {label} n'existe pas dans le calendrier : pouvez-vous vérifier la période ?",
        ) from None


def _infer_year(month: int, day: int, today: dt.date) -> int:
    """This year's, unless it lies more than PAST_YEAR_AFTER_DAYS ahead (then last year's),
    the rule of coach.language.dates for a day written without its year."""
    probe = dt.date(today.year, month, min(day, calendar.monthrange(today.year, month)[1]))
    if (probe - today).days > PAST_YEAR_AFTER_DAYS:
        return today.year - 1
    return today.year


def _month_days(year: int, month: int, part: str | None, *, as_start: bool) -> dt.date:
    """The day a month bound stands for, read generously (earlier start, later end)."""
    last = calendar.monthrange(year, month)[1]
    if as_start:
        return dt.date(year, month, {"mi": 11, "fin": 21}.get(part or "", 1))
    return dt.date(year, month, {"debut": 10, "mi": 20}.get(part or "", last))


def _resolve_range(first: _Bound, second: _Bound, today: dt.date) -> tuple[dt.date, dt.date]:
    """Complete two bounds from each other and turn them into days."""
    if first.span is not None and second.span is not None:
        return first.span[0], second.span[1]
    if first.span is not None:
        start = first.span[0]
        return start, _alone(second, today, as_start=False, near=start)
    if second.span is not None:
        end = second.span[1]
        return _alone(first, today, as_start=True, near=end), end
    if first.month is None and second.month is None:
        # « du 1er au 15 »: this month, or the previous one when it has not begun yet.
        anchor = today if (first.day or 1) <= today.day else add_months(today, -1)
        month_a = month_b = anchor.month
        year_a = year_b = first.year or second.year or anchor.year
    else:
        month_a = first.month or second.month or 1
        month_b = second.month or first.month or 1
        # Across the new year only when both months are written (« du 20 décembre au
        # 5 janvier »); « du 20 au 3 novembre » stays reversed.
        crosses = first.month is not None and second.month is not None and month_a > month_b
        if second.year is not None:
            year_b = second.year
            year_a = first.year if first.year is not None else year_b - crosses
        elif first.year is not None:
            year_a = first.year
            year_b = year_a + crosses
        else:
            year_b = _infer_year(month_b, second.day or 1, today)
            year_a = year_b - crosses
    if first.day is None:
        start = _month_days(year_a, month_a, first.part, as_start=True)
    else:
        start = _make(year_a, month_a, first.day)
    if second.day is None:
        end = _month_days(year_b, month_b, second.part, as_start=False)
    else:
        end = _make(year_b, month_b, second.day)
    return start, end


def _alone(bound: _Bound, today: dt.date, *, as_start: bool, near: dt.date | None) -> dt.date:
    """One bound on its own (« depuis le 3 novembre », or beside a relative bound)."""
    if bound.span is not None:
        return bound.span[0] if as_start else bound.span[1]
    month = bound.month
    if month is None:
        base = near or today
        month, year = base.month, bound.year or base.year
    elif bound.year is not None:
        year = bound.year
    else:
        year = _infer_year(month, bound.day or 1, today)
    if bound.day is None:
        return _month_days(year, month, bound.part, as_start=as_start)
    return _make(year, month, bound.day)


# --------------------------------------------------------------------------- relative periods

_FUTURE = re.compile(
    r"\b(?:(?:mois|semaine|annee)\s+prochaine?|prochaine?s?\s+(?:(?:\d+|"
    + NUMBER
    + r")\s+)?(?:semaine|mois|jours?|annee)|dans\s+(?:\d+|"
    + NUMBER
    + r")\s+(?:jours?|semaine|mois)|demain|a\s+venir)\b"
)


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _rolling(count: int, unit: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """The ``count`` units that end today, today included."""
    if unit.startswith("j"):
        return today - dt.timedelta(days=count - 1), today
    if unit == "semaine":
        return today - dt.timedelta(days=7 * count - 1), today
    months = count if unit == "mois" else 12 * count
    return add_months(today, -months) + dt.timedelta(days=1), today


_UNIT = r"(?P<unit>jours?|j|semaine|mois|annee)\b"
# « les 4 dernières semaines », « 3 derniers mois », « 15j », « ces deux dernières semaines ».
_COUNTED = re.compile(rf"\b(?P<n>{NUMBER})\s*(?:dernier\s+)?{_UNIT}")
# « le dernier mois », « la dernière semaine » (one unit, rolling).
_LAST_ONE = re.compile(rf"\b(?:le|la|l|les|ces|sur|pour)\s+dernier\s+{_UNIT}")
_AGO = re.compile(r"\b(?:il\s+y\s+a|y\s+a|ya|dans|en)\s*$")


def _relative(text: str, today: dt.date) -> tuple[dt.date, dt.date] | None:
    """Calendar units and rolling windows (« le mois dernier », « les 3 derniers mois »)."""
    if text == "today":
        return today, today
    counted = _COUNTED.search(text)
    if counted is not None and not _AGO.search(text[: counted.start()]):
        count = number_value(counted["n"])
        unit = "jour" if counted["unit"] in ("j", "jours") else counted["unit"]
        if count >= 1:
            return _rolling(count, unit, today)
    first_of_month = today.replace(day=1)
    if re.search(r"\bmois\s+dernier\b|\bdernier\s+mois\s+complet\b", text):
        start = add_months(first_of_month, -1)
        return start, first_of_month - dt.timedelta(days=1)
    if re.search(r"\bce\s+mois\b|\bmois\s+en\s+cours\b|\bdebut\s+du\s+mois\b", text):
        return first_of_month, today
    if re.search(r"\bsemaine\s+dernier\b", text):
        monday = _monday(today) - dt.timedelta(days=7)
        return monday, monday + dt.timedelta(days=6)
    if re.search(
        r"\bcette\s+semaine\b|\bsemaine\s+en\s+cours\b|\bdebut\s+de\s+la\s+semaine\b", text
    ):
        return _monday(today), today
    if re.search(r"\bannee\s+dernier\b", text):
        return dt.date(today.year - 1, 1, 1), dt.date(today.year - 1, 12, 31)
    if re.search(r"\bcette\s+annee\b|\bannee\s+en\s+cours\b|\bdebut\s+de\s+l\s+annee\b", text):
        return dt.date(today.year, 1, 1), today
    last_one = _LAST_ONE.search(text)
    if last_one is not None:
        unit = "jour" if last_one["unit"] in ("j", "jours") else last_one["unit"]
        return _rolling(1, unit, today)
    return None


# --------------------------------------------------------------------------- parse_period

_OPENER = re.compile(r"\b(?:du|de|d|entre|depuis)\s+")
_SEPARATOR = re.compile(r"\s+(?:au|a|jusqu\s+au|et)\s+")
_SINCE = re.compile(r"\bdepuis\s+")
_MONTHS_PAIR = re.compile(rf"\b(?P<a>{_MONTH})\s+(?:et|a)\s+(?P<b>{_MONTH})\b")
_MAX_TRAILING_WORDS: Final = 4  # « … svp », « … pour France Travail merci »


def _leading_bound(text: str, today: dt.date) -> tuple[_Bound, int] | None:
    """The longest start of ``text`` that reads as a bound, and its length in characters;
    a few trailing words (« svp », « merci ») may be left over."""
    words = text.split()
    for drop in range(min(_MAX_TRAILING_WORDS, len(words) - 1) + 1):
        kept = " ".join(words[: len(words) - drop])
        bound = _bound(kept, today)
        if bound is not None:
            return bound, len(kept)
    return None


def _range(folded: str, today: dt.date) -> tuple[dt.date, dt.date] | None:
    """« du X au Y », « entre X et Y », « depuis X jusqu'au Y », « octobre et novembre »."""
    for opener in _OPENER.finditer(folded):
        rest = folded[opener.end() :]
        for separator in _SEPARATOR.finditer(rest):
            first = _bound(rest[: separator.start()], today)
            if first is None:
                continue
            found = _leading_bound(rest[separator.end() :], today)
            if found is not None:
                return _resolve_range(first, found[0], today)
    pair = _MONTHS_PAIR.search(folded)
    if pair is not None:
        year = re.match(r"\s+(\d{4})\b", folded[pair.end() :])
        first = _Bound(None, MONTH_ALIASES[pair["a"]])
        second = _Bound(None, MONTH_ALIASES[pair["b"]], int(year.group(1)) if year else None)
        return _resolve_range(first, second, today)
    return None


def _check(start: dt.date, end: dt.date, today: dt.date) -> tuple[dt.date, dt.date]:
    if start > today:
        raise PeriodRefused(
            "future",
            f"Le {format_date_fr(start, today=today)} n'est pas encore arrivé : le journal ne "
            "montre que les démarches déjà faites. Quelle période passée voulez-vous ? Par "
            "exemple « le mois dernier ».",
        )
    if start > end:
        raise PeriodRefused(
            "reversed",
            f"La période commencerait le {format_date_fr(start, today=today)} et finirait le "
            f"{format_date_fr(end, today=today)} : le début vient après la fin. Pouvez-vous "
            "vérifier ? Par exemple « du 1er au 15 novembre ».",
        )
    return start, min(end, today)


def _month_period(month: int, year: int | None, today: dt.date) -> tuple[dt.date, dt.date]:
    """A whole month; without year the most recent one begun (see the module notes)."""
    chosen = year if year is not None else _infer_year(month, 1, today)
    start = dt.date(chosen, month, 1)
    if start > today and year is None:
        name = _MONTH_NAMES[month - 1]
        raise PeriodRefused(
            "future",
            f"{name.capitalize()} n'a pas encore commencé. Vouliez-vous dire {name} "
            f"{chosen - 1} ? Sinon, indiquez-moi une période passée, par exemple « le mois "
            "dernier ».",
        )
    return start, dt.date(chosen, month, calendar.monthrange(chosen, month)[1])


_DATED_ANYWHERE = re.compile(
    r"\b\d{1,2}\s*[/.-]\s*\d{1,2}(?:\s*[/.-]\s*(?:\d{4}|\d{2}))?(?![\d/])"
    rf"|\b\d{{1,2}}\s+{_MONTH}\b\.?(?:\s+\d{{4}})?"
)
_MONTH_YEAR = re.compile(r"\b(?P<m>\d{1,2})\s*/\s*(?P<y>\d{4})\b")
_MONTH_ANYWHERE = re.compile(rf"\b(?P<mon>{_MONTH})\b\.?(?:\s+(?P<y>\d{{4}}))?")


def _single(folded: str, today: dt.date) -> tuple[dt.date, dt.date] | None:
    """A month (« novembre », « 11/2026 ») or one day (« le 3 novembre », « hier »)."""
    month_year = _MONTH_YEAR.search(folded)
    if month_year is not None and 1 <= int(month_year["m"]) <= 12:
        return _month_period(int(month_year["m"]), int(month_year["y"]), today)
    dated = _DATED_ANYWHERE.search(folded)
    if dated is not None:
        bound = _bound(dated.group(0), today)
        if bound is not None:
            day = _alone(bound, today, as_start=True, near=None)
            return day, day
    month = _MONTH_ANYWHERE.search(folded)
    if month is not None:
        return _month_period(MONTH_ALIASES[month["mon"]], _two_digit_year(month["y"]), today)
    parsed = parse_date(folded, today=today)
    if parsed.ok and not parsed.approximate and parsed.date is not None:
        return parsed.date, parsed.date
    return None


def parse_period(text: str, today: dt.date) -> tuple[dt.date, dt.date] | None:
    """The period ``text`` names, both days included, cut at ``today``; None if none.

    Raises :class:`PeriodRefused` for a period in the future, reversed or impossible.
    """
    folded = _fold(text)
    if not folded:
        return None
    found = _range(folded, today)
    if found is None and _FUTURE.search(folded):
        raise PeriodRefused(
            "future",
            "Cette période n'a pas encore eu lieu : le journal ne montre que les démarches "
            "déjà faites. Quelle période passée voulez-vous ? Par exemple « le mois dernier ».",
        )
    if found is None:
        since = _SINCE.search(folded)
        if since is not None:
            leading = _leading_bound(folded[since.end() :], today)
            if leading is not None:
                found = _alone(leading[0], today, as_start=True, near=None), today
    if found is None:
        found = _relative(folded, today)
    if found is None and re.search(r"\bjusqu\s+au\b", folded):
        return None  # an end without a start: the question is asked again
    if found is None:
        found = _single(folded, today)
    return None if found is None else _check(*found, today)
