"""The Telegram front-end (python-telegram-bot 22)."""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import os
from collections import defaultdict
from typing import Any

import httpx
from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    MessageEntity,
)
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
)
from telegram.request import BaseRequest, HTTPXRequest

from bot.dispatcher import ReminderDispatcher, SharedBudget, budget_name, text_deliver
from bot.gateway import ALLOWED_UPDATES, Gateway, InboxQueue
from bot.rasa_client import RasaClient
from bot.relay import COMMAND_DESCRIPTIONS, Relay, Speaker
from bot.rendering import PayloadStore, Reply, keyboard_rows, split_text
from coach.db import make_engine, make_session_factory
from coach.reminders import ReminderSnapshot
from coach.retention import daily_loop
from coach.settings import Settings

log = logging.getLogger(__name__)


def telegram_request(*, read_timeout: float = 10.0, pool_size: int = 1) -> HTTPXRequest:
    """Every Bot API call is bounded (seconds); long polling gets a longer read timeout."""
    return HTTPXRequest(
        connection_pool_size=pool_size,
        connect_timeout=5.0,
        read_timeout=read_timeout,
        write_timeout=20.0,
        pool_timeout=5.0,
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


def build_application(
    settings: Settings,
    *,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
) -> Application:  # type: ignore[type-arg]
    """Build the real application; tests pass a request or point the base URL at an emulator.

    Updates do not go through PTB's handlers: the update queue hands each one to the
    :class:`bot.gateway.Gateway` (crisis first, private chats only, flood control, the
    durable inbox, one queue per chat), which PTB awaits before acknowledging it."""
    if not settings.telegram_bot_token:
        raise ValueError("TELEGRAM_BOT_TOKEN is required for the Telegram front-end")
    builder = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token)
        .update_queue(InboxQueue())
        .rate_limiter(AIORateLimiter(max_retries=3))
        .request(request or telegram_request(pool_size=64))
        .get_updates_request(get_updates_request or telegram_request(read_timeout=30.0))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    if settings.telegram_api_base_url:
        base = settings.telegram_api_base_url.rstrip("/")
        builder = builder.base_url(f"{base}/bot").base_file_url(f"{base}/file/bot")
    app = builder.build()
    app.bot_data["settings"] = settings
    app.bot_data["locks"] = ChatLocks()
    app.bot_data["payloads"] = PayloadStore()
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
        default_zone=settings.coach_tz,
    )
    app.bot_data["http"] = http
    app.bot_data["engine"] = engine
    app.bot_data["relay"] = relay

    async def send(chat_id: int, replies: list[Reply]) -> None:
        await send_replies(app.bot, chat_id, replies, app.bot_data["payloads"])

    gateway = Gateway(
        bot=app.bot,
        relay=relay,
        send=send,
        sessions=sessions,
        payloads=app.bot_data["payloads"],
        lock_for=app.bot_data["locks"],
    )
    app.bot_data["gateway"] = gateway
    queue = app.update_queue
    if isinstance(queue, InboxQueue):
        queue.gateway = gateway
        queue.ready.set()
    await gateway.resume()
    gateway.watch()

    async def converse(reminder: ReminderSnapshot) -> list[Reply]:
        # A reminder that opens a conversation: Rasa answers as if the user had asked.
        # What was shown goes back to the dispatcher: nothing shown is never « sent ».
        async with app.bot_data["locks"](reminder.chat_id):
            replies = await relay.remind(Speaker(reminder.chat_id), reminder)
            await send_replies(app.bot, reminder.chat_id, replies, app.bot_data["payloads"])
            return replies

    stop = asyncio.Event()
    app.bot_data["stop"] = stop
    # Daily retention (coach.retention): old tracker events, inactive accounts.
    app.bot_data["retention_task"] = asyncio.create_task(
        daily_loop(sessions, settings.tracker_database_url, stop)
    )
    if settings.reminders_enabled:
        dispatcher = ReminderDispatcher(
            sessions,
            text_deliver(app.bot, converse=converse),
            rate_per_second=settings.reminder_rate,
            # REMINDER_RATE is the bot's, shared by all its processes through the database.
            shared_budget=SharedBudget(
                sessions, budget_name(settings.telegram_bot_token or ""), settings.reminder_rate
            ),
        )
        app.bot_data["dispatcher_task"] = asyncio.create_task(dispatcher.run_forever(stop))
    try:
        await app.bot.set_my_commands(
            [BotCommand(name, text) for name, text in COMMAND_DESCRIPTIONS.items()]
        )
    except TelegramError:
        log.warning("could not register the command menu; commands still work")


async def _post_shutdown(app: Application) -> None:  # type: ignore[type-arg]
    gateway = app.bot_data.pop("gateway", None)
    if gateway is not None:
        await gateway.drain()
    relay = app.bot_data.get("relay")
    if relay is not None:
        await relay.wait_background()
    stop = app.bot_data.pop("stop", None)
    if stop is not None:
        stop.set()
    # In-flight reminders finish (a turn's worst case is 35 s) before the clients close.
    for name, seconds in (("dispatcher_task", 45), ("retention_task", 30)):
        task = app.bot_data.pop(name, None)
        if task is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(task, timeout=seconds)
    http = app.bot_data.pop("http", None)
    if http is not None:
        await http.aclose()
    engine = app.bot_data.pop("engine", None)
    if engine is not None:
        engine.dispose()


def run_telegram(settings: Settings) -> None:
    """Serve Telegram: webhook when TELEGRAM_WEBHOOK_URL is set, long polling otherwise."""
    app = build_application(settings)
    if settings.telegram_webhook_url:
        if not settings.telegram_webhook_secret:
            # Without the secret anyone could post forged updates to the webhook.
            raise SystemExit("TELEGRAM_WEBHOOK_SECRET is required in webhook mode")
        app.run_webhook(
            # Loopback unless told otherwise (the container sets 0.0.0.0 behind its proxy).
            listen=os.environ.get("TELEGRAM_WEBHOOK_LISTEN", "127.0.0.1"),
            port=settings.telegram_webhook_port,
            webhook_url=settings.telegram_webhook_url,
            secret_token=settings.telegram_webhook_secret,
            allowed_updates=ALLOWED_UPDATES,
        )
    else:
        app.run_polling(allowed_updates=ALLOWED_UPDATES)
