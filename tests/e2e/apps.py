"""A bot Application started and stopped around a block: ``conftest.telegram`` runs one for a
whole test, a restart test runs two in turn."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from harness import Emulator
from telegram.ext import Application

from bot.telegram_app import build_application
from coach.settings import Settings
from devtools.stack import Stack


@contextlib.asynccontextmanager
async def polling_bot(
    emu: Emulator, stack: Stack, databases: tuple[str, str]
) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    """A fresh Application (own payload store, own memory of pressed buttons) polling ``emu``,
    on the given databases; shut down as ``run_polling`` does at the end of the block."""
    app_url, tracker_url = databases
    settings = Settings(
        telegram_bot_token=emu.token,
        telegram_api_base_url=emu.url,
        database_url=app_url,
        tracker_database_url=tracker_url,
        rasa_url=stack.rasa_url,
        rasa_auth_token=stack.auth_token,
    )
    app = build_application(settings)
    await app.initialize()
    assert app.post_init is not None and app.post_shutdown is not None
    await app.post_init(app)
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0.0, timeout=1)
    try:
        yield app
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
        await app.post_shutdown(app)
