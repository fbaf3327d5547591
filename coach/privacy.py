"""Export and erasure of everything Rebond keeps about a person (SPEC §7 and §10).

EXPORT_SECTIONS lists the tables exported as top-level lists and NESTED_SECTIONS those
exported inside their parent's rows (a goal's milestones); a test fails when a table with a
``user_id`` column is missing from both, so nothing added later escapes /export or /supprimer.
TELEGRAM_KEYED lists the tables keyed by the Telegram id instead (they may hold something
before consent): erased by that id, not exported (a queue, emptied within seconds).

Two stores hold a person's data: our database and Rasa's tracker store (the conversation
events, a table ``events`` in its own database). :func:`erase_person` empties the tracker
first, then our rows, so that a failure half way always leaves the person's account — and
with it /supprimer — in place to try again. :func:`export_user` reads both.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, delete, inspect, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from coach import inbox
from coach.db import make_engine, transaction
from coach.models import (
    Activity,
    Feedback,
    FeedbackRequest,
    Goal,
    InboxUpdate,
    JobApplication,
    JournalEntry,
    Milestone,
    Mood,
    Rejection,
    Reminder,
    SafetyPlan,
    SendBudget,
    StarAnswer,
    Swot,
)
from coach.users import find_user, has_consented, sender_id_for

log = logging.getLogger(__name__)

#: Rasa's tracker store: a SQLAlchemy URL, or an engine the caller owns.
Tracker = Engine | str

# Export key → (model, fields left out of the export). Keys without a table yet stay as
# empty lists so that the JSON shape is stable (SPEC §7).
EXPORT_SECTIONS: dict[str, tuple[type[DeclarativeBase], frozenset[str]]] = {
    "rejections": (Rejection, frozenset({"user_id"})),
    "moods": (Mood, frozenset({"user_id"})),
    "journal": (JournalEntry, frozenset({"user_id"})),
    "feedback_requests": (FeedbackRequest, frozenset({"user_id"})),
    "feedbacks": (Feedback, frozenset({"user_id"})),
    "swot": (Swot, frozenset({"user_id"})),
    "goals": (Goal, frozenset({"user_id"})),
    "star_answers": (StarAnswer, frozenset({"user_id"})),
    "reminders": (
        Reminder,
        frozenset({"user_id", "attempts", "claimed_by", "claimed_at", "next_attempt_at"}),
    ),
    # At most one row. Where the person was in writing it is bookkeeping, not content.
    "safety_plan": (
        SafetyPlan,
        frozenset({"user_id", "editing", "editing_since", "walkthrough"}),
    ),
    # Applications in progress and the job-search steps (« démarches »); the steps are
    # erased before the applications they may point at (this order).
    "activities": (Activity, frozenset({"user_id"})),
    "applications": (JobApplication, frozenset({"user_id"})),
}
SPEC_KEYS = (
    "rejections",
    "moods",
    "journal",
    "feedback_requests",
    "feedbacks",
    "swot",
    "goals",
    "star_answers",
    "reminders",
    "safety_plan",
    "thought_records",
    "applications",
    "activities",
)
#: SPEC §10: the thought records (coach.thought_record) under a key of their own. They are
#: journal entries of this kind, so they are in "journal" too and erased with it.
THOUGHT_RECORD_KIND = "thought_record"


@dataclass(frozen=True)
class Nested:
    """Rows exported inside each row of a top-level section, under ``key``."""

    key: str
    model: type[DeclarativeBase]
    parent_column: str  # the column that points at the parent row's id
    order_column: str
    excluded: frozenset[str]


# Parent export key → its nested rows: a goal carries its milestones (SPEC §7).
NESTED_SECTIONS: dict[str, Nested] = {
    "goals": Nested(
        "milestones", Milestone, "goal_id", "position", frozenset({"user_id", "goal_id"})
    ),
}


def owned_models() -> list[type[DeclarativeBase]]:
    """Every model holding a user's rows, nested ones first (the order they are erased in)."""
    nested = [section.model for section in NESTED_SECTIONS.values()]
    return [*nested, *(model for model, _excluded in EXPORT_SECTIONS.values())]


# Tables keyed by ``telegram_user_id`` rather than ``users.id`` → how to erase them by it.
TELEGRAM_KEYED: dict[type[DeclarativeBase], Callable[[Session, int], int]] = {
    InboxUpdate: inbox.forget,
}

# Tables that hold nothing about anyone: the bot's own counters (the sending budget of its
# token). Nothing to export or erase there; a test checks they have no column that could
# point at a person.
NOT_PERSONAL: tuple[type[DeclarativeBase], ...] = (SendBudget,)

# The transcript (SPEC §10), read from Rasa's tracker store when export_user is given it.
CONVERSATION_KEY = "conversation"

USER_FIELDS = (
    "telegram_user_id",
    "first_name",
    "timezone",
    "consent_at",
    "created_at",
    "crisis_at",
    "last_active_at",
    "retention_warned_at",
    "quiet_start",
    "quiet_end",
    "reminders_paused",
    "muted_kinds",
    "reflection_weekday",
    "reflection_hour",
    "signature_name",
    "phone",
    "email",
    "linkedin",
    # The question the bot waits an answer to (bot/search.py), exported like the rest.
    "awaiting",
    "awaiting_since",
    "zone_offered_at",
)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return value


def _row(obj: DeclarativeBase, excluded: frozenset[str]) -> dict[str, Any]:
    return {
        column.key: _jsonable(getattr(obj, column.key))
        for column in inspect(type(obj)).columns
        if column.key not in excluded
    }


def export_user(
    session: Session, telegram_user_id: int, *, tracker: Tracker | None = None
) -> dict[str, Any]:
    """One JSON-ready object with all the person's data; empty when we know nothing.

    With ``tracker`` (Rasa's tracker store), the object also carries ``"conversation"``:
    every message of the person and of the bot still in the tracker, oldest first. Reading
    it fails loudly (:class:`sqlalchemy.exc.SQLAlchemyError`) rather than hand over an
    export that silently lacks the transcript. Without ``tracker`` the key is absent, so
    that nobody mistakes a transcript not read for an empty one.
    """
    data: dict[str, Any] = {"user": None, **{key: [] for key in SPEC_KEYS}}
    if tracker is not None:
        data[CONVERSATION_KEY] = conversation(tracker, telegram_user_id)
    user = find_user(session, telegram_user_id)
    if user is None:
        return data
    data["user"] = {field: _jsonable(getattr(user, field)) for field in USER_FIELDS}
    for key, (model, excluded) in EXPORT_SECTIONS.items():
        rows = session.scalars(
            select(model).where(model.user_id == user.id).order_by(model.id)  # type: ignore[attr-defined]
        )
        data[key] = [_row(row, excluded) for row in rows]
        nested = NESTED_SECTIONS.get(key)
        if nested is not None:
            _attach(session, user.id, data[key], nested)
    data["thought_records"] = [
        entry for entry in data["journal"] if entry.get("kind") == THOUGHT_RECORD_KIND
    ]
    return data


def conversation(tracker: Tracker, telegram_user_id: int) -> list[dict[str, Any]]:
    """The person's conversation as Rasa stored it: ``{"at", "from", "text"}`` per message.

    ``from`` is ``"user"`` or ``"bot"``; ``text`` is what was received or sent, as it was
    (a button press shows its payload, such as ``/consent_accept``). Bot messages without
    text (instructions to the front-end, such as sending the export) are left out.
    """
    with tracker_connection(tracker) as connection:
        if connection is None:
            return []
        rows = connection.execute(
            text(
                "SELECT type_name, timestamp, data FROM events"
                " WHERE sender_id = :sender_id AND type_name IN ('user', 'bot')"
                " ORDER BY id"
            ),
            {"sender_id": sender_id_for(telegram_user_id)},
        )
        turns = []
        for type_name, timestamp, raw in rows:
            said = _event_text(raw)
            if said is None:
                continue
            at = (
                dt.datetime.fromtimestamp(float(timestamp), dt.UTC).isoformat()
                if timestamp is not None
                else None
            )
            turns.append({"at": at, "from": type_name, "text": said})
        return turns


def _event_text(raw: Any) -> str | None:
    try:
        event = json.loads(raw) if isinstance(raw, str | bytes) else raw
    except ValueError:
        return None
    said = event.get("text") if isinstance(event, dict) else None
    return said if isinstance(said, str) and said else None


def _attach(session: Session, user_id: int, parents: list[dict[str, Any]], nested: Nested) -> None:
    model = nested.model
    children: dict[Any, list[dict[str, Any]]] = {parent["id"]: [] for parent in parents}
    rows = session.scalars(
        select(model)
        .where(model.user_id == user_id)  # type: ignore[attr-defined]
        .order_by(getattr(model, nested.order_column), model.id)  # type: ignore[attr-defined]
    )
    for row in rows:
        parent_id = getattr(row, nested.parent_column)
        if parent_id in children:
            children[parent_id].append(_row(row, nested.excluded))
    for parent in parents:
        parent[nested.key] = children[parent["id"]]


def delete_user(session: Session, telegram_user_id: int) -> bool:
    """Erase the user and, by cascade, every row they own. Returns whether anything existed.

    Our rows only: :func:`erase_person` is what /supprimer runs (tracker first, then this).
    """
    user = find_user(session, telegram_user_id)
    if user is None:
        return False
    # Explicit deletes keep the guarantee even where the backend ignores ON DELETE CASCADE.
    for model in owned_models():
        session.execute(delete(model).where(model.user_id == user.id))  # type: ignore[attr-defined]
    session.delete(user)
    session.flush()
    return True


def delete_telegram_keyed(session: Session, telegram_user_id: int) -> int:
    """Erase the rows kept by Telegram id (incoming updates waiting for their answer)."""
    return sum(erase(session, telegram_user_id) for erase in TELEGRAM_KEYED.values())


@dataclass(frozen=True)
class Erasure:
    """What :func:`erase_person` removed (counts only, for the operator)."""

    user: bool
    tracker_events: int
    inbox_updates: int


def erase_person(
    session_factory: sessionmaker[Session], tracker: Tracker, telegram_user_id: int
) -> Erasure:
    """Erase everything about a person: Rasa's conversation events, then our rows.

    Idempotent and safe to retry. The order is what makes it so: if the tracker cannot be
    emptied, nothing of ours is touched (the error propagates, the account stays, and the
    person can run /supprimer again); our rows then go in one transaction. A last sweep of
    the tracker catches events Rasa wrote in between (a reminder delivered meanwhile); it
    is best effort, since the person has no account left to retry with, and events it
    misses are pruned by retention within 90 days.

    The person's updates waiting in the inbox go too, the /supprimer confirmation being
    processed included (``coach.inbox.done`` on it afterwards deletes nothing). Blocking:
    call through ``asyncio.to_thread``. Raises :class:`sqlalchemy.exc.SQLAlchemyError`
    when either store fails.
    """
    events = delete_tracker(tracker, telegram_user_id)
    with transaction(session_factory) as session:
        existed = delete_user(session, telegram_user_id)
        waiting = delete_telegram_keyed(session, telegram_user_id)
    try:
        events += delete_tracker(tracker, telegram_user_id)
    except SQLAlchemyError as error:
        log.warning("final tracker sweep after an erasure failed (%s)", type(error).__name__)
    return Erasure(user=existed, tracker_events=events, inbox_updates=waiting)


def forget_unconsented(
    session_factory: sessionmaker[Session], tracker: Tracker, telegram_user_id: int
) -> int:
    """Consent refused: drop the few events Rasa kept of the exchange before it.

    Does nothing for a person who has consented (their conversation is part of what they
    entrusted us with; only /supprimer erases it). Returns how many events went.
    """
    with session_factory() as session:
        if has_consented(session, telegram_user_id):
            return 0
    return delete_tracker(tracker, telegram_user_id)


@contextmanager
def tracker_engine(tracker: Tracker) -> Iterator[Engine]:
    """The tracker store's engine: made from a URL (and disposed after), or the caller's."""
    engine = make_engine(tracker) if isinstance(tracker, str) else tracker
    try:
        yield engine
    finally:
        if isinstance(tracker, str):
            engine.dispose()


@contextmanager
def tracker_connection(tracker: Tracker, *, write: bool = False) -> Iterator[Connection | None]:
    """A connection to Rasa's tracker store (in a transaction when ``write``), or None when
    it has no events table yet (Rasa creates it on first use: nothing is stored then)."""
    with tracker_engine(tracker) as engine, engine.begin() if write else engine.connect() as c:
        yield c if inspect(c).has_table("events") else None


def delete_tracker(tracker: Tracker, telegram_user_id: int) -> int:
    """Delete Rasa's stored conversation events of that user; returns the row count."""
    with tracker_connection(tracker, write=True) as connection:
        if connection is None:
            return 0
        result = connection.execute(
            text("DELETE FROM events WHERE sender_id = :sender_id"),
            {"sender_id": sender_id_for(telegram_user_id)},
        )
        return int(result.rowcount or 0)


def count_tracker_events(tracker: Tracker, telegram_user_id: int) -> int:
    with tracker_connection(tracker) as connection:
        if connection is None:
            return 0
        return int(
            connection.execute(
                text("SELECT COUNT(*) FROM events WHERE sender_id = :sender_id"),
                {"sender_id": sender_id_for(telegram_user_id)},
            ).scalar_one()
        )
