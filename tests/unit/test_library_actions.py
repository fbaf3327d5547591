"""The action library in the conversation against a real SQLite database: advice with its
next steps as buttons, a next step that becomes a goal, /objectifs, goal reminders."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions import library as lib
from actions.common import BUTTON_TITLE_LIMIT, DB_PROBLEM, NO_CONSENT, sessions
from bot.rendering import PayloadStore
from coach.db import transaction
from coach.library import TOPICS, advice, advice_message, seed_by_id
from coach.models import Goal, Milestone, Reminder, User
from coach.smart import REVIEW_INTENT, suggest_deadline
from coach.users import give_consent

UID = 4646
NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 11, 25)


def tracker(
    *, text: str = "", intent: str = "x", entities: dict[str, str] | None = None
) -> Tracker:
    latest = {
        "intent": {"name": intent, "confidence": 1.0},
        "text": text,
        "entities": [{"entity": k, "value": v} for k, v in (entities or {}).items()],
        "metadata": {},
    }
    return Tracker(str(UID), {}, latest, [], False, None, {}, "action_listen")


def texts(dispatcher: CollectingDispatcher) -> list[str]:
    return [m.get("text") or "" for m in dispatcher.messages]


def buttons(dispatcher: CollectingDispatcher) -> list[dict[str, str]]:
    return [b for m in dispatcher.messages for b in m.get("buttons") or []]


def consent() -> None:
    with transaction(sessions()) as session:
        give_consent(session, UID, first_name="Camille", timezone="Europe/Paris", now=NOW)


def rows(model: Any) -> list[Any]:
    with sessions()() as session:
        return list(session.scalars(select(model).order_by(model.id)))


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lib, "_now", lambda: NOW)


async def run(action: Any, **kwargs: Any) -> CollectingDispatcher:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker(**kwargs), {})
    assert events == []
    return dispatcher


# --------------------------------------------------------------------------- advice


@pytest.mark.parametrize(("intent", "topic"), sorted(lib.INTENT_TOPICS.items()))
async def test_each_topic_answers_with_its_next_steps_as_buttons(
    action_db: str, intent: str, topic: str
) -> None:
    dispatcher = await run(lib.ActionLibraryAdvice(), intent=intent)
    assert texts(dispatcher) == [advice_message(topic)]
    seeds = advice(topic).next_steps
    assert [b["payload"] for b in buttons(dispatcher)] == [
        f'/goal_from_seed{{"seed_id":"{seed.id}"}}' for seed in seeds
    ]
    assert rows(User) == [], "reading advice stores nothing"


def test_every_next_step_fits_a_telegram_button() -> None:
    for topic in TOPICS:
        for button in lib.seed_buttons(topic):
            assert len(button["title"]) <= BUTTON_TITLE_LIMIT
            # Telegram's callback_data holds 64 bytes, "p:" included: the payload must travel
            # as written (a longer one becomes a digest that a restart of the bot forgets).
            assert PayloadStore().encode(button["payload"]) == f"p:{button['payload']}"


async def test_success_stories_come_with_the_long_term_strategies(action_db: str) -> None:
    dispatcher = await run(lib.ActionLibraryAdvice(), intent="ask_success_story")
    stories, strategies = texts(dispatcher)
    assert stories.startswith("Des refus qui ont mené quelque part")
    assert strategies.startswith("Sur la durée")
    assert {b["payload"] for b in buttons(dispatcher)} == {
        "/ask_skills_training",
        "/ask_networking",
    }


# --------------------------------------------------------------------------- a next step


async def test_a_next_step_needs_consent_first(action_db: str) -> None:
    dispatcher = await run(
        lib.ActionGoalFromSeed(), intent="goal_from_seed", entities={"seed_id": "networking:1"}
    )
    assert texts(dispatcher) == [NO_CONSENT]
    assert rows(Goal) == [] and rows(Reminder) == []


async def test_a_next_step_becomes_a_goal_with_milestones_and_reminders(action_db: str) -> None:
    consent()
    seed = seed_by_id("networking:1")
    assert seed is not None
    dispatcher = await run(
        lib.ActionGoalFromSeed(), intent="goal_from_seed", entities={"seed_id": seed.id}
    )
    [goal] = rows(Goal)
    assert goal.title == seed.title and goal.measure == seed.measure
    assert goal.deadline == suggest_deadline(TODAY, seed.weeks)
    assert goal.first_steps == [seed.first_step]
    milestones = rows(Milestone)
    assert milestones, "the goal is cut into steps"
    assert rows(Reminder), "its reminders are scheduled"
    [message] = texts(dispatcher)
    assert seed.title in message and seed.measure in message
    assert "échéance" in message and "/objectifs" in message
    assert all(m.title in message for m in milestones)


async def test_every_next_step_of_the_library_makes_a_valid_goal(action_db: str) -> None:
    consent()
    seeds = [seed for topic in TOPICS for seed in advice(topic).next_steps]
    for seed in seeds:
        dispatcher = await run(
            lib.ActionGoalFromSeed(), intent="goal_from_seed", entities={"seed_id": seed.id}
        )
        assert "/objectifs" in texts(dispatcher)[0], seed.id
    assert len(rows(Goal)) == len(seeds)


@pytest.mark.parametrize("entities", [{}, {"seed_id": "networking:99"}, {"seed_id": "nope"}])
async def test_an_unknown_next_step_offers_the_topics(
    action_db: str, entities: dict[str, str]
) -> None:
    consent()
    dispatcher = await run(lib.ActionGoalFromSeed(), intent="goal_from_seed", entities=entities)
    assert texts(dispatcher) == [lib.NO_SEED]
    assert buttons(dispatcher) == lib.TOPIC_BUTTONS
    assert rows(Goal) == []


# --------------------------------------------------------------------------- /objectifs


async def test_review_goals_lists_them(action_db: str) -> None:
    consent()
    empty = await run(lib.ActionReviewGoals(), intent="review_goals")
    assert texts(empty)[0].startswith("Aucun objectif en cours")
    await run(
        lib.ActionGoalFromSeed(), intent="goal_from_seed", entities={"seed_id": "cv_letter:1"}
    )
    listed = await run(lib.ActionReviewGoals(), intent="review_goals")
    seed = seed_by_id("cv_letter:1")
    assert seed is not None
    assert texts(listed)[0].startswith("Votre objectif en cours")
    assert seed.title in texts(listed)[0]
    [goal] = rows(Goal)
    assert [b["payload"] for b in buttons(listed)] == [
        f'/goal_action{{"goal_op":"manage","goal_id":"{goal.id}"}}',
        "/set_goal",
    ]


async def test_review_goals_without_consent(action_db: str) -> None:
    dispatcher = await run(lib.ActionReviewGoals(), intent="review_goals")
    assert texts(dispatcher) == [NO_CONSENT]


async def test_a_goal_reminder_shows_that_goal_and_focuses_the_conversation(
    action_db: str,
) -> None:
    consent()
    await run(
        lib.ActionGoalFromSeed(), intent="goal_from_seed", entities={"seed_id": "interview:1"}
    )
    [goal] = rows(Goal)
    first = min(rows(Milestone), key=lambda m: m.position)
    review, events = await run_events(
        lib.ActionGoalReminder(), intent=REVIEW_INTENT, entities={"goal_id": str(goal.id)}
    )
    assert texts(review)[0].startswith(f"Point d'étape sur « {goal.title} »")
    assert f'"goal_op":"update","goal_id":"{goal.id}"' in str(buttons(review))
    focus = {"goal_edit_mode": None, "goal_edit_text": None}
    assert slots(events) == {
        "goal_focus": str(goal.id),
        "goal_milestone_focus": None,
        **focus,
    }
    milestone, events = await run_events(
        lib.ActionGoalReminder(),
        intent="EXTERNAL_goal_milestone",
        entities={"goal_id": str(goal.id), "milestone_id": str(first.id)},
    )
    assert f"« {first.title} »" in texts(milestone)[0] and goal.title in texts(milestone)[0]
    assert buttons(milestone)[0]["payload"] == (
        f'/goal_action{{"goal_op":"milestone","milestone_id":"{first.id}"}}'
    )
    assert slots(events) == {
        "goal_focus": str(goal.id),
        "goal_milestone_focus": str(first.id),
        **focus,
    }
    gone = await run(lib.ActionGoalReminder(), intent=REVIEW_INTENT, entities={"goal_id": "999"})
    assert texts(gone) == [lib.UNKNOWN_GOAL]
    typed = await run(lib.ActionGoalReminder(), intent="EXTERNAL_goal_milestone")
    assert texts(typed)[0].startswith("Votre objectif en cours"), "no goal named: the list"


async def run_events(action: Any, **kwargs: Any) -> tuple[CollectingDispatcher, list[Any]]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker(**kwargs), {})
    return dispatcher, events


def slots(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


# --------------------------------------------------------------------------- database down


@pytest.fixture
def database_down(monkeypatch: pytest.MonkeyPatch) -> Any:
    from actions import common

    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    common.settings.cache_clear()
    common.sessions.cache_clear()
    yield
    common.settings.cache_clear()
    common.sessions.cache_clear()


async def test_a_database_problem_is_answered_kindly(database_down: None) -> None:
    advice_given = await run(lib.ActionLibraryAdvice(), intent="ask_cv_tips")
    assert texts(advice_given) == [advice_message("cv_letter")], "advice needs no database"
    goal = await run(
        lib.ActionGoalFromSeed(), intent="goal_from_seed", entities={"seed_id": "cv_letter:1"}
    )
    assert texts(goal) == [lib.GOAL_NOT_CREATED]
    goals = await run(lib.ActionReviewGoals(), intent="review_goals")
    assert texts(goals) == [DB_PROBLEM]


async def test_review_goals_names_the_goals_already_reached(action_db: str) -> None:
    consent()
    await run(
        lib.ActionGoalFromSeed(), intent="goal_from_seed", entities={"seed_id": "cv_letter:1"}
    )
    with transaction(sessions()) as session:
        [goal] = session.scalars(select(Goal)).all()
        goal.status = "done"
    listed = await run(lib.ActionReviewGoals(), intent="review_goals")
    assert texts(listed)[0].startswith("Aucun objectif en cours")
    assert f"🏁 Déjà atteint : « {goal.title} »" in texts(listed)[0]
