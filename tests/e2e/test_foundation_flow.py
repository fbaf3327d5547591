"""The whole stack through the Telegram Bot API emulator: real Rasa server (.venv-rasa),
real action server (rasa-sdk 3.21 on Python 3.12), the real bot, SQLite storage.

/start → consent → greeting → gibberish gets the fallback → crisis gets 3114 →
export shows the user → /supprimer → export is empty and the Rasa tracker is gone.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio
from harness import REPO_ROOT, BotMessage, Emulator, emulator_unavailable_reason

from bot.telegram_app import build_application
from coach.db import upgrade
from coach.privacy import count_tracker_events
from coach.settings import Settings
from devtools.stack import MODEL, Stack, running_stack

CHAT = 5_550_001


@pytest.fixture(scope="module")
def databases(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    folder = tmp_path_factory.mktemp("e2e")
    app_url = f"sqlite:///{folder / 'rebond.db'}"
    upgrade(app_url)
    return app_url, f"sqlite:///{folder / 'tracker.db'}"


@pytest.fixture(scope="module")
def stack(databases: tuple[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    reason = emulator_unavailable_reason()
    if reason is not None:
        pytest.skip(reason)
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: `make model` must run before the e2e tests")
    app_url, tracker_url = databases
    with running_stack(
        database_url=app_url, tracker_url=tracker_url, log_dir=tmp_path_factory.mktemp("logs")
    ) as running:
        yield running


@pytest_asyncio.fixture
async def telegram(stack: Stack, databases: tuple[str, str]) -> AsyncIterator[Emulator]:
    app_url, tracker_url = databases
    async with Emulator() as emu:
        settings = Settings(
            telegram_bot_token=emu.token,
            telegram_api_base_url=emu.url,
            database_url=app_url,
            tracker_database_url=tracker_url,
            rasa_url=stack.rasa_url,
            rasa_auth_token=stack.auth_token,
        )
        app = build_application(settings)
        # The same sequence as Application.run_polling(), which owns the event loop there.
        await app.initialize()
        assert app.post_init is not None and app.post_shutdown is not None
        await app.post_init(app)
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        try:
            yield emu
        finally:
            await app.updater.stop()
            await app.stop()
            await app.shutdown()
            await app.post_shutdown(app)


def cli(command: str, databases: tuple[str, str]) -> dict:  # type: ignore[type-arg]
    app_url, tracker_url = databases
    env = {**os.environ, "DATABASE_URL": app_url, "TRACKER_DATABASE_URL": tracker_url}
    result = subprocess.run(
        [sys.executable, "-m", "coach", command, "--telegram-user-id", str(CHAT)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(result.stdout)  # type: ignore[no-any-return]


async def until(emu: Emulator, predicate, timeout: float = 30.0) -> list[BotMessage]:  # type: ignore[no-untyped-def]
    """Collect bot messages until one satisfies ``predicate``."""
    seen: list[BotMessage] = []
    deadline = asyncio.get_running_loop().time() + timeout
    while not any(predicate(m) for m in seen):
        left = deadline - asyncio.get_running_loop().time()
        if left <= 0:
            raise AssertionError(f"no matching bot message; got {[m['text'] for m in seen]}")
        seen += await emu.wait_for_bot_messages(CHAT, timeout=left)
    return seen


def text_of(messages: list[BotMessage]) -> str:
    return "\n".join(m["text"] or "" for m in messages)


async def test_onboarding_safety_and_privacy_round_trip(
    telegram: Emulator, databases: tuple[str, str]
) -> None:
    emu = telegram
    _, tracker_url = databases

    # Typed text before consent never reaches storage: the consent question comes back.
    await emu.send_message(CHAT, "Bonjour, j'ai été refusé chez Decathlon")
    first = await until(emu, lambda m: "p:/consent_accept" in m["buttons"])
    assert "rien lu" in text_of(first)
    assert cli("export", databases)["user"] is None

    await emu.send_command(CHAT, "/start")
    start = await until(emu, lambda m: "p:/consent_accept" in m["buttons"])
    assert "Bonjour Camille" in text_of(start)
    assert "Confidentialité" in text_of(start)

    await emu.press_button(CHAT, "p:/consent_accept")
    consent = await until(emu, lambda m: "Merci" in (m["text"] or ""))
    assert any("p:/report_rejection" in m["buttons"] for m in consent)
    assert cli("export", databases)["user"]["first_name"] == "Camille"

    await emu.send_message(CHAT, "salut !")
    greeting = await until(emu, lambda m: bool(m["text"]))
    assert any(word in text_of(greeting) for word in ("Bonjour", "Hello", "ravi", "Content"))

    await emu.send_message(CHAT, "zrblq fnortx wkkpq vvhz")
    fallback = await until(emu, lambda m: bool(m["buttons"]))
    assert "p:/help" in fallback[-1]["buttons"], text_of(fallback)
    assert any(word in text_of(fallback) for word in ("compris", "saisi"))

    await emu.send_message(CHAT, "jpp jveux en finir a quoi bon vivre")
    crisis = await until(emu, lambda m: "3114" in (m["text"] or ""))
    assert "09 72 39 40 50" in text_of(crisis) and "112" in text_of(crisis)

    exported = cli("export", databases)
    assert exported["user"]["telegram_user_id"] == CHAT
    assert count_tracker_events(tracker_url, CHAT) > 0

    await emu.send_command(CHAT, "/supprimer")
    await until(emu, lambda m: "p:/confirm_delete" in m["buttons"])
    await emu.press_button(CHAT, "p:/confirm_delete")
    erased = await until(emu, lambda m: "effacées" in (m["text"] or ""))
    assert erased

    after = cli("export", databases)
    assert after["user"] is None
    assert all(value == [] for key, value in after.items() if key != "user")
    assert count_tracker_events(tracker_url, CHAT) == 0


async def test_unknown_command_gets_a_clear_answer(telegram: Emulator) -> None:
    emu = telegram
    await emu.send_command(CHAT + 1, "/inconnue")
    [unknown] = await emu.wait_for_bot_messages(CHAT + 1)
    assert "/aide" in (unknown["text"] or "")
