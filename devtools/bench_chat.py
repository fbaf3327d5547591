"""Latency and throughput of the conversation path (``make bench``).

Starts the real action server and Rasa server on loopback (fresh SQLite databases under a
temporary folder), then measures, on the same model and messages:

- Rasa's model load time (process start → /status reports the model);
- a direct REST call to Rasa (the baseline), each person saying 10 things (the cost of an
  ordinary turn; ``bench_turns`` measures how it grows with a conversation);
- the relay path the bot and the local chat use (consent check in the database, crisis
  detector, Rasa, actions, rendering);
- sustained throughput with many users talking at once through the relay;
- with ``--fresh``, the scale-out figure of SPEC §9 instead: 20 people × 15 turns of fresh
  conversations at once (messages/s and p95 reply time), optionally with several Rasa
  workers behind the Redis lock store (``--rasa-workers``) and several action server
  processes (``--action-workers``);
- resident memory of the action server and of this process (which hosts the relay as the
  bot does).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from bot.rasa_client import RasaClient
from bot.relay import Relay, Speaker
from coach.db import make_engine, make_session_factory, transaction, upgrade
from coach.users import give_consent
from devtools.bench_reminders import fresh_database
from devtools.stack import running_stack

TURNS_PER_PERSON = 10

MESSAGES = [
    "bonjour",
    "merci beaucoup",
    "j'ai reçu un refus de Decathlon hier",
    "quand est-ce que je peux leur écrire pour avoir un retour ?",
    "à qui je dois demander un retour",
    "je suis vraiment déçue",
    "tu es un robot ?",
    "comment préparer mon entretien",
    "quelle météo demain",
    "aide",
]


def rss_mb(pid: int | str = "self") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def describe(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return f"median {statistics.median(ordered):6.1f} ms   p95 {p95:6.1f} ms   (n={len(ordered)})"


async def measure(
    rasa_url: str, token: str, database_url: str, tracker_url: str, rounds: int, users: int
) -> dict[str, float]:
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    # Each path talks to its own people, a new one every TURNS_PER_PERSON turns: the figure is
    # the cost of an ordinary turn, not of a conversation grown for hundreds of turns (direct
    # calls bypass the relay, which is what bounds a session; ``bench_turns`` measures growth).
    people = rounds // TURNS_PER_PERSON + 1
    relay_first, direct_first, crowd_first = 900_001, 910_001, 920_001
    for uid in [
        *range(relay_first, relay_first + people),
        *range(crowd_first, crowd_first + users),
    ]:
        with transaction(factory) as session:
            give_consent(session, uid, first_name="Bench", timezone="Europe/Paris")
    async with httpx.AsyncClient(timeout=60) as http:
        relay = Relay(
            rasa=RasaClient(rasa_url, auth_token=token, http=http),
            session_factory=factory,
            tracker_url=tracker_url,
        )
        direct: list[float] = []
        relayed: list[float] = []
        for _ in range(2):  # warm-up, another person
            await relay.handle_text(Speaker(relay_first - 1), "bonjour")
        for index in range(rounds):
            text = MESSAGES[index % len(MESSAGES)]
            person = index // TURNS_PER_PERSON
            start = time.perf_counter()
            response = await http.post(
                f"{rasa_url}/webhooks/rest/webhook",
                json={"sender": str(direct_first + person), "message": text},
            )
            response.raise_for_status()
            direct.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            replies = await relay.handle_text(Speaker(relay_first + person), text)
            relayed.append((time.perf_counter() - start) * 1000)
            assert replies, "the relay returned nothing"
        print(f"direct Rasa REST call : {describe(direct)}")
        print(f"relay (bot path)      : {describe(relayed)}")
        overhead = statistics.median(relayed) - statistics.median(direct)
        print(f"added by the bot path : {overhead:+.1f} ms (median)")

        async def user(uid: int, count: int) -> None:
            for index in range(count):
                await relay.handle_text(Speaker(uid), MESSAGES[(uid + index) % len(MESSAGES)])

        per_user = max(1, rounds // 10)
        start = time.perf_counter()
        await asyncio.gather(*(user(crowd_first + u, per_user) for u in range(users)))
        elapsed = time.perf_counter() - start
        rate = users * per_user / elapsed
        print(
            f"throughput            : {rate:.1f} messages/s ({users} users × {per_user} messages)"
        )
    engine.dispose()
    return {"overhead_ms": overhead, "rate": rate}


async def fresh_conversations(
    rasa_url: str, token: str, database_url: str, users: int, turns: int
) -> dict[str, float]:
    """``users`` people start a conversation at the same time and each say ``turns`` things,
    one after the other (each waits for the answer, as a person does)."""
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    first = 950_001
    for uid in range(first, first + users):
        with transaction(factory) as session:
            give_consent(session, uid, first_name="Bench", timezone="Europe/Paris")
    limits = httpx.Limits(max_connections=users + 10, max_keepalive_connections=users + 10)
    async with httpx.AsyncClient(timeout=60, limits=limits) as http:
        relay = Relay(
            rasa=RasaClient(rasa_url, auth_token=token, http=http),
            session_factory=factory,
            tracker_url="",
        )
        await relay.handle_text(Speaker(first - 1), "bonjour")  # warm-up, another person
        samples: list[float] = []

        async def person(uid: int) -> None:
            for index in range(turns):
                start = time.perf_counter()
                replies = await relay.handle_text(
                    Speaker(uid), MESSAGES[(uid + index) % len(MESSAGES)]
                )
                samples.append((time.perf_counter() - start) * 1000)
                assert replies, "the relay returned nothing"

        start = time.perf_counter()
        await asyncio.gather(*(person(uid) for uid in range(first, first + users)))
        elapsed = time.perf_counter() - start
    engine.dispose()
    rate = len(samples) / elapsed
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    print(
        f"fresh conversations   : {rate:.1f} messages/s, p95 {p95:.0f} ms, median "
        f"{statistics.median(ordered):.0f} ms ({users} people × {turns} turns at once)"
    )
    return {"rate": rate, "p95_ms": p95}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--users", type=int, default=40)
    parser.add_argument("--fresh", action="store_true", help="20 people × 15 fresh turns only")
    parser.add_argument("--turns", type=int, default=15)
    parser.add_argument("--rasa-workers", type=int, default=1)
    parser.add_argument("--action-workers", type=int, default=1)
    parser.add_argument("--lock-store", default=None, help="redis://127.0.0.1:6379/N")
    parser.add_argument("--tracker-url", default=None, help="PostgreSQL server (default SQLite)")
    args = parser.parse_args(argv)
    lock_store = args.lock_store or ("redis://127.0.0.1:6379/3" if args.rasa_workers > 1 else None)
    with (
        tempfile.TemporaryDirectory(prefix="rebond-bench-") as folder,
        fresh_database(args.tracker_url or f"sqlite:///{folder}/tracker.db") as tracker_url,
    ):
        database_url = f"sqlite:///{folder}/rebond.db"
        upgrade(database_url)
        start = time.perf_counter()
        with running_stack(
            database_url=database_url,
            tracker_url=tracker_url,
            log_dir=Path(folder) / "log",
            lock_store_url=lock_store,
            rasa_workers=args.rasa_workers,
            action_workers=args.action_workers,
        ) as stack:
            print(f"stack ready (Rasa model loaded) in {time.perf_counter() - start:.1f} s")
            if args.fresh:
                kind = "PostgreSQL" if tracker_url.startswith("postgresql") else "SQLite"
                print(
                    f"{kind} tracker, {args.rasa_workers} Rasa worker(s), "
                    f"{args.action_workers} action server process(es)"
                )
                asyncio.run(
                    fresh_conversations(
                        stack.rasa_url, stack.auth_token, database_url, args.users, args.turns
                    )
                )
                return 0
            asyncio.run(
                measure(
                    stack.rasa_url,
                    stack.auth_token,
                    database_url,
                    tracker_url,
                    args.rounds,
                    args.users,
                )
            )
            actions_pid, rasa_pid = (p.pid for p in stack.processes)
            print(
                f"memory (RSS)          : action server {rss_mb(actions_pid):.0f} MB, "
                f"relay process {rss_mb():.0f} MB, Rasa {rss_mb(rasa_pid):.0f} MB"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
