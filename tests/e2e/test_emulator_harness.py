"""Proves the emulator harness: a real python-telegram-bot 22 Application, long polling."""

from __future__ import annotations

import hashlib
import struct
import zlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from harness import Emulator
from telegram import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatAction
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

App = Application[Any, Any, Any, Any, Any, Any]
CHAT = 4242
WAIT = 10.0


def tiny_png() -> bytes:
    """A valid 2x1 RGB PNG, built in memory."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 2, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00\x00\x00\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


PNG = tiny_png()
DOC = "Séance du jour : 3 × 10 squats\n".encode()


def build_app(emu: Emulator, errors: list[BaseException]) -> App:
    async def post_init(app: App) -> None:
        await app.bot.set_my_commands([BotCommand("start", "Commencer")])

    app = (
        ApplicationBuilder()
        .token(emu.token)
        .base_url(emu.api_base_url)
        .base_file_url(emu.file_base_url)
        .post_init(post_init)
        .build()
    )

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_chat and update.message and update.effective_user
        await context.bot.send_chat_action(update.effective_chat.id, ChatAction.TYPING)
        keyboard = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton("Oui", callback_data="yes"),
                    InlineKeyboardButton("Non", callback_data="no"),
                ]
            ]
        )
        await update.message.reply_text(
            f"Bonjour {update.effective_user.first_name} ! Prête ?", reply_markup=keyboard
        )

    async def media(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message
        photo = await update.message.reply_photo(PNG, caption="Ta courbe")
        assert photo.photo and photo.photo[-1].width == 2 and photo.caption == "Ta courbe"
        document = await update.message.reply_document(DOC, filename="seance.txt")
        assert document.document and document.document.file_name == "seance.txt"

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message and update.message.text
        await update.message.reply_text(f"echo: {update.message.text}")

    async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query and query.data and query.message and query.chat_instance
        await query.answer(f"noted {query.data}")
        if query.data == "yes":
            edited = await query.edit_message_text(f"Choisi : {query.data}")
            assert not isinstance(edited, bool) and edited.text == f"Choisi : {query.data}"
        else:
            await query.edit_message_reply_markup(None)
        await context.bot.send_message(query.message.chat.id, f"pressed: {query.data}")

    async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert context.error is not None
        errors.append(context.error)

    app.add_handler(CommandHandler("start", start))
    app.add_handler(CommandHandler("media", media))
    app.add_handler(CallbackQueryHandler(button))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    app.add_error_handler(on_error)
    return app


@asynccontextmanager
async def running(app: App) -> AsyncIterator[App]:
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0.0, timeout=1)
    try:
        yield app
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()


@pytest.mark.asyncio
async def test_round_trips_with_a_real_application(emulator: Emulator) -> None:
    errors: list[BaseException] = []
    app = build_app(emulator, errors)
    async with running(app):
        assert app.bot.username == "RebondTestBot" and app.bot.id == 123456789

        # /start: a reply with an inline keyboard.
        await emulator.send_command(CHAT, "/start")
        [welcome] = await emulator.wait_for_bot_messages(CHAT, timeout=WAIT)
        assert welcome["text"] == "Bonjour Camille ! Prête ?"
        assert welcome["buttons"] == ["yes", "no"]
        assert welcome["reply_markup"] is not None

        # Plain text: echoed back.
        await emulator.send_message(CHAT, "Salut le bot")
        [echo] = await emulator.wait_for_bot_messages(CHAT, timeout=WAIT)
        assert echo == {**echo, "kind": "text", "text": "echo: Salut le bot", "buttons": []}

        # A button press: answered, message edited, data replied.
        await emulator.press_button(CHAT, "yes")
        [pressed] = await emulator.wait_for_bot_messages(CHAT, timeout=WAIT)
        assert pressed["text"] == "pressed: yes"
        edited = await emulator.get_bot_message(CHAT, welcome["message_id"])
        assert edited is not None and edited["text"] == "Choisi : yes" and edited["buttons"] == []
        answers = await emulator.callback_answers()
        assert [a["text"] for a in answers] == ["noted yes"]

        # The other button on a new keyboard: its markup is removed.
        await emulator.send_command(CHAT, "/start")
        [second] = await emulator.wait_for_bot_messages(CHAT, timeout=WAIT)
        await emulator.press_button(CHAT, "no")
        [pressed_no] = await emulator.wait_for_bot_messages(CHAT, timeout=WAIT)
        assert pressed_no["text"] == "pressed: no"
        cleared = await emulator.get_bot_message(CHAT, second["message_id"])
        assert cleared is not None and cleared["reply_markup"] is None
        with pytest.raises(LookupError):
            await emulator.press_button(CHAT, "no")  # no keyboard shows it any more

        # Uploads: a photo and a document, recorded with their content.
        await emulator.send_command(CHAT, "/media")
        photo, document = await emulator.wait_for_bot_messages(CHAT, count=2, timeout=WAIT)
        assert photo["kind"] == "photo" and photo["caption"] == "Ta courbe" and photo["photo"]
        assert photo["photo"]["size"] == len(PNG)
        assert photo["photo"]["sha256"] == hashlib.sha256(PNG).hexdigest()
        assert document["kind"] == "document" and document["document"]
        assert document["document"]["filename"] == "seance.txt"
        assert document["document"]["sha256"] == hashlib.sha256(DOC).hexdigest()

        # Another chat stays separate.
        await emulator.send_message(777, "autre", first_name="Léa")
        [other] = await emulator.wait_for_bot_messages(777, timeout=WAIT)
        assert other["text"] == "echo: autre" and other["chat_id"] == 777
        with pytest.raises(TimeoutError):
            await emulator.wait_for_bot_messages(CHAT, timeout=0.3)

    assert errors == []
