"""Steps shared by the end-to-end scenarios."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys

from harness import REPO_ROOT, BotMessage, Emulator


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
        seen += await emu.wait_for_bot_messages(chat, timeout=left)
    return seen


def text_of(messages: list[BotMessage]) -> str:
    return "\n".join(m["text"] or "" for m in messages)


async def consent(emu: Emulator, chat: int) -> None:
    """/start, then the consent button: the person now exists in the database."""
    await emu.send_command(chat, "/start")
    await until(emu, chat, lambda m: "p:/consent_accept" in m["buttons"])
    await emu.press_button(chat, "p:/consent_accept")
    await until(emu, chat, lambda m: "Merci" in (m["text"] or ""))
