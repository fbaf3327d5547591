"""The feedback request, written with the person (SPEC §3 flow 5): pure and deterministic.

:func:`compose` builds one :class:`Draft` from a :class:`DraftContext`:

- ``general`` — thanks, the purpose (what weighed in the decision, what to improve), the door
  kept open; ``specific`` — the same, plus the areas to comment on (qualifications, interview
  answers, fit with the team, technical skills, or a question the person added);
- ``phone`` — a short call script with the etiquette; ``meeting`` — an email asking for a
  short meeting; ``linkedin`` — a short message without subject line; ``follow_up`` — a
  polite reminder when no answer came; ``thanks`` is not here (it belongs to the
  feedback-received flow).

Every variant has three tones (formal, neutral, warm), a short form, the areas, a question
and sentences the person asked to add; ``coach.refinements`` reads the changes people ask
for and checks each one really changes the text.

Rules the tests hold: the body has at most :data:`MAX_WORDS` words; nothing the person told
us is left as a placeholder (the only bracketed field is the name, and only when the person
never gave it); vouvoiement; no gendered adjective about the sender, so nobody has to edit
"intéressé·e" out of their own mail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Final, Literal

from coach.language import writing

__all__ = [
    "AREAS",
    "AREA_LABELS",
    "MAX_ADDITION_CHARS",
    "MAX_WORDS",
    "NAME_PLACEHOLDER",
    "VARIANTS",
    "VARIANT_NAMES",
    "Draft",
    "DraftContext",
    "DraftOptions",
    "Profile",
    "compose",
    "validate_email",
    "validate_linkedin",
    "validate_phone",
    "word_count",
]

MAX_WORDS: Final = 180
MAX_ADDITION_CHARS: Final = 200
VARIANTS: Final = ("general", "specific", "phone", "meeting", "linkedin", "follow_up")
Variant = Literal["general", "specific", "phone", "meeting", "linkedin", "follow_up"]
Tone = Literal["formal", "neutral", "warm"]
TONES: Final = ("warm", "neutral", "formal")  # from the least to the most formal
#: How the bot names each draft in its sentences (« une version plus courte du mail »).
VARIANT_NAMES: Final[dict[str, str]] = {
    "general": "du mail",
    "specific": "du mail",
    "phone": "du script d'appel",
    "meeting": "du mail de demande de rencontre",
    "linkedin": "du message LinkedIn",
    "follow_up": "de la relance",
}
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
    culture: str | None = None  # "formal" / "casual" / "unknown": picks the salutation
    stage: str | None = None  # coach.intake.STAGES
    needs_confirmation: bool = False  # no formal rejection yet
    sent_on: str | None = None  # "mardi 1er décembre", for the follow-up
    profile: Profile = field(default_factory=Profile)


@dataclass(frozen=True)
class DraftOptions:
    variant: Variant = "general"
    short: bool = False
    formal: bool = False
    areas: tuple[str, ...] = ()
    extra_question: str | None = None
    warm: bool = False  # never together with formal
    keep_in_touch: bool = False  # "the company still interests me", where not said already
    additions: tuple[str, ...] = ()  # sentences the person asked to add, in their words

    @property
    def tone(self) -> Tone:
        return "formal" if self.formal else "warm" if self.warm else "neutral"

    def with_tone(self, tone: Tone) -> DraftOptions:
        return replace(self, formal=tone == "formal", warm=tone == "warm")

    def as_json(self) -> dict[str, object]:
        return {
            "variant": self.variant,
            "short": self.short,
            "formal": self.formal,
            "warm": self.warm,
            "areas": list(self.areas),
            "extra_question": self.extra_question,
            "keep_in_touch": self.keep_in_touch,
            "additions": list(self.additions),
        }

    @classmethod
    def from_json(cls, raw: object, *, variant: str = "general") -> DraftOptions:
        """Options kept in a Rasa slot; anything malformed falls back to the defaults."""
        if not isinstance(raw, dict):
            return cls(variant=variant if variant in VARIANTS else "general")  # type: ignore[arg-type]
        chosen = raw.get("variant", variant)
        areas = raw.get("areas") or ()
        additions = raw.get("additions") or ()
        extra = raw.get("extra_question")
        return cls(
            variant=chosen if chosen in VARIANTS else "general",
            short=bool(raw.get("short")),
            formal=bool(raw.get("formal")),
            warm=bool(raw.get("warm")) and not raw.get("formal"),
            areas=tuple(a for a in areas if a in AREA_LABELS) if isinstance(areas, list) else (),
            extra_question=extra if isinstance(extra, str) else None,
            keep_in_touch=bool(raw.get("keep_in_touch")),
            additions=tuple(a for a in additions if isinstance(a, str))
            if isinstance(additions, list)
            else (),
        )


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


def _first_name(name: str) -> str:
    parts = name.split()
    return parts[0] if len(parts) >= 2 else name


def _hello(ctx: DraftContext, tone: Tone) -> str:
    """The salutation by the company's culture (a tone asked for wins over it): civility and
    last name when formal, first name when casual, never « Bonjour Thomas Petit »."""
    culture = {"formal": "formal", "warm": "casual"}.get(tone, ctx.culture)
    return writing.greeting(ctx.contact_name, culture)


def _goodbye(tone: Tone) -> str:
    return {
        "formal": "Je vous prie d'agréer mes salutations distinguées.",
        "neutral": "Bien cordialement,",
        "warm": "Bien à vous,",
    }[tone]


def _thanks_last(tone: Tone) -> str:
    return {
        "formal": "En vous remerciant par avance de l'attention que vous porterez à ma demande.",
        "neutral": "Merci d'avance pour votre aide, et belle journée à vous.",
        "warm": "Un grand merci d'avance, et très belle journée à vous !",
    }[tone]


def _met(ctx: DraftContext) -> str:
    if ctx.stage in (None, "candidature"):
        return f"l'attention portée à ma candidature au poste {writing.de(ctx.position)}"
    return (
        "le temps que vous m'avez consacré lors du recrutement pour le poste "
        f"{writing.de(ctx.position)}"
    )


def _thanks_first(ctx: DraftContext, tone: Tone) -> str:
    if tone == "formal":
        return f"Je vous remercie sincèrement pour {_met(ctx)} au sein {writing.de(ctx.company)}."
    if tone == "warm":
        liked = (
            "j'ai pris plaisir à découvrir votre entreprise en la préparant"
            if ctx.stage in (None, "candidature")
            else "j'ai vraiment apprécié nos échanges"
        )
        return f"Merci beaucoup pour {_met(ctx)} chez {ctx.company} : {liked}."
    return f"Merci pour {_met(ctx)} chez {ctx.company}."


def _still_interested(ctx: DraftContext) -> str:
    return (
        f"{writing.sentence(ctx.company)} m'intéresse toujours : j'aimerais garder le contact "
        "pour de futures opportunités."
    )


def _additions(options: DraftOptions) -> str:
    return " ".join(options.additions)


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
    tone = options.tone
    subject = f"Votre retour sur ma candidature au poste {writing.de(ctx.position)}"
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
            _hello(ctx, tone),
            f"{_thanks_first(ctx, tone)} {purpose}",
            _areas_block(options),
            _still_interested(ctx) if options.keep_in_touch else "",
            _additions(options),
            "Merci d'avance pour votre aide." if tone != "formal" else "",
            f"{_goodbye(tone)}\n{ctx.profile.signature()}",
        ]
    else:
        if ctx.needs_confirmation:
            opening = (
                "Je me permets de revenir vers vous au sujet de ma candidature au poste "
                f"{writing.de(ctx.position)} chez {ctx.company}, et je vous remercie pour "
                f"{_met(ctx)}. "
                "Pourriez-vous me dire où en est votre décision ?"
            )
            purpose = (
                "Si elle ne m'est pas favorable, j'aimerais beaucoup comprendre ce qui a fait "
                "la différence et ce que je pourrais améliorer : quelques lignes ou un court "
                "échange téléphonique m'aideraient déjà beaucoup."
            )
        else:
            opening = (
                f"{_thanks_first(ctx, tone)} J'ai bien reçu votre réponse et, même si elle me "
                "déçoit, je la respecte."
            )
            purpose = (
                "Pour progresser dans mes recherches, j'aimerais comprendre ce qui a pesé dans "
                "votre décision et ce que je pourrais améliorer. Quelques lignes ou un court "
                "échange téléphonique m'aideraient déjà beaucoup."
            )
        paragraphs = [
            _hello(ctx, tone),
            opening,
            purpose,
            _areas_block(options),
            _still_interested(ctx),
            _additions(options),
            _thanks_last(tone),
            f"{_goodbye(tone)}\n{ctx.profile.signature()}",
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
    tone = options.tone
    me = ctx.profile.name or NAME_PLACEHOLDER
    # Aloud, « Madame, Monsieur » would sound like a letter: plain « Bonjour » instead.
    whom = _hello(ctx, tone).replace("Madame, Monsieur,", "Bonjour,") + " "
    if tone == "formal":
        hello = (
            f"« {whom}{me} à l'appareil. Je me permets de vous appeler au sujet de ma "
            f"candidature au poste {writing.de(ctx.position)} au sein {writing.de(ctx.company)}. "
            "Auriez-vous quelques minutes à m'accorder ? »"
        )
        close = (
            "« Je vous remercie sincèrement pour ces conseils et pour le temps accordé. Je "
            "vous souhaite une excellente journée. »"
        )
    elif tone == "warm":
        hello = (
            f"« {whom}c'est {me}. J'ai candidaté au poste {writing.de(ctx.position)} chez "
            f"{ctx.company}, et j'ai beaucoup apprécié nos échanges. Vous auriez deux ou trois "
            "minutes ? »"
        )
        close = "« Merci infiniment, ça m'aide vraiment. Très belle journée à vous ! »"
    else:
        hello = (
            f"« {whom}{me} à l'appareil. J'ai candidaté au poste {writing.de(ctx.position)} chez "
            f"{ctx.company}. Auriez-vous deux ou trois minutes ? »"
        )
        close = (
            "« Merci beaucoup, ces conseils vont vraiment m'aider. Je vous souhaite une belle "
            "journée. »"
        )
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
        # One question only when nothing precise was asked; the precise ones stay.
        questions = questions[1:] if len(questions) > 2 else questions[1:2]
    lines = [hello]
    if not options.short:
        lines.append(
            "« Merci encore pour votre réponse et pour le temps consacré à ma candidature. "
            "Pour progresser, j'aimerais avoir votre regard. »"
        )
    lines += [f"• {question}" for question in questions]
    extra = " ".join(
        part
        for part in (
            _still_interested(ctx) if options.keep_in_touch else "",
            _additions(options),
        )
        if part
    )
    if extra:
        lines.append(f"« {extra} »")
    lines.append(close)
    return Draft(variant="phone", subject=None, body="\n".join(lines), notes=PHONE_ETIQUETTE)


MEETING_NOTES: Final = (
    "Une rencontre (en visio ou sur place) donne des retours plus riches et marque les "
    "esprits, mais elle demande du temps à la personne : proposez un format court, "
    "acceptez un refus ou un simple mail avec le sourire."
)


def _meeting(ctx: DraftContext, options: DraftOptions) -> Draft:
    tone = options.tone
    if options.short:
        ask = (
            "Auriez-vous quinze minutes, en visio ou dans vos locaux, pour me dire ce que je "
            "pourrais améliorer ?"
        )
        fallback = ""
    else:
        ask = (
            "Pour progresser, j'aimerais beaucoup avoir votre regard sur ma candidature. "
            "Seriez-vous disponible pour un court échange de quinze minutes, en visio ou dans "
            "vos locaux, à votre convenance dans les prochaines semaines ?"
        )
        fallback = "Si ce n'est pas possible, quelques lignes par mail me seraient déjà précieuses."
    paragraphs = [
        _hello(ctx, tone),
        f"{_thanks_first(ctx, tone)}",
        ask,
        _areas_block(options),
        _still_interested(ctx) if options.keep_in_touch else "",
        _additions(options),
        fallback,
        _thanks_last(tone) if tone != "neutral" else "",
        f"{_goodbye(tone)}\n{ctx.profile.signature()}",
    ]
    return Draft(
        variant="meeting",
        subject=f"Demande d'un court échange — candidature au poste {writing.de(ctx.position)}",
        body="\n\n".join(p for p in paragraphs if p),
        notes=MEETING_NOTES,
    )


LINKEDIN_NOTES: Final = (
    "Sur LinkedIn, restez bref et personnel. Si vous n'êtes pas encore en relation avec la "
    "personne, envoyez d'abord une invitation avec une note d'une phrase, puis ce message "
    "une fois l'invitation acceptée."
)


def _linkedin(ctx: DraftContext, options: DraftOptions) -> Draft:
    tone = options.tone
    areas = [AREA_LABELS[a] for a in options.areas if a in AREA_LABELS]
    if options.extra_question:
        areas.append(options.extra_question)
    about = ""
    if areas:
        about = " Notamment sur " + (
            ", ".join(areas[:-1]) + " et " + areas[-1] if len(areas) > 1 else areas[0]
        )
        about += "."
    if options.short:
        ask = "Auriez-vous quelques mots sur ce que je pourrais améliorer ?"
    else:
        ask = (
            "Pour progresser, j'aimerais savoir ce qui a fait la différence et ce que je "
            "pourrais améliorer : quelques lignes ici me seraient précieuses."
        )
    closing = {
        "formal": "Je vous remercie par avance. Bien cordialement,",
        "neutral": "Merci d'avance, et belle journée !",
        "warm": "Un grand merci d'avance, et très belle journée !",
    }[tone]
    hello = _hello(ctx, tone)
    if hello == "Madame, Monsieur,":
        # A LinkedIn message goes to one named person: never « Madame, Monsieur ».
        who = writing.parse_person(ctx.contact_name)
        hello = f"Bonjour {who.first}," if who and who.first else "Bonjour,"
    paragraphs = [
        hello,
        f"{_thanks_first(ctx, tone)} {ask}{about}",
        _still_interested(ctx) if options.keep_in_touch else "",
        _additions(options),
        f"{closing}\n{ctx.profile.name or NAME_PLACEHOLDER}",
    ]
    return Draft(
        variant="linkedin",
        subject=None,
        body="\n\n".join(p for p in paragraphs if p),
        notes=LINKEDIN_NOTES,
    )


def _follow_up(ctx: DraftContext, options: DraftOptions) -> Draft:
    tone = options.tone
    when = f" du {ctx.sent_on}" if ctx.sent_on else ""
    paragraphs = [
        _hello(ctx, tone),
        f"Je me permets de revenir vers vous au sujet de mon message{when} concernant ma "
        f"candidature au poste {writing.de(ctx.position)}.",
        "Quelques lignes sur ce qui pourrait renforcer ma candidature me suffiraient."
        if options.short
        else "Je sais que votre emploi du temps est chargé : quelques lignes sur ce qui "
        "pourrait renforcer ma candidature me suffiraient. Merci d'avance.",
        _areas_block(options),
        _still_interested(ctx) if options.keep_in_touch else "",
        _additions(options),
        f"{_goodbye(tone)}\n{ctx.profile.signature()}",
    ]
    return Draft(
        variant="follow_up",
        subject=f"Re : Votre retour sur ma candidature au poste {writing.de(ctx.position)}",
        body="\n\n".join(p for p in paragraphs if p),
    )


def compose(ctx: DraftContext, options: DraftOptions | None = None) -> Draft:
    options = options or DraftOptions()
    # Names as they are officially written, whatever the case the person typed them in.
    ctx = replace(
        ctx,
        company=writing.company(ctx.company) or ctx.company,
        contact_name=writing.person(ctx.contact_name) or None,
    )
    if options.variant == "phone":
        return _phone(ctx, options)
    if options.variant == "meeting":
        return _meeting(ctx, options)
    if options.variant == "linkedin":
        return _linkedin(ctx, options)
    if options.variant == "follow_up":
        return _follow_up(ctx, options)
    if options.variant == "specific" and not options.areas and not options.extra_question:
        options = replace(options, areas=("qualifications", "interview", "fit"))
    draft = _email(ctx, options)
    if word_count(draft.body) > MAX_WORDS and not options.short:
        return _email(ctx, replace(options, short=True))
    return draft


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
