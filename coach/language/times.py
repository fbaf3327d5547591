"""French reminder times in free text: "rappelle-moi vendredi à 10h de relancer Decathlon".

Days, months, typo fixes and calendar arithmetic come from :mod:`coach.language.dates`, so
both readers understand the same words the same way.

:func:`parse_when` finds the time expression in a message, resolves it against an aware
``now`` in the user's timezone and returns the due instant (aware, UTC) with the rest of
the message (what to be reminded of), or a :class:`WhenError` that says, in French, why
no instant could be chosen. :func:`format_fr` writes an instant back for the user:
"vendredi 27 novembre à 10 h 00".

What is understood (accents optional, case ignored, one-letter typos on the key words
of five letters or more tolerated: "vendredie", "mecredi", "demian", "procahin"):

- days: "aujourd'hui", "demain", "après-demain", a weekday ("vendredi", "ce vendredi",
  "vendredi prochain", "lundi qui vient"), "la semaine prochaine" (its Monday), "le mois
  prochain" (its 1st), "ce week-end" (Saturday), explicit dates "le 3 décembre",
  "1er mars 2027", "vendredi 27 novembre", "03/12", "3/12/2026";
- parts of the day, alone or after a day: "ce matin", "demain matin" (9 h), "midi"
  (12 h), "après-midi" (14 h), "ce soir" (19 h), "en fin de journée" (17 h 30)…;
- clock times: "à 10h", "10h30", "10 h 30", "10:30", "midi", "minuit", "à 3h de
  l'après-midi", "8h du soir", "10h et demie", "9h et quart";
- durations: "dans 3 jours", "dans 2 heures", "dans 20 min", "dans une semaine", "dans
  huit jours" (a week), "dans quinze jours" (two weeks), "dans 1h30", "dans une
  demi-heure", "d'ici 2 mois".

Rules, chosen to match what people mean:

- A weekday alone, or with "prochain" / "qui vient", is its next occurrence strictly after
  today ("vendredi" said on a Friday is a week later).
- A clock time without a day is today if still ahead, otherwise tomorrow.
- A day without a clock time gets the part of the day it names, else 9 h 00
  (``ParsedWhen.time_given`` is False so the bot can offer to change it). "dans N
  jours/semaines/mois" keeps the current wall-clock time.
- A part of the day that has begun ("ce soir" at 20 h 10) means one hour from now,
  rounded up to the quarter hour, if that is still within it; otherwise it is past.
- Day arithmetic is done on local dates and wall-clock times, so "demain à 10h" stays
  10 h 00 local across a daylight-saving change; "dans 2 heures" is elapsed time. A wall
  time that does not exist (spring-forward gap) moves forward by the gap; an ambiguous one
  (autumn) is its first occurrence.
- A date without a year is this year's, or next year's once it has passed by more than
  60 days ("le 3 janvier" in December); a date that passed more recently is an error, as
  is "hier", "31 février", "25h", or anything more than a year ahead.

Quiet hours are not applied here: that is the scheduler's job (coach.reminders).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from coach.language.dates import add_months, fold_for_dates, next_weekday
from coach.language.fold import (
    MONTH_ALIASES,
    MONTHS_FR,
    NUMBER,
    WEEKDAYS_FR,
    Folded,
    number_value,
)

__all__ = [
    "DEFAULT_TIME",
    "ParsedWhen",
    "WhenError",
    "WhenProblem",
    "format_fr",
    "local_datetime",
    "parse_when",
]

_MONTH_ALIASES: Final = MONTH_ALIASES

DEFAULT_TIME: Final = dt.time(9, 0)
MAX_AHEAD: Final = dt.timedelta(days=366)
PAST_GRACE_DAYS: Final = 60


class WhenProblem(StrEnum):
    NO_TIME = "no_time"
    IMPOSSIBLE_DATE = "impossible_date"
    PAST = "past"
    TOO_FAR = "too_far"
    WEEKDAY_MISMATCH = "weekday_mismatch"


@dataclass(frozen=True)
class ParsedWhen:
    due: dt.datetime  # aware, UTC
    local: dt.datetime  # the same instant in the user's timezone
    what: str  # the rest of the message: "relancer Decathlon" (may be empty)
    expression: str  # the time expression as the user wrote it
    time_given: bool  # False when a default hour was chosen


@dataclass(frozen=True)
class WhenError:
    problem: WhenProblem
    message: str  # French, ready to show
    expression: str | None = None


# --------------------------------------------------------------------------- helpers


def _zone(tz: str | dt.tzinfo) -> dt.tzinfo:
    if isinstance(tz, dt.tzinfo):
        return tz
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("Europe/Paris")


def local_datetime(day: dt.date, wall: dt.time, tz: str | dt.tzinfo) -> dt.datetime:
    """The aware instant showing ``wall`` on ``day`` in ``tz`` (DST-safe).

    A wall time inside a spring-forward gap moves forward by the gap (02:30 → 03:30);
    an ambiguous one (autumn) is its first occurrence.
    """
    zone = _zone(tz)
    naive = dt.datetime.combine(day, wall.replace(tzinfo=None))
    aware = naive.replace(tzinfo=zone, fold=0)
    # Round trip through UTC normalises times that do not exist locally.
    return aware.astimezone(dt.UTC).astimezone(zone)


def format_fr(moment: dt.datetime, *, now: dt.datetime | None = None) -> str:
    """ "vendredi 27 novembre à 10 h 00" (the year is added when it differs from ``now``'s)."""
    day = "1er" if moment.day == 1 else str(moment.day)
    text = f"{WEEKDAYS_FR[moment.weekday()]} {day} {MONTHS_FR[moment.month - 1]}"
    if now is not None and now.astimezone(moment.tzinfo).year != moment.year:
        text += f" {moment.year}"
    return f"{text} à {moment.hour} h {moment.minute:02d}"


# --------------------------------------------------------------------------- patterns

_WD_ANY = r"(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)s?"
_MONTH_ANY = "(?:" + "|".join(sorted(_MONTH_ALIASES, key=len, reverse=True)) + r")\b\.?"
_PART = (
    r"(?:fin\s+(?:de\s+|d\s+)(?:la\s+)?(?:matinee|journee|apres\s+midi|aprem)"
    r"|debut\s+(?:de\s+|d\s+)(?:la\s+)?(?:matinee|journee|soiree|apres\s+midi|aprem)"
    r"|matinee|matin|midi|apres\s+midi|aprem|soiree|soir)"
)
_PART_OPT = (
    r"(?:\s+(?:dans\s+la\s+|dans\s+l\s+|dans\s+le\s+|en\s+|au\s+|le\s+|l\s+|a\s+)?"
    rf"(?P<part>{_PART})\b)?"
)

# (default time, end of that part of the day) — the end is exclusive, None = midnight.
_PARTS: Final[dict[str, tuple[dt.time, dt.time | None]]] = {
    "matin": (dt.time(9, 0), dt.time(12, 0)),
    "matinee": (dt.time(9, 0), dt.time(12, 0)),
    "debut de matinee": (dt.time(8, 30), dt.time(10, 0)),
    "fin de matinee": (dt.time(11, 0), dt.time(12, 0)),
    "midi": (dt.time(12, 0), dt.time(14, 0)),
    "apres midi": (dt.time(14, 0), dt.time(18, 0)),
    "debut d apres midi": (dt.time(14, 0), dt.time(15, 30)),
    "fin d apres midi": (dt.time(17, 0), dt.time(19, 0)),
    "debut de journee": (dt.time(9, 0), dt.time(11, 0)),
    "fin de journee": (dt.time(17, 30), dt.time(20, 0)),
    "soir": (dt.time(19, 0), None),
    "soiree": (dt.time(19, 0), None),
    "debut de soiree": (dt.time(18, 30), dt.time(21, 0)),
}
_PM_PARTS: Final = ("apres", "aprem", "soir", "journee")


def _part_key(raw: str) -> str:
    key = " ".join(raw.split()).replace("aprem", "apres midi")
    key = re.sub(r"^(fin|debut) (?:de |d )(?:la )?", lambda m: f"{m.group(1)} de ", key)
    key = key.replace("de apres midi", "d apres midi")
    return key


_WHEN_PATTERNS: Final[tuple[tuple[str, re.Pattern[str]], ...]] = tuple(
    (name, re.compile(source))
    for name, source in (
        (
            "explicit",
            rf"\b(?:(?:le\s+)?(?P<wd>{_WD_ANY})\s+)?(?:le\s+)?(?P<d>\d{{1,2}}|premier)(?:\s*er)?"
            rf"\s*(?P<mon>{_MONTH_ANY})(?:\s+(?P<y>\d{{4}}))?{_PART_OPT}",
        ),
        (
            "numeric",
            rf"\b(?:(?:le\s+)?(?P<wd>{_WD_ANY})\s+)?(?:le\s+)?(?P<d>\d{{1,2}})\s*/\s*(?P<m>\d{{1,2}})"
            rf"(?:\s*/\s*(?P<y>\d{{4}}|\d{{2}}))?(?![\d/]){_PART_OPT}",
        ),
        (
            "relative",
            rf"\b(?:dans|d\s+ici)\s+(?:"
            rf"(?P<hh>\d{{1,2}})\s*h\s*(?P<mm>\d{{2}})\b"
            rf"|(?:une\s+)?demi\s+heure"
            rf"|un\s+quart\s+d\s+heure"
            rf"|(?P<n>{NUMBER})\s*(?P<unit>minutes?|mins?|mn|heures?|h|jours?|j|semaines?|sem"
            rf"|mois|ans?|annees?)\b(?P<half>\s+et\s+demie?)?)",
        ),
        ("past", rf"\b(?:avant\s+hier|hier){_PART_OPT}"),
        ("day", rf"\b(?P<rel>aujourd\s*hui|apres\s+demain|demain){_PART_OPT}"),
        (
            "weekday",
            rf"\b(?:(?:ce|cet|le|des|pour|d\s+ici)\s+)?(?P<wd>{_WD_ANY})\b"
            r"(?:\s+(?P<next>prochaine?|qui\s+vient|de\s+la\s+semaine\s+prochaine|en\s+huit))?"
            rf"{_PART_OPT}",
        ),
        (
            "period",
            r"\b(?:(?:en\s+)?debut\s+de\s+|des\s+)?(?:la\s+|le\s+)?"
            r"(?:(?P<period>semaine|mois)\s+prochaine?|(?P<weekend>(?:ce\s+)?week\s*end))\b",
        ),
        (
            "today",
            rf"\b(?:ce|cet|cette|en|dans\s+la|dans\s+l)\s+(?P<part>{_PART})\b",
        ),
    )
)

_TIME = re.compile(
    r"\b(?:(?:a|vers|pour|des|avant|sur\s+les|aux\s+alentours\s+de)\s+)?"
    r"(?:(?P<h>\d{1,2})(?:\s*(?:h(?![a-z])|heures?\b|:)(?:\s*(?P<m>\d{2}))?(?!\d)(?:\s*min\w*)?"
    r"|(?=\s+(?:du\s+matin|de\s+l\s+apres\s+midi|de\s+l\s+aprem|du\s+soir)))"
    r"|(?P<noon>midi|minuit))"
    r"(?:\s+(?P<frac>et\s+demie?|et\s+quart|moins\s+le\s+quart))?"
    r"(?:\s+(?P<ampm>du\s+matin|de\s+l\s+apres\s+midi|de\s+l\s+aprem|du\s+soir))?"
)

_COMMAND = re.compile(
    r"(?:(?:est\s+ce\s+que\s+)?(?:tu\s+peux|vous\s+pouvez|peux\s+tu|pouvez\s+vous|pourrais\s+tu"
    r"|pourriez\s+vous|tu\s+pourrais|vous\s+pourriez|merci\s+de|n\s+oublie\s+pas\s+de"
    r"|n\s+oubliez\s+pas\s+de)\s+)?"
    r"(?:me\s+(?:rap+el+er|faire\s+penser\s+a)|(?:rap+el+e|rap+el|rap+el+ez)\s+(?:moi|nous)"
    r"|(?:fais|faites)\s+moi\s+penser\s+a"
    r"|(?:(?:mets|mettez|met|programme|programmez|cree|creez|ajoute|ajoutez)\s+(?:moi\s+)?"
    r"|(?:je\s+(?:veux|voudrais)\s+))?un\s+rappel(?:\s+pour)?)\b"
)
_LEADING = re.compile(
    r"^(?:[\s,;:.!\-–—]+|(?:de|pour|afin\s+de|concernant|que)\s+|d['’]\s*|qu['’]\s*)+",
    re.IGNORECASE,
)
_TRAILING = re.compile(
    r"(?:[\s,;:.!?\-–—]+|\s+(?:stp|svp|merci|s['’]il\s+(?:te|vous)\s+pla[iî]t))+$",
    re.IGNORECASE,
)


# --------------------------------------------------------------------------- resolution


@dataclass(frozen=True)
class _Found:
    kind: str
    match: re.Match[str]


class _WhenFailure(Exception):
    def __init__(self, problem: WhenProblem, message: str) -> None:
        super().__init__(problem.value)
        self.problem = problem
        self.message = message


def _weekday_number(raw: str) -> int:
    return WEEKDAYS_FR.index(raw.removesuffix("s"))


def _clock(found: _Found, part: str | None) -> dt.time:
    m = found.match
    if m.group("noon"):
        hour, minute = (12, 0) if m.group("noon") == "midi" else (0, 0)
    else:
        hour, minute = int(m.group("h")), int(m.group("m") or 0)
    frac = " ".join((m.group("frac") or "").split())
    if frac.startswith("et demi"):
        minute += 30
    elif frac == "et quart":
        minute += 15
    elif frac == "moins le quart":
        hour, minute = (hour - 1) % 24, minute + 45
    ampm = " ".join((m.group("ampm") or "").split())
    afternoon = bool(ampm) and ampm != "du matin"
    if not ampm and part is not None and any(p in part for p in _PM_PARTS):
        afternoon = True
    if afternoon and 1 <= hour <= 11:
        hour += 12
    if hour > 23 or minute > 59:
        raise _WhenFailure(
            WhenProblem.IMPOSSIBLE_DATE,
            "Cette heure n'existe pas. Pouvez-vous me la redonner, par exemple « 10h30 » ?",
        )
    return dt.time(hour, minute)


def _impossible_when() -> _WhenFailure:
    return _WhenFailure(
        WhenProblem.IMPOSSIBLE_DATE,
        "Cette date n'existe pas dans le calendrier. Pouvez-vous vérifier le jour et le mois ?",
    )


def _month_day(year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise _impossible_when() from None


def _past() -> _WhenFailure:
    return _WhenFailure(
        WhenProblem.PAST,
        "Ce moment est déjà passé : je ne peux programmer un rappel que dans le futur. "
        "Quand souhaitez-vous que je vous le rappelle ?",
    )


def _explicit_date(m: re.Match[str], today: dt.date) -> dt.date:
    raw_day = m.group("d")
    day = 1 if raw_day == "premier" else int(raw_day)
    if "mon" in m.groupdict() and m.group("mon"):
        month = _MONTH_ALIASES[m.group("mon").rstrip(".")]
    else:
        month = int(m.group("m"))
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        raise _impossible_when()
    raw_year = m.group("y")
    if raw_year:
        year = int(raw_year)
        year = year + 2000 if year < 100 else year
        return _month_day(year, month, day)
    # No year: this year's date unless it is well past (then next year's).
    try:
        candidate = dt.date(today.year, month, day)
    except ValueError:
        # 29 February in a common year may exist next year ("le 29 février" in 2027).
        if month == 2 and day == 29:
            for year in range(today.year + 1, today.year + 5):
                try:
                    return dt.date(year, month, day)
                except ValueError:
                    continue
        return _month_day(today.year, month, day)
    if (today - candidate).days > PAST_GRACE_DAYS:
        return _month_day(today.year + 1, month, day)
    return candidate


def _resolve(
    date_found: _Found | None,
    time_found: _Found | None,
    now_local: dt.datetime,
    zone: dt.tzinfo,
) -> tuple[dt.datetime, bool]:
    """The local due instant and whether the user gave the clock time."""
    today = now_local.date()
    part: str | None = None
    day: dt.date | None = None
    if date_found is not None:
        m = date_found.match
        groups = m.groupdict()
        if groups.get("part"):
            part = _part_key(m.group("part"))
        kind = date_found.kind
        if kind == "past":
            raise _past()
        if kind in ("explicit", "numeric"):
            day = _explicit_date(m, today)
            if groups.get("wd") and _weekday_number(m.group("wd")) != day.weekday():
                day_text = f"{'1er' if day.day == 1 else day.day} {MONTHS_FR[day.month - 1]}"
                raise _WhenFailure(
                    WhenProblem.WEEKDAY_MISMATCH,
                    f"Le {day_text} {day.year} tombe un {WEEKDAYS_FR[day.weekday()]}, pas un "
                    f"{m.group('wd').removesuffix('s')} : quel jour vouliez-vous ?",
                )
        elif kind == "relative":
            return _relative(m, time_found, now_local, zone)
        elif kind == "day":
            rel = " ".join(m.group("rel").split())
            offset = {"demain": 1, "apres demain": 2}.get(rel, 0)
            day = today + dt.timedelta(days=offset)
        elif kind == "weekday":
            weekday = _weekday_number(m.group("wd"))
            qualifier = " ".join((m.group("next") or "").split())
            day = next_weekday(today, weekday)
            if qualifier == "en huit":
                # "lundi en huit": a week after the coming Monday.
                day += dt.timedelta(days=7)
            elif qualifier == "de la semaine prochaine":
                day = next_weekday(today, 0) + dt.timedelta(days=weekday)
        elif kind == "period":
            if m.group("weekend"):
                day = today if today.weekday() == 5 else next_weekday(today, 5)
            elif m.group("period") == "semaine":
                day = next_weekday(today, 0)
            else:
                day = add_months(today.replace(day=1), 1)
        elif kind == "today":
            day = today
    wall: dt.time
    time_given = time_found is not None
    if time_found is not None:
        wall = _clock(time_found, part)
    elif part is not None:
        wall = _PARTS.get(part, (DEFAULT_TIME, None))[0]
    else:
        wall = DEFAULT_TIME
    if day is None:
        # A clock time alone: today if still ahead, else tomorrow.
        due = local_datetime(today, wall, zone)
        if due <= now_local:
            due = local_datetime(today + dt.timedelta(days=1), wall, zone)
        return due, time_given
    due = local_datetime(day, wall, zone)
    if due <= now_local and day == today and part is not None and time_found is None:
        # "ce soir" once the evening has begun: in an hour, if the evening lasts that long.
        end = _PARTS.get(part, (DEFAULT_TIME, None))[1]
        soon = _round_up_quarter(now_local + dt.timedelta(hours=1))
        limit = (
            local_datetime(today + dt.timedelta(days=1), dt.time(0), zone)
            if end is None
            else local_datetime(today, end, zone)
        )
        if soon < limit:
            return soon, False
    if due <= now_local:
        raise _past()
    return due, time_given


def _round_up_quarter(moment: dt.datetime) -> dt.datetime:
    moment = moment.replace(second=0, microsecond=0)
    extra = (-moment.minute) % 15
    return moment + dt.timedelta(minutes=extra)


def _relative(
    m: re.Match[str], time_found: _Found | None, now_local: dt.datetime, zone: dt.tzinfo
) -> tuple[dt.datetime, bool]:
    text = " ".join(m.group(0).split())
    if m.group("hh") is not None:
        delta = dt.timedelta(hours=int(m.group("hh")), minutes=int(m.group("mm")))
        return _elapsed(now_local, delta, zone), True
    if "demi heure" in text:
        return _elapsed(now_local, dt.timedelta(minutes=30), zone), True
    if "quart d heure" in text:
        return _elapsed(now_local, dt.timedelta(minutes=15), zone), True
    raw_n, unit = m.group("n"), m.group("unit")
    n = number_value(raw_n)
    half = m.group("half") is not None
    if unit.startswith(("min", "mn")):
        return _elapsed(now_local, dt.timedelta(minutes=n + (0.5 if half else 0)), zone), True
    if unit.startswith("h"):
        return _elapsed(now_local, dt.timedelta(hours=n + (0.5 if half else 0)), zone), True
    today = now_local.date()
    if unit.startswith("j"):
        # "dans huit jours" / "dans quinze jours" are a week and two weeks in French.
        day = today + dt.timedelta(days={"huit": 7, "quinze": 14}.get(raw_n, n))
    elif unit.startswith("sem"):
        day = today + dt.timedelta(weeks=n)
    elif unit == "mois":
        day = add_months(today, n)
    else:
        day = add_months(today, 12 * n)
    if time_found is not None:
        return local_datetime(day, _clock(time_found, None), zone), True
    return local_datetime(day, now_local.time().replace(second=0, microsecond=0), zone), False


def _elapsed(now_local: dt.datetime, delta: dt.timedelta, zone: dt.tzinfo) -> dt.datetime:
    # Elapsed time is measured in UTC: "dans 2 heures" is two real hours, DST or not.
    due = (now_local.astimezone(dt.UTC) + delta).astimezone(zone)
    return due.replace(second=0, microsecond=0)


# --------------------------------------------------------------------------- API


def _find(folded: str) -> tuple[_Found | None, _Found | None]:
    date_found: _Found | None = None
    for kind, pattern in _WHEN_PATTERNS:
        for match in pattern.finditer(folded):
            if date_found is None or match.start() < date_found.match.start():
                date_found = _Found(kind, match)
            break
    time_found: _Found | None = None
    for match in _TIME.finditer(folded):
        if _is_duration(folded, match):
            continue
        if date_found is not None and (
            match.start() < date_found.match.end() and date_found.match.start() < match.end()
        ):
            continue
        if match.group("noon") and date_found is not None:
            # "demain midi": "midi" was read as the part of the day already.
            continue
        time_found = _Found("time", match)
        break
    return date_found, time_found


_DURATION_BEFORE = re.compile(r"(?:pendant|durant|en|de|environ|sur)\s+$")


def _is_duration(folded: str, match: re.Match[str]) -> bool:
    """ "pendant 2h", "réviser 3 heures": a length of time, not a clock time."""
    if _DURATION_BEFORE.search(folded[: match.start()]):
        return True
    raw = match.group(0)
    connector = re.match(r"(?:a|vers|pour|des|avant|sur\s+les|aux\s+alentours\s+de)\s", raw)
    return "heure" in raw and not match.group("m") and connector is None


def _remaining(text: str, folded: Folded, spans: list[tuple[int, int]]) -> str:
    command = _COMMAND.search(folded.text)
    if command is not None and command.end() > command.start():
        spans.append(folded.span(command.start(), command.end()))
    kept: list[str] = []
    position = 0
    for start, end in sorted(spans):
        if start > position:
            kept.append(text[position:start])
        position = max(position, end)
    kept.append(text[position:])
    what = " ".join(" ".join(kept).split())
    previous = None
    while previous != what:
        previous = what
        what = _TRAILING.sub("", _LEADING.sub("", what))
    return what


def parse_when(
    text: str, *, now: dt.datetime, tz: str | dt.tzinfo = "Europe/Paris"
) -> ParsedWhen | WhenError:
    """Find and resolve the reminder time in ``text``; ``now`` must be aware."""
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    zone = _zone(tz)
    folded = fold_for_dates(text or "")
    date_found, time_found = _find(folded.text)
    if date_found is None and time_found is None:
        return WhenError(
            WhenProblem.NO_TIME,
            "Je n'ai pas trouvé de moment dans votre message. Vous pouvez écrire par exemple "
            "« vendredi à 10h », « demain matin » ou « dans 3 jours ».",
        )
    spans = [folded.span(f.match.start(), f.match.end()) for f in (date_found, time_found) if f]
    expression = " ".join(text[start:end].strip() for start, end in sorted(spans))
    now_local = now.astimezone(zone)
    try:
        local, time_given = _resolve(date_found, time_found, now_local, zone)
    except _WhenFailure as problem:
        return WhenError(problem.problem, problem.message, expression)
    if local <= now_local:
        return WhenError(WhenProblem.PAST, _past().message, expression)
    if local - now_local > MAX_AHEAD:
        return WhenError(
            WhenProblem.TOO_FAR,
            "C'est dans plus d'un an : je préfère ne pas programmer un rappel aussi lointain. "
            "Choisissez une date dans les douze prochains mois.",
            expression,
        )
    return ParsedWhen(
        due=local.astimezone(dt.UTC),
        local=local,
        what=_remaining(text, folded, spans),
        expression=expression,
        time_given=time_given,
    )
