"""The reminder dispatcher against a real database: SQLite, or PostgreSQL with
TEST_DATABASE_URL (the Makefile runs tests/db on both).

These tests commit (several connections, threads and a subprocess must see the rows), so
they use a database of their own, emptied after each test, never the shared one.
"""

from __future__ import annotations

import asyncio
import collections
import datetime as dt
import itertools
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, create_engine, delete, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.dispatcher import DeliverLater, ReminderDispatcher, SharedBudget
from bot.rasa_client import RasaRejected, RasaUnavailable
from coach import reminders as rem
from coach.db import make_engine, make_session_factory, transaction, upgrade
from coach.models import Reminder, User
from coach.users import RETENTION_NOTICE

NOON = dt.time(12, 0)
WORKER = Path(__file__).resolve().parent / "dispatcher_worker.py"
# A daytime instant for the tests that use a controlled clock (10:00 in Paris).
NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def dispatch_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        url = f"sqlite:///{tmp_path_factory.mktemp('dispatch') / 'rebond.db'}"
        upgrade(url)
        yield url
        return
    server = make_url(base)
    name = f"rebond_dispatch_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = server.set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def engine(dispatch_url: str) -> Iterator[Engine]:
    engine = make_engine(dispatch_url)
    yield engine
    with engine.begin() as connection:
        connection.execute(delete(Reminder))
        connection.execute(delete(User))
    engine.dispose()


@pytest.fixture
def factory(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


def is_postgres(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


def seed(
    factory: sessionmaker[Session],
    count: int,
    *,
    users: int | None = None,
    due: dt.datetime | None = None,
    kind: str = "custom",
) -> list[int]:
    """``count`` due reminders spread over ``users`` users without quiet hours."""
    users = users or count
    due = due or dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    with transaction(factory) as session:
        first = (session.scalar(select(User.telegram_user_id).order_by(User.id.desc())) or 0) + 1
        session.execute(
            insert(User),
            [
                {
                    "telegram_user_id": first + i,
                    "timezone": "Europe/Paris",
                    "consent_at": due,
                    "created_at": due,
                    "quiet_start": NOON,
                    "quiet_end": NOON,  # no quiet hours: the tests run at any hour
                }
                for i in range(users)
            ],
        )
        user_ids = list(
            session.scalars(select(User.id).where(User.telegram_user_id >= first).order_by(User.id))
        )
        session.execute(
            insert(Reminder),
            [
                {
                    "user_id": user_ids[i % users],
                    "kind": kind,
                    "due_at": due,
                    "payload": {"text": f"rappel {i}"},
                    "status": "pending",
                    "attempts": 0,
                    "created_at": due,
                }
                for i in range(count)
            ],
        )
        return list(session.scalars(select(Reminder.id).order_by(Reminder.id)))


def rows(factory: sessionmaker[Session]) -> dict[int, Reminder]:
    with factory() as session:
        return {r.id: r for r in session.scalars(select(Reminder))}


class Recorder:
    """An in-memory Telegram: records (id, chat, monotonic time) of every delivery."""

    def __init__(
        self,
        delay: float = 0.0,
        fail: Callable[[rem.ReminderSnapshot, int], BaseException | None] | None = None,
    ) -> None:
        self.delivered: list[tuple[int, int, float]] = []
        self.calls: collections.Counter[int] = collections.Counter()
        self._delay = delay
        self._fail = fail

    async def __call__(self, snapshot: rem.ReminderSnapshot) -> None:
        self.calls[snapshot.id] += 1
        if self._delay:
            await asyncio.sleep(random.uniform(0, self._delay))
        if self._fail is not None:
            error = self._fail(snapshot, self.calls[snapshot.id])
            if error is not None:
                raise error
        self.delivered.append((snapshot.id, snapshot.chat_id, time.monotonic()))

    @property
    def ids(self) -> list[int]:
        return [i for i, _chat, _t in self.delivered]


async def run_until(
    dispatchers: list[ReminderDispatcher],
    done: Callable[[], bool],
    timeout: float = 60.0,
) -> None:
    stop = asyncio.Event()
    tasks = [asyncio.create_task(d.run_forever(stop)) for d in dispatchers]
    deadline = time.monotonic() + timeout
    try:
        while not done() and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
    finally:
        stop.set()
        await asyncio.gather(*tasks)


def dispatcher(
    factory: sessionmaker[Session], deliver: Callable[[rem.ReminderSnapshot], Awaitable[None]], **kw
) -> ReminderDispatcher:  # type: ignore[no-untyped-def]
    options = {"rate_per_second": 1000.0, "per_chat_interval": 0.0, "poll_interval": 0.05}
    options.update(kw)
    return ReminderDispatcher(factory, deliver, **options)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- delivery


async def test_due_reminders_are_sent_once_and_marked(factory: sessionmaker[Session]) -> None:
    ids = seed(factory, 5)
    recorder = Recorder()
    worker = dispatcher(factory, recorder)
    assert await worker.run_once() == 5
    assert await worker.run_once() == 0
    assert sorted(recorder.ids) == ids
    after = rows(factory)
    assert {r.status for r in after.values()} == {"sent"}
    assert all(r.sent_at is not None and r.sent_at >= r.due_at for r in after.values())
    assert all(r.claimed_by == worker.worker_id for r in after.values())


async def test_two_dispatchers_deliver_1000_reminders_exactly_once(
    factory: sessionmaker[Session], dispatch_url: str
) -> None:
    ids = seed(factory, 1000, users=250)
    recorder = Recorder(delay=0.003)
    # Two engines: two independent connection pools, as two bot processes would have. At
    # 200 a second, 1 000 take seconds to send, and a dispatcher claims ahead only about a
    # second of sending: neither can hold every row before the other's first claim, however
    # busy the machine (at 1 500 a second, one could claim all 1 000 while the other started).
    engines = [make_engine(dispatch_url) for _ in range(2)]
    workers = [
        dispatcher(make_session_factory(e), recorder, rate_per_second=200.0, batch_size=50)
        for e in engines
    ]
    try:
        await run_until(workers, lambda: len(recorder.delivered) >= 1000, timeout=120)
        await asyncio.sleep(0.2)  # anything extra would show up now
    finally:
        for e in engines:
            e.dispose()
    counts = collections.Counter(recorder.ids)
    assert sorted(counts) == ids, "every reminder delivered"
    assert max(counts.values()) == 1, "none delivered twice"
    assert sum(recorder.calls.values()) == 1000
    assert {r.status for r in rows(factory).values()} == {"sent"}
    shares = [w.stats.sent for w in workers]
    assert sum(shares) == 1000
    assert all(share > 0 for share in shares), f"both dispatchers took part: {shares}"


async def test_two_dispatchers_share_one_rate_for_the_bot(
    factory: sessionmaker[Session], dispatch_url: str
) -> None:
    """Each process would go at 40/s alone; sharing the bot's budget of 40/s, the two
    together never send more than 40 per second (plus the budget's quarter-second burst)."""
    rate, count = 40.0, 100
    seed(factory, count, users=count)
    recorder = Recorder()
    engines = [make_engine(dispatch_url) for _ in range(2)]
    name = f"telegram:test-{uuid.uuid4().hex[:8]}"
    workers = [
        dispatcher(
            make_session_factory(e),
            recorder,
            rate_per_second=rate,
            shared_budget=SharedBudget(make_session_factory(e), name, rate),
        )
        for e in engines
    ]
    try:
        await run_until(workers, lambda: len(recorder.delivered) >= count, timeout=60)
    finally:
        for e in engines:
            e.dispose()
    assert sorted(collections.Counter(recorder.ids).values()) == [1] * count
    times = sorted(t for _id, _chat, t in recorder.delivered)
    # In any window of one second, at most the rate plus the burst went out.
    burst = rate / 4 + 2 * max(1, int(rate / 10))  # budget capacity + what each holds
    for index, start in enumerate(times):
        within = sum(1 for t in times[index:] if t - start < 1.0)
        assert within <= rate + burst, (within, rate + burst)
    assert all(w.stats.sent > 0 for w in workers), [w.stats.sent for w in workers]


async def test_per_chat_interval(factory: sessionmaker[Session]) -> None:
    seed(factory, 3, users=1)
    recorder = Recorder()
    await dispatcher(factory, recorder, per_chat_interval=0.3).run_once()
    times = [t for _id, _chat, t in recorder.delivered]
    assert len(times) == 3
    assert all(b - a >= 0.29 for a, b in itertools.pairwise(times))


async def test_global_rate(factory: sessionmaker[Session]) -> None:
    seed(factory, 30)
    recorder = Recorder()
    started = time.monotonic()
    worker = dispatcher(factory, recorder, rate_per_second=20.0)
    while await worker.run_once():
        pass
    elapsed = time.monotonic() - started
    assert len(recorder.delivered) == 30
    assert elapsed >= 1.2, f"30 messages at 20/s took only {elapsed:.2f} s"
    times = sorted(t for _id, _chat, t in recorder.delivered)
    # No second holds more than 20 messages plus the small burst (a quarter second's worth).
    for i, start in enumerate(times):
        assert sum(1 for t in times[i:] if t - start < 1.0) <= 25


# --------------------------------------------------------------------------- errors


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_retry_after_pauses_everything_and_requeues_without_counting(
    factory: sessionmaker[Session],
) -> None:
    ids = seed(factory, 6)
    throttled = ids[0]

    def fail(snapshot: rem.ReminderSnapshot, call: int) -> BaseException | None:
        return RetryAfter(1) if snapshot.id == throttled and call == 1 else None

    recorder = Recorder(fail=fail)
    worker = dispatcher(factory, recorder, max_in_flight=1)
    raised_at = time.monotonic()
    await run_until([worker], lambda: len(recorder.delivered) == 6, timeout=20)
    assert sorted(recorder.ids) == ids
    assert worker.stats.throttled == 1
    # Nothing went out during the flood wait.
    assert all(t - raised_at >= 0.95 for _id, _chat, t in recorder.delivered)
    row = rows(factory)[throttled]
    assert (row.status, row.attempts) == ("sent", 0)


async def test_deliver_later_requeues_without_counting(factory: sessionmaker[Session]) -> None:
    ids = seed(factory, 3)
    busy = ids[1]

    def fail(snapshot: rem.ReminderSnapshot, call: int) -> BaseException | None:
        return DeliverLater(600) if snapshot.id == busy else None

    recorder = Recorder(fail=fail)
    worker = dispatcher(factory, recorder)
    await run_until([worker], lambda: len(recorder.delivered) == 2, timeout=20)
    assert worker.stats.deferred == 1 and worker.stats.failed == 0
    row = rows(factory)[busy]
    assert (row.status, row.attempts, row.last_error) == ("pending", 0, "deferred")
    assert row.next_attempt_at is not None
    later = row.next_attempt_at.replace(tzinfo=dt.UTC) - dt.datetime.now(dt.UTC)
    assert dt.timedelta(minutes=9) < later <= dt.timedelta(minutes=10)


async def test_forbidden_fails_for_good(factory: sessionmaker[Session]) -> None:
    ids = seed(factory, 3)
    blocked = ids[1]

    def fail(snapshot: rem.ReminderSnapshot, _call: int) -> BaseException | None:
        return Forbidden("bot was blocked by the user") if snapshot.id == blocked else None

    recorder = Recorder(fail=fail)
    worker = dispatcher(factory, recorder)
    await worker.run_once()
    await worker.run_once()
    after = rows(factory)
    assert (after[blocked].status, after[blocked].last_error) == ("failed", "Forbidden")
    assert recorder.calls[blocked] == 1
    assert sorted(recorder.ids) == [ids[0], ids[2]]


async def test_bad_request_fails_for_good(factory: sessionmaker[Session]) -> None:
    [rid] = seed(factory, 1)
    worker = dispatcher(factory, Recorder(fail=lambda s, c: BadRequest("Chat not found")))
    await worker.run_once()
    assert (rows(factory)[rid].status, rows(factory)[rid].last_error) == ("failed", "BadRequest")


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


async def test_transient_errors_back_off_then_fail(factory: sessionmaker[Session]) -> None:
    [rid] = seed(factory, 1, due=NOW)
    clock = Clock(NOW)
    recorder = Recorder(fail=lambda s, c: NetworkError("Bad Gateway"))
    worker = dispatcher(factory, recorder, clock=clock, backoff_base=10.0, max_attempts=3)
    expected_delays = [10.0, 20.0]
    for attempt, delay in enumerate(expected_delays, start=1):
        await worker.run_once()
        row = rows(factory)[rid]
        assert (row.status, row.attempts, row.last_error) == ("pending", attempt, "NetworkError")
        assert row.next_attempt_at is not None
        waited = (row.next_attempt_at - clock.now).total_seconds()
        assert delay * 0.89 <= waited <= delay * 1.11
        assert await worker.run_once() == 0  # not before the backoff
        clock.now = row.next_attempt_at
    await worker.run_once()
    row = rows(factory)[rid]
    assert (row.status, row.last_error) == ("failed", "NetworkError")
    assert recorder.calls[rid] == 3 and recorder.delivered == []


async def test_transient_error_then_success(factory: sessionmaker[Session]) -> None:
    [rid] = seed(factory, 1, due=NOW)
    clock = Clock(NOW)

    def fail(_s: rem.ReminderSnapshot, call: int) -> BaseException | None:
        if call == 1:
            raise_from = httpx.ConnectError("connection refused")
            error = TimedOut()
            error.__cause__ = raise_from  # the request never left: safe to retry
            return error
        return None

    recorder = Recorder(fail=fail)
    worker = dispatcher(factory, recorder, clock=clock)
    await worker.run_once()
    clock.now += dt.timedelta(seconds=30)
    assert await worker.run_once() == 1
    row = rows(factory)[rid]
    assert (row.status, row.attempts) == ("sent", 1)
    assert recorder.ids == [rid]


def read_timeout() -> NetworkError:
    error = TimedOut()
    error.__cause__ = httpx.ReadTimeout("no answer")  # the request may have gone through
    return error


async def test_ambiguous_errors_are_never_resent_by_default(factory: sessionmaker[Session]) -> None:
    ids = seed(factory, 2)
    recorder = Recorder(fail=lambda s, c: read_timeout() if s.id == ids[0] else None)
    worker = dispatcher(factory, recorder)
    await worker.run_once()
    await worker.run_once()
    row = rows(factory)[ids[0]]
    assert (row.status, row.last_error) == ("failed", "unknown_delivery")
    assert recorder.calls[ids[0]] == 1 and worker.stats.unknown == 1


async def test_ambiguous_errors_can_be_retried_when_asked(factory: sessionmaker[Session]) -> None:
    [rid] = seed(factory, 1)
    worker = dispatcher(factory, Recorder(fail=lambda s, c: read_timeout()), on_ambiguous="retry")
    await worker.run_once()
    assert (rows(factory)[rid].status, rows(factory)[rid].attempts) == ("pending", 1)


async def test_deliver_timeout_is_an_unknown_outcome(factory: sessionmaker[Session]) -> None:
    [rid] = seed(factory, 1)

    async def hang(_snapshot: rem.ReminderSnapshot) -> None:
        await asyncio.sleep(5)

    await dispatcher(factory, hang, deliver_timeout=0.1).run_once()
    assert rows(factory)[rid].last_error == "unknown_delivery"


async def test_other_exceptions_are_retried(factory: sessionmaker[Session]) -> None:
    [rid] = seed(factory, 1)
    worker = dispatcher(factory, Recorder(fail=lambda s, c: RuntimeError("Rasa down")))
    await worker.run_once()
    row = rows(factory)[rid]
    assert (row.status, row.attempts, row.last_error) == ("pending", 1, "RuntimeError")


# --------------------------------------------------------------------------- Rasa outages


def with_intent(factory: sessionmaker[Session], ids: list[int]) -> None:
    """Make these reminders open a conversation (Rasa ``trigger_intent``)."""
    with transaction(factory) as session:
        for rid in ids:
            row = session.get(Reminder, rid)
            assert row is not None
            row.kind = "milestone"
            row.payload = {"intent": "EXTERNAL_goal_milestone", "text": "étape 2 de « SQL »"}


class FakeBot:
    """Telegram's sendMessage: records what reached the person."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, str]] = []

    async def send_message(self, chat_id: int, text: str, **_options: object) -> dict[str, int]:
        self.sent.append((chat_id, text))
        return {"message_id": len(self.sent)}


class ScriptedRasa:
    """Rasa's HTTP API: no form in progress; each trigger_intent answers the next step of
    ``script`` ("down", "empty", "500", "blank" or a text), the last one repeating."""

    def __init__(self, *script: str) -> None:
        self.script = list(script)
        self.triggers = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            return httpx.Response(200, json={"active_loop": {}, "latest_event_time": 0})
        step = self.script[min(self.triggers, len(self.script) - 1)]
        self.triggers += 1
        if step == "down":
            raise httpx.ConnectError("connection refused", request=request)
        if step == "500":
            return httpx.Response(500, json={"status": "failure"})
        messages: list[dict[str, str]] = [{"recipient_id": "1"}]  # "blank": nothing to show
        if step == "empty":
            messages = []  # an action or the action server failed on Rasa's side
        elif step != "blank":
            messages = [{"recipient_id": "1", "text": step}]
        return httpx.Response(200, json={"tracker": {}, "messages": messages})


def telegram_deliver(
    factory: sessionmaker[Session], rasa: ScriptedRasa, bot: FakeBot
) -> Callable[[rem.ReminderSnapshot], Awaitable[object]]:
    """The deliver chain of bot/telegram_app.py: text_deliver → converse → Relay.remind
    → RasaClient, with Rasa and Telegram played by fakes."""
    from bot.dispatcher import text_deliver
    from bot.rasa_client import RasaClient
    from bot.relay import Relay, Speaker

    http = httpx.AsyncClient(transport=httpx.MockTransport(rasa))
    client = RasaClient("http://rasa.test", auth_token="t", http=http, retries=0)
    relay = Relay(rasa=client, session_factory=factory, tracker_url="sqlite://")

    async def converse(snapshot: rem.ReminderSnapshot) -> object:
        replies = await relay.remind(Speaker(snapshot.chat_id), snapshot)
        for reply in replies:
            await bot.send_message(snapshot.chat_id, reply.text or "")
        return replies

    return text_deliver(bot, converse=converse)


async def test_a_rasa_outage_of_any_length_never_fails_a_reminder(
    factory: sessionmaker[Session],
) -> None:
    [rid] = seed(factory, 1, due=NOW)
    with_intent(factory, [rid])
    clock = Clock(NOW)
    outage = 20

    def fail(_s: rem.ReminderSnapshot, call: int) -> BaseException | None:
        return RasaUnavailable("Rasa down") if call <= outage else None

    recorder = Recorder(fail=fail)
    # Three counted failures would fail it: the outage is never counted.
    worker = dispatcher(factory, recorder, clock=clock, max_attempts=3)
    waits: list[float] = []
    for attempt in range(1, outage + 1):
        assert await worker.run_once() == 0
        row = rows(factory)[rid]
        assert (row.status, row.attempts) == ("pending", 0), f"attempt {attempt}"
        assert row.last_error == f"rasa_unavailable:{attempt}"
        assert row.next_attempt_at is not None
        waits.append((row.next_attempt_at - clock.now).total_seconds())
        assert await worker.run_once() == 0  # not before its time
        clock.now = row.next_attempt_at
    # Backoff: 10 s, 20 s, 40 s… (± 10 %), then at most 15 min however long it lasts.
    assert 9 <= waits[0] <= 11 and 18 <= waits[1] <= 22 and 36 <= waits[2] <= 44
    assert all(b >= a * 0.8 for a, b in itertools.pairwise(waits))
    assert max(waits) <= 900 and waits[-1] >= 810
    assert worker.stats.rasa_down == outage and worker.stats.failed == 0
    # Rasa is back: sent, once.
    assert await worker.run_once() == 1
    row = rows(factory)[rid]
    assert (row.status, row.attempts, row.last_error) == ("sent", 0, None)
    assert recorder.ids == [rid] and recorder.calls[rid] == outage + 1


async def test_an_empty_answer_from_rasa_is_not_marked_sent(
    factory: sessionmaker[Session],
) -> None:
    [rid] = seed(factory, 1, due=NOW)
    with_intent(factory, [rid])
    clock = Clock(NOW)
    rasa, bot = ScriptedRasa("empty", "Où en êtes-vous de l'étape 2 ?"), FakeBot()
    worker = dispatcher(factory, telegram_deliver(factory, rasa, bot), clock=clock)
    assert await worker.run_once() == 0
    row = rows(factory)[rid]
    assert (row.status, row.attempts, row.last_error) == ("pending", 0, "rasa_unavailable:1")
    assert row.sent_at is None and bot.sent == [], "nothing went out: not sent"
    assert row.next_attempt_at is not None and row.next_attempt_at > clock.now
    # Later, Rasa answers: the reminder is sent, once, with Rasa's words.
    clock.now = row.next_attempt_at
    assert await worker.run_once() == 1
    clock.now += dt.timedelta(hours=1)
    assert await worker.run_once() == 0
    row = rows(factory)[rid]
    assert (row.status, row.sent_at) == ("sent", clock.now - dt.timedelta(hours=1))
    assert [text for _chat, text in bot.sent] == ["Où en êtes-vous de l'étape 2 ?"]
    assert rasa.triggers == 2


@pytest.mark.parametrize("failure", ["down", "500"])
async def test_rasa_down_keeps_the_reminder_pending(
    factory: sessionmaker[Session], failure: str
) -> None:
    [rid] = seed(factory, 1, due=NOW)
    with_intent(factory, [rid])
    bot = FakeBot()
    worker = dispatcher(
        factory, telegram_deliver(factory, ScriptedRasa(failure), bot), clock=Clock(NOW)
    )
    await worker.run_once()
    row = rows(factory)[rid]
    assert (row.status, row.attempts, row.last_error) == ("pending", 0, "rasa_unavailable:1")
    assert bot.sent == []


async def test_a_turn_that_shows_nothing_sends_the_plain_reminder(
    factory: sessionmaker[Session],
) -> None:
    [rid] = seed(factory, 1, due=NOW)
    with_intent(factory, [rid])
    bot = FakeBot()
    worker = dispatcher(
        factory, telegram_deliver(factory, ScriptedRasa("blank"), bot), clock=Clock(NOW)
    )
    assert await worker.run_once() == 1
    assert [text for _chat, text in bot.sent] == ["Petit rappel : étape 2 de « SQL »"]
    assert rows(factory)[rid].status == "sent"


async def test_a_deliver_that_sent_nothing_is_retried_not_sent(
    factory: sessionmaker[Session],
) -> None:
    [rid] = seed(factory, 1, due=NOW)
    clock = Clock(NOW)

    async def shows_nothing(_snapshot: rem.ReminderSnapshot) -> list[str]:
        return []

    worker = dispatcher(factory, shows_nothing, clock=clock, max_attempts=2)
    await worker.run_once()
    row = rows(factory)[rid]
    assert (row.status, row.attempts, row.last_error) == ("pending", 1, "nothing_sent")
    assert row.next_attempt_at is not None
    clock.now = row.next_attempt_at
    await worker.run_once()
    row = rows(factory)[rid]
    assert (row.status, row.last_error, row.sent_at) == ("failed", "nothing_sent", None)
    assert worker.stats.nothing_sent == 2 and worker.stats.sent == 0


async def test_a_request_rasa_refuses_counts_as_an_attempt(
    factory: sessionmaker[Session],
) -> None:
    [rid] = seed(factory, 1, due=NOW)
    with_intent(factory, [rid])
    worker = dispatcher(
        factory, Recorder(fail=lambda s, c: RasaRejected("Rasa answered 404")), clock=Clock(NOW)
    )
    await worker.run_once()
    row = rows(factory)[rid]
    assert (row.status, row.attempts, row.last_error) == ("pending", 1, "RasaRejected")


async def test_blocked_by_the_person_still_fails_a_conversation_reminder(
    factory: sessionmaker[Session],
) -> None:
    [rid] = seed(factory, 1, due=NOW)
    with_intent(factory, [rid])

    class BlockedBot(FakeBot):
        async def send_message(self, chat_id: int, text: str, **_o: object) -> dict[str, int]:
            raise Forbidden("bot was blocked by the user")

    deliver = telegram_deliver(factory, ScriptedRasa("Bonjour"), BlockedBot())
    await dispatcher(factory, deliver, clock=Clock(NOW)).run_once()
    row = rows(factory)[rid]
    assert (row.status, row.last_error) == ("failed", "Forbidden")


async def test_while_rasa_is_down_other_conversations_wait_and_plain_ones_go(
    factory: sessionmaker[Session],
) -> None:
    ids = seed(factory, 5, due=NOW)
    conversations, plain = ids[:3], ids[3:]
    with_intent(factory, conversations)

    def fail(snapshot: rem.ReminderSnapshot, _call: int) -> BaseException | None:
        return RasaUnavailable("frozen") if snapshot.intent else None

    recorder = Recorder(fail=fail)
    worker = dispatcher(factory, recorder, clock=Clock(NOW), max_in_flight=1, rasa_pause=60.0)
    await worker.run_once()
    after = rows(factory)
    assert sum(recorder.calls[i] for i in conversations) == 1, "Rasa was asked once"
    assert {after[i].status for i in conversations} == {"pending"}
    assert {after[i].last_error for i in conversations} == {"rasa_unavailable:1"}
    assert sorted(recorder.ids) == plain
    assert {after[i].status for i in plain} == {"sent"}


# --------------------------------------------------------------------------- leases and stops


async def test_cancelled_after_claim_is_not_sent(factory: sessionmaker[Session]) -> None:
    first, second = seed(factory, 2, users=1)

    async def deliver(snapshot: rem.ReminderSnapshot) -> None:
        if snapshot.id == first:
            with transaction(factory) as session:
                user = session.get(User, snapshot.user_id)
                assert user is not None and rem.cancel(session, user, second)
        recorder.delivered.append((snapshot.id, snapshot.chat_id, time.monotonic()))

    recorder = Recorder()
    worker = dispatcher(factory, deliver)
    await worker.run_once()
    assert recorder.ids == [first]
    assert rows(factory)[second].status == "cancelled"
    assert worker.stats.skipped == 1


async def test_graceful_stop_releases_what_was_not_started(
    factory: sessionmaker[Session],
) -> None:
    seed(factory, 10)
    recorder = Recorder(delay=0.1)
    stop = asyncio.Event()
    worker = dispatcher(factory, recorder, max_in_flight=1)
    task = asyncio.create_task(worker.run_forever(stop))
    while len(recorder.delivered) < 2:
        await asyncio.sleep(0.01)
    stop.set()
    await asyncio.wait_for(task, 5)
    statuses = collections.Counter(r.status for r in rows(factory).values())
    assert set(statuses) == {"sent", "pending"}
    assert statuses["sent"] == len(recorder.delivered) < 10
    assert all(r.claimed_by is None for r in rows(factory).values() if r.status == "pending")


async def test_leftovers_of_a_dead_dispatcher(factory: sessionmaker[Session]) -> None:
    claimed, sending = seed(factory, 2, due=NOW)
    with transaction(factory) as session:
        stale = NOW - dt.timedelta(minutes=10)
        for rid, status in ((claimed, "claimed"), (sending, "sending")):
            row = session.get(Reminder, rid)
            assert row is not None
            row.status, row.claimed_by, row.claimed_at = status, "dead-worker", stale
    recorder = Recorder()
    worker = dispatcher(factory, recorder, clock=Clock(NOW))
    assert await worker.run_once() == 1
    assert recorder.ids == [claimed]  # only claimed: never handed to Telegram
    after = rows(factory)
    assert (after[sending].status, after[sending].last_error) == ("failed", "unknown_delivery")
    assert worker.stats.unknown == 1 and worker.stats.released == 1


async def test_paused_user_and_safety_pause_are_not_sent(factory: sessionmaker[Session]) -> None:
    paused, crisis, normal = seed(factory, 3, due=NOW)
    with transaction(factory) as session:
        for rid, field in ((paused, "reminders_paused"), (crisis, "crisis_at")):
            row = session.get(Reminder, rid)
            assert row is not None
            user = session.get(User, row.user_id)
            assert user is not None
            if field == "reminders_paused":
                user.reminders_paused = True
            else:
                user.crisis_at = NOW - dt.timedelta(hours=2)
    recorder = Recorder()
    worker = dispatcher(factory, recorder, clock=Clock(NOW))
    await worker.run_once()
    assert recorder.ids == [normal]
    after = rows(factory)
    assert after[paused].status == after[crisis].status == "pending"
    assert after[crisis].next_attempt_at == NOW + dt.timedelta(hours=22)


async def test_the_retention_notice_reaches_a_person_who_paused_reminders(
    factory: sessionmaker[Session],
) -> None:
    notice, plain = seed(factory, 2, due=NOW)
    with transaction(factory) as session:
        for rid in (notice, plain):
            row = session.get(Reminder, rid)
            assert row is not None
            user = session.get(User, row.user_id)
            assert user is not None
            user.reminders_paused = True
            if rid == notice:
                row.kind = RETENTION_NOTICE
    recorder = Recorder()
    await dispatcher(factory, recorder, clock=Clock(NOW)).run_once()
    assert recorder.ids == [notice]
    assert rows(factory)[plain].status == "pending"


# --------------------------------------------------------------------------- crash


def sink_ids(path: Path) -> list[int]:
    if not path.exists():
        return []
    return [int(line) for line in path.read_text().splitlines() if line.strip().isdigit()]


async def test_sigkill_mid_run_duplicates_nothing_and_bounds_the_loss(
    factory: sessionmaker[Session], dispatch_url: str, tmp_path: Path
) -> None:
    """A dispatcher process is SIGKILLed mid-run; a fresh one finishes the work.

    Guaranteed and asserted: nothing is delivered twice; every row ends ``sent`` or
    ``failed``/``unknown_delivery``; the only reminders that can be lost are among the
    ``unknown_delivery`` ones, at most ``max_in_flight`` (4 here) — the sends under way at
    the kill. Not guaranteed: zero loss (Telegram cannot be asked whether a message went out).
    """
    count, in_flight = 600, 4
    ids = seed(factory, count, users=200)
    sink = tmp_path / "delivered.txt"
    process = subprocess.Popen(
        [sys.executable, str(WORKER), dispatch_url, str(sink), "300", str(in_flight)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while len(sink_ids(sink)) < count // 3:
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            assert time.monotonic() < deadline, "the dispatcher did not start delivering"
            await asyncio.sleep(0.01)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    before = collections.Counter(r.status for r in rows(factory).values())
    assert before["sent"] < count, f"killed mid-run: {before}"

    # A fresh dispatcher (short leases: the old process is dead for sure).
    from dispatcher_worker import file_sink

    worker = dispatcher(
        factory,
        file_sink(str(sink)),
        rate_per_second=300.0,
        claim_lease=dt.timedelta(seconds=1),
        sending_lease=dt.timedelta(seconds=1),
        reap_interval=0.2,
    )

    def settled() -> bool:
        return all(r.status in ("sent", "failed") for r in rows(factory).values())

    await run_until([worker], settled, timeout=60)

    delivered = collections.Counter(sink_ids(sink))
    after = rows(factory)
    unknown = {i for i, r in after.items() if r.status == "failed"}
    lost = set(ids) - set(delivered)
    assert max(delivered.values()) == 1, "a reminder was delivered twice"
    assert all(r.status == "sent" or r.last_error == "unknown_delivery" for r in after.values())
    assert {i for i, r in after.items() if r.status == "sent"} <= set(delivered)
    assert lost <= unknown, "only unknown_delivery rows may be missing"
    assert len(unknown) <= in_flight
    print(
        f"\n[crash test, {make_url(dispatch_url).get_backend_name()}] {count} reminders, "
        f"killed at {before['sent']} sent: duplicated 0, unknown_delivery {len(unknown)}, "
        f"lost {len(lost)}"
    )
