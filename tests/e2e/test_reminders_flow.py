"""Reminders end to end: set in free text → delivered by the dispatcher with its buttons →
"Demain" reschedules → delivered again → "Fait" closes it; and a reminder that opens a
conversation goes through Rasa's trigger_intent.

The test moves due dates to "now" in the database instead of waiting hours: the
dispatcher, the buttons and Telegram delivery are the real ones.
"""

from __future__ import annotations

import datetime as dt
import re

from harness import BotMessage, Emulator
from sqlalchemy import select, update
from steps import cli, consent, text_of, until

from coach.db import make_engine, make_session_factory, transaction
from coach.models import Reminder, User
from coach.reminders import schedule
from coach.users import find_user

CHAT = 5_550_100


def _no_quiet_hours(app_url: str, chat: int) -> None:
    # Equal bounds mean no quiet hours: the test passes at any time of day.
    engine = make_engine(app_url)
    with engine.begin() as connection:
        connection.execute(
            update(User)
            .where(User.telegram_user_id == chat)
            .values(quiet_start=dt.time(0, 0), quiet_end=dt.time(0, 0))
        )
    engine.dispose()


def _make_due(app_url: str, chat: int) -> int:
    """Bring the person's pending reminders to now; returns how many were moved."""
    engine = make_engine(app_url)
    now = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    with engine.begin() as connection:
        user_id = connection.execute(
            select(User.id).where(User.telegram_user_id == chat)
        ).scalar_one()
        moved = connection.execute(
            update(Reminder)
            .where(Reminder.user_id == user_id, Reminder.status == "pending")
            .values(due_at=now, next_attempt_at=None)
        ).rowcount
    engine.dispose()
    return int(moved or 0)


def _reminder_id(message: BotMessage, action: str) -> int:
    for data in message["buttons"]:
        found = re.fullmatch(rf"rem:{action}:(\d+)", data)
        if found:
            return int(found.group(1))
    raise AssertionError(f"no {action} button in {message['buttons']}")


async def test_free_text_reminder_arrives_snoozes_and_closes(
    telegram: Emulator, databases: tuple[str, str]
) -> None:
    emu, (app_url, _) = telegram, databases
    await consent(emu, CHAT)
    _no_quiet_hours(app_url, CHAT)

    await emu.send_message(CHAT, "rappelle-moi dans 2 heures de relancer Decathlon")
    confirm = await until(emu, CHAT, lambda m: "C'est noté" in (m["text"] or ""))
    assert "« relancer Decathlon »" in text_of(confirm)

    assert _make_due(app_url, CHAT) == 1
    arrived = await until(emu, CHAT, lambda m: "Petit rappel" in (m["text"] or ""))
    reminder = arrived[-1]
    assert reminder["text"] == "Petit rappel : relancer Decathlon"
    first_id = _reminder_id(reminder, "snooze")
    assert {f"rem:done:{first_id}", f"rem:mute:{first_id}"} <= set(reminder["buttons"])

    await emu.press_button(CHAT, f"rem:snooze:{first_id}")
    snoozed = await until(emu, CHAT, lambda m: "je vous le rappelle" in (m["text"] or ""))
    assert "demain" in text_of(snoozed) or re.search(r"\d+ h \d\d", text_of(snoozed))
    upcoming = cli("export", CHAT, databases)["reminders"]
    assert [r["status"] for r in upcoming] == ["sent", "pending"]
    tomorrow = dt.datetime.fromisoformat(upcoming[1]["due_at"])
    assert tomorrow - dt.datetime.now(dt.UTC) > dt.timedelta(hours=20)

    assert _make_due(app_url, CHAT) == 1
    again = await until(emu, CHAT, lambda m: "Petit rappel" in (m["text"] or ""))
    second_id = _reminder_id(again[-1], "done")
    assert second_id != first_id
    await emu.press_button(CHAT, f"rem:done:{second_id}")
    await until(emu, CHAT, lambda m: "Bravo" in (m["text"] or ""))

    final = cli("export", CHAT, databases)["reminders"]
    assert [r["status"] for r in final] == ["sent", "sent"]
    assert _make_due(app_url, CHAT) == 0  # nothing left to send


async def test_conversation_reminder_goes_through_rasa(
    telegram: Emulator, databases: tuple[str, str]
) -> None:
    emu, (app_url, _) = telegram, databases
    chat = CHAT + 1
    await consent(emu, chat)
    _no_quiet_hours(app_url, chat)
    engine = make_engine(app_url)
    now = dt.datetime.now(dt.UTC)
    with transaction(make_session_factory(engine)) as session:
        user = find_user(session, chat)
        assert user is not None
        schedule(
            session,
            user,
            "feedback_request",
            now,
            now=now,
            payload={"intent": "ask_timing", "company": "Decathlon"},
        )
    engine.dispose()
    opened = await until(emu, chat, lambda m: "jours ouvrés" in (m["text"] or ""))
    assert any("p:/ask_contact" in m["buttons"] for m in opened)


async def test_weekly_reflection_opt_in_check_in_and_journal(
    telegram: Emulator, databases: tuple[str, str]
) -> None:
    emu, (app_url, _) = telegram, databases
    chat = CHAT + 2
    await consent(emu, chat)
    _no_quiet_hours(app_url, chat)

    await emu.send_command(chat, "/rappels")
    await until(emu, chat, lambda m: "p:refl:setup" in m["buttons"])
    await emu.press_button(chat, "p:refl:setup")
    await until(emu, chat, lambda m: "p:refl:day:4" in m["buttons"])
    await emu.press_button(chat, "p:refl:day:4")
    await until(emu, chat, lambda m: "p:refl:set:4:18" in m["buttons"])
    await emu.press_button(chat, "p:refl:set:4:18")
    await until(emu, chat, lambda m: "chaque vendredi à 18 h" in (m["text"] or ""))

    assert _make_due(app_url, chat) == 1
    opened = await until(emu, chat, lambda m: "Qu'est-ce qui a avancé" in (m["text"] or ""))
    assert "bilan de la semaine" in text_of(opened)
    await emu.send_message(chat, "J'ai relancé deux recruteurs et fini mon CV")
    await until(emu, chat, lambda m: "semaine prochaine ?" in (m["text"] or ""))
    await emu.send_message(chat, "Préparer mes réponses avec la méthode STAR")
    await until(emu, chat, lambda m: "noté dans votre journal" in (m["text"] or ""))

    exported = cli("export", chat, databases)
    assert [e["text"] for e in exported["journal"]] == [
        "J'ai relancé deux recruteurs et fini mon CV",
        "Préparer mes réponses avec la méthode STAR",
    ]
    kinds = [r["kind"] for r in exported["reminders"]]
    assert kinds.count("weekly_reflection") == 2  # the one sent, and next week's
