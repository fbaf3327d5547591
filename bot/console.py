"""The local terminal chat: same relay and rendering as Telegram, on stdin/stdout."""

from __future__ import annotations

import asyncio
import sys
import threading
from pathlib import Path
from typing import TextIO

import httpx

from bot.dispatcher import ReminderDispatcher
from bot.rasa_client import RasaClient
from bot.relay import Relay, Speaker
from bot.rendering import Button, Reply, console_lines
from coach.db import make_engine, make_session_factory
from coach.reminders import ReminderSnapshot
from coach.settings import VAR_DIR, Settings

PROMPT = "vous › "


class ConsoleChat:
    def __init__(
        self,
        relay: Relay,
        speaker: Speaker,
        out: TextIO = sys.stdout,
        export_dir: Path = VAR_DIR / "exports",
        chart_dir: Path = VAR_DIR / "charts",
    ) -> None:
        self._relay = relay
        self.speaker = speaker
        self._out = out
        self._export_dir = export_dir
        self._chart_dir = chart_dir
        self._choices: list[Button] = []

    def show(self, replies: list[Reply]) -> None:
        choices: list[Button] = []
        for reply in replies:
            if reply.document is not None:
                self._export_dir.mkdir(parents=True, exist_ok=True)
                path = self._export_dir / (reply.document_name or "rebond.json")
                path.write_bytes(reply.document)
                reply = Reply(text=f"[fichier enregistré : {path}]")
            if reply.photo is not None:
                # A terminal shows no pictures: the chart goes to a file to open.
                self._chart_dir.mkdir(parents=True, exist_ok=True)
                path = self._chart_dir / (reply.photo_name or "rebond.png")
                path.write_bytes(reply.photo)
                caption = f"{reply.photo_caption} — " if reply.photo_caption else ""
                reply = Reply(text=f"[{caption}image enregistrée : {path}]")
            lines, buttons = console_lines(reply)
            if buttons:
                # Numbering restarts with each keyboard, as on a phone screen.
                choices = buttons
            for number, line in enumerate(lines):
                prefix = "rebond › " if number == 0 else " " * len("rebond › ")
                print(line if line.startswith("  ") else prefix + line, file=self._out)
        if choices or replies:
            self._choices = choices
        self._out.flush()

    async def answer(self, line: str) -> list[Reply]:
        text = line.strip()
        if text.isdigit() and self._choices and 1 <= int(text) <= len(self._choices):
            return await self._relay.handle_payload(
                self.speaker, self._choices[int(text) - 1].payload
            )
        if text.startswith("/"):
            return await self._relay.handle_command(self.speaker, text)
        return await self._relay.handle_text(self.speaker, text)


async def run_console(settings: Settings) -> None:
    engine = make_engine(settings.database_url)
    async with httpx.AsyncClient(timeout=httpx.Timeout(30.0, connect=3.0)) as http:
        sessions = make_session_factory(engine)
        relay = Relay(
            rasa=RasaClient(settings.rasa_url, auth_token=settings.rasa_auth_token, http=http),
            session_factory=sessions,
            tracker_url=settings.tracker_database_url,
        )
        chat = ConsoleChat(relay, Speaker(settings.local_user_id, settings.local_first_name))

        async def deliver(reminder: ReminderSnapshot) -> None:
            # Reminders come due in the local chat too (it is the only "chat" there is).
            chat.show(await relay.remind(chat.speaker, reminder))

        stop = asyncio.Event()
        dispatcher = ReminderDispatcher(sessions, deliver, rate_per_second=settings.reminder_rate)
        reminders = asyncio.create_task(dispatcher.run_forever(stop))
        print("Rebond — chat local. Tapez /aide pour l'aide, Ctrl-C ou Ctrl-D pour quitter.\n")
        chat.show(await relay.handle_command(chat.speaker, "/start"))
        shown = threading.Event()
        shown.set()
        lines = _stdin_lines(asyncio.get_running_loop(), shown)
        while (line := await lines.get()) is not None:
            chat.show(await chat.answer(line))
            shown.set()
        stop.set()
        await reminders
    engine.dispose()


def _stdin_lines(
    loop: asyncio.AbstractEventLoop, shown: threading.Event
) -> asyncio.Queue[str | None]:
    """Read the terminal in a daemon thread, so Ctrl-C never waits for a pending input().

    The prompt comes back only once the previous answer is on screen (``shown``).
    """
    queue: asyncio.Queue[str | None] = asyncio.Queue()

    def read() -> None:
        while True:
            shown.wait()
            shown.clear()
            try:
                line: str | None = input(PROMPT)
            except (EOFError, KeyboardInterrupt):
                line = None
            loop.call_soon_threadsafe(queue.put_nowait, line)
            if line is None:
                return

    threading.Thread(target=read, name="console-input", daemon=True).start()
    return queue
