"""Steps shared by the end-to-end scenarios."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Iterable

from harness import REPO_ROOT, BotMessage, Emulator
from sqlalchemy import select, update

from coach.db import make_engine
from coach.models import Reminder, User


def cli(command: str, chat: int, databases: tuple[str, str]) -> dict:  # type: ignore[type-arg]
    app_url, tracker_url = databases
    env = {**os.environ, "DATABASE_URL": app_url, "TRACKER_DATABASE_URL": tracker_url}
    result = subprocess.run(
        [sys.executable, "-m", "coach", command, "--telegram-user-id", str(chat)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(result.stdout)  # type: ignore[no-any-return]


async def until(emu: Emulator, chat: int, predicate, timeout: float = 30.0) -> list[BotMessage]:  # type: ignore[no-untyped-def]
    """Collect bot messages until one satisfies ``predicate``."""
    seen: list[BotMessage] = []
    deadline = asyncio.get_running_loop().time() + timeout
    while not any(predicate(m) for m in seen):
        left = deadline - asyncio.get_running_loop().time()
        if left <= 0:
            raise AssertionError(f"no matching bot message; got {[m['text'] for m in seen]}")
        try:
            seen += await emu.wait_for_bot_messages(chat, timeout=left)
        except TimeoutError:
            raise AssertionError(
                f"no matching bot message; got {[(m['text'], m['buttons']) for m in seen]}"
            ) from None
    return seen


def text_of(messages: list[BotMessage]) -> str:
    return "\n".join(m["text"] or "" for m in messages)


async def consent(emu: Emulator, chat: int) -> None:
    """/start, then the consent button: the person now exists in the database."""
    await emu.send_command(chat, "/start")
    await until(emu, chat, lambda m: "p:/consent_accept" in m["buttons"])
    await emu.press_button(chat, "p:/consent_accept")
    await until(emu, chat, lambda m: "Merci" in (m["text"] or ""))


def no_quiet_hours(app_url: str, chat: int) -> None:
    # Equal bounds mean no quiet hours: the test passes at any time of day.
    engine = make_engine(app_url)
    with engine.begin() as connection:
        connection.execute(
            update(User)
            .where(User.telegram_user_id == chat)
            .values(quiet_start=dt.time(0, 0), quiet_end=dt.time(0, 0))
        )
    engine.dispose()


def make_due(app_url: str, chat: int, kinds: Iterable[str] | None = None) -> int:
    """Bring the person's pending reminders (of ``kinds`` only, when given) to now; returns
    how many were moved."""
    engine = make_engine(app_url)
    now = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    with engine.begin() as connection:
        user_id = connection.execute(
            select(User.id).where(User.telegram_user_id == chat)
        ).scalar_one()
        chosen = [Reminder.user_id == user_id, Reminder.status == "pending"]
        if kinds is not None:
            chosen.append(Reminder.kind.in_(list(kinds)))
        moved = connection.execute(
            update(Reminder).where(*chosen).values(due_at=now, next_attempt_at=None)
        ).rowcount
    engine.dispose()
    return int(moved or 0)
