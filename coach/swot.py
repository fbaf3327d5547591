"""The guided SWOT (SPEC §3 flow 8): pre-filled, edited, saved with its date, compared.

The reference article suggests a self-assessment once patterns show up in the feedback:
strengths and weaknesses (internal), opportunities and threats (external), the feedback
serving as a guide for the weaknesses. Here:

- :func:`prefill` drafts the four lists from what the coach already knows: weaknesses from
  the feedback themes (recurring ones first, with how often they came back), strengths from
  the successes the person listed and what employers praised, opportunities and threats
  suggested per theme (training, network, competition on the market…). Every item is a
  suggestion the person keeps, edits or drops.
- :func:`add_item`, :func:`remove_item`, :func:`parse_edit` / :func:`apply_edit` edit a
  draft ("ajoute bonne organisation aux forces", "retire la faiblesse 2").
- :func:`save_swot` keeps a dated copy; :func:`latest_swot` and :func:`previous_swot` find
  them back and :func:`compare` says what moved between two (added, dropped, and items that
  went from one quadrant to another, such as a weakness turned strength).

The 2×2 picture is :func:`coach.charts.swot_chart`. French, vouvoiement, plain text.
Nothing here logs what users wrote.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from coach.feedback import THEMES, analyze
from coach.feedbacks import Patterns, list_feedbacks, patterns_for
from coach.language.fold import fold_keep_length
from coach.models import JournalEntry, Swot, User

__all__ = [
    "ITEM_LIMIT",
    "MAX_ITEMS",
    "QUADRANTS",
    "QUADRANT_LABELS",
    "QuadrantChange",
    "SwotComparison",
    "SwotDraft",
    "SwotEdit",
    "add_item",
    "apply_edit",
    "compare",
    "comparison_message",
    "draft_of",
    "latest_swot",
    "list_swots",
    "parse_edit",
    "prefill",
    "prefill_for",
    "previous_swot",
    "remove_item",
    "save_swot",
    "swot_message",
    "update_swot",
]

QUADRANTS: Final = ("strengths", "weaknesses", "opportunities", "threats")
QUADRANT_LABELS: Final[Mapping[str, str]] = {
    "strengths": "Forces",
    "weaknesses": "Faiblesses",
    "opportunities": "Opportunités",
    "threats": "Menaces",
}
_FROM: Final[Mapping[str, str]] = {
    "strengths": "des forces",
    "weaknesses": "des faiblesses",
    "opportunities": "des opportunités",
    "threats": "des menaces",
}
_TO: Final[Mapping[str, str]] = {
    "strengths": "aux forces",
    "weaknesses": "aux faiblesses",
    "opportunities": "aux opportunités",
    "threats": "aux menaces",
}
MAX_ITEMS: Final = 10  # per quadrant: beyond that, nobody reads the list
ITEM_LIMIT: Final = 160  # characters per item
PREFILL_STRENGTHS: Final = 6
PREFILL_OTHERS: Final = 4

# How each feedback theme reads as a point to work on (competition is a threat instead:
# the person cannot act on how strong the other candidates were).
WEAKNESS_WORDING: Final[Mapping[str, str]] = {
    "experience": "Expérience encore courte sur ce type de poste",
    "technical_skills": "Une compétence technique attendue reste à consolider",
    "cultural_fit": "Accord avec la culture des équipes visées, à mieux démontrer",
    "interview_performance": "Réponses d'entretien à structurer, avec des exemples concrets",
    "communication": "Aisance à l'oral et clarté du discours à renforcer",
    "application_documents": "CV et lettre à cibler davantage sur chaque offre",
    "overqualification": "Profil jugé surqualifié : l'envie du poste est à rendre évidente",
    "enthusiasm": "Intérêt pour l'entreprise à rendre plus visible",
    "problem_solving": "Démarche de résolution de problèmes à rendre plus lisible",
}
OPPORTUNITY_WORDING: Final[Mapping[str, str]] = {
    "experience": "Missions courtes, bénévolat ou freelance pour acquérir une expérience utile",
    "technical_skills": "Formations courtes en ligne, certifiantes, parfois finançables (CPF)",
    "cultural_fit": "Entretiens d'information pour connaître la culture des entreprises visées",
    "interview_performance": "Simulations d'entretien avec un proche, un mentor ou un conseil",
    "communication": "Ateliers ou clubs de prise de parole pour gagner en aisance",
    "application_documents": "Relecture du CV par une personne du métier visé",
    "overqualification": "Postes où l'expérience est un atout : expertise, encadrement, conseil",
    "enthusiasm": "Actualité et projets des entreprises visées, à suivre de près",
    "problem_solving": "Cas pratiques et exercices du métier, en ligne ou en groupe",
    "competition": "Le réseau : recommandations internes et candidatures appuyées",
}
THREAT_WORDING: Final[Mapping[str, str]] = {
    "competition": "Marché concurrentiel : beaucoup de profils proches pour chaque poste",
    "technical_skills": "Outils qui évoluent vite : une compétence non pratiquée s'use",
    "experience": "Offres qui exigent une expérience déjà acquise",
    "overqualification": "Crainte, chez les recruteurs, d'un départ rapide",
    "application_documents": "Tri rapide des CV, parfois automatique, sur des mots-clés",
    "cultural_fit": "Critères de culture rarement écrits dans les annonces",
    "interview_performance": "Entretiens à plusieurs tours, où chaque réponse compte",
}
DEFAULT_OPPORTUNITIES: Final = (
    "Le réseau : anciens collègues, école, LinkedIn",
    "Formations courtes pour rester à jour dans le métier",
)
DEFAULT_THREATS: Final = (
    "Marché de l'emploi concurrentiel",
    "Recrutements longs, qui mettent la patience à l'épreuve",
)


@dataclass(frozen=True)
class SwotDraft:
    strengths: tuple[str, ...] = ()
    weaknesses: tuple[str, ...] = ()
    opportunities: tuple[str, ...] = ()
    threats: tuple[str, ...] = ()

    def items(self, quadrant: str) -> tuple[str, ...]:
        _check(quadrant)
        items: tuple[str, ...] = getattr(self, quadrant)
        return items

    @property
    def empty(self) -> bool:
        return not any(self.items(q) for q in QUADRANTS)


def _check(quadrant: str) -> None:
    if quadrant not in QUADRANTS:
        raise ValueError(f"unknown SWOT quadrant: {quadrant!r}")


def _tidy(text: str) -> str:
    text = " ".join((text or "").split()).strip(" ,;:-–—•*")
    return text[:ITEM_LIMIT].rstrip()


def _key(item: str) -> str:
    """Comparison key: folded, punctuation and a trailing "(revient dans 2 retours)" off."""
    text = re.sub(r"\s*\([^)]*\)\s*$", "", item or "")
    words = re.findall(r"[a-z0-9]+", fold_keep_length(text))
    return " ".join(words)


def _unique(items: Sequence[str], limit: int) -> tuple[str, ...]:
    kept: dict[str, str] = {}
    for item in items:
        text = _tidy(item)
        if text and _key(text) and _key(text) not in kept:
            kept[_key(text)] = text
    return tuple(kept.values())[:limit]


# --------------------------------------------------------------------------- pre-fill


def _count_note(count: int, recurring: bool) -> str:
    return f" (revient dans {count} retours)" if recurring else " (cité dans un retour)"


def prefill(
    patterns: Patterns,
    successes: Sequence[str],
    *,
    feedback_strengths: Sequence[str] = (),
) -> SwotDraft:
    """A first draft from the feedback themes, the listed successes and what was praised.

    ``successes`` come first among strengths (they are the person's own words), then the
    phrases employers praised (``feedback_strengths``, quoted). Weaknesses follow the
    recurring themes first; competition goes to the threats."""
    counts = {t: c for t, c in patterns.theme_counts.items() if t in THEMES and c > 0}
    recurring = [t for t in patterns.recurring if t in counts]
    order = recurring + [t for t in counts if t not in recurring]
    strengths = [
        *successes,
        *(f"Apprécié dans un retour : « {_tidy(p)} »" for p in feedback_strengths),
    ]
    weaknesses = [
        WEAKNESS_WORDING[theme] + _count_note(counts[theme], theme in recurring)
        for theme in order
        if theme in WEAKNESS_WORDING
    ]
    opportunities = [OPPORTUNITY_WORDING[t] for t in order if t in OPPORTUNITY_WORDING]
    threats = [THREAT_WORDING[t] for t in order if t in THREAT_WORDING]
    return SwotDraft(
        strengths=_unique(strengths, PREFILL_STRENGTHS),
        weaknesses=_unique(weaknesses, MAX_ITEMS),
        opportunities=_unique([*opportunities, *DEFAULT_OPPORTUNITIES], PREFILL_OTHERS),
        threats=_unique([*threats, *DEFAULT_THREATS], PREFILL_OTHERS),
    )


# Politeness formulas praise nothing: "bonne continuation" is not a strength.
_COURTESY: Final = re.compile(
    r"^\W*(?:nous vous souhaitons|je vous souhaite|bonne (?:continuation|chance|journee|suite)"
    r"|belle (?:continuation|journee)|merci\b|nous vous remercions|cordialement|bien a vous)"
)
_RECENT_FEEDBACKS: Final = 10
_RECENT_SUCCESS_ENTRIES: Final = 5


def _successes(session: Session, user: User) -> list[str]:
    entries = session.scalars(
        select(JournalEntry.text)
        .where(JournalEntry.user_id == user.id, JournalEntry.kind == "successes")
        .order_by(JournalEntry.created_at.desc(), JournalEntry.id.desc())
        .limit(_RECENT_SUCCESS_ENTRIES)
    )
    items: list[str] = []
    for text in entries:
        items += [line.strip().lstrip("•-* ").strip() for line in text.splitlines()]
    return [item for item in items if item]


def _praised(session: Session, user: User) -> list[str]:
    phrases: list[str] = []
    for row in list_feedbacks(session, user)[-_RECENT_FEEDBACKS:]:
        analysis = analyze(row.text)
        flagged = [p for found in analysis.evidence.values() for p in found]
        for phrase in analysis.strengths:
            if _COURTESY.search(fold_keep_length(phrase)):
                continue
            if any(phrase in other or other in phrase for other in flagged):
                continue
            phrases.append(phrase)
    return phrases


def prefill_for(session: Session, user: User) -> SwotDraft:
    """:func:`prefill` fed from the database: patterns, successes, praised phrases."""
    return prefill(
        patterns_for(session, user),
        _successes(session, user),
        feedback_strengths=_praised(session, user)[:2],
    )


# --------------------------------------------------------------------------- editing


def add_item(draft: SwotDraft, quadrant: str, text: str) -> SwotDraft:
    """The draft with ``text`` added to ``quadrant`` (ignored if empty, a duplicate, or the
    quadrant is full)."""
    _check(quadrant)
    items = draft.items(quadrant)
    item = _tidy(text)
    if not item or not _key(item) or len(items) >= MAX_ITEMS:
        return draft
    if _key(item) in {_key(existing) for existing in items}:
        return draft
    return _with(draft, quadrant, (*items, item))


def remove_item(draft: SwotDraft, quadrant: str, which: int | str) -> SwotDraft:
    """The draft without the item at position ``which`` (1-based) or matching its words."""
    _check(quadrant)
    items = draft.items(quadrant)
    if isinstance(which, int):
        if not 1 <= which <= len(items):
            return draft
        return _with(draft, quadrant, items[: which - 1] + items[which:])
    key = _key(which)
    if not key:
        return draft
    exact = [i for i in items if _key(i) == key]
    loose = [i for i in items if key in _key(i)]
    target = exact or (loose if len(loose) == 1 else [])
    if not target:
        return draft
    return _with(draft, quadrant, tuple(i for i in items if i != target[0]))


def _with(draft: SwotDraft, quadrant: str, items: tuple[str, ...]) -> SwotDraft:
    values = {q: draft.items(q) for q in QUADRANTS}
    values[quadrant] = items
    return SwotDraft(**values)


@dataclass(frozen=True)
class SwotEdit:
    action: Literal["add", "remove"]
    quadrant: str
    item: str | None = None
    index: int | None = None  # 1-based, for "retire la faiblesse 2"


_QUADRANT_WORDS: Final[tuple[tuple[str, str], ...]] = (
    (r"forces?|atouts?|points?\s+forts?", "strengths"),
    (
        r"faiblesses?|points?\s+faibles?|axes?\s+d\s+amelioration|points?\s+a\s+"
        r"(?:travailler|ameliorer)",
        "weaknesses",
    ),
    (r"opportunites?|pistes?", "opportunities"),
    (r"menaces?|risques?|obstacles?", "threats"),
)
_QUAD: Final = "|".join(f"(?:{source})" for source, _ in _QUADRANT_WORDS)
_ADD_TO: Final = re.compile(
    r"^\s*(?:ajoute\w*|rajoute\w*|mets|mettre|met|note\w*|inscri\w*)\s+(?P<item>.+?)\s+"
    rf"(?:dans|aux|en|a|au|parmi)\s+(?:les\s+|mes\s+|la\s+liste\s+des\s+)?(?P<q>{_QUAD})\s*\W*$"
)
_COLON: Final = re.compile(
    r"^\s*(?:(?:ajoute\w*|rajoute\w*)\s+)?(?:aux\s+|dans\s+les\s+|en\s+)?"
    rf"(?P<q>{_QUAD})\s*:\s*(?P<item>.+)$"
)
_REMOVE_AT: Final = re.compile(
    r"^\s*(?:enleve\w*|retire\w*|supprime\w*|efface\w*|oublie\w*)\s+(?:la\s+|le\s+|l\s+)?"
    rf"(?P<q>{_QUAD})\s*(?:n\s*°?|no|numero)?\s*(?P<n>\d{{1,2}})\s*\W*$"
)
_REMOVE_ITEM: Final = re.compile(
    r"^\s*(?:enleve\w*|retire\w*|supprime\w*|efface\w*)\s+(?P<item>.+?)\s+"
    rf"(?:des|de\s+mes|de\s+la\s+liste\s+des|dans\s+les)\s+(?P<q>{_QUAD})\s*\W*$"
)


def _quadrant_of(folded: str) -> str:
    for source, quadrant in _QUADRANT_WORDS:
        if re.fullmatch(source, folded.strip()):
            return quadrant
    raise AssertionError(f"unmatched quadrant word: {folded!r}")


def parse_edit(text: str) -> SwotEdit | None:
    """Read an edit of the SWOT in French; None when the message is not one."""
    raw = text or ""
    folded = fold_keep_length(raw)
    for pattern, action in (
        (_REMOVE_AT, "remove"),
        (_REMOVE_ITEM, "remove"),
        (_ADD_TO, "add"),
        (_COLON, "add"),
    ):
        match = pattern.match(folded)
        if match is None:
            continue
        quadrant = _quadrant_of(match.group("q"))
        if "n" in match.groupdict() and match.group("n"):
            return SwotEdit("remove", quadrant, index=int(match.group("n")))
        item = _tidy(raw[match.start("item") : match.end("item")])
        if not item:
            return None
        return SwotEdit("add" if action == "add" else "remove", quadrant, item=item)
    return None


def apply_edit(draft: SwotDraft, edit: SwotEdit) -> SwotDraft:
    if edit.action == "add":
        return add_item(draft, edit.quadrant, edit.item or "")
    if edit.index is not None:
        return remove_item(draft, edit.quadrant, edit.index)
    return remove_item(draft, edit.quadrant, edit.item or "")


# --------------------------------------------------------------------------- storage


def draft_of(swot: Swot) -> SwotDraft:
    return SwotDraft(**{q: tuple(getattr(swot, q) or ()) for q in QUADRANTS})


def _lists(draft: SwotDraft) -> dict[str, list[str]]:
    return {q: [_tidy(i) for i in draft.items(q) if _tidy(i)][:MAX_ITEMS] for q in QUADRANTS}


def save_swot(session: Session, user: User, draft: SwotDraft, *, now: dt.datetime) -> Swot:
    """Keep a dated copy (each save adds one: the earlier ones stay for comparison)."""
    row = Swot(user_id=user.id, created_at=now, updated_at=now, **_lists(draft))
    session.add(row)
    session.flush()
    return row


def update_swot(
    session: Session, user: User, swot: Swot, draft: SwotDraft, *, now: dt.datetime
) -> Swot:
    """Change a saved SWOT in place (an edit made right after saving it)."""
    if swot.user_id != user.id:
        raise PermissionError("this SWOT belongs to someone else")
    for quadrant, items in _lists(draft).items():
        setattr(swot, quadrant, items)  # new lists: SQLAlchemy sees the JSON change
    swot.updated_at = now
    session.flush()
    return swot


def list_swots(session: Session, user: User) -> list[Swot]:
    """The user's SWOTs, newest first."""
    return list(
        session.scalars(
            select(Swot)
            .where(Swot.user_id == user.id)
            .order_by(Swot.created_at.desc(), Swot.id.desc())
        )
    )


def latest_swot(session: Session, user: User) -> Swot | None:
    swots = list_swots(session, user)
    return swots[0] if swots else None


def previous_swot(session: Session, user: User, swot: Swot | None = None) -> Swot | None:
    """The SWOT saved just before ``swot`` (before the latest one when not given)."""
    swots = list_swots(session, user)
    if swot is None:
        return swots[1] if len(swots) > 1 else None
    for index, candidate in enumerate(swots):
        if candidate.id == swot.id:
            return swots[index + 1] if index + 1 < len(swots) else None
    return None


# --------------------------------------------------------------------------- comparison


@dataclass(frozen=True)
class QuadrantChange:
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()


@dataclass(frozen=True)
class Moved:
    item: str  # as written in the newer SWOT
    from_quadrant: str
    to_quadrant: str


@dataclass(frozen=True)
class SwotComparison:
    changes: dict[str, QuadrantChange] = field(default_factory=dict)
    moved: tuple[Moved, ...] = ()

    @property
    def unchanged(self) -> bool:
        return not self.moved and not any(c.added or c.removed for c in self.changes.values())


def compare(old: SwotDraft | Swot, new: SwotDraft | Swot) -> SwotComparison:
    """What changed from ``old`` to ``new``: per quadrant, items added, dropped, kept; and
    items found in another quadrant (a weakness that became a strength)."""
    before = old if isinstance(old, SwotDraft) else draft_of(old)
    after = new if isinstance(new, SwotDraft) else draft_of(new)
    old_keys = {q: {_key(i): i for i in before.items(q)} for q in QUADRANTS}
    new_keys = {q: {_key(i): i for i in after.items(q)} for q in QUADRANTS}
    moved: list[Moved] = []
    moved_keys: set[tuple[str, str]] = set()  # (quadrant, key) pairs explained by a move
    for source in QUADRANTS:
        for key in old_keys[source]:
            if key in new_keys[source]:
                continue
            for target in QUADRANTS:
                if target != source and key in new_keys[target] and key not in old_keys[target]:
                    moved.append(Moved(new_keys[target][key], source, target))
                    moved_keys |= {(source, key), (target, key)}
                    break
    changes = {
        q: QuadrantChange(
            added=tuple(
                i
                for k, i in new_keys[q].items()
                if k not in old_keys[q] and (q, k) not in moved_keys
            ),
            removed=tuple(
                i
                for k, i in old_keys[q].items()
                if k not in new_keys[q] and (q, k) not in moved_keys
            ),
            kept=tuple(i for k, i in new_keys[q].items() if k in old_keys[q]),
        )
        for q in QUADRANTS
    }
    return SwotComparison(changes, tuple(moved))


# --------------------------------------------------------------------------- French text

_MONTHS: Final = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def _day(day: dt.date) -> str:
    return f"{'1er' if day.day == 1 else day.day} {_MONTHS[day.month - 1]} {day.year}"


def swot_message(draft: SwotDraft, *, on: dt.date | None = None) -> str:
    """The four lists, numbered so that an item can be removed by its number."""
    lines = [f"Votre bilan SWOT{f' du {_day(on)}' if on else ''} :"]
    for quadrant in QUADRANTS:
        lines.append("")
        lines.append(QUADRANT_LABELS[quadrant])
        items = draft.items(quadrant)
        lines += [f"{n}. {item}" for n, item in enumerate(items, start=1)] or ["(à compléter)"]
    lines.append("")
    lines.append(
        "Tout est modifiable : « ajoute bonne organisation aux forces », « retire la "
        "faiblesse 2 », ou « c'est bon » pour l'enregistrer."
    )
    return "\n".join(lines)


def comparison_message(comparison: SwotComparison, *, since: dt.date) -> str:
    """What moved since the earlier SWOT, in a few lines."""
    if comparison.unchanged:
        return f"Rien n'a bougé depuis votre bilan du {_day(since)}."
    lines = [f"Depuis votre bilan du {_day(since)} :"]
    for move in comparison.moved:
        lines.append(
            f"↗ « {move.item} » est passé {_FROM[move.from_quadrant]} {_TO[move.to_quadrant]}."
        )
    for quadrant in QUADRANTS:
        change = comparison.changes.get(quadrant, QuadrantChange())
        label = QUADRANT_LABELS[quadrant]
        lines += [f"+ {label} : {item}" for item in change.added]
        lines += [f"− {label} : {item}" for item in change.removed]
    resolved = comparison.changes.get("weaknesses", QuadrantChange()).removed
    gained = comparison.changes.get("strengths", QuadrantChange()).added
    if resolved or gained or any(m.to_quadrant == "strengths" for m in comparison.moved):
        lines.append("")
        lines.append("Vous avez avancé : prenez le temps de le reconnaître.")
    return "\n".join(lines)
