"""Inline buttons pressed the way people press them (real Rasa, action server, bot, emulator).

- Two fast presses of one button (both reach the bot before the first is answered): the
  choice is acted on once, one row is stored, one answer is sent, and the second press gets
  a short « déjà pris en compte » from Telegram's spinner.
- A button shown before the bot restarted (a new Application on the same databases: the
  payload store and the memory of pressed buttons start empty) still does what it says, and
  what was said before the restart is kept. A long button whose digest the new process
  never saw gets a clear answer, and the conversation goes on.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from apps import polling_bot
from harness import BotMessage, Emulator
from steps import cli, consent, text_of, until

from bot.gateway import ALREADY_PRESSED
from bot.relay import EXPIRED_BUTTON
from devtools.stack import Stack

DOUBLE_CHAT = 5_550_950
RESTART_CHAT = 5_550_951


@pytest.fixture
async def emulator_only() -> AsyncIterator[Emulator]:
    """The emulator without the session's bot: the test starts its own, twice."""
    async with Emulator() as emu:
        yield emu


def has_button(payload: str):  # type: ignore[no-untyped-def]
    return lambda m: payload in m["buttons"]


def says(fragment: str):  # type: ignore[no-untyped-def]
    return lambda m: fragment in (m["text"] or "")


def shown_with(messages: list[BotMessage], payload: str) -> int:
    [message_id] = [m["message_id"] for m in messages if payload in m["buttons"]][-1:]
    return message_id


async def test_two_fast_presses_of_one_button_act_once(
    telegram: Emulator, databases: tuple[str, str]
) -> None:
    emu, chat = telegram, DOUBLE_CHAT
    await consent(emu, chat)
    await emu.send_message(chat, "refus de Leroy Merlin pour le poste de comptable reçu hier")
    await until(emu, chat, has_button("p:entretiens_suivants"))
    for payload, next_step in [
        ("p:entretiens_suivants", has_button("p:plusieurs")),
        ("p:1", says("son nom")),
    ]:
        await emu.press_button(chat, payload)
        await until(emu, chat, next_step)
    await emu.send_message(chat, "Paul Girard")
    await until(emu, chat, says("responsable"))
    for payload, next_step in [
        ("p:non", has_button("p:personne")),
        ("p:personne", has_button("p:formal")),
        ("p:formal", has_button("p:ca_va")),
    ]:
        await emu.press_button(chat, payload)
        mood_question = await until(emu, chat, next_step)

    # The mood button, twice, before the first press is answered.
    message_id = shown_with(mood_question, "p:ca_va")
    await asyncio.gather(
        emu.press_button(chat, "p:ca_va", message_id=message_id),
        emu.press_button(chat, "p:ca_va", message_id=message_id),
    )
    after = await until(emu, chat, has_button("p:/ask_timing"))
    await asyncio.sleep(4)  # a second answer would have arrived by now
    after += await emu.wait_for_bot_messages(chat, count=0, timeout=0)
    assert sum("p:/ask_timing" in m["buttons"] for m in after) == 1, text_of(after)
    answers = [a["text"] for a in await emu.callback_answers()]
    assert answers.count(ALREADY_PRESSED) == 1, answers
    # The keyboard is gone from the message: it cannot be pressed a third time.
    pressed = await emu.get_bot_message(chat, message_id)
    assert pressed is not None and pressed["buttons"] == []

    exported = cli("export", chat, databases)
    assert [m["mood"] for m in exported["moods"]] == ["ca_va"]
    assert len(exported["rejections"]) == 1


async def test_buttons_shown_before_a_restart_still_work(
    emulator_only: Emulator, stack: Stack, databases: tuple[str, str]
) -> None:
    emu, chat = emulator_only, RESTART_CHAT
    async with polling_bot(emu, stack, databases):
        await consent(emu, chat)
        await emu.send_message(chat, "refus de Capgemini pour le poste de data analyst reçu hier")
        opened = await until(emu, chat, has_button("p:entretiens_suivants"))
        old_message = shown_with(opened, "p:entretiens_suivants")

    # A new process: nothing in memory, the same databases and the same Rasa.
    async with polling_bot(emu, stack, databases):
        await emu.press_button(chat, "p:entretiens_suivants", message_id=old_message)
        await until(emu, chat, has_button("p:plusieurs"))
        # A long payload travels as a digest that only the process that drew it knows: one
        # on a message drawn before the restart.
        first_message = (await emu.bot_history(chat))[0]["message_id"]
        await emu.press_button(chat, "h:" + "0" * 32, message_id=first_message)
        expired = await until(emu, chat, says(EXPIRED_BUTTON))
        assert "/aide" in text_of(expired)
        await emu.press_button(chat, "p:1")
        await until(emu, chat, says("son nom"))
        await emu.send_message(chat, "Julie Martin")
        await until(emu, chat, says("responsable"))
        for payload, next_step in [
            ("p:non", has_button("p:personne")),
            ("p:personne", has_button("p:formal")),
            ("p:formal", has_button("p:ca_va")),
        ]:
            await emu.press_button(chat, payload)
            recap = await until(emu, chat, next_step)
        assert "Capgemini" in text_of(recap), "what was said before the restart is kept"

    exported = cli("export", chat, databases)
    [rejection] = exported["rejections"]
    assert rejection["company"] == "Capgemini" and rejection["position"] == "data analyst"
    assert rejection["stage"] == "entretiens_suivants"
    assert rejection["interviewer_count"] == 1
    assert rejection["interviewer_names"] == "Julie Martin"
