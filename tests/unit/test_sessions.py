"""Bounded Rasa sessions: the safe-point rule, the turn counter, and the relay using them
against Rasa's HTTP API played by httpx.MockTransport."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from bot.rasa_client import RasaClient
from bot.relay import Relay, Speaker
from bot.sessions import AWAITING_ACTIONS, TurnCounter, is_safe_point
from coach.db import transaction
from coach.users import give_consent

ROOT = Path(__file__).resolve().parents[2]


def action(name: str) -> dict[str, Any]:
    return {"event": "action", "name": name}


def user(intent: str) -> dict[str, Any]:
    return {"event": "user", "parse_data": {"intent": {"name": intent}}}


def tracker(*events: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"events": list(events), "slots": {}, "active_loop": {}, **fields}


def test_awaiting_actions_are_those_the_rules_and_stories_look_back_at() -> None:
    """An action a rule or story expects an intent right after (slots and loops aside)."""
    found: set[str] = set()
    for path in [*ROOT.glob("data/rules/*.yml"), *ROOT.glob("data/stories/*.yml")]:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for flow in [*(document.get("rules") or []), *(document.get("stories") or [])]:
            steps = [s for s in flow["steps"] if not {"slot_was_set", "active_loop"} & set(s)]
            for step, following in itertools.pairwise(steps):
                if "action" in step and ({"intent", "or"} & set(following)):
                    found.add(step["action"])
    assert found == AWAITING_ACTIONS


@pytest.mark.parametrize(
    ("state", "safe"),
    [
        (tracker(user("greet"), action("utter_help"), action("action_listen")), True),
        (tracker(action("action_session_start"), action("action_listen")), True),
        # A form is asking its question: the answer must reach the same form.
        (
            tracker(action("intake_form"), action("action_listen"), active_loop={"name": "x"}),
            False,
        ),
        (
            tracker(action("action_listen"), slots={"requested_slot": "company"}),
            False,
        ),
        # « oui » right after the consent question is read by looking back at it.
        (tracker(user("start"), action("action_start"), action("action_listen")), False),
        (
            tracker(
                action("utter_ask_delete_confirm"),
                action("action_listen"),
                action("action_session_start"),
                action("action_listen"),
            ),
            False,
        ),
        # In the middle of a turn (no listen yet), or no events at all.
        (tracker(user("greet"), action("utter_help")), False),
        (tracker(), False),
        ({"events": None}, False),
        (tracker(action("action_listen"), followup_action="action_x"), False),
    ],
)
def test_safe_point(state: dict[str, Any], safe: bool) -> None:
    assert is_safe_point(state) is safe


def test_turn_counter() -> None:
    counter = TurnCounter(3, retry=2, max_tracked=2)
    assert [counter.due("a") for _ in range(3)] == [False, False, False]
    assert counter.due("a") is True  # the 4th turn looks for a safe point first
    counter.not_now("a")
    assert [counter.due("a") for _ in range(2)] == [False, True]
    counter.started("a")  # the turn that started the session is its first
    assert [counter.due("a") for _ in range(3)] == [False, False, True]
    # Only the most recently active conversations are remembered.
    counter.due("b")
    counter.due("c")
    assert [counter.due("a") for _ in range(3)] == [False, False, False]
    assert TurnCounter(0).due("a") is False and not TurnCounter(0).enabled


class ScriptedRasa:
    """Rasa's HTTP API: a tracker that is or is not at a safe point, and every call seen."""

    def __init__(self, state: dict[str, Any], *, execute_fails: bool = False) -> None:
        self.state = state
        self.execute_fails = execute_fails
        self.calls: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path.endswith("/session"):
            self.calls.append("tracker")
            return httpx.Response(200, json=self.state)
        if path.endswith("/execute"):
            self.calls.append(f"execute:{json.loads(request.content)['name']}")
            if self.execute_fails:
                return httpx.Response(500, json={})
            return httpx.Response(200, json={"messages": []})
        self.calls.append(f"message:{json.loads(request.content)['message']}")
        return httpx.Response(200, json=[{"recipient_id": "4242", "text": "ok"}])


def relay_for(rasa: ScriptedRasa, session_factory: Any, every: int) -> Relay:
    http = httpx.AsyncClient(transport=httpx.MockTransport(rasa))
    return Relay(
        rasa=RasaClient("http://rasa.test", auth_token="t", http=http, retry_delay=0),
        session_factory=session_factory,
        tracker_url="sqlite://",
        session_turns=every,
    )


def consent(session_factory: Any) -> None:
    with transaction(session_factory) as session:
        give_consent(session, 4242, first_name="Camille", timezone="Europe/Paris")


async def test_a_new_session_starts_before_the_message_at_a_safe_point(session_factory) -> None:  # type: ignore[no-untyped-def]
    consent(session_factory)
    rasa = ScriptedRasa(tracker(user("greet"), action("utter_help"), action("action_listen")))
    relay = relay_for(rasa, session_factory, every=2)
    for text in ("un", "deux", "trois", "quatre", "cinq"):
        assert [r.text for r in await relay.handle_text(Speaker(4242), text)] == ["ok"]
    assert rasa.calls == [
        "message:un",
        "message:deux",
        "tracker",
        "execute:action_session_start",
        "message:trois",  # the first message of the new session, in the same turn
        "message:quatre",
        "tracker",
        "execute:action_session_start",
        "message:cinq",
    ]


async def test_no_new_session_inside_a_form_and_a_later_retry(session_factory) -> None:  # type: ignore[no-untyped-def]
    consent(session_factory)
    rasa = ScriptedRasa(tracker(action("action_listen"), active_loop={"name": "intake_form"}))
    relay = relay_for(rasa, session_factory, every=1)
    for text in ("a", "b", "c", "d", "e"):
        await relay.handle_text(Speaker(4242), text)
    assert "execute:action_session_start" not in rasa.calls
    # Looked at turn 2, then again RETRY_TURNS (3) turns later: not at every turn.
    assert rasa.calls.count("tracker") == 2


async def test_a_failed_session_start_costs_the_turn_nothing(session_factory) -> None:  # type: ignore[no-untyped-def]
    consent(session_factory)
    rasa = ScriptedRasa(tracker(action("action_listen")), execute_fails=True)
    relay = relay_for(rasa, session_factory, every=1)
    await relay.handle_text(Speaker(4242), "a")
    replies = await relay.handle_text(Speaker(4242), "b")
    assert [r.text for r in replies] == ["ok"]
    assert rasa.calls[-1] == "message:b"


async def test_no_session_work_before_consent(session_factory) -> None:  # type: ignore[no-untyped-def]
    rasa = ScriptedRasa(tracker(action("action_listen")))
    relay = relay_for(rasa, session_factory, every=1)
    for _ in range(4):
        await relay.handle_text(Speaker(4242), "bonjour")
    assert set(rasa.calls) == {"message:/start"}
