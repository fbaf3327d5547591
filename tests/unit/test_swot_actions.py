"""The guided SWOT against a real SQLite database: pre-filled from the feedback, each
quadrant kept, added to or trimmed, the whole edited in free text, saved, compared with the
SWOT before, drawn by the front-end; stopping and resuming like the other forms."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions import swot
from actions.common import DB_PROBLEM, NO_CONSENT, sessions
from actions.flow import CANCELLED, FORMS, ActionResumeConversation
from actions.interpretation import COMMAND_STOP
from actions.safety import ActionCrisisSupport
from coach.db import transaction
from coach.feedback import FeedbackAnalysis
from coach.feedbacks import save_feedback
from coach.models import Swot
from coach.safety import CRISIS_REPLY
from coach.swot import (
    DEFAULT_OPPORTUNITIES,
    MAX_ITEMS,
    OPPORTUNITY_WORDING,
    THREAT_WORDING,
    WEAKNESS_WORDING,
    SwotDraft,
    save_swot,
    swot_message,
)
from coach.users import find_user, give_consent

UID = 5151
NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)

DRAFT = {
    "strengths": ["Rigueur", "Sens du service client"],
    "weaknesses": ["Anglais oral hésitant", "Peu d'expérience en gestion de projet"],
    "opportunities": ["Le réseau : anciens collègues, école, LinkedIn"],
    "threats": ["Marché de l'emploi concurrentiel"],
}


def tracker(
    slots: dict[str, Any] | None = None,
    *,
    text: str = "",
    intent: str = "inform",
    confidence: float = 1.0,
    active_loop: str | None = None,
) -> Tracker:
    latest = {
        "intent": {"name": intent, "confidence": confidence},
        "text": text,
        "entities": [],
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


def saved() -> list[Swot]:
    with sessions()() as session:
        return list(session.scalars(select(Swot).order_by(Swot.id)))


def add_feedback(text: str, *themes: str) -> None:
    with transaction(sessions()) as session:
        user = find_user(session, UID)
        assert user is not None
        save_feedback(
            session,
            user,
            rejection_id=None,
            text=text,
            analysis=FeedbackAnalysis("constructive", set(themes)),
        )


def save_earlier(lists: dict[str, list[str]], when: dt.datetime) -> None:
    with transaction(sessions()) as session:
        user = find_user(session, UID)
        assert user is not None
        save_swot(session, user, SwotDraft(**{q: tuple(v) for q, v in lists.items()}), now=when)


async def validate(
    slot: str, text: str, slots: dict[str, Any] | None = None, **kwargs: Any
) -> tuple[CollectingDispatcher, dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    method = getattr(swot.ValidateSwotForm(), f"validate_{slot}")
    out = await method(text, dispatcher, tracker(slots, text=text, **kwargs), {})
    return dispatcher, out


async def run(
    action: Any, slots: dict[str, Any] | None = None, **kwargs: Any
) -> tuple[CollectingDispatcher, list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker(slots, **kwargs), {})
    return dispatcher, events


def with_draft(**lists: list[str]) -> dict[str, Any]:
    return {"swot_draft": {**DRAFT, **lists}}


def kept(out: dict[str, Any], quadrant: str) -> list[str]:
    return list(out["swot_draft"][quadrant])


# --------------------------------------------------------------------------- starting


async def test_starting_prefills_the_weaknesses_from_recurring_feedback_themes(
    action_db: str,
) -> None:
    consent()
    add_feedback("Il vous manquait des compétences en SQL.", "technical_skills")
    add_feedback("Un niveau technique en SQL encore un peu juste.", "technical_skills")
    add_feedback("Votre aisance à l'oral reste à travailler.", "communication")
    slots = {"swot_strengths": swot.DONE, "swot_confirm": swot.DONE, "flow_stop": "pause"}
    dispatcher, events = await run(swot.ActionStartSwot(), slots, intent="start_swot")
    [intro] = texts(dispatcher)
    assert "forces et faiblesses" in intro and "opportunités et menaces" in intro
    assert "guide, pas de verdict" in intro
    assert "/annuler" in intro and "on en reparle demain" in intro
    assert "précédent" not in intro, "no earlier SWOT to compare with"
    out = slot_events(events)
    assert all(out[slot] is None for slot in swot.FORM_SLOTS)
    assert out["flow_stop"] is None and "paused_flow" not in out
    first = out["swot_draft"]
    assert first["weaknesses"][:2] == [
        WEAKNESS_WORDING["technical_skills"] + " (revient dans 2 retours)",
        WEAKNESS_WORDING["communication"] + " (cité dans un retour)",
    ]
    assert first["opportunities"][0] == OPPORTUNITY_WORDING["technical_skills"]
    assert first["threats"][0] == THREAT_WORDING["technical_skills"]


async def test_starting_again_says_when_the_last_swot_was_made(action_db: str) -> None:
    consent()
    save_earlier(DRAFT, dt.datetime(2026, 10, 1, 9, 0, tzinfo=dt.UTC))
    dispatcher, events = await run(swot.ActionStartSwot(), intent="start_swot")
    assert "Votre SWOT précédent date du jeudi 1er octobre" in texts(dispatcher)[0]
    first = slot_events(events)["swot_draft"]
    assert first["weaknesses"] == [], "no feedback yet: nothing to suggest"
    assert first["opportunities"] == list(DEFAULT_OPPORTUNITIES)


async def test_a_new_swot_replaces_one_set_aside_but_not_other_flows(action_db: str) -> None:
    consent()
    _, events = await run(swot.ActionStartSwot(), {"paused_flow": "swot_form"})
    assert slot_events(events)["paused_flow"] is None
    _, events = await run(swot.ActionStartSwot(), {"paused_flow": "star_form"})
    assert "paused_flow" not in slot_events(events)


async def test_without_consent_the_form_stops_at_once(action_db: str) -> None:
    dispatcher, events = await run(swot.ActionStartSwot(), intent="start_swot")
    assert texts(dispatcher) == [NO_CONSENT]
    out = slot_events(events)
    assert out["flow_stop"] == swot.NOT_STARTED and out["swot_draft"] is None
    assert (
        await swot.ValidateSwotForm().required_slots([], CollectingDispatcher(), tracker(out), {})
        == []
    )
    closing, events = await run(swot.ActionSaveSwot(), out)
    assert texts(closing) == [], "the reason was already given"
    assert slot_events(events)["flow_stop"] is None and saved() == []


# --------------------------------------------------------------------------- the quadrants


async def test_the_form_goes_quadrant_by_quadrant_then_the_whole() -> None:
    required = await swot.ValidateSwotForm().required_slots(
        [], CollectingDispatcher(), tracker(), {}
    )
    assert required == [
        "swot_strengths",
        "swot_weaknesses",
        "swot_opportunities",
        "swot_threats",
        "swot_confirm",
    ]
    assert "swot_form" in FORMS


async def test_each_quadrant_shows_its_numbered_suggestions_and_how_to_answer() -> None:
    dispatcher, _ = await run(swot.ActionAskSwotWeaknesses(), with_draft())
    [message] = texts(dispatcher)
    assert message.startswith("Faiblesses (2/4)")
    assert "un guide, pas un verdict" in message
    assert "1. Anglais oral hésitant\n2. Peu d'expérience en gestion de projet" in message
    assert "« ok »" in message and "« retire 2 »" in message
    assert payloads(dispatcher) == ["ok"]
    assert dispatcher.messages[0]["buttons"][0]["title"] == "✅ Garder ainsi"
    empty, _ = await run(swot.ActionAskSwotStrengths(), with_draft(strengths=[]))
    assert swot.NO_SUGGESTION in texts(empty)[0] and "retire" not in texts(empty)[0]
    assert payloads(empty) == ["ok"]
    for action, label in [
        (swot.ActionAskSwotOpportunities(), "Opportunités (3/4)"),
        (swot.ActionAskSwotThreats(), "Menaces (4/4)"),
    ]:
        asked, _ = await run(action, with_draft())
        assert texts(asked)[0].startswith(label)
    quiet, events = await run(swot.ActionAskSwotThreats(), {**with_draft(), "ask_quietly": True})
    assert texts(quiet) == [] and slot_events(events) == {"ask_quietly": None}


@pytest.mark.parametrize("answer", ["ok", "OK !", "ok merci", "je garde", "c'est tout", "👍"])
async def test_ok_keeps_the_list_and_moves_on(answer: str) -> None:
    dispatcher, out = await validate("swot_opportunities", answer, with_draft())
    assert out == {"swot_opportunities": swot.DONE}
    assert texts(dispatcher) == []


async def test_new_items_are_added_one_per_line_or_after_a_semicolon() -> None:
    answer = "- Bonne organisation\nÀ l'écoute ; rigueur\n"
    dispatcher, out = await validate("swot_strengths", answer, with_draft())
    assert out["swot_strengths"] == swot.DONE, "an addition moves on"
    assert kept(out, "strengths") == [
        "Rigueur",
        "Sens du service client",
        "Bonne organisation",
        "À l'écoute",
    ], "« rigueur » was already there"
    assert texts(dispatcher) == ["C'est noté (2 ajouts)."]
    assert kept(out, "weaknesses") == DRAFT["weaknesses"], "the other lists are untouched"


async def test_an_item_already_there_is_not_doubled() -> None:
    dispatcher, out = await validate(
        "swot_threats", "marché de l'emploi concurrentiel", with_draft()
    )
    assert kept(out, "threats") == DRAFT["threats"]
    assert texts(dispatcher) == ["C'est déjà dans la liste."]


async def test_a_full_list_takes_no_more() -> None:
    full = [f"Atout numéro {n}" for n in range(1, MAX_ITEMS + 1)]
    dispatcher, out = await validate("swot_strengths", "Patience", with_draft(strengths=full))
    assert out == {"swot_strengths": None}
    assert "complète" in texts(dispatcher)[0]


@pytest.mark.parametrize("answer", ["retire 2", "enlève le 2", "sans le 2", "Supprime n°2"])
async def test_removing_an_item_shows_the_same_quadrant_again(answer: str) -> None:
    dispatcher, out = await validate(
        "swot_weaknesses", answer, with_draft(), intent="delete_data", confidence=0.95
    )
    assert out["swot_weaknesses"] is None and "ask_quietly" not in out, "asked again, in full"
    assert texts(dispatcher) == [], "the new list says it"
    assert "flow_stop" not in out, "a removal, not /supprimer"
    assert kept(out, "weaknesses") == ["Anglais oral hésitant"]
    asked, _ = await run(swot.ActionAskSwotWeaknesses(), {"swot_draft": out["swot_draft"]})
    assert "1. Anglais oral hésitant" in texts(asked)[0]
    assert "gestion de projet" not in texts(asked)[0]


async def test_several_items_can_go_at_once_and_a_wrong_number_is_explained() -> None:
    _, out = await validate("swot_strengths", "retire 1 et 2", with_draft())
    assert kept(out, "strengths") == []
    dispatcher, out = await validate("swot_strengths", "retire 7", with_draft())
    assert out == {"swot_strengths": None}
    assert texts(dispatcher) == ["Je ne trouve pas le numéro 7 parmi les forces (de 1 à 2)."]


async def test_an_item_can_be_removed_by_its_words() -> None:
    _, out = await validate("swot_opportunities", "enlève le réseau", with_draft())
    assert out["swot_opportunities"] is None and kept(out, "opportunities") == []
    dispatcher, out = await validate("swot_opportunities", "retire la météo", with_draft())
    assert texts(dispatcher) == [swot.NOT_FOUND]
    assert kept(out, "opportunities") == DRAFT["opportunities"]


async def test_an_edit_of_another_list_is_made_and_the_quadrant_stays() -> None:
    dispatcher, out = await validate(
        "swot_strengths", "ajoute IA qui automatise les tâches aux menaces", with_draft()
    )
    assert out["swot_strengths"] is None
    assert kept(out, "threats") == [*DRAFT["threats"], "IA qui automatise les tâches"]
    assert kept(out, "strengths") == DRAFT["strengths"]
    assert texts(dispatcher) == ["C'est fait, parmi les menaces."]


async def test_empty_strengths_get_one_gentle_nudge() -> None:
    slots = with_draft(strengths=[])
    dispatcher, out = await validate("swot_strengths", "ok", slots)
    assert out["swot_strengths"] is None and out["ask_quietly"] is True
    assert texts(dispatcher) == [swot.STRENGTHS_NUDGE]
    assert kept(out, "strengths") == []
    # The second « ok » is accepted: the list may stay empty.
    again, out = await validate("swot_strengths", "ok", {"swot_draft": out["swot_draft"]})
    assert out == {"swot_strengths": swot.DONE} and texts(again) == []
    # Weaknesses left empty are not nudged.
    _, out = await validate("swot_weaknesses", "ok", with_draft(weaknesses=[]))
    assert out == {"swot_weaknesses": swot.DONE}


@pytest.mark.parametrize("answer", ["🙂🙂", "...", "   ", "12"])
async def test_a_message_without_words_is_asked_again(answer: str) -> None:
    dispatcher, out = await validate("swot_threats", answer, with_draft())
    assert out == {"swot_threats": None}
    assert texts(dispatcher) == [swot.NO_WORDS]


async def test_a_resumed_form_keeps_the_quadrants_already_done() -> None:
    _, out = await validate("swot_strengths", swot.DONE, with_draft(), intent="resume_conversation")
    assert out == {"swot_strengths": swot.DONE}


@pytest.mark.parametrize(
    ("text", "kind"), [("/annuler", "cancel"), ("on en reparle demain", "pause")]
)
async def test_cancel_or_pause_ends_the_form(text: str, kind: str) -> None:
    _, out = await validate("swot_weaknesses", text, with_draft())
    assert out == {"swot_weaknesses": None, "flow_stop": kind, "requested_slot": None}
    assert (
        await swot.ValidateSwotForm().required_slots(
            [], CollectingDispatcher(), tracker({"flow_stop": kind}), {}
        )
        == []
    )


async def test_an_aside_is_answered_and_the_question_comes_back() -> None:
    dispatcher, out = await validate("swot_strengths", "/help", with_draft(), intent="help")
    assert out == {"swot_strengths": None}
    assert dispatcher.messages[0].get("response") == "utter_help"
    _, deleting = await validate(
        "swot_strengths", "/delete_data", with_draft(), intent="delete_data"
    )
    assert deleting["flow_stop"] == COMMAND_STOP


# --------------------------------------------------------------------------- the whole


async def test_the_whole_swot_is_shown_with_a_save_button() -> None:
    dispatcher, _ = await run(swot.ActionAskSwotConfirm(), with_draft())
    [message] = texts(dispatcher)
    assert message == swot_message(swot.draft(tracker(with_draft())))
    assert payloads(dispatcher) == ["c'est bon"]


@pytest.mark.parametrize(
    ("edit", "quadrant", "expected"),
    [
        (
            "ajoute bonne organisation aux forces",
            "strengths",
            [*DRAFT["strengths"], "bonne organisation"],
        ),
        ("retire la faiblesse 2", "weaknesses", ["Anglais oral hésitant"]),
        (
            "menaces : IA qui automatise les tâches",
            "threats",
            [*DRAFT["threats"], "IA qui automatise les tâches"],
        ),
    ],
)
async def test_each_edit_is_applied_and_the_new_lists_shown(
    edit: str, quadrant: str, expected: list[str]
) -> None:
    dispatcher, out = await validate("swot_confirm", edit, with_draft())
    assert out["swot_confirm"] is None and out["ask_quietly"] is True, "asked again, quietly"
    assert kept(out, quadrant) == expected
    [message] = texts(dispatcher)
    new = swot.draft(tracker({"swot_draft": out["swot_draft"]}))
    assert message.startswith("C'est fait.") and swot_message(new) in message
    assert payloads(dispatcher) == ["c'est bon"]


async def test_an_edit_that_changes_nothing_says_why() -> None:
    dispatcher, out = await validate("swot_confirm", "retire la menace 5", with_draft())
    assert "swot_draft" not in out and out["ask_quietly"] is True
    assert texts(dispatcher) == ["Je ne trouve pas le numéro 5 parmi les menaces (de 1 à 1)."]
    dispatcher, out = await validate(
        "swot_confirm", "retire le réseau des opportunités", with_draft()
    )
    assert kept(out, "opportunities") == [], "by its words"
    dispatcher, out = await validate("swot_confirm", "retire la météo des menaces", with_draft())
    assert "retire la menace 2" in texts(dispatcher)[0], "by its words, not found: the number"
    dispatcher, out = await validate("swot_confirm", "ajoute rigueur aux forces", with_draft())
    assert "swot_draft" not in out
    assert texts(dispatcher) == ["C'est déjà parmi les forces."]


async def test_an_unreadable_edit_gets_the_examples_again() -> None:
    dispatcher, out = await validate("swot_confirm", "hmm je sais pas trop", with_draft())
    assert out == {"swot_confirm": None, "ask_quietly": True}
    assert texts(dispatcher) == [swot.EDIT_EXAMPLES]


@pytest.mark.parametrize(
    "answer", ["c'est bon", "C'est bon !", "ok", "oui", "enregistre", "parfait", "valide"]
)
async def test_cest_bon_ends_the_form(answer: str) -> None:
    _, out = await validate("swot_confirm", answer, with_draft())
    assert out == {"swot_confirm": swot.DONE}


# --------------------------------------------------------------------------- saving


def done(lists: dict[str, list[str]] | None = None) -> dict[str, Any]:
    slots: dict[str, Any] = {"swot_draft": dict(lists or DRAFT)}
    slots.update({slot: swot.DONE for slot in swot.FORM_SLOTS})
    return slots


async def test_saving_keeps_a_dated_copy_and_asks_for_the_picture(action_db: str) -> None:
    consent()
    dispatcher, events = await run(swot.ActionSaveSwot(), done())
    [row] = saved()
    assert row.strengths == DRAFT["strengths"] and row.threats == DRAFT["threats"]
    message = texts(dispatcher)[0]
    assert message.startswith("C'est enregistré ✅ Votre SWOT du ")
    assert "Depuis" not in message, "nothing to compare with yet"
    assert {"rebond": "swot_chart"} in [m.get("custom") for m in dispatcher.messages]
    assert "je veux progresser en" in texts(dispatcher)[-1]
    assert payloads(dispatcher) == ["/set_goal"]
    out = slot_events(events)
    assert all(out[slot] is None for slot in ("swot_draft", *swot.FORM_SLOTS))


async def test_a_new_swot_is_compared_with_the_one_before(action_db: str) -> None:
    consent()
    save_earlier(
        {**DRAFT, "strengths": ["Rigueur"], "weaknesses": ["Sens du service client"]},
        dt.datetime(2026, 9, 1, 8, 0, tzinfo=dt.UTC),
    )
    dispatcher, _ = await run(swot.ActionSaveSwot(), done())
    assert len(saved()) == 2
    message = texts(dispatcher)[0]
    assert "Depuis votre bilan du 1er septembre 2026 :" in message
    assert "« Sens du service client » est passé des faiblesses aux forces." in message
    assert "+ Faiblesses : Anglais oral hésitant" in message


async def test_nothing_to_save_without_a_finished_swot(action_db: str) -> None:
    consent()
    dispatcher, _ = await run(swot.ActionSaveSwot(), {"swot_draft": DRAFT})
    assert texts(dispatcher) == [swot.NOTHING_TO_SAVE] and payloads(dispatcher) == ["/start_swot"]
    assert saved() == []


# --------------------------------------------------------------------------- stopping


async def test_a_cancelled_swot_keeps_nothing(action_db: str) -> None:
    consent()
    slots = {**with_draft(), "swot_strengths": swot.DONE, "flow_stop": "cancel"}
    dispatcher, events = await run(swot.ActionSaveSwot(), slots)
    assert texts(dispatcher) == [CANCELLED] and saved() == []
    out = slot_events(events)
    assert out["swot_draft"] is None and out["swot_strengths"] is None and out["flow_stop"] is None


async def test_a_paused_swot_waits_for_on_reprend(action_db: str) -> None:
    consent()
    slots = {**with_draft(), "swot_strengths": swot.DONE, "flow_stop": "pause"}
    dispatcher, events = await run(swot.ActionSaveSwot(), slots)
    assert "Rendez-vous" in texts(dispatcher)[0], "tomorrow's reminder is scheduled"
    out = slot_events(events)
    assert out["paused_flow"] == "swot_form" and "swot_draft" not in out
    assert saved() == []
    resumed, events = await run(ActionResumeConversation(), {"paused_flow": "swot_form"})
    assert texts(resumed) == ["Reprenons là où nous en étions."]
    assert slot_events(events)["paused_flow"] is None


async def test_a_command_sets_the_swot_aside(action_db: str) -> None:
    consent()
    slots = {**with_draft(), "flow_stop": COMMAND_STOP}
    dispatcher, events = await run(swot.ActionSaveSwot(), slots, intent="start")
    assert texts(dispatcher) == [swot.SET_ASIDE] and saved() == []
    assert slot_events(events)["paused_flow"] == "swot_form"
    assert {"event": "followup", "name": "action_start"} in [
        {"event": e["event"], "name": e.get("name")} for e in events
    ]


async def test_a_crisis_stops_the_form_until_asked(action_db: str) -> None:
    consent()
    dispatcher, events = await run(
        ActionCrisisSupport(), with_draft(), intent="crisis", active_loop="swot_form"
    )
    assert texts(dispatcher) == [CRISIS_REPLY]
    assert slot_events(events)["paused_flow"] == "swot_form"


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


async def test_a_database_problem_at_the_start_stops_the_form_kindly(
    database_down: None,
) -> None:
    dispatcher, events = await run(swot.ActionStartSwot(), intent="start_swot")
    assert texts(dispatcher) == [DB_PROBLEM]
    assert slot_events(events)["flow_stop"] == swot.NOT_STARTED


async def test_a_database_problem_at_saving_keeps_the_swot_for_later(
    database_down: None, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    dispatcher, events = await run(swot.ActionSaveSwot(), done())
    assert texts(dispatcher) == [swot.SAVE_FAILED]
    out = slot_events(events)
    assert out == {"swot_confirm": None, "paused_flow": "swot_form", "ask_quietly": None}
    assert "swot_draft" not in out, "the lists stay for « on reprend »"
    assert "failed on the database" in caplog.text
    assert "Rigueur" not in caplog.text and "Anglais" not in caplog.text, "no user text in logs"


async def test_an_addition_at_the_final_check_splits_on_semicolons() -> None:
    dispatcher = CollectingDispatcher()
    out = await swot.ValidateSwotForm().validate_swot_confirm(
        "forces : rigueur ; curiosité",
        dispatcher,
        tracker({swot.DRAFT_SLOT: swot.stored(SwotDraft(strengths=("Écoute",)))}),
        {},
    )
    saved = swot.draft(tracker({swot.DRAFT_SLOT: out[swot.DRAFT_SLOT]}))
    assert saved.strengths == ("Écoute", "rigueur", "curiosité")
