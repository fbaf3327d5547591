"""The durable reminder dispatcher: database rows → Telegram messages (SPEC §8).

The rules (what is due, quiet hours, safety pause, stale policy, the buttons) live in
``coach.reminders``; this module claims, paces and delivers, and maps Telegram's errors to
row states.

Claim protocol
--------------
1. **Claim** a batch in one short transaction (``coach.reminders.claim_due``): on PostgreSQL
   ``SELECT … FOR UPDATE OF reminders SKIP LOCKED`` (concurrent dispatchers take disjoint
   rows without waiting), on SQLite ``BEGIN IMMEDIATE`` (claimers are serialised by the
   write lock). Rows to send become ``claimed`` with ``claimed_by`` = this worker and
   ``claimed_at`` (a lease of ``claim_lease``, 20 s); the transaction commits.
2. For each row, once the rate limits allow it: ``claimed → sending`` with a conditional
   ``UPDATE … WHERE status='claimed' AND claimed_by=:me``, **committed before** the
   Telegram call. If the update matches nothing (the user cancelled it, or the lease ran
   out and another dispatcher took it) the row is skipped.
3. ``deliver(snapshot)``; then ``sending → sent`` (or retry / failed), committed at once.

``run_forever`` pipelines: it claims the next batch (about two seconds of sending) as soon as
fewer chats than about one second's worth are waiting, so the pace does not stall between
batches and claimed rows wait a few seconds at most. A chat never has more than
``claim_lease / 2 / per_chat_interval`` rows held at once; the extra ones stay in the table.

Guarantees (and their limits)
-----------------------------
- **Never twice.** A row reaches Telegram only from ``sending``, and only the worker whose
  conditional update moved it there sends it. Nothing ever moves a ``sending`` row back to
  ``pending`` except that same worker after an error that proves Telegram did not take the
  message (see below). This holds with any number of dispatchers and across crashes.
- **Crash between send and commit.** A dispatcher killed while a row is ``sending`` leaves
  it there. After ``sending_lease`` (5 min) any dispatcher marks it ``failed`` with
  last_error ``"unknown_delivery"`` and logs its id: it is *not* sent again, because
  Telegram offers no way to ask whether a message went out (at most once, by design). So a
  ``kill -9`` can lose at most ``max_in_flight`` reminders (default 8) — those whose HTTP
  call was under way; in practice most of them did reach Telegram. Rows the dead worker had
  only ``claimed`` are not at risk: after ``claim_lease`` they return to ``pending`` and are
  sent by whoever comes next. A graceful stop (``stop_event``) finishes in-flight sends and
  releases the rest: nothing is lost.
- **Errors.** ``RetryAfter``: the whole dispatcher pauses for ``retry_after`` and the row is
  requeued for then, without counting an attempt. ``Forbidden`` (the user blocked the bot)
  and ``BadRequest``: ``failed`` for good. A network error that proves the request never
  left (connection refused or timed out, pool timeout, no underlying cause — which includes
  Telegram answering 5xx, conventionally "not processed") and any other
  exception raised by ``deliver`` (e.g. a database error before anything was sent): retried
  with exponential backoff through ``next_attempt_at`` (10 s, 20 s, 40 s… capped at 15 min),
  ``failed`` after ``max_attempts`` (6). A network error *after* the request was written
  (read timeout, connection reset) is ambiguous — Telegram may have delivered it — so by
  default (``on_ambiguous="give_up"``) it becomes ``failed`` / ``"unknown_delivery"`` like
  the crash case; ``on_ambiguous="retry"`` prefers a possible duplicate to a possible loss.
  ``DeliverLater`` (raised by ``deliver`` before sending anything, e.g. the person is
  answering a guided question right now) requeues the row for that many seconds later,
  without counting an attempt.
- **Rasa outages never fail a reminder.** ``RasaUnavailable`` raised by ``deliver`` (Rasa
  unreachable, timed out, 5xx, or its empty answer when an action failed) leaves the row
  ``pending``: it is tried again with backoff (``backoff_base`` × 2ⁿ, capped at
  ``backoff_max``, 15 min), without counting an attempt, however long the outage lasts.
  The outage streak n is kept in ``last_error`` (``rasa_unavailable:n``). For
  ``rasa_pause`` seconds after such an error, the other conversation-opening reminders
  (those with an ``intent``) are deferred the same way without calling Rasa, so a frozen
  Rasa does not hold every sending slot. ``RasaRejected`` (4xx: unknown intent, bad token)
  is not an outage: retried and counted like any other error.
- **Rates.** A token bucket paces this process at ``rate_per_second`` (Telegram allows about
  30 messages/s per bot), with a burst of a quarter second's worth to make up for short
  stalls (PTB's ``AIORateLimiter`` allows a whole second's), and two messages to the same chat
  are at least ``per_chat_interval`` apart, counted from the end of the previous send. With
  a ``shared_budget`` (the Telegram front-end always passes one), the rate is the bot
  token's, shared by all its processes through one database row (:mod:`coach.send_budget`).
  ``per_chat_interval`` holds across processes too: a chat is claimed by one dispatcher at a
  time, and not within ``per_chat_interval`` of another's last send to it
  (:func:`coach.reminders.claim_due`). Other messages the bot sends (replies) are not
  counted here; the application's
  ``AIORateLimiter`` covers them.

``deliver`` contract: raise only if *nothing* reached the user. Once a first message went
out (e.g. the first of several Rasa replies), return normally, or the retry would repeat it.
Return ``None`` when the message went out, or the collection of what was sent (replies,
messages): an **empty** collection means nothing reached the person, so the row is *not*
marked ``sent`` — it is retried as an error (``last_error`` ``"nothing_sent"``), counted.
A reminder is ``sent`` only if a message went out.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import datetime as dt
import hashlib
import logging
import os
import random
import secrets
import socket
import time
import warnings
from collections.abc import Awaitable, Callable, Sized
from dataclasses import dataclass
from typing import Any, Literal

import httpx
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

from bot.rasa_client import RasaRejected, RasaUnavailable
from bot.rendering import CALLBACK_DATA_LIMIT, Button
from coach import send_budget
from coach.db import transaction
from coach.language import writing
from coach.language.pipeline_text import at_company
from coach.language.times import format_fr
from coach.reminders import (
    CLAIM_LEASE,
    KIND_LABELS,
    SENDING_LEASE,
    UNKNOWN_DELIVERY,
    ButtonAnswer,
    ClaimResult,
    ReminderSnapshot,
    begin_sending,
    claim_due,
    mark_done,
    mark_failed,
    mark_retry,
    mark_sent,
    mute,
    reap_expired_leases,
    release,
    snooze,
    user_day,
    user_zone,
)
from coach.smart import progress_message, reach_reminded_milestone
from coach.users import find_user

log = logging.getLogger(__name__)

#: Returns None (the message went out) or what was sent (empty: nothing went out).
Deliver = Callable[[ReminderSnapshot], Awaitable[object]]
#: ``last_error`` of a row deferred by a Rasa outage: ``rasa_unavailable:<streak>``.
RASA_DOWN = "rasa_unavailable"
NOTHING_SENT = "nothing_sent"


class DeliverLater(Exception):
    """Raised by ``deliver`` when now is not the moment (the person is in the middle of a
    guided question): the row goes back to ``pending`` for ``seconds`` later, without
    counting an attempt."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"later: {seconds:.0f} s")
        self.seconds = seconds


Clock = Callable[[], dt.datetime]

# httpx errors that prove the request never reached Telegram.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# A flood wait longer than this releases the claimed rows instead of sitting on them.
_LONG_PAUSE = 5.0


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def default_worker_id() -> str:
    """Unique per process and start: host, pid and a random suffix (≤ 64 characters)."""
    return f"{socket.gethostname()[:32]}:{os.getpid()}:{secrets.token_hex(4)}"


class TokenBucket:
    """Paces acquisitions at ``rate`` per second with a small burst; can be paused."""

    def __init__(self, rate: float, capacity: float | None = None) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.capacity = capacity if capacity is not None else max(1.0, rate / 4)
        self._tokens = 1.0
        self._stamp = time.monotonic()
        self._paused_until = 0.0
        self._lock = asyncio.Lock()

    def pause(self, seconds: float) -> None:
        self._paused_until = max(self._paused_until, time.monotonic() + seconds)
        self._tokens = 0.0

    def paused_for(self) -> float:
        return max(0.0, self._paused_until - time.monotonic())

    async def acquire(self) -> None:
        async with self._lock:
            while True:
                now = time.monotonic()
                if now < self._paused_until:
                    await asyncio.sleep(self._paused_until - now)
                    self._stamp = time.monotonic()
                    continue
                self._tokens = min(self.capacity, self._tokens + (now - self._stamp) * self.rate)
                self._stamp = now
                if self._tokens >= 1.0:
                    self._tokens -= 1.0
                    return
                await asyncio.sleep((1.0 - self._tokens) / self.rate)


class SharedBudget:
    """The bot token's global rate (:mod:`coach.send_budget`), drawn a few tokens at a time
    so that the database sees a short transaction every tenth of a second or so. If the
    database cannot be reached, sending goes on at this process's own pace."""

    def __init__(self, factory: sessionmaker[Session], name: str, rate: float) -> None:
        self._factory = factory
        self.name = name[:64]
        self.rate = rate
        self._chunk = max(1, int(rate / 10))
        self._allowance = 0
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        async with self._lock:
            while self._allowance == 0:
                try:
                    got = await asyncio.to_thread(
                        send_budget.draw,
                        self._factory,
                        self.name,
                        rate=self.rate,
                        wanted=self._chunk,
                    )
                except SQLAlchemyError as error:
                    log.warning("shared sending budget unavailable (%s)", type(error).__name__)
                    return
                if got.tokens:
                    self._allowance += got.tokens
                else:
                    await asyncio.sleep(max(got.wait, 0.005))
            self._allowance -= 1

    async def pause(self, seconds: float) -> None:
        self._allowance = 0
        try:
            await asyncio.to_thread(send_budget.pause, self._factory, self.name, seconds)
        except SQLAlchemyError as error:
            log.warning("could not share the pause (%s)", type(error).__name__)


def budget_name(token: str) -> str:
    """The budget of a bot token, named without the token itself."""
    return "telegram:" + hashlib.sha256(token.encode()).hexdigest()[:24]


@dataclass
class DispatchStats:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    throttled: int = 0  # RetryAfter
    failed: int = 0
    unknown: int = 0  # "unknown_delivery": ambiguous error or reaped after a crash
    held: int = 0
    expired: int = 0
    cancelled: int = 0
    released: int = 0
    skipped: int = 0  # lost the row between claim and send (cancelled or taken over)
    deferred: int = 0  # DeliverLater: the person was in the middle of a guided question
    rasa_down: int = 0  # deferred because Rasa was unavailable (never counted, never failed)
    nothing_sent: int = 0  # deliver returned an empty collection: retried, not marked sent


class ReminderDispatcher:
    """Claims due reminders and delivers them through ``deliver`` (see the module doc)."""

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        deliver: Deliver,
        *,
        rate_per_second: float = 30.0,
        per_chat_interval: float = 1.0,
        batch_size: int | None = None,
        max_in_flight: int = 8,
        worker_id: str | None = None,
        clock: Clock | None = None,
        max_attempts: int = 6,
        backoff_base: float = 10.0,
        backoff_max: float = 900.0,
        claim_lease: dt.timedelta = CLAIM_LEASE,
        sending_lease: dt.timedelta = SENDING_LEASE,
        deliver_timeout: float = 90.0,
        rasa_pause: float = 5.0,
        poll_interval: float = 1.0,
        reap_interval: float = 10.0,
        on_ambiguous: Literal["give_up", "retry"] = "give_up",
        shared_budget: SharedBudget | None = None,
    ) -> None:
        self._sessions = session_factory
        self._shared = shared_budget
        self._deliver = deliver
        self._bucket = TokenBucket(rate_per_second)
        self._per_chat = per_chat_interval
        self._batch_size = batch_size or max(1, min(500, int(rate_per_second * 2)))
        self._slots = asyncio.Semaphore(max_in_flight)
        self.worker_id = (worker_id or default_worker_id())[:64]
        self._clock = clock or _utcnow
        self._max_attempts = max_attempts
        self._backoff_base = backoff_base
        self._backoff_max = backoff_max
        self._claim_lease = claim_lease
        self._sending_lease = sending_lease
        # Above the Rasa client's own deadlines (tracker read 10 s + turn 30 s) plus the
        # Telegram sends, so that a slow Rasa ends as RasaUnavailable (deferred), not as
        # an unknown outcome.
        self._deliver_timeout = deliver_timeout
        self._rasa_pause = rasa_pause
        self._rasa_down_until: dt.datetime | None = None  # on this dispatcher's clock
        self._poll_interval = poll_interval
        self._reap_interval = reap_interval
        self._on_ambiguous = on_ambiguous
        self._chat_next: dict[int, float] = {}
        self._chat_locks: dict[int, asyncio.Lock] = {}
        self._queued: collections.Counter[int] = collections.Counter()  # chat → rows waiting
        self._tasks: set[asyncio.Task[int]] = set()
        # Claim again when fewer chats than about one second of sending are waiting.
        self._low_watermark = max(1, int(rate_per_second)) + max_in_flight
        # At most this many rows of one chat held at once (they go 1 per interval).
        lease = claim_lease.total_seconds()
        self._per_chat_cap = (
            max(1, int(lease / 2 / per_chat_interval)) if per_chat_interval > 0 else 10**9
        )
        self._last_reap = float("-inf")
        self._stopping = False
        self.stats = DispatchStats()

    # -- public -------------------------------------------------------------------------

    async def run_once(self) -> int:
        """Claim one batch of due reminders and deliver it all; returns how many were sent."""
        tasks = await self._claim_and_spawn()
        return sum(await asyncio.gather(*tasks)) if tasks else 0

    async def run_forever(self, stop_event: asyncio.Event) -> None:
        """Deliver until ``stop_event`` is set, then stop cleanly: in-flight sends finish,
        claimed rows not started yet are released.

        Claims are pipelined: a new batch is claimed as soon as fewer than about one
        second's worth of chats are waiting, so the pace never stalls between batches.
        When nothing is due it polls every ``poll_interval``.
        """
        watcher = asyncio.create_task(self._watch(stop_event))
        try:
            while not stop_event.is_set():
                paused = self._bucket.paused_for()
                if paused > 0:
                    await _wait(stop_event, min(paused, self._poll_interval))
                    continue
                if len(self._queued) >= self._low_watermark:
                    await _wait(stop_event, 0.02)
                    continue
                try:
                    tasks = await self._claim_and_spawn()
                except SQLAlchemyError as error:
                    log.warning(
                        "reminder dispatch: database unavailable (%s)", type(error).__name__
                    )
                    tasks = []
                await _wait(stop_event, 0.02 if tasks else self._poll_interval)
        finally:
            self._stopping = True
            if self._tasks:
                await asyncio.gather(*self._tasks, return_exceptions=True)
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher

    async def reap(self) -> None:
        """Recover rows of dead dispatchers now (also done every ``reap_interval`` s)."""
        report = await asyncio.to_thread(self._reap_sync)
        self._last_reap = time.monotonic()
        if report.released:
            self.stats.released += report.released
            log.info("reminders: %d expired claim(s) released", report.released)
        if report.unknown:
            self.stats.unknown += len(report.unknown)
            log.warning(
                "reminders: %d row(s) left 'sending' by a dead dispatcher marked failed "
                "(unknown_delivery, not resent): ids %s",
                len(report.unknown),
                list(report.unknown)[:50],
            )

    # -- batch --------------------------------------------------------------------------

    async def _watch(self, stop_event: asyncio.Event) -> None:
        await stop_event.wait()
        self._stopping = True

    async def _claim_and_spawn(self) -> list[asyncio.Task[int]]:
        """Claim a batch and start one task per row; returns the tasks (empty: none due)."""
        if time.monotonic() - self._last_reap >= self._reap_interval:
            await self.reap()
        if self._stopping:
            return []
        claim = await asyncio.to_thread(self._claim_sync, self._clock())
        self.stats.held += claim.held
        self.stats.expired += claim.expired
        self.stats.cancelled += claim.cancelled
        self.stats.claimed += len(claim.claimed)
        tasks: list[asyncio.Task[int]] = []
        crowded: list[int] = []
        for snapshot in claim.claimed:
            if self._queued[snapshot.chat_id] >= self._per_chat_cap:
                # One chat with many reminders due at once must not hold claimed rows
                # longer than the lease: the extra ones wait in the table.
                crowded.append(snapshot.id)
                continue
            self._queued[snapshot.chat_id] += 1
            task = asyncio.create_task(self._process(snapshot))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            tasks.append(task)
        if crowded:
            later = self._clock() + dt.timedelta(seconds=self._per_chat_cap * self._per_chat)
            await self._release(crowded, not_before=later)
        self._prune_chats()
        return tasks

    async def _process(self, snapshot: ReminderSnapshot) -> int:
        """One row: in order within its chat, ``per_chat_interval`` after the previous one."""
        chat = snapshot.chat_id
        lock = self._chat_locks.setdefault(chat, asyncio.Lock())
        try:
            async with lock:
                if self._stopping or self._bucket.paused_for() > _LONG_PAUSE:
                    await self._release([snapshot.id])
                    return 0
                wait = self._chat_next.get(chat, 0.0) - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                return await self._send_one(snapshot)
        finally:
            self._queued[chat] -= 1
            if self._queued[chat] <= 0:
                del self._queued[chat]
                if not lock.locked():
                    self._chat_locks.pop(chat, None)

    async def _send_one(self, snapshot: ReminderSnapshot) -> int:
        async with self._slots:
            if snapshot.intent is not None and self._rasa_seen_down():
                # Rasa just failed another reminder: do not spend a slot finding out again.
                if await asyncio.to_thread(self._begin_sync, snapshot.id, self._clock()):
                    await self._rasa_down(snapshot, None)
                else:
                    self.stats.skipped += 1
                return 0
            await self._bucket.acquire()
            if self._shared is not None:
                await self._shared.acquire()
            if self._stopping:
                await self._release([snapshot.id])
                return 0
            started = await asyncio.to_thread(self._begin_sync, snapshot.id, self._clock())
            if not started:
                self.stats.skipped += 1
                return 0
            self._chat_next[snapshot.chat_id] = time.monotonic() + self._per_chat
            try:
                shown = await self._timed_deliver(snapshot)
            except RasaRejected as error:
                # Rasa refused the request itself (4xx): not an outage, it would fail again.
                await self._retry(snapshot, type(error).__name__)
                return 0
            except RasaUnavailable as error:
                # Raised before anything was sent (the relay asks Rasa first): never counted.
                self._rasa_down_until = self._clock() + dt.timedelta(seconds=self._rasa_pause)
                await self._rasa_down(snapshot, error)
                return 0
            except RetryAfter as error:
                await self._on_retry_after(snapshot, error)
                return 0
            except DeliverLater as later:
                await self._later(snapshot, later.seconds)
                return 0
            except Forbidden:
                await self._fail(snapshot, "Forbidden", chain=False)
                return 0
            except BadRequest:
                # Sending the same request again would fail the same way.
                await self._fail(snapshot, "BadRequest")
                return 0
            except NetworkError as error:
                if _ambiguous(error) and self._on_ambiguous == "give_up":
                    await self._unknown(snapshot, error)
                else:
                    await self._retry(snapshot, type(error).__name__)
                return 0
            except TimeoutError as error:  # deliver_timeout: it may be sent or not
                if self._on_ambiguous == "give_up":
                    await self._unknown(snapshot, error)
                else:
                    await self._retry(snapshot, "DeliverTimeout")
                return 0
            except Exception as error:  # anything else failed before reaching Telegram
                log.warning("reminder %d: delivery error %s", snapshot.id, type(error).__name__)
                await self._retry(snapshot, type(error).__name__)
                return 0
            if _nothing_shown(shown):
                # The turn ran but nothing reached the person: never "sent".
                self.stats.nothing_sent += 1
                log.warning("reminder %d: nothing was sent to the person", snapshot.id)
                await self._retry(snapshot, NOTHING_SENT)
                return 0
            return await self._finish(snapshot)

    # -- outcomes -------------------------------------------------------------------------

    async def _timed_deliver(self, snapshot: ReminderSnapshot) -> object:
        try:
            return await asyncio.wait_for(self._deliver(snapshot), self._deliver_timeout)
        finally:
            # Also counted from the end of the send: what the person receives is spaced by
            # ``per_chat_interval`` whatever the time a send takes.
            chat = snapshot.chat_id
            self._chat_next[chat] = max(
                self._chat_next.get(chat, 0.0), time.monotonic() + self._per_chat
            )

    async def _finish(self, snapshot: ReminderSnapshot) -> int:
        try:
            done = await asyncio.to_thread(self._sent_sync, snapshot, self._clock())
        except SQLAlchemyError as error:
            # Delivered, but the row stays "sending": reaped as unknown_delivery, never resent.
            log.error(
                "reminder %d delivered but not recorded (%s)", snapshot.id, type(error).__name__
            )
            return 1
        if not done:
            log.warning("reminder %d delivered but no longer held by this worker", snapshot.id)
        self.stats.sent += 1
        return 1

    async def _on_retry_after(self, snapshot: ReminderSnapshot, error: RetryAfter) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            value: Any = error.retry_after
        seconds = value.total_seconds() if isinstance(value, dt.timedelta) else float(value)
        self._bucket.pause(seconds)
        if self._shared is not None:
            await self._shared.pause(seconds)
        self.stats.throttled += 1
        log.warning("reminders: Telegram flood control, pausing %.0f s", seconds)
        await self._requeue(snapshot, seconds, "RetryAfter")

    def _rasa_seen_down(self) -> bool:
        """Whether Rasa failed a reminder less than ``rasa_pause`` seconds ago."""
        return self._rasa_down_until is not None and self._clock() < self._rasa_down_until

    async def _rasa_down(self, snapshot: ReminderSnapshot, error: Exception | None) -> None:
        """Rasa is unavailable: back to ``pending`` with the outage backoff, uncounted."""
        streak = rasa_outage_streak(snapshot.last_error)
        delay = min(
            self._backoff_max, self._backoff_base * 2 ** min(streak, 20) * random.uniform(0.9, 1.1)
        )
        self.stats.rasa_down += 1
        if error is not None:
            log.log(
                logging.WARNING if streak == 0 else logging.INFO,
                "reminder %d: Rasa unavailable (%s), deferred %.0f s (outage streak %d)",
                snapshot.id,
                type(error).__name__,
                delay,
                streak + 1,
            )
        await self._requeue(snapshot, delay, f"{RASA_DOWN}:{streak + 1}")

    async def _later(self, snapshot: ReminderSnapshot, seconds: float) -> None:
        self.stats.deferred += 1
        await self._requeue(snapshot, seconds, "deferred")

    async def _requeue(self, snapshot: ReminderSnapshot, seconds: float, reason: str) -> None:
        """Back to ``pending`` for ``seconds`` later, without counting an attempt."""
        retry_at = self._clock() + dt.timedelta(seconds=seconds)
        await self._db(
            lambda s, now: mark_retry(
                s,
                snapshot,
                worker_id=self.worker_id,
                now=now,
                retry_at=retry_at,
                error=reason,
                count_attempt=False,
                max_attempts=self._max_attempts,
            )
        )

    async def _retry(self, snapshot: ReminderSnapshot, error: str) -> None:
        delay = min(self._backoff_max, self._backoff_base * 2**snapshot.attempts)
        delay *= random.uniform(0.9, 1.1)
        retry_at = self._clock() + dt.timedelta(seconds=delay)
        status = await self._db(
            lambda s, now: mark_retry(
                s,
                snapshot,
                worker_id=self.worker_id,
                now=now,
                retry_at=retry_at,
                error=error,
                max_attempts=self._max_attempts,
            )
        )
        if status == "failed":
            self.stats.failed += 1
            log.warning(
                "reminder %d failed after %d attempts (%s)",
                snapshot.id,
                snapshot.attempts + 1,
                error,
            )
        else:
            self.stats.retried += 1

    async def _fail(self, snapshot: ReminderSnapshot, error: str, *, chain: bool = True) -> None:
        self.stats.failed += 1
        log.info("reminder %d failed for good (%s)", snapshot.id, error)
        await self._db(
            lambda s, now: mark_failed(
                s, snapshot, worker_id=self.worker_id, now=now, error=error, chain=chain
            )
        )

    async def _unknown(self, snapshot: ReminderSnapshot, error: BaseException) -> None:
        self.stats.unknown += 1
        log.warning(
            "reminder %d: outcome unknown after %s, not resent (unknown_delivery)",
            snapshot.id,
            type(error).__name__,
        )
        await self._db(
            lambda s, now: mark_failed(
                s, snapshot, worker_id=self.worker_id, now=now, error=UNKNOWN_DELIVERY
            )
        )

    async def _release(self, ids: list[int], *, not_before: dt.datetime | None = None) -> None:
        if not ids:
            return
        count = await self._db(
            lambda s, _now: release(s, ids, worker_id=self.worker_id, not_before=not_before)
        )
        self.stats.released += int(count or 0)

    # -- database (run in worker threads) ---------------------------------------------------

    async def _db(self, work: Callable[[Session, dt.datetime], Any]) -> Any:
        def run() -> Any:
            with transaction(self._sessions) as session:
                return work(session, self._clock())

        try:
            return await asyncio.to_thread(run)
        except SQLAlchemyError as error:
            # The row stays as it was ("sending"): reaped later as unknown, never resent.
            log.error("reminders: could not record an outcome (%s)", type(error).__name__)
            return None

    def _claim_sync(self, now: dt.datetime) -> ClaimResult:
        with transaction(self._sessions) as session:
            return claim_due(
                session,
                worker_id=self.worker_id,
                now=now,
                limit=self._batch_size,
                chat_interval=dt.timedelta(seconds=self._per_chat),
            )

    def _begin_sync(self, reminder_id: int, now: dt.datetime) -> bool:
        with transaction(self._sessions) as session:
            return begin_sending(session, reminder_id, worker_id=self.worker_id, now=now)

    def _sent_sync(self, snapshot: ReminderSnapshot, now: dt.datetime) -> bool:
        with transaction(self._sessions) as session:
            return mark_sent(session, snapshot, worker_id=self.worker_id, now=now)

    def _reap_sync(self) -> Any:
        with transaction(self._sessions) as session:
            return reap_expired_leases(
                session,
                now=self._clock(),
                claim_lease=self._claim_lease,
                sending_lease=self._sending_lease,
            )

    def _prune_chats(self) -> None:
        if len(self._chat_next) > 10_000:
            now = time.monotonic()
            self._chat_next = {k: v for k, v in self._chat_next.items() if v > now}


async def _wait(event: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(event.wait(), seconds)


def rasa_outage_streak(last_error: str | None) -> int:
    """How many times in a row a row was deferred for a Rasa outage (0: the last attempt,
    if any, failed otherwise)."""
    prefix = f"{RASA_DOWN}:"
    if last_error is None or not last_error.startswith(prefix):
        return 0
    try:
        return max(0, int(last_error.removeprefix(prefix)))
    except ValueError:
        return 0


def _nothing_shown(shown: object) -> bool:
    """``deliver`` returned an empty collection: nothing reached the person."""
    return isinstance(shown, Sized) and not isinstance(shown, str | bytes) and len(shown) == 0


def _ambiguous(error: NetworkError) -> bool:
    """Whether Telegram may have received the request that failed."""
    cause = error.__cause__
    if cause is None or isinstance(cause, _NOT_SENT):
        return False
    return isinstance(cause, httpx.HTTPError)


# --------------------------------------------------------------------------- messages

CALLBACK_PREFIX = "rem:"
BUTTON_TITLES = {"done": "Fait", "snooze": "Demain", "mute": "Plus de rappels de ce type"}
LATE_PREFIX = "Avec un peu de retard : "
MAX_TEXT = 3500

_DEFAULT_TEXTS = {
    "feedback_request": "c'est le bon moment pour envoyer votre demande de retour{company}.",
    "follow_up": "pensez à relancer votre demande de retour{company}.",
    "weekly_reflection": "c'est l'heure de votre bilan de la semaine.",
    "milestone": "où en êtes-vous de l'étape prévue pour votre objectif ?",
    "resume_tomorrow": "vous m'aviez proposé d'en reparler aujourd'hui. On reprend ?",
    "custom": "vous m'aviez demandé de vous faire signe maintenant.",
}


#: The nudges of an application in progress (coach.pipeline): worded from the company the
#: payload carries; ``{at}`` is « chez Airbus » (or nothing when the name is missing).
_APPLICATION_TEXTS = {
    "application_follow_up": (
        "cela fait sept jours ouvrés que vous avez postulé{at}, sans nouvelles. Une relance "
        "courte et polie montre votre intérêt : je peux vous en proposer une."
    ),
    "interview_prep": (
        "votre entretien{at} approche. Relisez l'offre, préparez deux ou trois exemples "
        "concrets de vos réussites et les questions que vous voulez poser."
    ),
    "interview_soon": (
        "votre entretien{at} commence dans une heure. Respirez : vous êtes prêt·e. Bonne chance !"
    ),
    "interview_debrief": (
        "comment s'est passé votre entretien{at} ? Notez à chaud les questions posées et ce "
        "que vous feriez autrement : c'est précieux pour la suite."
    ),
    "application_silence": (
        "toujours aucune nouvelle{at} depuis quatre semaines. Voulez-vous classer cette "
        "candidature « sans réponse » ? Elle restera dans votre journal des démarches."
    ),
}
#: Buttons of those nudges, under the usual three: (title, payload); ``{id}`` is the
#: application's id (bot/search.py handles ``srch:``, Rasa the intents).
_APPLICATION_BUTTONS: dict[str, tuple[tuple[str, str], ...]] = {
    "application_follow_up": (("Préparer la relance", "srch:fu:{id}"),),
    "interview_prep": (
        ("Préparer une réponse (STAR)", "/ask_star"),
        ("Conseils d'entretien", "/ask_interview_tips"),
    ),
    "interview_debrief": (
        ("Noter mon bilan", "/journal_write"),
        ("Mot de remerciement", "/thank_you_note"),
    ),
    "application_silence": (
        ("Oui, la classer", "srch:close:{id}"),
        ("Non, je la garde", "srch:keep:{id}"),
    ),
}


def reminder_text(snapshot: ReminderSnapshot) -> str:
    """The message of a plain reminder: "Petit rappel : relancer Decathlon"."""
    text = snapshot.text
    if snapshot.kind in _APPLICATION_TEXTS and text is None:
        company = snapshot.payload.get("company")
        at = f" {at_company(company)}" if isinstance(company, str) and company.strip() else ""
        sentence = _APPLICATION_TEXTS[snapshot.kind].format(at=at)
        body = sentence[0].upper() + sentence[1:]
        if snapshot.late:
            body = LATE_PREFIX + body[0].lower() + body[1:]
        return body
    if text is not None:
        body = f"Petit rappel : {text.strip()[:MAX_TEXT]}"
    else:
        company = snapshot.payload.get("company")
        at = (
            f" {writing.a(writing.company(company))}"
            if isinstance(company, str) and company.strip()
            else ""
        )
        template = _DEFAULT_TEXTS.get(snapshot.kind, _DEFAULT_TEXTS["custom"])
        sentence = template.format(company=at)
        body = sentence[0].upper() + sentence[1:]
    if snapshot.late:
        body = LATE_PREFIX + body[0].lower() + body[1:]
    return body


def reminder_buttons(
    reminder_id: int, snapshot: ReminderSnapshot | None = None
) -> tuple[Button, ...]:
    """ "Fait", "Demain", "Plus de rappels de ce type" (payloads ``rem:<action>:<id>``),
    after the buttons of an application's nudge when ``snapshot`` is one."""
    return (*extra_buttons(snapshot), *_own_buttons(reminder_id))


def _own_buttons(reminder_id: int) -> tuple[Button, ...]:
    return tuple(
        Button(title, f"{CALLBACK_PREFIX}{action}:{int(reminder_id)}")
        for action, title in BUTTON_TITLES.items()
    )


def extra_buttons(snapshot: ReminderSnapshot | None) -> tuple[Button, ...]:
    """The nudge's own buttons (prepare the follow-up, close the application…)."""
    if snapshot is None:
        return ()
    application_id = snapshot.payload.get("application_id")
    wanted = _APPLICATION_BUTTONS.get(snapshot.kind, ())
    if not isinstance(application_id, int) or isinstance(application_id, bool):
        wanted = tuple(b for b in wanted if "{id}" not in b[1])
        application_id = 0
    return tuple(Button(title, payload.format(id=application_id)) for title, payload in wanted)


def reminder_markup(
    reminder_id: int, snapshot: ReminderSnapshot | None = None
) -> InlineKeyboardMarkup:
    """The inline keyboard, callback data exactly ``rem:done:<id>`` etc., under the nudge's
    own buttons (one per row). Those carry a payload for the relay, as every other button:
    ``p:<payload>`` (bot.rendering.PayloadStore's short form, which the gateway decodes; a bare
    ``/ask_star`` would be answered « Ce bouton n'est plus valable »)."""
    done, snooze_button, mute_button = _own_buttons(reminder_id)
    extra = [
        [InlineKeyboardButton(b.title, callback_data=_payload_data(b.payload))]
        for b in extra_buttons(snapshot)
    ]
    return InlineKeyboardMarkup(
        [
            *extra,
            [
                InlineKeyboardButton(done.title, callback_data=done.payload),
                InlineKeyboardButton(snooze_button.title, callback_data=snooze_button.payload),
            ],
            [InlineKeyboardButton(mute_button.title, callback_data=mute_button.payload)],
        ]
    )


def _payload_data(payload: str) -> str:
    data = f"p:{payload}"
    if len(data.encode()) > CALLBACK_DATA_LIMIT:
        raise ValueError(f"a nudge's button payload is too long: {payload!r}")
    return data


def parse_reminder_callback(data: str | None) -> tuple[str, int] | None:
    """``"rem:snooze:42"`` (or ``"p:rem:snooze:42"``) → ``("snooze", 42)``; else None."""
    if not data:
        return None
    data = data.removeprefix("p:")
    parts = data.split(":")
    if len(parts) != 3 or f"{parts[0]}:" != CALLBACK_PREFIX or parts[1] not in BUTTON_TITLES:
        return None
    return (parts[1], int(parts[2])) if is_row_id(parts[2]) else None


def is_row_id(text: str) -> bool:
    """Whether button data holds a row id a database can look up (forged data may not)."""
    return text.isascii() and text.isdigit() and len(text) <= 19 and 0 < int(text) < 2**63


UNKNOWN_REMINDER = "Ce rappel n'existe plus."
ALREADY = "C'est déjà pris en compte."


def confirmation_text(answer: ButtonAnswer, *, tz: dt.tzinfo, now: dt.datetime) -> str:
    """What the bot says after a reminder button (French, vouvoiement)."""
    if answer.outcome == "done":
        return "Bravo, c'est noté comme fait !"
    if answer.outcome == "snoozed" and answer.due_at is not None:
        when = format_fr(answer.due_at.astimezone(tz), now=now)
        return f"Entendu, je vous le rappelle {when}."
    if answer.outcome == "muted":
        label = KIND_LABELS.get(answer.kind or "", "ce type de rappel")
        text = f"Entendu, je ne vous enverrai plus de rappels de ce type ({label})."
        if answer.cancelled == 1:
            text += " Le rappel déjà prévu est annulé."
        elif answer.cancelled > 1:
            text += f" Les {answer.cancelled} rappels déjà prévus sont annulés."
        return text + " Si vous changez d'avis, demandez-moi simplement un nouveau rappel."
    if answer.outcome == "already":
        return ALREADY
    return UNKNOWN_REMINDER


def answer_reminder_button(
    session_factory: sessionmaker[Session],
    telegram_user_id: int,
    data: str | None,
    *,
    now: dt.datetime | None = None,
) -> str | None:
    """Apply a reminder button press; returns the confirmation, or None if ``data`` is not
    a reminder button. Blocking (database): call it through ``asyncio.to_thread``. Only
    the presser's own reminders can be touched."""
    parsed = parse_reminder_callback(data)
    if parsed is None:
        return None
    action, reminder_id = parsed
    now = now or _utcnow()
    with transaction(session_factory) as session:
        user = find_user(session, telegram_user_id)
        if user is None:
            return UNKNOWN_REMINDER
        if action == "done":
            answer = mark_done(session, user, reminder_id)
            reached = (
                reach_reminded_milestone(session, user, reminder_id, now=now)
                if answer.outcome == "done"
                else None
            )
            if reached is not None:
                # A goal's milestone: "Fait" reaches it, and says where the goal stands.
                return progress_message(reached, user_day(user, now))
        elif action == "snooze":
            answer = snooze(session, user, reminder_id, now=now)
        else:
            answer = mute(session, user, reminder_id)
        return confirmation_text(answer, tz=user_zone(user), now=now)


def text_deliver(bot: Any, *, converse: Deliver | None = None) -> Deliver:
    """A ``deliver`` for the dispatcher: plain reminders become one message with the three
    buttons; reminders carrying an ``intent`` go to ``converse`` (the bot's Rasa
    ``trigger_intent`` + relay of the answer) when given.

    ``converse`` follows the ``deliver`` contract: it raises ``RasaUnavailable`` (Rasa
    down, or its empty answer) before sending anything — the dispatcher defers the row —
    and returns what it sent. If Rasa's turn showed nothing at all (an empty collection),
    the reminder goes out as a plain one instead, so that it is never marked ``sent``
    without a message."""

    async def deliver(snapshot: ReminderSnapshot) -> object:
        if snapshot.intent is not None and converse is not None:
            shown = await converse(snapshot)
            if not _nothing_shown(shown):
                return shown
            log.warning("reminder %d: Rasa's turn showed nothing, sent plain", snapshot.id)
        return await bot.send_message(
            snapshot.chat_id,
            reminder_text(snapshot),
            reply_markup=reminder_markup(snapshot.id, snapshot),
        )

    return deliver
