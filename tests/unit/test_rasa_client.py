"""The Rasa client's failure policy: empty answers fail, a POST that may have reached Rasa
is never sent again, and every call ends within its deadline.

Rasa is played by ``httpx.MockTransport`` (and, for the read timeout, by a real socket that
accepts and never answers); deadlines are fractions of a second here.
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest

from bot.rasa_client import (
    CONNECT_TIMEOUT,
    READ_TIMEOUT,
    TURN_DEADLINE,
    RasaClient,
    RasaEmptyAnswer,
    RasaRejected,
    RasaTimeout,
    RasaUnavailable,
)

Handler = Callable[[httpx.Request], httpx.Response | Awaitable[httpx.Response]]
REPLY = [{"recipient_id": "4242", "text": "Bonjour"}]


class Rasa:
    """Counts the requests that reached "Rasa" and answers with ``handler``."""

    def __init__(self, handler: Handler) -> None:
        self.requests: list[httpx.Request] = []
        self._handler = handler

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        result = self._handler(request)
        return await result if isinstance(result, Awaitable) else result


def client_for(rasa: Rasa, **options: Any) -> RasaClient:
    # A client whose own defaults are far too long: the RasaClient must not rely on them.
    http = httpx.AsyncClient(transport=httpx.MockTransport(rasa), timeout=httpx.Timeout(600.0))
    options.setdefault("retry_delay", 0.0)
    return RasaClient("http://rasa.test", auth_token="secret", http=http, **options)


def answer(status: int, body: Any = None) -> Handler:
    return lambda _request: httpx.Response(status, json=body)


# --------------------------------------------------------------------------- answers


async def test_a_message_returns_the_bots_messages() -> None:
    rasa = Rasa(answer(200, REPLY))
    assert await client_for(rasa).send_message("4242", "salut", {"first_name": "Camille"}) == REPLY
    [request] = rasa.requests
    assert request.url.path == "/webhooks/rest/webhook"
    assert json.loads(request.content) == {
        "sender": "4242",
        "message": "salut",
        "metadata": {"first_name": "Camille"},
    }


async def test_an_empty_answer_is_a_failure_and_is_not_resent() -> None:
    rasa = Rasa(answer(200, []))
    with pytest.raises(RasaEmptyAnswer):
        await client_for(rasa).send_message("4242", "salut")
    assert len(rasa.requests) == 1, "Rasa may have processed it: never sent twice"


async def test_an_empty_answer_is_caught_as_rasa_unavailable() -> None:
    # The relay catches RasaUnavailable to show « indisponible »: the empty answer is one.
    with pytest.raises(RasaUnavailable):
        await client_for(Rasa(answer(200, []))).send_message("4242", "salut")


async def test_an_answer_that_is_not_a_list_is_a_failure() -> None:
    with pytest.raises(RasaUnavailable):
        await client_for(Rasa(answer(200, {"oops": True}))).send_message("4242", "salut")
    not_json = Rasa(lambda _r: httpx.Response(200, text="<html>proxy error</html>"))
    with pytest.raises(RasaUnavailable):
        await client_for(not_json).send_message("4242", "salut")


async def test_trigger_intent_returns_its_messages() -> None:
    rasa = Rasa(answer(200, {"tracker": {}, "messages": REPLY}))
    messages = await client_for(rasa).trigger_intent("4242", "EXTERNAL_follow_up", {"id": "3"})
    assert messages == REPLY
    [request] = rasa.requests
    assert request.url.path == "/conversations/4242/trigger_intent"
    assert request.url.params["output_channel"] == "collector"
    assert request.url.params["token"] == "secret"
    assert json.loads(request.content) == {"name": "EXTERNAL_follow_up", "entities": {"id": "3"}}


@pytest.mark.parametrize("body", [{"tracker": {}, "messages": []}, {"tracker": {}}, []])
async def test_trigger_intent_without_messages_is_a_failure(body: Any) -> None:
    rasa = Rasa(answer(200, body))
    with pytest.raises(RasaEmptyAnswer):
        await client_for(rasa).trigger_intent("4242", "EXTERNAL_follow_up")
    assert len(rasa.requests) == 1


async def test_trigger_intent_may_accept_an_empty_answer_when_told() -> None:
    rasa = Rasa(answer(200, {"tracker": {}, "messages": []}))
    assert await client_for(rasa).trigger_intent("4242", "crisis", expect_messages=False) == []


# --------------------------------------------------------------------------- no resend


@pytest.mark.parametrize("status", [500, 502, 503])
async def test_a_server_error_fails_without_retry(status: int) -> None:
    rasa = Rasa(answer(status, {"error": "boom"}))
    client = client_for(rasa)
    with pytest.raises(RasaUnavailable) as failure:
        await client.send_message("4242", "salut")
    assert not isinstance(failure.value, RasaRejected)
    with pytest.raises(RasaUnavailable):
        await client.trigger_intent("4242", "EXTERNAL_follow_up")
    assert len(rasa.requests) == 2, "one request per call, none repeated"


@pytest.mark.parametrize("status", [400, 401, 403, 404])
async def test_a_refused_request_is_rejected(status: int) -> None:
    rasa = Rasa(answer(status, {"reason": "NotFound"}))
    with pytest.raises(RasaRejected):
        await client_for(rasa).trigger_intent("4242", "no_such_intent")
    assert len(rasa.requests) == 1


@pytest.mark.parametrize(
    "error",
    [httpx.ReadTimeout, httpx.ReadError, httpx.RemoteProtocolError, httpx.WriteTimeout],
)
async def test_an_error_after_sending_fails_without_retry(error: type[httpx.HTTPError]) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise error("after the request was written", request=request)  # type: ignore[call-arg]

    rasa = Rasa(handler)
    with pytest.raises(RasaUnavailable):
        await client_for(rasa, retries=5).send_message("4242", "salut")
    assert len(rasa.requests) == 1, "Rasa may have processed it: never sent twice"


async def test_a_connection_error_is_retried_then_succeeds() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if len(rasa.requests) <= 2:
            raise httpx.ConnectError("connection refused", request=request)
        return httpx.Response(200, json=REPLY)

    rasa = Rasa(handler)
    assert await client_for(rasa, retries=2).send_message("4242", "salut") == REPLY
    assert len(rasa.requests) == 3


async def test_a_connect_timeout_is_retried_then_gives_up() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("no SYN-ACK", request=request)

    rasa = Rasa(handler)
    with pytest.raises(RasaUnavailable) as failure:
        await client_for(rasa, retries=2).trigger_intent("4242", "EXTERNAL_follow_up")
    assert not isinstance(failure.value, RasaTimeout)
    assert len(rasa.requests) == 3


# --------------------------------------------------------------------------- timeouts


async def test_each_request_carries_the_clients_own_timeouts() -> None:
    seen: list[dict[str, float]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.extensions["timeout"])
        return httpx.Response(200, json=REPLY)

    await client_for(Rasa(handler)).send_message("4242", "salut")
    [timeouts] = seen
    # The shared httpx client says 600 s; each call says what the policy says.
    assert timeouts["connect"] == CONNECT_TIMEOUT
    assert timeouts["read"] == READ_TIMEOUT
    assert timeouts["pool"] <= TURN_DEADLINE


def test_the_default_worst_case_leaves_time_for_the_answer() -> None:
    client = RasaClient("http://rasa.test", auth_token=None, http=httpx.AsyncClient())
    # Connection attempts with their backoff, and a read: all inside the turn deadline,
    # which leaves the relay 5 s to show « indisponible » within 35 s (SPEC §10).
    assert TURN_DEADLINE <= 30.0
    connect_worst = (client._retries + 1) * CONNECT_TIMEOUT + sum(
        client._retry_delay * 2**n for n in range(client._retries)
    )
    assert connect_worst + READ_TIMEOUT > TURN_DEADLINE, "the deadline, not luck, bounds it"
    assert connect_worst < TURN_DEADLINE / 2


async def test_a_silent_rasa_is_abandoned_at_the_deadline() -> None:
    async def handler(_request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(30)
        return httpx.Response(200, json=REPLY)

    rasa = Rasa(handler)
    started = time.monotonic()
    with pytest.raises(RasaTimeout):
        await client_for(rasa).send_message("4242", "salut", deadline=0.2)
    assert time.monotonic() - started < 1.0
    assert len(rasa.requests) == 1


async def test_the_deadline_includes_connection_retries_and_backoff() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    rasa = Rasa(handler)
    client = client_for(rasa, retries=50, retry_delay=0.1, deadline=0.5)
    started = time.monotonic()
    with pytest.raises(RasaUnavailable):
        await client.send_message("4242", "salut")
    elapsed = time.monotonic() - started
    assert elapsed < 0.7, f"took {elapsed:.2f} s for a 0.5 s deadline"
    assert 2 <= len(rasa.requests) < 10


@pytest.fixture
async def mute_server() -> AsyncIterator[tuple[str, list[bytes]]]:
    """A real server that reads requests and never answers (a frozen Rasa)."""
    received: list[bytes] = []

    async def swallow(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        received.append(await reader.read(65536))
        try:
            await asyncio.sleep(60)
        finally:
            writer.close()

    server = await asyncio.start_server(swallow, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}", received
    finally:
        server.close()


async def test_a_read_timeout_on_a_real_socket_is_not_resent(
    mute_server: tuple[str, list[bytes]],
) -> None:
    url, received = mute_server
    async with httpx.AsyncClient(timeout=httpx.Timeout(600.0)) as http:
        client = RasaClient(url, auth_token=None, http=http, read_timeout=0.3, retries=3)
        started = time.monotonic()
        with pytest.raises(RasaUnavailable):
            await client.send_message("4242", "salut")
        elapsed = time.monotonic() - started
    assert 0.25 <= elapsed < 2.0, f"{elapsed:.2f} s"
    await asyncio.sleep(0.05)
    assert len(received) == 1, "one request reached the server, and only one"


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then closed)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_a_closed_port_fails_fast_after_connection_retries() -> None:
    async with httpx.AsyncClient() as http:
        client = RasaClient(
            f"http://127.0.0.1:{closed_port()}", auth_token=None, http=http, retry_delay=0.05
        )
        started = time.monotonic()
        with pytest.raises(RasaUnavailable):
            await client.send_message("4242", "salut")
    assert time.monotonic() - started < 2.0


# --------------------------------------------------------------------------- reads


async def test_dialogue_state_and_readiness() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/status":
            return httpx.Response(200, json={"model_id": "abc"})
        return httpx.Response(
            200, json={"active_loop": {"name": "goal_form"}, "latest_event_time": 12.5}
        )

    client = client_for(Rasa(handler))
    assert await client.dialogue_state("4242") == ("goal_form", 12.5)
    assert await client.is_ready() is True


async def test_recent_events_reads_the_events_since_the_last_restart() -> None:
    events = [{"event": "user", "metadata": {"update_id": 7}}, {"event": "bot", "text": "Oui"}]
    rasa = Rasa(answer(200, {"events": [*events, "junk"]}))
    client = client_for(rasa)
    assert await client.recent_events("4242") == events
    (request,) = rasa.requests
    assert request.url.path == "/conversations/4242/session"
    assert request.url.params["include_events"] == "AFTER_RESTART"
    assert request.url.params["token"] == "secret"
    with pytest.raises(RasaUnavailable):
        await client_for(Rasa(answer(200, {"events": None}))).recent_events("4242")


async def test_trackers_come_from_the_session_route_or_the_whole_tracker_without_it() -> None:
    # deploy/rasa_server.py serves /session; a plain `rasa run` answers 404 there, once: the
    # client then reads /tracker, and keeps doing so.
    async def plain(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/session"):
            return httpx.Response(404, json={"status": "failure"})
        return httpx.Response(200, json={"active_loop": {"name": "goal_form"}})

    rasa = Rasa(plain)
    client = client_for(rasa)
    assert (await client.dialogue_state("4242"))[0] == "goal_form"
    assert (await client.dialogue_state("4242"))[0] == "goal_form"
    assert [r.url.path.rsplit("/", 1)[-1] for r in rasa.requests] == [
        "session",
        "tracker",
        "tracker",
    ]
    # Any other refusal of the session route is not taken for a missing route.
    refused = Rasa(answer(401, {"status": "failure"}))
    with pytest.raises(RasaUnavailable):
        await client_for(refused).dialogue_state("4242")
    assert [r.url.path.rsplit("/", 1)[-1] for r in refused.requests] == ["session"]


async def test_reads_fail_as_unavailable_and_within_their_deadline() -> None:
    async def handler(_request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(30)
        return httpx.Response(200, json={})

    client = client_for(Rasa(handler), probe_deadline=0.2)
    started = time.monotonic()
    with pytest.raises(RasaUnavailable):
        await client.dialogue_state("4242")
    assert await client.is_ready() is False
    assert time.monotonic() - started < 1.0
    assert await client_for(Rasa(answer(500))).is_ready() is False


async def test_failures_log_no_text_and_no_sender(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="bot.rasa_client")
    for handler in (answer(200, []), answer(500, {"message": "je veux partir"})):
        with pytest.raises(RasaUnavailable):
            await client_for(Rasa(handler)).send_message("987654", "je veux partir")
    with pytest.raises(RasaUnavailable):
        await client_for(Rasa(answer(503))).trigger_intent("987654", "EXTERNAL_follow_up")
    assert caplog.records, "failures are visible in the log"
    assert "partir" not in caplog.text and "987654" not in caplog.text
