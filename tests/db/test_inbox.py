"""coach.inbox on SQLite and PostgreSQL: an update is stored once, kept in order until it
is answered, marked when its processing starts, and erased with the person."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from coach import inbox
from coach.db import make_session_factory, transaction


def clean(factory: sessionmaker[Session]) -> None:
    for entry in inbox.pending(factory):
        inbox.done(factory, entry.update_id)


def test_an_update_is_kept_until_answered_and_stored_only_once(engine: Engine) -> None:
    factory = make_session_factory(engine)
    clean(factory)
    first = {"update_id": 11, "message": {"text": "bonjour"}}
    assert inbox.store(factory, update_id=11, chat_id=5, telegram_user_id=5, payload=first)
    assert not inbox.store(factory, update_id=11, chat_id=5, telegram_user_id=5, payload=first)
    assert inbox.store(factory, update_id=12, chat_id=6, telegram_user_id=6, payload={"x": 1})
    inbox.mark_started(factory, 11)
    waiting = inbox.pending(factory)
    assert [(w.update_id, w.chat_id, w.started) for w in waiting] == [(11, 5, True), (12, 6, False)]
    assert waiting[0].payload == first
    inbox.done(factory, 11)
    assert [w.update_id for w in inbox.pending(factory)] == [12]
    clean(factory)


def test_erasure_clears_what_waits_for_that_person_only(engine: Engine) -> None:
    factory = make_session_factory(engine)
    clean(factory)
    inbox.store(factory, update_id=21, chat_id=5, telegram_user_id=5, payload={})
    inbox.store(factory, update_id=22, chat_id=5, telegram_user_id=5, payload={})
    inbox.store(factory, update_id=23, chat_id=6, telegram_user_id=6, payload={})
    with transaction(factory) as session:
        assert inbox.forget(session, 5) == 2
    assert [w.update_id for w in inbox.pending(factory)] == [23]
    clean(factory)


def test_each_process_keeps_its_rows_until_its_lease_runs_out(engine: Engine) -> None:
    factory = make_session_factory(engine)
    clean(factory)
    now = dt.datetime(2026, 12, 5, 13, 0, tzinfo=dt.UTC)
    alive, other = "bot-a/run1", "bot-b/run1"
    for update_id in (31, 32):
        inbox.store(
            factory,
            update_id=update_id,
            chat_id=7,
            telegram_user_id=7,
            payload={},
            owner=alive,
            now=now,
        )
    # A live process's rows are not taken.
    assert inbox.claim_orphans(factory, other, now=now + dt.timedelta(seconds=60)) == []
    # Renewed, they stay its own past the first lease.
    assert inbox.renew(factory, alive, now=now + dt.timedelta(seconds=60)) == 2
    assert (
        inbox.claim_orphans(factory, other, now=now + inbox.LEASE + dt.timedelta(seconds=1)) == []
    )
    # Once the lease has run out (the process died), one other process takes them, in order.
    later = now + dt.timedelta(seconds=60) + inbox.LEASE + dt.timedelta(seconds=1)
    taken = inbox.claim_orphans(factory, other, now=later)
    assert [entry.update_id for entry in taken] == [31, 32]
    assert inbox.claim_orphans(factory, "bot-c/run1", now=later) == []
    clean(factory)


def test_a_restart_of_the_same_instance_takes_its_rows_at_once(engine: Engine) -> None:
    factory = make_session_factory(engine)
    clean(factory)
    now = dt.datetime(2026, 12, 5, 13, 0, tzinfo=dt.UTC)
    inbox.store(
        factory,
        update_id=41,
        chat_id=7,
        telegram_user_id=7,
        payload={},
        owner="bot-a/run1",
        now=now,
    )
    inbox.store(factory, update_id=42, chat_id=8, telegram_user_id=8, payload={}, now=now)
    inbox.store(
        factory,
        update_id=43,
        chat_id=9,
        telegram_user_id=9,
        payload={},
        owner="bot-a_/run1",
        now=now,
    )  # another instance, whose name extends ours
    # Same instance, new run: the earlier run is dead. A row without owner is anyone's.
    taken = inbox.claim_orphans(factory, "bot-a/run2", now=now)
    assert [entry.update_id for entry in taken] == [41, 42]
    clean(factory)
