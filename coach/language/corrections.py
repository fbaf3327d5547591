"""Corrections, read from French free text: which answer to change, and to what.

People correct an answer in many ways: « je me suis trompée, c'était chez Safran », « pas
lundi mais mardi », « non, c'était hier », « attends… c'était pour technicienne qualité pas
ingénieure », « oups c pas ca, c'est chez Safran », « en fait c'était mardi ». The reader
finds:

- the **new value**: what follows the last « mais », else the last « c'était / c'est /
  plutôt / en fait / je voulais dire », with the correction words in front and a trailing
  « pas <ancienne valeur> » taken off;
- the **old value**, when the message names it (« pas ingénieure », « pas lundi mais… »);
- the **slot**, when it can tell: a word naming it (« le poste », « l'entreprise », « la
  date », « chez » → company, « pour » + a job → position), the old value matching one of
  the answers already given (``answers``), a date, a stage, or a company read by
  :func:`coach.language.entities.extract_rejection_facts`. Otherwise ``None``: the caller
  decides (the intake applies it to the answer given just before).

Slot names are the intake's (``company``, ``position``, ``rejection_date``, ``stage``…); a
form with other slots passes its current ``answers`` so that « pas X mais Y » finds the slot
whose answer was X.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from coach.language.dates import DateProblem, parse_date, parse_rejection_date
from coach.language.entities import detect_stage, extract_rejection_facts
from coach.language.fold import words as _words

__all__ = ["Correction", "correction_slot", "detect_correction", "parse_correction"]

# Words that say "what I told you was wrong" (folded text).
_CORRECTION = re.compile(
    r"\ben\s+fait\b|\ben\s+realite\b|\b(?:je|j)\s+(?:me\s+)?(?:suis\s+)?(?:trompe|trompee|plante"
    r"|plantee|goure|douree|emmele|emmelee|gourre|gouree|gourree)\b|\bme\s+suis\s+(?:trompe"
    r"|trompee|plante|plantee|goure|gouree)\b|\b(?:petite\s+)?erreur\b|\bcorrection\b"
    r"|\brectification\b|\bje\s+(?:corrige|rectifie)\b|\b(?:corrige|corriger|corrigez|modifie"
    r"|modifier|modifiez|rectifie|rectifier|change|changer|changez)\s+(?:la|le|l|ca|cela|ma"
    r"|mon)\b|\bje\s+voulais\s+dire\b|^(?:non|nan)\s+plutot\b|\b(?:au|autant)\s+pour\s+moi\b"
    r"|\boo?u?ps+\b|\bmince\b|\bzut\b|\bpardon\b|\bc\s+etait\s+pas\b.+\b(?:mais|c\s+etait)\b"
    r"|\bce\s+n\s+etait\s+pas\b.+\bmais\b|^(?:non|nan|ah\s+non)\s+(?:c\s+(?:etait|est)|ce\s+"
    r"(?:n\s+)?etait)\b|\bpas\s+\w+(?:\s+\w+)?\s+mais\s+(?:plutot\s+)?\w|\bje\s+reprends\b"
    r"|\bmauvaise\s+(?:date|entreprise|reponse|boite|info)\b|\bje\s+me\s+suis\s+mal\s+exprime"
    r"|^(?:attends?|attendez|att|euh\s+attends?)\b|\b(?:c|c\s+est|ce\s+n\s+est|c\s+etait|ce"
    r"\s+n\s+etait)\s+pas\s+(?:ca|ce\s+que|le\s+bon|la\s+bonne|les\s+bons)\b"
    r"|\bc\s+(?:etait|est)\s+\w+(?:\s+\w+){0,4}\s+pas\s+\w+\s*$"
)

# Correction words in front of the new value (raw text, so the value keeps its spelling).
_LEAD = re.compile(
    r"^(?:\s*(?:non|nan|ah|oh|euh|bon|oups+|oops|mince|zut|pardon|désolée?|desolee?|attends?"
    r"|attendez|att|erreur|petite\s+erreur|correction|rectification|en\s+fait|en\s+réalité"
    r"|en\s+realite|(?:je\s+|j['’]\s*)?(?:me\s+)?suis\s+(?:trompée?|trompee|plantée?|plantee"
    r"|gourée?|gouree|mal\s+exprimée?)(?:\s+d['’]\s*\w+|\s+de\s+\w+)?"
    r"|au\s+temps\s+pour\s+moi|autant\s+pour\s+moi|je\s+voulais\s+dire|je\s+rectifie"
    r"|je\s+corrige|je\s+reprends|plutôt|plutot|c\s*['’]?\s*(?:était|etait|est)\s+pas\s+ça"
    r"|c\s*['’]?\s*(?:était|etait|est)\s+pas\s+ca|ce\s+n['’]\s*(?:était|etait|est)\s+pas\s+ça"
    r"|ce\s+n['’]\s*(?:était|etait|est)\s+pas\s+ca|c\s*['’]?\s*(?:était|etait|est)"
    r"|ce\s+(?:n['’]\s*)?(?:était|etait)\s+pas\s+[^,]+?\s+mais|pas\s+[^,]+?\s+mais|mais"
    r"|la\s+date\s+(?:c['’]\s*)?(?:est|était|etait)|l['’]entreprise\s+(?:c['’]\s*)?(?:est"
    r"|était|etait)|le\s+poste\s+(?:c['’]\s*)?(?:est|était|etait)|c\s+(?:pas\s+)?(?:ca|ça)"
    r"|c)(?!\w)\s*(?:[,.:;!…-]|\.\.\.)*\s*)+",
    re.IGNORECASE,
)
# Where the new value starts: after the last of these.
_VALUE_AFTER = re.compile(
    r"\b(?:c\s*['’]?\s*(?:était|etait|est)|ce\s+sera(?:it)?|je\s+voulais\s+dire"
    r"|en\s+fait|en\s+réalité|en\s+realite|mais|(?:le\s+bon|la\s+bonne)\s+(?:\w+\s+)?(?:c['’]\s*)?"
    r"(?:est|était|etait))(?:\s*[,:])?\s+",
    re.IGNORECASE,
)
# "…technicienne qualité pas ingénieure": the old value, negated after the new one.
_TRAILING_OLD = re.compile(
    r"[\s,]+(?:et\s+)?(?:pas|non\s+pas|et\s+non)\s+(?P<old>[^,.;!?]+?)\s*[.!?]*$"
)
# "pas lundi mais mardi", "ce n'était pas Thales mais Safran": the old value before "mais".
_OLD_BEFORE_MAIS = re.compile(
    r"\bpas\s+(?:(?:le|la|l['’]|chez|pour|un|une)\s*)?(?P<old>[^,;]+?)\s*,?\s+mais\b",
    re.IGNORECASE,
)

# "c'est pas Thales, c'est Safran", "non pas ingénieure, technicienne qualité".
_OLD_BEFORE_CEST = re.compile(
    r"\bpas\s+(?:(?:le|la|l['’]|chez|pour|un|une)\s*)?(?P<old>[^,;]+?)\s*(?:,\s*|\s+)"
    r"(?=c['’]\s*(?:est|était|etait)\b)",
    re.IGNORECASE,
)
# "non pas X, Y": a correction only when X is an answer already given.
_WEAK = re.compile(
    r"^\s*(?:non|nan|ah\s+non)?\s*,?\s*pas\s+(?P<old>[^,;]+?)\s*,\s*(?P<new>.+)$", re.I
)

_POSITION_LEAD = re.compile(
    r"^(?:pour\s+|pr\s+)?(?:(?:le|un)\s+)?(?:poste|job|boulot)\s+(?:de\s+|d['’]\s*|du\s+)"
    r"|^(?:pour|pr)\s+(?:(?:le|un)\s+)?(?:poste\s+(?:de\s+|d['’]\s*))?"
    r"|^(?:en\s+tant\s+que|comme)\s+",
    re.IGNORECASE,
)
_COMPANY_LEAD = re.compile(
    r"^(?:chez|de\s+chez|l['’]\s*entreprise|la\s+(?:(?-i:société|societe)|boîte|boite)"
    r"|la(?=\s+(?-i:Société|Societe)\s))\s+",
    re.IGNORECASE,
)

_SLOT_CUES: Final[tuple[tuple[str, re.Pattern[str]], ...]] = tuple(
    (slot, re.compile(source))
    for slot, source in (
        ("decision_date", r"\bdate\s+de\s+(?:la\s+)?decision\b|\bdecision\b"),
        ("rejection_date", r"\b(?:date|jour)\b"),
        ("company", r"\b(?:entreprise|boite|societe|employeur|chez)\b"),
        ("position", r"\b(?:poste|intitule|job|metier|boulot)\b"),
        ("stage", r"\b(?:etape|stade|entretiens?|test)\b"),
        ("culture", r"\b(?:culture|ambiance)\b"),
        ("met_hiring_manager", r"\bmanager\b"),
        ("hr_contact", r"\brh\b"),
        ("network_contact", r"\breseau\b"),
        ("interviewer_count", r"\b(?:recruteurs|intervieweurs|jury|combien)\b"),
    )
)


@dataclass(frozen=True)
class Correction:
    """Which slot a correction targets (None when unclear) and the new raw value to validate.

    ``old`` is the value the message says was wrong, when it names it ("pas ingénieure").
    """

    slot: str | None
    value: str | None = None
    old: str | None = None


def detect_correction(text: str) -> bool:
    """ "en fait c'était mardi", "non je me suis trompé, c'était chez Orange", "pas X mais Y"…"""
    return bool(_CORRECTION.search(_words(text)))


def _strip(value: str) -> str:
    return value.strip(" \t\n.,;:!?…-–—'’\"«»()")


def _sms(text: str) -> str:
    """ "c t" → "c'était", "c safran" → "c'est safran" (SMS spellings the readers expect)."""
    text = re.sub(r"\bc\s*t\b", "c'était", text, flags=re.IGNORECASE)
    text = re.sub(r"\bc(?=\s+(?!['’]))", "c'est", text, flags=re.IGNORECASE)
    return re.sub(r"\bc['’]est\s+(?=était\b)", "c'", text)


def _new_value(text: str) -> tuple[str | None, str | None]:
    """(new value, old value) as written."""
    text = _sms(" ".join((text or "").split()))
    old: str | None = None
    before = _OLD_BEFORE_MAIS.search(text) or _OLD_BEFORE_CEST.search(text)
    if before and _words(before.group("old")) not in ("ca", "cela", "ce", "ce que j ai dit"):
        old = _strip(before.group("old"))
    # The new value follows the last "mais", else the last "c'était / c'est / plutôt…".
    cuts = list(re.finditer(r"\bmais\b\s*", text, re.IGNORECASE))
    if not cuts:
        cuts = list(_VALUE_AFTER.finditer(text))
    tail = text[cuts[-1].end() :] if cuts else text
    if not _strip(tail):
        tail = text
    tail = _LEAD.sub("", tail.strip())
    trailing = _TRAILING_OLD.search(tail)
    if trailing and trailing.start() > 0:
        old = old or _strip(trailing.group("old"))
        tail = tail[: trailing.start()]
    value = _strip(tail)
    return (value or None), old


def _same(a: str, b: object) -> bool:
    """ "ingénieure" matches the answer "ingénieur méthodes" (folded, one contains the other)."""
    if not isinstance(b, str) or not a:
        return False
    fa, fb = _words(a), _words(b)
    if not fa or not fb:
        return False
    if fa == fb or fa in fb or fb in fa:
        return True
    # Masculine and feminine forms of a job title: "ingénieure" / "ingénieur".
    stems = {w.rstrip("e") for w in fa.split() if len(w) > 3}
    return bool(stems & {w.rstrip("e") for w in fb.split() if len(w) > 3})


def _slot_of_old(old: str | None, answers: Mapping[str, object]) -> str | None:
    if not old:
        return None
    old = re.sub(r"^(?:chez|pour|le|la|l['’])\s*", "", old, flags=re.IGNORECASE)
    found = [slot for slot, answer in answers.items() if _same(old, answer)]
    return found[0] if len(found) == 1 else None


def parse_correction(
    text: str, *, today: dt.date, answers: Mapping[str, object] | None = None
) -> Correction | None:
    """For a correction, the slot it targets and what to re-validate; None if no correction.

    ``answers`` (slot → current value) lets « pas X mais Y » find the slot whose answer was X.
    """
    known = {k: v for k, v in (answers or {}).items() if v is not None}
    if not detect_correction(text):
        weak = _WEAK.match(text or "")
        old_slot = _slot_of_old(_strip(weak.group("old")), known) if weak else None
        if weak is None or old_slot is None:
            return None
        return Correction(old_slot, _strip(weak.group("new")) or None, _strip(weak.group("old")))
    text = text or ""
    value, old = _new_value(text)
    words = _words(text)

    if re.search(r"\bdecision\b", words):
        return Correction("decision_date", value, old)
    # "c'est chez Safran", "le poste c'était…": a word names the slot.
    if value and _COMPANY_LEAD.match(value):
        return Correction("company", _strip(_COMPANY_LEAD.sub("", value)), old)
    facts = extract_rejection_facts(text, today=today)
    if facts.company and re.search(r"\b(?:chez|entreprise|boite|societe)\b", words):
        return Correction("company", facts.company, old)
    if value and _POSITION_LEAD.match(value):
        position = _strip(_POSITION_LEAD.sub("", value))
        if position and not parse_date(position, today=today, past_only=False).ok:
            return Correction("position", position, old)
    if facts.position:
        return Correction("position", facts.position, old)
    if re.search(r"\b(?:le\s+)?poste\b|\bintitule\b|\bjob\b", words) and value:
        return Correction("position", value, old)
    by_old = _slot_of_old(old, known)
    if by_old is not None:
        return Correction(by_old, value, old)
    date = parse_rejection_date(value or text, today=today)
    if date.error != DateProblem.NOT_FOUND:
        return Correction("rejection_date", date.expression or value, old)
    if detect_stage(text):
        return Correction("stage", value, old)
    for slot, pattern in _SLOT_CUES:
        if pattern.search(words):
            return Correction(slot, value, old)
    if facts.company:
        return Correction("company", facts.company, old)
    # A name written with its capital ("c'était Safran") once a company was given: job titles
    # are seldom capitalised in the middle of a sentence, company names are.
    if (
        value
        and "company" in known
        and value[:1].isupper()
        and len(value.split()) <= 4
        and not text.lstrip().startswith(value)
        and parse_date(value, today=today, past_only=False).error == DateProblem.NOT_FOUND
    ):
        return Correction("company", value, old)
    return Correction(None, value, old)


def correction_slot(text: str, *, today: dt.date) -> str | None:
    """The slot a correction targets, when it can be told ("en fait c'était mardi" → date)."""
    correction = parse_correction(text, today=today)
    return correction.slot if correction else None
