"""The Telegram front-end (python-telegram-bot 22)."""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
from collections import defaultdict
from typing import Any

import httpx
from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    MessageEntity,
    Update,
)
from telegram.error import BadRequest, Forbidden, NetworkError, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.dispatcher import ReminderDispatcher, text_deliver
from bot.rasa_client import RasaClient
from bot.relay import COMMAND_DESCRIPTIONS, Relay, Speaker
from bot.rendering import PayloadStore, Reply, keyboard_rows, split_text
from coach.db import make_engine, make_session_factory
from coach.reminders import ReminderSnapshot
from coach.settings import Settings

log = logging.getLogger(__name__)

EDITED = (
    "J'ai vu que vous avez modifié un message. Je ne peux pas reprendre un message déjà "
    "traité : envoyez plutôt la nouvelle version dans un nouveau message."
)
NOT_TEXT = (
    "Je ne sais lire que le texte pour l'instant (pas les autocollants, images ou messages "
    "vocaux). Pouvez-vous me l'écrire ?"
)


class ChatLocks:
    """One lock per chat: updates run concurrently across chats, in order within one."""

    def __init__(self) -> None:
        self._locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)

    def __call__(self, chat_id: int) -> asyncio.Lock:
        return self._locks[chat_id]


def _markup(reply: Reply, payloads: PayloadStore) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(b.title[:64], callback_data=payloads.encode(b.payload))
                for b in row
            ]
            for row in keyboard_rows(reply.buttons)
        ]
    )


def utf16_length(text: str) -> int:
    """Telegram counts entity offsets in UTF-16 code units (an emoji can count twice)."""
    return len(text.encode("utf-16-le")) // 2


async def send_replies(
    bot: Any, chat_id: int, replies: list[Reply], payloads: PayloadStore
) -> None:
    """Send rendered replies; a failure to send a picture or file never loses the text."""
    for reply in replies:
        markup = _markup(reply, payloads)
        if reply.text:
            chunks = split_text(reply.text)
            for index, chunk in enumerate(chunks):
                last = index == len(chunks) - 1
                # A draft is sent as one monospace block: one tap copies it in Telegram.
                entities = (
                    [MessageEntity(MessageEntity.PRE, 0, utf16_length(chunk))]
                    if reply.code
                    else None
                )
                await bot.send_message(
                    chat_id, chunk, reply_markup=markup if last else None, entities=entities
                )
        elif markup is not None:
            await bot.send_message(chat_id, "Choisissez :", reply_markup=markup)
        if reply.image:
            try:
                await bot.send_photo(chat_id, reply.image)
            except TelegramError:
                log.warning("could not send an image", exc_info=True)
        if reply.photo is not None:
            try:
                await bot.send_photo(
                    chat_id,
                    InputFile(io.BytesIO(reply.photo), filename=reply.photo_name or "rebond.png"),
                    caption=reply.photo_caption,
                )
            except TelegramError:
                log.warning("could not send a chart", exc_info=True)
        if reply.document is not None:
            try:
                await bot.send_document(
                    chat_id,
                    InputFile(
                        io.BytesIO(reply.document), filename=reply.document_name or "rebond.json"
                    ),
                )
            except TelegramError:
                log.warning("could not send a document", exc_info=True)


def _speaker(update: Update) -> Speaker | None:
    user = update.effective_user
    if user is None or user.is_bot:
        return None
    return Speaker(telegram_user_id=user.id, first_name=user.first_name)


def build_application(
    settings: Settings,
    *,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
) -> Application:  # type: ignore[type-arg]
    """Build the real application; tests pass a request or point the base URL at an emulator."""
    if not settings.telegram_bot_token:
        raise ValueError("TELEGRAM_BOT_TOKEN is required for the Telegram front-end")
    builder = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token)
        .concurrent_updates(True)
        .rate_limiter(AIORateLimiter(max_retries=3))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    if settings.telegram_api_base_url:
        base = settings.telegram_api_base_url.rstrip("/")
        builder = builder.base_url(f"{base}/bot").base_file_url(f"{base}/file/bot")
    if request is not None:
        builder = builder.request(request)
    if get_updates_request is not None:
        builder = builder.get_updates_request(get_updates_request)
    app = builder.build()
    app.bot_data["settings"] = settings
    app.bot_data["locks"] = ChatLocks()
    app.bot_data["payloads"] = PayloadStore()

    app.add_handler(MessageHandler(filters.UpdateType.EDITED, _on_edited))
    app.add_handler(MessageHandler(filters.COMMAND, _on_command))
    app.add_handler(MessageHandler(filters.TEXT, _on_text))
    app.add_handler(CallbackQueryHandler(_on_button))
    app.add_handler(MessageHandler(filters.ALL, _on_other))
    app.add_error_handler(_on_error)
    return app


async def _post_init(app: Application) -> None:  # type: ignore[type-arg]
    settings: Settings = app.bot_data["settings"]
    http = httpx.AsyncClient(timeout=httpx.Timeout(30.0, connect=3.0))
    engine = make_engine(settings.database_url)
    sessions = make_session_factory(engine)
    relay = Relay(
        rasa=RasaClient(settings.rasa_url, auth_token=settings.rasa_auth_token, http=http),
        session_factory=sessions,
        tracker_url=settings.tracker_database_url,
    )
    app.bot_data["http"] = http
    app.bot_data["engine"] = engine
    app.bot_data["relay"] = relay

    async def converse(reminder: ReminderSnapshot) -> None:
        # A reminder that opens a conversation: Rasa answers as if the user had asked.
        async with app.bot_data["locks"](reminder.chat_id):
            replies = await relay.remind(Speaker(reminder.chat_id), reminder)
            await send_replies(app.bot, reminder.chat_id, replies, app.bot_data["payloads"])

    if settings.reminders_enabled:
        stop = asyncio.Event()
        dispatcher = ReminderDispatcher(
            sessions,
            text_deliver(app.bot, converse=converse),
            rate_per_second=settings.reminder_rate,
        )
        app.bot_data["dispatcher_stop"] = stop
        app.bot_data["dispatcher_task"] = asyncio.create_task(dispatcher.run_forever(stop))
    try:
        await app.bot.set_my_commands(
            [BotCommand(name, text) for name, text in COMMAND_DESCRIPTIONS.items()]
        )
    except TelegramError:
        log.warning("could not register the command menu; commands still work")


async def _post_shutdown(app: Application) -> None:  # type: ignore[type-arg]
    stop = app.bot_data.pop("dispatcher_stop", None)
    task = app.bot_data.pop("dispatcher_task", None)
    if stop is not None and task is not None:
        stop.set()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(task, timeout=30)
    http = app.bot_data.pop("http", None)
    if http is not None:
        await http.aclose()
    engine = app.bot_data.pop("engine", None)
    if engine is not None:
        engine.dispose()


async def _respond(update: Update, context: ContextTypes.DEFAULT_TYPE, work: Any) -> None:
    chat = update.effective_chat
    speaker = _speaker(update)
    if chat is None or speaker is None:
        return
    relay: Relay = context.bot_data["relay"]
    async with context.bot_data["locks"](chat.id):
        replies = await work(relay, speaker)
        await send_replies(context.bot, chat.id, replies, context.bot_data["payloads"])


async def _on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    text = update.effective_message.text if update.effective_message else ""
    await _respond(update, context, lambda relay, who: relay.handle_text(who, text))


async def _on_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    text = update.effective_message.text if update.effective_message else ""
    await _respond(update, context, lambda relay, who: relay.handle_command(who, text or "/"))


async def _on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query is None:
        return
    try:
        await query.answer()
    except TelegramError:
        log.debug("callback answer failed", exc_info=True)
    data = query.data or ""
    # Reminder keyboards carry their own callback data ("rem:done:42"), not a Rasa payload.
    payload = data if data.startswith("rem:") else context.bot_data["payloads"].decode(data)
    if payload and query.message is not None:
        # Remove the keyboard so a choice cannot be sent twice.
        try:
            await query.edit_message_reply_markup(reply_markup=None)
        except TelegramError:
            log.debug("could not remove the keyboard", exc_info=True)
    await _respond(update, context, lambda relay, who: relay.handle_payload(who, payload))


async def _on_edited(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = update.effective_chat
    if chat is not None:
        await context.bot.send_message(chat.id, EDITED)


async def _on_other(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = update.effective_chat
    if chat is not None and update.effective_message is not None:
        await context.bot.send_message(chat.id, NOT_TEXT)


async def _on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    error = context.error
    if isinstance(error, (Forbidden, NetworkError, BadRequest)):
        log.warning("Telegram error: %s", type(error).__name__)
        return
    log.error("unhandled error while processing an update", exc_info=error)
    if isinstance(update, Update) and update.effective_chat is not None:
        with contextlib.suppress(TelegramError):
            await context.bot.send_message(
                update.effective_chat.id,
                "Oups, un souci de mon côté. Votre message n'a pas pu être traité : "
                "pouvez-vous le renvoyer ?",
            )


def run_telegram(settings: Settings) -> None:
    """Serve Telegram: webhook when TELEGRAM_WEBHOOK_URL is set, long polling otherwise."""
    app = build_application(settings)
    if settings.telegram_webhook_url:
        if not settings.telegram_webhook_secret:
            # Without the secret anyone could post forged updates to the webhook.
            raise SystemExit("TELEGRAM_WEBHOOK_SECRET is required in webhook mode")
        app.run_webhook(
            listen="0.0.0.0",
            port=settings.telegram_webhook_port,
            webhook_url=settings.telegram_webhook_url,
            secret_token=settings.telegram_webhook_secret,
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        app.run_polling(allowed_updates=Update.ALL_TYPES)
