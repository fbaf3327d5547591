"""coach.inbox on SQLite and PostgreSQL: an update is stored once, kept in order until it
is answered, marked when its processing starts, and erased with the person."""

from __future__ import annotations

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
