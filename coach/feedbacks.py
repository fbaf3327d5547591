"""Feedback received, stored with its analysis, and the patterns across all of it (/bilan).

:func:`save_feedback` keeps the text and what :func:`coach.feedback.analyze` read in it;
:func:`compute_patterns` is the pure rule behind /bilan (SPEC §3 flow 7) and
:func:`patterns_for` feeds it from the database:

- a theme is counted once per feedback, however many phrases named it;
- a theme is *recurring* when at least two distinct feedbacks name it — one employer
  insisting twice is still one opinion;
- *priority* is what to work on first: at most three themes, recurring ones before the
  rest, then by count, ties in :data:`coach.feedback.THEMES` order; ``competition`` always
  comes last, since the person cannot act on how strong the other candidates were.

Themes or signals unknown to :mod:`coach.feedback` (rows written by an older analyzer) are
left out of the counts: they have no label to show. Nothing here logs what users wrote.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from coach.feedback import KINDS, MAX_CHARS, SIGNALS, THEMES, FeedbackAnalysis
from coach.models import Feedback, Mood, Rejection, User
from coach.rejections import get_rejection

__all__ = [
    "PRIORITY_LIMIT",
    "RECURRING_AT",
    "SOURCES",
    "PatternInput",
    "Patterns",
    "compute_patterns",
    "correct_reading",
    "get_feedback",
    "latest_feedback",
    "list_feedbacks",
    "mood_series",
    "patterns_for",
    "save_feedback",
]

#: How the feedback reached the person: a written answer, or notes taken during a call.
SOURCES: Final = ("written", "call")
#: A theme needs this many distinct feedbacks to be recurring.
RECURRING_AT: Final = 2
#: At most this many themes are suggested to work on first.
PRIORITY_LIMIT: Final = 3
#: The theme the person cannot act on: suggested last.
_OUT_OF_REACH: Final = "competition"

_THEME_RANK: Final = {theme: index for index, theme in enumerate(THEMES)}
_SIGNAL_RANK: Final = {signal: index for index, signal in enumerate(SIGNALS)}


# --------------------------------------------------------------------------- storage


def save_feedback(
    session: Session,
    user: User,
    *,
    rejection_id: int | None,
    text: str,
    analysis: FeedbackAnalysis,
    source: str = "written",
    received_at: dt.datetime | None = None,
) -> Feedback:
    """Store one feedback with its analysis (each call adds a row).

    The text is stripped and kept up to :data:`coach.feedback.MAX_CHARS` (what the analyzer
    read). A rejection id that is not the user's own is dropped rather than linked.
    """
    if source not in SOURCES:
        raise ValueError(f"unknown feedback source: {source!r}")
    if analysis.kind not in KINDS:
        raise ValueError(f"unknown feedback kind: {analysis.kind!r}")
    text = (text or "").strip()[:MAX_CHARS]
    if not text:
        raise ValueError("feedback text is empty")
    if rejection_id is not None and get_rejection(session, user, rejection_id) is None:
        rejection_id = None
    row = Feedback(
        user_id=user.id,
        rejection_id=rejection_id,
        text=text,
        source=source,
        kind=analysis.kind,
        themes=sorted(analysis.themes),
        signals=sorted(analysis.signals),
        evidence={key: list(phrases) for key, phrases in sorted(analysis.evidence.items())},
    )
    if received_at is not None:
        row.received_at = received_at
    session.add(row)
    session.flush()
    return row


def correct_reading(
    session: Session,
    feedback: Feedback,
    *,
    add: Collection[str],
    remove: Collection[str],
    now: dt.datetime | None = None,
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The person corrects the reading of ``feedback``: themes to add and to remove.

    ``themes`` becomes the corrected reading (what /bilan, the SWOT and the goal ideas count)
    and the change is appended to ``reading_corrections``; a removed theme's evidence goes
    with it. Returns (added, removed): only what actually changed, in THEMES order. Unknown
    theme names are ignored; nothing is written when nothing changes.
    """
    current = set(feedback.themes or ())
    added = tuple(t for t in THEMES if t in set(add) and t not in current)
    removed = tuple(t for t in THEMES if t in set(remove) and t in current and t not in added)
    if not added and not removed:
        return (), ()
    moment = now or dt.datetime.now(dt.UTC)
    feedback.themes = sorted((current - set(removed)) | set(added), key=_THEME_RANK.__getitem__)
    feedback.evidence = {
        key: list(phrases)
        for key, phrases in (feedback.evidence or {}).items()
        if key not in removed
    }
    # A new list, not an in-place append: the JSON column only sees assignments.
    feedback.reading_corrections = [
        *(feedback.reading_corrections or []),
        {"at": moment.isoformat(), "added": list(added), "removed": list(removed)},
    ]
    session.flush()
    return added, removed


def list_feedbacks(session: Session, user: User) -> list[Feedback]:
    """All the user's feedbacks, oldest first (by the moment they were received)."""
    return list(
        session.scalars(
            select(Feedback)
            .where(Feedback.user_id == user.id)
            .order_by(Feedback.received_at, Feedback.id)
        )
    )


def latest_feedback(session: Session, user: User) -> Feedback | None:
    """The feedback recorded last (not necessarily the one received last)."""
    return session.scalar(
        select(Feedback)
        .where(Feedback.user_id == user.id)
        .order_by(Feedback.created_at.desc(), Feedback.id.desc())
        .limit(1)
    )


def get_feedback(session: Session, user: User, feedback_id: Any) -> Feedback | None:
    """The user's own feedback with that id (another person's id gives None)."""
    if isinstance(feedback_id, str) and feedback_id.isdigit():
        feedback_id = int(feedback_id)
    if not isinstance(feedback_id, int) or isinstance(feedback_id, bool):
        return None
    return session.scalar(
        select(Feedback).where(Feedback.id == feedback_id, Feedback.user_id == user.id)
    )


# --------------------------------------------------------------------------- patterns


@dataclass(frozen=True)
class PatternInput:
    """What :func:`compute_patterns` needs of one feedback."""

    kind: str
    themes: Collection[str] = ()
    signals: Collection[str] = ()
    company: str | None = None


@dataclass(frozen=True)
class Patterns:
    """Themes and signals across all of a person's feedback.

    Dictionaries and lists are ordered for display: most frequent first, ties in
    :data:`coach.feedback.THEMES` (or ``SIGNALS``) order. Only themes named at least once
    appear in ``theme_counts``; only themes with a known company appear in ``companies``.
    """

    total: int = 0
    constructive: int = 0
    generic: int = 0
    theme_counts: dict[str, int] = field(default_factory=dict)
    recurring: list[str] = field(default_factory=list)
    priority: list[str] = field(default_factory=list)
    signal_counts: dict[str, int] = field(default_factory=dict)
    companies: dict[str, list[str]] = field(default_factory=dict)


def _count(items: Sequence[Collection[str]], rank: Mapping[str, int]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for names in items:
        for name in set(names):  # once per feedback, however often it is named
            if name in rank:
                counts[name] = counts.get(name, 0) + 1
    ordered = sorted(counts, key=lambda name: (-counts[name], rank[name]))
    return {name: counts[name] for name in ordered}


def compute_patterns(items: Sequence[PatternInput]) -> Patterns:
    """Count themes and signals across feedbacks; see the module notes for the rules."""
    theme_counts = _count([item.themes for item in items], _THEME_RANK)
    recurring = [theme for theme, count in theme_counts.items() if count >= RECURRING_AT]
    priority = sorted(
        theme_counts,
        key=lambda theme: (
            theme == _OUT_OF_REACH,
            theme_counts[theme] < RECURRING_AT,
            -theme_counts[theme],
            _THEME_RANK[theme],
        ),
    )[:PRIORITY_LIMIT]
    companies: dict[str, list[str]] = {}
    seen: dict[str, set[str]] = {}
    for item in items:
        company = " ".join((item.company or "").split())
        if not company:
            continue
        for theme in sorted(set(item.themes) & theme_counts.keys(), key=_THEME_RANK.__getitem__):
            # "Decathlon" and "decathlon" are one company: the first spelling is kept.
            if company.casefold() not in seen.setdefault(theme, set()):
                seen[theme].add(company.casefold())
                companies.setdefault(theme, []).append(company)
    return Patterns(
        total=len(items),
        constructive=sum(1 for item in items if item.kind == "constructive"),
        generic=sum(1 for item in items if item.kind == "generic"),
        theme_counts=theme_counts,
        recurring=recurring,
        priority=priority,
        signal_counts=_count([item.signals for item in items], _SIGNAL_RANK),
        companies={theme: companies[theme] for theme in theme_counts if theme in companies},
    )


def patterns_for(session: Session, user: User) -> Patterns:
    """:func:`compute_patterns` over all the user's feedbacks, oldest first."""
    rows = session.execute(
        select(Feedback.kind, Feedback.themes, Feedback.signals, Rejection.company)
        .outerjoin(
            Rejection,
            and_(Rejection.id == Feedback.rejection_id, Rejection.user_id == Feedback.user_id),
        )
        .where(Feedback.user_id == user.id)
        .order_by(Feedback.received_at, Feedback.id)
    )
    return compute_patterns(
        [
            PatternInput(
                kind=kind,
                themes=tuple(themes or ()),
                signals=tuple(signals or ()),
                company=company,
            )
            for kind, themes, signals, company in rows
        ]
    )


def mood_series(session: Session, user: User) -> list[tuple[dt.datetime, str]]:
    """Every mood the person recorded, as (UTC moment, mood), oldest first."""
    rows = session.execute(
        select(Mood.created_at, Mood.mood)
        .where(Mood.user_id == user.id)
        .order_by(Mood.created_at, Mood.id)
    )
    return [(moment, mood) for moment, mood in rows]
