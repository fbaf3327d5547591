"""The careful hour after a crisis answer and the classifier's place in the tiers, as the
action server runs them (real SQLite rows)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.careful import careful_window
from actions.common import sessions
from actions.emotions import ActionRespondMood
from actions.flow import ActionResumeConversation
from actions.safety import ActionCrisisSupport
from coach.crisis_tiers import CAREFUL_BETTER, SEARCH_PAYLOAD, UNWELL_PAYLOAD
from coach.db import transaction
from coach.models import Mood, User
from coach.users import give_consent, record_crisis

UID = 4242


def tracker(
    slots: dict[str, Any] | None = None,
    *,
    text: str = "",
    intent: str = "x",
    active_loop: str | None = None,
) -> Tracker:
    return Tracker(
        str(UID),
        dict(slots or {}),
        {"intent": {"name": intent}, "text": text, "entities": [], "metadata": {}},
        [],
        False,
        None,
        {"name": active_loop} if active_loop else {},
        "action_listen",
    )


def person(*, crisis_minutes_ago: float | None) -> None:
    with transaction(sessions()) as session:
        give_consent(session, UID, first_name="Camille", timezone="Europe/Paris")
        if crisis_minutes_ago is not None:
            when = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=crisis_minutes_ago)
            record_crisis(session, UID, now=when)


def moods() -> list[str]:
    with sessions()() as session:
        return list(session.scalars(select(Mood.mood)))


def crisis_at() -> dt.datetime | None:
    with sessions()() as session:
        return session.scalars(select(User.crisis_at)).one()


def texts(dispatcher: CollectingDispatcher) -> list[str]:
    return [m.get("text") or "" for m in dispatcher.messages]


def slots(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


async def test_classifier_crisis_on_ambiguous_words_gets_the_check(action_db: str) -> None:
    person(crisis_minutes_ago=None)
    dispatcher = CollectingDispatcher()
    events = await ActionCrisisSupport().run(
        dispatcher,
        tracker(text="je veux en finir avec ces candidatures", intent="crisis"),
        {},
    )
    [message] = dispatcher.messages
    assert "3114" in message["text"] and "recherche" in message["text"]
    assert [b["payload"] for b in message["buttons"]] == [SEARCH_PAYLOAD, UNWELL_PAYLOAD]
    assert events == [] and crisis_at() is None, "a check is not a crisis"


async def test_classifier_crisis_on_other_words_is_a_crisis(action_db: str) -> None:
    person(crisis_minutes_ago=None)
    dispatcher = CollectingDispatcher()
    events = await ActionCrisisSupport().run(
        dispatcher,
        tracker(
            {"crisis_cleared_at": 1.0},
            text="plus rien n'a de sens, je ne tiens plus",
            intent="crisis",
            active_loop="intake_form",
        ),
        {},
    )
    assert "3114" in texts(dispatcher)[0] and not dispatcher.messages[0].get("buttons")
    assert crisis_at() is not None
    assert slots(events)["paused_flow"] == "intake_form"
    assert slots(events)["crisis_cleared_at"] is None, "the careful hour starts again"


async def test_in_the_careful_hour_feeling_better_is_welcomed_gently_and_not_stored(
    action_db: str,
) -> None:
    person(crisis_minutes_ago=10)
    dispatcher = CollectingDispatcher()
    events = await ActionRespondMood().run(
        dispatcher, tracker(text="ça va mieux", intent="express_positive_emotion"), {}
    )
    said = "\n".join(texts(dispatcher))
    assert said == CAREFUL_BETTER
    assert "Tant mieux" not in said and "force" not in said
    assert dispatcher.messages[0]["buttons"] == [
        {"title": "On reprend", "payload": "/resume_conversation"}
    ]
    assert moods() == [], "no « ça va » on the chart"
    assert "flow_step" not in slots(events), "no next steps pushed"


async def test_in_the_careful_hour_a_hard_feeling_is_heard_without_advice(action_db: str) -> None:
    person(crisis_minutes_ago=30)
    dispatcher = CollectingDispatcher()
    await ActionRespondMood().run(
        dispatcher, tracker(text="je suis découragée", intent="express_negative_emotion"), {}
    )
    [said] = texts(dispatcher)
    assert "3114" in said and "pistes" not in said
    assert moods() == []


async def test_after_the_hour_the_mood_is_answered_and_stored_as_usual(action_db: str) -> None:
    person(crisis_minutes_ago=90)
    dispatcher = CollectingDispatcher()
    await ActionRespondMood().run(
        dispatcher, tracker(text="ça va mieux", intent="express_positive_emotion"), {}
    )
    assert moods() == ["ca_va"]
    assert texts(dispatcher)[0] != CAREFUL_BETTER


async def test_resuming_in_the_careful_hour_says_where_we_were_and_ends_it(
    action_db: str,
) -> None:
    person(crisis_minutes_ago=5)
    dispatcher = CollectingDispatcher()
    paused = tracker({"paused_flow": "intake_form", "company": "Acme"}, intent="resume")
    events = await ActionResumeConversation().run(dispatcher, paused, {})
    [said] = texts(dispatcher)
    assert said.startswith("Reprenons doucement")
    assert "Nous en étions aux questions sur votre refus chez Acme." in said
    assert slots(events)["paused_flow"] is None
    cleared = slots(events)["crisis_cleared_at"]
    assert isinstance(cleared, float)
    after = tracker({"crisis_cleared_at": cleared})
    assert careful_window(tracker()) and not careful_window(after)


async def test_resuming_outside_the_careful_hour_is_unchanged(action_db: str) -> None:
    person(crisis_minutes_ago=120)
    dispatcher = CollectingDispatcher()
    events = await ActionResumeConversation().run(
        dispatcher, tracker({"paused_flow": "intake_form", "company": "Acme"}), {}
    )
    assert texts(dispatcher) == ["Reprenons sur votre refus chez Acme là où nous en étions."]
    assert "crisis_cleared_at" not in slots(events)


async def test_resuming_with_nothing_paused_in_the_careful_hour(action_db: str) -> None:
    person(crisis_minutes_ago=5)
    dispatcher = CollectingDispatcher()
    events = await ActionResumeConversation().run(dispatcher, tracker({}), {})
    [said] = texts(dispatcher)
    assert said.startswith("D'accord.") and "rien laissé en suspens" in said
    assert "Reprenons" not in said
    assert isinstance(slots(events)["crisis_cleared_at"], float)
