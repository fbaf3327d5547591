"""Pure rendering: Rasa REST messages → what the user sees (no network here)."""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

TELEGRAM_TEXT_LIMIT = 4096
CALLBACK_DATA_LIMIT = 64  # bytes, set by Telegram


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class Reply:
    """One message to show. ``directive`` asks the front-end to act (export, erase…).

    ``image`` is a picture by URL (from Rasa); ``photo`` a picture we drew (PNG bytes,
    e.g. the /bilan charts), sent as an upload named ``photo_name``.
    """

    text: str | None = None
    buttons: tuple[Button, ...] = ()
    image: str | None = None
    directive: str | None = None
    document: bytes | None = None
    document_name: str | None = None
    code: bool = False  # show text as a monospace block (copy in one tap)
    photo: bytes | None = None
    photo_caption: str | None = None
    photo_name: str | None = None


def parse_rasa_messages(raw: list[dict[str, Any]]) -> list[Reply]:
    """Turn the REST channel's list of bot messages into replies; unknown keys are ignored."""
    replies: list[Reply] = []
    for message in raw:
        if not isinstance(message, dict):
            continue
        buttons = tuple(
            Button(str(b.get("title", "")).strip() or str(b.get("payload", "")), str(b["payload"]))
            for b in message.get("buttons") or []
            if isinstance(b, dict) and b.get("payload")
        )
        custom = message.get("custom") if isinstance(message.get("custom"), dict) else {}
        text = message.get("text")
        if not isinstance(text, str) or not text.strip():
            text = None
        reply = Reply(
            text=text,
            buttons=buttons,
            image=message.get("image") if isinstance(message.get("image"), str) else None,
            directive=custom.get("rebond") if isinstance(custom.get("rebond"), str) else None,
            code=bool(custom.get("code")),
        )
        if custom.get("code") and isinstance(custom.get("text"), str):
            reply = Reply(text=custom["text"], buttons=buttons, code=True)
        if reply.text or reply.buttons or reply.image or reply.directive:
            replies.append(reply)
    return replies


def split_text(text: str, limit: int = TELEGRAM_TEXT_LIMIT) -> list[str]:
    """Split a long text on paragraph, then line, then word boundaries to fit one message."""
    chunks: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[:limit]
        cut = max(window.rfind("\n\n"), window.rfind("\n"), window.rfind(" "))
        if cut <= limit // 2:
            cut = limit
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        chunks.append(rest)
    return chunks


def keyboard_rows(buttons: tuple[Button, ...]) -> list[list[Button]]:
    """Short titles go two per row, long ones get a row of their own (readable on a phone)."""
    rows: list[list[Button]] = []
    pending: list[Button] = []
    for button in buttons:
        if len(button.title) > 18:
            if pending:
                rows.append(pending)
                pending = []
            rows.append([button])
            continue
        pending.append(button)
        if len(pending) == 2:
            rows.append(pending)
            pending = []
    if pending:
        rows.append(pending)
    return rows


class PayloadStore:
    """Maps Rasa payloads to Telegram callback data (64 bytes at most).

    Short payloads travel as they are (``p:/intent``); longer ones get a digest whose
    payload is remembered here. Unknown digests (after a restart) are reported as expired.
    """

    def __init__(self, capacity: int = 10_000) -> None:
        self._capacity = capacity
        self._long: OrderedDict[str, str] = OrderedDict()

    def encode(self, payload: str) -> str:
        data = f"p:{payload}"
        if len(data.encode()) <= CALLBACK_DATA_LIMIT:
            return data
        digest = hashlib.sha256(payload.encode()).hexdigest()[:32]
        self._long[digest] = payload
        self._long.move_to_end(digest)
        while len(self._long) > self._capacity:
            self._long.popitem(last=False)
        return f"h:{digest}"

    def decode(self, data: str) -> str | None:
        if data.startswith("p:"):
            return data[2:]
        if data.startswith("h:"):
            return self._long.get(data[2:])
        return None


def console_lines(reply: Reply, *, first: int = 1) -> tuple[list[str], list[Button]]:
    """Lines for the terminal chat; buttons become numbered choices, from ``first``."""
    lines: list[str] = []
    if reply.text and reply.code:
        rule = "─" * 40
        lines.extend([rule, *(reply.text.splitlines() or [""]), rule])
    elif reply.text:
        lines.extend(reply.text.splitlines() or [""])
    if reply.image:
        lines.append(f"[image : {reply.image}]")
    if reply.document_name:
        lines.append(f"[fichier : {reply.document_name}]")
    if reply.photo is not None:
        lines.append(f"[image : {reply.photo_caption or reply.photo_name or 'graphique'}]")
    for number, button in enumerate(reply.buttons, start=first):
        lines.append(f"  {number}. {button.title}")
    return lines, list(reply.buttons)
