"""The inbox of incoming updates: stored before Telegram is told they arrived, deleted once
answered, so that a crash of the bot loses no message (SPEC §10).

A row is a queue entry, not a record about the person: it lives for the seconds it takes to
answer. With several bot processes (webhook replicas), each row belongs to the process that
stored it under a lease the process keeps renewing (:func:`renew`); a row whose lease ran
out belongs to a process that died, and the next :func:`claim_orphans` of a live one takes it
over — one process only, since the claim is a conditional UPDATE.

A row exists before consent too, which is why it is keyed by the Telegram user id and
erased by that id (:func:`forget`), and why nothing here is ever logged.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from coach.db import transaction
from coach.models import InboxUpdate, utcnow

#: How long a process vouches for the rows it holds without renewing (it renews every
#: third of it); past that, another process takes them over. ``INBOX_LEASE_SECONDS``
#: shortens it (the cluster test, devtools/cluster.py, kills a bot and waits for takeover).
LEASE = dt.timedelta(seconds=float(os.environ.get("INBOX_LEASE_SECONDS") or 90))


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
    owner: str | None = None,
    now: dt.datetime | None = None,
) -> bool:
    """Keep an update until it is answered, held by ``owner`` (the storing process) under
    a lease. False when it was already there (Telegram delivers an update again when its
    acknowledgement was lost): it must not run twice."""
    now = now or utcnow()
    try:
        with transaction(factory) as session:
            session.add(
                InboxUpdate(
                    update_id=update_id,
                    chat_id=chat_id,
                    telegram_user_id=telegram_user_id,
                    payload=payload,
                    received_at=now,
                    owner=owner,
                    lease_until=now + LEASE if owner else None,
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


def renew(factory: sessionmaker[Session], owner: str, *, now: dt.datetime | None = None) -> int:
    """Extend the lease of every row ``owner`` holds; returns how many."""
    now = now or utcnow()
    with transaction(factory) as session:
        result = session.execute(
            update(InboxUpdate).where(InboxUpdate.owner == owner).values(lease_until=now + LEASE)
        )
        return int(getattr(result, "rowcount", 0) or 0)


def _orphaned(now: dt.datetime, owner: str) -> ColumnElement[bool]:
    """Rows nobody vouches for: no owner, a lease run out, or an earlier run of the same
    instance (owner ``instance/run``: one bot process per instance, so that run is dead)."""
    instance = owner.rsplit("/", 1)[0] + "/"
    return or_(
        InboxUpdate.owner.is_(None),
        InboxUpdate.lease_until.is_(None),
        InboxUpdate.lease_until < now,
        and_(InboxUpdate.owner.startswith(instance, autoescape=True), InboxUpdate.owner != owner),
    )


def claim_orphans(
    factory: sessionmaker[Session],
    owner: str,
    *,
    now: dt.datetime | None = None,
    limit: int = 1000,
) -> list[Pending]:
    """Take over the rows nobody vouches for (their process died, or they predate owners),
    oldest first, for ``owner`` (``instance/run``); each is claimed by a conditional UPDATE,
    so two live processes never take the same row."""
    now = now or utcnow()
    with factory() as session:
        candidates = session.scalars(
            select(InboxUpdate.id)
            .where(_orphaned(now, owner))
            .order_by(InboxUpdate.id)
            .limit(limit)
        ).all()
    claimed: list[Pending] = []
    for row_id in candidates:
        with transaction(factory) as session:
            result = session.execute(
                update(InboxUpdate)
                .where(InboxUpdate.id == row_id, _orphaned(now, owner))
                .values(owner=owner, lease_until=now + LEASE)
            )
            if not getattr(result, "rowcount", 0):
                continue  # another process took it first, or it was answered meanwhile
            row = session.get(InboxUpdate, row_id)
            if row is not None:
                claimed.append(
                    Pending(
                        row.update_id, row.chat_id, dict(row.payload), row.started_at is not None
                    )
                )
    return claimed


def forget(session: Session, telegram_user_id: int) -> int:
    """Erase what is waiting for this person (``/supprimer``); returns the rows deleted."""
    result = session.execute(
        delete(InboxUpdate).where(
            (InboxUpdate.telegram_user_id == telegram_user_id)
            | (InboxUpdate.chat_id == telegram_user_id)
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)
