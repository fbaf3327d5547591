"""Cost of a turn along one long conversation, with and without bounded Rasa sessions.

Starts the real action server and Rasa server on loopback (fresh databases), then plays
the same scripted 200-turn conversation — a rejection intake interrupted by /aide and
resumed, a mood, a journal entry, goals, questions, small talk, over and over — for two
people through the relay, turn by turn in alternation so that both see the same machine:

- one with sessions left to grow (``session_turns=0``, the behaviour before bot/sessions.py);
- one with the relay's bounded sessions (the default).

Prints the median reply time of turns 1–10, 41–50, 91–100 and 191–200 for each, the ratio
of the last window to the first, and checks that both conversations ran the same dialogue:
the same intents and the same bot actions at every turn, read from the tracker store
(session bookkeeping aside). Exit status 1 when they differ.

    python -m devtools.bench_turns                 # SQLite tracker
    python -m devtools.bench_turns --tracker-url postgresql+psycopg://postgres@127.0.0.1/test
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path

import httpx
from sqlalchemy import text

from bot.rasa_client import RasaClient
from bot.relay import RASA_DOWN, Relay, Speaker
from bot.sessions import SESSION_TURNS
from coach.db import make_engine, make_session_factory, transaction, upgrade
from coach.users import give_consent, sender_id_for
from devtools.bench_reminders import fresh_database
from devtools.stack import running_stack

#: (how it is sent, what): "text" is typed, "button" a pressed button's payload.
CYCLE: tuple[tuple[str, str], ...] = (
    ("text", "refus de Capgemini pour le poste de data analyst reçu hier"),
    ("button", "/help"),  # /aide in the middle of the form
    ("text", "on reprend"),
    ("button", "entretiens_suivants"),
    ("button", "1"),
    ("text", "julie martin"),
    ("button", "non"),
    ("button", "personne"),
    ("button", "formal"),
    ("text", "déçue et un peu en colère"),
    ("button", "/journal_write"),
    ("text", "j'ai trouvé ça dur mais je vais m'en remettre"),
    ("text", "merci"),
    ("text", "quelle météo demain"),
    ("button", "/review_goals"),
    ("text", "bonjour"),
    ("text", "quand est-ce que je peux leur écrire pour avoir un retour ?"),
    ("text", "à qui je dois demander un retour"),
    ("text", "comment préparer mon entretien"),
)
# 19 turns: 190 is a multiple of it, so turns 191–200 say what turns 1–10 said.
WINDOWS = ((1, 10), (41, 50), (91, 100), (191, 200))
UNBOUNDED, BOUNDED = 910_001, 910_002
_BOOKKEEPING = {"action_listen", "action_session_start", "session_started"}


async def play(
    rasa_url: str, token: str, database_url: str, turns: int, every: int
) -> dict[int, list[float]]:
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    for uid in (UNBOUNDED, BOUNDED):
        with transaction(factory) as session:
            give_consent(session, uid, first_name="Camille", timezone="Europe/Paris")
    times: dict[int, list[float]] = {UNBOUNDED: [], BOUNDED: []}
    async with httpx.AsyncClient(timeout=60) as http:
        client = RasaClient(rasa_url, auth_token=token, http=http)
        relays = {
            UNBOUNDED: Relay(rasa=client, session_factory=factory, tracker_url="", session_turns=0),
            BOUNDED: Relay(
                rasa=client, session_factory=factory, tracker_url="", session_turns=every
            ),
        }
        for turn in range(turns):
            how, what = CYCLE[turn % len(CYCLE)]
            for uid, relay in relays.items():
                start = time.perf_counter()
                if how == "text":
                    replies = await relay.handle_text(Speaker(uid, "Camille"), what)
                else:
                    replies = await relay.handle_payload(Speaker(uid, "Camille"), what)
                times[uid].append((time.perf_counter() - start) * 1000)
                if not replies or any(reply.text == RASA_DOWN for reply in replies):
                    raise RuntimeError(f"turn {turn + 1}: no answer from the dialogue")
    engine.dispose()
    return times


def dialogue(tracker_url: str, uid: int) -> list[tuple[str, tuple[str, ...]]]:
    """(intent, bot actions) per user turn, over every session, from the tracker store."""
    engine = make_engine(tracker_url)
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT type_name, data FROM events WHERE sender_id = :s ORDER BY id"),
            {"s": sender_id_for(uid)},
        ).all()
    engine.dispose()
    turns: list[tuple[str, list[str]]] = []
    for type_name, data in rows:
        event = json.loads(data)
        if type_name == "user":
            turns.append((str(event.get("parse_data", {}).get("intent", {}).get("name")), []))
        elif type_name == "action" and turns and event.get("name") not in _BOOKKEEPING:
            turns[-1][1].append(str(event.get("name")))
    return [(intent, tuple(actions)) for intent, actions in turns]


def window(samples: list[float], first: int, last: int) -> float:
    return statistics.median(samples[first - 1 : last])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--turns", type=int, default=200)
    parser.add_argument("--every", type=int, default=SESSION_TURNS)
    parser.add_argument("--tracker-url", default=None, help="PostgreSQL server (default SQLite)")
    args = parser.parse_args(argv)
    with (
        tempfile.TemporaryDirectory(prefix="rebond-bench-") as folder,
        fresh_database(args.tracker_url) as tracker_url,
    ):
        database_url = f"sqlite:///{folder}/rebond.db"
        upgrade(database_url)
        with running_stack(
            database_url=database_url, tracker_url=tracker_url, log_dir=Path(folder) / "log"
        ) as stack:
            times = asyncio.run(
                play(stack.rasa_url, stack.auth_token, database_url, args.turns, args.every)
            )
        kind = "PostgreSQL" if tracker_url.startswith("postgresql") else "SQLite"
        print(f"one conversation of {args.turns} turns, {kind} tracker, median reply (ms):")
        print(f"{'turns':>10} {'sessions grow':>14} {f'new every {args.every}':>16}")
        shown = [(a, b) for a, b in WINDOWS if b <= args.turns]
        for first, last in shown:
            print(
                f"{first:>4}–{last:<5} {window(times[UNBOUNDED], first, last):>14.0f} "
                f"{window(times[BOUNDED], first, last):>16.0f}"
            )
        first, last = shown[0], shown[-1]
        for label, uid in (("sessions grow", UNBOUNDED), ("bounded", BOUNDED)):
            ratio = window(times[uid], *last) / window(times[uid], *first)
            print(f"last window / first window ({label}): {ratio:.2f}×")
        same = dialogue(tracker_url, UNBOUNDED) == dialogue(tracker_url, BOUNDED)
        print(f"same intents and actions at every turn: {'yes' if same else 'NO'}")
        if not same:
            for turn, (a, b) in enumerate(
                zip(dialogue(tracker_url, UNBOUNDED), dialogue(tracker_url, BOUNDED), strict=False),
                start=1,
            ):
                if a != b:
                    print(f"  turn {turn}: {a} != {b}")
        return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
