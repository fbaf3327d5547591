"""The production configuration is what the suite really ran on (``E2E_BACKEND=postgres``).

The person's data goes to PostgreSQL (app database and Rasa's tracker store, each a fresh
database of this run) and Rasa takes each turn under a lock in Redis, under this run's own key
prefix: Redis is watched (MONITOR) while a message is answered, so that the test fails if
Rasa silently fell back to its in-memory lock store or to SQLite.
"""

from __future__ import annotations

import asyncio
import contextlib

import pytest
import yaml
from backends import Backend, redis_address
from harness import Emulator
from sqlalchemy import text
from steps import consent, until

from coach.db import make_engine
from coach.users import sender_id_for
from devtools.stack import Stack

CHAT = 5_550_970


async def _watch_redis(prefix: str, seen: list[str], ready: asyncio.Event) -> None:
    host, port, _db = redis_address()
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(b"*1\r\n$7\r\nMONITOR\r\n")
        await writer.drain()
        assert (await reader.readline()).startswith(b"+OK")
        ready.set()
        while True:
            line = (await reader.readline()).decode(errors="replace")
            if not line:
                return
            if f'"{prefix}:lock:' in line:
                seen.append(line.strip())
    finally:
        writer.close()
        with contextlib.suppress(Exception):
            await writer.wait_closed()


def _scalar(url: str, statement: str, **params: object) -> object:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(text(statement), params).scalar_one()
    finally:
        engine.dispose()


async def test_postgresql_and_the_redis_lock_store_carry_the_conversation(
    telegram: Emulator, stack: Stack, backend: Backend
) -> None:
    if backend.name != "postgres":
        pytest.skip("the production path is checked in the E2E_BACKEND=postgres pass")
    assert backend.lock_store_prefix and stack.endpoints is not None
    endpoints = yaml.safe_load(stack.endpoints.read_text())
    assert endpoints["lock_store"]["type"] == "redis"
    assert endpoints["lock_store"]["key_prefix"] == backend.lock_store_prefix
    assert endpoints["tracker_store"]["dialect"] == "postgresql"

    emu = telegram
    await consent(emu, CHAT)
    seen: list[str] = []
    ready = asyncio.Event()
    watcher = asyncio.create_task(_watch_redis(backend.lock_store_prefix, seen, ready))
    try:
        await asyncio.wait_for(ready.wait(), 10)
        await emu.send_command(CHAT, "/aide")
        await until(emu, CHAT, lambda m: "Voici ce que je sais faire" in (m["text"] or ""))
        for _ in range(50):
            if seen:
                break
            await asyncio.sleep(0.1)
    finally:
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher
    sender = sender_id_for(CHAT)
    assert any(f"{backend.lock_store_prefix}:lock:{sender}" in line for line in seen), seen[:5]

    app_url, tracker_url = backend.app_url, backend.tracker_url
    assert str(_scalar(app_url, "SELECT version()")).startswith("PostgreSQL")
    assert str(_scalar(tracker_url, "SELECT version()")).startswith("PostgreSQL")
    users = _scalar(app_url, "SELECT COUNT(*) FROM users WHERE telegram_user_id = :c", c=CHAT)
    assert users == 1
    events = _scalar(tracker_url, "SELECT COUNT(*) FROM events WHERE sender_id = :s", s=sender)
    assert isinstance(events, int) and events > 0
