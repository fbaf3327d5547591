"""Rejection intake: what the user tells us about a "no", read from French free text.

Pure, deterministic, offline (no database, no Rasa, no Telegram). The form in ``actions/``
calls these functions; nothing here logs what users write.

Dates — :func:`parse_rejection_date` (the day the rejection arrived, never in the future)
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

Stages — :data:`STAGES`, ordered by how far the process went:
``candidature`` (turned down on the application, no interview), ``premier_entretien`` (first
interview or phone/HR screening), ``test`` (test, case study, assessment, exercise),
``entretiens_suivants`` (second, third or final interview, "finaliste"), ``offre`` (after an
offer, a hiring promise or a reference check). When a message names several, the furthest
wins. A bare "entretien" does not say which one: extraction leaves the stage unknown and the
stage validator asks "premier ou suivant ?".

First-message extraction — :func:`extract_rejection_facts` never invents: anything it is not
sure of stays ``None`` and the form asks for it. A company is read after "chez", after
"refus / mail / réponse… de" (capitalised names only), or before "m'a dit non", "ne m'a pas
retenu"… (capitalised, not a pronoun, a role or a common first name); a position after "poste
de", "le CDI / stage / alternance de", "en tant que". Both keep the user's spelling and stop at
dates, punctuation and linking words. A date about the interview or the application is not
the rejection's.

Slot validators — ``validate_<slot>(answer)`` returns a :class:`Validation`: ``ok`` with the
normalised value, or a French question in ``message``. ``company``, ``position`` and
``rejection_date`` are required ("je ne sais pas" gets an explanation of what is enough);
every other slot accepts "je ne sais pas" / "passer" (``skipped=True``, value ``None``, or
``"unknown"`` for the culture). :meth:`Validation.as_slot` gives the value for a Rasa slot
(dates as ISO strings, :data:`UNKNOWN` for a skipped answer, since a form re-asks a ``None``
slot). "plusieurs" interviewers is stored as :data:`SEVERAL` (2: "two or more").
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from coach.textfold import (
    MONTH_ALIASES,
    MONTHS_FR,
    NUMBER_WORDS,
    WEEKDAYS_FR,
    Folded,
    correct_word,
    fold_keep_length,
)

__all__ = [
    "CONTRACTS",
    "CULTURES",
    "CULTURE_CHOICES",
    "INTERVIEWER_COUNT_CHOICES",
    "MAX_TEXT",
    "PAST_YEAR_AFTER_DAYS",
    "SEVERAL",
    "SLOTS",
    "STAGES",
    "STAGE_CHOICES",
    "STAGE_LABELS",
    "UNKNOWN",
    "WHY_WE_ASK",
    "YES_NO_CHOICES",
    "Correction",
    "DateParse",
    "DateProblem",
    "RejectionFacts",
    "Validation",
    "correction_slot",
    "detect_correction",
    "detect_stage",
    "extract_rejection_facts",
    "format_date_fr",
    "is_dont_know",
    "is_skip",
    "is_why_question",
    "parse_correction",
    "parse_date",
    "parse_rejection_date",
    "parse_yes_no",
    "validate_company",
    "validate_culture",
    "validate_decision_date",
    "validate_formal_rejection",
    "validate_hr_contact",
    "validate_interviewer_count",
    "validate_interviewer_names",
    "validate_met_hiring_manager",
    "validate_network_contact",
    "validate_position",
    "validate_rejection_date",
    "validate_slot",
    "validate_stage",
]

# --------------------------------------------------------------------------- vocabularies

#: Slot value meaning "the user does not know / skipped" (Rasa forms re-ask a ``None`` slot).
UNKNOWN: Final = "unknown"

STAGES: Final[tuple[str, ...]] = (
    "candidature",
    "premier_entretien",
    "test",
    "entretiens_suivants",
    "offre",
)
STAGE_LABELS: Final[dict[str, str]] = {
    "candidature": "Candidature (sans entretien)",
    "premier_entretien": "Premier entretien",
    "test": "Test ou étude de cas",
    "entretiens_suivants": "Entretiens suivants (2e, final…)",
    "offre": "Offre ou prise de références",
}
#: (button title, slot value) for the stage keyboard.
STAGE_CHOICES: Final[tuple[tuple[str, str], ...]] = tuple(
    (STAGE_LABELS[stage], stage) for stage in STAGES
)

CULTURES: Final[tuple[str, ...]] = ("formal", "casual", "unknown")
CULTURE_CHOICES: Final[tuple[tuple[str, str], ...]] = (
    ("Plutôt formelle", "formal"),
    ("Plutôt décontractée", "casual"),
    ("Je ne sais pas", "unknown"),
)
YES_NO_CHOICES: Final[tuple[tuple[str, str], ...]] = (
    ("Oui", "oui"),
    ("Non", "non"),
    ("Je ne sais pas", "je ne sais pas"),
)
INTERVIEWER_COUNT_CHOICES: Final[tuple[tuple[str, str], ...]] = (
    ("Une seule personne", "1"),
    ("Plusieurs personnes", "plusieurs"),
    ("Aucun entretien", "0"),
    ("Je ne sais pas", "je ne sais pas"),
)
#: Contract types picked up from the first message ("le CDI de data analyst").
CONTRACTS: Final[tuple[str, ...]] = ("CDI", "CDD", "stage", "alternance", "intérim", "freelance")

SLOTS: Final[tuple[str, ...]] = (
    "company",
    "position",
    "rejection_date",
    "stage",
    "formal_rejection",
    "decision_date",
    "interviewer_count",
    "interviewer_names",
    "met_hiring_manager",
    "hr_contact",
    "network_contact",
    "culture",
)

#: "Pourquoi tu me demandes ça ?" — one short answer per slot.
WHY_WE_ASK: Final[dict[str, str]] = {
    "company": (
        "Le nom de l'entreprise me sert à retrouver cette candidature parmi les autres et à "
        "personnaliser le message de demande de retour."
    ),
    "position": (
        "L'intitulé du poste rend votre demande de retour plus précise, et il m'aide à "
        "repérer ce qui revient d'une candidature à l'autre."
    ),
    "rejection_date": (
        "C'est la date du refus qui fixe le calendrier : on laisse passer quelques jours "
        "ouvrés avant de demander un retour, ni trop tôt ni trop tard."
    ),
    "stage": (
        "L'étape atteinte change le retour que vous pouvez espérer : après un tri de CV, on "
        "ne demande pas la même chose qu'après trois entretiens."
    ),
    "formal_rejection": (
        "Un refus officiel veut dire que le recrutement est clos. Sans lui, je vous "
        "proposerai d'abord de vérifier où en est la décision."
    ),
    "decision_date": (
        "Si l'entreprise a annoncé une date de décision, mieux vaut attendre qu'elle soit "
        "passée avant de lui écrire : je décale le calendrier en conséquence."
    ),
    "interviewer_count": (
        "Le nombre de personnes rencontrées m'aide à choisir à qui écrire : votre unique "
        "interlocuteur, sinon le ou la manager ou bien les RH."
    ),
    "interviewer_names": (
        "Avec un nom, le message commence par une salutation personnelle, toujours mieux "
        "reçue qu'un « Madame, Monsieur »."
    ),
    "met_hiring_manager": (
        "Le ou la manager qui recrute est souvent la personne la mieux placée pour expliquer "
        "son choix : si vous l'avez rencontré·e, c'est à elle que j'écrirais."
    ),
    "hr_contact": (
        "La personne des RH qui a organisé vos échanges est un bon relais quand plusieurs "
        "personnes vous ont reçu·e : elle peut faire circuler votre demande."
    ),
    "network_contact": (
        "Quelqu'un de votre réseau dans l'entreprise peut vous dire à qui vous adresser, "
        "et parfois appuyer votre demande."
    ),
    "culture": (
        "Le style de l'entreprise ajuste le calendrier : une équipe décontractée accepte un "
        "message plus rapide qu'une maison très formelle."
    ),
}


#: A day and month without year more than this many days ahead is last year's.
PAST_YEAR_AFTER_DAYS: Final = 60

# --------------------------------------------------------------------------- normalisation

_fold1 = fold_keep_length


#: Longer answers are read up to this many characters (a 10 000-character paste stays fast).
MAX_TEXT: Final = 1000


def _words(text: str) -> str:
    """Folded, punctuation-free, single-spaced: for whole-answer matching."""
    folded = _fold1((text or "")[:MAX_TEXT])
    folded = folded.replace("œ", "oe").replace("æ", "ae")
    return " ".join(re.findall(r"[a-z0-9]+", folded))


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
        "aujourd",
        "prochain",
        "prochaine",
    }
)
# Real words (or names) one edit away from a key word, never "corrected".
_NOT_TYPOS: Final = frozenset({"marie", "martin", "javier", "mardis", "jeudis", "derniers"})


def _correct(word: str) -> str:
    return correct_word(word, _KEYWORDS, _NOT_TYPOS)


_Folded = Folded


def _fold_for_dates(text: str) -> _Folded:
    plain = _fold1(text)
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for match in re.finditer(r"[a-z]+|.", plain, re.DOTALL):
        token = match.group(0)
        fixed = _correct(token) if token.isalpha() else token
        out.append(fixed)
        if len(fixed) == len(token):
            starts.extend(range(match.start(), match.end()))
            ends.extend(range(match.start() + 1, match.end() + 1))
        else:
            starts.extend([match.start()] * len(fixed))
            ends.extend([match.end()] * len(fixed))
    return _Folded("".join(out), tuple(starts), tuple(ends))


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


def _add_months(day: dt.date, months: int) -> dt.date:
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


def _next_weekday(today: dt.date, weekday: int, *, include_today: bool = False) -> dt.date:
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
        month_start = _add_months(first, -back)
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
        first = _add_months(first, -1)
    elif rel == "prochain":
        first = _add_months(first, 1)
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
        return _hit(match, _next_weekday(today, weekday))
    if qualifier == "de la semaine prochaine":
        return _hit(match, _monday(today) + dt.timedelta(days=7 + weekday))
    if det in ("d ici", "pour", "jusqu a"):
        return _hit(match, _next_weekday(today, weekday, include_today=True))
    if det == "ce":
        return _hit(match, _monday(today) + dt.timedelta(days=weekday))
    if ctx.past_only:
        return _hit(match, _last_weekday(today, weekday))
    before, after = _last_weekday(today, weekday), _next_weekday(today, weekday)
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
        return _add_months(ctx.today, sign * n), True
    return _add_months(ctx.today, sign * 12 * n), True


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
        day = _next_weekday(today, 5, include_today=True)
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


# --------------------------------------------------------------------------- short answers

_FILLERS = (
    r"(?:euh+|heu+|hm+|bah|ben|bof|alors|franchement|honnetement|sincerement|en\s+fait"
    r"|malheureusement|desole|desolee|pardon|du\s+tout|vraiment|trop|plus\s+trop|bien"
    r"|moi|perso|la|ca|non|oui|ok|helas)"
)
_DONT_KNOW = re.compile(
    rf"^(?:{_FILLERS}\s+)*(?:"
    r"(?:je\s+|j\s+)?(?:ne\s+|n\s+)?(?:sais|sait|sai|c?sais)\s+(?:pas|plus|rien|pa)"
    r"|(?:je\s+|j\s+)?(?:n\s+)?en\s+sais\s+rien|chais\s+pas|chai\s+pas|chepa|chpa|jsp|jsais\s+pas"
    r"|jsai\s+pas|sais\s+pas|nsp|idk|dunno|no\s+idea|aucune\s+idee|pas\s+d\s+idee"
    r"|(?:je\s+)?(?:n\s+)?en\s+ai\s+aucune\s+idee|aucun\s+souvenir|inconnu|inconnue"
    r"|(?:je\s+)?(?:ne\s+)?(?:me\s+)?(?:souviens|rappelle)\s+(?:plus|pas)"
    r"|(?:je\s+)?(?:ne\s+)?suis\s+pas\s+(?:sur|sure|certain|certaine)|pas\s+(?:sur|sure)"
    r"|aucune\s+id|ne\s+sais\s+pas|je\s+ignore|j\s+ignore|mystere|va\s+savoir"
    r"|(?:je\s+ne\s+sais|je\s+sais)\s+pas\s+(?:trop|vraiment|exactement)"
    rf")(?:\s+{_FILLERS})*$"
)
_SKIP = re.compile(
    r"^(?:(?:on|je|j|tu|vous|bon|ok|alors)\s+)*(?:"
    r"passer|passe|passons|passez|skip|skipper|next|suivant|suivante|question\s+suivante"
    r"|sauter|saute|sautons|ignorer|ignore|pas\s+de\s+reponse|sans\s+reponse"
    r"|(?:je\s+)?(?:prefere|prefererais)\s+(?:ne\s+pas|pas)\s+(?:repondre|dire|le\s+dire)"
    r"|(?:je\s+)?(?:ne\s+)?(?:veux|souhaite)\s+pas\s+(?:repondre|le\s+dire)"
    r"|pas\s+envie\s+de\s+repondre|aucune\s+importance|peu\s+importe|osef|on\s+s\s+en\s+fiche"
    r")(?:\s+(?:svp|stp|merci|cette\s+question|la\s+question|pour\s+l\s+instant))*$"
)


def is_dont_know(text: str) -> bool:
    """ "je ne sais pas", "jsp", "aucune idée", "je ne me souviens plus", "🤷"…"""
    if "🤷" in (text or ""):
        return True
    words = _words(text)
    return bool(words) and bool(_DONT_KNOW.match(words))


def is_skip(text: str) -> bool:
    """ "passer", "skip", "question suivante", "je préfère ne pas répondre", "⏭"…"""
    if (text or "").strip() in ("⏭", "⏭️", "⏩"):
        return True
    return bool(_SKIP.match(_words(text)))


_YES = re.compile(
    r"^(?:(?:euh|ben|bah|alors|bien|ah|oh)\s+)*(?:oui|ouais|ouai|ouep|wi|yes|yep|yup|ok|okay"
    r"|d\s+accord|bien\s+sur|evidemment|exact|exactement|tout\s+a\s+fait|absolument"
    r"|affirmatif|carrement|effectivement|c\s+est\s+ca|c\s+est\s+bien\s+ca|en\s+effet|si"
    r"|(?:je\s+)?(?:crois|pense|dirais)\s+(?:que\s+)?oui|plutot\s+oui|il\s+me\s+semble"
    r"|je\s+crois|je\s+pense|oui\s+oui)\b"
)
_NO = re.compile(
    r"^(?:(?:euh|ben|bah|alors|ah|oh)\s+)*(?:non|nan|nope|no|pas\s+du\s+tout|absolument\s+pas"
    r"|jamais|aucun|aucune|negatif|pas\s+vraiment|plutot\s+non|pas\s+encore|toujours\s+pas"
    r"|(?:je\s+)?(?:ne\s+)?(?:crois|pense)\s+pas|(?:je\s+)?(?:crois|pense|dirais)\s+que\s+non"
    r"|pas\s+que\s+je\s+sache|non\s+non|pas)\b"
)
_MAYBE = re.compile(r"^(?:peut\s+etre|p\s+e|pe|possible|probablement|je\s+sais\s+pas\s+trop)\b")


def parse_yes_no(text: str) -> bool | None:
    """True / False for a yes or no answer ("ouais", "pas du tout", 👍…), else None."""
    raw = text or ""
    if any(mark in raw for mark in ("👍", "✅", "✔")):
        return True
    if any(mark in raw for mark in ("👎", "❌", "✖")):
        return False
    words = _words(raw)
    if not words or is_dont_know(raw) or _MAYBE.match(words):
        return None
    if _NO.match(words):
        return False
    if _YES.match(words):
        return True
    return None


# Only questions about the question itself: "pourquoi ils m'ont refusé ?" is not one.
_WHY = re.compile(
    r"^(?:mais\s+|et\s+)?(?:pourquoi|pk|pq)(?:\s+(?:ca|faire|donc|cette\s+question|c\s+est"
    r"\s+important|c\s+est\s+utile|vous\s+voulez\s+savoir|tu\s+veux\s+savoir))?$"
    r"|\b(?:pourquoi|pk|pq)\b.*\b(?:tu|vous)\s+(?:me\s+)?(?:demandes?|demandez|poses?|posez"
    r"|veux\s+savoir|voulez\s+savoir|as\s+besoin|avez\s+besoin)\b"
    r"|\b(?:pourquoi|pk|pq)\s+(?:cette|ces|la)\s+questions?\b"
    r"|\ba\s+quoi\s+(?:ca\s+)?(?:te\s+|vous\s+)?sert\b|\bca\s+(?:te\s+|vous\s+)?sert\s+a\s+quoi\b"
    r"|\ben\s+quoi\s+c\s+est\s+utile\b|\bc\s+est\s+pour\s+quoi\s+faire\b"
    r"|\bquel\s+(?:est\s+le\s+)?rapport\b"
)


def is_why_question(text: str) -> bool:
    """ "pourquoi tu me demandes ça ?", "ça sert à quoi ?" — answered with :data:`WHY_WE_ASK`."""
    words = _words(text)
    return bool(words) and bool(_WHY.search(words)) and len(words.split()) <= 12


# --------------------------------------------------------------------------- stage detection

_STAGE_PATTERNS: Final[tuple[tuple[str, re.Pattern[str]], ...]] = tuple(
    (stage, re.compile(source))
    for stage, source in (
        (
            "offre",
            r"\bpromesse\s+d\s+embauche|\boffres?\s+(?:m\s+a\s+ete\s+|a\s+ete\s+|finalement\s+)?"
            r"(?:retiree|annulee|orale|ecrite|ferme)|\b(?:retire|annule|retracte)\s+(?:l|leur|son|"
            r"mon|la)\s+(?:offre|proposition)|\bapres\s+(?:l|une|leur|son|mon)\s+(?:offre|"
            r"proposition)\b|\b(?:prise|verification|controle|check|appel)\s+(?:de|des)\s+"
            r"references\b|\breferences\b|\bproposition\s+(?:d\s+embauche|de\s+poste|de\s+contrat"
            r"|ferme|orale|ecrite|salariale)|\b(?:recu|eu|obtenu)\s+(?:une|l|leur)\s+(?:offre|"
            r"proposition)\b|\bnegociation\s+(?:du\s+|de\s+)?(?:salaire|salariale)|\bnegociation"
            r"\s+salariale|\bcontrat\s+pret\s+a\s+signer",
        ),
        (
            "entretiens_suivants",
            r"\b(?:[2-9]|10)\s*(?:e|eme|ieme|nd|nde|d)\s+(?:entretien|tour|rdv|rendez|round|"
            r"etape)|\b(?:deuxieme|second|seconde|troisieme|quatrieme|cinquieme|dernier|derniere"
            r"|final|finale|ultime)\s+(?:entretien|tour|rdv|rendez|etape|round)|\bentretiens?\s+"
            r"(?:final|finale|finaux)\b|\bentretiens?\s+(?:avec\s+(?:le|la|les|mon|ma|mes|un|une|"
            r"l)\s+)?(?:manager|n\s*\+?\s*[12]|directeur|directrice|dg|ceo|pdg|fondateur|"
            r"fondatrice|operationnel|operationnelle|equipe|boss|futur\s+chef)\b|\b(?:en|la|"
            r"jusqu\s+en)\s+finale\b|\bshort\s*list|\bfinalistes?\b|\b(?:derniers|plusieurs|"
            r"[2-9]|deux|trois|quatre|cinq|six)\s+entretiens\b|\bjusqu\s+au\s+bout\b|\bderniere"
            r"\s+ligne\s+droite\b|\btour\s+final\b|\bdeux\s+derniers\b|\bdernier\s+carre\b",
        ),
        (
            "test",
            r"\btests?\s+(?:technique|techniques|de\s+personnalite|psychotechniques?|en\s+ligne|"
            r"ecrit|ecrits|de\s+logique|d\s+anglais|de\s+langue|de\s+code|pratique|metier)\b|"
            r"\b(?:apres|au|a\s+l|le|un|du|mon|leur|ce)\s+tests?\b|\bassessment\b|\betude\s+de\s+"
            r"cas\b|\bcas\s+pratiques?\b|\bcase\s+study\b|\bbusiness\s+case\b|\bmise\s+en\s+"
            r"situation\b|\bexercices?\b|\bcoding\s*game\b|\bcodingame\b|\bdevoir\s+(?:a\s+la\s+"
            r")?maison\b|\btake\s+home\b|\bepreuves?\b|\bjeu\s+de\s+role\b|\bquestionnaires?\b",
        ),
        (
            "premier_entretien",
            r"\b(?:premier|1\s*er|1)\s+(?:entretien|tour|rdv|rendez|echange|appel|round)|"
            r"\bpremiere\s+(?:etape|rencontre|visio)\b|\bentretien\s+(?:telephonique|tel|rh|en\s+"
            r"visio|visio|video|de\s+preselection|de\s+qualification|telephone)\b|\b(?:appel|call|"
            r"echange|coup\s+de\s+fil|screening|entretien)\s+(?:avec\s+(?:la|le|les|une|un)\s+)?"
            r"(?:rh|recruteur|recruteuse|chargee?\s+de\s+recrutement)\b|\bpreselection\s+"
            r"telephonique\b|\bpre\s*qualification\b|\bscreening\b",
        ),
        (
            "candidature",
            r"\bsans\s+(?:meme\s+)?(?:passer\s+d\s+|un\s+|d\s+|aucun\s+)?entretien|\bpas\s+(?:eu|"
            r"passe|obtenu|decroche|meme\s+eu)\s+(?:d|de|un|le\s+moindre)\s+entretien|\bpas\s+d\s+"
            r"entretien|\baucun\s+entretien|\bmeme\s+pas\s+(?:ete\s+)?(?:convoque|convoquee|"
            r"appele|appelee|rappele|rappelee|eu\s+d\s+entretien)|\bpas\s+ete\s+(?:convoque|"
            r"convoquee|retenu\s+pour\s+(?:un|l)\s+entretien)|\b(?:au|a\s+l)\s+(?:stade|etape)\s+"
            r"(?:du|de\s+la|des)\s+(?:cv|candidature|candidatures|dossier|dossiers)\b|\bsur\s+"
            r"(?:cv|dossier)\b|\b(?:tri|selection|preselection|examen|lecture)\s+(?:des|de\s+mon|"
            r"du|de\s+ma)\s+(?:cv|dossiers?|candidatures?)\b|\b(?:mon\s+)?cv\s+(?:n\s+a\s+pas|"
            r"pas)\s+(?:ete\s+)?(?:retenu|selectionne|passe)\b|\bjuste\s+postule\b|\bdes\s+la\s+"
            r"candidature\b|\bsimple\s+candidature\b|\bdes\s+le\s+cv\b",
        ),
    )
)


def detect_stage(text: str) -> str | None:
    """The furthest stage a message names (see :data:`STAGES`), else None."""
    words = _words(text)
    found = [stage for stage, pattern in _STAGE_PATTERNS if pattern.search(words)]
    if not found:
        return None
    return max(found, key=STAGES.index)


# --------------------------------------------------------------------------- formal rejection

_INFORMAL = re.compile(
    r"\bpas\s+(?:encore\s+)?(?:de\s+|d\s+|eu\s+de\s+|recu\s+de\s+)?(?:reponse|nouvelles?|retour|"
    r"confirmation|refus)\b|\bsans\s+(?:aucune\s+)?(?:nouvelles?|reponse|retour)\b|\bghost|"
    r"\bsilence\s+radio\b|\bpas\s+(?:encore\s+)?(?:officiel|officielle|formel|formelle)\b|"
    r"\bofficieu|\binformel|\blaiss\w*\s+(?:entendre|comprendre)|\bsous\s+entendu|\bj\s+ai\s+"
    r"(?:l\s+impression|appris\s+par\s+hasard)|\b(?:je\s+pense|je\s+crois|j\s+imagine|je\s+"
    r"suppose)\s+que\s+(?:c\s+est|ce\s+sera|ca\s+va\s+etre)\s+(?:mort|non|fichu|rate|mal\s+"
    r"parti)|\bc\s+est\s+(?:mort|mal\s+parti)\b|\bapparemment\b|\ba\s+priori\b|\bil\s+paraitrait"
    r"|\b(?:vu|appris|remarque)\s+(?:qu|que)\s+(?:ils|elles|l\s+annonce|le\s+poste|quelqu)"
)
_FORMAL = re.compile(
    r"\b(?:mail|email|e\s*mail|courriel|lettre|courrier|message|sms|notification|appel)\s+"
    r"(?:de\s+refus|negatif|officiel|officielle|type|automatique|de\s+reponse\s+negative)\b|"
    r"\brefus\s+(?:officiel|formel|ecrit|par\s+(?:e\s*)?mail|par\s+ecrit|par\s+courrier|"
    r"definitif)\b|\breponse\s+(?:negative\s+)?(?:officielle|formelle|ecrite|definitive)\b|"
    r"\breponse\s+negative\b|\bofficiellement\b|\b(?:recu|eu)\s+(?:un|le|leur|mon|une|la)\s+"
    r"(?:refus|reponse\s+negative|mail|email|e\s+mail|courrier|lettre|non)\b|\brefus\b[^.!?]{0,80}?"
    r"\brecue?\b|\bpar\s+(?:e\s*)?mail\b|\bpar\s+courrier\b|\bpar\s+ecrit\b"
)


def _detect_formal(folded: str) -> bool | None:
    if _INFORMAL.search(folded):
        return False
    if _FORMAL.search(folded):
        return True
    return None


# --------------------------------------------------------------------------- extraction

_TOKEN = re.compile(r"[\w&@+'’]+(?:[.\-][\w&@+'’]+)*", re.UNICODE)


def _wordset(*chunks: str) -> frozenset[str]:
    return frozenset(word for chunk in chunks for word in chunk.split())


# Folded words that end a company or position name.
_STOP: Final = _wordset(
    """
    pour au aux en a apres avant depuis hier aujourd auj et mais car qui que qu ou avec sur dans
    sans comme par pendant lors suite malgre j je il ils elle elles on ne n m me ce cette cet c
    ca cela est etait a ont ai avait avais recu recue recus refus refuse refusee retenu retenue
    pas plus vient viens venait ce matin soir demain le la les un une des du de d l entretien
    entretiens test tests stage cdi cdd alternance interim freelance poste job mission contrat
    apres quand lorsque si donc puis alors enfin bref super trop tres vraiment tellement encore
    deja bien mal vu via selon concernant grace cause parce puisque tandis chez
    """
)
# Connectors allowed inside a capitalised name: "Caisse des Dépôts", "Banque de France".
_NAME_CONNECTORS: Final = frozenset({"de", "des", "du", "d", "&", "et", "la", "le", "l", "of"})
_ARTICLES: Final = frozenset({"la", "le", "les", "l"})
# Words that never start a company name: pronouns, fillers, dates.
_NEVER_LEADS: Final = _wordset(
    """
    un une des eux elle elles lui moi nous vous toi soi mon ma mes ton ta tes son sa ses leur
    leurs notre nos votre vos ce cette cet ces quelqu personne ils il on je j tu ca cela
    hier aujourd demain finalement bon bref donc alors et mais encore bah ben ouais oui
    non voila enfin sinon ah eh oh pff bof du coup apres puis ensuite malheureusement
    franchement honnetement evidemment bien sur helas
    """,
    *WEEKDAYS_FR,
    *_MONTH_ALIASES,
)
# Generic nouns: a company only as part of a longer name ("Société Générale", "Groupe SEB").
_GENERIC: Final = _wordset(
    """
    recruteur recruteuse recruteurs rh drh manager managers directeur directrice responsable
    boss patron patronne chef cheffe equipe entreprise boite societe groupe cabinet client
    clients entretien entretiens test stage cdi cdd alternance interim freelance poste job offre
    candidature candidatures mail email message lettre courrier appel refus reponse retour
    """
)
_NOT_A_COMPANY: Final = _NEVER_LEADS | _GENERIC
# Common first names: "Julie m'a dit non" names a person, not a company.
_FIRST_NAMES: Final = _wordset(
    """
    julie marie sophie camille lea emma chloe manon sarah laura claire anne catherine isabelle
    nathalie sandrine celine aurelie emilie caroline stephanie valerie christine sylvie
    helene lucie pauline alice charlotte juliette louise ines jade lina zoe clara agathe
    marion elodie audrey melanie virginie karine delphine veronique patricia martine
    thomas nicolas julien pierre paul jean marc luc antoine alexandre maxime kevin romain
    sebastien guillaume vincent francois olivier laurent david eric christophe stephane
    philippe michel alain patrick frederic arnaud benoit hugo lucas louis gabriel arthur
    jules adam raphael leo mathieu mathis theo nathan clement quentin florian jeremy yann
    karim mohamed ahmed mehdi sami yanis rayan samir nadia fatima leila yasmine sonia
    """
)
_CONTRACT_WORDS: Final[dict[str, str]] = {
    "cdi": "CDI",
    "cdd": "CDD",
    "stage": "stage",
    "alternance": "alternance",
    "apprentissage": "alternance",
    "interim": "intérim",
    "freelance": "freelance",
}

_COMPANY_AFTER = re.compile(
    r"\b(?:chez|aupres\s+de|aupres\s+d|aupres\s+du|de\s+chez|dans\s+l\s+entreprise"
    r"|dans\s+la\s+societe|l\s+entreprise|la\s+societe|le\s+groupe|la\s+boite)\s+"
)
# "refus de Capgemini", "un mail d'Airbus", "de la part de BNP": only a capitalised name.
_COMPANY_AFTER_DE = re.compile(
    r"\b(?:refus|refuse|refusee|non|reponse|reponses|mail|email|e\s+mail|courriel|message"
    r"|appel|coup\s+de\s+fil|lettre|courrier|nouvelles|retour|negatif|negative|recale|recalee"
    r"|offre|process|processus|recrutement|de\s+la\s+part|part)\s+(?:negative\s+|negatif\s+"
    r"|officielle\s+|officiel\s+)?(?:de|d|du)\s+"
)
# "BNP m'a dit non", "Société Générale ne m'a pas retenu", "Decathlon a refusé…".
_COMPANY_BEFORE = re.compile(
    r"\s+(?:(?:ne\s+m|n|m|ne\s+me|me)\s+)?(?:a|ont|as)\s+(?:dit\s+non|refuse|rejete|decline"
    r"|recale|pas\s+(?:retenu|pris|garde|choisi|donne\s+suite)|dit|repondu|annonce|informe"
    r"|envoye|appele|rappele|ecrit|choisi|prefere|retenu|pas)\b"
    r"|\s+(?:vient|viennent)\s+de\s+(?:me\s+)?(?:refuser|recaler|dire\s+non|m\s+ecrire|m\s+appeler)"
    r"|\s+ne\s+(?:me\s+)?(?:prend|retient|donne)\b|\s+(?:me\s+)?refuse\b"
)
_POSITION_AFTER = re.compile(
    r"\b(?:(?:poste|job|boulot|emploi|role)\s+(?:de|d|du|en\s+tant\s+que|comme)"
    r"|(?P<contract>cdi|cdd|stage|alternance|apprentissage|interim|freelance|mission)"
    r"\s+(?:de|d|du|en\s+tant\s+que|comme)|en\s+tant\s+que|(?:postule|candidate|candidature)"
    r"\s+(?:comme|pour\s+etre)|poste\s*:)\s+"
)
_CONTRACT_ANY = re.compile(
    r"\b(?:(?:le|un|mon|ce|du|en|d\s+un|l|une|ma|cette|en\s+tant\s+que)\s+)"
    r"(?P<c>cdi|cdd|stage|alternance|apprentissage|interim|freelance)\b"
)


@dataclass(frozen=True)
class RejectionFacts:
    """What one free-text message says about a rejection; unknown stays ``None``."""

    company: str | None = None
    position: str | None = None
    rejection_date: dt.date | None = None
    date_approximate: bool = False
    date_problem: DateParse | None = None  # a date was written but cannot be used as is
    stage: str | None = None
    formal_rejection: bool | None = None
    contract: str | None = None  # one of CONTRACTS

    def slots(self) -> dict[str, str | bool]:
        """The known facts as form slots (dates in ISO format); unknown ones are left out."""
        out: dict[str, str | bool] = {}
        if self.company:
            out["company"] = self.company
        if self.position:
            out["position"] = self.position
        if self.rejection_date is not None:
            out["rejection_date"] = self.rejection_date.isoformat()
        if self.stage:
            out["stage"] = self.stage
        if self.formal_rejection is not None:
            out["formal_rejection"] = self.formal_rejection
        return out


@dataclass(frozen=True)
class _Tok:
    text: str  # as written
    folded: str
    start: int
    end: int

    @property
    def capitalised(self) -> bool:
        core = re.sub(r"^[ldLD]['’]", "", self.text)
        first = core[:1]
        return bool(first) and (first.isupper() or first.isdigit())


def _tokens(text: str, folded: str, start: int, end: int | None = None) -> list[_Tok]:
    stop = len(text) if end is None else end
    out = []
    for match in _TOKEN.finditer(text, start, stop):
        a, b = match.span()
        out.append(_Tok(match.group(0), " ".join(folded[a:b].split()), a, b))
    return out


def _gap_is_space(text: str, a: int, b: int) -> bool:
    return text[a:b].strip() == ""


def _tok_key(tok: _Tok) -> str:
    return tok.folded.split()[0] if tok.folded else ""


def _clean_name(raw: str) -> str | None:
    name = raw.strip(" \t\n\r.,;:!?-–—'’\"«»()")
    name = " ".join(name.split())
    if not name or not re.search(r"[^\W\d_]", name) or len(name) > 80:
        return None
    if _words(name) in _NOT_A_COMPANY or _words(name).split()[0] in _NEVER_LEADS:
        return None
    return name


def _company_from(
    text: str, folded: str, start: int, *, capital_only: bool, blocked: list[tuple[int, int]]
) -> str | None:
    toks = _tokens(text, folded, start)
    if not toks or not _gap_is_space(text, start, toks[0].start):
        return None
    # A leading lowercase article before a capitalised name is not part of it:
    # "chez la Société Générale" → "Société Générale" (but "La Poste" keeps its "La").
    if (
        _tok_key(toks[0]) in _ARTICLES
        and not toks[0].capitalised
        and len(toks) > 1
        and (toks[1].capitalised or capital_only)
    ):
        toks = toks[1:]
    if not toks:
        return None
    first = toks[0]
    if _tok_key(first) in _NEVER_LEADS:
        return None
    if _tok_key(first) in _GENERIC and not (
        first.capitalised and len(toks) > 1 and toks[1].capitalised
    ):
        return None
    if capital_only and not first.capitalised:
        return None
    taken: list[_Tok] = []
    previous_end = toks[0].start
    for index, tok in enumerate(toks):
        if not _gap_is_space(text, previous_end, tok.start):
            break
        if any(a <= tok.start < b for a, b in blocked):
            break
        key = _tok_key(tok)
        if first.capitalised:
            if not tok.capitalised:
                nxt = toks[index + 1] if index + 1 < len(toks) else None
                if (
                    key in _NAME_CONNECTORS
                    and taken
                    and nxt is not None
                    and nxt.capitalised
                    and _gap_is_space(text, tok.end, nxt.start)
                    and _tok_key(nxt) not in _NOT_A_COMPANY
                ):
                    taken.append(tok)
                    previous_end = tok.end
                    continue
                break
            if taken and key in _NOT_A_COMPANY:
                break
        else:
            if key in _STOP or key in _NOT_A_COMPANY or len(taken) >= 3:
                break
        taken.append(tok)
        previous_end = tok.end
        if len(taken) >= 6:
            break
    if not taken:
        return None
    return _clean_name(text[taken[0].start : taken[-1].end])


def _company_before(text: str, folded: str, end: int, blocked: list[tuple[int, int]]) -> str | None:
    toks = _tokens(text, folded, 0, end)
    run: list[_Tok] = []
    next_start = end
    for tok in reversed(toks):
        if not _gap_is_space(text, tok.end, next_start):
            break
        if any(a <= tok.start < b for a, b in blocked):
            break
        if tok.capitalised or (_tok_key(tok) in _NAME_CONNECTORS and run and tok.text != "l"):
            run.insert(0, tok)
            next_start = tok.start
            continue
        break
    while run and (
        not run[0].capitalised
        or _tok_key(run[0]) in _NEVER_LEADS
        or (_tok_key(run[0]) in _GENERIC and len(run) == 1)
    ):
        # "La Poste", "Le Bon Marché" — but "Le recruteur" is no company.
        if (
            _tok_key(run[0]) in _ARTICLES
            and len(run) > 1
            and run[0].capitalised
            and _tok_key(run[1]) not in _NOT_A_COMPANY
        ):
            break
        run.pop(0)
    if not run:
        return None
    if len(run) == 1 and _tok_key(run[0]) in _FIRST_NAMES:
        return None
    return _clean_name(text[run[0].start : run[-1].end])


def _position_from(
    text: str, folded: str, start: int, blocked: list[tuple[int, int]]
) -> str | None:
    toks = _tokens(text, folded, start)
    if not toks or not _gap_is_space(text, start, toks[0].start):
        return None
    taken: list[_Tok] = []
    previous_end = toks[0].start
    inner = {"de", "d", "du", "des", "la", "l", "le", "les", "en"}
    for index, tok in enumerate(toks):
        if not _gap_is_space(text, previous_end, tok.start):
            break
        if any(a <= tok.start < b for a, b in blocked):
            break
        key = _tok_key(tok)
        nxt = _tok_key(toks[index + 1]) if index + 1 < len(toks) else ""
        if key in inner and taken:
            if key == "en" and (nxt in _CONTRACT_WORDS or nxt in ("ce", "cette", "tant")):
                break
            taken.append(tok)
            previous_end = tok.end
            continue
        if key in _STOP or key in ("chez", "aupres", "dans", "au", "sein") or len(taken) >= 8:
            break
        taken.append(tok)
        previous_end = tok.end
    while taken and taken[-1].folded in inner:
        taken.pop()
    if not taken:
        return None
    position = " ".join(text[taken[0].start : taken[-1].end].split()).strip(" .,;:!?-'’")
    if not position or len(position) > 120 or _words(position) in _CONTRACT_WORDS:
        return None
    # "un stage de 6 mois", "un stage de fin d'études": a duration or a kind, not a job.
    if re.match(
        r"\d|fin\s+d\s+etudes\b|(?:une|un|deux|trois|quatre|six)\s+(?:mois|semaines|ans)\b",
        _words(position),
    ):
        return None
    return position


def extract_rejection_facts(text: str, *, today: dt.date) -> RejectionFacts:
    """Company, position, date, stage and formality from one message ("refus de Capgemini…")."""
    text = (text or "")[:MAX_TEXT]
    folded = _fold1(text)
    words = _words(text)

    date_folded = _fold_for_dates(text)
    hits = _find_hits(date_folded.text, today, past_only=True)
    blocked = [date_folded.span(h.start, h.end) for h in hits]
    rejection_date: dt.date | None = None
    approximate = False
    problem: DateParse | None = None
    if hits:
        parsed = parse_rejection_date(text, today=today)
        if parsed.ok:
            rejection_date, approximate = parsed.date, parsed.approximate
        else:
            problem = parsed

    company: str | None = None
    for match in _COMPANY_AFTER.finditer(folded):
        company = _company_from(text, folded, match.end(), capital_only=False, blocked=blocked)
        if company:
            break
    if company is None:
        for match in _COMPANY_AFTER_DE.finditer(folded):
            company = _company_from(text, folded, match.end(), capital_only=True, blocked=blocked)
            if company:
                break
    if company is None:
        for match in _COMPANY_BEFORE.finditer(folded):
            company = _company_before(text, folded, match.start(), blocked)
            if company:
                break

    position: str | None = None
    contract: str | None = None
    for match in _POSITION_AFTER.finditer(folded):
        position = _position_from(text, folded, match.end(), blocked)
        if match.group("contract"):
            contract = _CONTRACT_WORDS.get(match.group("contract"))
        if position and company and _words(position) == _words(company):
            position = None
        if position:
            break
    if contract is None:
        found = _CONTRACT_ANY.search(words)
        if found:
            contract = _CONTRACT_WORDS[found.group("c")]

    return RejectionFacts(
        company=company,
        position=position,
        rejection_date=rejection_date,
        date_approximate=approximate,
        date_problem=problem,
        stage=detect_stage(text),
        formal_rejection=_detect_formal(words),
        contract=contract,
    )


# --------------------------------------------------------------------------- validators


@dataclass(frozen=True)
class Validation[T]:
    """The outcome of checking one answer.

    ``ok`` with ``value`` (normalised), or ``ok`` with ``value=None`` when the user does not
    know, skipped or has none (``skipped`` tells the first two apart); not ``ok`` with
    ``message``, a French question to ask back. When ``ok``, ``message`` may hold a short
    confirmation worth showing ("Je note le mercredi 18 novembre, à quelques jours près.").
    """

    ok: bool
    value: T | None = None
    message: str | None = None
    skipped: bool = False

    def as_slot(self) -> object:
        """The value for a Rasa slot: dates in ISO format, ``UNKNOWN`` for "je ne sais pas"."""
        if not self.ok:
            return None
        if self.value is None:
            return UNKNOWN if self.skipped else None
        if isinstance(self.value, dt.date):
            return self.value.isoformat()
        return self.value


def _ok[T](value: T, message: str | None = None) -> Validation[T]:
    return Validation(ok=True, value=value, message=message)


def _skipped[T]() -> Validation[T]:
    return Validation(ok=True, value=None, skipped=True)


def _none[T]() -> Validation[T]:
    return Validation(ok=True, value=None)


def _ask[T](message: str) -> Validation[T]:
    return Validation(ok=False, message=message)


_MARKUP = re.compile(r"<[^>]{0,200}>|[*_`~|\\]|\u200b")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _clean_free_text(value: str) -> str:
    text = _CONTROL.sub(" ", _MARKUP.sub(" ", value or ""))
    text = " ".join(text.split())
    return text.strip(" .,;:!?\"«»“”'’")


def _has_letters(text: str) -> bool:
    return bool(re.search(r"[^\W\d_]", text))


def _title_if_lower(name: str) -> str:
    """ "julie martin" → "Julie Martin"; names typed with capitals are kept as written."""
    if name != name.lower():
        return name
    parts = re.split(r"([\s\-]+)", name)
    particles = {"de", "du", "des", "d", "la", "le", "van", "von", "der", "di", "da"}
    return "".join(
        part if part in particles or not part.strip() else part[:1].upper() + part[1:]
        for part in parts
    )


_COMPANY_PREFIX = re.compile(
    r"^(?:(?:c\s*['’]?\s*(?:est|etait|était)|ça\s+s['’]appelle|il\s+s['’]agit\s+de)\s+)?"
    r"(?:(?:chez|auprès\s+de|aupres\s+de|l['’]entreprise|la\s+société|la\s+societe"
    r"|la\s+boîte|la\s+boite|le\s+groupe|l['’]entreprise\s+s['’]appelle)\s+)?",
    re.IGNORECASE,
)


def _required_name(value: str, *, what: str, hint: str) -> Validation[str]:
    if is_dont_know(value) or is_skip(value):
        return _ask(hint)
    text = _clean_free_text(value)
    if text.startswith("/"):
        return _ask(f"Je n'ai pas compris. Quel est {what} ?")
    text = _COMPANY_PREFIX.sub("", text).strip() if what.startswith("le nom") else text
    if not text or not _has_letters(text):
        return _ask(f"Je n'ai pas bien lu. Pouvez-vous m'écrire {what} ?")
    if len(text) > 120:
        return _ask(f"C'est un peu long pour moi : pouvez-vous résumer {what} en quelques mots ?")
    return _ok(text)


def _mostly_date(value: str) -> bool:
    """True when the answer is essentially a date ("hier", "le 3 novembre")."""
    parsed = parse_date(value, today=dt.date(2000, 6, 15), past_only=False)
    if parsed.error == DateProblem.NOT_FOUND or not parsed.expression:
        return False
    return len(_words(parsed.expression)) >= 0.6 * len(_words(value))


def validate_company(value: str) -> Validation[str]:
    """Required. Free text (a name or a short description), ≤ 120 characters."""
    if _mostly_date(value):
        return _ask(
            "Cela ressemble à une date. Quel est le nom de l'entreprise (ou, à défaut, "
            "du cabinet de recrutement) ?"
        )
    return _required_name(
        value,
        what="le nom de l'entreprise",
        hint=(
            "J'ai besoin d'un nom pour retrouver cette candidature : celui de l'entreprise, "
            "du cabinet de recrutement, ou une courte description comme « une startup de la "
            "fintech »."
        ),
    )


_POSITION_PREFIX = re.compile(
    r"^(?:(?:c\s*['’]?\s*(?:est|etait|était)|j['’]avais\s+postulé|j['’]avais\s+postule)\s+)?"
    r"(?:(?:pour\s+)?(?:le|un)\s+(?:poste|job)\s+(?:de|d['’]|en\s+tant\s+que)\s*"
    r"|en\s+tant\s+que\s+|comme\s+|poste\s*:\s*)?",
    re.IGNORECASE,
)


def validate_position(value: str) -> Validation[str]:
    """Required. The job title as the user says it (prefixes like "le poste de" removed)."""
    hint = (
        "L'intitulé exact n'est pas nécessaire : une description approximative suffit, par "
        "exemple « commercial terrain » ou « stage en marketing »."
    )
    if is_dont_know(value) or is_skip(value):
        return _ask(hint)
    text = _clean_free_text(value)
    text = _POSITION_PREFIX.sub("", text).strip()
    return _required_name(text or value, what="l'intitulé du poste", hint=hint)


def _date_validation(parsed: DateParse, today: dt.date) -> Validation[dt.date]:
    if parsed.ok and parsed.date is not None:
        note = None
        if parsed.approximate:
            note = f"Je note le {format_date_fr(parsed.date, today=today)}, à quelques jours près."
        return _ok(parsed.date, note)
    return _ask(parsed.message or _NOT_FOUND_MESSAGE)


def validate_rejection_date(value: str, *, today: dt.date) -> Validation[dt.date]:
    """Required. The day the rejection arrived (see :func:`parse_rejection_date`)."""
    if is_dont_know(value) or is_skip(value):
        return _ask(
            "Une date approximative me suffit, par exemple « la semaine dernière » ou « il y "
            "a un mois » : elle sert à choisir le bon moment pour demander un retour."
        )
    return _date_validation(parse_rejection_date(value, today=today), today)


_NONE_ANSWER = re.compile(
    r"^(?:(?:non|nan|bah|ben|euh)\s+)*(?:aucune?|aucun|non|nan|rien|personne|pas\s+de\s+date"
    r"|pas\s+de\s+delai|pas\s+precise|pas\s+dit|ils\s+(?:n\s+)?ont\s+rien\s+dit"
    r"|ils\s+ne\s+l\s+ont\s+pas\s+dit|elle\s+(?:n\s+)?a\s+rien\s+dit|pas\s+annonce"
    r"|pas\s+du\s+tout|jamais|pas\s+que\s+je\s+sache|nobody|none|no|nope)\b"
)


def _is_none_answer(text: str) -> bool:
    return bool(_NONE_ANSWER.match(_words(text)))


def validate_decision_date(value: str, *, today: dt.date) -> Validation[dt.date]:
    """Optional. The decision date the company announced: past or future; "aucune" → None."""
    if is_dont_know(value) or is_skip(value):
        return _skipped()
    parsed = parse_date(value, today=today, past_only=False)
    if parsed.ok and parsed.date is not None:
        if abs((parsed.date - today).days) > 366:
            return _ask(
                "Cette date est à plus d'un an d'aujourd'hui. Quelle date l'entreprise a-t-elle "
                "annoncée pour sa décision ?"
            )
        return _date_validation(parsed, today)
    if parsed.error == DateProblem.NOT_FOUND and _is_none_answer(value):
        return _none()
    if parsed.error != DateProblem.NOT_FOUND and parsed.message:
        return _ask(parsed.message)
    return _ask(
        "Je n'ai pas reconnu de date. Si l'entreprise n'a rien annoncé, répondez « aucune » ; "
        "sinon écrivez par exemple « vendredi prochain » ou « le 3 décembre »."
    )


_STAGE_ANSWERS: Final[tuple[tuple[str, re.Pattern[str]], ...]] = tuple(
    (stage, re.compile(source))
    for stage, source in (
        ("offre", r"^(?:a\s+l\s+|l\s+|apres\s+l\s+|une\s+)?offre\b|^references\b|^promesse\b"),
        (
            "entretiens_suivants",
            r"\b(?:final|finale|dernier|derniere|deuxieme|second|seconde|troisieme|"
            r"[2-9]\s*(?:e|eme|ieme|nd|nde)|suivants?|plusieurs|finaliste)\b",
        ),
        ("test", r"\b(?:test|tests|cas|exercice|assessment|epreuve)\b"),
        ("premier_entretien", r"\b(?:premier|premiere|1\s*er|1ere|1re|telephonique|rh)\b"),
        (
            "candidature",
            r"^(?:au\s+|a\s+la\s+|la\s+|ma\s+)?(?:candidature|cv|dossier|debut|tout\s+debut|"
            r"aucun\s+entretien|pas\s+d\s+entretien|sans\s+entretien|tri|preselection|"
            r"des\s+le\s+debut)\b",
        ),
    )
)


def validate_stage(value: str) -> Validation[str]:
    """The stage reached, from a button value or free text ("après le 2e entretien")."""
    if is_dont_know(value) or is_skip(value):
        return _skipped()
    words = _words(value)
    key = words.replace(" ", "_")
    if key in STAGES:
        return _ok(key)
    for stage, label in STAGE_LABELS.items():
        if words == _words(label):
            return _ok(stage)
    detected = detect_stage(value)
    if detected:
        return _ok(detected)
    for stage, pattern in _STAGE_ANSWERS:
        if pattern.search(words):
            return _ok(stage)
    if re.search(r"\bentretiens?\b", words):
        return _ask(
            "C'était votre premier entretien avec cette entreprise, ou un entretien suivant "
            "(deuxième, final…) ?"
        )
    return _ask(
        "Jusqu'où êtes-vous allé·e dans le processus : simple candidature, premier entretien, "
        "test ou étude de cas, entretiens suivants, ou jusqu'à une offre ?"
    )


def validate_formal_rejection(value: str) -> Validation[bool]:
    """Optional. Was the rejection official (mail, letter, clear call)? oui / non / jsp."""
    if is_dont_know(value) or is_skip(value):
        return _skipped()
    words = _words(value)
    formal = _detect_formal(words)
    if formal is not None:
        return _ok(formal)
    answer = parse_yes_no(value)
    if answer is not None:
        return _ok(answer)
    return _ask(
        "Avez-vous reçu une réponse officielle de l'entreprise (un mail, un courrier, un appel "
        "clair) ? Répondez oui, non, ou « je ne sais pas »."
    )


_COUNT_WORDS: Final[dict[str, int]] = {
    "zero": 0,
    "un": 1,
    "une": 1,
    "seul": 1,
    "seule": 1,
    **{k: v for k, v in NUMBER_WORDS.items() if k not in ("un", "une")},
}
#: "plusieurs" (two or more, exact number unknown) is stored as 2.
SEVERAL: Final = 2


def validate_interviewer_count(value: str) -> Validation[int]:
    """Optional. "un seul" → 1, "3" → 3, "plusieurs" / "un jury" → 2, "aucun" → 0."""
    if is_dont_know(value) or is_skip(value):
        return _skipped()
    words = _words(value)
    if re.search(
        r"^(?:personne|aucun|aucune|zero|0|nobody)\b|\b(?:pas\s+(?:eu\s+)?d\s+entretien"
        r"|aucun\s+entretien|aucune\s+personne|personne\s+ne)\b",
        words,
    ):
        return _ok(0)
    # "un jury", "une équipe": the article is no count.
    several = re.search(
        r"\b(?:plusieurs|beaucoup|pas\s+mal|un\s+jury|un\s+panel|une\s+equipe|toute\s+l\s+equipe"
        r"|des\s+(?:gens|personnes|recruteurs|managers)|nombreux|nombreuses|plein)\b",
        words,
    )
    counted = words[: several.start()] + words[several.end() :] if several else words
    numbers = [
        int(token) if token.isdigit() else _COUNT_WORDS[token]
        for token in re.findall(
            r"\b(?:\d{1,3}|" + "|".join(sorted(_COUNT_WORDS, key=len, reverse=True)) + r")\b",
            counted,
        )
    ]
    if numbers:
        low, high = min(numbers), max(numbers)
        if high > 30:
            return _ask(
                "Cela fait beaucoup de monde ! Combien de personnes vous ont fait passer des "
                "entretiens, environ ? « plusieurs » suffit si vous ne savez plus."
            )
        if low <= 1 < high:
            return _ask(
                "Une seule personne, ou plusieurs ? C'est ce qui décide à qui adresser votre "
                "demande de retour."
            )
        if re.search(r"\b(?:seul|seule|unique|juste|qu\s+une|qu\s+un)\b", words) and low == 1:
            return _ok(1)
        return _ok(low)
    if several:
        return _ok(SEVERAL)
    return _ask(
        "Combien de personnes vous ont reçu·e en entretien : une seule, plusieurs, ou aucune ?"
    )


_NAME_SPLIT = re.compile(r"\s*(?:,|;|/|\+|&|\n|\bet\b|\bpuis\b|\bainsi\s+que\b)\s*", re.I)
_NAME_LEAD = re.compile(
    r"^(?:(?:c\s*['’]?\s*(?:était|etait|est)|il\s+y\s+avait|avec|j['’]ai\s+vu|j['’]ai\s+"
    r"rencontré|j['’]ai\s+rencontre)\s+)+",
    re.IGNORECASE,
)


def _names(value: str) -> list[str] | None:
    text = re.sub(r"\([^)]{0,80}\)", " ", _clean_free_text(value))
    text = _NAME_LEAD.sub("", text)
    names: list[str] = []
    for raw in _NAME_SPLIT.split(text):
        item = raw.strip(" .:-–—'’\"")
        if not item:
            continue
        if re.match(r"^(?:le|la|les|un|une|des|mon|ma|son|sa)\s", item, re.IGNORECASE):
            continue  # "le manager", "une RH" — a role, not a name
        if not _has_letters(item) or len(item) > 60 or len(item.split()) > 4:
            return None
        names.append(_title_if_lower(item))
    return names


def validate_interviewer_names(value: str) -> Validation[list[str]]:
    """Optional. "Julie Martin et Paul Durand" → ["Julie Martin", "Paul Durand"]."""
    if is_dont_know(value) or is_skip(value):
        return _skipped()
    if _is_none_answer(value):
        return _none()
    names = _names(value)
    if names is None or len(names) > 8:
        return _ask(
            "Juste les prénoms et noms, séparés par des virgules (par exemple « Julie Martin, "
            "Paul Durand »). Vous pouvez aussi répondre « je ne sais plus »."
        )
    if not names:
        return _none()
    return _ok(names)


def validate_met_hiring_manager(value: str) -> Validation[bool]:
    """Optional. Did the user meet the hiring manager? oui / non / je ne sais pas."""
    if is_dont_know(value) or is_skip(value):
        return _skipped()
    answer = parse_yes_no(value)
    if answer is not None:
        return _ok(answer)
    return _ask(
        "Avez-vous rencontré la personne qui aurait été votre responsable ? Oui, non, ou "
        "« je ne sais pas »."
    )


def _contact(value: str, *, role: str) -> Validation[str]:
    if is_dont_know(value) or is_skip(value):
        return _skipped()
    if _is_none_answer(value):
        return _none()
    if parse_yes_no(value) is True and len(_words(value).split()) <= 3:
        return _ask(f"Très bien. Comment s'appelle {role} ?")
    text = _clean_free_text(re.sub(r"\([^)]{0,80}\)", " ", value))
    text = _NAME_LEAD.sub("", text).strip()
    text = re.sub(r"^(?:oui|ouais)\s*[,:]?\s*", "", text, flags=re.IGNORECASE)
    if not text or not _has_letters(text):
        return _ask(f"Je n'ai pas bien lu. Comment s'appelle {role} ?")
    if len(text) > 120:
        return _ask(f"Juste le nom suffit : comment s'appelle {role} ?")
    return _ok(_title_if_lower(text))


def validate_hr_contact(value: str) -> Validation[str]:
    """Optional. The HR person who coordinated the process (a name or a short description)."""
    return _contact(value, role="cette personne des RH")


def validate_network_contact(value: str) -> Validation[str]:
    """Optional. Someone the user knows inside the company."""
    return _contact(value, role="cette personne de votre réseau")


_CULTURE_UNKNOWN = re.compile(
    r"\b(?:entre\s+les\s+deux|mixte|ca\s+depend|un\s+peu\s+des\s+deux|moyen|neutre|unknown"
    r"|aucune\s+idee|difficile\s+a\s+dire)\b"
)
_CULTURE_CASUAL = re.compile(
    r"\b(?:decontract\w*|casual|cool|detendu\w*|relax\w*|informel\w*|startup|start\s+up"
    r"|tutoie\w*|tutoiement|familial\w*|sympa|chill|convivial\w*|jeune|ouvert\w*|souple"
    r"|flexible|pas\s+(?:tres\s+|trop\s+|du\s+tout\s+)?(?:formel\w*|strict\w*|guinde\w*|"
    r"corporate|coince\w*))\b"
)
_CULTURE_FORMAL = re.compile(
    r"\b(?:formel\w*|formal|classique|corporate|strict\w*|traditionnel\w*|vouvoie\w*"
    r"|vouvoiement|hierarchi\w*|guinde\w*|serieu\w*|costume|cravate|grand\s+groupe|rigide"
    r"|institutionnel\w*|protocolaire|carre\w*|pro|professionnel\w*|pas\s+(?:tres\s+|trop\s+)?"
    r"(?:decontract\w*|detendu\w*|cool))\b"
)


def validate_culture(value: str) -> Validation[str]:
    """Optional. "formelle" → "formal", "décontractée" → "casual", "je ne sais pas" → "unknown"."""
    if is_dont_know(value) or is_skip(value):
        return Validation(ok=True, value="unknown", skipped=True)
    words = _words(value)
    if words in CULTURES:
        return _ok(words)
    if _CULTURE_UNKNOWN.search(words):
        return _ok("unknown")
    # Negated forms first: "pas très formelle" is casual, "pas décontractée" is formal.
    casual = _CULTURE_CASUAL.search(words)
    formal = _CULTURE_FORMAL.search(words)
    if casual and formal:
        negated_formal = re.search(
            r"\bpas\s+(?:tres\s+|trop\s+|du\s+tout\s+)?(?:formel|strict|"
            r"guinde|corporate|coince)",
            words,
        )
        negated_casual = re.search(
            r"\bpas\s+(?:tres\s+|trop\s+)?(?:decontract|detendu|cool)", words
        )
        if negated_formal and not negated_casual:
            return _ok("casual")
        if negated_casual and not negated_formal:
            return _ok("formal")
        return _ok("unknown")
    if casual:
        return _ok("casual")
    if formal:
        return _ok("formal")
    return _ask(
        "Comment décririez-vous l'ambiance de cette entreprise : plutôt formelle, plutôt "
        "décontractée, ou vous ne savez pas ?"
    )


def validate_slot(slot: str, value: str, *, today: dt.date) -> Validation[object]:
    """Dispatch to ``validate_<slot>``; unknown slot names raise ``KeyError``."""
    validators: dict[str, Callable[[str], Validation[object]]] = {
        "company": validate_company,
        "position": validate_position,
        "rejection_date": lambda v: validate_rejection_date(v, today=today),
        "stage": validate_stage,
        "formal_rejection": validate_formal_rejection,
        "decision_date": lambda v: validate_decision_date(v, today=today),
        "interviewer_count": validate_interviewer_count,
        "interviewer_names": validate_interviewer_names,
        "met_hiring_manager": validate_met_hiring_manager,
        "hr_contact": validate_hr_contact,
        "network_contact": validate_network_contact,
        "culture": validate_culture,
    }
    return validators[slot](value)


# --------------------------------------------------------------------------- corrections

_CORRECTION = re.compile(
    r"\ben\s+fait\b|\ben\s+realite\b|\bje\s+me\s+(?:suis\s+)?(?:trompe|trompee|plante|plantee"
    r"|goure|douree|emmele|emmelee)\b|\bj\s+me\s+suis\s+(?:trompe|trompee|plante|plantee)\b"
    r"|\b(?:petite\s+)?erreur\b|\bcorrection\b|\bje\s+(?:corrige|rectifie)\b|\b(?:corrige|"
    r"corriger|corrigez|modifie|modifier|modifiez|rectifie|rectifier|change|changer|changez)\s+"
    r"(?:la|le|l|ca|cela|ma|mon)\b|\bje\s+voulais\s+dire\b|^(?:non|nan)\s+plutot\b|\b(?:au|"
    r"autant)\s+pour\s+moi\b|\boups+\b|\bpardon\b|\bc\s+etait\s+pas\b.+\b(?:mais|c\s+etait)\b|"
    r"\bce\s+n\s+etait\s+pas\b.+\bmais\b|^(?:non|nan)\s+c\s+(?:etait|est)\b|\bpas\s+\w+\s+mais"
    r"\s+(?:plutot\s+)?(?:le|la|l|chez|mardi|lundi|mercredi|jeudi|vendredi|samedi|dimanche|"
    r"hier|\d)|\bje\s+reprends\b|\bmauvaise\s+(?:date|entreprise|reponse)\b|\bje\s+me\s+suis\s+"
    r"mal\s+exprime"
)


def detect_correction(text: str) -> bool:
    """ "en fait c'était mardi", "non je me suis trompé, c'était chez Orange"…"""
    return bool(_CORRECTION.search(_words(text)))


@dataclass(frozen=True)
class Correction:
    """Which slot a correction targets (None when unclear) and the new raw value to validate."""

    slot: str | None
    value: str | None = None


_SLOT_CUES: Final[tuple[tuple[str, re.Pattern[str]], ...]] = tuple(
    (slot, re.compile(source))
    for slot, source in (
        ("decision_date", r"\bdate\s+de\s+(?:la\s+)?decision\b|\bdecision\b"),
        ("rejection_date", r"\b(?:date|jour)\b"),
        ("company", r"\b(?:entreprise|boite|societe|employeur|chez)\b"),
        ("position", r"\b(?:poste|intitule|job|metier)\b"),
        ("stage", r"\b(?:etape|stade|entretiens?|test)\b"),
        ("culture", r"\b(?:culture|ambiance)\b"),
        ("met_hiring_manager", r"\bmanager\b"),
        ("hr_contact", r"\brh\b"),
        ("network_contact", r"\breseau\b"),
        ("interviewer_count", r"\b(?:recruteurs|intervieweurs|jury|combien)\b"),
    )
)
_CORRECTION_LEAD = re.compile(
    r"^(?:\s*(?:non|nan|ah|oups+|pardon|attends?|erreur|petite\s+erreur|correction|en\s+fait"
    r"|en\s+realite|je\s+me\s+suis\s+(?:trompée?|trompee|plantée?|plantee|gourée?|mal\s+exprimée?)"
    r"|au\s+temps\s+pour\s+moi|autant\s+pour\s+moi|je\s+voulais\s+dire|je\s+rectifie"
    r"|je\s+corrige|plutôt|plutot|c\s*['’]\s*(?:était|etait|est)|ce\s+(?:n['’]\s*)?(?:était|etait)"
    r"\s+pas\s+[^,]+?\s+mais|pas\s+[^,]+?\s+mais|mais|la\s+date\s+(?:c['’]\s*)?(?:est|était|etait)"
    r"|l['’]entreprise\s+(?:c['’]\s*)?(?:est|était|etait)|le\s+poste\s+(?:c['’]\s*)?(?:est|était"
    r"|etait))\s*[,.:;!-]*\s*)+",
    re.IGNORECASE,
)


def parse_correction(text: str, *, today: dt.date) -> Correction | None:
    """For a correction, the slot it targets and what to re-validate; None if no correction."""
    if not detect_correction(text):
        return None
    text = text or ""
    # "ce n'était pas lundi mais mardi": only what follows the last "mais" is the new value.
    parts = re.split(r"\bmais\b", text, flags=re.IGNORECASE)
    if len(parts) > 1 and parts[-1].strip():
        text = parts[-1]
    remainder = _CORRECTION_LEAD.sub("", text.strip()).strip(" .!?,;") or None
    words = _words(text)
    facts = extract_rejection_facts(text, today=today)
    if re.search(r"\bdecision\b", words):
        return Correction("decision_date", remainder)
    if facts.company and re.search(r"\bchez\b|\bentreprise\b|\bboite\b|\bsociete\b", words):
        return Correction("company", facts.company)
    if facts.position:
        return Correction("position", facts.position)
    date = parse_rejection_date(text, today=today)
    if date.error != DateProblem.NOT_FOUND:
        return Correction("rejection_date", date.expression or remainder)
    if facts.stage:
        return Correction("stage", remainder)
    for slot, pattern in _SLOT_CUES:
        if pattern.search(words):
            return Correction(slot, remainder)
    if facts.company:
        return Correction("company", facts.company)
    return Correction(None, remainder)


def correction_slot(text: str, *, today: dt.date) -> str | None:
    """The slot a correction targets, when it can be told ("en fait c'était mardi" → date)."""
    correction = parse_correction(text, today=today)
    return correction.slot if correction else None
