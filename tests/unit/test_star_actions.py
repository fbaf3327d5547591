"""The STAR answer builder against a real SQLite database: the form's questions one at a
time, the check with the weak parts offered again, saving, listing, stopping."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions import star
from actions.common import BUTTON_TITLE_LIMIT, DB_PROBLEM, NO_CONSENT, sessions
from actions.flow import CANCELLED, FORMS
from actions.interpretation import COMMAND_STOP
from actions.safety import ActionCrisisSupport
from coach.db import transaction
from coach.models import StarAnswer
from coach.safety import CRISIS_REPLY
from coach.star import PART_PROMPTS, SUGGESTED_QUESTIONS, StarDraft, check_star, format_star
from coach.users import give_consent

UID = 4747
NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)

STRONG = {
    "star_question": SUGGESTED_QUESTIONS[1],
    "star_situation": "Dans mon stage chez Decathlon, les avis clients en ligne restaient "
    "sans réponse pendant des semaines.",
    "star_task": "On m'a confié la mission de réduire le délai de réponse.",
    "star_action": "J'ai rédigé des réponses types, j'ai mis en place un tableau de priorités "
    "et j'ai formé deux collègues à l'outil.",
    "star_result": "Le délai est passé de 6 jours à 2 jours en un mois.",
}
WEAK = {
    **STRONG,
    "star_action": "On a participé au projet avec l'équipe, on a aidé.",
    "star_result": "Ça s'est bien passé au final.",
}


def tracker(
    slots: dict[str, Any] | None = None,
    *,
    text: str = "",
    intent: str = "inform",
    confidence: float = 1.0,
    entities: dict[str, str] | None = None,
    active_loop: str | None = None,
) -> Tracker:
    latest = {
        "intent": {"name": intent, "confidence": confidence},
        "text": text,
        "entities": [{"entity": k, "value": v} for k, v in (entities or {}).items()],
        "metadata": {},
    }
    return Tracker(
        str(UID),
        dict(slots or {}),
        latest,
        [],
        False,
        None,
        {"name": active_loop} if active_loop else {},
        "action_listen",
    )


def texts(dispatcher: CollectingDispatcher) -> list[str]:
    return [m.get("text") or "" for m in dispatcher.messages]


def payloads(dispatcher: CollectingDispatcher) -> list[str]:
    return [b["payload"] for m in dispatcher.messages for b in m.get("buttons") or []]


def slot_events(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def consent() -> None:
    with transaction(sessions()) as session:
        give_consent(session, UID, first_name="Camille", timezone="Europe/Paris", now=NOW)


def saved() -> list[StarAnswer]:
    with sessions()() as session:
        return list(session.scalars(select(StarAnswer).order_by(StarAnswer.id)))


async def validate(
    slot: str, text: str, **kwargs: Any
) -> tuple[CollectingDispatcher, dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    method = getattr(star.ValidateStarForm(), f"validate_{slot}")
    out = await method(text, dispatcher, tracker(text=text, **kwargs), {})
    return dispatcher, out


async def run(
    action: Any, slots: dict[str, Any] | None = None, **kwargs: Any
) -> tuple[CollectingDispatcher, list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker(slots, **kwargs), {})
    return dispatcher, events


# --------------------------------------------------------------------------- the form


async def test_starting_clears_a_previous_answer_and_explains_the_method() -> None:
    dispatcher, events = await run(star.ActionStartStar(), dict(STRONG), intent="ask_star")
    assert "Situation, Tâche, Action, Résultat" in texts(dispatcher)[0]
    out = slot_events(events)
    assert all(out[slot] is None for slot in star.SLOTS.values())
    assert "paused_flow" not in out, "a flow set aside before can still be resumed"


async def test_the_form_asks_the_question_first_then_each_part_in_order() -> None:
    required = await star.ValidateStarForm().required_slots(
        [], CollectingDispatcher(), tracker(), {}
    )
    assert required == [
        "star_question",
        "star_situation",
        "star_task",
        "star_action",
        "star_result",
    ]
    assert "star_form" in FORMS
    dispatcher, _ = await run(star.ActionAskStarQuestion())
    assert texts(dispatcher)[0].startswith(PART_PROMPTS["question"])
    assert payloads(dispatcher) == [str(n) for n in range(1, len(SUGGESTED_QUESTIONS) + 1)]
    titles = [b["title"] for b in star.QUESTION_BUTTONS]
    assert all(len(t) <= BUTTON_TITLE_LIMIT for t in titles)
    assert all(
        t.endswith("…") or t.endswith(q) for t, q in zip(titles, SUGGESTED_QUESTIONS, strict=True)
    )
    assert all(q in texts(dispatcher)[0] for q in SUGGESTED_QUESTIONS), "shown whole in the text"
    for action, part in [
        (star.ActionAskStarSituation(), "situation"),
        (star.ActionAskStarTask(), "task"),
        (star.ActionAskStarAction(), "action"),
        (star.ActionAskStarResult(), "result"),
    ]:
        asked, _ = await run(action)
        assert texts(asked) == [PART_PROMPTS[part]]
    quiet, events = await run(star.ActionAskStarTask(), {"ask_quietly": True})
    assert texts(quiet) == [] and slot_events(events) == {"ask_quietly": None}


async def test_a_suggested_question_by_its_button_or_a_question_of_ones_own() -> None:
    _, out = await validate("star_question", "3")
    assert out == {"star_question": SUGGESTED_QUESTIONS[2]}
    own = "Pourquoi voulez-vous quitter votre poste actuel ?"
    _, out = await validate("star_question", own)
    assert out == {"star_question": own}


async def test_each_part_is_kept_tidy() -> None:
    _, out = await validate(
        "star_situation", "  Dans mon stage,\n les avis   restaient sans réponse "
    )
    assert out == {"star_situation": "Dans mon stage, les avis restaient sans réponse"}


async def test_a_message_without_words_is_asked_again() -> None:
    dispatcher, out = await validate("star_action", "👍👍")
    assert out == {"star_action": None, "ask_quietly": True}
    assert texts(dispatcher) == [star.NO_WORDS + PART_PROMPTS["action"]]


@pytest.mark.parametrize(
    ("text", "kind"), [("/annuler", "cancel"), ("on en reparle demain", "pause")]
)
async def test_cancel_or_pause_ends_the_form(text: str, kind: str) -> None:
    _, out = await validate("star_task", text)
    assert out == {"star_task": None, "flow_stop": kind, "requested_slot": None}
    assert (
        await star.ValidateStarForm().required_slots(
            [], CollectingDispatcher(), tracker({"flow_stop": kind}), {}
        )
        == []
    )


async def test_an_aside_is_answered_and_the_question_comes_back() -> None:
    dispatcher, out = await validate("star_result", "/help", intent="help")
    assert out == {"star_result": None, "ask_quietly": True}
    assert dispatcher.messages[0].get("response") == "utter_help"
    assert texts(dispatcher)[-1] == PART_PROMPTS["result"]
    _, deleting = await validate("star_result", "/delete_data", intent="delete_data")
    assert deleting["flow_stop"] == COMMAND_STOP


# --------------------------------------------------------------------------- the check


async def test_a_weak_answer_offers_to_redo_each_flagged_part(action_db: str) -> None:
    consent()
    dispatcher, events = await run(star.ActionCheckStar(), dict(WEAK))
    assert events == [] and saved() == []
    [message] = texts(dispatcher)
    draft = star.draft(tracker(dict(WEAK)))
    assert format_star(draft) in message
    assert all(flag.message in message for flag in check_star(draft))
    assert payloads(dispatcher) == [
        '/star_redo{"star_part":"action"}',
        '/star_redo{"star_part":"result"}',
        "/star_accept",
    ]


async def test_redoing_a_part_clears_only_that_part() -> None:
    dispatcher, events = await run(
        star.ActionStarRedo(), dict(WEAK), entities={"star_part": "action"}
    )
    assert texts(dispatcher) == ["Reprenons : Action."]
    out = slot_events(events)
    assert out["star_action"] is None and "star_result" not in out and "star_situation" not in out


async def test_an_old_redo_button_starts_a_new_answer() -> None:
    dispatcher, events = await run(star.ActionStarRedo(), {}, entities={"star_part": "action"})
    assert texts(dispatcher) == [star.STAR_INTRO]
    assert all(slot_events(events)[slot] is None for slot in star.SLOTS.values())


async def test_keeping_the_answer_saves_it(action_db: str) -> None:
    consent()
    dispatcher, events = await run(star.ActionSaveStar(), dict(WEAK), intent="star_accept")
    [row] = saved()
    assert row.action == WEAK["star_action"] and row.question == WEAK["star_question"]
    assert texts(dispatcher)[0].startswith(star.SAVED)
    assert all(slot_events(events)[slot] is None for slot in star.SLOTS.values())
    listed, _ = await run(star.ActionListStars(), intent="list_stars")
    assert texts(listed) == [f"Vos réponses STAR :\n1. {WEAK['star_question']}"]


async def test_a_strong_answer_is_saved_at_once(action_db: str) -> None:
    consent()
    assert check_star(StarDraft(**{k.removeprefix("star_"): v for k, v in STRONG.items()})) == []
    dispatcher, _ = await run(star.ActionCheckStar(), dict(STRONG))
    assert len(saved()) == 1
    assert texts(dispatcher)[0].startswith("Votre réponse tient debout")
    assert texts(dispatcher)[1].startswith(star.SAVED)


async def test_nothing_is_saved_without_consent(action_db: str) -> None:
    dispatcher, events = await run(star.ActionSaveStar(), dict(WEAK), intent="star_accept")
    assert texts(dispatcher) == [NO_CONSENT] and saved() == []
    assert events == [], "the answer stays in the slots"
    listed, _ = await run(star.ActionListStars(), intent="list_stars")
    assert texts(listed) == [NO_CONSENT]


async def test_nothing_to_save_offers_to_start(action_db: str) -> None:
    consent()
    dispatcher, _ = await run(star.ActionSaveStar(), {}, intent="star_accept")
    assert texts(dispatcher) == [star.NOTHING_TO_SAVE] and payloads(dispatcher) == ["/ask_star"]
    assert saved() == []


async def test_an_empty_list(action_db: str) -> None:
    consent()
    listed, _ = await run(star.ActionListStars(), intent="list_stars")
    assert texts(listed)[0].startswith("Aucune réponse STAR enregistrée")


# --------------------------------------------------------------------------- stopping


async def test_a_cancelled_form_keeps_nothing(action_db: str) -> None:
    consent()
    slots = {"star_question": SUGGESTED_QUESTIONS[0], "flow_stop": "cancel"}
    dispatcher, events = await run(star.ActionCheckStar(), slots)
    assert texts(dispatcher) == [CANCELLED] and saved() == []
    out = slot_events(events)
    assert out["star_question"] is None and out["flow_stop"] is None


async def test_a_paused_form_waits_for_on_reprend(action_db: str) -> None:
    consent()
    slots = {"star_question": SUGGESTED_QUESTIONS[0], "flow_stop": "pause"}
    dispatcher, events = await run(star.ActionCheckStar(), slots)
    assert "Rendez-vous" in texts(dispatcher)[0], "tomorrow's reminder is scheduled"
    out = slot_events(events)
    assert out["paused_flow"] == "star_form" and "star_question" not in out
    assert saved() == []


async def test_a_crisis_stops_the_form_until_asked(action_db: str) -> None:
    consent()
    dispatcher, events = await run(
        ActionCrisisSupport(), {"star_question": "x"}, intent="crisis", active_loop="star_form"
    )
    assert texts(dispatcher) == [CRISIS_REPLY]
    assert slot_events(events)["paused_flow"] == "star_form"
    assert {"event": "active_loop", "name": None} in [
        {"event": e["event"], "name": e.get("name")} for e in events if e["event"] == "active_loop"
    ]


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


async def test_a_database_problem_keeps_the_answer(database_down: None) -> None:
    dispatcher, events = await run(star.ActionSaveStar(), dict(WEAK), intent="star_accept")
    assert texts(dispatcher) == [star.SAVE_FAILED] and events == []
    listed, _ = await run(star.ActionListStars(), intent="list_stars")
    assert texts(listed) == [DB_PROBLEM]
