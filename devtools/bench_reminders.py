"""Reminder dispatch benchmark: N due reminders → the Telegram Bot API emulator.

    python -m devtools.bench_reminders --count 10000 --rate 30
    python -m devtools.bench_reminders --count 2000 --rate 30 --kill-after 20
    python -m devtools.bench_reminders --count 2000 --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

What it does, on loopback only, and stopping by itself:

1. creates a fresh database (a SQLite file in a temporary directory, or a throw-away
   database on the PostgreSQL server of ``--database-url``, dropped at the end) and stores
   ``--count`` reminders, all due now, for ``--users`` distinct users (default count / 2),
   without quiet hours so that the run does not depend on the time of day;
2. starts the Bot API emulator (tests/e2e/harness.Emulator);
3. runs the production dispatcher (``bot.dispatcher.ReminderDispatcher`` with
   ``text_deliver``: a real python-telegram-bot ``Bot`` sending the text and the three
   buttons) in a subprocess at ``--rate`` messages/s, 1 s apart per chat;
4. with ``--kill-after S``: SIGKILLs that subprocess after S seconds and starts a fresh one
   (production leases: rows the dead one had only claimed come back after 20 s; rows it
   was sending stay "sending" and would be marked failed/unknown_delivery after 5 min —
   the run does not wait for that, it counts them);
5. prints the achieved rate against the configured one, lost reminders (rows not sent, and
   reminders the emulator never received), duplicates (reminders the emulator received
   more than once, recognised by the reminder id in the buttons' callback data) and the
   p95 lateness (sent_at - due_at).

With every reminder due at once, lateness is dominated by the backlog: at 30/s the last
of 10 000 waits about 333 s. The line "beyond ideal pacing" removes that part: for the
i-th message sent it measures sent_at - max(due_at, first_send + i / rate).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import datetime as dt
import itertools
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, func, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from harness import Emulator, emulator_unavailable_reason  # noqa: E402

from coach.db import make_engine, make_session_factory, upgrade  # noqa: E402
from coach.models import Reminder, User  # noqa: E402

NO_QUIET = dt.time(12, 0)


# --------------------------------------------------------------------------- database


@contextlib.contextmanager
def fresh_database(url: str | None) -> Iterator[str]:
    if not url or make_url(url).get_backend_name() == "sqlite":
        with tempfile.TemporaryDirectory(prefix="rebond-bench-") as tmp:
            yield f"sqlite:///{Path(tmp) / 'bench.db'}"
        return
    server = make_url(url)
    name = f"rebond_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def seed(factory: sessionmaker[Session], count: int, users: int, due: dt.datetime) -> None:
    with factory() as session, session.begin():
        for start in range(0, users, 5000):
            session.execute(
                insert(User),
                [
                    {
                        "telegram_user_id": 10_000_000 + i,
                        "timezone": "Europe/Paris",
                        "consent_at": due,
                        "created_at": due,
                        "quiet_start": NO_QUIET,
                        "quiet_end": NO_QUIET,
                    }
                    for i in range(start, min(users, start + 5000))
                ],
            )
        ids = list(session.scalars(select(User.id).order_by(User.id)))
        for start in range(0, count, 5000):
            session.execute(
                insert(Reminder),
                [
                    {
                        "user_id": ids[i % users],
                        "kind": "custom",
                        "due_at": due,
                        "payload": {"text": f"test de charge n° {i + 1}"},
                        "status": "pending",
                        "attempts": 0,
                        "created_at": due,
                    }
                    for i in range(start, min(count, start + 5000))
                ],
            )


def status_counts(factory: sessionmaker[Session]) -> dict[str, int]:
    with factory() as session:
        return dict(
            session.execute(select(Reminder.status, func.count()).group_by(Reminder.status))
            .tuples()
            .all()
        )


# --------------------------------------------------------------------------- worker process


async def worker_main(args: argparse.Namespace) -> None:
    """The dispatcher process: what the bot runs, minus the conversation."""
    from telegram import Bot
    from telegram.request import HTTPXRequest

    from bot.dispatcher import ReminderDispatcher, text_deliver

    engine = make_engine(args.database_url)
    request = HTTPXRequest(connection_pool_size=args.max_in_flight + 2)
    bot = Bot(args.token, base_url=args.api_base_url, request=request)
    await bot.initialize()
    dispatcher = ReminderDispatcher(
        make_session_factory(engine),
        text_deliver(bot),
        rate_per_second=args.rate,
        per_chat_interval=1.0,
        max_in_flight=args.max_in_flight,
        worker_id=args.worker_id,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    print("WORKER READY", flush=True)
    try:
        await dispatcher.run_forever(stop)
    finally:
        await bot.shutdown()
        engine.dispose()


def start_worker(
    database_url: str, emu: Emulator, rate: float, in_flight: int, worker_id: str
) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "devtools.bench_reminders",
            "--worker",
            "--database-url",
            database_url,
            "--api-base-url",
            emu.api_base_url,
            "--token",
            emu.token,
            "--rate",
            str(rate),
            "--max-in-flight",
            str(in_flight),
            "--worker-id",
            worker_id,
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
    )
    assert process.stdout is not None
    line = process.stdout.readline().decode().strip()
    if line != "WORKER READY":
        process.kill()
        raise RuntimeError(f"the dispatcher process did not start ({line!r})")
    return process


def stop_worker(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --------------------------------------------------------------------------- measurement


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


async def received_ids(emu: Emulator) -> collections.Counter[int]:
    """Reminder ids of every message the emulator received (from the buttons' data)."""
    async with httpx.AsyncClient(base_url=emu.url, timeout=60.0) as http:
        response = await http.post("/getUpdatesHistory", json={"token": emu.token})
        response.raise_for_status()
        entries = response.json().get("result") or []
    counter: collections.Counter[int] = collections.Counter()
    for entry in entries:
        message = entry.get("message") or {}
        if "messageId" not in entry or "chat_id" not in message:
            continue  # a user message
        markup: Any = message.get("reply_markup") or {}
        for row in markup.get("inline_keyboard", []) if isinstance(markup, dict) else []:
            for button in row:
                data = str(button.get("callback_data", ""))
                if data.startswith("rem:done:"):
                    counter[int(data.rsplit(":", 1)[1])] += 1
    return counter


@dataclass
class Phase:
    worker_id: str
    started: float
    stopped: float | None = None


def report(
    factory: sessionmaker[Session],
    received: collections.Counter[int],
    *,
    count: int,
    rate: float,
    backend: str,
    users: int,
    killed: bool,
    phases: list[Phase],
) -> dict[str, Any]:
    with factory() as session:
        rows = session.execute(
            select(
                Reminder.id,
                Reminder.status,
                Reminder.due_at,
                Reminder.sent_at,
                Reminder.claimed_by,
                Reminder.last_error,
            )
        ).all()
    sent = sorted((r for r in rows if r.status == "sent"), key=lambda r: r.sent_at)
    statuses = collections.Counter(r.status for r in rows)
    all_ids = {r.id for r in rows}
    never_received = all_ids - set(received)
    duplicated = sum(1 for n in received.values() if n > 1)
    delivered = len(set(received) & all_ids)
    stuck = [r for r in rows if r.status == "sending"]
    lateness = [(r.sent_at - r.due_at).total_seconds() for r in sent]
    excess: list[float] = []
    if sent:
        first = sent[0].sent_at
        for i, r in enumerate(sent):
            ideal = max(r.due_at, first + dt.timedelta(seconds=i / rate))
            excess.append(max(0.0, (r.sent_at - ideal).total_seconds()))
    span = (sent[-1].sent_at - sent[0].sent_at).total_seconds() if len(sent) > 1 else 0.0
    achieved = (len(sent) - 1) / span if span > 0 else float("nan")
    # Idle gaps (a kill, a restart, a lease running out) taken out of the span.
    gaps = [(b.sent_at - a.sent_at).total_seconds() for a, b in itertools.pairwise(sent)]
    idle = sum(g for g in gaps if g > 2.0)
    busy_rate = (len(sent) - 1) / (span - idle) if span - idle > 0 else float("nan")
    per_worker: list[str] = []
    for phase in phases:
        mine = [r.sent_at for r in sent if r.claimed_by == phase.worker_id]
        if len(mine) > 1:
            active = (max(mine) - min(mine)).total_seconds()
            per_worker.append(
                f"{phase.worker_id}: {len(mine)} sent at {(len(mine) - 1) / active:.1f}/s"
            )
    print()
    print(f"reminder dispatch benchmark — {backend}, {count} due reminders, {users} users")
    print(f"  configured rate      : {rate:.1f} msg/s (1 s apart per chat)")
    print(
        f"  achieved rate        : {achieved:.2f} msg/s ({100 * achieved / rate:.1f} %) "
        f"over {span:.1f} s, first to last send"
    )
    if idle:
        print(
            f"  rate while sending   : {busy_rate:.2f} msg/s ({100 * busy_rate / rate:.1f} %), "
            f"leaving out {idle:.1f} s of idle gaps > 2 s (kill, restart, lease)"
        )
    for line in per_worker:
        print(f"    {line}")
    print(f"  sent rows            : {statuses.get('sent', 0)}  {dict(statuses)}")
    print(
        f"  lost                 : {len(never_received)} (never received by the emulator; "
        f"rows not sent: {count - statuses.get('sent', 0)})"
    )
    if killed:
        print(
            f"  left 'sending'       : {len(stuck)} (in flight at the kill; "
            f"{sum(1 for r in stuck if r.id in received)} of them did reach the emulator)"
        )
    print(f"  duplicated           : {duplicated}")
    print(
        f"  p95 lateness         : {percentile(lateness, 95):.2f} s (sent_at - due_at; "
        f"median {percentile(lateness, 50):.2f} s, max {max(lateness, default=0):.2f} s)"
    )
    print(
        f"  p95 beyond pacing    : {percentile(excess, 95):.3f} s "
        f"(max {max(excess, default=0):.3f} s)"
    )
    return {
        "achieved": busy_rate if idle else achieved,
        "lost": len(never_received),
        "duplicated": duplicated,
        "delivered": delivered,
        "p95_lateness": percentile(lateness, 95),
    }


# --------------------------------------------------------------------------- main


async def bench(args: argparse.Namespace) -> int:
    reason = emulator_unavailable_reason()
    if reason is not None:
        print(f"cannot run: {reason}", file=sys.stderr)
        return 2
    users = args.users or max(1, args.count // 2)
    with fresh_database(args.database_url) as url:
        backend = make_url(url).get_backend_name()
        upgrade(url)
        engine = make_engine(url)
        factory = make_session_factory(engine)
        seed(factory, args.count, users, dt.datetime.now(dt.UTC))
        print(f"{args.count} reminders for {users} users stored ({backend})", flush=True)
        expected = args.count / args.rate
        deadline = time.monotonic() + expected * 1.5 + 120 + (60 if args.kill_after else 0)
        phases: list[Phase] = []
        async with Emulator() as emu:
            worker_id = f"bench-{uuid.uuid4().hex[:6]}"
            process = start_worker(url, emu, args.rate, args.max_in_flight, worker_id)
            phases.append(Phase(worker_id, time.monotonic()))
            dead: set[str] = set()
            try:
                last_print = time.monotonic()
                while time.monotonic() < deadline:
                    await asyncio.sleep(0.5)
                    now = time.monotonic()
                    if args.kill_after and not dead and now - phases[0].started >= args.kill_after:
                        os.kill(process.pid, signal.SIGKILL)
                        process.wait()
                        phases[0].stopped = now
                        dead.add(worker_id)
                        print(f"dispatcher SIGKILLed after {args.kill_after:.0f} s", flush=True)
                        worker_id = f"bench-{uuid.uuid4().hex[:6]}"
                        process = start_worker(url, emu, args.rate, args.max_in_flight, worker_id)
                        phases.append(Phase(worker_id, time.monotonic()))
                        print("a fresh dispatcher took over", flush=True)
                    counts = status_counts(factory)
                    if now - last_print >= 10:
                        print(f"  … {counts}", flush=True)
                        last_print = now
                    open_rows = counts.get("pending", 0) + counts.get("claimed", 0)
                    if open_rows == 0 and (not args.kill_after or dead):
                        with factory() as session:
                            live_sending = session.scalar(
                                select(func.count()).where(
                                    Reminder.status == "sending",
                                    Reminder.claimed_by.not_in(dead or {""}),
                                )
                            )
                        if not live_sending:
                            break
                else:
                    print("time limit reached before every reminder was handled", flush=True)
            finally:
                stop_worker(process)
            await asyncio.sleep(0.5)
            received = await received_ids(emu)
        result = report(
            factory,
            received,
            count=args.count,
            rate=args.rate,
            backend=backend,
            users=users,
            killed=bool(args.kill_after),
            phases=phases,
        )
        engine.dispose()
    ok = result["duplicated"] == 0 and result["achieved"] >= 0.95 * args.rate
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=30.0, help="messages per second")
    parser.add_argument("--users", type=int, default=None, help="default: count / 2")
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    parser.add_argument("--kill-after", type=float, default=None, metavar="SECONDS")
    parser.add_argument("--max-in-flight", type=int, default=8)
    # internal: the dispatcher subprocess
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--api-base-url", help=argparse.SUPPRESS)
    parser.add_argument("--token", help=argparse.SUPPRESS)
    parser.add_argument("--worker-id", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        asyncio.run(worker_main(args))
        return 0
    return asyncio.run(bench(args))


if __name__ == "__main__":
    sys.exit(main())
