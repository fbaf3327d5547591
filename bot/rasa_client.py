"""A small async client for the Rasa server (REST channel + HTTP API).

Failure policy (SPEC §10: every outage has a visible answer within 35 s, nothing is
processed twice):

- **Every call has a deadline** (``deadline``, 30 s for a turn by default), enforced with
  ``asyncio.timeout`` around the whole call — connection retries and their backoff
  included — and per-request httpx timeouts (connect 2 s, read 25 s) passed on each request,
  so the client's own defaults do not matter. Past the deadline: :class:`RasaTimeout`.
- **A POST is retried only when it provably never reached Rasa**: connection refused or
  connect timeout (``httpx.ConnectError`` / ``ConnectTimeout``). After a read timeout, a
  dropped connection or a 5xx, Rasa may have processed the message: retrying could make it
  process the same message twice, so the call fails instead.
- **An empty answer is a failure.** Rasa's REST channel answers ``200 []`` when an action,
  the action server or the tracker store fails; ``trigger_intent`` then returns no
  messages. Both raise :class:`RasaEmptyAnswer`.

All failures are :class:`RasaUnavailable` (or a subclass): callers catch that one to show
the « indisponible » message. Log lines carry error types and status codes, never text.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import httpx

log = logging.getLogger(__name__)

#: Defaults (seconds). A turn's worst case is ``TURN_DEADLINE``; the relay adds its own
#: few seconds and must answer within 35 s (SPEC §10).
CONNECT_TIMEOUT = 2.0
READ_TIMEOUT = 25.0
WRITE_TIMEOUT = 5.0
TURN_DEADLINE = 30.0
#: Reading the tracker and the status endpoint: small answers, no model prediction.
PROBE_DEADLINE = 10.0

# Errors that prove the request never left: nothing reached Rasa, trying again is safe.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout)
# 4xx answers that may pass (request timeout, conflict, locked, too many requests).
_TRANSIENT_4XX = frozenset({408, 409, 423, 429})


class RasaUnavailable(Exception):
    """Rasa could not be reached, answered with an error, or answered nothing."""


class RasaEmptyAnswer(RasaUnavailable):
    """Rasa answered 200 with no message: an action, the action server or the tracker
    store failed on its side (the REST channel then returns ``[]``)."""


class RasaTimeout(RasaUnavailable):
    """The call's deadline passed. Rasa may still process the message: never resend it."""


class RasaRejected(RasaUnavailable):
    """Rasa refused the request itself (4xx: unknown intent, bad token, bad request).
    Sending it again would fail the same way."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class RasaClient:
    def __init__(
        self,
        base_url: str,
        *,
        auth_token: str | None,
        http: httpx.AsyncClient,
        retries: int = 2,
        retry_delay: float = 0.5,
        connect_timeout: float = CONNECT_TIMEOUT,
        read_timeout: float = READ_TIMEOUT,
        write_timeout: float = WRITE_TIMEOUT,
        deadline: float = TURN_DEADLINE,
        probe_deadline: float = PROBE_DEADLINE,
    ) -> None:
        """``retries`` connection attempts after the first (only when nothing was sent),
        ``retry_delay`` × 2ⁿ apart; ``deadline`` bounds a whole turn (``send_message``,
        ``trigger_intent``), ``probe_deadline`` the tracker and status reads."""
        self._base = base_url.rstrip("/")
        self._token = auth_token
        self._http = http
        self._retries = retries
        self._retry_delay = retry_delay
        self._connect = connect_timeout
        self._read = read_timeout
        self._write = write_timeout
        self._deadline = deadline
        self._probe_deadline = probe_deadline
        # deploy/rasa_server.py serves the current session's tracker; a Rasa started
        # without it (plain `rasa run`) has only the whole conversation's.
        self._session_route = True

    # -- public -------------------------------------------------------------------------

    async def send_message(
        self,
        sender_id: str,
        text: str,
        metadata: dict[str, Any] | None = None,
        *,
        deadline: float | None = None,
    ) -> list[dict[str, Any]]:
        """Relay one user message through the REST channel; returns the bot's messages
        (never empty: no message raises :class:`RasaEmptyAnswer`)."""
        body = {"sender": sender_id, "message": text, "metadata": metadata or {}}
        result = await self._json(
            "POST", "/webhooks/rest/webhook", body=body, params={}, deadline=deadline
        )
        if not isinstance(result, list):
            raise RasaUnavailable(f"unexpected answer ({type(result).__name__})")
        if not result:
            log.warning("Rasa answered no message (an action or the tracker store failed)")
            raise RasaEmptyAnswer("Rasa answered no message")
        return result

    async def trigger_intent(
        self,
        sender_id: str,
        intent: str,
        entities: dict[str, Any] | None = None,
        *,
        expect_messages: bool = True,
        deadline: float | None = None,
    ) -> list[dict[str, Any]]:
        """Start a turn from our side (reminders): Rasa answers as if the user had said it.

        With ``expect_messages`` (the default) an answer without messages raises
        :class:`RasaEmptyAnswer`: every intent we trigger is answered, so none means a
        failure on Rasa's side. Pass ``expect_messages=False`` for a trigger whose answer
        may legitimately be empty."""
        params = {"output_channel": "collector", "include_events": "NONE"}
        if self._token:
            params["token"] = self._token
        body = {"name": intent, "entities": entities or {}}
        result = await self._json(
            "POST",
            f"/conversations/{sender_id}/trigger_intent",
            body=body,
            params=params,
            deadline=deadline,
        )
        messages = result.get("messages") if isinstance(result, dict) else None
        if isinstance(messages, list) and messages:
            return messages
        if expect_messages:
            log.warning("Rasa answered no message to a triggered intent")
            raise RasaEmptyAnswer("Rasa answered no message to a triggered intent")
        return []

    async def dialogue_state(
        self, sender_id: str, *, deadline: float | None = None
    ) -> tuple[str | None, float | None]:
        """The form the conversation is in (None outside forms) and the time of its latest
        event (epoch seconds), from Rasa's HTTP API."""
        tracker = await self._tracker(sender_id, "NONE", deadline)
        loop = tracker.get("active_loop") if isinstance(tracker, dict) else None
        name = loop.get("name") if isinstance(loop, dict) else None
        latest = tracker.get("latest_event_time") if isinstance(tracker, dict) else None
        return (
            name if isinstance(name, str) and name else None,
            float(latest) if isinstance(latest, int | float) else None,
        )

    async def recent_events(
        self, sender_id: str, *, deadline: float | None = None
    ) -> list[dict[str, Any]]:
        """The conversation's events since its last restart (Rasa's HTTP API): after a
        crash, the relay reads them to learn whether Rasa already took a message."""
        tracker = await self._tracker(sender_id, "AFTER_RESTART", deadline)
        events = tracker.get("events") if isinstance(tracker, dict) else None
        if not isinstance(events, list):
            raise RasaUnavailable("tracker without events")
        return [event for event in events if isinstance(event, dict)]

    async def session_tracker(
        self, sender_id: str, *, deadline: float | None = None
    ) -> dict[str, Any]:
        """The conversation's tracker with the events of its current session."""
        tracker = await self._tracker(sender_id, "AFTER_RESTART", deadline)
        if not isinstance(tracker, dict):
            raise RasaUnavailable("unexpected tracker")
        return tracker

    async def start_session(self, sender_id: str, *, deadline: float | None = None) -> None:
        """Start a new Rasa session now (``action_session_start``: slots carried over)."""
        params = {"output_channel": "collector", "include_events": "NONE"}
        if self._token:
            params["token"] = self._token
        await self._json(
            "POST",
            f"/conversations/{sender_id}/execute",
            body={"name": "action_session_start"},
            params=params,
            deadline=self._probe_deadline if deadline is None else deadline,
        )

    async def _tracker(self, sender_id: str, include_events: str, deadline: float | None) -> Any:
        """One read of the conversation's tracker, within the probe deadline: its current
        session (``/session``, deploy/rasa_server.py), whose cost does not grow with the
        conversation, or the whole conversation where Rasa lacks that route."""
        params = {"include_events": include_events}
        if self._token:
            params["token"] = self._token
        deadline = self._probe_deadline if deadline is None else deadline
        if self._session_route:
            try:
                return await self._json(
                    "GET",
                    f"/conversations/{sender_id}/session",
                    params=params,
                    deadline=deadline,
                )
            except RasaRejected as error:
                if error.status != 404:
                    raise
                log.info("Rasa has no session route: whole trackers are read")
                self._session_route = False
        return await self._json(
            "GET", f"/conversations/{sender_id}/tracker", params=params, deadline=deadline
        )

    async def is_ready(self, *, deadline: float | None = None) -> bool:
        """Whether Rasa answers its status endpoint with a loaded model."""
        try:
            status = await self._json(
                "GET",
                "/status",
                params={"token": self._token or ""},
                deadline=self._probe_deadline if deadline is None else deadline,
                quiet=True,
            )
        except RasaUnavailable:
            return False
        return isinstance(status, dict) and bool(status.get("model_id"))

    # -- transport ------------------------------------------------------------------------

    async def _json(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str],
        body: dict[str, Any] | None = None,
        deadline: float | None,
        quiet: bool = False,
    ) -> Any:
        response = await self._request(
            method,
            path,
            body=body,
            params=params,
            deadline=self._deadline if deadline is None else deadline,
            quiet=quiet,
        )
        status = response.status_code
        if status >= 400:
            if not quiet:
                log.warning("Rasa answered %d to %s %s", status, method, _route(path))
            if status < 500 and status not in _TRANSIENT_4XX:
                raise RasaRejected(f"Rasa answered {status}", status)
            raise RasaUnavailable(f"Rasa answered {status}")
        try:
            return response.json()
        except ValueError as error:
            raise RasaUnavailable("Rasa answered something that is not JSON") from error

    async def _request(
        self,
        method: str,
        path: str,
        *,
        body: dict[str, Any] | None,
        params: dict[str, str],
        deadline: float,
        quiet: bool,
    ) -> httpx.Response:
        """One request within ``deadline`` seconds, connection retries included."""
        loop = asyncio.get_running_loop()
        end = loop.time() + deadline
        attempt = 0
        try:
            async with asyncio.timeout(deadline):
                while True:
                    remaining = max(0.001, end - loop.time())
                    # Per request, so that the shared client's defaults never matter.
                    timeout = httpx.Timeout(
                        connect=min(self._connect, remaining),
                        read=min(self._read, remaining),
                        write=min(self._write, remaining),
                        pool=remaining,
                    )
                    try:
                        return await self._http.request(
                            method,
                            f"{self._base}{path}",
                            json=body,
                            params=params,
                            timeout=timeout,
                        )
                    except _NOT_SENT as error:
                        # Nothing reached Rasa: another try cannot make it process twice.
                        delay = self._retry_delay * 2**attempt
                        if attempt >= self._retries or loop.time() + delay >= end:
                            if not quiet:
                                log.warning(
                                    "Rasa unreachable after %d attempt(s): %s",
                                    attempt + 1,
                                    type(error).__name__,
                                )
                            raise RasaUnavailable(type(error).__name__) from error
                        attempt += 1
                        await asyncio.sleep(delay)
        except TimeoutError as error:
            if not quiet:
                log.warning("Rasa gave no answer within %.0f s (%s)", deadline, _route(path))
            raise RasaTimeout(f"no answer within {deadline:.0f} s") from error
        except httpx.HTTPError as error:
            # Read timeout, connection dropped, pool exhausted…: Rasa may have taken the
            # request, so it is never sent again.
            if not quiet:
                log.warning("Rasa request failed: %s (%s)", type(error).__name__, _route(path))
            raise RasaUnavailable(type(error).__name__) from error


def _route(path: str) -> str:
    """The endpoint without the sender id (a Telegram user id) for log lines."""
    if path.startswith("/conversations/"):
        return "/conversations/…/" + path.rsplit("/", 1)[-1]
    return path
