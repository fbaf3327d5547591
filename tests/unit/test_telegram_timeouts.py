"""Every Bot API call is bounded: a Telegram (or proxy) that accepts the connection and
never answers costs seconds, never a hung bot."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Iterator

import pytest
from telegram import Bot
from telegram.error import TimedOut

from bot.telegram_app import build_application, telegram_request
from coach.settings import Settings


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A loopback port that accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}"
    finally:
        server.close()


async def test_a_silent_bot_api_fails_within_the_read_timeout(silent_server: str) -> None:
    bot = Bot(
        "123:abc", base_url=f"{silent_server}/bot", request=telegram_request(read_timeout=0.3)
    )
    started = time.monotonic()
    with pytest.raises(TimedOut):
        await asyncio.wait_for(bot.send_message(42, "Bonjour"), timeout=10)
    assert time.monotonic() - started < 3


def test_the_application_bounds_every_call(silent_server: str) -> None:
    app = build_application(
        Settings(telegram_bot_token="123:abc", telegram_api_base_url=silent_server)
    )
    # PTB keeps two requests: long polling's, and the one of every other call.
    polling, calls = app.bot._request  # no public accessor
    for request, read in ((polling, 30.0), (calls, 10.0)):
        assert request.read_timeout == read
        client = request._client
        assert client.timeout.connect == 5.0
        assert client.timeout.write == 20.0
        assert client.timeout.pool == 5.0
