"""Emotions after a rejection: mood check, validating answers, strategies, journal prompts.

Pure and deterministic (no database, no Rasa, no Telegram); nothing here logs what users
write. The wording is the project's own, drawn from the reference article's ideas on first
reactions, handling disappointment and staying professional; a test checks that no eight
consecutive words are copied from it.

Moods (:data:`MOODS`): ``deception`` (disappointment, sadness), ``colere`` (anger, sense
of unfairness), ``doute`` (self-doubt), ``honte`` (shame, embarrassment), ``decouragement``
(discouragement, weariness), ``ca_va`` (feeling fine).

:func:`classify_mood` reads free text:

- Cues are matched on folded text (lower case, no accents, apostrophes as spaces), so
  "decue", "DÉÇUE" and "déçu·e" all count.
- A cue is negated by "pas", "plus", "jamais", "ni", "sans", "aucun(e)" among the three words
  before it, in the same clause ("mais", "plutôt", "juste", "surtout", "par contre" and
  punctuation start a new clause): "je ne suis pas en colère, juste déçue" → ``deception``.
  "de plus en plus" and "en plus" are not negations. Cues that contain their own "pas" ("pas à la
  hauteur", "ça va pas") are written as such.
- Generic low mood ("triste", "pas bien", "ça va pas", "bof") counts as ``deception``;
  "pas motivé·e" as ``decouragement``.
- Several moods: the first specific one in the text (``honte``, ``doute``, ``colere``,
  ``decouragement``) wins over ``deception``, which wins over ``ca_va`` ("ça va, juste un
  peu déçu" → ``deception``).
- Only negated cues ("pas en colère") → None: the bot asks again with the buttons.

:func:`classify_moods` keeps every mood named, in the order named ("déçue et un peu en
colère" → deception, colere); ``ca_va`` is dropped when a difficult mood is named too.
:func:`moods_response` acknowledges each of them, not only the first.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

from coach.language import writing

__all__ = [
    "JOURNAL_INTRO",
    "JOURNAL_PROMPTS",
    "MOODS",
    "MOOD_BUTTONS",
    "MOOD_LABELS",
    "MOOD_NOT_UNDERSTOOD",
    "MOOD_QUESTION",
    "PAUSE_REPLY",
    "STRATEGY_KEYS",
    "SUCCESS_PROMPT",
    "classify_mood",
    "classify_moods",
    "is_pause_request",
    "mood_response",
    "moods_response",
    "parse_successes",
    "professional_reminder",
    "reframe",
    "strategies",
    "strategies_for",
    "strategy_keys",
    "successes_reply",
]

MOODS: Final[tuple[str, ...]] = (
    "deception",
    "colere",
    "doute",
    "honte",
    "decouragement",
    "ca_va",
)
MOOD_LABELS: Final[dict[str, str]] = {
    "deception": "Déçu·e",
    "colere": "En colère",
    "doute": "Je doute de moi",
    "honte": "Un peu honteux·se",
    "decouragement": "Découragé·e",
    "ca_va": "Ça va",
}
#: (button title, payload) for the mood keyboard; the payload is the mood itself.
MOOD_BUTTONS: Final[tuple[tuple[str, str], ...]] = (
    ("😞 Déçu·e", "deception"),
    ("😠 En colère", "colere"),
    ("😟 Je doute de moi", "doute"),
    ("😳 Un peu honteux·se", "honte"),
    ("😩 Découragé·e", "decouragement"),
    ("🙂 Ça va", "ca_va"),
)
MOOD_QUESTION: Final = (
    "Comment vous sentez-vous après cette réponse ? Choisissez ce qui s'en rapproche le plus, "
    "ou dites-le avec vos propres mots."
)
MOOD_NOT_UNDERSTOOD: Final = (
    "Je n'ai pas bien saisi ce que vous ressentez. Lequel de ces mots s'en approche le plus ?"
)

# --------------------------------------------------------------------------- normalisation

_APOSTROPHES: Final = "'’‘`´ʼ"


def _normalise(text: str) -> str:
    """Folded words separated by single spaces; clause breaks kept as " | "."""
    text = (text or "")[:2000].lower().replace("œ", "oe").replace("æ", "ae")
    for mark in _APOSTROPHES:
        text = text.replace(mark, " ")
    text = "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    )
    text = re.sub(r"[.!?;:,…\n\r()\[\]]+", " | ", text)
    text = re.sub(r"[^a-z0-9| ]+", " ", text)
    return " ".join(text.split())


# --------------------------------------------------------------------------- classification

_CUES: Final[dict[str, tuple[str, ...]]] = {
    "honte": (
        r"honte",
        # Bare "honteux" too; "c'est honteux (de leur part)" is a longer anger cue and wins.
        r"honteu(?:x|se)",
        r"gene|genee|genes|genees",
        r"embarrasse|embarrassee",
        r"humilie|humiliee|humiliation|humiliant|humiliante",
        r"ridicule|ridiculise|ridiculisee",
        r"mal\s+a\s+l\s+aise",
        r"(?:pas|plus)\s+ose\s+(?:le\s+dire|en\s+parler|l\s+annoncer)",
        r"n\s+ose\s+(?:pas|plus)\s+(?:le\s+dire|en\s+parler|l\s+annoncer)",
        r"(?:cacher|je\s+me\s+cache)",
    ),
    "doute": (
        r"nul|nulle|nuls|nulles|null",
        r"pas\s+(?:a\s+la\s+hauteur|assez\s+(?:bien|bon|bonne|competent|competente|qualifie"
        r"|qualifiee|fort|forte))",
        r"incompetent|incompetente|incapable",
        r"(?:je\s+)?doute\s+de\s+moi|doutes?|je\s+doute",
        r"(?:me\s+)?remets?\s+en\s+question|remise\s+en\s+question",
        r"(?:je\s+)?(?:ne\s+)?vaux\s+rien|bon(?:ne)?\s+a\s+rien",
        r"pas\s+fait(?:e)?\s+pour",
        r"imposteur|imposture",
        r"(?:manque|perdu|perte)\s+de\s+confiance|plus\s+confiance\s+en\s+moi",
        r"c\s+est\s+(?:de\s+)?ma\s+faute",
        r"(?:qu\s+est\s+ce\s+qui|ce\s+qui)\s+(?:ne\s+va\s+pas|cloche)\s+chez\s+moi",
        r"j\s+ai\s+tout\s+rate|je\s+rate\s+tout",
        r"(?:je\s+suis|me\s+sens|trop|tellement|vraiment)\s+(?:mauvais|mauvaise)",
        r"pas\s+(?:assez\s+)?legitime|illegitime",
    ),
    "colere": (
        r"(?:en\s+)?colere",
        r"enerve|enervee|enerves|enervant|enervante",
        r"venere|vener|vnr|furax|furieux|furieuse|rage|rageant|rageante|enrage|enragee",
        r"injuste|injustice|pas\s+juste",
        r"scandale|scandaleux|scandaleuse|honteux\s+de\s+leur\s+part|c\s+est\s+honteux",
        r"agace|agacee|agacant|saoule|saoulee|soule|soulee|gonfle|gonflee",
        r"revolte|revoltee|outree|indigne|indignee|fache|fachee",
        r"(?:ils\s+)?se\s+(?:fichent|foutent|moquent)\s+de|irrespectueu(?:x|se)|mepris",
        r"frustre|frustree|frustrant|frustrante|frustration",
    ),
    "decouragement": (
        r"decourage|decouragee|decourageant|decourageante|decouragement",
        r"demotive|demotivee|demotivant|demotivation",
        r"(?:plus|pas|aucune)\s+(?:d\s+)?envie(?:\s+de\s+(?:chercher|continuer|postuler|rien))?",
        r"a\s+quoi\s+bon",
        r"(?:ca\s+)?(?:ne\s+)?sert\s+a\s+rien",
        r"(?:j\s+)?abandonne|abandonner|baisser\s+les\s+bras|laisser\s+tomber|tout\s+lacher",
        r"epuise|epuisee|fatigue|fatiguee|lasse|lassee|lassitude|use|usee|vide|videe|blase|blasee",
        r"marre|ras\s+le\s+bol",
        r"(?:j\s+)?y\s+arriverai\s+jamais|je\s+n\s+y\s+arriverai\s+jamais|jamais\s+(?:de\s+)?"
        r"(?:boulot|travail|job|poste)",
        r"(?:encore|enieme|enneme)\s+(?:un\s+)?refus|refus\s+de\s+plus",
        r"moral\s+(?:a\s+zero|dans\s+les\s+chaussettes)|sans\s+espoir|desespere|desesperee",
        r"(?:plus|pas)\s+(?:de\s+)?motivation|pas\s+motive|pas\s+motivee|plus\s+motive"
        r"|plus\s+motivee",
        # « ça va, j'ai l'habitude maintenant »: used to rejections is weariness, not fine.
        r"(?:j\s+ai|jai|on\s+a|avoir)\s+l\s+habitude|habituee?\s+(?:aux|a\s+ces)\s+refus",
    ),
    "deception": (
        r"decu|decue|decus|decues|deception|decevant|decevante",
        r"degoute|degoutee|degoutes|dego|deg",
        r"triste|tristesse|chagrin",
        r"j\s+y\s+(?:croyais|tenais)|j\s+(?:y\s+)?avais\s+cru",
        r"ca\s+fait\s+mal|ca\s+pique|dur\s+a\s+avaler|douche\s+froide|coup\s+dur|ca\s+fait\s+un\s+coup",
        r"(?:ca\s+)?(?:ne\s+)?va\s+(?:pas|mal|pas\s+fort|pas\s+terrible|pas\s+trop)",
        r"pas\s+(?:bien|top|terrible|fort|la\s+joie|ouf)",
        r"je\s+suis\s+mal|mal\s+vecu|bof|sad|abattu|abattue",
        r"le\s+coeur\s+gros|les\s+boules|seum|dommage",
        r"sonne|sonnee|assomme|assommee|sous\s+le\s+choc|choque|choquee",
    ),
    "ca_va": (
        r"ca\s+va|ca\s+passe|ca\s+roule|ca\s+ira|ca\s+va\s+aller",
        r"tranquille|tranquillou|serein|sereine|zen|calme|detendu|detendue",
        r"(?:plutot|tres|assez|super)?\s*bien|pas\s+(?:si\s+)?mal|pas\s+grave|pas\s+de\s+souci",
        r"je\s+gere|ok|okay|nickel|motive|motivee|positif|positive|confiant|confiante",
        r"c\s+est\s+la\s+vie|je\s+m\s+y\s+attendais|on\s+rebondit|je\s+rebondis|je\s+m\s+en\s+remettrai",
        r"(?:ca\s+)?(?:ne\s+)?me\s+touche\s+pas|pas\s+(?:trop|vraiment)\s+(?:touche|affecte)e?",
    ),
}
_COMPILED: Final[dict[str, re.Pattern[str]]] = {
    mood: re.compile(r"(?<![a-z0-9])(?:" + "|".join(cues) + r")(?![a-z0-9])")
    for mood, cues in _CUES.items()
}
_NEGATORS: Final = frozenset({"pas", "plus", "jamais", "ni", "sans", "aucun", "aucune", "guere"})
_CLAUSE_BREAKS: Final = frozenset(
    {"|", "mais", "plutot", "juste", "surtout", "seulement", "contre", "et", "car", "sauf"}
)
_SPECIFIC: Final = ("honte", "doute", "colere", "decouragement")


def _negated(text: str, start: int) -> bool:
    # "de plus en plus" and "en plus" (moreover) add, they do not negate.
    before = (
        text[:start].replace("de plus en plus", "de_plus_en_plus").replace("en plus", "en_plus")
    ).split()
    window: list[str] = []
    for word in reversed(before):
        if word in _CLAUSE_BREAKS or len(window) == 3:
            break
        window.append(word)
    return any(word in _NEGATORS for word in window)


def _mentions(text: str) -> list[tuple[int, str]]:
    """(position, mood) of every cue that is neither negated nor part of a longer cue."""
    spans = [
        (match.start(), match.end(), mood)
        for mood, pattern in _COMPILED.items()
        for match in pattern.finditer(text)
        if match.group(0).strip() and not _negated(text, match.start())
    ]
    kept = [
        (start, mood)
        for start, end, mood in spans
        # "pas bien" holds "bien", "ça va pas" holds "ça va": only the longer cue counts.
        if not any(
            s <= start and end <= e and (e - s) > (end - start) and m != mood for s, e, m in spans
        )
    ]
    return sorted(kept)


def classify_mood(text: str) -> str | None:
    """The mood a message expresses (see the module notes), or None when unclear."""
    normalised = _normalise(text)
    if not normalised:
        return None
    as_payload = normalised.replace(" ", "_")
    if as_payload in MOODS:
        return as_payload
    moods = [mood for _, mood in _mentions(normalised)]
    for mood in moods:
        if mood in _SPECIFIC:
            return mood
    if "deception" in moods:
        return "deception"
    if "ca_va" in moods:
        return "ca_va"
    return None


def classify_moods(text: str) -> tuple[str, ...]:
    """Every mood the message names, in the order named; () when :func:`classify_mood` is None.

    ``ca_va`` only stands alone: next to a difficult feeling it is a way of speaking.
    """
    primary = classify_mood(text)
    if primary is None:
        return ()
    named = list(dict.fromkeys(mood for _, mood in _mentions(_normalise(text))))
    if primary not in named:  # a mood typed as its payload ("colere")
        return (primary,)
    hard = [mood for mood in named if mood != "ca_va"]
    return tuple(hard) or (primary,)


# --------------------------------------------------------------------------- responses

# Each variant: (an opening that can carry the first name, the rest).
_RESPONSES: Final[dict[str, tuple[tuple[str, str], ...]]] = {
    "deception": (
        (
            "Merci de me le confier.",
            "Être déçu·e montre surtout que ce poste comptait pour vous : vous y aviez mis du "
            "temps et de l'espoir. C'est une réaction saine, et elle finira par s'apaiser.",
        ),
        (
            "Je comprends.",
            "Vous vous voyiez déjà dans ce poste, alors ce « non » laisse un vide : cette "
            "déception est tout à fait normale. Prenez le temps qu'il vous faut, on avancera "
            "ensuite ensemble.",
        ),
        (
            "C'est dur à recevoir.",
            "Votre déception dit à quel point vous vous étiez engagé·e dans cette candidature. "
            "Elle est légitime ; vous n'avez pas à la balayer tout de suite.",
        ),
    ),
    "colere": (
        (
            "Votre colère se comprend.",
            "Après tant d'efforts, une réponse négative peut paraître injuste, surtout sans "
            "explication. Elle a le droit d'exister ; laissez-la simplement retomber avant "
            "d'écrire quoi que ce soit à l'entreprise.",
        ),
        (
            "C'est rageant, je l'entends.",
            "Se sentir agacé·e face à une décision qu'on ne maîtrise pas arrive à beaucoup de "
            "monde. Défoulez-vous ailleurs que dans votre boîte mail : on préparera la suite "
            "à tête reposée.",
        ),
    ),
    "doute": (
        (
            "Ce doute est fréquent après un refus,",
            "mais il ne dit pas la vérité sur vous. Un recrutement se joue souvent sur des "
            "éléments hors de votre portée : un candidat déjà dans la maison, un budget revu, "
            "l'équilibre d'une équipe. Ce « non » porte sur une candidature, pas sur ce que "
            "vous valez.",
        ),
        (
            "Se remettre en question après une réponse négative, c'est humain.",
            "Vos compétences, elles, n'ont pas disparu avec cette réponse : l'entreprise a retenu "
            "un profil, "
            "elle n'a pas mesuré votre valeur. On peut d'ailleurs les lister ensemble.",
        ),
    ),
    "honte": (
        (
            "Il n'y a aucune honte à avoir.",
            "Presque tout le monde essuie des refus en cherchant un emploi, y compris des gens "
            "que vous admirez : on en parle juste très peu. Ce qui vous arrive est courant, "
            "pas un échec personnel.",
        ),
        (
            "Merci d'oser le dire, ce n'est pas facile.",
            "Un refus n'a rien de honteux : c'est une étape presque obligée de toute recherche "
            "d'emploi. Vous n'avez ni à vous cacher, ni à vous justifier.",
        ),
    ),
    "decouragement": (
        (
            "Je comprends cette lassitude,",
            "surtout quand les réponses négatives s'enchaînent. Ce coup de fatigue ne veut pas "
            "dire que vous n'y arriverez pas : il signale qu'il est temps de souffler un peu, "
            "puis de repartir à petits pas.",
        ),
        (
            "Avoir envie de tout poser quand les efforts semblent sans effet, c'est normal.",
            "Ne décidez rien de définitif aujourd'hui. On peut commencer par un objectif tout "
            "petit, à votre portée cette semaine.",
        ),
    ),
    "ca_va": (
        (
            "Tant mieux !",
            "Accueillir un refus avec du recul, c'est une vraie force. Si la déception se "
            "manifeste un peu plus tard, c'est normal aussi : vous pourrez m'en parler à ce "
            "moment-là.",
        ),
        (
            "Bonne nouvelle.",
            "Profitons de cet élan pour tirer de ce refus ce qu'il peut vous apprendre et "
            "préparer la suite. Et si le moral flanche dans les prochains jours, je suis là.",
        ),
    ),
}


def _safe_name(first_name: str | None) -> str | None:
    if not first_name:
        return None
    # Letters, spaces, hyphens and apostrophes only: the name is shown in a chat message.
    cleaned = re.sub(r"<[^>]*>", "", first_name)
    cleaned = re.sub(r"[^\w\s'’\-]|[\d_]", "", cleaned)
    cleaned = " ".join(cleaned.split())[:40].strip(" -'’")
    return cleaned or None


def _with_name(opening: str, name: str | None) -> str:
    if not name:
        return opening
    stripped = opening.rstrip()
    if stripped.endswith((" !", " ?")):
        return f"{stripped[:-2]}, {name}{stripped[-2:]}"
    if stripped.endswith((".", ",")):
        return f"{stripped[:-1]}, {name}{stripped[-1]}"
    return f"{stripped}, {name}"


def mood_response(mood: str, *, first_name: str | None = None, variant: int = 0) -> str:
    """A short validating answer for ``mood``; ``variant`` picks a wording (modulo)."""
    if mood not in _RESPONSES:
        raise ValueError(f"unknown mood: {mood!r}")
    variants = _RESPONSES[mood]
    opening, rest = variants[variant % len(variants)]
    return f"{_with_name(opening, _safe_name(first_name))} {rest}"


#: How each mood is named inside a sentence, and one short line acknowledging it when the
#: person names several feelings at once.
_MOOD_NOUNS: Final[dict[str, str]] = {
    "deception": "de la déception",
    "colere": "de la colère",
    "doute": "du doute",
    "honte": "de la gêne",
    "decouragement": "de la lassitude",
}
_MOOD_LINES: Final[dict[str, str]] = {
    "deception": "La déception dit combien ce poste comptait pour vous : elle est légitime.",
    "colere": (
        "La colère se comprend face à une décision qui paraît injuste ; laissez-la retomber "
        "avant d'écrire quoi que ce soit à l'entreprise."
    ),
    "doute": (
        "Le doute, lui, ne dit pas la vérité sur vous : ce « non » porte sur une candidature, "
        "pas sur ce que vous valez."
    ),
    "honte": "Quant à la gêne, elle n'a pas lieu d'être : presque tout le monde essuie des refus.",
    "decouragement": (
        "Et la lassitude signale surtout qu'il est temps de souffler un peu avant de repartir "
        "à petits pas."
    ),
}


def _joined(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} et {items[-1]}"


def moods_response(
    moods: tuple[str, ...] | list[str], *, first_name: str | None = None, variant: int = 0
) -> str:
    """An answer that acknowledges every mood named; one mood is :func:`mood_response`."""
    named = [mood for mood in dict.fromkeys(moods) if mood in _MOOD_LINES]
    if len(named) < 2:
        return mood_response(
            moods[0] if moods else "deception", first_name=first_name, variant=variant
        )
    opening = _with_name("Merci de me le dire.", _safe_name(first_name))
    mix = (
        f"Vous ressentez à la fois {_joined([_MOOD_NOUNS[mood] for mood in named])} : ce "
        "mélange est très courant après un refus, et chacun de ces sentiments a sa place."
    )
    lines = " ".join(_MOOD_LINES[mood] for mood in named)
    return f"{opening} {mix}\n\n{lines}"


def strategies_for(moods: tuple[str, ...] | list[str], *, limit: int = 3) -> list[str]:
    """Strategies for several moods: the most useful one of each in turn, no repeats."""
    orders = [strategy_keys(mood) for mood in dict.fromkeys(moods)] or [strategy_keys("deception")]
    picked: list[str] = []
    for rank in range(len(STRATEGY_KEYS)):
        for order in orders:
            if order[rank] not in picked:
                picked.append(order[rank])
    return [_STRATEGIES[key] for key in picked[:limit]]


# --------------------------------------------------------------------------- strategies

#: The six ideas, each in one sentence.
_STRATEGIES: Final[dict[str, str]] = {
    "ressentir": (
        "Accordez-vous un jour ou deux pour encaisser : ce que vous ressentez a le droit "
        "d'exister avant de passer à la suite."
    ),
    "parler": (
        "Parlez-en à quelqu'un en qui vous avez confiance (ami·e, proche, mentor ou mentore) : "
        "mettre des mots sur ce refus aide à prendre de la distance et à se sentir moins seul·e."
    ),
    "forces": (
        "Notez ce que vous savez bien faire et quelques réussites récentes : relire cette "
        "liste remet les choses à leur juste place."
    ),
    "apprendre": (
        "Voyez cette candidature comme un entraînement : chaque processus vous rend plus à "
        "l'aise et vous en dit un peu plus sur ce que cherchent les recruteurs."
    ),
    "prendre_soin": (
        "Prenez soin de vous : bouger, retrouver une activité qui vous plaît ou passer du temps "
        "avec vos proches fait redescendre la pression."
    ),
    "objectifs": (
        "Fixez-vous un objectif modeste et concret pour les jours qui viennent, par exemple "
        "envoyer deux candidatures ou recontacter une personne de votre réseau."
    ),
}
STRATEGY_KEYS: Final[tuple[str, ...]] = tuple(_STRATEGIES)

_ORDER: Final[dict[str, tuple[str, ...]]] = {
    "deception": ("ressentir", "parler", "forces", "apprendre", "prendre_soin", "objectifs"),
    "colere": ("ressentir", "prendre_soin", "parler", "apprendre", "objectifs", "forces"),
    "doute": ("forces", "parler", "apprendre", "ressentir", "objectifs", "prendre_soin"),
    "honte": ("parler", "forces", "ressentir", "apprendre", "prendre_soin", "objectifs"),
    "decouragement": ("prendre_soin", "objectifs", "forces", "parler", "ressentir", "apprendre"),
    "ca_va": ("apprendre", "objectifs", "forces", "prendre_soin", "parler", "ressentir"),
}


def strategy_keys(mood: str) -> tuple[str, ...]:
    """The six strategy ids, most useful first for ``mood``."""
    if mood not in _ORDER:
        raise ValueError(f"unknown mood: {mood!r}")
    return _ORDER[mood]


def strategies(mood: str, *, limit: int | None = None) -> list[str]:
    """The strategies as French sentences, ordered for ``mood`` (``limit`` keeps the first N)."""
    keys = strategy_keys(mood)
    if limit is not None:
        keys = keys[: max(0, limit)]
    return [_STRATEGIES[key] for key in keys]


def professional_reminder(company: str | None = None) -> str:
    """A brief nudge to stay professional: thank, keep the door open, LinkedIn if it went well."""
    target = writing.company(company) if company and company.strip() else "l'entreprise"
    return (
        f"Quand vous vous en sentirez prêt·e, un court message pour remercier {target} du "
        "temps accordé laisse une bonne image et garde le contact pour une prochaine "
        "ouverture. Si le courant est bien passé, proposez aussi de rester en lien sur LinkedIn."
    )


_REFRAMES: Final[tuple[str, ...]] = (
    "Et si ce refus était aussi une information ? Il vous dit quelque chose sur le poste, "
    "sur l'entreprise ou sur la façon de vous présenter, et cela servira pour la prochaine "
    "candidature.",
    "Chaque candidature vous a fait progresser : vous savez mieux parler de votre parcours "
    "qu'au début de vos recherches. Ce « non » fait partie du chemin, pas de la conclusion.",
)


def reframe(variant: int = 0) -> str:
    """A short reframing message: the rejection as something to learn from."""
    return _REFRAMES[variant % len(_REFRAMES)]


# --------------------------------------------------------------------------- journal

JOURNAL_INTRO: Final = (
    "Écrire quelques lignes dans votre journal des refus aide à y voir plus clair et, avec le "
    "temps, à repérer ce qui se répète. Ces notes restent entre vous et moi."
)
JOURNAL_PROMPTS: Final[tuple[str, ...]] = (
    "Qu'est-ce qui a été le plus difficile à entendre dans cette réponse, et pourquoi à votre "
    "avis ?",
    "Dans cette candidature, que referiez-vous de la même façon, et que changeriez-vous ?",
    "Qu'avez-vous appris sur vous-même ou sur ce que vous recherchez grâce à cette expérience ?",
)
SUCCESS_PROMPT: Final = (
    "Citez-moi trois réussites récentes, petites ou grandes : une mission menée à bien, un "
    "compliment reçu, une compétence acquise… Une par ligne, ou séparées par des "
    "points-virgules."
)

_BULLET = re.compile(r"^\s*(?:[-•*·–—>✅✔️🔹▪️]+|\d{1,2}\s*[.)/°-]|\(\d{1,2}\))\s*")
_INLINE_NUMBERS = re.compile(r"(?:^|\s)(?:\d{1,2}\s*[.)/-]|\(\d{1,2}\))\s+")
# After " et ", a new item starts with a subject, a determiner or a past participle's helper.
_NEW_ITEM_AFTER_ET = re.compile(
    r"\s+et\s+(?=(?:j['’]|je\s|mon\s|ma\s|mes\s|un\s|une\s|le\s|la\s|les\s|l['’]|des\s|du\s"
    r"|d['’]|on\s|il\s|elle\s|ils\s|elles\s|enfin\s|aussi\s))",
    re.IGNORECASE,
)
_MAX_SUCCESSES: Final = 3


def _tidy(item: str) -> str:
    item = _BULLET.sub("", item)
    item = " ".join(item.split()).strip(" ,;.:-–—")
    return item[:300]


def parse_successes(text: str) -> list[str]:
    """Split a message into up to three successes: lines, bullets, numbers, ";", ",", " et "."""
    raw = (text or "").strip()
    if not raw:
        return []
    items: list[str]
    lines = [line for line in raw.splitlines() if line.strip()]
    if len(lines) > 1:
        items = lines
    elif len(_INLINE_NUMBERS.findall(raw)) >= 2:
        items = _INLINE_NUMBERS.split(raw)
    elif ";" in raw:
        items = raw.split(";")
    elif "," in raw:
        # "A, B et C": the final " et " separates the last two items.
        parts = raw.split(",")
        items = [*parts[:-1], *re.split(r"\s+et\s+", parts[-1], maxsplit=1)]
    else:
        items = _NEW_ITEM_AFTER_ET.split(raw)
    cleaned = [_tidy(item) for item in items]
    return [item for item in cleaned if re.search(r"\w", item)][:_MAX_SUCCESSES]


def successes_reply(items: list[str]) -> str:
    """What to answer once the successes are parsed (asks for more when fewer than three)."""
    count = len(items)
    if count == 0:
        return (
            "Je n'ai pas trouvé de réussite dans votre message. Même une petite victoire "
            "compte : qu'avez-vous réussi ces dernières semaines ?"
        )
    if count < _MAX_SUCCESSES:
        missing = _MAX_SUCCESSES - count
        more = "une autre" if missing == 1 else "deux autres"
        return f"C'est noté. En voyez-vous {more} ? Sinon, répondez « c'est tout »."
    return (
        "Bravo, ce sont trois vraies réussites. Gardez-les en tête : elles sont une meilleure "
        "mesure de votre valeur qu'une seule réponse négative."
    )


# --------------------------------------------------------------------------- pause

_PAUSE = re.compile(
    r"\b(?:on\s+en\s+(?:re)?parle(?:ra)?\s+(?:demain|plus\s+tard|une\s+autre\s+fois|"
    r"apres|ce\s+soir|la\s+semaine\s+prochaine)|on\s+(?:en\s+)?(?:reparle|reprend|continue|"
    r"verra|voit)\s+(?:ca\s+)?(?:demain|plus\s+tard|une\s+autre\s+fois|ce\s+soir)|pas\s+"
    r"(?:maintenant|tout\s+de\s+suite|aujourd\s+hui|ce\s+soir|le\s+moment)|plus\s+tard|"
    r"une\s+autre\s+fois|je\s+(?:reviens|repasse|reviendrai|repasserai|te\s+redis|vous\s+"
    r"redis)\b|(?:a|à)\s+demain\b|on\s+fait\s+une\s+pause|(?:faire|je\s+fais|je\s+prends)\s+"
    r"une\s+pause|je\s+(?:n\s+ai\s+|ai\s+)?pas\s+(?:le\s+)?temps|(?:pas|plus)\s+(?:la\s+)?"
    r"force\s+(?:d\s+en\s+parler|maintenant|ce\s+soir)|stop\s+pour\s+(?:aujourd\s+hui|"
    r"ce\s+soir|l\s+instant)|on\s+arrete\s+(?:la|pour\s+aujourd\s+hui|pour\s+ce\s+soir)|"
    r"je\s+dois\s+(?:y\s+aller|filer|partir|te\s+laisser|vous\s+laisser)|"
    r"(?:pas|plus)\s+envie\s+d\s+en\s+parler)"
)


def is_pause_request(text: str) -> bool:
    """ "on en reparle demain", "pas maintenant", "plus tard", "je reviens demain"…"""
    return bool(_PAUSE.search(_normalise(text).replace("|", " ")))


PAUSE_REPLY: Final = (
    "Bien sûr, on s'arrête là pour aujourd'hui. Je vous fais signe demain pour reprendre là "
    "où nous en étions ; d'ici là, prenez soin de vous."
)
