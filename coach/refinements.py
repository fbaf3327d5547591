"""Changes asked to a draft, read and applied honestly: pure and deterministic.

:func:`parse_refinement` reads « plus court », « plus formel », « moins formel », « plus
chaleureux », « plus spécifique », « ajoute une question sur mes compétences techniques »,
« ajoute que je reste intéressée », « en anglais », « en fait plutôt par téléphone »… into a
:class:`Refinement`. :func:`revise` applies each change asked and keeps only those that
really change the text; each other one gets a reason in French (already at its shortest,
already formal, drafts are written in French only…). The person is never told « voici la
nouvelle version » over the same text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Final

from coach.channels import read_channel
from coach.drafts import (
    AREA_LABELS,
    MAX_ADDITION_CHARS,
    MAX_WORDS,
    VARIANT_NAMES,
    Draft,
    DraftContext,
    DraftOptions,
    compose,
    word_count,
)

__all__ = [
    "ENGLISH_REFUSAL",
    "MAX_ADDITIONS",
    "Refinement",
    "Revision",
    "apply_refinement",
    "parse_refinement",
    "revise",
]

# --------------------------------------------------------------------------- refinement


def _fold(text: str) -> str:
    """Lowercase, no accents, apostrophes as spaces: one character in, one character out
    (positions in the folded text are positions in the original)."""
    out = []
    for char in text or "":
        base = unicodedata.normalize("NFKD", char)[:1] or char
        out.append(" " if base in "’'`" else (base.lower()[:1] or base))
    return "".join(out)


_SHORTER: Final = re.compile(
    r"\b(?:plus court\w*|plus cour|plu court\w*|raccourci\w*|racourci\w*|"
    r"plus bref|plus breve|moins long\w*|trop long\w*|plus concis\w*|resume\w*|abrege\w*|"
    r"moins de (?:texte|mots|blabla)|trop de (?:texte|blabla)|version courte|en bref|"
    r"allege\w*|alleger|moins longue|enleve des phrases)"
)
_LONGER: Final = re.compile(
    r"\b(?:plus long\w*|moins court\w*|developpe\w*|plus complet\w*|rallonge\w*|etoffe\w*|"
    r"trop court\w*|version longue|version complete)"
)
_FORMAL: Final = re.compile(
    r"\b(?:plus formel\w*|plus poli\w*|plus soutenu\w*|plus pro\b|plus professionn\w*|"
    r"plus respectueu\w*|plus protocolaire|plus serieu\w*|moins familier\w*|plus corporate|"
    r"plus formelle)"
)
_CASUAL: Final = re.compile(
    r"\b(?:moins formel\w*|moins formelle|plus simple|plus decontract\w*|plus direct\w*|"
    r"plus naturel\w*|moins guinde\w*|moins pompeu\w*|moins rigide|moins soutenu\w*|"
    r"moins coince\w*|plus detendu\w*|trop formel\w*|moins froid\w*|trop pompeu\w*|"
    r"plus familier\w*|plus leger|plus legere)"
)
_WARMER: Final = re.compile(
    r"\b(?:plus chaleureu\w*|plus chaleureuse|plus sympa\w*|plus amical\w*|plus humain\w*|"
    r"plus personnel\w*|plus enthousias\w*|plus cordial\w*|plus gentil\w*|plus doux|"
    r"plus douce|moins froid\w*|trop froid\w*|plus chaleur\w*|chaleureu\w*|adouci\w*|"
    r"moins sec|un peu sec|trop sec)"
)
_SPECIFIC: Final = re.compile(
    r"\b(?:plus specifique|plus precis\w*|plus detaille\w*|plus cible\w*|specifique)\b"
)
_GENERAL: Final = re.compile(
    r"\b(?:plus general\w*|plus vague|moins precis\w*|moins specifique|plus generique|"
    r"enleve les points|retire les points|sans les points)"
)
_ENGLISH: Final = re.compile(r"\b(?:en anglais|in english|english|anglais|tradui\w*|translate)\b")
_ADD: Final = re.compile(
    r"\b(?:ajoute\w*|rajoute\w*|mets?|mettre|inclu\w*|integre\w*|"
    r"demande\w*|pose\w*)\b.*\b(?:question|point|demande|sur|concernant)\b"
)
# « ajoute que je reste intéressée », « précise que je suis disponible dès janvier »
_ADD_THAT: Final = re.compile(
    r"\b(?:ajoute\w*|rajoute\w*|precise\w*|mentionne\w*|dis|dites|indique\w*|mets|mettez|"
    r"ecris|ecrivez|signale\w*|glisse\w*|rappelle\w*)\s+(?:aussi\s+|egalement\s+|bien\s+|"
    r"leur\s+|lui\s+)?(?:que\s+|qu\s+)"
)
_ADD_TAIL: Final = re.compile(
    r"\s*(?:,?\s*(?:stp|svp|s'il te pla[iî]t|s'il vous pla[iî]t|merci|dans le (?:mail|message|"
    r"texte|brouillon)|au (?:mail|message))\s*)+$",
    re.IGNORECASE,
)
_KEEP_IN_TOUCH: Final = re.compile(
    r"\b(?:interess\w*|toujours partant\w*|garder le contact|rester en contact|"
    r"reste (?:motive\w*|ouvert\w*)|futures? (?:opportunit\w*|offres?|postes?))"
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
MAX_ADDITIONS: Final = 3
# « raccourcis le mail », « ton message est trop long »: the draft itself, whatever its channel
# (a meeting request is a mail too), not a channel asked for.
_THE_DRAFT: Final = re.compile(
    r"\b(?:le|l['’ ]|ce|cet|cette|ton|ta|mon|ma|du|au|votre|dans le)\s*"
    r"(?:petit\s+)?(?:e-?mails?|mails?|message|courriel|brouillon|script|texte)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Refinement:
    shorter: bool = False
    formal: bool | None = None  # True: more formal, False: less formal
    specific: bool | None = None
    add_areas: tuple[str, ...] = ()
    extra_question: str | None = None
    warmer: bool = False
    longer: bool = False
    keep_in_touch: bool = False
    additions: tuple[str, ...] = ()
    english: bool = False
    channel: str | None = None  # coach.channels: « en fait plutôt par téléphone »

    @property
    def empty(self) -> bool:
        return self == Refinement()


def _sentence(raw: str) -> str | None:
    """The person's own words as one sentence of the draft (« Je reste disponible. »)."""
    text = _ADD_TAIL.sub("", raw.strip()).strip(' .!?;,«»"')
    if not text or not any(c.isalpha() for c in text):
        return None
    if len(text) > MAX_ADDITION_CHARS:
        text = text[:MAX_ADDITION_CHARS].rsplit(" ", 1)[0]
    return text[0].upper() + text[1:] + "."


def parse_refinement(text: str) -> Refinement:
    """« plus court », « plus formel », « ajoute une question sur mes compétences
    techniques », « ajoute que je reste intéressée », « en anglais », « plutôt par
    téléphone »…"""
    original = text or ""
    folded = _fold(original)
    areas: list[str] = []
    extra: str | None = None
    additions: list[str] = []
    keep_in_touch = False
    said = _ADD_THAT.search(folded)
    instructions = original
    if said:
        what = original[said.end() :]
        if _KEEP_IN_TOUCH.search(_fold(what)):
            keep_in_touch = True
        else:
            sentence = _sentence(what)
            if sentence:
                additions.append(sentence)
        # The rest is their sentence, not instructions to the coach.
        folded, instructions = folded[: said.start()], original[: said.start()]
    elif _ADD.search(folded):
        for area, cue in _AREA_CUES:
            if cue.search(folded):
                areas.append(area)
                break
        if not areas:
            found = re.search(r"\b(?:sur|concernant|a propos de)\s+(.{3,120})$", original, re.I)
            if found:
                extra = _ADD_TAIL.sub("", found.group(1)).strip(" .!?")
    folded = re.sub(r"(?:^|\s)\+\s*", " plus ", folded)  # « + court », « + formel »
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
    shorter = bool(_SHORTER.search(folded))
    warmer = bool(_WARMER.search(folded))
    if warmer and formal is False:
        formal = None  # « moins formel, plus chaleureux » is one move: to the warm tone
    return Refinement(
        shorter=shorter,
        formal=formal,
        specific=specific,
        add_areas=tuple(areas),
        extra_question=extra,
        warmer=warmer,
        longer=not shorter and bool(_LONGER.search(folded)),
        keep_in_touch=keep_in_touch,
        additions=tuple(additions),
        english=bool(_ENGLISH.search(folded)),
        channel=read_channel(_THE_DRAFT.sub(" ", instructions)).wanted,
    )


_DEFAULT_AREAS: Final = ("qualifications", "interview", "fit")
_EMAILS: Final = ("general", "specific")


def _with_areas(options: DraftOptions, areas: tuple[str, ...], extra: str | None) -> DraftOptions:
    variant = options.variant
    if variant in _EMAILS:
        variant = "specific" if areas or extra else "general"
    return replace(options, variant=variant, areas=areas, extra_question=extra)


def _less_formal(options: DraftOptions) -> DraftOptions:
    return options.with_tone("neutral" if options.tone == "formal" else "warm")


@dataclass(frozen=True)
class _Step:
    """One change asked: how it transforms the options, its words when it is done, and
    why it changed nothing when it did not (``before`` is the text it was applied to)."""

    apply: Callable[[DraftOptions], DraftOptions]
    done: str
    why_not: Callable[[DraftOptions, Draft, DraftContext], str]
    adjective: bool = True  # « une version plus courte » / « … avec votre ajout »


def _already_interested(draft: Draft) -> str:
    said = re.search(r"[^.\n]*m'intéresse toujours", draft.body)
    return f"Le texte le dit déjà : « {said.group(0).strip()} »." if said else ""


def _area_step(area: str) -> _Step:
    def apply(o: DraftOptions) -> DraftOptions:
        return _with_areas(o, tuple(dict.fromkeys((*o.areas, area))), o.extra_question)

    return _Step(
        apply,
        f"avec la question sur {AREA_LABELS[area]}",
        lambda o, d, c: f"La question sur {AREA_LABELS[area]} y figure déjà.",
        adjective=False,
    )


def _addition_step(sentence: str) -> _Step:
    def apply(o: DraftOptions) -> DraftOptions:
        if len(o.additions) >= MAX_ADDITIONS:
            return o
        return replace(o, additions=tuple(dict.fromkeys((*o.additions, sentence))))

    def why_not(o: DraftOptions, d: Draft, c: DraftContext) -> str:
        if sentence in o.additions:
            return "Cette phrase y figure déjà."
        return (
            f"Le texte contient déjà {MAX_ADDITIONS} phrases ajoutées : au-delà, le message "
            "perdrait sa clarté."
        )

    return _Step(apply, "avec votre ajout", why_not, adjective=False)


def _steps(change: Refinement) -> list[_Step]:
    steps: list[_Step] = []
    if change.shorter:
        steps.append(
            _Step(
                lambda o: replace(o, short=True),
                "plus courte",
                lambda o, d, c: (
                    "Le texte est déjà dans sa version la plus courte "
                    f"({word_count(d.body)} mots) : l'alléger encore ferait perdre le "
                    "remerciement ou la question."
                    + (
                        " Je peux retirer les points précis (« plus général »)."
                        if o.areas or o.extra_question
                        else ""
                    )
                ),
            )
        )
    if change.longer:
        steps.append(
            _Step(
                lambda o: replace(o, short=False),
                "plus complète",
                lambda o, d, c: (
                    f"Plus long, le texte dépasserait {MAX_WORDS} mots : une demande de "
                    "retour gagne à rester courte."
                    if d.variant in _EMAILS and d == compose(c, replace(o, short=True))
                    else "C'est déjà sa version complète. Pour l'étoffer, je peux ajouter des "
                    "points précis (« plus spécifique ») ou une phrase de votre choix "
                    "(« ajoute que … »)."
                ),
            )
        )
    if change.formal is True:
        steps.append(
            _Step(
                lambda o: o.with_tone("formal"),
                "plus formelle",
                lambda o, d, c: "Le texte a déjà le ton le plus formel que je propose.",
            )
        )
    if change.formal is False:
        steps.append(
            _Step(
                _less_formal,
                "moins formelle",
                lambda o, d, c: (
                    "Le texte a déjà le ton le plus simple et chaleureux que je propose."
                ),
            )
        )
    if change.warmer:
        steps.append(
            _Step(
                lambda o: o.with_tone("warm"),
                "plus chaleureuse",
                lambda o, d, c: "Le texte a déjà le ton le plus chaleureux que je propose.",
            )
        )
    if change.specific is True and not change.add_areas and not change.extra_question:
        steps.append(
            _Step(
                lambda o: (
                    o if o.areas or o.extra_question else _with_areas(o, _DEFAULT_AREAS, None)
                ),
                "plus précise",
                lambda o, d, c: (
                    "Le texte cite déjà des points précis. Pour en ajouter un, dites par "
                    "exemple « ajoute une question sur mes compétences techniques »."
                ),
            )
        )
    if change.specific is False:
        steps.append(
            _Step(
                lambda o: _with_areas(o, (), None),
                "plus générale",
                lambda o, d, c: "Le texte est déjà général : il ne demande aucun point précis.",
            )
        )
    for area in change.add_areas:
        steps.append(_area_step(area))
    if change.extra_question:
        question = change.extra_question
        steps.append(
            _Step(
                lambda o: _with_areas(o, o.areas, question),
                f"avec la question sur {question}",
                lambda o, d, c: "Cette question y figure déjà.",
                adjective=False,
            )
        )
    if change.keep_in_touch:
        steps.append(
            _Step(
                lambda o: replace(o, keep_in_touch=True),
                "qui redit votre intérêt pour l'entreprise",
                lambda o, d, c: _already_interested(d),
                adjective=False,
            )
        )
    for addition in change.additions:
        steps.append(_addition_step(addition))
    return steps


def apply_refinement(options: DraftOptions, change: Refinement) -> DraftOptions:
    """The options for the next version of a draft (without checking the text changes)."""
    for step in _steps(change):
        options = step.apply(options)
    return options


ENGLISH_REFUSAL: Final = (
    "Je ne rédige qu'en français pour l'instant : je préfère ne pas vous proposer un anglais "
    "approximatif. Si l'entreprise échange en anglais, un outil de traduction donnera une "
    "bonne base, à relire avec soin."
)


@dataclass(frozen=True)
class Revision:
    """A refinement applied: the new draft, what changed and why the rest could not."""

    before: Draft
    draft: Draft
    options: DraftOptions
    done: tuple[_Step, ...]
    not_done: tuple[str, ...]

    @property
    def changed(self) -> bool:
        return self.draft.text() != self.before.text()

    def intro(self) -> str:
        """« Voici une version plus courte et plus formelle du mail (74 mots au lieu de
        141) : » — only meaningful when :attr:`changed`."""
        adjectives = [s.done for s in self.done if s.adjective]
        extras = [s.done for s in self.done if not s.adjective]
        name = VARIANT_NAMES.get(self.draft.variant, "du message")
        if adjectives:
            joined = (
                ", ".join(adjectives[:-1]) + " et " + adjectives[-1]
                if len(adjectives) > 1
                else adjectives[0]
            )
            text = f"Voici une version {joined} {name}"
        else:
            text = f"Voici une nouvelle version {name}"
        if extras:
            text += ", " + ", ".join(extras)
        before, after = word_count(self.before.body), word_count(self.draft.body)
        if after != before and any(s.done in ("plus courte", "plus complète") for s in self.done):
            text += f" ({after} mots au lieu de {before})"
        return text + " :"


def revise(ctx: DraftContext, options: DraftOptions, change: Refinement) -> Revision:
    """Apply each change asked, keeping only those that really change the text; the others
    get a reason in French (already at its shortest, already formal, in English…)."""
    before = compose(ctx, options)
    current, draft = options, before
    done: list[_Step] = []
    not_done: list[str] = []
    if change.english:
        not_done.append(ENGLISH_REFUSAL)
    for step in _steps(change):
        candidate = step.apply(current)
        new = compose(ctx, candidate)
        shrank = word_count(new.body) < word_count(draft.body)
        if new.text() == draft.text() or (step.done == "plus courte" and not shrank):
            not_done.append(step.why_not(current, draft, ctx))
            continue
        current, draft = candidate, new
        done.append(step)
    return Revision(before, draft, current, tuple(done), tuple(dict.fromkeys(not_done)))
