"""Two dispatchers never write to one chat within a second (coach.reminders.claim_due):
a chat is claimed by one dispatcher at a time, and not within ``chat_interval`` of another
dispatcher's last send to it. On SQLite and on PostgreSQL (``make db`` runs both)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update
from sqlalchemy.orm import Session

from coach import reminders as rem
from coach.models import Reminder, User
from coach.users import give_consent

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
NO_QUIET = dt.time(12, 0)


def person(session: Session, telegram_user_id: int, reminders: int) -> tuple[User, list[int]]:
    user = give_consent(
        session, telegram_user_id, first_name=None, timezone="Europe/Paris", now=NOW
    )
    user.quiet_start = user.quiet_end = NO_QUIET
    rows = [
        Reminder(
            user_id=user.id,
            kind="custom",
            due_at=NOW,
            payload={"text": f"rappel {i}"},
            status="pending",
            attempts=0,
            created_at=NOW,
        )
        for i in range(reminders)
    ]
    session.add_all(rows)
    session.flush()
    return user, [r.id for r in rows]


def claimed(session: Session, worker: str, now: dt.datetime, limit: int = 100) -> list[int]:
    result = rem.claim_due(session, worker_id=worker, now=now, limit=limit)
    session.flush()
    return sorted(snapshot.id for snapshot in result.claimed)


def test_a_chat_belongs_to_one_dispatcher_at_a_time(session: Session) -> None:
    _, a = person(session, 880_001, 3)
    _, b = person(session, 880_002, 3)
    assert claimed(session, "w1", NOW, limit=1) == [a[0]]
    # w2 takes the other person's reminders, none of the chat w1 holds.
    assert claimed(session, "w2", NOW) == b
    # w1 may go on with its own chat (it spaces its sends itself).
    assert claimed(session, "w1", NOW) == a[1:]


def test_not_within_the_interval_of_another_dispatchers_send(session: Session) -> None:
    _, a = person(session, 880_011, 2)
    assert claimed(session, "w1", NOW, limit=1) == [a[0]]
    session.execute(update(Reminder).where(Reminder.id == a[0]).values(status="sent", sent_at=NOW))
    half = NOW + dt.timedelta(milliseconds=500)
    assert claimed(session, "w2", half) == []
    later = NOW + dt.timedelta(milliseconds=1100)
    assert claimed(session, "w2", later) == [a[1]]


def test_a_row_left_sending_by_a_dead_dispatcher_blocks_its_chat_one_lease_only(
    session: Session,
) -> None:
    _, a = person(session, 880_021, 2)
    assert claimed(session, "dead", NOW, limit=1) == [a[0]]
    session.execute(update(Reminder).where(Reminder.id == a[0]).values(status="sending"))
    assert claimed(session, "w2", NOW + dt.timedelta(seconds=5)) == []
    after = NOW + rem.CLAIM_LEASE + dt.timedelta(seconds=1)
    assert claimed(session, "w2", after) == [a[1]]
