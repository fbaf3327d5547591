"""Reframing self-blame after a rejection: a short thought record, in the spirit of CBT.

Pure rules (reading the person's words, suggesting a thinking trap, reading a 0-100
rating, laying the record out) and the few storage functions it needs. Nothing here logs
what people write.

- :func:`is_self_blame` spots a self-blaming thought (« je suis nulle », « je n'y arriverai
  jamais », « ils ont vu que je ne valais rien », SMS spellings like « chui nul »). A
  negated one (« je ne suis pas nul ») is not one. Crisis language is not this module's
  business: the crisis detector (``coach.safety``) reads every message first, in the relay.
- The record has nine steps (:data:`STEPS`): the situation, the thought, how strongly the
  person believes it (0-100), the emotion, the facts for and against, the thinking trap it
  may be, a more balanced thought, and the belief rated again. Every step can be skipped
  (:data:`SKIPPED`).
- :func:`suggest_traps` proposes thinking traps from the thought's wording; the person picks.
- It is stored as a journal entry of kind ``thought_record`` (:func:`save_thought_record`):
  a readable text of every step, so /journal, /export and /supprimer cover it as they cover
  the journal. :func:`recent_count` counts the records of the last days: when the same
  thoughts keep coming back, the coach points to a professional (:data:`PROFESSIONAL_AFTER`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from typing import Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coach.journal import add_entry
from coach.language import writing
from coach.language.fold import words
from coach.models import Feedback, JournalEntry, Rejection, User

__all__ = [
    "KIND",
    "NOT_THERAPY",
    "PROFESSIONAL_AFTER",
    "PROFESSIONAL_NOTE",
    "PROFESSIONAL_WINDOW_DAYS",
    "SKIPPED",
    "STEPS",
    "TRAPS",
    "TRAP_EXPLANATIONS",
    "TRAP_LABELS",
    "ThoughtRecord",
    "belief_change",
    "evidence_for_user",
    "evidence_from",
    "is_self_blame",
    "parse_rating",
    "parse_trap",
    "recent_count",
    "render",
    "save_thought_record",
    "suggest_traps",
]

KIND: Final = "thought_record"
#: The value of a step the person skipped (« passer »): filled, so the form goes on.
SKIPPED: Final = "—"
STEPS: Final[tuple[str, ...]] = (
    "situation",
    "thought",
    "belief",
    "emotion",
    "evidence_for",
    "evidence_against",
    "trap",
    "balanced",
    "belief_after",
)
#: A third record within this many days: the same thoughts come back often.
PROFESSIONAL_AFTER: Final = 3
PROFESSIONAL_WINDOW_DAYS: Final = 14

NOT_THERAPY: Final = (
    "C'est un exercice d'auto-assistance inspiré des thérapies cognitives, pas une thérapie : "
    "il ne remplace pas un·e professionnel·le."
)
PROFESSIONAL_NOTE: Final = (
    "C'est la {count}e fois en {days} jours que nous examinons ce genre de pensée. Quand "
    "elles reviennent aussi souvent, en parler à quelqu'un dont c'est le métier aide "
    "vraiment : votre médecin traitant, un·e psychologue (le dispositif « Mon soutien psy » "
    "rembourse des séances), ou le 3114, jour et nuit, si cela devient trop lourd."
)

# --------------------------------------------------------------------------- thinking traps

TRAPS: Final[tuple[str, ...]] = (
    "generalisation",
    "lecture_de_pensee",
    "catastrophisme",
    "tout_ou_rien",
    "personnalisation",
)
TRAP_LABELS: Final[dict[str, str]] = {
    "generalisation": "Généralisation",
    "lecture_de_pensee": "Lecture de pensée",
    "catastrophisme": "Catastrophisme",
    "tout_ou_rien": "Tout ou rien",
    "personnalisation": "Personnalisation",
}
TRAP_EXPLANATIONS: Final[dict[str, str]] = {
    "generalisation": "tirer une règle pour toujours (« jamais », « à chaque fois ») d'un "
    "seul refus ou de quelques-uns.",
    "lecture_de_pensee": "être sûr·e de savoir ce que les recruteurs pensent de vous, sans "
    "qu'ils l'aient dit.",
    "catastrophisme": "imaginer la pire suite possible et la tenir pour certaine.",
    "tout_ou_rien": "tout voir en noir ou blanc : réussite parfaite ou échec complet, sans "
    "rien entre les deux.",
    "personnalisation": "vous croire seul·e responsable d'une décision qui dépendait aussi "
    "des autres candidats, du budget, du timing.",
}
NO_TRAP: Final = "aucun"

# Cues on folded text (coach.language.fold.words: lower case, no accents, no apostrophes).
_TRAP_CUES: Final[dict[str, str]] = {
    "generalisation": r"\b(?:jamais|toujours|personne|tout\s+le\s+monde|a\s+chaque\s+fois"
    r"|chaque\s+fois|tous\s+les|toutes\s+les|aucun\s+recruteur|aucune\s+entreprise"
    r"|encore\s+une\s+fois|comme\s+d\s+hab\w*)\b",
    "lecture_de_pensee": r"\b(?:(?:ils|elles|il|elle|on|le\s+recruteur|la\s+recruteuse"
    r"|le\s+jury|les\s+recruteurs)\s+(?:a|ont|m\s+a|m\s+ont)?\s*(?:vu|compris|senti"
    r"|remarque|capte|pense|pensent|trouve|trouvent|croit|croient|savent|sait|doit\s+penser"
    r"|doivent\s+penser|m\s+ont\s+trouve|m\s+a\s+trouve)|ils\s+se\s+sont\s+dit"
    r"|ils\s+ont\s+du\s+(?:me\s+trouver|penser|voir)|tout\s+le\s+monde\s+(?:pense|voit))\b",
    "catastrophisme": r"\b(?:(?:n\s+)?y\s+arriverai\s+jamais|jy\s+arriverai\s+jamais"
    r"|trouverai\s+jamais|plus\s+jamais"
    r"|fini|finie|foutu|foutue|cuit|cuite|a\s+la\s+rue|catastrophe|carriere\s+(?:est\s+)?"
    r"(?:finie|terminee)|personne\s+ne\s+(?:voudra|m\s+embauchera|me\s+prendra)|jamais\s+"
    r"(?:de\s+)?(?:boulot|travail|job|poste|cdi)|ca\s+ne\s+marchera\s+jamais)\b",
    "tout_ou_rien": r"\b(?:nul|nulle|nuls|nulles|null|rate|ratee|bon\s+a\s+rien"
    r"|bonne\s+a\s+rien|(?:vaux|valais|vaut|valait)\s+rien|zero|totalement|completement"
    r"|entierement|tout\s+rate|rien\s+de\s+bien|que\s+des\s+echecs|un\s+echec|une\s+merde"
    r"|incapable|incompetent|incompetente|minable|pas\s+a\s+la\s+hauteur)\b",
    "personnalisation": r"\b(?:ma\s+faute|de\s+ma\s+faute|a\s+cause\s+de\s+moi|c\s+est\s+moi"
    r"|moi\s+le\s+probleme|j\s+aurais\s+du|j\s+ai\s+tout\s+gache|j\s+ai\s+tout\s+fait\s+rater"
    r"|je\s+l\s+ai\s+merite|je\s+me\s+suis\s+plante\w*|je\s+suis\s+le\s+probleme"
    r"|je\s+suis\s+la\s+probleme)\b",
}
_TRAP_PATTERNS: Final = {trap: re.compile(cue) for trap, cue in _TRAP_CUES.items()}


def suggest_traps(thought: str) -> tuple[str, ...]:
    """The thinking traps the thought's wording hints at, in :data:`TRAPS` order."""
    folded = words(thought or "")
    return tuple(trap for trap in TRAPS if _TRAP_PATTERNS[trap].search(folded))


def parse_trap(text: str) -> str | None:
    """A trap key from its name (« généralisation », « lecture de pensée »), its number
    (1-5 in :data:`TRAPS` order) or :data:`NO_TRAP` (« aucun », « aucun de ceux-là »);
    None when the answer names none of them."""
    folded = words(text or "")
    if not folded:
        return None
    if folded.isdigit() and 1 <= int(folded) <= len(TRAPS):
        return TRAPS[int(folded) - 1]
    if re.fullmatch(r"(?:aucun|aucune|aucun\s+de\s+ceux\s+la|rien|aucun\s+des\s+cinq|non)", folded):
        return NO_TRAP
    for trap in TRAPS:
        if words(TRAP_LABELS[trap]) in folded or trap.replace("_", " ") in folded:
            return trap
    short = {
        "generalisation": r"\bgenerali",
        "lecture_de_pensee": r"\blecture\b|\bpensees?\s+d\s+autrui",
        "catastrophisme": r"\bcatastroph",
        "tout_ou_rien": r"\bnoir\s+ou\s+blanc\b|\btout\s+ou\s+rien\b",
        "personnalisation": r"\bpersonnali",
    }
    for trap, cue in short.items():
        if re.search(cue, folded):
            return trap
    return None


# --------------------------------------------------------------------------- self-blame

_SUIS: Final = r"(?:je\s+suis|j\s+suis|jsuis|chui|chuis|chu|je\s+me\s+sens|je\s+me\s+trouve)"
_SELF_BLAME: Final = re.compile(
    r"\b(?:"
    # « je suis nulle », « chui nul », « je suis vraiment trop nul »
    rf"{_SUIS}\s+(?:(?:vraiment|tellement|trop|juste|completement|totalement|si|comme|une?)\s+)*"
    r"(?:nul|nulle|nuls|nulles|null|naze|nase|rate|ratee|loser|looser|incapable|incompetent"
    r"|incompetente|bete|idiot|idiote|stupide|con|conne|minable|pathetique|une\s+merde"
    r"|un\s+echec|bon\s+a\s+rien|bonne\s+a\s+rien|pas\s+a\s+la\s+hauteur"
    r"|pas\s+assez\s+(?:bien|bon|bonne|competent|competente|forte?|intelligente?)"
    r"|pas\s+faite?\s+pour\s+(?:ca|ce\s+metier|ce\s+poste|travailler))\b"
    # « nulle en Excel » is about a skill, not the person (« nulle en vrai », « en ce
    # moment », « en entretien » are still about the person).
    r"(?!\s+en\s+(?!vrai\b|ce\s+moment\b|general\b|tout\b|fait\b|entretiens?\b))"
    # « je ne vaux rien », « ils ont vu que je ne valais rien »
    r"|\bje\s+(?:ne\s+|n\s+)?(?:vaux|valais|vaudrai)\s+rien\b"
    r"|\b(?:je|j)\s+(?:n\s+|ne\s+)?y\s+arriverai\s+jamais\b|\bjy\s+arriverai\s+jamais\b"
    r"|\bj\s+arriverai\s+jamais\s+a\s+rien\b"
    r"|\bje\s+(?:n\s+|ne\s+)?(?:trouverai|decrocherai)\s+jamais\b"
    r"|\bpersonne\s+ne\s+(?:voudra|veut|voudrait)\s+(?:jamais\s+)?(?:de\s+moi|m\s+embaucher"
    r"|me\s+prendre)\b"
    r"|\b(?:c\s+est|cest|c)\s+(?:de\s+)?ma\s+faute\b|\bc\s+est\s+moi\s+le\s+probleme\b"
    r"|\bj\s+ai\s+tout\s+(?:rate|gache|foire)\b|\bje\s+rate\s+(?:toujours\s+)?tout\b"
    r"|\bje\s+(?:ne\s+)?fais\s+(?:jamais\s+)?rien\s+de\s+bien\b"
    r"|\bje\s+suis\s+(?:toujours\s+)?(?:le|la)\s+(?:pire|plus\s+nulle?)\b"
    r"|\bils\s+ont\s+(?:vu|compris|senti)\s+que\s+(?:je|j)\b"
    r"|\bqu\s+est\s+ce\s+qui\s+(?:ne\s+va\s+pas|cloche)\s+chez\s+moi\b"
    r"|\bje\s+(?:ne\s+)?sers\s+a\s+rien\b"
    r")"
)
#: « je ne suis pas nulle », « tu n'es pas nul » (reassurance, not self-blame).
_REASSURED: Final = re.compile(
    r"\b(?:je\s+(?:ne\s+)?suis\s+pas|je\s+(?:ne\s+)?me\s+sens\s+pas|chui\s+pas|j\s+suis\s+pas)"
    r"\s+(?:si\s+|totalement\s+|completement\s+)?(?:nul|nulle|rate|ratee|incapable|bete"
    r"|idiot|idiote|stupide)\b"
)


def is_self_blame(text: str) -> bool:
    """True when the message holds a self-blaming thought (see the module notes)."""
    folded = words((text or "")[:1000])
    if not folded or not _SELF_BLAME.search(folded):
        return False
    # A reassurance sentence alone is not a self-blaming thought.
    without = _REASSURED.sub(" ", folded)
    return bool(_SELF_BLAME.search(without))


# --------------------------------------------------------------------------- ratings

_NUMBER_WORDS: Final[dict[str, int]] = {
    "zero": 0,
    "dix": 10,
    "vingt": 20,
    "trente": 30,
    "quarante": 40,
    "cinquante": 50,
    "soixante": 60,
    "soixante dix": 70,
    "quatre vingt": 80,
    "quatre vingts": 80,
    "quatre vingt dix": 90,
    "cent": 100,
}
#: « je dirais 80 % », « environ 7 sur 10 » — a rating comes with a few words at most.
_RATING_MAX_WORDS: Final = 5
_RATING: Final = re.compile(r"(?<![\d,.])(\d{1,3})(?:\s*(%|/\s*(10|100)|sur\s+(10|100)))?")


def parse_rating(text: str) -> int | None:
    """A 0-100 rating from « 80 », « 80 % », « 8/10 », « 7 sur 10 », « cinquante »; None
    when there is no number, or more than 100, or the number sits in a sentence (« j'ai eu 2
    entretiens le mois dernier » is an answer to something else, not a rating of 2)."""
    raw = (text or "").strip().lower()
    if len(words(raw).split()) > _RATING_MAX_WORDS:
        return None
    found = _RATING.search(raw)
    if found:
        value = int(found.group(1))
        scale = found.group(3) or found.group(4)
        if scale == "10" and value <= 10:
            value *= 10
        return value if 0 <= value <= 100 else None
    folded = words(raw)
    for phrase in sorted(_NUMBER_WORDS, key=len, reverse=True):
        if re.search(rf"\b{phrase}\b", folded):
            return _NUMBER_WORDS[phrase]
    return None


def belief_change(before: int | None, after: int | None) -> str | None:
    """One sentence on how the belief moved, when both ratings were given."""
    if before is None or after is None:
        return None
    if after < before:
        return (
            f"Vous y croyiez à {before}/100, maintenant à {after}/100 : la pensée a perdu de "
            "sa force en la regardant de près. C'est exactement le but."
        )
    if after == before:
        return (
            f"Vous y croyez toujours à {after}/100, et c'est honnête : une pensée ne change "
            "pas en une fois. Relire ces faits dans quelques jours peut aider."
        )
    return (
        f"Vous y croyez davantage qu'au début ({before} → {after}/100). Merci de le dire "
        "franchement : c'est un signe que ce moment est lourd, parlez-en à un proche."
    )


# --------------------------------------------------------------------------- the record


@dataclass(frozen=True)
class ThoughtRecord:
    """The answers; None or :data:`SKIPPED` for a step left out."""

    situation: str | None = None
    thought: str | None = None
    belief: int | None = None
    emotion: str | None = None
    evidence_for: str | None = None
    evidence_against: str | None = None
    trap: str | None = None  # a key of TRAPS, or NO_TRAP
    balanced: str | None = None
    belief_after: int | None = None

    def answered(self) -> int:
        """How many steps have a real answer."""
        return sum(
            1
            for item in fields(self)
            if (value := getattr(self, item.name)) is not None and value != SKIPPED
        )

    def cleaned(self) -> ThoughtRecord:
        """Skipped steps as None; texts on one line each, trimmed."""
        changes: dict[str, object] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if value == SKIPPED:
                changes[item.name] = None
            elif isinstance(value, str):
                changes[item.name] = " ".join(value.split())[:1000] or None
        return replace(self, **changes)  # type: ignore[arg-type]


_LINES: Final[tuple[tuple[str, str], ...]] = (
    ("situation", "Situation"),
    ("thought", "Pensée"),
    ("belief", "J'y croyais à"),
    ("emotion", "Émotion"),
    ("evidence_for", "Ce qui va dans son sens"),
    ("evidence_against", "Ce qui la contredit"),
    ("trap", "Piège de pensée possible"),
    ("balanced", "Pensée plus équilibrée"),
    ("belief_after", "J'y crois maintenant à"),
)


def render(record: ThoughtRecord) -> str:
    """The record as the person reads it back (/journal, /export): one line per step,
    « (passé) » for a skipped one."""
    clean = record.cleaned()
    lines = []
    for name, label in _LINES:
        value = getattr(clean, name)
        if value is None:
            shown = "(passé)"
        elif name in ("belief", "belief_after"):
            shown = f"{value}/100"
        elif name == "thought":
            shown = f"« {value} »"
        elif name == "trap":
            shown = (
                "aucun de la liste"
                if value == NO_TRAP
                else f"{TRAP_LABELS[value]} ({TRAP_EXPLANATIONS[value]})"
                if value in TRAP_LABELS
                else str(value)
            )
        else:
            shown = str(value)
        lines.append(f"{label} : {shown}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- evidence

_POSITIVE: Final = re.compile(
    r"\b(?:apprecie|appreciee|appreciees|apprecies|point\s+fort|points\s+forts|qualite"
    r"|qualites|bonne\s+impression|tres\s+bonne|tres\s+bon|excellent|excellente|solide"
    r"|convaincant|convaincante|interessant|interessante|a\s+plu|nous\s+a\s+plu|remarque"
    r"|bravo|felicit\w*|motivation\s+(?:evidente|reelle)|enthousiasme|serieux|rigueur"
    r"|bien\s+prepare|bien\s+preparee|de\s+qualite|retenu\s+notre\s+attention|atouts?)\b"
)
_NEGATIVE_NEAR: Final = re.compile(r"\b(?:manque|pas\s+assez|insuffisant|cependant|mais)\b")
_SENTENCE: Final = re.compile(r"(?<=[.!?…])\s+|\n+")
_INTERVIEW_STAGES: Final = frozenset({"premier_entretien", "test", "entretiens_suivants", "offre"})
MAX_QUOTE: Final = 160


def _positive_sentences(text: str) -> list[str]:
    found = []
    for sentence in _SENTENCE.split(text or ""):
        sentence = " ".join(sentence.split())
        folded = words(sentence)
        if sentence and _POSITIVE.search(folded) and not _NEGATIVE_NEAR.search(folded):
            if len(sentence) > MAX_QUOTE:
                sentence = sentence[: MAX_QUOTE - 1].rstrip() + "…"
            found.append(sentence)
    return found


def evidence_from(
    *,
    successes: Sequence[str],
    feedbacks: Sequence[tuple[str | None, str]],
    interviews: Sequence[str | None],
    limit: int = 4,
) -> list[str]:
    """Facts from the person's own notes that may speak against a self-blaming thought:
    the successes they listed (newest entries first, one item per line), the positive
    sentences of feedbacks they received ((company, text)), and the interviews they were
    invited to (companies of rejections after an interview stage)."""
    noted: list[str] = []
    for entry in successes:
        for item in entry.splitlines():
            item = item.strip().lstrip("•").strip()
            if item:
                noted.append(f"Une réussite que vous avez notée : {item}")
    quoted: list[str] = []
    for company, text in feedbacks:
        for sentence in _positive_sentences(text)[:1]:
            source = (
                f"Le retour {writing.de(writing.company(company))}" if company else "Un retour reçu"
            )
            quoted.append(f"{source} disait : « {sentence} »")
    met: list[str] = []
    named = [writing.company(name) for name in dict.fromkeys(interviews) if name]
    count = len(interviews)
    if count:
        where = f" ({', '.join(named[:3])})" if named else ""
        met.append(
            f"Vous avez été reçu·e en entretien {count} fois{where} : votre candidature a "
            "convaincu des recruteurs de vous rencontrer."
            if count > 1
            else f"Vous avez été reçu·e en entretien{where} : votre candidature a convaincu "
            "un recruteur de vous rencontrer."
        )
    # Taken from each source in turn, so that no source crowds out the others.
    picked: list[str] = []
    groups = [noted, quoted, met]
    while len(picked) < limit and any(groups):
        for group in groups:
            if group and len(picked) < limit:
                picked.append(group.pop(0))
    return picked


def evidence_for_user(session: Session, user: User, *, limit: int = 4) -> list[str]:
    """:func:`evidence_from` on the person's stored successes, feedbacks and rejections."""
    successes = list(
        session.scalars(
            select(JournalEntry.text)
            .where(JournalEntry.user_id == user.id, JournalEntry.kind == "successes")
            .order_by(JournalEntry.created_at.desc(), JournalEntry.id.desc())
            .limit(3)
        )
    )
    feedbacks = [
        (company, text)
        for company, text in session.execute(
            select(Rejection.company, Feedback.text)
            .select_from(Feedback)
            .outerjoin(Rejection, Rejection.id == Feedback.rejection_id)
            .where(Feedback.user_id == user.id)
            .order_by(Feedback.received_at.desc(), Feedback.id.desc())
            .limit(10)
        )
    ]
    interviews = list(
        session.scalars(
            select(Rejection.company)
            .where(Rejection.user_id == user.id, Rejection.stage.in_(_INTERVIEW_STAGES))
            .order_by(Rejection.created_at.desc())
        )
    )
    return evidence_from(
        successes=successes, feedbacks=feedbacks, interviews=interviews, limit=limit
    )


# --------------------------------------------------------------------------- storage


def save_thought_record(
    session: Session, user: User, record: ThoughtRecord, *, rejection_id: int | None = None
) -> JournalEntry | None:
    """The record as a journal entry of kind :data:`KIND` (None when nothing was answered)."""
    if record.answered() == 0:
        return None
    return add_entry(
        session,
        user,
        KIND,
        render(record),
        prompt="Exercice : examiner une pensée",
        rejection_id=rejection_id,
    )


def recent_count(
    session: Session,
    user: User,
    *,
    now: dt.datetime,
    days: int = PROFESSIONAL_WINDOW_DAYS,
) -> int:
    """How many thought records the person saved in the last ``days`` days."""
    since = now - dt.timedelta(days=days)
    return int(
        session.scalar(
            select(func.count())
            .select_from(JournalEntry)
            .where(
                JournalEntry.user_id == user.id,
                JournalEntry.kind == KIND,
                JournalEntry.created_at >= since,
            )
        )
        or 0
    )
