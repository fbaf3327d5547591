"""Webhook mode end to end: ``python -m bot`` with TELEGRAM_WEBHOOK_URL, as in production.

The bot registers its webhook with the emulator (setWebhook with the secret token), and the
emulator then pushes each update to it with the ``X-Telegram-Bot-Api-Secret-Token`` header,
as Telegram does: those are answered. Updates posted to the webhook port without the header
or with a wrong one are refused (403): nothing is answered, nothing reaches the inbox, the
app database or Rasa's tracker. Without TELEGRAM_WEBHOOK_SECRET the bot does not start.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from harness import DEFAULT_TOKEN, REPO_ROOT, Emulator
from sqlalchemy import func, select, text
from steps import consent, until

from coach.db import make_engine
from coach.models import InboxUpdate, User
from coach.users import sender_id_for
from devtools.stack import Stack, free_port

CHAT = 5_550_960
FORGER = 5_550_961
NEWCOMER = 5_550_962
FORGED_TEXT = "Faux message Xyzzyforge : refus chez Forgery pour le poste de testeur"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def bot_env(
    token: str, api_url: str, stack: Stack, databases: tuple[str, str], **extra: str
) -> dict[str, str]:
    app_url, tracker_url = databases
    return {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": token,
        "TELEGRAM_API_BASE_URL": api_url,
        "DATABASE_URL": app_url,
        "TRACKER_DATABASE_URL": tracker_url,
        "RASA_URL": stack.rasa_url,
        "RASA_AUTH_TOKEN": stack.auth_token,
        "REMINDERS_ENABLED": "0",
        **extra,
    }


class WebhookBot:
    def __init__(self, process: subprocess.Popen[bytes], url: str, secret: str) -> None:
        self.process, self.url, self.secret = process, url, secret


@pytest.fixture
async def emulator_only() -> AsyncIterator[Emulator]:
    async with Emulator() as emu:
        yield emu


@pytest.fixture
def webhook_bot(
    emulator_only: Emulator, stack: Stack, databases: tuple[str, str]
) -> Iterator[WebhookBot]:
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    secret = secrets.token_hex(16)
    env = bot_env(
        emulator_only.token,
        emulator_only.url,
        stack,
        databases,
        TELEGRAM_WEBHOOK_URL=url,
        TELEGRAM_WEBHOOK_SECRET=secret,
        TELEGRAM_WEBHOOK_PORT=str(port),
        TELEGRAM_WEBHOOK_LISTEN="127.0.0.1",
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "bot"],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        info_url = f"{emulator_only.url}/bot{emulator_only.token}/getWebhookInfo"
        while httpx.post(info_url, timeout=5).json()["result"]["url"] != url:
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            assert time.monotonic() < deadline, "the bot never registered its webhook"
            time.sleep(0.2)
        yield WebhookBot(process, url, secret)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def forged_update(update_id: int, chat: int, text_: str) -> dict[str, Any]:
    message: dict[str, Any] = {
        "message_id": update_id,
        "date": int(time.time()),
        "chat": {"id": chat, "type": "private", "first_name": "Camille"},
        "from": {"id": chat, "is_bot": False, "first_name": "Camille"},
        "text": text_,
    }
    if text_.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text_)}]
    return {"update_id": update_id, "message": message}


def count(url: str, statement: Any) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(statement).scalar_one())
    finally:
        engine.dispose()


async def test_webhook_answers_updates_with_the_secret_and_refuses_the_others(
    webhook_bot: WebhookBot, emulator_only: Emulator, databases: tuple[str, str]
) -> None:
    emu, (app_url, tracker_url) = emulator_only, databases

    # Telegram's way: the emulator pushes each update with the secret token header.
    await consent(emu, CHAT)
    await emu.send_command(CHAT, "/aide")
    await until(emu, CHAT, lambda m: "Voici ce que je sais faire" in (m["text"] or ""))
    deliveries = await emu.webhook_deliveries()
    assert len(deliveries) >= 3 and {d["status"] for d in deliveries} == {200}, deliveries

    # Forged updates straight to the webhook port: no header, a wrong one, an empty one.
    forged = [
        (900_001, FORGER, "/start", {}),
        (900_002, FORGER, FORGED_TEXT, {SECRET_HEADER: "not-the-secret"}),
        (900_003, CHAT, FORGED_TEXT, {SECRET_HEADER: ""}),
        (900_004, CHAT, "/supprimer", {SECRET_HEADER: webhook_bot.secret[:-1]}),
    ]
    async with httpx.AsyncClient(timeout=10) as http:
        for update_id, chat, text_, headers in forged:
            refused = await http.post(
                webhook_bot.url, json=forged_update(update_id, chat, text_), headers=headers
            )
            assert refused.status_code == 403, (update_id, refused.status_code)
        # The same update with the right secret is taken (so 403 above is the secret's doing).
        taken = await http.post(
            webhook_bot.url,
            json=forged_update(900_005, NEWCOMER, "/start"),
            headers={SECRET_HEADER: webhook_bot.secret},
        )
        assert taken.status_code == 200
    await until(emu, NEWCOMER, lambda m: "p:/consent_accept" in m["buttons"])
    await asyncio.sleep(3)  # anything answered to a forged update would be here by now
    assert await emu.bot_history(FORGER) == [], "a refused update is never answered"
    chat_history = [m["text"] or "" for m in await emu.bot_history(CHAT)]
    assert not any("effacer" in t or "Forgery" in t for t in chat_history), chat_history

    # Nothing of the refused updates was stored anywhere.
    refused_ids = [update_id for update_id, *_ in forged]
    assert count(app_url, select(func.count()).where(InboxUpdate.update_id.in_(refused_ids))) == 0
    assert count(app_url, select(func.count()).where(User.telegram_user_id == FORGER)) == 0
    assert (
        count(
            tracker_url,
            text("SELECT COUNT(*) FROM events WHERE data LIKE '%Xyzzyforge%'"),
        )
        == 0
    )
    assert (
        count(
            tracker_url,
            text("SELECT COUNT(*) FROM events WHERE sender_id = :s").bindparams(
                s=sender_id_for(FORGER)
            ),
        )
        == 0
    )
    assert webhook_bot.process.poll() is None, "the bot is still serving"


def test_webhook_mode_without_a_secret_does_not_start(
    stack: Stack, databases: tuple[str, str]
) -> None:
    env = bot_env(
        DEFAULT_TOKEN,
        "http://127.0.0.1:9",  # nothing there: the bot must stop before any Bot API call
        stack,
        databases,
        TELEGRAM_WEBHOOK_URL=f"http://127.0.0.1:{free_port()}/",
    )
    env.pop("TELEGRAM_WEBHOOK_SECRET", None)
    result = subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "TELEGRAM_WEBHOOK_SECRET is required" in result.stderr
