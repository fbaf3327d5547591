"""A small async client for the Rasa server (REST channel + HTTP API)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import httpx

log = logging.getLogger(__name__)


class RasaUnavailable(Exception):
    """Rasa could not be reached or answered with an error."""


class RasaClient:
    def __init__(
        self,
        base_url: str,
        *,
        auth_token: str | None,
        http: httpx.AsyncClient,
        retries: int = 2,
        retry_delay: float = 0.5,
    ) -> None:
        self._base = base_url.rstrip("/")
        self._token = auth_token
        self._http = http
        self._retries = retries
        self._retry_delay = retry_delay

    async def _post(self, path: str, body: dict[str, Any], params: dict[str, str]) -> Any:
        last_error: Exception | None = None
        for attempt in range(self._retries + 1):
            try:
                response = await self._http.post(f"{self._base}{path}", json=body, params=params)
                if response.status_code >= 500:
                    raise RasaUnavailable(f"Rasa answered {response.status_code}")
                response.raise_for_status()
                return response.json()
            except (httpx.TransportError, RasaUnavailable) as error:
                last_error = error
                if attempt < self._retries:
                    await asyncio.sleep(self._retry_delay * (2**attempt))
            except (httpx.HTTPStatusError, ValueError) as error:
                raise RasaUnavailable(str(error)) from error
        log.warning(
            "Rasa unreachable after %d attempts: %s", self._retries + 1, type(last_error).__name__
        )
        raise RasaUnavailable(str(last_error)) from last_error

    async def send_message(
        self, sender_id: str, text: str, metadata: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """Relay one user message through the REST channel; returns the bot's messages."""
        body = {"sender": sender_id, "message": text, "metadata": metadata or {}}
        result = await self._post("/webhooks/rest/webhook", body, {})
        return result if isinstance(result, list) else []

    async def trigger_intent(
        self, sender_id: str, intent: str, entities: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """Start a turn from our side (reminders): Rasa answers as if the user had said it."""
        params = {"output_channel": "collector", "include_events": "NONE"}
        if self._token:
            params["token"] = self._token
        body = {"name": intent, "entities": entities or {}}
        result = await self._post(f"/conversations/{sender_id}/trigger_intent", body, params)
        messages = result.get("messages") if isinstance(result, dict) else None
        return messages if isinstance(messages, list) else []

    async def dialogue_state(self, sender_id: str) -> tuple[str | None, float | None]:
        """The form the conversation is in (None outside forms) and the time of its latest
        event (epoch seconds), from Rasa's HTTP API."""
        params = {"include_events": "NONE"}
        if self._token:
            params["token"] = self._token
        try:
            response = await self._http.get(
                f"{self._base}/conversations/{sender_id}/tracker", params=params
            )
            response.raise_for_status()
            tracker = response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise RasaUnavailable(type(error).__name__) from error
        loop = tracker.get("active_loop") if isinstance(tracker, dict) else None
        name = loop.get("name") if isinstance(loop, dict) else None
        latest = tracker.get("latest_event_time") if isinstance(tracker, dict) else None
        return (
            name if isinstance(name, str) and name else None,
            float(latest) if isinstance(latest, int | float) else None,
        )

    async def is_ready(self) -> bool:
        try:
            response = await self._http.get(
                f"{self._base}/status", params={"token": self._token or ""}
            )
            return response.status_code == 200 and bool(response.json().get("model_id"))
        except (httpx.HTTPError, ValueError):
            return False
