"""Reminder actions with rasa-sdk Tracker objects against a real SQLite database."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import create_engine, select

from actions.onboarding import ActionGiveConsent
from actions.reminders import (
    ActionListReminders,
    ActionPauseReminders,
    ActionResumeReminders,
    ActionSetReminder,
    reminder_subject,
)
from coach.models import Base, Reminder, User


def tracker(text: str, intent: str = "set_reminder") -> Tracker:
    return Tracker(
        sender_id="4242",
        slots={},
        latest_message={
            "intent": {"name": intent, "confidence": 1.0},
            "entities": [],
            "text": text,
            "metadata": {},
        },
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def stored(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of the application's database, by table."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return {
                table.name: [tuple(row) for row in connection.execute(select(table))]
                for table in Base.metadata.sorted_tables
            }
    finally:
        engine.dispose()


async def run(action: Any, text: str, intent: str = "set_reminder") -> list[dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    await action.run(dispatcher, tracker(text, intent), {})
    return dispatcher.messages


@pytest.mark.parametrize(
    ("said", "subject"),
    [
        ("rappelle-moi de relancer Decathlon", "relancer Decathlon"),
        ("peux-tu me rappeler d'écrire à la RH", "écrire à la RH"),
        ("fais-moi penser à mettre à jour mon CV", "mettre à jour mon CV"),
        ("rappelle moi que j'ai un entretien", "j'ai un entretien"),
        ("", ""),
    ],
)
def test_reminder_subject(said: str, subject: str) -> None:
    assert reminder_subject(said) == subject


async def test_set_list_pause_resume(action_db: str) -> None:
    await run(ActionGiveConsent(), "/consent_accept", "consent_accept")
    [confirm] = await run(
        ActionSetReminder(), "rappelle-moi dans 3 jours à 10h de relancer Decathlon"
    )
    assert confirm["text"].startswith("C'est noté : je vous enverrai « relancer Decathlon »")
    assert " à 10 h 00" in confirm["text"]

    [listing] = await run(ActionListReminders(), "/list_reminders", "list_reminders")
    assert "1. " in listing["text"] and "relancer Decathlon" in listing["text"]
    payloads = [b["payload"] for b in listing["buttons"]]
    assert payloads[0].startswith("rem:cancel:")
    assert payloads[-3:] == ["/pause_reminders", "refl:setup", "quiet:setup"]

    [paused] = await run(ActionPauseReminders(), "/pause_reminders", "pause_reminders")
    assert "pause (1 en attente)" in paused["text"]
    [listing] = await run(ActionListReminders(), "/list_reminders", "list_reminders")
    assert "en pause" in listing["text"]
    assert listing["buttons"][-3]["payload"] == "/resume_reminders"
    [resumed] = await run(ActionResumeReminders(), "/resume_reminders", "resume_reminders")
    assert resumed["text"].startswith("C'est reparti")


async def test_set_reminder_without_a_time_explains_how(action_db: str) -> None:
    await run(ActionGiveConsent(), "/consent_accept", "consent_accept")
    [answer] = await run(ActionSetReminder(), "rappelle-moi de relancer Decathlon")
    assert "vendredi à 10h" in answer["text"]
    assert stored(action_db)[Reminder.__tablename__] == []
    [empty] = await run(ActionListReminders(), "/list_reminders", "list_reminders")
    assert empty["text"].startswith("Vous n'avez aucun rappel")


async def test_impossible_date_is_refused_clearly(action_db: str) -> None:
    await run(ActionGiveConsent(), "/consent_accept", "consent_accept")
    before = stored(action_db)
    assert len(before[User.__tablename__]) == 1, "the person who consented"
    [answer] = await run(ActionSetReminder(), "rappelle-moi le 31 février de postuler")
    assert "C'est noté" not in answer["text"] and "n'existe pas" in answer["text"]
    assert not answer.get("buttons"), "no « Voir mes rappels » for a refused reminder"
    after = stored(action_db)
    assert after[Reminder.__tablename__] == [], "a refused date stores no reminder"
    assert after == before, "nothing else written either"


async def test_without_consent_nothing_is_stored(action_db: str) -> None:
    [answer] = await run(ActionSetReminder(), "rappelle-moi demain de postuler")
    assert "/start" in answer["text"]
    tables = stored(action_db)
    assert tables[User.__tablename__] == [] and tables[Reminder.__tablename__] == []
    assert {name: rows for name, rows in tables.items() if rows} == {}, "no row in any table"
