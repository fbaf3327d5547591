"""The feedback request, written with the person (SPEC §3 flow 5): pure and deterministic.

:func:`compose` builds one :class:`Draft` from a :class:`DraftContext`:

- ``general`` — thanks, the purpose (what weighed in the decision, what to improve), the door
  kept open; ``specific`` — the same, plus the areas to comment on (qualifications, interview
  answers, fit with the team, technical skills, or a question the person added);
- ``phone`` — a short call script with the etiquette; ``meeting`` — an email asking for a
  short meeting; ``follow_up`` — a polite reminder when no answer came; ``thanks`` is not
  here (it belongs to the feedback-received flow).

Rules the tests hold: the body has at most :data:`MAX_WORDS` words; nothing the person told
us is left as a placeholder (the only bracketed field is the name, and only when the person
never gave it); vouvoiement; no gendered adjective about the sender, so nobody has to edit
"intéressé·e" out of their own mail. :func:`parse_refinement` reads "plus court", "plus
formel", "ajoute une question sur mes compétences techniques"… into :class:`Refinement`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from typing import Final, Literal

__all__ = [
    "AREAS",
    "AREA_LABELS",
    "MAX_WORDS",
    "VARIANTS",
    "Draft",
    "DraftContext",
    "Profile",
    "Refinement",
    "apply_refinement",
    "compose",
    "parse_refinement",
    "validate_email",
    "validate_linkedin",
    "validate_phone",
    "word_count",
]

MAX_WORDS: Final = 180
VARIANTS: Final = ("general", "specific", "phone", "meeting", "follow_up")
Variant = Literal["general", "specific", "phone", "meeting", "follow_up"]
AREAS: Final = ("qualifications", "interview", "fit", "technical")
AREA_LABELS: Final[dict[str, str]] = {
    "qualifications": "mon expérience et mes compétences au regard du poste",
    "interview": "mes réponses et ma façon de me présenter en entretien",
    "fit": "mon adéquation avec l'équipe et la culture de l'entreprise",
    "technical": "mes compétences techniques",
}
NAME_PLACEHOLDER: Final = "[Votre prénom et nom]"


@dataclass(frozen=True)
class Profile:
    """The signature, asked once and remembered (each field optional)."""

    name: str | None = None
    phone: str | None = None
    email: str | None = None
    linkedin: str | None = None

    def signature(self) -> str:
        lines = [self.name or NAME_PLACEHOLDER]
        lines += [value for value in (self.phone, self.email, self.linkedin) if value]
        return "\n".join(lines)


@dataclass(frozen=True)
class DraftContext:
    company: str
    position: str
    contact_name: str | None = None
    stage: str | None = None  # coach.intake.STAGES
    needs_confirmation: bool = False  # no formal rejection yet
    sent_on: str | None = None  # "mardi 1er décembre", for the follow-up
    profile: Profile = field(default_factory=Profile)


@dataclass(frozen=True)
class Refinement:
    shorter: bool = False
    formal: bool | None = None  # True: more formal, False: less formal
    specific: bool | None = None
    add_areas: tuple[str, ...] = ()
    extra_question: str | None = None

    @property
    def empty(self) -> bool:
        return self == Refinement()


@dataclass(frozen=True)
class DraftOptions:
    variant: Variant = "general"
    short: bool = False
    formal: bool = False
    areas: tuple[str, ...] = ()
    extra_question: str | None = None


@dataclass(frozen=True)
class Draft:
    variant: str
    subject: str | None
    body: str
    notes: str | None = None  # advice shown around the draft (phone etiquette, pros/cons)

    def text(self) -> str:
        """What the person copies: subject line first when there is one."""
        return f"Objet : {self.subject}\n\n{self.body}" if self.subject else self.body


def word_count(text: str) -> int:
    return len(re.findall(r"[\w’'@.+-]+", text))


# --------------------------------------------------------------------------- composing


def _hello(ctx: DraftContext, formal: bool) -> str:
    if ctx.contact_name:
        return f"Bonjour {ctx.contact_name},"
    return "Madame, Monsieur," if formal else "Bonjour,"


def _goodbye(formal: bool) -> str:
    return "Je vous prie d'agréer mes salutations distinguées." if formal else "Bien cordialement,"


def _met(ctx: DraftContext) -> str:
    if ctx.stage in (None, "candidature"):
        return f"l'attention portée à ma candidature au poste de {ctx.position}"
    return f"le temps que vous m'avez consacré lors du recrutement pour le poste de {ctx.position}"


def _areas_block(options: DraftOptions) -> str:
    areas = [AREA_LABELS[a] for a in options.areas if a in AREA_LABELS]
    if options.extra_question:
        areas.append(options.extra_question)
    if not areas:
        return ""
    items = "\n".join(f"- {area} ;" for area in areas)
    items = items[:-2] + "."
    return f"Vos remarques sur ces points me seraient particulièrement utiles :\n{items}"


def _email(ctx: DraftContext, options: DraftOptions) -> Draft:
    formal = options.formal
    subject = f"Votre retour sur ma candidature au poste de {ctx.position}"
    if options.short:
        purpose = (
            "Pourriez-vous me dire, en quelques mots, ce qui a pesé dans votre décision et "
            "ce que je pourrais améliorer ?"
        )
        if ctx.needs_confirmation:
            purpose = (
                "Pourriez-vous me dire où en est votre décision et, si elle ne m'est pas "
                "favorable, ce que je pourrais améliorer ?"
            )
        paragraphs = [
            _hello(ctx, formal),
            f"Merci pour {_met(ctx)} chez {ctx.company}. {purpose}",
            _areas_block(options),
            "Merci d'avance pour votre aide.",
            f"{_goodbye(formal)}\n{ctx.profile.signature()}",
        ]
    else:
        if ctx.needs_confirmation:
            opening = (
                f"Je me permets de revenir vers vous au sujet de ma candidature au poste de "
                f"{ctx.position} chez {ctx.company}, et je vous remercie pour {_met(ctx)}. "
                "Pourriez-vous me dire où en est votre décision ?"
            )
            purpose = (
                "Si elle ne m'est pas favorable, j'aimerais beaucoup comprendre ce qui a fait "
                "la différence et ce que je pourrais améliorer : quelques lignes ou un court "
                "échange téléphonique m'aideraient déjà beaucoup."
            )
        else:
            opening = (
                f"Je vous remercie pour {_met(ctx)} chez {ctx.company}. J'ai bien reçu votre "
                "réponse et, même si elle me déçoit, je la respecte."
            )
            purpose = (
                "Pour progresser dans mes recherches, j'aimerais comprendre ce qui a pesé dans "
                "votre décision et ce que je pourrais améliorer. Quelques lignes ou un court "
                "échange téléphonique m'aideraient déjà beaucoup."
            )
        paragraphs = [
            _hello(ctx, formal),
            opening,
            purpose,
            _areas_block(options),
            f"{ctx.company} m'intéresse toujours : j'aimerais garder le contact pour de "
            "futures opportunités.",
            "Merci d'avance pour votre aide, et belle journée à vous.",
            f"{_goodbye(formal)}\n{ctx.profile.signature()}",
        ]
    body = "\n\n".join(p for p in paragraphs if p)
    variant = "specific" if options.areas or options.extra_question else "general"
    return Draft(variant=variant, subject=subject, body=body)


PHONE_ETIQUETTE: Final = (
    "Avant d'appeler :\n"
    "• choisissez un moment calme pour la personne (évitez le lundi matin et le vendredi "
    "après-midi) ;\n"
    "• préparez deux ou trois questions précises et de quoi noter.\n"
    "Pendant l'appel :\n"
    "• présentez-vous et demandez si c'est un bon moment ;\n"
    "• écoutez jusqu'au bout, sans vous justifier, et notez les mots exacts ;\n"
    "• remerciez, quoi qu'il ait été dit."
)


def _phone(ctx: DraftContext, options: DraftOptions) -> Draft:
    me = ctx.profile.name or NAME_PLACEHOLDER
    whom = f"Bonjour {ctx.contact_name}, " if ctx.contact_name else "Bonjour, "
    questions = [
        "Qu'est-ce qui a fait la différence dans votre choix ?",
        "Sur quel point me conseilleriez-vous de progresser en priorité ?",
    ]
    questions += [
        f"Que pensez-vous de {AREA_LABELS[a]} ?" for a in options.areas if a in AREA_LABELS
    ]
    if options.extra_question:
        questions.append(f"Auriez-vous un conseil sur {options.extra_question} ?")
    if options.short:
        questions = questions[:2]
    lines = [
        f"« {whom}{me} à l'appareil. J'ai candidaté au poste de {ctx.position} chez "
        f"{ctx.company}. Auriez-vous deux ou trois minutes ? »",
        "« Merci encore pour votre réponse et pour le temps consacré à ma candidature. Pour "
        "progresser, j'aimerais avoir votre regard. »",
        *(f"• {question}" for question in questions),
        "« Merci beaucoup, ces conseils vont vraiment m'aider. Je vous souhaite une belle "
        "journée. »",
    ]
    return Draft(variant="phone", subject=None, body="\n".join(lines), notes=PHONE_ETIQUETTE)


MEETING_NOTES: Final = (
    "Une rencontre (en visio ou sur place) donne des retours plus riches et marque les "
    "esprits, mais elle demande du temps à la personne : proposez un format court, "
    "acceptez un refus ou un simple mail avec le sourire."
)


def _meeting(ctx: DraftContext, options: DraftOptions) -> Draft:
    formal = options.formal
    paragraphs = [
        _hello(ctx, formal),
        f"Merci pour {_met(ctx)} chez {ctx.company}.",
        "Pour progresser, j'aimerais beaucoup avoir votre regard sur ma candidature. Seriez-vous "
        "disponible pour un court échange de quinze minutes, en visio ou dans vos locaux, "
        "à votre convenance dans les prochaines semaines ?",
        _areas_block(options),
        "Si ce n'est pas possible, quelques lignes par mail me seraient déjà précieuses.",
        f"{_goodbye(formal)}\n{ctx.profile.signature()}",
    ]
    return Draft(
        variant="meeting",
        subject=f"Demande d'un court échange — candidature au poste de {ctx.position}",
        body="\n\n".join(p for p in paragraphs if p),
        notes=MEETING_NOTES,
    )


def _follow_up(ctx: DraftContext, options: DraftOptions) -> Draft:
    when = f" du {ctx.sent_on}" if ctx.sent_on else ""
    paragraphs = [
        _hello(ctx, options.formal),
        f"Je me permets de revenir vers vous au sujet de mon message{when} concernant ma "
        f"candidature au poste de {ctx.position}.",
        "Je sais que votre emploi du temps est chargé : quelques lignes sur ce qui pourrait "
        "renforcer ma candidature me suffiraient. Merci d'avance.",
        f"{_goodbye(options.formal)}\n{ctx.profile.signature()}",
    ]
    return Draft(
        variant="follow_up",
        subject=f"Re : Votre retour sur ma candidature au poste de {ctx.position}",
        body="\n\n".join(paragraphs),
    )


def compose(ctx: DraftContext, options: DraftOptions | None = None) -> Draft:
    options = options or DraftOptions()
    if options.variant == "phone":
        return _phone(ctx, options)
    if options.variant == "meeting":
        return _meeting(ctx, options)
    if options.variant == "follow_up":
        return _follow_up(ctx, options)
    if options.variant == "specific" and not options.areas and not options.extra_question:
        options = replace(options, areas=("qualifications", "interview", "fit"))
    draft = _email(ctx, options)
    if word_count(draft.body) > MAX_WORDS and not options.short:
        return _email(ctx, replace(options, short=True))
    return draft


# --------------------------------------------------------------------------- refinement


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", (text or "").casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(re.sub(r"[’'`]", " ", text).split())


_SHORTER: Final = re.compile(
    r"\b(?:plus court|plus courte|raccourci\w*|plus bref|plus breve|"
    r"moins long|trop long|plus concis\w*|resume\w*|abrege\w*)\b"
)
_FORMAL: Final = re.compile(
    r"\b(?:plus formel\w*|plus poli\w*|plus soutenu\w*|plus pro\w*|"
    r"plus respectueu\w*|plus protocolaire)\b"
)
_CASUAL: Final = re.compile(
    r"\b(?:moins formel\w*|plus simple|plus decontract\w*|plus "
    r"chaleureu\w*|plus direct\w*|plus naturel\w*|moins guinde\w*)\b"
)
_SPECIFIC: Final = re.compile(
    r"\b(?:plus specifique|plus precis\w*|plus detaille\w*|"
    r"plus cible\w*)\b"
)
_GENERAL: Final = re.compile(
    r"\b(?:plus general\w*|plus vague|moins precis\w*|"
    r"moins specifique)\b"
)
_ADD: Final = re.compile(
    r"\b(?:ajoute\w*|rajoute\w*|mets?|mettre|inclu\w*|integre\w*|"
    r"demande\w*|pose\w*)\b.*\b(?:question|point|demande|sur|concernant)\b"
)
_AREA_CUES: Final[tuple[tuple[str, re.Pattern[str]], ...]] = (
    ("technical", re.compile(r"\btechni\w*|\boutils?\b|\blogiciels?\b|\bcode\b|\bsql\b")),
    ("interview", re.compile(r"\bentretien\w*|\breponses?\b|\bpresentation\b|\boral\b")),
    ("fit", re.compile(r"\bculture\b|\bequipe\b|\badequation\b|\bfit\b|\bvaleurs?\b")),
    (
        "qualifications",
        re.compile(
            r"\bexperience\w*|\bqualification\w*|\bprofil\b|"
            r"\bdiplome\w*|\bparcours\b|\bcompetences?\b"
        ),
    ),
)


def parse_refinement(text: str) -> Refinement:
    """ "plus court", "plus formel", "ajoute une question sur mes compétences techniques"…"""
    folded = _fold(text)
    areas: list[str] = []
    extra: str | None = None
    if _ADD.search(folded):
        for area, cue in _AREA_CUES:
            if cue.search(folded):
                areas.append(area)
                break
        if not areas:
            found = re.search(r"\b(?:sur|concernant|a propos de)\s+(.{3,120})$", text or "", re.I)
            if found:
                extra = f"{found.group(1).strip(' .!?')}"
    formal: bool | None = None
    if _CASUAL.search(folded):
        formal = False
    elif _FORMAL.search(folded):
        formal = True
    specific: bool | None = None
    if _SPECIFIC.search(folded) or areas or extra:
        specific = True
    elif _GENERAL.search(folded):
        specific = False
    return Refinement(
        shorter=bool(_SHORTER.search(folded)),
        formal=formal,
        specific=specific,
        add_areas=tuple(areas),
        extra_question=extra,
    )


def apply_refinement(options: DraftOptions, change: Refinement) -> DraftOptions:
    """The options for the next version of a draft."""
    areas = tuple(dict.fromkeys((*options.areas, *change.add_areas)))
    variant = options.variant
    if change.specific is True and variant == "general":
        variant = "specific"
    if change.specific is False and variant == "specific":
        variant, areas = "general", ()
    if (
        variant == "specific"
        and not areas
        and not (change.extra_question or options.extra_question)
    ):
        areas = ("qualifications", "interview", "fit")
    return DraftOptions(
        variant=variant,
        short=options.short or change.shorter,
        formal=options.formal if change.formal is None else change.formal,
        areas=areas,
        extra_question=change.extra_question or options.extra_question,
    )


# --------------------------------------------------------------------------- profile

_EMAIL: Final = re.compile(r"^[\w.+'-]+@[\w-]+(?:\.[\w-]+)+$")
_LINKEDIN: Final = re.compile(
    r"^(?:https?://)?(?:[a-z]{2,3}\.)?linkedin\.com/in/[\w%\-]{2,100}/?$", re.IGNORECASE
)


def validate_email(text: str) -> str | None:
    value = (text or "").strip().strip("<>").strip()
    return value if len(value) <= 254 and _EMAIL.match(value) else None


def validate_phone(text: str) -> str | None:
    """A French or international number, shown as typed but tidied ("06 12 34 56 78")."""
    raw = (text or "").strip()
    digits = re.sub(r"[\s.\-()]", "", raw)
    if re.fullmatch(r"0[1-9]\d{8}", digits):
        return " ".join(digits[i : i + 2] for i in range(0, 10, 2))
    if re.fullmatch(r"\+33[1-9]\d{8}", digits):
        rest = digits[3:]
        return "+33 " + rest[0] + " " + " ".join(rest[i : i + 2] for i in range(1, 9, 2))
    if re.fullmatch(r"\+\d{8,15}", digits):
        return digits
    return None


def validate_linkedin(text: str) -> str | None:
    value = (text or "").strip().rstrip("/")
    if not _LINKEDIN.match(value):
        return None
    return value if value.lower().startswith("http") else f"https://{value}"
