"""Rejection intake: the form's vocabulary and its answer validators.

Pure, deterministic, offline (no database, no Rasa, no Telegram). The form in ``actions/``
calls these functions; nothing here logs what users write. Reading French (dates, short
answers, stages, company and position, corrections) lives in :mod:`coach.language`; this
module decides what an answer means for each question of the form.

Slot validators — ``validate_<slot>(answer)`` returns a :class:`Validation`: ``ok`` with the
normalised value, or a French question in ``message``. ``company``, ``position`` and
``rejection_date`` are required ("je ne sais pas" gets an explanation of what is enough);
every other slot accepts "je ne sais pas" / "passer" (``skipped=True``, value ``None``, or
``"unknown"`` for the culture). A bot command typed in place of an answer ("/aide") is never
taken as one. :meth:`Validation.as_slot` gives the value for a Rasa slot (dates as ISO
strings, :data:`UNKNOWN` for a skipped answer, since a form re-asks a ``None`` slot).
"plusieurs" interviewers is stored as :data:`SEVERAL` (2: "two or more").
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from coach.language.answers import (
    is_command,
    is_dont_know,
    is_none_answer,
    is_sad_signs,
    is_skip,
    parse_yes_no,
)
from coach.language.dates import (
    PAST_YEAR_AFTER_DAYS,
    DateParse,
    DateProblem,
    format_date_fr,
    parse_date,
    parse_rejection_date,
)
from coach.language.entities import CONTRACTS, STAGES, detect_formal, detect_stage
from coach.language.fold import MAX_TEXT, NUMBER_WORDS
from coach.language.fold import words as _words

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
    "Validation",
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

_NOT_FOUND_MESSAGE: Final = (
    "Je n'ai pas reconnu de date : quel jour avez-vous reçu la réponse ? Par exemple « hier », "
    "« lundi dernier », « le 3 novembre » ou « 03/11 »."
)

# --------------------------------------------------------------------------- vocabularies

#: Slot value meaning "the user does not know / skipped" (Rasa forms re-ask a ``None`` slot).
UNKNOWN: Final = "unknown"

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


# Chatter around a short answer: « Carrefour, je te l'ai dit », « mme dupont je crois »,
# « euh vendeuse aussi ». Only at the ends, so that a name keeps its own words.
_HEDGE_AFTER = re.compile(
    r"(?:[\s,;.–—-]+(?:(?:comme\s+)?je\s+(?:te|vous)\s+l['’]\s*ai\s+(?:déjà\s+|deja\s+)?dit"
    r"|comme\s+je\s+(?:te|vous)\s+(?:le\s+)?(?:disais|dis)|je\s+crois(?:\s+bien)?|il\s+me\s+semble"
    r"|je\s+pense|normalement|sauf\s+erreur|si\s+je\s+me\s+souviens\s+bien|de\s+m[ée]moire"
    r"|apparemment|aussi|quoi|jsp|je\s+sais\s+plus|enfin\s+bref|voilà|voila)|\s+aussi(?=\s*,))"
    r"(?=[\s,;.!?…]*(?:,|$))",
    re.IGNORECASE,
)
_HEDGE_BEFORE = re.compile(
    r"^(?:(?-i:euh+|heu+|bah|ben|alors|hmm+)\b[\s,.…]*"
    r"|(?:je\s+crois\s+que|il\s+me\s+semble\s+que|je\s+pense\s+que)\s+)+",
    re.IGNORECASE,
)


def _without_hedges(text: str) -> str:
    """The answer without the chatter at its ends (see :data:`_HEDGE_AFTER`)."""
    previous = None
    while previous != text:
        previous = text
        text = _HEDGE_BEFORE.sub("", text)
        text = _HEDGE_AFTER.sub("", text).strip(" ,;.–—-")
    return text


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
    cleaned = _clean_free_text(value)
    text = _without_hedges(cleaned) or cleaned
    if text.startswith("/"):
        return _ask(f"Je n'ai pas compris. Quel est {what} ?")
    text = _COMPANY_PREFIX.sub("", text).strip() if what.startswith("le nom") else text
    if is_sad_signs(value):
        return _ask(
            f"C'est dur, je comprends. Prenez votre temps : quand vous voudrez, quel est {what} ?"
        )
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
    if parsed.error == DateProblem.NOT_FOUND and is_none_answer(value):
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
    # An interview without its rank ("entretien avec le manager"): the manager may well have
    # been the first interview, so ask rather than guess a later stage.
    if re.search(
        r"\b(?:entretiens?|visios?|rdv|rendez\s+vous|vus?|vues?|rencontre\w*|manager|n\s+1"
        r"|drh|directeur|directrice)\b",
        words,
    ):
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
    formal = detect_formal(words)
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


# Someone who can hold an interview, named by role or civility.
_PERSON_WORD = re.compile(
    r"\b(?:manager|manageuse|drh|rh|recruteur|recruteuse|responsable|directeur|directrice"
    r"|gerant|gerante|chef|cheffe|patron|patronne|dirigeant|dirigeante|fondateur|fondatrice"
    r"|ceo|dg|pdg|m|mme|monsieur|madame|consultant|consultante|charge|chargee)\b"
)


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
    # No number: the people themselves. « juste le manager, M. Leroy » is one (a name in
    # apposition); « le manager et la RH » two; « la DRH » one.
    people = _PERSON_WORD.findall(words)
    if people:
        if re.search(
            r"^(?:juste|seulement|uniquement|que)\b|\bqu\s+(?:avec\s+)?(?:le|la|l)\b", words
        ):
            return _ok(1)
        joined = len(re.findall(r"\b(?:et|avec|puis|plus)\b", words))
        return _ok(1) if joined == 0 else _ok(SEVERAL if joined >= 2 else 2)
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
    text = _without_hedges(_NAME_LEAD.sub("", text))
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
    if is_none_answer(value):
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
    if is_none_answer(value):
        return _none()
    if parse_yes_no(value) is True and len(_words(value).split()) <= 3:
        return _ask(f"Très bien. Comment s'appelle {role} ?")
    text = _clean_free_text(re.sub(r"\([^)]{0,80}\)", " ", value))
    text = _without_hedges(_NAME_LEAD.sub("", text).strip())
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
    """Dispatch to ``validate_<slot>``; unknown slot names raise ``KeyError``.

    A bot command typed at a question ("/aide") is never an answer.
    """
    if slot not in SLOTS:
        raise KeyError(slot)
    if is_command(value):
        return _ask(
            "Je ne prends pas une commande pour une réponse : pouvez-vous répondre à ma question ?"
        )
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
