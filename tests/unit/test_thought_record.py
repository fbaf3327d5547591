"""Reframing self-blame (issue 17): reading self-blame, suggesting thinking traps, the nine
steps of the thought record, its journal entry (in /export, erased by /supprimer), the offer
after a self-blaming feeling and the pointer to a professional."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions import thought_record as tr
from actions.common import sessions
from actions.emotions import ActionRespondMood, ActionShowJournal
from actions.flow import CANCELLED, FORMS, NEXT_STEPS_QUESTION
from coach.db import transaction
from coach.feedback import FeedbackAnalysis
from coach.feedbacks import save_feedback
from coach.journal import add_entry
from coach.models import JournalEntry, Mood
from coach.privacy import delete_user, export_user
from coach.rejections import save_rejection
from coach.thought_record import (
    KIND,
    NOT_THERAPY,
    SKIPPED,
    STEPS,
    TRAP_EXPLANATIONS,
    TRAPS,
    ThoughtRecord,
    belief_change,
    evidence_from,
    is_self_blame,
    parse_rating,
    parse_trap,
    recent_count,
    render,
    save_thought_record,
    suggest_traps,
)
from coach.users import find_user, give_consent

UID = 4848

# --------------------------------------------------------------------------- reading

SELF_BLAME = [
    "je suis nulle",
    "Je suis nul.",
    "je n'y arriverai jamais",
    "ils ont vu que je ne valais rien",
    "chui nul",
    "chuis trop nulle en vrai",
    "jy arriverai jamais",
    "J'Y ARRIVERAI JAMAIS !!",
    "je me sens comme une ratée",
    "je suis bonne à rien",
    "je ne vaux rien",
    "c'est de ma faute si j'ai pas été prise",
    "personne ne voudra jamais de moi",
    "j'ai tout raté, comme d'habitude",
    "je suis pas à la hauteur",
    "encore refusée… je me trouve vraiment nulle",
]
NOT_SELF_BLAME = [
    "je suis déçue",
    "je suis en colère contre eux",
    "je ne suis pas nulle, juste déçue",
    "je suis pas nul, c'est eux qui ont raté quelque chose",
    "ce poste ne vaut rien de toute façon",
    "je suis nulle en Excel, des conseils ?",  # a skill, not the person
    "ça va, je rebondis",
    "à quoi bon",  # discouragement (and the crisis tiers' business), not a verdict on oneself
    "",
]


@pytest.mark.parametrize("text", SELF_BLAME)
def test_self_blaming_thoughts_are_recognised(text: str) -> None:
    assert is_self_blame(text)


@pytest.mark.parametrize("text", NOT_SELF_BLAME)
def test_other_feelings_and_reassurance_are_not_self_blame(text: str) -> None:
    assert not is_self_blame(text)


@pytest.mark.parametrize(
    ("thought", "traps"),
    [
        ("je suis nulle", ("tout_ou_rien",)),
        ("je n'y arriverai jamais", ("generalisation", "catastrophisme")),
        ("ils ont vu que je ne valais rien", ("lecture_de_pensee", "tout_ou_rien")),
        ("c'est de ma faute, j'aurais dû mieux préparer", ("personnalisation",)),
        ("personne ne voudra jamais de moi", ("generalisation", "catastrophisme")),
        ("jy arriverai jamais", ("generalisation", "catastrophisme")),
        ("le recruteur a pensé que j'étais trop vieux", ("lecture_de_pensee",)),
        ("j'ai eu un refus mardi", ()),
    ],
)
def test_thinking_traps_are_suggested_from_the_wording(thought: str, traps: tuple) -> None:  # type: ignore[type-arg]
    assert suggest_traps(thought) == traps


def test_every_trap_is_explained_in_one_plain_sentence() -> None:
    assert set(TRAP_EXPLANATIONS) == set(TRAPS) and len(TRAPS) == 5
    for explanation in TRAP_EXPLANATIONS.values():
        assert explanation.endswith(".") and explanation.count(".") == 1
        assert len(explanation) < 130


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("80", 80),
        ("80 %", 80),
        ("à peu près 60%", 60),
        ("8/10", 80),
        ("7 sur 10", 70),
        ("0", 0),
        ("100", 100),
        ("cinquante", 50),
        ("quatre-vingt-dix", 90),
        ("150", None),
        ("beaucoup", None),
        ("", None),
        ("je dirais 70 sur 100", 70),
        # A number inside a sentence answers something else.
        ("j'ai eu 2 entretiens le mois dernier", None),
        ("ils m'ont dit non au bout de 3 semaines d'attente", None),
    ],
)
def test_ratings_are_read_from_0_to_100(text: str, value: int | None) -> None:
    assert parse_rating(text) == value


@pytest.mark.parametrize(
    ("text", "trap"),
    [
        ("1", "generalisation"),
        ("5", "personnalisation"),
        ("Généralisation", "generalisation"),
        ("lecture de pensée", "lecture_de_pensee"),
        ("plutôt du catastrophisme je pense", "catastrophisme"),
        ("tout ou rien", "tout_ou_rien"),
        ("aucun", "aucun"),
        ("6", None),
        ("bof", None),
    ],
)
def test_the_trap_picked_is_read_from_its_name_or_number(text: str, trap: str | None) -> None:
    assert parse_trap(text) == trap


def test_belief_change_says_how_the_thought_moved() -> None:
    assert "de sa force" in (belief_change(80, 40) or "")
    assert "toujours à 60/100" in (belief_change(60, 60) or "")
    assert "davantage" in (belief_change(40, 70) or "")
    assert belief_change(None, 40) is None and belief_change(80, None) is None


FULL = ThoughtRecord(
    situation="Refus de Capgemini après l'entretien final, lundi",
    thought="je suis nulle",
    belief=85,
    emotion="Honte",
    evidence_for="Ils ont pris quelqu'un d'autre",
    evidence_against="J'ai passé trois entretiens ; mon manager m'a félicitée en juin",
    trap="tout_ou_rien",
    balanced="Ce refus me déçoit, mais je suis allée jusqu'au dernier entretien",
    belief_after=40,
)


def test_the_record_reads_back_every_step_and_marks_skipped_ones() -> None:
    text = render(FULL)
    assert text.splitlines() == [
        "Situation : Refus de Capgemini après l'entretien final, lundi",
        "Pensée : « je suis nulle »",
        "J'y croyais à : 85/100",
        "Émotion : Honte",
        "Ce qui va dans son sens : Ils ont pris quelqu'un d'autre",
        "Ce qui la contredit : J'ai passé trois entretiens ; mon manager m'a félicitée en juin",
        "Piège de pensée possible : Tout ou rien (" + TRAP_EXPLANATIONS["tout_ou_rien"] + ")",
        "Pensée plus équilibrée : Ce refus me déçoit, mais je suis allée jusqu'au dernier "
        "entretien",
        "J'y crois maintenant à : 40/100",
    ]
    partial = render(ThoughtRecord(thought="je suis nul", emotion=SKIPPED, trap="aucun"))
    assert "Émotion : (passé)" in partial and "Situation : (passé)" in partial
    assert "Piège de pensée possible : aucun de la liste" in partial
    assert ThoughtRecord(emotion=SKIPPED).answered() == 0


def test_evidence_comes_from_successes_feedbacks_and_interviews() -> None:
    lines = evidence_from(
        successes=["• Certification AWS obtenue\n• Projet livré en avance"],
        feedbacks=[
            ("capgemini", "Nous avons apprécié votre rigueur. Il manquait cependant du SQL."),
            (None, "Nous avons retenu un autre profil."),
        ],
        interviews=["Capgemini", "Thales"],
    )
    assert lines == [
        "Une réussite que vous avez notée : Certification AWS obtenue",
        "Le retour de Capgemini disait : « Nous avons apprécié votre rigueur. »",
        "Vous avez été reçu·e en entretien 2 fois (Capgemini, Thales) : votre candidature a "
        "convaincu des recruteurs de vous rencontrer.",
        "Une réussite que vous avez notée : Projet livré en avance",
    ]
    assert evidence_from(successes=[], feedbacks=[], interviews=[]) == []


# --------------------------------------------------------------------------- storage


def consent_user(session_factory: Any, uid: int = UID) -> None:
    with transaction(session_factory) as session:
        give_consent(session, uid, first_name="Léa", timezone="Europe/Paris")


def test_saved_as_a_journal_entry_in_export_and_erased(session_factory: Any) -> None:
    consent_user(session_factory)
    with transaction(session_factory) as session:
        user = find_user(session, UID)
        assert user is not None
        entry = save_thought_record(session, user, FULL)
        assert entry is not None and entry.kind == KIND == "thought_record"
        assert save_thought_record(session, user, ThoughtRecord(belief=None)) is None
    with transaction(session_factory) as session:
        user = find_user(session, UID)
        assert user is not None
        add_entry(session, user, "journal", "une autre note")
    with session_factory() as session:
        exported = export_user(session, UID)
    journal = exported["journal"]
    assert [item["kind"] for item in journal] == ["thought_record", "journal"]
    assert journal[0]["text"] == render(FULL)
    # SPEC §10: a key of their own, with the thought records only.
    assert exported["thought_records"] == [journal[0]]
    with transaction(session_factory) as session:
        assert delete_user(session, UID)
    with session_factory() as session:
        assert export_user(session, UID)["journal"] == []
        assert export_user(session, UID)["thought_records"] == []
        assert session.scalars(select(JournalEntry)).all() == []


def test_recent_records_are_counted_over_the_last_14_days(session_factory: Any) -> None:
    consent_user(session_factory)
    now = dt.datetime(2026, 12, 5, 12, tzinfo=dt.UTC)
    with transaction(session_factory) as session:
        user = find_user(session, UID)
        assert user is not None
        for days_ago in (20, 10, 1):
            entry = save_thought_record(session, user, FULL)
            assert entry is not None
            entry.created_at = now - dt.timedelta(days=days_ago)
        add_entry(session, user, "journal", "une autre note")
        session.flush()
        assert recent_count(session, user, now=now) == 2
        assert recent_count(session, user, now=now, days=30) == 3


# --------------------------------------------------------------------------- actions


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


async def run(
    action: Any, slots: dict[str, Any] | None = None, **kwargs: Any
) -> tuple[CollectingDispatcher, list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker(slots, **kwargs), {})
    return dispatcher, events


async def validate(
    step: str, text: str, slots: dict[str, Any] | None = None, **kwargs: Any
) -> tuple[CollectingDispatcher, dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    method = getattr(tr.ValidateThoughtForm(), f"validate_tr_{step}")
    out = await method(text, dispatcher, tracker(slots, text=text, **kwargs), {})
    return dispatcher, out


def consent_action_user() -> None:
    with transaction(sessions()) as session:
        give_consent(session, UID, first_name="Léa", timezone="Europe/Paris")


@pytest.mark.usefixtures("action_db")
async def test_a_self_blaming_feeling_gets_the_usual_answer_plus_the_offer() -> None:
    consent_action_user()
    dispatcher, events = await run(
        ActionRespondMood(),
        text="ils ont vu que je ne valais rien",
        intent="express_negative_emotion",
    )
    said = texts(dispatcher)
    assert "Quelques pistes" in said[0], "the emotional acknowledgement stays"
    assert said[-1] == tr.OFFER
    assert payloads(dispatcher)[-2:] == ["/thought_record", "/thought_record_decline"]
    assert NEXT_STEPS_QUESTION not in said, "the offer stands in for the next steps"
    assert slot_events(events)[tr.CONTEXT] == {"trigger": "ils ont vu que je ne valais rien"}
    with sessions()() as session:
        assert [m.mood for m in session.scalars(select(Mood))] == ["doute"]

    plain, _ = await run(
        ActionRespondMood(), text="je suis déçue", intent="express_negative_emotion"
    )
    assert tr.OFFER not in texts(plain) and "/thought_record" not in payloads(plain)
    assert texts(plain)[-1] == NEXT_STEPS_QUESTION


@pytest.mark.usefixtures("action_db")
async def test_not_now_brings_back_the_next_steps() -> None:
    dispatcher, events = await run(
        tr.ActionDeclineThoughtRecord(), {tr.CONTEXT: {"trigger": "je suis nulle"}}
    )
    assert texts(dispatcher) == [tr.DECLINED, NEXT_STEPS_QUESTION]
    assert "/journal_write" in payloads(dispatcher)
    assert slot_events(events)[tr.CONTEXT] is None


@pytest.mark.usefixtures("action_db")
async def test_starting_says_it_is_self_help_and_how_to_skip_and_stop() -> None:
    consent_action_user()
    with transaction(sessions()) as session:
        user = find_user(session, UID)
        assert user is not None
        save_rejection(
            session,
            user,
            {
                "company": "orange",
                "position": "chargée de clientèle",
                "rejection_date": "2026-12-01",
            },
        )
    old = {slot: "ancien" for slot in tr.SLOTS.values()}
    dispatcher, events = await run(
        tr.ActionStartThoughtRecord(), {**old, tr.CONTEXT: {"trigger": "je suis nulle"}}
    )
    intro = texts(dispatcher)[0]
    assert NOT_THERAPY in intro and "« passer »" in intro and "« stop »" in intro
    out = slot_events(events)
    assert all(out[slot] is None for slot in tr.SLOTS.values())
    assert out[tr.CONTEXT]["trigger"] == "je suis nulle"
    assert out[tr.CONTEXT]["situation"] == "Le refus d'Orange pour le poste de chargée de clientèle"
    assert "thought_form" in FORMS


async def test_the_form_asks_the_nine_steps_in_order() -> None:
    required = await tr.ValidateThoughtForm().required_slots(
        [], CollectingDispatcher(), tracker(), {}
    )
    assert required == [f"tr_{step}" for step in STEPS] and len(STEPS) == 9
    stopped = await tr.ValidateThoughtForm().required_slots(
        [], CollectingDispatcher(), tracker({"flow_stop": "cancel"}), {}
    )
    assert stopped == []


async def test_each_step_can_be_skipped() -> None:
    for step in STEPS:
        _, out = await validate(step, "passer")
        assert out == {f"tr_{step}": SKIPPED}, step


async def test_the_thought_and_situation_can_be_kept_from_the_context() -> None:
    context = {tr.CONTEXT: {"trigger": "je suis nulle", "situation": "Le refus d'Orange"}}
    dispatcher = CollectingDispatcher()
    tr.ask(dispatcher, tracker(context), "thought")
    assert "« je suis nulle »" in texts(dispatcher)[0] and payloads(dispatcher) == ["1", "passer"]
    _, out = await validate("thought", "1", context)
    assert out == {"tr_thought": "je suis nulle"}
    _, out = await validate("thought", "oui", context)
    assert out == {"tr_thought": "je suis nulle"}
    _, out = await validate("thought", "je ne vaux rien", context)
    assert out == {"tr_thought": "je ne vaux rien"}
    _, out = await validate("situation", "1", context)
    assert out == {"tr_situation": "Le refus d'Orange"}


async def test_ratings_must_be_numbers_from_0_to_100() -> None:
    _, out = await validate("belief", "80 %")
    assert out == {"tr_belief": 80}
    dispatcher, out = await validate("belief_after", "beaucoup")
    assert out == {"tr_belief_after": None, "ask_quietly": True}
    assert texts(dispatcher) == [tr.NOT_A_RATING]
    assert payloads(dispatcher) == ["0", "25", "50", "75", "100", "passer"]


async def test_the_trap_question_explains_all_five_and_points_at_the_suggested_ones() -> None:
    slots = {"tr_thought": "je n'y arriverai jamais"}
    dispatcher = CollectingDispatcher()
    tr.ask(dispatcher, tracker(slots), "trap")
    question = texts(dispatcher)[0]
    assert all(explanation in question for explanation in TRAP_EXPLANATIONS.values())
    assert "je pencherais pour : Généralisation ou Catastrophisme" in question
    titles = [b["title"] for b in dispatcher.messages[0]["buttons"]]
    assert titles[:5] == [
        "👉 Généralisation",
        "Lecture de pensée",
        "👉 Catastrophisme",
        "Tout ou rien",
        "Personnalisation",
    ]
    _, out = await validate("trap", "3", slots)
    assert out == {"tr_trap": "catastrophisme"}
    dispatcher, out = await validate("trap", "je sais pas trop ce que c'est", slots)
    assert out == {"tr_trap": None, "ask_quietly": True} and texts(dispatcher) == [tr.NOT_A_TRAP]


@pytest.mark.usefixtures("action_db")
async def test_facts_against_offer_the_persons_own_successes_and_feedbacks() -> None:
    consent_action_user()
    with transaction(sessions()) as session:
        user = find_user(session, UID)
        assert user is not None
        add_entry(session, user, "successes", "• Certification AWS obtenue")
        save_feedback(
            session,
            user,
            rejection_id=None,
            text="Nous avons beaucoup apprécié votre énergie.",
            analysis=FeedbackAnalysis("generic", set()),
        )
    dispatcher = CollectingDispatcher()
    tr.ask(dispatcher, tracker(), "evidence_against")
    question = texts(dispatcher)[0]
    assert "• Une réussite que vous avez notée : Certification AWS obtenue" in question
    assert "« Nous avons beaucoup apprécié votre énergie. »" in question
    assert payloads(dispatcher) == ["1", "passer"]
    _, out = await validate("evidence_against", "1")
    assert "Certification AWS obtenue" in out["tr_evidence_against"]


async def test_stop_cancels_and_a_pause_sets_the_exercise_aside() -> None:
    _, out = await validate("emotion", "stop")
    assert out == {"tr_emotion": None, "flow_stop": "cancel", "requested_slot": None}
    _, out = await validate("balanced", "on en reparle demain")
    assert out["flow_stop"] == "pause"
    dispatcher, events = await run(tr.ActionSaveThoughtRecord(), {"flow_stop": "cancel"})
    assert texts(dispatcher) == [CANCELLED]
    assert slot_events(events)[tr.CONTEXT] is None


async def test_a_word_without_letters_is_asked_again() -> None:
    dispatcher, out = await validate("evidence_for", "🙁🙁")
    assert out == {"tr_evidence_for": None, "ask_quietly": True}
    assert texts(dispatcher)[0].startswith(tr.NO_WORDS)


def filled(**changes: Any) -> dict[str, Any]:
    values = {
        "situation": FULL.situation,
        "thought": FULL.thought,
        "belief": FULL.belief,
        "emotion": FULL.emotion,
        "evidence_for": FULL.evidence_for,
        "evidence_against": FULL.evidence_against,
        "trap": FULL.trap,
        "balanced": FULL.balanced,
        "belief_after": FULL.belief_after,
        **changes,
    }
    return {f"tr_{step}": value for step, value in values.items()}


@pytest.mark.usefixtures("action_db")
async def test_the_record_is_saved_shown_back_and_a_third_one_points_to_a_professional() -> None:
    consent_action_user()
    dispatcher, events = await run(tr.ActionSaveThoughtRecord(), filled())
    said = texts(dispatcher)
    assert said[0] == f"{tr.SAVED}\n\n{render(FULL)}"
    assert "de 85/100" not in said[1] and "85/100, maintenant à 40/100" in said[1]
    assert "3114" not in said[1], "no professional pointer after a first record"
    assert said[-1] == NEXT_STEPS_QUESTION
    assert all(slot_events(events)[slot] is None for slot in tr.SLOTS.values())
    with sessions()() as session:
        entries = session.scalars(select(JournalEntry)).all()
    assert [(e.kind, e.text) for e in entries] == [("thought_record", render(FULL))]

    await run(tr.ActionSaveThoughtRecord(), filled(emotion=SKIPPED))
    third, _ = await run(tr.ActionSaveThoughtRecord(), filled(belief_after=SKIPPED))
    closing = texts(third)[1]
    assert "3e fois en 14 jours" in closing and "psychologue" in closing and "3114" in closing

    journal, _ = await run(ActionShowJournal())
    assert "Exercice sur une pensée" in texts(journal)[0]


@pytest.mark.usefixtures("action_db")
async def test_nothing_answered_saves_nothing() -> None:
    consent_action_user()
    empty = {slot: SKIPPED for slot in tr.SLOTS.values()}
    dispatcher, _ = await run(tr.ActionSaveThoughtRecord(), empty)
    assert texts(dispatcher) == [tr.NOTHING_SAVED]
    with sessions()() as session:
        assert session.scalars(select(JournalEntry)).all() == []


async def test_a_self_blaming_answer_to_the_mood_question_is_self_doubt() -> None:
    from actions.emotions import ValidateMoodForm

    text = "ils ont vu que je ne valais rien"
    out = await ValidateMoodForm().validate_mood(
        text, CollectingDispatcher(), tracker(text=text, active_loop="mood_form"), {}
    )
    assert out == {"mood": "doute"}
