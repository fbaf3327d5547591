"""Refusing consent exists only before consent: a consented person's « non » is never read
as a withdrawal, and never asks the bot to forget the conversation (SPEC §10)."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import create_engine, func, select

from actions.onboarding import (
    ALREADY_CONSENTED,
    CONSENT_UNKNOWN,
    DECLINED,
    NOT_NOW,
    ActionDeclineConsent,
    ActionGiveConsent,
)
from coach.models import User


def tracker(intent: str, text: str | None = None, sender: str = "4242") -> Tracker:
    return Tracker(
        sender_id=sender,
        slots={},
        latest_message={
            "intent": {"name": intent, "confidence": 1.0},
            "entities": [],
            "text": text if text is not None else f"/{intent}",
            "metadata": {"first_name": "Camille"},
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


def user_count(url: str) -> int:
    engine = create_engine(url)
    with engine.connect() as connection:
        count = int(connection.execute(select(func.count()).select_from(User)).scalar_one())
    engine.dispose()
    return count


def forgets(messages: list[dict[str, Any]]) -> bool:
    return any((m.get("custom") or {}).get("rebond") == "forget" for m in messages)


@pytest.fixture
async def consented(action_db: str) -> str:
    await run(ActionGiveConsent(), tracker("consent_accept"))
    assert user_count(action_db) == 1
    return action_db


async def test_before_consent_no_means_nothing_is_kept(action_db: str) -> None:
    events, messages = await run(ActionDeclineConsent(), tracker("consent_decline"))
    assert events == []
    assert [m["text"] for m in messages] == [DECLINED]
    assert forgets(messages)
    assert user_count(action_db) == 0


async def test_a_typed_no_after_start_from_a_consented_person_keeps_everything(
    consented: str,
) -> None:
    """« non » to « par quoi voulez-vous commencer ? » (the rule action_start → deny)."""
    events, messages = await run(ActionDeclineConsent(), tracker("deny", "non"))
    assert events == []
    assert [m["text"] for m in messages] == [NOT_NOW]
    assert messages[0]["buttons"], "the main topics, not a dead end"
    assert "je n'enregistre rien" not in NOT_NOW
    assert not forgets(messages)
    assert user_count(consented) == 1


async def test_an_old_no_thanks_button_does_not_withdraw_consent(consented: str) -> None:
    _, messages = await run(ActionDeclineConsent(), tracker("consent_decline"))
    assert [m["text"] for m in messages] == [ALREADY_CONSENTED]
    assert "/supprimer" in ALREADY_CONSENTED
    assert not forgets(messages)
    assert user_count(consented) == 1


async def test_when_consent_cannot_be_checked_nothing_is_forgotten(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from actions import common

    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    common.settings.cache_clear()
    common.sessions.cache_clear()
    try:
        _, messages = await run(ActionDeclineConsent(), tracker("deny", "non"))
    finally:
        common.settings.cache_clear()
        common.sessions.cache_clear()
    assert [m["text"] for m in messages] == [CONSENT_UNKNOWN]
    assert not forgets(messages)


async def test_a_yes_from_a_consented_person_is_not_a_second_welcome(consented: str) -> None:
    _, messages = await run(ActionGiveConsent(), tracker("affirm", "oui"))
    assert "Merci pour votre confiance" not in messages[0]["text"]
    assert messages[0]["buttons"]
    assert user_count(consented) == 1


def consent_tracker(language_code: str | None) -> Tracker:
    t = tracker("consent_accept")
    if language_code is not None:
        t.latest_message["metadata"]["language_code"] = language_code
    return t


def zone_offered(url: str) -> bool:
    engine = create_engine(url)
    with engine.connect() as connection:
        value = connection.execute(select(User.zone_offered_at)).scalar_one()
    engine.dispose()
    return value is not None


@pytest.mark.parametrize("code", ["fr-CA", "fr-BE", "en", "pt-BR"])
async def test_a_telegram_set_elsewhere_gets_the_zone_question_at_consent(
    action_db: str, code: str
) -> None:
    _, messages = await run(ActionGiveConsent(), consent_tracker(code))
    assert "Vivez-vous ailleurs ?" in messages[0]["text"]
    assert [b["payload"] for b in messages[0]["buttons"]] == [
        "srch:tzask",
        "srch:tz:Europe/Paris",
    ]
    assert messages[1]["buttons"]  # the main topics still follow
    assert zone_offered(action_db)


@pytest.mark.parametrize("code", [None, "fr", "fr-FR"])
async def test_a_french_telegram_gets_the_usual_welcome(action_db: str, code: str | None) -> None:
    _, messages = await run(ActionGiveConsent(), consent_tracker(code))
    [message] = messages
    assert "Vivez-vous ailleurs" not in message["text"]
    assert "(/fuseau pour en changer)" in message["text"]
    assert not zone_offered(action_db)
