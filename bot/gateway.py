"""Every Telegram update, from the moment it arrives to its answer.

Order for each update (each step knows nothing of the ones after it):

1. **Where.** Outside a private chat, one notice and the bot leaves: nothing personal is
   served in groups, supergroups or channels.
2. **Crisis first.** Every text the person sent — a message, an edit, a photo or document
   caption, the text after a command, a forward — goes through the crisis detector. A match
   is answered at once, before any database or Rasa call and outside the chat's queue, so it
   never waits behind the person's own unfinished turn; the safety pause is recorded
   afterwards, with retries (:meth:`bot.relay.Relay.after_crisis`).
3. **Fair share.** A per-chat token bucket for messages sent ahead of the answers: someone
   sending a burst gets a few messages read and one kind notice; the rest is dropped, never
   queued forever. A person who waits for each answer is never limited.
4. **Durable.** The update is stored in the inbox (:mod:`coach.inbox`) before Telegram is
   told it arrived (this runs inside the update queue's ``put``, which PTB awaits before it
   acknowledges an update, in polling and in webhook mode). If the database is down the
   update is still answered, from memory: the crisis path and the « indisponible » answer
   must not depend on it.
5. **In order.** Each chat has its own queue and one worker; a global semaphore bounds the
   turns in flight, and a chat holds at most one of its slots, so a flood never starves
   anyone else. The inbox row is deleted once the answer went out.

Updates left in the inbox by a crash are taken up again at start (:meth:`Gateway.resume`).
With several bot processes, each holds its inbox rows under a lease it renews; a live
process takes over the rows of one that died once their lease ran out (:meth:`Gateway.watch`).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import os
import socket
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from telegram import Chat, Message, Update
from telegram.error import TelegramError

from bot.relay import Relay, Speaker
from bot.rendering import PayloadStore, Reply
from coach import inbox
from coach.safety import detect_crisis

log = logging.getLogger(__name__)

PRIVATE_ONLY = (
    "Bonjour ! Je suis un coach personnel et je ne travaille qu'en conversation privée, "
    "pour protéger ce que chacun me confie. Écrivez-moi directement si vous le souhaitez. "
    "Je quitte ce groupe."
)
TOO_FAST = (
    "Vous allez un peu vite pour moi : je lis vos messages un par un et j'ai dû laisser de "
    "côté les tout derniers. Attendez ma réponse, puis renvoyez ce qui compte le plus."
)
EDITED = (
    "J'ai vu que vous avez modifié un message. Je ne peux pas reprendre un message déjà "
    "traité : envoyez plutôt la nouvelle version dans un nouveau message."
)
NOT_TEXT = (
    "Je ne sais lire que le texte pour l'instant (pas les autocollants, images ou messages "
    "vocaux). Pouvez-vous me l'écrire ?"
)
CAPTION_ONLY = "Je ne vois pas les images ni les fichiers, mais j'ai lu votre légende."
ALREADY_PRESSED = "C'est déjà pris en compte."
FAILED = (
    "Oups, un souci de mon côté. Votre message n'a pas pu être traité : pouvez-vous le renvoyer ?"
)
# What PTB asks Telegram for: nothing else reaches the bot (no business messages, inline
# queries, polls, channel posts…).
ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"]

Send = Callable[[int, list[Reply]], Awaitable[None]]


@dataclass(frozen=True)
class Limits:
    """Flood control and fairness. A message that finds nothing of the person's waiting or
    in flight (they waited for the answer) is always read. Beyond that, a person may send
    ``burst`` messages ahead of the answers, then one every ``refill_seconds``; at most
    ``queue`` wait in their chat; the notice is repeated at most every ``notice_seconds``."""

    burst: int = 8
    refill_seconds: float = 2.0
    queue: int = 10
    notice_seconds: float = 60.0
    turns_in_flight: int = 32
    store_timeout: float = 3.0
    max_chats: int = 50_000


@dataclass
class _Bucket:
    tokens: float
    updated: float
    noticed: float = float("-inf")


@dataclass
class _Item:
    update: Update
    stored: bool
    started: bool = False


@dataclass
class _Chat:
    items: collections.deque[_Item] = field(default_factory=collections.deque)
    worker: asyncio.Task[None] | None = None
    busy: bool = False  # a turn of this chat is in flight


def text_of(update: Update) -> str | None:
    """Everything the person wrote in this update: text, edited text or caption (the text
    after a command is part of the text; a forward carries the forwarded text)."""
    message = update.message or update.edited_message
    if message is None:
        return None
    return message.text or message.caption or None


def _speaker_of(update: Update) -> Speaker:
    user = update.effective_user
    assert user is not None  # checked when the update came in
    return Speaker(
        telegram_user_id=user.id, first_name=user.first_name, language_code=user.language_code
    )


def is_command(message: Message) -> bool:
    entities = message.entities or ()
    return bool(message.text) and any(e.type == "bot_command" and e.offset == 0 for e in entities)


class Gateway:
    def __init__(
        self,
        *,
        bot: Any,
        relay: Relay,
        send: Send,
        sessions: sessionmaker[Session] | None,
        payloads: PayloadStore,
        lock_for: Callable[[int], asyncio.Lock],
        limits: Limits | None = None,
        clock: Callable[[], float] = time.monotonic,
        instance: str | None = None,
    ) -> None:
        self._bot = bot
        self._relay = relay
        self._send = send
        self._sessions = sessions
        self._payloads = payloads
        self._lock_for = lock_for
        self._limits = limits or Limits()
        self._clock = clock
        self._buckets: dict[int, _Bucket] = {}
        self._chats: dict[int, _Chat] = {}
        self._slots = asyncio.Semaphore(self._limits.turns_in_flight)
        self._pressed: collections.OrderedDict[tuple[int, int], None] = collections.OrderedDict()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._left: set[int] = set()
        # Who holds this process's inbox rows, and the update ids it is handling.
        # One bot process per instance (BOT_INSTANCE, the host name by default): rows of an
        # earlier run of the same instance are taken up at once after a restart.
        instance = (instance or os.environ.get("BOT_INSTANCE") or socket.gethostname())[:40]
        self.owner = f"{instance}/{uuid.uuid4().hex[:16]}"
        self._held: set[int] = set()
        self._watcher: asyncio.Task[None] | None = None

    # -- entry ---------------------------------------------------------------------------
    async def accept(self, update: Update) -> None:
        """Take one update from Telegram. Returns once it is safe to acknowledge it: stored,
        answered (crisis) or deliberately dropped. Never raises: an exception here would
        stop PTB's polling loop."""
        try:
            await self._accept(update)
        except Exception as error:  # the update's text is never logged
            log.error("could not take an update in (%s)", type(error).__name__)

    async def _accept(self, update: Update) -> None:
        chat = update.effective_chat
        if chat is None:
            return
        if chat.type != Chat.PRIVATE:
            self._leave(chat.id, update)
            return
        if update.my_chat_member is not None:
            return  # blocked / unblocked in private: nothing to answer
        user = update.effective_user
        if user is None or user.is_bot:
            return
        speaker = _speaker_of(update)
        text = text_of(update)
        if text and detect_crisis(text):
            self._spawn(self._crisis(chat.id, speaker, update))
            return
        if not self._admit(chat.id):
            return
        stored = await self._store(update, chat.id, user.id)
        if stored is None:
            return  # a delivery Telegram repeated: already stored and being handled
        if stored:
            self._held.add(update.update_id)
        self._enqueue(chat.id, _Item(update, stored=stored))

    async def resume(self) -> int:
        """Take up the updates nobody answers — left by a previous run of this process or
        by another process that died — in order."""
        if self._sessions is None:
            return 0
        try:
            waiting = await asyncio.to_thread(inbox.claim_orphans, self._sessions, self.owner)
        except SQLAlchemyError as error:
            log.error("could not read the inbox (%s)", type(error).__name__)
            return 0
        taken = 0
        for entry in waiting:
            if entry.update_id in self._held:
                continue  # ours already (our lease lapsed while the database was away)
            update = Update.de_json(entry.payload, self._bot)
            if update is None:
                continue
            self._held.add(entry.update_id)
            self._enqueue(entry.chat_id, _Item(update, stored=True, started=entry.started))
            taken += 1
        if taken:
            log.info("taking up %d update(s) left unanswered", taken)
        return taken

    def watch(self, *, every: float | None = None) -> None:
        """Keep this process's leases alive and take over the rows of dead processes,
        every third of the lease, until :meth:`drain`."""
        if self._sessions is None or self._watcher is not None:
            return
        period = every if every is not None else inbox.LEASE.total_seconds() / 3
        self._watcher = asyncio.create_task(self._watch(period))

    async def _watch(self, period: float) -> None:
        while True:
            await asyncio.sleep(period)
            try:
                await asyncio.to_thread(inbox.renew, self._sessions, self.owner)  # type: ignore[arg-type]
            except SQLAlchemyError as error:
                log.warning("could not renew the inbox leases (%s)", type(error).__name__)
                continue
            await self.resume()

    async def drain(self, timeout: float = 30.0) -> None:
        """Wait for the work in flight (shutdown); what is left stays in the inbox."""
        if self._watcher is not None:
            self._watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watcher
            self._watcher = None
        workers = [c.worker for c in self._chats.values() if c.worker is not None]
        pending = [*workers, *self._tasks]
        if pending:
            await asyncio.wait(pending, timeout=timeout)

    # -- steps ---------------------------------------------------------------------------
    def _leave(self, chat_id: int, update: Update) -> None:
        member = update.my_chat_member
        if member is not None and member.new_chat_member.status in ("left", "kicked"):
            return
        if chat_id in self._left:
            return
        self._left.add(chat_id)

        async def notice_and_leave() -> None:
            with contextlib.suppress(TelegramError):
                await self._bot.send_message(chat_id, PRIVATE_ONLY)
            with contextlib.suppress(TelegramError):
                await self._bot.leave_chat(chat_id)

        self._spawn(notice_and_leave())

    async def _crisis(self, chat_id: int, speaker: Speaker, update: Update) -> None:
        # No I/O before this send: not the database, not Rasa, not the chat's lock.
        try:
            await self._send(chat_id, self._relay.crisis_reply())
        except TelegramError as error:
            log.error("could not send the crisis answer (%s)", type(error).__name__)
        self._relay.after_crisis(speaker)
        await self._follow_up(chat_id, speaker, self._relay.crisis_reply())

    async def _follow_up(self, chat_id: int, speaker: Speaker, shown: list[Reply]) -> None:
        """After a crisis answer went out: the person's safety plan, or the offer of one."""
        more = await self._relay.follow_up(speaker, shown)
        if more:
            try:
                await self._send(chat_id, more)
            except TelegramError as error:
                log.warning("could not send the safety plan (%s)", type(error).__name__)

    def _admit(self, chat_id: int) -> bool:
        now = self._clock()
        limits = self._limits
        bucket = self._buckets.get(chat_id)
        if bucket is None:
            if len(self._buckets) >= limits.max_chats:
                self._forget_idle_buckets(now)
            bucket = self._buckets[chat_id] = _Bucket(float(limits.burst), now)
        bucket.tokens = min(
            float(limits.burst), bucket.tokens + (now - bucket.updated) / limits.refill_seconds
        )
        bucket.updated = now
        chat = self._chats.get(chat_id)
        queued = len(chat.items) if chat is not None else 0
        if chat is None or (queued == 0 and not chat.busy):
            # Nothing of theirs waiting or in flight: they waited for the answer. However
            # fast someone taps through a form this way, one turn at a time is their share.
            return True
        if bucket.tokens >= 1 and queued < limits.queue:
            bucket.tokens -= 1
            return True
        if now - bucket.noticed >= limits.notice_seconds:
            bucket.noticed = now
            self._spawn(self._notice(chat_id))
        return False

    def _forget_idle_buckets(self, now: float) -> None:
        full_after = self._limits.burst * self._limits.refill_seconds
        for chat_id in [c for c, b in self._buckets.items() if now - b.updated > full_after]:
            del self._buckets[chat_id]

    async def _notice(self, chat_id: int) -> None:
        with contextlib.suppress(TelegramError):
            await self._bot.send_message(chat_id, TOO_FAST)

    async def _store(self, update: Update, chat_id: int, user_id: int) -> bool | None:
        """True: in the inbox. False: not stored (database down), answered from memory.
        None: Telegram delivered it again and it is already stored."""
        if self._sessions is None:
            return False
        try:
            fresh = await asyncio.wait_for(
                asyncio.to_thread(
                    inbox.store,
                    self._sessions,
                    update_id=update.update_id,
                    chat_id=chat_id,
                    telegram_user_id=user_id,
                    payload=update.to_dict(),
                    owner=self.owner,
                ),
                timeout=self._limits.store_timeout,
            )
        except (SQLAlchemyError, TimeoutError) as error:
            log.warning("inbox unavailable, answering from memory (%s)", type(error).__name__)
            return False
        return True if fresh else None

    def _enqueue(self, chat_id: int, item: _Item) -> None:
        chat = self._chats.setdefault(chat_id, _Chat())
        chat.items.append(item)
        if chat.worker is None or chat.worker.done():
            chat.worker = asyncio.create_task(self._work(chat_id, chat))

    async def _work(self, chat_id: int, chat: _Chat) -> None:
        while chat.items:
            item = chat.items.popleft()
            chat.busy = True
            try:
                async with self._slots, self._lock_for(chat_id):
                    await self._process(chat_id, item)
            finally:
                chat.busy = False
        if self._chats.get(chat_id) is chat and not chat.items:
            del self._chats[chat_id]

    async def _process(self, chat_id: int, item: _Item) -> None:
        update = item.update
        if item.stored:
            await self._db_quietly(inbox.mark_started, update.update_id)
        try:
            replies = None
            if item.started:
                # Cut by a crash half way: if Rasa already took this turn, its answer is
                # sent again rather than the message being processed a second time.
                replies = await self._relay.replay(_speaker_of(update), update.update_id)
            if replies is None:
                replies = await self._answer(update)
            if replies:
                await self._send(chat_id, replies)
                await self._follow_up(chat_id, _speaker_of(update), replies)
        except Exception as error:
            log.error("update not answered (%s)", type(error).__name__, exc_info=False)
            with contextlib.suppress(TelegramError):
                await self._bot.send_message(chat_id, FAILED)
        if item.stored:
            await self._db_quietly(inbox.done, update.update_id, retries=5)
            self._held.discard(update.update_id)

    async def _answer(self, update: Update) -> list[Reply]:
        speaker = _speaker_of(update)
        key = update.update_id
        if update.callback_query is not None:
            return await self._button(update, speaker)
        if update.edited_message is not None:
            return [Reply(text=EDITED)]
        message = update.message
        if message is None:
            return []
        if is_command(message):
            return await self._relay.handle_command(speaker, message.text or "/", key=key)
        if message.text:
            return await self._relay.handle_text(speaker, message.text, key=key)
        if message.caption:
            answer = await self._relay.handle_text(speaker, message.caption, key=key)
            return [Reply(text=CAPTION_ONLY), *answer]
        return [Reply(text=NOT_TEXT)]

    async def _button(self, update: Update, speaker: Speaker) -> list[Reply]:
        query = update.callback_query
        assert query is not None
        message = query.message
        seen = (
            (message.chat.id, message.message_id)
            if message is not None and message.message_id
            else None
        )
        if seen is not None and seen in self._pressed:
            with contextlib.suppress(TelegramError):
                await query.answer(ALREADY_PRESSED)
            return []
        with contextlib.suppress(TelegramError):
            await query.answer()
        data = query.data or ""
        # Reminder keyboards carry their own callback data ("rem:done:42"), not a payload.
        payload = data if data.startswith("rem:") else self._payloads.decode(data)
        if payload and seen is not None:
            self._pressed[seen] = None
            while len(self._pressed) > 10_000:
                self._pressed.popitem(last=False)
            # Remove the keyboard so that a choice cannot be sent twice.
            with contextlib.suppress(TelegramError):
                await query.edit_message_reply_markup(reply_markup=None)
        return await self._relay.handle_payload(speaker, payload, key=update.update_id)

    async def _db_quietly(self, work: Callable[..., Any], *args: Any, retries: int = 0) -> None:
        if self._sessions is None:
            return
        for attempt in range(retries + 1):
            try:
                await asyncio.to_thread(work, self._sessions, *args)
                return
            except SQLAlchemyError as error:
                if attempt == retries:
                    log.warning("inbox bookkeeping failed (%s)", type(error).__name__)
                    return
                await asyncio.sleep(min(2.0**attempt, 10.0))

    def _spawn(self, work: Awaitable[None]) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


class InboxQueue(asyncio.Queue):  # type: ignore[type-arg]
    """PTB's update queue, with our gateway in front: ``put`` is what PTB awaits before it
    tells Telegram an update arrived, so the gateway stores (or answers) it there. Only
    PTB's own control objects reach the real queue."""

    def __init__(self) -> None:
        super().__init__()
        self.gateway: Gateway | None = None
        self.ready = asyncio.Event()

    async def put(self, item: Any) -> None:
        if isinstance(item, Update):
            await self.ready.wait()
            if self.gateway is not None:
                await self.gateway.accept(item)
                return
        await super().put(item)
