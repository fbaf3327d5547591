"""Custom actions, run with rasa-sdk Tracker objects against a real SQLite database."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import create_engine, select

from actions.onboarding import ActionDeclineConsent, ActionGiveConsent, ActionStart
from actions.safety import ActionCrisisSupport
from coach.models import User


def tracker(
    sender: str = "4242", intent: str = "start", metadata: dict[str, Any] | None = None
) -> Tracker:
    return Tracker(
        sender_id=sender,
        slots={},
        latest_message={
            "intent": {"name": intent, "confidence": 1.0},
            "entities": [],
            "text": f"/{intent}",
            "metadata": metadata or {},
        },
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


async def run(action: Any, t: Tracker) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, t, {})
    return events, dispatcher.messages


def users(url: str) -> list[User]:
    engine = create_engine(url)
    with engine.connect() as connection:
        rows = list(connection.execute(select(User.telegram_user_id, User.first_name)))
    engine.dispose()
    return rows  # type: ignore[return-value]


async def test_start_greets_by_first_name_and_asks_consent_without_storing(action_db: str) -> None:
    _, messages = await run(ActionStart(), tracker(metadata={"first_name": "Camille"}))
    assert messages[0]["text"].startswith("Bonjour Camille !")
    assert len([line for line in messages[0]["text"].splitlines() if line.startswith("•")]) == 4
    consent = messages[-1]
    assert "accord" in consent["text"]
    assert [b["payload"] for b in consent["buttons"]] == ["/consent_accept", "/consent_decline"]
    assert users(action_db) == []


async def test_start_without_name_still_greets(action_db: str) -> None:
    _, messages = await run(ActionStart(), tracker())
    assert messages[0]["text"].startswith("Bonjour !")


async def test_reprompt_explains_that_nothing_was_read(action_db: str) -> None:
    _, messages = await run(ActionStart(), tracker(metadata={"reprompt": True}))
    assert len(messages) == 1 and "rien lu" in messages[0]["text"]
    assert messages[0]["text"].count("accord") == 1, "said once, and the question asked"
    assert messages[0]["text"].endswith("?")
    assert messages[0]["buttons"][0]["payload"] == "/consent_accept"


async def test_consent_creates_the_user_then_start_welcomes_back(action_db: str) -> None:
    _, messages = await run(
        ActionGiveConsent(), tracker(intent="consent_accept", metadata={"first_name": "Camille"})
    )
    assert "Merci" in messages[0]["text"] and "l'heure de Paris" in messages[0]["text"]
    assert "/fuseau" in messages[0]["text"]
    assert messages[0]["buttons"]
    assert users(action_db) == [(4242, "Camille")]
    _, messages = await run(ActionStart(), tracker(metadata={"first_name": "Camille"}))
    assert len(messages) == 1 and "retrouver" in messages[0]["text"]


async def test_decline_stores_nothing_and_asks_the_bot_to_forget(action_db: str) -> None:
    _, messages = await run(ActionDeclineConsent(), tracker(intent="consent_decline"))
    assert messages[0]["text"].startswith("C'est entendu")
    assert messages[0]["custom"] == {"rebond": "forget"}
    assert users(action_db) == []


async def test_crisis_support_answers_with_resources_and_records_the_pause(action_db: str) -> None:
    await run(ActionGiveConsent(), tracker(intent="consent_accept"))
    _, messages = await run(ActionCrisisSupport(), tracker(intent="crisis"))
    assert "3114" in messages[0]["text"]
    engine = create_engine(action_db)
    with engine.connect() as connection:
        assert connection.execute(select(User.crisis_at)).scalar_one() is not None
    engine.dispose()


async def test_crisis_support_answers_even_when_the_database_is_down(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from actions import common

    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    common.settings.cache_clear()
    common.sessions.cache_clear()
    try:
        _, messages = await run(ActionCrisisSupport(), tracker(intent="crisis"))
    finally:
        common.settings.cache_clear()
        common.sessions.cache_clear()
    assert "3114" in messages[0]["text"]


async def test_consent_failure_is_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    from actions import common

    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    common.settings.cache_clear()
    common.sessions.cache_clear()
    try:
        _, messages = await run(ActionGiveConsent(), tracker(intent="consent_accept"))
    finally:
        common.settings.cache_clear()
        common.sessions.cache_clear()
    assert "souci technique" in messages[0]["text"]
