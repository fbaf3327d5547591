"""A dispatcher process for the crash test (tests/db/test_dispatcher.py), killed with SIGKILL.

Its ``deliver`` plays Telegram: a short random delay (the HTTP call), then the reminder id
is appended to a file and fsync'ed — the moment "Telegram accepted the message".

    python tests/db/dispatcher_worker.py DATABASE_URL SINK_FILE [RATE] [MAX_IN_FLIGHT]
"""

from __future__ import annotations

import asyncio
import os
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bot.dispatcher import Deliver, ReminderDispatcher
from coach.db import make_engine, make_session_factory
from coach.reminders import ReminderSnapshot


def file_sink(path: str) -> Deliver:
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)

    async def deliver(snapshot: ReminderSnapshot) -> None:
        await asyncio.sleep(random.uniform(0.0, 0.004))
        os.write(fd, f"{snapshot.id}\n".encode())
        os.fsync(fd)

    return deliver


async def main(url: str, sink: str, rate: float, in_flight: int) -> None:
    engine = make_engine(url)
    dispatcher = ReminderDispatcher(
        make_session_factory(engine),
        file_sink(sink),
        rate_per_second=rate,
        per_chat_interval=0.0,
        max_in_flight=in_flight,
        poll_interval=0.05,
    )
    print("DISPATCHER READY", flush=True)
    await dispatcher.run_forever(asyncio.Event())  # until killed


if __name__ == "__main__":
    rate = float(sys.argv[3]) if len(sys.argv) > 3 else 300.0
    in_flight = int(sys.argv[4]) if len(sys.argv) > 4 else 4
    asyncio.run(main(sys.argv[1], sys.argv[2], rate, in_flight))
