"""The custom ``action_session_start`` carries each slot once (actions/session.py)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.session import ActionSessionStart, carried_slots

ROOT = Path(__file__).resolve().parents[2]
DOMAIN: dict[str, Any] = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


def tracker(slots: dict[str, Any], events: list[dict[str, Any]]) -> Tracker:
    return Tracker("s", slots, {}, events, False, None, {}, "action_listen")


def test_each_changed_slot_once_and_nothing_else() -> None:
    # Three sessions' worth of SlotSet events for the same slots: one event per slot.
    history = [
        {"event": "slot", "name": name, "value": value}
        for _ in range(3)
        for name, value in (("company", "Airbus"), ("requested_slot", "company"), ("mood", "sad"))
    ]
    slots = {name: None for name in DOMAIN["slots"]}
    slots.update(company="Airbus", mood="sad", requested_slot=None)
    events = asyncio.run(
        ActionSessionStart().run(CollectingDispatcher(), tracker(slots, history), DOMAIN)
    )
    assert events[0]["event"] == "session_started"
    assert (events[-1]["event"], events[-1]["name"]) == ("action", "action_listen")
    sets = [(e["name"], e["value"]) for e in events if e["event"] == "slot"]
    assert sorted(sets) == [("company", "Airbus"), ("mood", "sad")]


def test_initial_values_are_compared_not_none() -> None:
    domain = {"slots": {"ask_quietly": {"initial_value": False}, "stage": {}}}
    # Back to its initial value: nothing to carry. Changed away from it (even to None): carried.
    assert carried_slots({"ask_quietly": False, "stage": None}, domain) == []
    assert carried_slots({"ask_quietly": None, "stage": "x"}, domain) == [
        ("ask_quietly", None),
        ("stage", "x"),
    ]


def test_slots_not_carried_when_the_domain_says_so() -> None:
    domain = {"session_config": {"carry_over_slots_to_new_session": False}, "slots": {}}
    assert carried_slots({"company": "Airbus"}, domain) == []


def test_the_domain_carries_slots_over() -> None:
    # The bounded sessions of bot/sessions.py rely on it.
    assert DOMAIN["session_config"]["carry_over_slots_to_new_session"] is True
