"""Export and erasure of everything Rebond keeps about a person (SPEC §7).

EXPORT_SECTIONS lists the tables exported as top-level lists and NESTED_SECTIONS those
exported inside their parent's rows (a goal's milestones); a test fails when a table with a
``user_id`` column is missing from both, so nothing added later escapes /export or /supprimer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, delete, inspect, select, text
from sqlalchemy.orm import DeclarativeBase, Session

from coach.db import make_engine
from coach.models import (
    Feedback,
    FeedbackRequest,
    Goal,
    JournalEntry,
    Milestone,
    Mood,
    Rejection,
    Reminder,
    StarAnswer,
    Swot,
)
from coach.users import find_user, sender_id_for

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
)


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


USER_FIELDS = (
    "telegram_user_id",
    "first_name",
    "timezone",
    "consent_at",
    "created_at",
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


def export_user(session: Session, telegram_user_id: int) -> dict[str, Any]:
    """One JSON-ready object with all the person's data; empty when we know nothing."""
    data: dict[str, Any] = {"user": None, **{key: [] for key in SPEC_KEYS}}
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
    return data


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
    """Erase the user and, by cascade, every row they own. Returns whether anything existed."""
    user = find_user(session, telegram_user_id)
    if user is None:
        return False
    # Explicit deletes keep the guarantee even where the backend ignores ON DELETE CASCADE.
    for model in owned_models():
        session.execute(delete(model).where(model.user_id == user.id))  # type: ignore[attr-defined]
    session.delete(user)
    session.flush()
    return True


def delete_tracker(tracker: Engine | str, telegram_user_id: int) -> int:
    """Delete Rasa's stored conversation events of that user; returns the row count."""
    engine = make_engine(tracker) if isinstance(tracker, str) else tracker
    try:
        if not inspect(engine).has_table("events"):
            return 0
        with engine.begin() as connection:
            result = connection.execute(
                text("DELETE FROM events WHERE sender_id = :sender_id"),
                {"sender_id": sender_id_for(telegram_user_id)},
            )
            return int(result.rowcount or 0)
    finally:
        if isinstance(tracker, str):
            engine.dispose()


def count_tracker_events(tracker: Engine | str, telegram_user_id: int) -> int:
    engine = make_engine(tracker) if isinstance(tracker, str) else tracker
    try:
        if not inspect(engine).has_table("events"):
            return 0
        with engine.connect() as connection:
            return int(
                connection.execute(
                    text("SELECT COUNT(*) FROM events WHERE sender_id = :sender_id"),
                    {"sender_id": sender_id_for(telegram_user_id)},
                ).scalar_one()
            )
    finally:
        if isinstance(tracker, str):
            engine.dispose()
