"""More than one process of everything, on this machine (``make cluster``).

Topology (loopback only; every port picked free at start)::

    Bot API emulator ──POST update──▶ balancer "webhook" (by chat, failover, retry)
                                          ├─▶ bot A (python -m bot, webhook mode)
                                          └─▶ bot B
    bots ──RasaClient──▶ balancer "rasa" (round-robin, failover)
                              ├─▶ Rasa A ─┐  PostgreSQL tracker store (fresh database)
                              └─▶ Rasa B ─┘  Redis lock store (own db number and key prefix)
    Rasa ──action_endpoint──▶ balancer "actions" (round-robin, failover, retry)
                              ├─▶ action server A
                              └─▶ action server B
    bots, action servers ──▶ PostgreSQL app database (fresh): inbox, reminders, send budget

The balancers are one ``python -m devtools.balancer`` process (devtools/balancer.py).

Why a balancer in front of Rasa rather than a list of URLs in the bot's RasaClient: the
same component serves the three tiers (Rasa's ``action_endpoint`` takes one URL, so the
action servers need one anyway), the bot keeps one URL as in production (a Kubernetes
Service or any HTTP load balancer takes that place), and the failover rules live in one
place that the test exercises.

What makes a kill lose nothing:

- **bot**: every update is in the app database's inbox before the webhook answers 200; the
  webhook balancer sends an update the dying bot did not acknowledge to the other bot (a
  second delivery of a stored update is recognised by its update id and not run twice);
  the rows the dead bot held are taken over by the live one once their lease ran out
  (``INBOX_LEASE_SECONDS``, short here), and a turn cut half way is replayed from Rasa's
  tracker rather than processed again (bot/gateway.py);
- **Rasa**: a refused connection goes to the other server. A request cut after it was sent
  is never replayed by the balancer (it answers 502): Rasa saves a turn's events in one
  commit at its end, after which only the answer was missing, so the bot asks the other
  server whether the message's update id is in the conversation and shows the answers
  given then, or sends the message once more when it is not (bot/relay.py, ``_taken_over``);
  and Rasa itself answers a message whose update id it already took with the answers given
  then, without running the turn again (deploy/rasa_server.py, ``install_update_once``:
  this covers a bot that died while Rasa was still busy with its turn);
  the other server waits for the dead one's conversation lock to expire
  (``TICKET_LOCK_LIFETIME``, 10 s here instead of Rasa's 60 s);
- **action server**: a request refused or cut before any answer byte goes to the other
  server; an action cut half way runs again there (a user turn is still taken once).

So a user turn is processed once. Only a reminder or an answer sent by a bot just before it
died and before it deleted its row could be sent again; the figures count it
("duplicated").

Reminders: both bots run the production dispatcher (``REMINDERS_ENABLED``) with the bot
token's global rate ``REMINDER_RATE`` shared through the database (coach/send_budget.py).

    python -m devtools.cluster                 # everything, 10 000 reminders at 30/s
    python -m devtools.cluster --reminders 2000 --users 20 --turns 10
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import datetime as dt
import itertools
import json
import os
import secrets
import signal
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import Engine, make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from harness import Emulator  # noqa: E402

from coach.db import make_engine, make_session_factory, transaction, upgrade  # noqa: E402
from coach.models import InboxUpdate, Reminder  # noqa: E402
from coach.users import give_consent, sender_id_for  # noqa: E402
from devtools.stack import (  # noqa: E402
    ACTION_SECRET_ENV,
    MODEL,
    PRIVATE_UMASK,
    PYTHON,
    action_server_command,
    child_env,
    free_port,
    open_log,
    private_dir,
    rasa_command,
    write_endpoints,
)

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS = "redis://127.0.0.1:6379/12"
TICKET_LOCK_LIFETIME = 10
# Small talk and questions that need no form: every turn has an answer of its own.
MESSAGES = [
    "bonjour",
    "merci beaucoup",
    "tu es un robot ?",
    "comment préparer mon entretien",
    "je suis vraiment déçue",
    "quelle météo demain",
    "aide",
    "qui es-tu ?",
]


# --------------------------------------------------------------------------- databases


@contextlib.contextmanager
def fresh_databases(server_url: str, tag: str) -> Iterator[tuple[str, str]]:
    """Two throw-away PostgreSQL databases (app, tracker) on ``server_url``'s server,
    dropped at the end whatever happens."""
    server = make_url(server_url)
    names = [f"rebond_cluster_{tag}_app", f"rebond_cluster_{tag}_tracker"]
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    created: list[str] = []
    try:
        with admin.connect() as connection:
            for name in names:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
                created.append(name)
        app, tracker = (
            server.set(database=name).render_as_string(hide_password=False) for name in names
        )
        yield app, tracker
    finally:
        with admin.connect() as connection:
            for name in created:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# --------------------------------------------------------------------------- processes


@dataclass
class Proc:
    name: str
    command: list[str]
    env: dict[str, str]
    log: Path
    port: int
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        out = open_log(self.log)
        try:
            self.process = subprocess.Popen(
                self.command,
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                umask=PRIVATE_UMASK,
            )
        finally:
            os.close(out)

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def signal(self, sig: int) -> None:
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, sig)

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""


def _port_open(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class Cluster:
    app_url: str
    tracker_url: str
    emulator: Emulator
    token: str
    webhook_url: str
    rasa_url: str
    action_url: str
    balancer: Proc
    procs: dict[str, Proc] = field(default_factory=dict)
    engine: Engine | None = None
    tracker_engine: Engine | None = None
    killed: dict[str, float] = field(default_factory=dict)
    bot_env: dict[str, dict[str, str]] = field(default_factory=dict)

    # -- control -------------------------------------------------------------------------
    def kill(self, name: str) -> float:
        """SIGKILL one process (its whole process group); returns the time of the kill."""
        proc = self.procs[name]
        proc.signal(signal.SIGKILL)
        assert proc.process is not None
        proc.process.wait()
        self.killed[name] = time.monotonic()
        return self.killed[name]

    def start_bot(self, name: str, timeout: float = 60.0) -> None:
        proc = self.procs[name]
        proc.start()
        wait_until(lambda: _port_open(proc.port), f"{name}'s webhook", proc, timeout)

    def stats(self) -> dict[str, dict[str, Any]]:
        """The balancers' counters, per pool."""
        out = {}
        for url in (self.webhook_url, self.rasa_url, self.action_url):
            data = httpx.get(f"{url.rstrip('/')}/__balancer", timeout=5).json()
            out[data["pool"]] = data
        return out

    def inbox_rows(self, instance: str | None = None) -> int:
        assert self.engine is not None
        query = select(func.count()).select_from(InboxUpdate)
        if instance is not None:
            query = query.where(InboxUpdate.owner.startswith(instance + "/"))
        with self.engine.connect() as connection:
            return int(connection.scalar(query) or 0)

    def tracker_events(self, chat: int) -> list[dict[str, Any]]:
        """Rasa's events of one chat's conversation, in order (from the tracker store)."""
        assert self.tracker_engine is not None
        with self.tracker_engine.connect() as connection:
            rows = connection.execute(
                text("SELECT data FROM events WHERE sender_id = :s ORDER BY id"),
                {"s": sender_id_for(chat)},
            ).all()
        return [json.loads(row[0]) for row in rows]


def wait_until(check: Any, what: str, proc: Proc, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.process is not None and proc.process.poll() is not None:
            raise RuntimeError(f"{what} exited ({proc.process.returncode}):\n{proc.tail()}")
        try:
            if check():
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise TimeoutError(f"{what} not ready after {timeout:.0f} s (see {proc.log})")


@contextlib.asynccontextmanager
async def running_cluster(
    *,
    log_dir: Path,
    postgres_url: str = DEFAULT_POSTGRES,
    redis_url: str = DEFAULT_REDIS,
    reminder_rate: float = 30.0,
    lease_seconds: float = 6.0,
    model: Path = MODEL,
    timeout: float = 240.0,
) -> AsyncIterator[Cluster]:
    """2 action servers, 2 Rasa servers, 2 bots and the balancers, on fresh databases;
    everything stopped and the databases dropped on exit, even on failure."""
    if not model.exists():
        raise FileNotFoundError(f"no trained model at {model}: run `make model` first")
    tag = uuid.uuid4().hex[:10]
    private_dir(log_dir)
    with fresh_databases(postgres_url, tag) as (app_url, tracker_url):
        upgrade(app_url)
        async with Emulator() as emu:
            ports = {name: free_port() for name in ("wh", "rasa", "act")}
            backends = {
                name: free_port()
                for name in ("bot-a", "bot-b", "rasa-a", "rasa-b", "actions-a", "actions-b")
            }
            balancer = Proc(
                "balancer",
                [
                    str(PYTHON),
                    "-m",
                    "devtools.balancer",
                    "--pool",
                    f"webhook={ports['wh']}:{backends['bot-a']},{backends['bot-b']}:chat:retry",
                    "--pool",
                    f"rasa={ports['rasa']}:{backends['rasa-a']},{backends['rasa-b']}",
                    "--pool",
                    f"actions={ports['act']}:{backends['actions-a']},{backends['actions-b']}:retry",
                ],
                child_env(os.environ, PYTHONUNBUFFERED="1"),
                log_dir / "balancer.log",
                ports["wh"],
            )
            cluster = Cluster(
                app_url=app_url,
                tracker_url=tracker_url,
                emulator=emu,
                token=emu.token,
                webhook_url=f"http://127.0.0.1:{ports['wh']}/",
                rasa_url=f"http://127.0.0.1:{ports['rasa']}",
                action_url=f"http://127.0.0.1:{ports['act']}",
                balancer=balancer,
            )
            auth_token = secrets.token_hex(24)
            action_secret = secrets.token_hex(24)
            webhook_secret = secrets.token_hex(16)
            endpoints, endpoints_env = write_endpoints(
                log_dir / "endpoints.yml",
                action_port=ports["act"],
                tracker_url=tracker_url,
                lock_store_url=redis_url,
                lock_store_prefix=f"cluster{tag}",
            )
            common = {**os.environ, "PYTHONUNBUFFERED": "1"}
            for name in ("actions-a", "actions-b"):
                cluster.procs[name] = Proc(
                    name,
                    action_server_command(port=backends[name]),
                    child_env(common, DATABASE_URL=app_url, **{ACTION_SECRET_ENV: action_secret}),
                    log_dir / f"{name}.log",
                    backends[name],
                )
            for name in ("rasa-a", "rasa-b"):
                cluster.procs[name] = Proc(
                    name,
                    rasa_command(model=model, endpoints=endpoints, port=backends[name]),
                    child_env(
                        common,
                        RASA_AUTH_TOKEN=auth_token,
                        RASA_TELEMETRY_ENABLED="false",
                        SANIC_WORKERS="1",
                        TICKET_LOCK_LIFETIME=str(TICKET_LOCK_LIFETIME),
                        **{ACTION_SECRET_ENV: action_secret},
                        **endpoints_env,
                    ),
                    log_dir / f"{name}.log",
                    backends[name],
                )
            for name in ("bot-a", "bot-b"):
                cluster.procs[name] = Proc(
                    name,
                    [str(PYTHON), "-m", "bot"],
                    child_env(
                        common,
                        TELEGRAM_BOT_TOKEN=emu.token,
                        TELEGRAM_API_BASE_URL=emu.url,
                        DATABASE_URL=app_url,
                        TRACKER_DATABASE_URL=tracker_url,
                        RASA_URL=cluster.rasa_url,
                        RASA_AUTH_TOKEN=auth_token,
                        TELEGRAM_WEBHOOK_URL=cluster.webhook_url,
                        TELEGRAM_WEBHOOK_SECRET=webhook_secret,
                        TELEGRAM_WEBHOOK_PORT=str(backends[name]),
                        TELEGRAM_WEBHOOK_LISTEN="127.0.0.1",
                        BOT_INSTANCE=name,
                        REMINDERS_ENABLED="1",
                        REMINDER_RATE=str(reminder_rate),
                        INBOX_LEASE_SECONDS=str(lease_seconds),
                    ),
                    log_dir / f"{name}.log",
                    backends[name],
                )
            everything = [balancer, *cluster.procs.values()]
            try:
                balancer.start()
                for name in ("actions-a", "actions-b", "rasa-a", "rasa-b"):
                    cluster.procs[name].start()
                wait_until(lambda: _port_open(ports["wh"]), "balancer", balancer, 30)
                for name in ("actions-a", "actions-b"):
                    port = backends[name]
                    await asyncio.to_thread(
                        wait_until,
                        lambda port=port: (
                            httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code
                            == 200
                        ),
                        name,
                        cluster.procs[name],
                        timeout,
                    )
                for name in ("rasa-a", "rasa-b"):
                    port = backends[name]
                    await asyncio.to_thread(
                        wait_until,
                        lambda port=port: bool(
                            httpx.get(
                                f"http://127.0.0.1:{port}/status",
                                params={"token": auth_token},
                                timeout=2,
                            )
                            .json()
                            .get("model_id")
                        ),
                        name,
                        cluster.procs[name],
                        timeout,
                    )
                for name in ("bot-a", "bot-b"):
                    await asyncio.to_thread(cluster.start_bot, name)
                cluster.engine = make_engine(app_url)
                cluster.tracker_engine = make_engine(tracker_url)
                yield cluster
            finally:
                for proc in everything:
                    proc.signal(signal.SIGTERM)
                deadline = time.monotonic() + 20
                for proc in everything:
                    if proc.process is None:
                        continue
                    try:
                        proc.process.wait(timeout=max(0.1, deadline - time.monotonic()))
                    except subprocess.TimeoutExpired:
                        proc.signal(signal.SIGKILL)
                        proc.process.wait()
                for engine in (cluster.engine, cluster.tracker_engine):
                    if engine is not None:
                        engine.dispose()
                endpoints.unlink(missing_ok=True)


# --------------------------------------------------------------------------- conversations


def consent_users(cluster: Cluster, chats: list[int]) -> None:
    """The people have already accepted (the consent flow has its own tests)."""
    factory = make_session_factory(cluster.engine)  # type: ignore[arg-type]
    for chat in chats:
        with transaction(factory) as session:
            give_consent(session, chat, first_name="Camille", timezone="Europe/Paris")


@dataclass
class LoadResult:
    chats: list[int]
    sent: dict[int, list[str]]
    latencies: list[float]
    seconds: float
    unanswered: list[tuple[int, str]]

    @property
    def turns(self) -> int:
        return sum(len(v) for v in self.sent.values())

    @property
    def rate(self) -> float:
        return self.turns / self.seconds if self.seconds else float("nan")

    @property
    def p95(self) -> float:
        return percentile(self.latencies, 95)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


async def talk(
    cluster: Cluster,
    chats: list[int],
    turns: int,
    *,
    burst: int = 1,
    answer_timeout: float = 60.0,
    on_tick: Any = None,
    duration: float = 0.0,
    quiet: float = 0.3,
) -> LoadResult:
    """Every chat sends ``turns`` messages (or more, until ``duration`` seconds passed),
    ``burst`` at a time (back to back), and waits for the answer to the burst before the
    next one: its first message, then until no message came for ``quiet`` seconds (an
    answer may be several messages). Latency: from the burst's first send to the first
    message of its answer."""
    emu = cluster.emulator
    sent: dict[int, list[str]] = {chat: [] for chat in chats}
    latencies: list[float] = []
    unanswered: list[tuple[int, str]] = []
    began = time.monotonic()

    async def person(index: int, chat: int) -> None:
        position = index
        done = 0
        while done < turns or time.monotonic() - began < duration:
            group = []
            for _ in range(burst):
                group.append(MESSAGES[position % len(MESSAGES)])
                position += 1
            done += len(group)
            start = time.monotonic()
            for message in group:
                await emu.send_message(chat, message)
                sent[chat].append(message)
            try:
                await emu.wait_for_bot_messages(chat, timeout=answer_timeout)
            except TimeoutError:
                unanswered.append((chat, group[0]))
                continue
            latencies.append(time.monotonic() - start)
            while True:
                try:
                    await emu.wait_for_bot_messages(chat, timeout=quiet)
                except TimeoutError:
                    break

    ticker = asyncio.create_task(on_tick()) if on_tick is not None else None
    try:
        await asyncio.gather(*(person(i, chat) for i, chat in enumerate(chats)))
    finally:
        if ticker is not None:
            ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await ticker
    return LoadResult(chats, sent, latencies, time.monotonic() - began, unanswered)


@dataclass
class Audit:
    """What Rasa's tracker and the emulator say about each chat once the load is over."""

    lost: int = 0  # a message Rasa never took, or took without any answer reaching the chat
    processed_twice: int = 0  # one update id taken twice by Rasa
    out_of_order: int = 0  # chats whose messages Rasa took in another order than sent
    answers_missing: int = 0  # answers Rasa gave that never reached the chat
    answers_duplicated: int = 0  # messages the chat received more often than Rasa gave them
    chats: int = 0
    rendered_by_bot: int = 0  # paragraphs the bot wrote itself (Rasa directives)
    problems: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (
            self.lost
            or self.processed_twice
            or self.out_of_order
            or self.answers_missing
            or self.answers_duplicated
        )


async def histories(cluster: Cluster) -> dict[int, list[str]]:
    """The texts each chat received from the bot, in order (the emulator's history)."""
    emu = cluster.emulator
    async with httpx.AsyncClient(base_url=emu.url, timeout=60.0) as http:
        response = await http.post("/getUpdatesHistory", json={"token": emu.token})
        response.raise_for_status()
        entries = response.json().get("result") or []
    out: dict[int, list[str]] = collections.defaultdict(list)
    for entry in entries:
        message = entry.get("message") or {}
        if "messageId" in entry and "chat_id" in message and message.get("text"):
            out[int(message["chat_id"])].append(str(message["text"]))
    return out


def paragraphs(texts: list[str]) -> list[str]:
    return [p.strip() for t in texts for p in t.split("\n\n") if p.strip()]


def _bot_texts(events: list[dict[str, Any]]) -> list[str]:
    return [str(e.get("text") or "") for e in events if e.get("event") == "bot" and e.get("text")]


async def audit(
    cluster: Cluster,
    load: LoadResult,
    *,
    settle: float = 30.0,
    delivered: bool = True,
    dump: list[dict[str, Any]] | None = None,
) -> Audit:
    """Compare, chat by chat, what was sent with what Rasa took (user events, their
    update ids and order) and what Rasa answered with what reached the chat (the bot's
    texts in Rasa's tracker against the chat's history in the emulator)."""
    result = Audit(chats=len(load.chats))
    deadline = time.monotonic() + settle
    while True:
        received = await histories(cluster)
        tracked = {c: await asyncio.to_thread(cluster.tracker_events, c) for c in load.chats}
        complete = all(
            sum(1 for e in tracked[c] if e.get("event") == "user") >= len(load.sent[c])
            and len(paragraphs(received.get(c, []))) >= len(paragraphs(_bot_texts(tracked[c])))
            for c in load.chats
        )
        if complete or time.monotonic() >= deadline:
            break
        await asyncio.sleep(0.5)
    for chat in load.chats:
        events = tracked[chat]
        users = [e for e in events if e.get("event") == "user"]
        history = received.get(chat, [])
        expected = _bot_texts(events)
        ours = [e for e in users if (e.get("metadata") or {}).get("update_id") is not None]
        ids = [e["metadata"]["update_id"] for e in ours]
        counts = collections.Counter(ids)
        result.processed_twice += sum(n - 1 for n in counts.values() if n > 1)
        firsts: list[str] = []
        seen_ids: set[Any] = set()
        for event, update_id in zip(ours, ids, strict=True):
            if update_id not in seen_ids:
                seen_ids.add(update_id)
                firsts.append(str(event.get("text")))
        if dump is not None:
            dump.append(
                {
                    "chat": chat,
                    "sent": load.sent[chat],
                    "taken": firsts,
                    "ids": ids,
                    "rasa": expected,
                    "received": history,
                }
            )
        if firsts != load.sent[chat]:
            if sorted(firsts) == sorted(load.sent[chat]):
                result.out_of_order += 1
                result.problems.append(f"chat {chat}: taken in another order")
            else:
                missing = len(load.sent[chat]) - len(firsts)
                result.lost += max(0, missing)
                result.problems.append(
                    f"chat {chat}: Rasa took {len(firsts)}/{len(load.sent[chat])}"
                )
        # The bot may send one Rasa message as several (it splits some answers at a
        # paragraph), and renders some of Rasa's answers itself (directives: no text in
        # the tracker). Rasa's texts are compared paragraph by paragraph, in order; the
        # bot's own paragraphs are counted apart.
        said = paragraphs(expected)
        known = set(said)
        received_all = paragraphs(history)
        shown = [p for p in received_all if p in known]
        result.rendered_by_bot += len(received_all) - len(shown)
        got, want = collections.Counter(shown), collections.Counter(said)
        missing_answers = sum((want - got).values())
        extra = sum((got - want).values())
        result.answers_missing += missing_answers
        result.answers_duplicated += extra
        if missing_answers or extra:
            result.problems.append(
                f"chat {chat}: {len(shown)} of Rasa's paragraphs received for {len(said)}"
            )
        elif delivered and shown != said:
            result.out_of_order += 1
            result.problems.append(f"chat {chat}: answers received in another order")
    return result


# --------------------------------------------------------------------------- reminders


def seed_reminders(cluster: Cluster, count: int, users: int, *, first_chat: int) -> None:
    """``count`` custom reminders due now for ``users`` people (no quiet hours), spread
    evenly: each person has about count / users of them, all due at once, so that the
    per-chat pace (one a second) matters."""
    from sqlalchemy import insert

    from coach.models import User
    from devtools.bench_reminders import NO_QUIET

    factory = make_session_factory(cluster.engine)  # type: ignore[arg-type]
    now = dt.datetime.now(dt.UTC)
    with factory() as session, session.begin():
        session.execute(
            insert(User),
            [
                {
                    "telegram_user_id": first_chat + i,
                    "timezone": "Europe/Paris",
                    "consent_at": now,
                    "created_at": now,
                    "quiet_start": NO_QUIET,
                    "quiet_end": NO_QUIET,
                }
                for i in range(users)
            ],
        )
        ids = list(
            session.scalars(
                select(User.id)
                .where(User.telegram_user_id.between(first_chat, first_chat + users - 1))
                .order_by(User.id)
            )
        )
        for start in range(0, count, 5000):
            session.execute(
                insert(Reminder),
                [
                    {
                        "user_id": ids[i % users],
                        "kind": "custom",
                        "due_at": now,
                        "payload": {"text": f"rappel de charge n° {i + 1}"},
                        "status": "pending",
                        "attempts": 0,
                        "created_at": now,
                    }
                    for i in range(start, min(count, start + 5000))
                ],
            )


@dataclass
class ReminderReport:
    count: int
    chats: int
    sent: int
    lost: int
    duplicated: int
    rate: float
    span: float
    busy_rate: float  # leaving out idle gaps > 2 s (the kill, the claim lease)
    peak_rate: float  # the most sent in any 5 s window, per second
    per_process: dict[str, int]
    min_chat_gap: float
    close_pairs: int  # two reminders to one chat less than 1 s apart, one dispatcher
    cross_close_pairs: int  # the same, sent by two different dispatchers
    cross_pairs: int  # consecutive reminders of one chat sent by two dispatchers
    left_sending: int
    statuses: dict[str, int]


async def arrivals(emu: Emulator) -> list[tuple[int, int, float]]:
    """(reminder id, chat, arrival time in seconds) of every reminder the emulator got."""
    async with httpx.AsyncClient(base_url=emu.url, timeout=120.0) as http:
        response = await http.post("/getUpdatesHistory", json={"token": emu.token})
        response.raise_for_status()
        entries = response.json().get("result") or []
    out = []
    for entry in entries:
        message = entry.get("message") or {}
        if "messageId" not in entry or "chat_id" not in message:
            continue
        markup: Any = message.get("reply_markup") or {}
        for row in markup.get("inline_keyboard", []) if isinstance(markup, dict) else []:
            for button in row:
                data = str(button.get("callback_data", ""))
                if data.startswith("rem:done:"):
                    reminder_id = int(data.rsplit(":", 1)[1])
                    out.append((reminder_id, int(message["chat_id"]), entry["time"] / 1000))
    return out


async def dispatch_reminders(
    cluster: Cluster,
    count: int,
    *,
    users: int,
    rate: float,
    kill_after: float | None = None,
    kill: str = "bot-a",
    timeout: float = 600.0,
    first_chat: int = 20_000_000,
) -> ReminderReport:
    """Store ``count`` due reminders and let both bots dispatch them; with ``kill_after``,
    SIGKILL one bot that many seconds in. Returns what the database and the emulator saw."""
    from devtools.bench_reminders import received_ids

    assert cluster.engine is not None
    factory = make_session_factory(cluster.engine)
    with factory() as session:
        before = int(session.scalar(select(func.max(Reminder.id))) or 0)
    ours = Reminder.id > before
    await asyncio.to_thread(seed_reminders, cluster, count, users, first_chat=first_chat)
    began = time.monotonic()
    deadline = began + timeout
    killed = False
    while time.monotonic() < deadline:
        await asyncio.sleep(0.5)
        if kill_after is not None and not killed and time.monotonic() - began >= kill_after:
            cluster.kill(kill)
            killed = True
        with factory() as session:
            open_rows = session.scalar(
                select(func.count()).where(
                    ours, Reminder.status.in_(("pending", "claimed", "sending"))
                )
            )
        if not open_rows:
            break
        if killed:
            # Rows the dead bot was sending stay "sending" (at most once: see
            # bot/dispatcher.py); stop when only those are left.
            with factory() as session:
                others = session.scalar(
                    select(func.count()).where(ours, Reminder.status.in_(("pending", "claimed")))
                )
            if not others:
                break
    await asyncio.sleep(1.0)
    received = await received_ids(cluster.emulator)
    with factory() as session:
        rows = session.execute(
            select(
                Reminder.id,
                Reminder.status,
                Reminder.sent_at,
                Reminder.claimed_by,
                Reminder.user_id,
            ).where(ours)
        ).all()
    ids = {r.id for r in rows}
    sent = sorted((r for r in rows if r.status == "sent"), key=lambda r: r.sent_at)
    span = (sent[-1].sent_at - sent[0].sent_at).total_seconds() if len(sent) > 1 else 0.0
    per_process = collections.Counter(
        str(r.claimed_by).split(":")[0] + ":" + str(r.claimed_by).split(":")[1] for r in sent
    )
    # Gaps per chat as the Bot API saw them (the emulator's arrival times), each pair
    # labelled by whether one dispatcher or two sent it.
    worker = {r.id: r.claimed_by for r in rows}
    by_chat: dict[int, list[tuple[float, str | None]]] = collections.defaultdict(list)
    for reminder_id, chat, moment in await arrivals(cluster.emulator):
        if reminder_id in worker:
            by_chat[chat].append((moment, worker[reminder_id]))
    same: list[float] = []
    cross: list[float] = []
    for seen in by_chat.values():
        for (t1, w1), (t2, w2) in itertools.pairwise(sorted(seen, key=lambda x: x[0])):
            (same if w1 == w2 else cross).append(t2 - t1)
    gaps = same + cross
    statuses = collections.Counter(r.status for r in rows)
    moments = [r.sent_at for r in sent]
    idle = sum(g for a, b in itertools.pairwise(moments) if (g := (b - a).total_seconds()) > 2.0)
    window = dt.timedelta(seconds=5)
    peak, low = 0, 0
    for high, moment in enumerate(moments):
        while moments[low] < moment - window:
            low += 1
        peak = max(peak, high - low + 1)
    return ReminderReport(
        count=count,
        chats=users,
        sent=len(sent),
        lost=len(ids - set(received)),
        duplicated=sum(1 for i, n in received.items() if n > 1 and i in ids),
        rate=(len(sent) - 1) / span if span else float("nan"),
        span=span,
        busy_rate=(len(sent) - 1) / (span - idle) if span - idle > 0 else float("nan"),
        peak_rate=peak / window.total_seconds(),
        per_process=dict(per_process),
        min_chat_gap=min(gaps, default=float("inf")),
        close_pairs=sum(1 for g in same if g < 1.0),
        cross_close_pairs=sum(1 for g in cross if g < 1.0),
        cross_pairs=len(cross),
        left_sending=statuses.get("sending", 0),
        statuses=dict(statuses),
    )


# --------------------------------------------------------------------------- scenario


async def kill_under_load(
    cluster: Cluster,
    held: dict[str, int],
    schedule: tuple[tuple[float, str], ...] = ((3.0, "rasa-a"), (6.0, "actions-a"), (9.0, "bot-b")),
) -> dict[str, float]:
    """SIGKILL each process of ``schedule`` that many seconds in. A bot is killed at the
    first moment after that when it holds inbox rows (updates taken, not answered yet:
    the takeover is what is tested), or 10 s later at the latest. Returns the kill times
    and, as "taken over", when the killed bot's rows were all taken over or answered."""
    marks: dict[str, float] = {}
    began = time.monotonic()
    for at, name in schedule:
        await asyncio.sleep(max(0.0, began + at - time.monotonic()))
        if name.startswith("bot"):
            limit = time.monotonic() + 10.0
            while time.monotonic() < limit:
                held[name] = await asyncio.to_thread(cluster.inbox_rows, name)
                if held[name]:
                    break
                await asyncio.sleep(0.01)
        marks[name] = cluster.kill(name)
    bots = [name for _, name in schedule if name.startswith("bot")]
    while any([await asyncio.to_thread(cluster.inbox_rows, name) for name in bots]):
        await asyncio.sleep(0.1)
    marks["taken over"] = time.monotonic()
    return marks


def write_dump(path: Path, dump: list[dict[str, Any]]) -> None:
    """What each chat sent, what Rasa took and answered, what the chat received (the bot's
    own texts and the load's fixed messages only: no personal data)."""
    path.write_text(json.dumps(dump, ensure_ascii=False, indent=1))
    path.chmod(0o600)


def print_load(title: str, load: LoadResult, found: Audit) -> None:
    print(f"\n{title}")
    print(
        f"  {len(load.chats)} people, {load.turns} messages in {load.seconds:.1f} s: "
        f"{load.rate:.1f} msg/s, p95 first answer {load.p95:.2f} s "
        f"(median {percentile(load.latencies, 50):.2f} s)"
    )
    print(
        f"  lost {found.lost}, processed twice {found.processed_twice}, out of order "
        f"{found.out_of_order}, answers missing {found.answers_missing}, answers duplicated "
        f"{found.answers_duplicated}, unanswered within the wait {len(load.unanswered)} "
        f"(paragraphs the bot wrote itself: {found.rendered_by_bot})"
    )
    for problem in found.problems[:10]:
        print(f"    {problem}")


def print_served(stats: dict[str, dict[str, Any]], names: dict[int, str]) -> None:
    for pool, data in stats.items():
        served = ", ".join(f"{names.get(int(p), p)} {n}" for p, n in data["served"].items())
        print(
            f"  {pool:8} {served}; failovers {data['failovers']}, retries {data['retries']}, "
            f"errors {data['errors']}"
        )


def print_reminders(report: ReminderReport, rate: float, killed: bool) -> None:
    print(
        f"\nreminders: {report.count} due at once for {report.chats} chats, "
        f"REMINDER_RATE {rate:g}/s for the bot token"
    )
    print(
        f"  sent {report.sent} in {report.span:.1f} s: {report.rate:.1f} msg/s overall "
        f"({100 * report.rate / rate:.0f} % of the one global rate)"
    )
    print(
        f"  while sending (idle gaps > 2 s left out): {report.busy_rate:.1f} msg/s; "
        f"busiest 5 s: {report.peak_rate:.1f} msg/s"
    )
    print(f"  per process: {report.per_process}")
    print(
        f"  per chat: smallest gap between two reminders {report.min_chat_gap:.2f} s, "
        f"pairs closer than 1 s: {report.close_pairs} from one process, "
        f"{report.cross_close_pairs} from two (of {report.cross_pairs} consecutive pairs sent "
        "by two processes; arrival times at the emulator)"
    )
    print(f"  lost {report.lost}, duplicated {report.duplicated}; rows {report.statuses}")
    if killed:
        print(f"  left 'sending' by the killed bot: {report.left_sending} (at most once)")


async def scenario(args: argparse.Namespace) -> int:
    log_dir = Path(args.log_dir)
    ok = True
    async with running_cluster(
        log_dir=log_dir,
        postgres_url=args.postgres_url,
        redis_url=args.redis_url,
        reminder_rate=args.rate,
        lease_seconds=args.lease,
    ) as cluster:
        names = {p.port: n for n, p in cluster.procs.items()}
        print(f"cluster up: {', '.join(cluster.procs)} and the balancers (logs in {log_dir})")
        # 1. Everyone up: exactly once, in order, both of each serving.
        chats = [7_000_001 + i for i in range(args.users)]
        await asyncio.to_thread(consent_users, cluster, chats)
        load = await talk(cluster, chats, args.turns, burst=2)
        dump: list[dict[str, Any]] = []
        found = await audit(cluster, load, dump=dump)
        write_dump(log_dir / "audit-all-up.json", dump)
        print_load(
            "conversations, every process up (2 messages back to back per burst)", load, found
        )
        print_served(await asyncio.to_thread(cluster.stats), names)
        ok &= found.clean and not load.unanswered
        # 2. Reminders by both bots, one of them killed.
        report = await dispatch_reminders(
            cluster,
            args.reminders,
            users=max(1, args.reminders // 4),
            rate=args.rate,
            kill_after=args.reminders / args.rate / 3,
            kill="bot-a",
        )
        print_reminders(report, args.rate, killed=True)
        ok &= report.duplicated == 0 and report.cross_close_pairs == 0
        # A few chats with many reminders each: the per-chat pace binds, both bots compete
        # for the same chats.
        report = await dispatch_reminders(
            cluster, 400, users=16, rate=args.rate, first_chat=21_000_000
        )
        print_reminders(report, args.rate, killed=False)
        ok &= report.duplicated == 0 and report.lost == 0 and report.cross_close_pairs == 0
        await asyncio.to_thread(cluster.start_bot, "bot-a")
        # 3. Kills under load: one Rasa, one action server, one bot.
        chats = [7_100_001 + i for i in range(args.users)]
        await asyncio.to_thread(consent_users, cluster, chats)
        marks: dict[str, float] = {}
        held: dict[str, int] = {}

        async def killer() -> None:
            marks.update(await kill_under_load(cluster, held))
            await asyncio.sleep(3600)

        load = await talk(
            cluster, chats, args.turns, on_tick=killer, answer_timeout=90.0, duration=20.0
        )
        dump = []
        found = await audit(cluster, load, dump=dump)
        write_dump(log_dir / "audit-kills.json", dump)
        print_load(
            "conversations with kill -9 of rasa-a (3 s), actions-a (6 s), bot-b (9 s)", load, found
        )
        if "taken over" in marks:
            print(
                f"  bot-b held {held.get('bot-b', 0)} inbox row(s) when killed; the rows "
                f"were taken over {marks['taken over'] - marks['bot-b']:.1f} s after the kill "
                f"(lease {args.lease:g} s); slowest first answer {max(load.latencies):.1f} s"
            )
        print_served(await asyncio.to_thread(cluster.stats), names)
        ok &= found.lost == 0 and found.answers_missing == 0 and not load.unanswered
    print("\n" + ("✔ cluster checks passed" if ok else "✘ some cluster checks failed"))
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the 2×2×2 cluster and measure it")
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--turns", type=int, default=8)
    parser.add_argument("--reminders", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=30.0, help="REMINDER_RATE (per bot token)")
    parser.add_argument("--lease", type=float, default=6.0, help="INBOX_LEASE_SECONDS")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES)
    parser.add_argument("--redis-url", default=DEFAULT_REDIS)
    parser.add_argument("--log-dir", default=str(ROOT / "var" / "log" / "cluster"))
    args = parser.parse_args(argv)
    return asyncio.run(scenario(args))


if __name__ == "__main__":
    sys.exit(main())
