"""Faults and abuse through the Bot API emulator, with the real stack: a crisis in an edited
message, a caption and after a command; Rasa frozen (SIGSTOP) then resumed; a flood from one
person while another is served; a group chat; a kill -9 of the bot with messages in flight."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest
from harness import REPO_ROOT, Emulator
from sqlalchemy import text
from steps import consent, text_of, until

from bot.gateway import PRIVATE_ONLY, TOO_FAST
from bot.relay import RASA_DOWN
from coach.db import make_engine
from coach.users import sender_id_for
from devtools.stack import Stack

FROZEN_CHAT = 5_560_001
PATHS_CHAT = 5_560_002
FLOODER = 5_560_003
NEIGHBOUR = 5_560_004
GROUP = -1_005_560_005
KILLED_CHATS = (5_560_006, 5_560_007)


def is_crisis(message: Any) -> bool:
    return "3114" in (message["text"] or "")


@contextlib.contextmanager
def frozen(process: subprocess.Popen[bytes]) -> Iterator[None]:
    """Rasa stopped, not dead: it accepts connections and never answers."""
    os.killpg(process.pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.killpg(process.pid, signal.SIGCONT)


def rasa_process(stack: Stack) -> subprocess.Popen[bytes]:
    return stack.processes[-1]  # started after the action server


def private(chat: int, **fields: Any) -> dict[str, Any]:
    return {
        "message_id": int(time.time() * 1000) % 10**9,
        "date": int(time.time()),
        "chat": {"id": chat, "type": "private", "first_name": "Camille"},
        "from": {"id": chat, "is_bot": False, "first_name": "Camille"},
        **fields,
    }


async def test_a_crisis_is_answered_on_every_text_path(telegram: Emulator) -> None:
    emu = telegram
    await consent(emu, PATHS_CHAT)
    await emu.inject_update(
        {"edited_message": {**private(PATHS_CHAT, text="je veux mourir"), "edit_date": 1}}
    )
    await until(emu, PATHS_CHAT, is_crisis)
    photo = [{"file_id": "f", "file_unique_id": "u", "width": 1, "height": 1}]
    await emu.inject_update(
        {"message": private(PATHS_CHAT, photo=photo, caption="jpp je vais me foutre en l'air")}
    )
    await until(emu, PATHS_CHAT, is_crisis)
    await emu.send_command(PATHS_CHAT, "/aide j'ai envie de mourir")
    await until(emu, PATHS_CHAT, is_crisis)
    # An ordinary caption is read as text; the picture itself is not.
    await emu.inject_update({"message": private(PATHS_CHAT, photo=photo, caption="salut")})
    seen = await until(emu, PATHS_CHAT, lambda m: "légende" in (m["text"] or ""))
    assert not any(is_crisis(m) for m in seen)


async def test_with_rasa_frozen_a_crisis_is_answered_at_once_and_others_get_a_kind_answer(
    telegram: Emulator, stack: Stack
) -> None:
    emu = telegram
    await consent(emu, FROZEN_CHAT)
    with frozen(rasa_process(stack)):
        await emu.send_message(FROZEN_CHAT, "bonjour, je voudrais noter un refus")
        await asyncio.sleep(0.5)  # that turn is now stuck inside the frozen Rasa
        started = time.monotonic()
        await emu.send_message(FROZEN_CHAT, "en fait jveux en finir avec la vie")
        await until(emu, FROZEN_CHAT, is_crisis, timeout=5)
        crisis_seconds = time.monotonic() - started
        # The ordinary message gets the « indisponible » answer, not silence.
        late = await until(emu, FROZEN_CHAT, lambda m: m["text"] == RASA_DOWN, timeout=40)
    assert crisis_seconds < 5, crisis_seconds
    assert not any("bonjour" in (m["text"] or "").lower() for m in late)
    # Rasa resumed: the conversation goes on.
    await emu.send_command(FROZEN_CHAT, "/aide")
    after = await until(emu, FROZEN_CHAT, lambda m: bool(m["buttons"]) or "refus" in text_of([m]))
    assert RASA_DOWN not in text_of(after)


async def test_a_flood_gets_one_notice_and_does_not_starve_anyone_else(telegram: Emulator) -> None:
    emu = telegram
    await consent(emu, FLOODER)
    await consent(emu, NEIGHBOUR)
    for index in range(300):
        await emu.send_message(FLOODER, f"message numéro {index}")
    await emu.send_command(NEIGHBOUR, "/aide")
    await until(emu, NEIGHBOUR, lambda m: bool(m["buttons"]), timeout=30)
    await asyncio.sleep(5)
    flood = await emu.bot_history(FLOODER)
    assert [m["text"] for m in flood].count(TOO_FAST) == 1
    assert len(flood) < 60, "most of the flood was dropped, not queued"


async def test_in_a_group_the_bot_says_it_works_in_private_and_leaves(telegram: Emulator) -> None:
    emu = telegram
    await emu.inject_update(
        {
            "message": {
                "message_id": 1,
                "date": int(time.time()),
                "chat": {"id": GROUP, "type": "group", "title": "Promo 2026"},
                "from": {"id": 5_560_099, "is_bot": False, "first_name": "Sacha"},
                "text": "/journal",
                "entities": [{"type": "bot_command", "offset": 0, "length": 8}],
            }
        }
    )
    [notice] = await emu.wait_for_bot_messages(GROUP, timeout=10)
    assert notice["text"] == PRIVATE_ONLY
    for _ in range(20):
        if GROUP in await emu.left_chats():
            break
        await asyncio.sleep(0.1)
    assert await emu.left_chats() == [GROUP]
    await asyncio.sleep(1)
    assert [m["text"] for m in await emu.bot_history(GROUP)] == [PRIVATE_ONLY]


def user_intents(tracker_url: str, chat: int) -> list[str]:
    """The intents of the person's messages, in the order Rasa stored them."""
    engine = make_engine(tracker_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT intent_name FROM events WHERE sender_id = :sender"
                    " AND type_name = 'user' ORDER BY id"
                ),
                {"sender": sender_id_for(chat)},
            )
            return [str(name) for (name,) in rows]
    finally:
        engine.dispose()


def start_bot(emu: Emulator, stack: Stack, databases: tuple[str, str]) -> subprocess.Popen[bytes]:
    app_url, tracker_url = databases
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": emu.token,
        "TELEGRAM_API_BASE_URL": emu.url,
        "DATABASE_URL": app_url,
        "TRACKER_DATABASE_URL": tracker_url,
        "RASA_URL": stack.rasa_url,
        "RASA_AUTH_TOKEN": stack.auth_token,
        "REMINDERS_ENABLED": "0",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "bot"],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.fixture
async def emulator_only() -> Any:
    async with Emulator() as emu:
        yield emu


async def test_kill_9_of_the_bot_loses_no_message_and_answers_each_once(
    emulator_only: Emulator, stack: Stack, databases: tuple[str, str]
) -> None:
    emu = emulator_only
    bot = start_bot(emu, stack, databases)
    try:
        for chat in KILLED_CHATS:
            await consent(emu, chat)
        with frozen(rasa_process(stack)):
            # Each chat: one message stuck inside Rasa, two waiting behind it.
            for chat in KILLED_CHATS:
                for text in ("/aide", "/rappels", "/objectifs"):
                    await emu.send_command(chat, text)
            await asyncio.sleep(2)  # stored and acknowledged, none answered
            bot.kill()
            bot.wait(timeout=10)
        bot = start_bot(emu, stack, databases)
        for chat in KILLED_CHATS:
            await until(emu, chat, lambda m: "objectif" in (m["text"] or "").lower(), 60)
            await asyncio.sleep(3)  # anything sent twice would arrive by now
            history = [m["text"] or "" for m in await emu.bot_history(chat)]
            # Consent (three messages), then each command answered once, in order: the one
            # Rasa had taken before the kill is answered from its tracker, not run again.
            assert len(history) == 6, history
            assert history[3].startswith("Voici ce que je sais faire"), history
            assert history[4].startswith("Vous n'avez aucun rappel"), history
            assert history[5].startswith("Aucun objectif en cours"), history
            assert user_intents(databases[1], chat)[-3:] == [
                "help",
                "list_reminders",
                "review_goals",
            ]
    finally:
        bot.kill()
        bot.wait(timeout=10)
