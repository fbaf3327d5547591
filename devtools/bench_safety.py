"""Chaos figures of the Telegram path (``make bench``), measured through the Bot API
emulator with the real bot, Rasa and action server on loopback:

- the crisis answer: idle, with Rasa frozen (SIGSTOP), with the database down, and during
  a flood of 300 messages from another person;
- another person's first reply, idle and while one person floods 300 messages.

A kill -9 of the bot with messages in flight is played by tests/e2e/test_safety_flow.py.
Every wait is bounded; the stack stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

from coach.db import make_engine, make_session_factory, transaction, upgrade
from coach.settings import Settings
from coach.users import give_consent
from devtools.stack import ROOT, Stack, running_stack

sys.path.insert(0, str(ROOT / "tests" / "e2e"))
from harness import Emulator

from bot.telegram_app import build_application

CRISIS = "jveux en finir, a quoi bon vivre"
DEAD_DATABASE = "postgresql+psycopg://nobody@127.0.0.1:1/none"


@contextlib.asynccontextmanager
async def running_bot(settings: Settings) -> AsyncIterator[None]:
    app = build_application(settings)
    await app.initialize()
    assert app.post_init is not None and app.post_shutdown is not None
    await app.post_init(app)
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0.0, timeout=1)
    try:
        yield
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
        await app.post_shutdown(app)


async def reply_time(
    emu: Emulator, chat: int, send: Callable[[], Awaitable[None]], timeout: float = 40.0
) -> float:
    """Seconds from sending to the first bot message in that chat."""
    await drain(emu, chat)
    start = time.perf_counter()
    await send()
    await emu.wait_for_bot_messages(chat, timeout=timeout)
    return time.perf_counter() - start


async def drain(emu: Emulator, chat: int) -> None:
    with contextlib.suppress(TimeoutError):
        while await emu.wait_for_bot_messages(chat, timeout=0.3):
            pass


def ms(samples: list[float]) -> str:
    return f"median {statistics.median(samples) * 1000:7.0f} ms   max {max(samples) * 1000:7.0f} ms"


def settings_for(emu: Emulator, stack: Stack, database_url: str, tracker_url: str) -> Settings:
    return Settings(
        telegram_bot_token=emu.token,
        telegram_api_base_url=emu.url,
        database_url=database_url,
        tracker_database_url=tracker_url,
        rasa_url=stack.rasa_url,
        rasa_auth_token=stack.auth_token,
        reminders_enabled=False,
    )


async def measure(stack: Stack, database_url: str, tracker_url: str, rounds: int) -> None:
    sessions = make_session_factory(make_engine(database_url))
    with transaction(sessions) as session:
        for uid in (7001, 7002, 7003, 7004):
            give_consent(session, uid, first_name="Bench", timezone="Europe/Paris")
    rasa = stack.processes[-1]
    async with Emulator() as emu:
        async with running_bot(settings_for(emu, stack, database_url, tracker_url)):
            idle = [
                await reply_time(emu, 7001, lambda: emu.send_message(7001, CRISIS))
                for _ in range(rounds)
            ]
            print(f"crisis answer, idle           : {ms(idle)}")
            other_idle = [
                await reply_time(emu, 7002, lambda: emu.send_command(7002, "/aide"))
                for _ in range(rounds)
            ]
            print(f"another person's reply, idle  : {ms(other_idle)}")

            os.killpg(rasa.pid, signal.SIGSTOP)
            try:
                frozen = [
                    await reply_time(emu, 7001, lambda: emu.send_message(7001, CRISIS))
                    for _ in range(rounds)
                ]
                stuck = time.perf_counter()
                await emu.send_message(7003, "bonjour")
                await emu.wait_for_bot_messages(7003, timeout=45)
                unavailable = time.perf_counter() - stuck
            finally:
                os.killpg(rasa.pid, signal.SIGCONT)
            print(f"crisis answer, Rasa frozen    : {ms(frozen)}")
            print(f"ordinary message, Rasa frozen : « indisponible » after {unavailable:.1f} s")

            flooded: list[float] = []
            crisis_in_flood: list[float] = []
            for _ in range(rounds):
                await asyncio.sleep(20)  # the flooder's bucket fills up again
                await asyncio.gather(*(emu.send_message(7004, f"spam {i}") for i in range(300)))
                flooded.append(await reply_time(emu, 7002, lambda: emu.send_command(7002, "/aide")))
                await asyncio.gather(*(emu.send_message(7004, f"spam {i}") for i in range(50)))
                crisis_in_flood.append(
                    await reply_time(emu, 7001, lambda: emu.send_message(7001, CRISIS))
                )
            ratio = statistics.median(flooded) / statistics.median(other_idle)
            print(f"another person, during flood  : {ms(flooded)}   ({ratio:.2f}× idle)")
            print(f"crisis answer, during flood   : {ms(crisis_in_flood)}")
            await drain(emu, 7004)

        async with running_bot(settings_for(emu, stack, DEAD_DATABASE, tracker_url)):
            down = [
                await reply_time(emu, 7001, lambda: emu.send_message(7001, CRISIS))
                for _ in range(rounds)
            ]
            print(f"crisis answer, database down  : {ms(down)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="rebond-chaos-") as folder:
        database_url = f"sqlite:///{folder}/rebond.db"
        tracker_url = f"sqlite:///{folder}/tracker.db"
        upgrade(database_url)
        with running_stack(
            database_url=database_url, tracker_url=tracker_url, log_dir=Path(folder) / "log"
        ) as stack:
            asyncio.run(measure(stack, database_url, tracker_url, args.rounds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
