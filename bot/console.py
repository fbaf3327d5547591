"""The local terminal chat: same relay and rendering as Telegram, on stdin/stdout.

A terminal shows no files, so exports and charts are written under ``var/exports/<id>/``
and ``var/charts/<id>/`` (one folder per person). They are the person's data too: once the
person has no account any more — /supprimer, ``python -m coach delete``, retention — the
chat removes them (:meth:`ConsoleChat.forget_files_if_erased`, after every turn and at
start), so an erasure never leaves a copy behind on the disk.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
from pathlib import Path
from typing import TextIO

import httpx
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot.dispatcher import ReminderDispatcher
from bot.rasa_client import RasaClient
from bot.relay import Relay, Speaker
from bot.rendering import Button, Reply, console_lines
from coach.db import make_engine, make_session_factory
from coach.reminders import ReminderSnapshot
from coach.retention import daily_loop
from coach.settings import VAR_DIR, Settings
from coach.users import has_consented

log = logging.getLogger(__name__)

PROMPT = "vous › "
EXPORTS = VAR_DIR / "exports"
CHARTS = VAR_DIR / "charts"
# Files the chat wrote before they went into one folder per person (the local chat has a
# single person at a time, so they can only be theirs).
_LEGACY_PATTERNS = ("rebond*.json", "rebond*.png")


def person_dirs(telegram_user_id: int, var_dir: Path = VAR_DIR) -> tuple[Path, Path]:
    """Where the local chat writes one person's exports and charts."""
    name = str(int(telegram_user_id))
    return var_dir / "exports" / name, var_dir / "charts" / name


def forget_local_files(telegram_user_id: int, var_dir: Path = VAR_DIR) -> int:
    """Delete the exports and charts the local chat wrote for that person; returns how many
    files went. Safe to call at any time, and again."""
    removed = 0
    for folder in person_dirs(telegram_user_id, var_dir):
        removed += _remove_files(folder, ("*",))
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    for folder in (var_dir / "exports", var_dir / "charts"):
        removed += _remove_files(folder, _LEGACY_PATTERNS)
    return removed


def _remove_files(folder: Path, patterns: tuple[str, ...]) -> int:
    removed = 0
    if not folder.is_dir():
        return 0
    for pattern in patterns:
        for path in folder.glob(pattern):
            if path.is_file() or path.is_symlink():
                path.unlink(missing_ok=True)
                removed += 1
    return removed


class ConsoleChat:
    def __init__(
        self,
        relay: Relay,
        speaker: Speaker,
        out: TextIO = sys.stdout,
        export_dir: Path | None = None,
        chart_dir: Path | None = None,
        sessions: sessionmaker[Session] | None = None,
    ) -> None:
        self._relay = relay
        self.speaker = speaker
        self._out = out
        exports, charts = person_dirs(speaker.telegram_user_id)
        self._export_dir = export_dir or exports
        self._chart_dir = chart_dir or charts
        self._sessions = sessions
        self._choices: list[Button] = []

    def forget_files(self) -> int:
        """Delete every export and chart this chat wrote for its person; returns how many."""
        removed = 0
        for folder in (self._export_dir, self._chart_dir):
            removed += _remove_files(folder, ("*",))
        default_dirs = person_dirs(self.speaker.telegram_user_id)
        if (self._export_dir, self._chart_dir) == default_dirs:
            removed += forget_local_files(self.speaker.telegram_user_id)
        return removed

    def has_files(self) -> bool:
        return any(
            folder.is_dir() and any(path.is_file() for path in folder.iterdir())
            for folder in (self._export_dir, self._chart_dir)
        )

    def forget_files_if_erased(self) -> int:
        """Files exist only for someone who consented (export and charts need an account):
        when the account is gone, they go too. One cheap lookup, only when files exist;
        a database problem leaves them for the next turn."""
        if self._sessions is None or not self.has_files():
            return 0
        try:
            with self._sessions() as session:
                if has_consented(session, self.speaker.telegram_user_id):
                    return 0
        except SQLAlchemyError as error:
            log.warning(
                "could not check the account before removing files (%s)", type(error).__name__
            )
            return 0
        return self.forget_files()

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
            # One numbering for every keyboard of the turn (a draft's refinements and its
            # other channels both stay pressable); it restarts with the next turn.
            lines, buttons = console_lines(reply, first=len(choices) + 1)
            choices = [*choices, *buttons]
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
            default_zone=settings.coach_tz,
        )
        chat = ConsoleChat(
            relay, Speaker(settings.local_user_id, settings.local_first_name), sessions=sessions
        )
        # Erased while the chat was closed (``python -m coach delete``, retention).
        await asyncio.to_thread(chat.forget_files_if_erased)

        async def deliver(reminder: ReminderSnapshot) -> list[Reply]:
            # Reminders come due in the local chat too (it is the only "chat" there is).
            replies = await relay.remind(chat.speaker, reminder)
            chat.show(replies)
            return replies

        stop = asyncio.Event()
        dispatcher = ReminderDispatcher(sessions, deliver, rate_per_second=settings.reminder_rate)
        reminders = asyncio.create_task(dispatcher.run_forever(stop))
        # Daily retention (coach.retention): old tracker events, inactive accounts.
        retention = asyncio.create_task(daily_loop(sessions, settings.tracker_database_url, stop))
        print("Rebond — chat local. Tapez /aide pour l'aide, Ctrl-C ou Ctrl-D pour quitter.\n")
        chat.show(await relay.handle_command(chat.speaker, "/start"))
        shown = threading.Event()
        shown.set()
        lines = _stdin_lines(asyncio.get_running_loop(), shown)
        while (line := await lines.get()) is not None:
            replies = await chat.answer(line)
            chat.show(replies)
            # After a crisis answer is on screen: the person's own safety plan.
            chat.show(await relay.follow_up(chat.speaker, replies))
            await asyncio.to_thread(chat.forget_files_if_erased)
            shown.set()
        stop.set()
        await reminders
        await retention
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
