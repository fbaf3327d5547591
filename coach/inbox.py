"""The inbox of incoming updates: stored before Telegram is told they arrived, deleted once
answered, so that a crash of the bot loses no message (SPEC §10).

A row is a queue entry, not a record about the person: it lives for the seconds it takes to
answer. It exists before consent too, which is why it is keyed by the Telegram user id and
erased by that id (:func:`forget`), and why nothing here is ever logged.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from coach.db import transaction
from coach.models import InboxUpdate, utcnow


@dataclass(frozen=True)
class Pending:
    """An update stored but not answered yet; ``started`` when a crash may have cut its
    processing half way."""

    update_id: int
    chat_id: int
    payload: dict[str, Any]
    started: bool


def store(
    factory: sessionmaker[Session],
    *,
    update_id: int,
    chat_id: int,
    telegram_user_id: int | None,
    payload: dict[str, Any],
    now: dt.datetime | None = None,
) -> bool:
    """Keep an update until it is answered. False when it was already there (Telegram
    delivers an update again when its acknowledgement was lost): it must not run twice."""
    try:
        with transaction(factory) as session:
            session.add(
                InboxUpdate(
                    update_id=update_id,
                    chat_id=chat_id,
                    telegram_user_id=telegram_user_id,
                    payload=payload,
                    received_at=now or utcnow(),
                )
            )
    except IntegrityError:
        return False
    return True


def mark_started(
    factory: sessionmaker[Session], update_id: int, *, now: dt.datetime | None = None
) -> None:
    with transaction(factory) as session:
        session.execute(
            update(InboxUpdate)
            .where(InboxUpdate.update_id == update_id)
            .values(started_at=now or utcnow(), attempts=InboxUpdate.attempts + 1)
        )


def done(factory: sessionmaker[Session], update_id: int) -> None:
    """The update was answered (or deliberately dropped): forget it."""
    with transaction(factory) as session:
        session.execute(delete(InboxUpdate).where(InboxUpdate.update_id == update_id))


def pending(factory: sessionmaker[Session], *, limit: int = 1000) -> list[Pending]:
    """Updates left by a previous run, oldest first (order within a chat is kept)."""
    with factory() as session:
        rows = session.scalars(select(InboxUpdate).order_by(InboxUpdate.id).limit(limit)).all()
        return [
            Pending(r.update_id, r.chat_id, dict(r.payload), r.started_at is not None) for r in rows
        ]


def forget(session: Session, telegram_user_id: int) -> int:
    """Erase what is waiting for this person (``/supprimer``); returns the rows deleted."""
    result = session.execute(
        delete(InboxUpdate).where(
            (InboxUpdate.telegram_user_id == telegram_user_id)
            | (InboxUpdate.chat_id == telegram_user_id)
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)
