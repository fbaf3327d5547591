"""End-to-end test harness: the npm Bot API emulator ``telegram-test-api`` on loopback.

The emulator (``tests/e2e/emulator/server.js``) plays Telegram's Bot API for a real
python-telegram-bot Application, and this module plays the user::

    async with Emulator() as emu:
        app = (
            ApplicationBuilder()
            .token(emu.token)
            .base_url(emu.api_base_url)          # "http://127.0.0.1:PORT/bot"
            .base_file_url(emu.file_base_url)    # not served; only keeps PTB off the internet
            .build()
        )
        ...  # await app.initialize(); await app.start(); await app.updater.start_polling(...)
        await emu.send_command(42, "/start")
        [reply] = await emu.wait_for_bot_messages(42)
        await emu.press_button(42, reply["buttons"][0])

PTB builds request URLs as ``f"{base_url}{token}/{method}"``, so ``api_base_url`` ends in ``/bot``.
The Node package must be installed (``npm ci`` at the repository root).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import re
import shutil
import time
from pathlib import Path
from types import TracebackType
from typing import Any, Self, TypedDict

import httpx

REPO_ROOT = Path(__file__).resolve().parents[2]
SERVER_JS = Path(__file__).resolve().parent / "emulator" / "server.js"
PACKAGE_DIR = REPO_ROOT / "node_modules" / "telegram-test-api"
DEFAULT_TOKEN = "123456789:REBOND-E2E-TEST-TOKEN"
_READY = re.compile(r"^EMULATOR READY (http://\S+)$")


def emulator_unavailable_reason() -> str | None:
    """Why the emulator cannot run here (for ``pytest.skip``), or None when it can."""
    if shutil.which("node") is None:
        return "node is not installed: the Bot API emulator needs Node.js"
    if not PACKAGE_DIR.is_dir():
        return (
            f"{PACKAGE_DIR.relative_to(REPO_ROOT)} is absent: run `npm ci` at the repository root"
        )
    return None


class BotMessage(TypedDict):
    """A message the bot sent, as the user sees it (current state: edits included)."""

    message_id: int
    chat_id: int
    kind: str  # "text", "photo" or "document"
    text: str | None
    caption: str | None
    reply_markup: dict[str, Any] | None  # inline keyboard only, as the Bot API sends it
    buttons: list[str]  # callback_data of every inline button, row by row
    photo: dict[str, Any] | None  # {file_id, filename, mime_type, size, sha256} or None
    document: dict[str, Any] | None  # same keys as photo
    raw: dict[str, Any]  # the emulator's stored message


class Emulator:
    """Runs ``server.js`` on a free loopback port for the duration of an ``async with``."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        startup_timeout: float = 15.0,
    ) -> None:
        self.token = token
        self._host = host
        self._port = port
        self._startup_timeout = startup_timeout
        self._proc: asyncio.subprocess.Process | None = None
        self._drain: asyncio.Task[None] | None = None
        self._http: httpx.AsyncClient | None = None
        self._url: str | None = None

    # -- lifecycle -------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """Root URL of the emulator, e.g. ``http://127.0.0.1:40123``."""
        if self._url is None:
            raise RuntimeError("the emulator is not running")
        return self._url

    @property
    def api_base_url(self) -> str:
        """For ``ApplicationBuilder().base_url(...)``: ``{url}/bot`` (PTB appends the token)."""
        return f"{self.url}/bot"

    @property
    def file_base_url(self) -> str:
        """For ``ApplicationBuilder().base_file_url(...)``; file downloads are not emulated."""
        return f"{self.url}/file/bot"

    async def start(self) -> None:
        reason = emulator_unavailable_reason()
        if reason is not None:
            raise RuntimeError(reason)
        node = shutil.which("node")
        assert node is not None
        self._proc = await asyncio.create_subprocess_exec(
            node,
            str(SERVER_JS),
            "--host",
            self._host,
            "--port",
            str(self._port),
            "--exit-on-stdin-close",  # the server dies with us even if we are killed
            cwd=str(REPO_ROOT),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=None,  # inherited: pytest captures it and shows it on failure
            env={**os.environ, "NODE_ENV": "test"},
        )
        try:
            self._url = await asyncio.wait_for(self._read_ready_line(), self._startup_timeout)
        except BaseException:
            await self.stop()
            raise
        self._drain = asyncio.create_task(self._drain_stdout())
        self._http = httpx.AsyncClient(base_url=self._url, timeout=10.0)

    async def _read_ready_line(self) -> str:
        assert self._proc is not None and self._proc.stdout is not None
        while True:
            line = await self._proc.stdout.readline()
            if not line:
                code = await self._proc.wait()
                raise RuntimeError(f"the emulator exited with code {code} before it was ready")
            match = _READY.match(line.decode().strip())
            if match:
                return match.group(1)

    async def _drain_stdout(self) -> None:
        assert self._proc is not None and self._proc.stdout is not None
        while await self._proc.stdout.readline():
            pass

    async def stop(self) -> None:
        """Stop the server and wait for the process to be gone. Safe to call twice."""
        if self._http is not None:
            await self._http.aclose()
            self._http = None
        proc, self._proc = self._proc, None
        if proc is not None:
            if proc.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    proc.terminate()
                try:
                    await asyncio.wait_for(proc.wait(), 5.0)
                except TimeoutError:
                    with contextlib.suppress(ProcessLookupError):
                        proc.kill()
                    await proc.wait()
            if proc.stdin is not None:
                proc.stdin.close()
        if self._drain is not None:
            self._drain.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._drain
            self._drain = None
        self._url = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # -- the user's side ---------------------------------------------------------------------

    async def _post(self, path: str, payload: dict[str, Any]) -> Any:
        if self._http is None:
            raise RuntimeError("the emulator is not running")
        response = await self._http.post(path, json=payload)
        response.raise_for_status()
        return response.json().get("result")

    def _user_message(
        self, chat_id: int, text: str, user_id: int | None, first_name: str
    ) -> dict[str, Any]:
        user_id = chat_id if user_id is None else user_id
        return {
            "botToken": self.token,
            "from": {"id": user_id, "is_bot": False, "first_name": first_name},
            "chat": {"id": chat_id, "type": "private", "first_name": first_name},
            "date": int(time.time()),
            "text": text,
        }

    async def inject_update(self, update: dict[str, Any]) -> int:
        """Any raw update (edited message, caption, group chat…); returns its update_id."""
        return int(
            await self._post("/harness/injectUpdate", {"token": self.token, "update": update})
        )

    async def left_chats(self) -> list[int]:
        """The chats the bot left (leaveChat), in order."""
        return list(await self._post("/harness/leftChats", {"token": self.token}))

    async def send_message(
        self, chat_id: int, text: str, *, user_id: int | None = None, first_name: str = "Camille"
    ) -> None:
        """The user types ``text`` in the private chat ``chat_id`` (user id defaults to it)."""
        await self._post("/sendMessage", self._user_message(chat_id, text, user_id, first_name))

    async def send_command(
        self,
        chat_id: int,
        command: str,
        *,
        user_id: int | None = None,
        first_name: str = "Camille",
    ) -> None:
        """The user sends a command such as ``"/start"`` or ``"/start payload"``."""
        if not command.startswith("/"):
            raise ValueError(f"a command starts with '/': {command!r}")
        message = self._user_message(chat_id, command, user_id, first_name)
        message["entities"] = [
            {"type": "bot_command", "offset": 0, "length": len(command.split(maxsplit=1)[0])}
        ]
        await self._post("/sendCommand", message)

    async def press_button(
        self,
        chat_id: int,
        callback_data: str,
        *,
        message_id: int | None = None,
        user_id: int | None = None,
        first_name: str = "Camille",
    ) -> None:
        """The user presses the inline button carrying ``callback_data``.

        Without ``message_id``, the button is looked up in the bot's latest message of the chat
        that shows it; ``LookupError`` if no bot message shows such a button.
        """
        if message_id is None:
            candidates = [
                m for m in await self.bot_history(chat_id) if callback_data in m["buttons"]
            ]
            if not candidates:
                raise LookupError(
                    f"no bot message in chat {chat_id} has a {callback_data!r} button"
                )
            message_id = candidates[-1]["message_id"]
        user = self._user_message(chat_id, "", user_id, first_name)
        await self._post(
            "/sendCallback",
            {
                "botToken": self.token,
                "from": user["from"],
                # The emulator replaces this with the stored bot message (text, keyboard, date).
                "message": {"message_id": message_id, "chat": user["chat"]},
                "data": callback_data,
            },
        )

    async def wait_for_bot_messages(
        self, chat_id: int, count: int = 1, timeout: float = 20.0
    ) -> list[BotMessage]:
        """The bot messages sent to ``chat_id`` since the last call (at least ``count``).

        Raises ``TimeoutError`` (listing what did arrive) if fewer than ``count`` come in time.
        """
        received: list[BotMessage] = []
        deadline = time.monotonic() + timeout
        while True:
            entries = await self._post("/getUpdates", {"token": self.token, "chatId": chat_id})
            received.extend(_bot_message(entry) for entry in entries or [])
            if len(received) >= count:
                return received
            if time.monotonic() >= deadline:
                raise TimeoutError(
                    f"expected {count} bot message(s) in chat {chat_id} within {timeout} s, "
                    f"got {len(received)}: {[m['text'] or m['kind'] for m in received]}"
                )
            await asyncio.sleep(0.05)

    async def bot_history(self, chat_id: int) -> list[BotMessage]:
        """Every bot message still shown in ``chat_id``, oldest first, edits applied."""
        entries = await self._post("/getUpdatesHistory", {"token": self.token})
        return [
            _bot_message(entry)
            for entry in entries or []
            if "messageId" in entry
            and "chat_id" in entry.get("message", {})
            and str(entry["message"]["chat_id"]) == str(chat_id)
        ]

    async def get_bot_message(self, chat_id: int, message_id: int) -> BotMessage | None:
        """The current state of one bot message (after edits), or None if deleted/unknown."""
        for message in await self.bot_history(chat_id):
            if message["message_id"] == message_id:
                return message
        return None

    async def callback_answers(self) -> list[dict[str, Any]]:
        """Every ``answerCallbackQuery`` call so far: ``{callback_query_id, text, show_alert}``."""
        return list(await self._post("/harness/callbackAnswers", {"token": self.token}))

    async def file_bytes(self, file_id: str) -> bytes:
        """The bytes of a photo or document the bot uploaded (its marker's ``file_id``)."""
        return base64.b64decode(
            await self._post("/harness/file", {"token": self.token, "file_id": file_id})
        )

    async def webhook_deliveries(self) -> list[dict[str, Any]]:
        """In webhook mode, every update pushed to the bot: ``{update_id, status}`` (HTTP)."""
        return list(await self._post("/harness/webhookDeliveries", {"token": self.token}))


def _bot_message(entry: dict[str, Any]) -> BotMessage:
    message: dict[str, Any] = entry["message"]
    markup = message.get("reply_markup")
    inline = markup if isinstance(markup, dict) and "inline_keyboard" in markup else None
    buttons = [
        str(button["callback_data"])
        for row in (inline or {}).get("inline_keyboard", [])
        for button in row
        if "callback_data" in button
    ]

    def marker(key: str) -> dict[str, Any] | None:
        value = message.get(key)
        if not isinstance(value, dict):
            return None
        return {k: value.get(k) for k in ("file_id", "filename", "mime_type", "size", "sha256")}

    photo, document = marker("photo"), marker("document")
    media = photo is not None or document is not None
    return BotMessage(
        message_id=int(entry["messageId"]),
        chat_id=int(message["chat_id"]),
        kind="photo" if photo else "document" if document else "text",
        text=None if media else message.get("text"),
        caption=message.get("caption") if media else None,
        reply_markup=inline,
        buttons=buttons,
        photo=photo,
        document=document,
        raw=message,
    )
