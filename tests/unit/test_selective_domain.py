"""The action server answers the calls Rasa sends without a domain (selective domain)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import ActionExecutor, CollectingDispatcher
from rasa_sdk.interfaces import ActionMissingDomainException

from actions.server import selective_domain_executor


class Probe(Action):
    def name(self) -> str:
        return "action_probe"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        return [SlotSet("seen", sorted(domain or {}))]


def call(domain: dict[str, Any] | None) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "next_action": "action_probe",
        "sender_id": "s",
        "version": "3.6.21",
        "tracker": {"sender_id": "s", "slots": {}, "latest_message": {}, "events": []},
    }
    if domain is not None:
        payload["domain"] = domain
    return payload


def seen(executor: ActionExecutor, domain: dict[str, Any] | None) -> Any:
    executor.register_action(Probe())
    result = asyncio.run(executor.run(call(domain)))
    assert result is not None
    (event,) = result.events if hasattr(result, "events") else result["events"]
    return event["value"]


def test_a_call_without_a_domain_runs_with_an_empty_one() -> None:
    assert seen(selective_domain_executor(), None) == []


def test_a_call_with_a_domain_gets_it() -> None:
    assert seen(selective_domain_executor(), {"slots": {}, "forms": {}}) == ["forms", "slots"]


def test_rasa_sdks_own_executor_refuses_a_call_without_a_domain() -> None:
    # What the subclass is for: without it, every action not marked send_domain fails.
    with pytest.raises(ActionMissingDomainException):
        seen(ActionExecutor(), None)
