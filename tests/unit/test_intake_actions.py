"""The intake form and the emotion flow as the action server runs them (real SQLite rows)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions import flow
from actions.emotions import (
    ActionAskJournalText,
    ActionAskMood,
    ActionAskSuccessesText,
    ActionRespondMood,
    ActionSaveJournal,
    ActionSaveSuccesses,
    ActionShowJournal,
    ValidateJournalForm,
    ValidateMoodForm,
    ValidateSuccessesForm,
)
from actions.flow import ActionPostpone, ActionResumeConversation, interruption
from actions.intake import (
    ASK_ACTIONS,
    ActionFinishIntake,
    ActionStartIntake,
    ActionUnplacedText,
    ValidateIntakeForm,
    required_intake_slots,
)
from actions.safety import ActionCrisisSupport
from coach.db import transaction
from coach.intake import SLOTS, UNKNOWN, WHY_WE_ASK
from coach.language import writing
from coach.models import JournalEntry, Mood, Rejection, Reminder
from coach.users import find_user, give_consent

UID = 4242
NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    """Wednesday 25 November 2026 in the actions' calendar."""
    monkeypatch.setattr("actions.intake.local_today", lambda _tz: dt.date(2026, 11, 25))


def tracker(
    slots: dict[str, Any] | None = None,
    *,
    text: str = "",
    intent: str = "x",
    active_loop: str | None = None,
    events: list[dict[str, Any]] | None = None,
) -> Tracker:
    return Tracker(
        str(UID),
        dict(slots or {}),
        {"intent": {"name": intent}, "text": text, "entities": [], "metadata": {}},
        events or [],
        False,
        None,
        {"name": active_loop} if active_loop else {},
        "action_listen",
    )


def slot_events(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def texts(dispatcher: CollectingDispatcher) -> list[str]:
    return [m.get("text") or "" for m in dispatcher.messages]


def consent() -> None:
    from actions.common import sessions

    with transaction(sessions()) as session:
        give_consent(session, UID, first_name="Camille", timezone="Europe/Paris", now=NOW)


def rows(model: Any) -> list[Any]:
    from actions.common import sessions

    with sessions()() as session:
        return list(session.scalars(select(model).order_by(model.id)))


# --------------------------------------------------------------------------- start


async def test_the_first_sentence_prefills_what_it_says() -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionStartIntake().run(
        dispatcher,
        tracker(text="refus de Capgemini pour le CDI de data analyst reçu hier"),
        {},
    )
    slots = slot_events(events)
    assert slots["company"] == "Capgemini"
    assert slots["position"] == "data analyst (CDI)"
    assert slots["rejection_date"] == "2026-11-24"
    assert "stage" not in slots or slots["stage"] is None
    [message] = texts(dispatcher)
    assert "Capgemini" in message and "mardi 24 novembre" in message


async def test_an_impossible_date_in_the_first_sentence_becomes_the_date_question() -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionStartIntake().run(
        dispatcher, tracker(text="j'ai eu un refus de Decathlon le 31 février"), {}
    )
    slots = slot_events(events)
    assert slots.get("rejection_date") is None
    hint = slots["date_hint"]
    assert isinstance(hint, str) and "février" in hint
    ask = CollectingDispatcher()
    asked = await ASK_ACTIONS["rejection_date"]().run(
        ask, tracker({**slots, "company": "Decathlon"}), {}
    )
    assert texts(ask) == [hint]
    assert slot_events(asked) == {"date_hint": None}


async def test_a_paused_intake_goes_on_instead_of_starting_over() -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionStartIntake().run(
        dispatcher,
        tracker({"paused_flow": "intake_form", "company": "Orange"}, text="/report_rejection"),
        {},
    )
    assert slot_events(events) == {"paused_flow": None, "flow_stop": None, "flow_step": None}
    assert "Orange" in texts(dispatcher)[0]
    # Another company named: a new rejection, the old answers are cleared.
    events = await ActionStartIntake().run(
        CollectingDispatcher(),
        tracker({"paused_flow": "intake_form", "company": "Orange"}, text="refus chez Airbus"),
        {},
    )
    assert slot_events(events)["company"] == "Airbus"


# --------------------------------------------------------------------------- validation


async def validate(
    slot: str, value: Any, slots: dict[str, Any] | None = None
) -> tuple[dict[str, Any], list[str], CollectingDispatcher]:
    dispatcher = CollectingDispatcher()
    form = ValidateIntakeForm()
    method = getattr(form, f"validate_{slot}")
    state = {"requested_slot": slot, **(slots or {})}
    out = await method(value, dispatcher, tracker(state, text=str(value)), {})
    return out, texts(dispatcher), dispatcher


async def test_button_values_and_free_text_are_normalised() -> None:
    assert (await validate("stage", "premier_entretien"))[0] == {"stage": "premier_entretien"}
    assert (await validate("stage", "après le 2e entretien"))[0] == {"stage": "entretiens_suivants"}
    assert (await validate("formal_rejection", "oui"))[0] == {"formal_rejection": True}
    assert (await validate("interviewer_count", "plusieurs"))[0] == {"interviewer_count": 2}
    assert (await validate("culture", "plutôt décontractée"))[0] == {"culture": "casual"}
    out, _said, _ = await validate("rejection_date", "lundi dernier")
    assert out == {"rejection_date": "2026-11-23"}


async def test_a_stage_without_interview_answers_the_interview_questions() -> None:
    out, _, _ = await validate("stage", "candidature")
    assert out == {"stage": "candidature", "interviewer_count": 0, "met_hiring_manager": False}


async def test_dont_know_and_none_are_answers_not_gaps() -> None:
    assert (await validate("met_hiring_manager", "je ne sais pas"))[0] == {
        "met_hiring_manager": UNKNOWN
    }
    assert (await validate("network_contact", "passer"))[0] == {"network_contact": UNKNOWN}
    assert (await validate("hr_contact", "personne"))[0] == {"hr_contact": "none"}
    assert (await validate("decision_date", "aucune"))[0] == {"decision_date": "none"}


@pytest.mark.parametrize(
    ("typed", "slots", "expected"),
    [
        (
            "jai postulé chez airbus pour le poste de technicienne qualite il y a 3 semaines",
            {},
            {"company": "Airbus", "position": "technicienne qualite"},
        ),
        # The position already answered is not replaced.
        (
            "c'était chez Thales pour ingénieure qualité",
            {"position": "technicienne"},
            {"company": "Thales"},
        ),
        ("Leroy Merlin", {}, {"company": "Leroy Merlin"}),
        ("une startup de la fintech", {}, {"company": "une startup de la fintech"}),
    ],
)
async def test_a_sentence_at_the_company_question_gives_the_company(
    typed: str, slots: dict[str, Any], expected: dict[str, Any]
) -> None:
    out, _said, _ = await validate("company", typed, slots)
    assert out == expected


async def test_required_answers_explain_what_is_enough() -> None:
    out, said, _ = await validate("company", "je ne sais pas")
    assert out["company"] is None and out["ask_quietly"] is True
    assert said and said[0]


@pytest.mark.parametrize(
    ("slot", "value"),
    [
        ("rejection_date", "31 février"),
        ("rejection_date", "le 3 décembre"),
        ("rejection_date", "lundi ou mardi"),
        ("stage", "entretien"),
        ("formal_rejection", "bof"),
        ("interviewer_count", "1 ou 2"),
        ("culture", "🙂"),
    ],
)
async def test_malformed_or_ambiguous_answers_get_a_question_with_buttons(
    slot: str, value: str
) -> None:
    out, said, dispatcher = await validate(slot, value)
    assert out[slot] is None and out["ask_quietly"] is True
    assert len(said) == 1 and said[0].endswith(("?", ".", "»", ")"))
    if slot != "rejection_date":
        assert dispatcher.messages[0]["buttons"], "closed questions keep their buttons"


async def test_why_is_answered_then_the_question_comes_back() -> None:
    out, said, _ = await validate("culture", "pourquoi tu me demandes ça ?")
    assert out == {"culture": None}
    assert said == [WHY_WE_ASK["culture"]]
    ask = CollectingDispatcher()
    await ASK_ACTIONS["culture"]().run(ask, tracker({"requested_slot": "culture"}), {})
    assert ask.messages[0]["buttons"]


async def test_a_correction_changes_an_earlier_answer_and_keeps_the_question() -> None:
    out, said, _ = await validate(
        "stage", "en fait c'était mardi", {"rejection_date": "2026-11-23"}
    )
    assert out == {"rejection_date": "2026-11-24", "stage": None}
    assert "mardi 24 novembre" in said[0]


async def test_a_correction_of_the_current_question_is_its_answer() -> None:
    out, _, _ = await validate("company", "non pardon, c'était chez Orange")
    assert out == {"company": "Orange"}


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("on en reparle demain", "pause"),
        ("pas maintenant", "pause"),
        ("annuler", "cancel"),
        ("/cancel", "cancel"),
        ("laisse tomber", "cancel"),
    ],
)
async def test_stopping_inside_the_form(text: str, kind: str) -> None:
    out, _, _ = await validate("position", text)
    assert out == {"position": None, "flow_stop": kind, "requested_slot": None}


def test_long_answers_are_never_read_as_a_stop() -> None:
    entry = (
        "Je ne suis pas prête à en parler à mes proches pour le moment, mais je veux garder "
        "une trace de ce que j'ai ressenti en lisant ce mail"
    )
    assert interruption(entry) is None
    assert interruption(entry + " Bref, on en reparle demain.") is None
    assert interruption("pas maintenant") == "pause"


async def test_the_sdk_ends_the_form_when_a_pause_is_asked() -> None:
    domain = {"forms": {"intake_form": {"required_slots": list(SLOTS)}}, "slots": {}}
    events = [
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": "on en reparle demain"},
        {"event": "slot", "name": "position", "value": "on en reparle demain"},
    ]
    current = tracker(
        {"requested_slot": "position", "company": "Orange", "position": "on en reparle demain"},
        text="on en reparle demain",
        active_loop="intake_form",
        events=events,
    )
    out = await ValidateIntakeForm().run(CollectingDispatcher(), current, domain)
    assert slot_events(out)["requested_slot"] is None
    assert slot_events(out)["flow_stop"] == "pause"


def test_questions_made_pointless_by_earlier_answers_are_skipped() -> None:
    # The names are asked once the count says someone was met.
    assert required_intake_slots(tracker({})) == [s for s in SLOTS if s != "interviewer_names"]
    skipped = required_intake_slots(tracker({"formal_rejection": True, "interviewer_count": 1}))
    assert "decision_date" not in skipped
    assert "interviewer_names" in skipped
    assert "hr_contact" not in skipped
    several = required_intake_slots(tracker({"interviewer_count": 2}))
    assert {"interviewer_names", "hr_contact"} <= set(several)
    assert "interviewer_names" not in required_intake_slots(tracker({"interviewer_count": 0}))
    assert "hr_contact" not in required_intake_slots(tracker({"met_hiring_manager": True}))
    assert required_intake_slots(tracker({"flow_stop": "pause"})) == []


async def test_every_question_is_asked_in_french_with_the_company() -> None:
    for slot, action in ASK_ACTIONS.items():
        dispatcher = CollectingDispatcher()
        await action().run(dispatcher, tracker({"company": "Orange", "interviewer_count": 2}), {})
        [message] = dispatcher.messages
        assert message["text"].strip()
        assert action().name() == f"action_ask_{slot}"
    quiet = CollectingDispatcher()
    events = await ASK_ACTIONS["stage"]().run(quiet, tracker({"ask_quietly": True}), {})
    assert quiet.messages == [] and slot_events(events) == {"ask_quietly": None}


# --------------------------------------------------------------------------- finish

FULL = {
    "company": "Capgemini",
    "position": "data analyst (CDI)",
    "rejection_date": "2026-11-24",
    "stage": "entretiens_suivants",
    "formal_rejection": False,
    "decision_date": "2026-11-20",
    "interviewer_count": 2,
    "interviewer_names": ["Julie Martin", "Paul Durand"],
    "met_hiring_manager": UNKNOWN,
    "hr_contact": "none",
    "network_contact": "Sam Leroy",
    "culture": "formal",
}


async def test_finishing_stores_each_rejection_separately(action_db: str) -> None:
    consent()
    dispatcher = CollectingDispatcher()
    events = await ActionFinishIntake().run(dispatcher, tracker(FULL), {})
    slots = slot_events(events)
    assert slots["flow_step"] == "intake_saved"
    assert "Capgemini" in texts(dispatcher)[0] and "Julie Martin" in texts(dispatcher)[0]
    await ActionFinishIntake().run(
        CollectingDispatcher(), tracker({**FULL, "company": "Decathlon"}), {}
    )
    first, second = rows(Rejection)
    assert slots["current_rejection_id"] == first.id
    assert (first.company, second.company) == ("Capgemini", "Decathlon")
    assert first.rejection_date == dt.date(2026, 11, 24)
    assert first.stage == "entretiens_suivants" and first.formal_rejection is False
    assert first.interviewer_names == "Julie Martin, Paul Durand"
    assert first.met_hiring_manager is None and first.hr_contact is None
    assert first.network_contact == "Sam Leroy" and first.culture == "formal"


async def test_a_rejection_continues_the_application_in_progress(action_db: str) -> None:
    """« Capgemini m'a dit non » with Capgemini followed in /candidatures: the intake starts
    from what that record says (position, interviews held) and the saved rejection closes
    the application as « Refus », pointing at it."""
    from actions.common import sessions
    from coach import pipeline
    from coach.models import JobApplication

    consent()
    with transaction(sessions()) as session:
        user = find_user(session, UID)
        assert user is not None
        change = pipeline.log_application(
            session, user, "Capgemini", "data analyst", dt.date(2026, 11, 10), now=NOW
        )
        pipeline.move(
            session,
            user,
            change.application.id,
            "interviewed",
            held_on=dt.date(2026, 11, 18),
            now=NOW,
        )
    dispatcher = CollectingDispatcher()
    events = await ActionStartIntake().run(
        dispatcher, tracker(text="capgemini m'a dit non", intent="report_rejection"), {}
    )
    slots = slot_events(events)
    assert (slots["company"], slots["position"]) == ("Capgemini", "data analyst")
    assert "Je retrouve votre candidature chez Capgemini" in texts(dispatcher)[0]
    await ActionFinishIntake().run(CollectingDispatcher(), tracker(FULL), {})
    [rejection] = rows(Rejection)
    [application] = rows(JobApplication)
    assert (application.stage, application.rejection_id) == ("rejected", rejection.id)


async def test_a_rejection_elsewhere_leaves_the_applications_alone(action_db: str) -> None:
    from actions.common import sessions
    from coach import pipeline
    from coach.models import JobApplication

    consent()
    with transaction(sessions()) as session:
        user = find_user(session, UID)
        assert user is not None
        pipeline.log_application(session, user, "Intersport", None, dt.date(2026, 11, 10), now=NOW)
    dispatcher = CollectingDispatcher()
    await ActionStartIntake().run(
        dispatcher, tracker(text="Decathlon m'a dit non", intent="report_rejection"), {}
    )
    assert not any("Je retrouve" in t for t in texts(dispatcher))
    await ActionFinishIntake().run(CollectingDispatcher(), tracker(FULL), {})
    assert [a.stage for a in rows(JobApplication)] == ["sent"]


async def test_nothing_is_stored_without_consent(action_db: str) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionFinishIntake().run(dispatcher, tracker(FULL), {})
    assert rows(Rejection) == []
    assert slot_events(events)["flow_step"] is None
    assert "/start" in texts(dispatcher)[0]


async def test_a_pause_schedules_tomorrow_and_keeps_the_answers(action_db: str) -> None:
    consent()
    partial = {"company": "Orange", "position": "chef de projet", "flow_stop": "pause"}
    dispatcher = CollectingDispatcher()
    events = await ActionFinishIntake().run(dispatcher, tracker(partial), {})
    slots = slot_events(events)
    assert slots["paused_flow"] == "intake_form" and slots["flow_step"] is None
    assert "company" not in slots, "the answers so far are kept for the resume"
    [reminder] = rows(Reminder)
    assert reminder.kind == "resume_tomorrow"
    assert reminder.payload == {
        "intent": "resume_conversation",
        "flow": "intake_form",
        "company": "Orange",
    }
    assert reminder.due_at > NOW
    assert "demain" in texts(dispatcher)[0] or "Rendez-vous" in texts(dispatcher)[0]
    # A second pause replaces the first reminder instead of adding one.
    await ActionPostpone().run(CollectingDispatcher(), tracker({"paused_flow": "mood_form"}), {})
    assert [r.status for r in rows(Reminder)] == ["cancelled", "pending"]
    assert rows(Rejection) == []


async def test_cancel_clears_the_answers(action_db: str) -> None:
    consent()
    dispatcher = CollectingDispatcher()
    events = await ActionFinishIntake().run(
        dispatcher, tracker({"company": "Orange", "flow_stop": "cancel"}), {}
    )
    slots = slot_events(events)
    assert slots["company"] is None and slots["paused_flow"] is None
    assert texts(dispatcher) == [flow.CANCELLED]
    assert rows(Rejection) == [] and rows(Reminder) == []


def test_tomorrow_is_a_sensible_hour() -> None:
    paris = flow.ZoneInfo("Europe/Paris")
    afternoon = dt.datetime(2026, 11, 25, 15, 20, tzinfo=paris)
    assert flow._tomorrow(afternoon, paris) == dt.datetime(2026, 11, 26, 15, 20, tzinfo=paris)
    late = dt.datetime(2026, 11, 25, 23, 10, tzinfo=paris)
    assert flow._tomorrow(late, paris) == dt.datetime(2026, 11, 26, 10, 0, tzinfo=paris)


# --------------------------------------------------------------------------- resume, crisis


async def test_resume_goes_back_to_the_paused_place() -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionResumeConversation().run(
        dispatcher, tracker({"paused_flow": "journal_form"}), {}
    )
    assert slot_events(events)["paused_flow"] is None
    assert texts(dispatcher) == ["Reprenons là où nous en étions."]
    dispatcher = CollectingDispatcher()
    await ActionResumeConversation().run(dispatcher, tracker({"paused_flow": "next_steps"}), {})
    assert dispatcher.messages[0]["buttons"][0]["payload"] == "/journal_write"
    dispatcher = CollectingDispatcher()
    events = await ActionResumeConversation().run(dispatcher, tracker({}), {})
    assert slot_events(events) == {"paused_flow": None}
    assert "rien laissé en suspens" in texts(dispatcher)[0]


async def test_a_crisis_stops_the_form_and_remembers_it(action_db: str) -> None:
    consent()
    dispatcher = CollectingDispatcher()
    events = await ActionCrisisSupport().run(
        dispatcher, tracker({"company": "Orange"}, active_loop="intake_form"), {}
    )
    assert [e["name"] for e in events if e["event"] == "active_loop"] == [None]
    assert slot_events(events) == {"requested_slot": None, "paused_flow": "intake_form"}
    assert "3114" in texts(dispatcher)[0]
    assert await ActionCrisisSupport().run(CollectingDispatcher(), tracker({}), {}) == []


# --------------------------------------------------------------------------- emotions


async def test_mood_from_a_button_free_text_or_asked_again() -> None:
    form = ValidateMoodForm()
    assert await form.validate_mood("colere", CollectingDispatcher(), tracker(), {}) == {
        "mood": "colere"
    }
    said = await form.validate_mood(
        "franchement je me sens nulle", CollectingDispatcher(), tracker(), {}
    )
    assert said == {"mood": "doute"}
    dispatcher = CollectingDispatcher()
    out = await form.validate_mood("hmm", dispatcher, tracker(), {})
    assert out == {"mood": None, "ask_quietly": True}
    assert len(dispatcher.messages[0]["buttons"]) == 6
    paused = await form.validate_mood("on en reparle demain", CollectingDispatcher(), tracker(), {})
    assert paused["flow_stop"] == "pause"
    ask = CollectingDispatcher()
    await ActionAskMood().run(ask, tracker(), {})
    assert [b["payload"] for b in ask.messages[0]["buttons"]][-1] == "ca_va"


async def test_a_command_at_the_mood_question_is_not_read_as_a_feeling() -> None:
    form = ValidateMoodForm()
    command = CollectingDispatcher()
    out = await form.validate_mood(
        "/share_feedback", command, tracker(text="/share_feedback", intent="share_feedback"), {}
    )
    assert out == {"mood": None, "ask_quietly": True}
    assert "tapez /retour" in texts(command)[0] and "pas bien saisi" not in texts(command)[0]
    assert command.messages[0]["buttons"][-1]["payload"] == "passer"
    told = CollectingDispatcher()
    said = "le manager m'a fait un retour au telephone"
    heard = tracker(text=said, intent="share_feedback")
    heard.latest_message["intent"]["confidence"] = 0.99
    await form.validate_mood(said, told, heard, {})
    assert "tapez /retour" in texts(told)[0]
    helped = CollectingDispatcher()
    await form.validate_mood("/help", helped, tracker(text="/help", intent="help"), {})
    assert helped.messages[0]["response"] == "utter_help"
    skipped = await form.validate_mood("passer", CollectingDispatcher(), tracker(), {})
    assert skipped == {"mood": "passer"}


async def test_a_skipped_mood_stores_nothing_and_offers_the_next_steps(action_db: str) -> None:
    consent()
    dispatcher = CollectingDispatcher()
    events = await ActionRespondMood().run(dispatcher, tracker({"mood": "passer"}), {})
    assert slot_events(events) == {"mood": None, "flow_step": "next_steps"}
    assert rows(Mood) == [] and len(dispatcher.messages) == 1


async def test_the_mood_answer_is_stored_and_fits_the_feeling(action_db: str) -> None:
    consent()
    await ActionFinishIntake().run(CollectingDispatcher(), tracker(FULL), {})
    [rejection] = rows(Rejection)
    dispatcher = CollectingDispatcher()
    events = await ActionRespondMood().run(
        dispatcher, tracker({"mood": "colere", "current_rejection_id": rejection.id}), {}
    )
    said = texts(dispatcher)
    assert "Quelques pistes" in said[0] and said[0].count("•") == 3
    assert "Capgemini" in said[1], "the professional nudge names the company"
    assert dispatcher.messages[2]["buttons"][-1]["payload"] == "/postpone"
    assert slot_events(events) == {"mood": None, "flow_step": "next_steps"}
    [mood] = rows(Mood)
    assert (mood.mood, mood.rejection_id) == ("colere", rejection.id)


async def test_feelings_told_outside_the_intake_are_read_from_the_text(action_db: str) -> None:
    consent()
    dispatcher = CollectingDispatcher()
    await ActionRespondMood().run(
        dispatcher,
        tracker(text="j'ai tellement honte d'avoir raté", intent="express_negative_emotion"),
        {},
    )
    [mood] = rows(Mood)
    assert mood.mood == "honte" and mood.rejection_id is None
    assert len(texts(dispatcher)) == 2, "no professional nudge without a rejection in context"


@pytest.mark.parametrize(
    ("text", "slot", "stored", "named"),
    [
        ("déçue et un peu en colère", "colere", "colere", ("déception", "colère")),
        ("jsp trop, decu et enerve", None, "colere", ("déception", "colère")),
        ("je me sens nul et en plus j'ai honte", "doute", "doute", ("doute", "gêne")),
    ],
)
async def test_every_feeling_named_is_acknowledged(
    action_db: str, text: str, slot: str | None, stored: str, named: tuple[str, str]
) -> None:
    consent()
    dispatcher = CollectingDispatcher()
    await ActionRespondMood().run(
        dispatcher,
        tracker({"mood": slot} if slot else {}, text=text, intent="express_negative_emotion"),
        {},
    )
    answer = texts(dispatcher)[0]
    for noun in named:
        assert noun in answer, (noun, answer)
    assert answer.index(named[0]) < answer.index(named[1]), "in the order the person named them"
    [mood] = rows(Mood)
    assert mood.mood == stored, "one point per check-in on the mood chart"


async def test_journal_entry_is_saved_linked_and_shown_back(action_db: str) -> None:
    consent()
    await ActionFinishIntake().run(CollectingDispatcher(), tracker(FULL), {})
    [rejection] = rows(Rejection)
    ask = CollectingDispatcher()
    asked = await ActionAskJournalText().run(ask, tracker(), {})
    prompt = slot_events(asked)["journal_prompt"]
    assert prompt in texts(ask)[0]
    form = ValidateJournalForm()
    empty = await form.validate_journal_text("  ", CollectingDispatcher(), tracker(), {})
    assert empty["journal_text"] is None
    entry = "Le plus dur : <b>entendre</b> que mon profil était « trop junior ». 😔"
    assert await form.validate_journal_text(entry, CollectingDispatcher(), tracker(), {}) == {
        "journal_text": entry
    }
    dispatcher = CollectingDispatcher()
    await ActionSaveJournal().run(
        dispatcher,
        tracker({"journal_text": entry, "journal_prompt": prompt}),
        {},
    )
    [saved] = rows(JournalEntry)
    assert (saved.kind, saved.text, saved.prompt) == ("journal", entry, prompt)
    assert saved.rejection_id == rejection.id
    shown = CollectingDispatcher()
    await ActionShowJournal().run(shown, tracker(), {})
    assert "trop junior" in texts(shown)[0] and "Capgemini" in texts(shown)[0]


async def test_three_successes_over_two_messages(action_db: str) -> None:
    consent()
    form = ValidateSuccessesForm()
    first = CollectingDispatcher()
    out = await form.validate_successes_text("j'ai fini ma certification SQL", first, tracker(), {})
    assert out["successes_text"] is None and out["successes_items"] == [
        "j'ai fini ma certification SQL"
    ]
    assert "deux autres" in texts(first)[0]
    out = await form.validate_successes_text(
        "un client m'a félicitée; j'ai couru 10 km",
        CollectingDispatcher(),
        tracker({"successes_items": out["successes_items"]}),
        {},
    )
    assert out["successes_items"] == [
        "j'ai fini ma certification SQL",
        "un client m'a félicitée",
        "j'ai couru 10 km",
    ]
    dispatcher = CollectingDispatcher()
    await ActionSaveSuccesses().run(dispatcher, tracker(out), {})
    [saved] = rows(JournalEntry)
    assert saved.kind == "successes" and saved.text.count("•") == 3
    assert "Bravo" in texts(dispatcher)[0]
    ask = CollectingDispatcher()
    await ActionAskSuccessesText().run(ask, tracker(), {})
    assert "trois réussites" in texts(ask)[0]


async def test_fewer_than_three_successes_when_the_person_says_that_is_all() -> None:
    form = ValidateSuccessesForm()
    out = await form.validate_successes_text(
        "c'est tout", CollectingDispatcher(), tracker({"successes_items": ["un"]}), {}
    )
    assert out == {"successes_text": "un"}


async def test_empty_journal_offers_to_write(action_db: str) -> None:
    consent()
    dispatcher = CollectingDispatcher()
    await ActionShowJournal().run(dispatcher, tracker(), {})
    assert "vide" in texts(dispatcher)[0]
    assert dispatcher.messages[0]["buttons"][0]["payload"] == "/journal_write"


async def test_noise_misread_as_a_rejection_gets_the_fallback_not_the_form() -> None:
    assert flow.looks_like_noise("zrblq fnortx wkkpq vvhz")
    assert not flow.looks_like_noise("j'ai pas eu le poste chez Zrblq")
    assert not flow.looks_like_noise("refus de Capgemini")
    dispatcher = CollectingDispatcher()
    events = await ActionStartIntake().run(dispatcher, tracker(text="zrblq fnortx wkkpq"), {})
    assert slot_events(events) == {"flow_step": "noise"}
    assert dispatcher.messages[0]["response"] == "utter_default"


@pytest.mark.parametrize(
    ("text", "company", "position"),
    [
        (
            "Refus de L'Oréal ce matin pour le poste d'assistante marketing, après un entretien",
            "L'Oréal",
            "assistante marketing",
        ),
        (
            "Sephora ne m'a pas retenue pour le poste d'assistante marketing",
            "Sephora",
            "assistante marketing",
        ),
        ("bon ben c'est non de la part de Thales, tant pis", "Thales", None),
    ],
)
async def test_a_rejection_the_classifier_placed_nowhere_still_opens_the_intake(
    text: str, company: str, position: str | None
) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionUnplacedText().run(dispatcher, tracker(text=text, intent="inform"), {})
    slots = slot_events(events)
    assert slots["company"] == company
    assert slots.get("position") == position
    assert events[-1] == {"event": "followup", "name": "intake_form", "timestamp": None}
    assert all(m.get("response") != "utter_default" for m in dispatcher.messages)


async def test_sorrow_without_words_placed_nowhere_gets_a_kind_word() -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionUnplacedText().run(
        dispatcher, tracker(text="😭😭", intent="nlu_fallback"), {}
    )
    assert events == [] and "difficile" in texts(dispatcher)[0]
    assert dispatcher.messages[0]["buttons"][0]["payload"] == "/report_rejection"


@pytest.mark.parametrize(
    "text",
    [
        "j'ai géré l'inventaire du magasin de sport quand j'étais saisonnier",
        "non merci, Decathlon c'est bon",
        "refus hier, je suis triste",
        "je refuse de baisser les bras",
        "",
    ],
)
async def test_anything_else_placed_nowhere_gets_the_topics(text: str) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionUnplacedText().run(dispatcher, tracker(text=text, intent="inform"), {})
    assert events == []
    assert [m.get("response") for m in dispatcher.messages] == ["utter_default"]


# --------------------------------------------------------------------------- reading people


@pytest.mark.parametrize(
    ("text", "company", "position", "date"),
    [
        (
            "Deuxième refus cette semaine : L'Oréal, poste de chef de projet marketing, "
            "réponse reçue aujourd'hui",
            "L'Oréal",
            "chef de projet marketing",
            "2026-11-25",
        ),
        ("refus de decathlon hier pr un poste de vendeur", "decathlon", "vendeur", "2026-11-24"),
        (
            "encore un non, cette fois c'est Thales pour ingé système",
            "Thales",
            "ingé système",
            None,
        ),
        (
            "bon bah leroy merlin m'a recalée ce matin (conseillère de vente)",
            "leroy merlin",
            "conseillère de vente",
            "2026-11-25",
        ),
    ],
)
async def test_a_rejection_told_in_a_sentence_starts_the_intake_with_its_facts(
    text: str, company: str, position: str, date: str | None
) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionStartIntake().run(
        dispatcher, tracker(text=text, intent="report_rejection"), {}
    )
    slots = slot_events(events)
    assert slots["company"] == company
    assert slots["position"] == position
    assert slots.get("rejection_date") == date
    [message] = texts(dispatcher)
    # Shown as the company writes itself (« decathlon » → « Decathlon »), elided after « de ».
    assert writing.company(company) in message and position in message
    assert company == writing.company(company) or company not in message
    assert "refus de L'Oréal" in message or "L'Oréal" not in message


@pytest.mark.parametrize(
    ("current", "text", "answers", "target", "value", "shown"),
    [
        (
            "stage",
            "non attendez je me suis trompée, c'était pour technicienne qualité pas ingénieure",
            {"company": "Thales", "position": "ingénieure", "rejection_date": "2026-11-23"},
            "position",
            "technicienne qualité",
            "C'est corrigé : technicienne qualité.",
        ),
        (
            "formal_rejection",
            "oups c pas ca, c'est chez Safran",
            {"company": "Thales", "position": "ingénieure"},
            "company",
            "Safran",
            "C'est corrigé : Safran.",
        ),
        (
            "stage",
            "pas Thales mais Safran",
            {"company": "Thales", "position": "ingénieure"},
            "company",
            "Safran",
            "C'est corrigé : Safran.",
        ),
        (
            "stage",
            "attends, en fait c'était hier",
            {"company": "Thales", "rejection_date": "2026-11-23"},
            "rejection_date",
            "2026-11-24",
            "C'est corrigé : mardi 24 novembre.",
        ),
        (
            "culture",
            "je me suis trompé, c'était le deuxième entretien, pas le premier",
            {"company": "Thales", "stage": "premier_entretien"},
            "stage",
            "entretiens_suivants",
            "C'est corrigé : entretiens suivants (2e, final…).",
        ),
        (
            "stage",
            "oups je voulais dire technicienne qualité",
            {"company": "Thales", "position": "ingénieure", "rejection_date": "2026-11-23"},
            "position",
            "technicienne qualité",
            "C'est corrigé : technicienne qualité.",
        ),
    ],
)
async def test_a_natural_correction_updates_the_answer_and_keeps_the_question(
    current: str, text: str, answers: dict[str, Any], target: str, value: str, shown: str
) -> None:
    out, said, _ = await validate(current, text, answers)
    assert out == {target: value, current: None}
    assert said == [f"{shown} Je reprends ma question."]


async def test_a_command_typed_at_a_question_is_not_stored() -> None:
    for slot in ("company", "position", "hr_contact", "network_contact", "interviewer_names"):
        out, said, _ = await validate(slot, "/help", {"company": "Thales"})
        assert out[slot] is None, slot
        assert said and said[0].startswith("Je ne prends pas une commande pour une réponse.")
        assert "tapez /annuler" in said[0]


async def test_an_interview_with_the_manager_asks_its_rank_and_notes_the_meeting() -> None:
    out, said, dispatcher = await validate("stage", "entretien avec le manager")
    assert out == {"stage": None, "ask_quietly": True, "met_hiring_manager": True}
    assert "premier entretien" in said[0]
    assert dispatcher.messages[0]["buttons"]
    out, _, _ = await validate("stage", "2e entretien avec le manager")
    assert out == {"stage": "entretiens_suivants", "met_hiring_manager": True}
    out, _, _ = await validate("stage", "premier entretien avec la manager")
    assert out == {"stage": "premier_entretien", "met_hiring_manager": True}


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("refus de airbus hier pour un poste d'acheteur", "Ce refus d'Airbus"),
        ("intersport m'a dit non ce matin, poste de vendeur", "Ce refus d'Intersport"),
        ("refus de hermes hier pr un poste de vendeuse", "Ce refus d'Hermès"),
        ("refus de la sncf hier pour un poste de contrôleur", "Ce refus de SNCF"),
    ],
)
async def test_the_opening_writes_the_company_in_correct_french(text: str, shown: str) -> None:
    dispatcher = CollectingDispatcher()
    await ActionStartIntake().run(dispatcher, tracker(text=text, intent="report_rejection"), {})
    [message] = texts(dispatcher)
    assert message.startswith(shown), message
    assert "désolé" not in message  # the bot has no gender


async def test_a_first_message_naming_the_manager_skips_that_question() -> None:
    events = await ActionStartIntake().run(
        CollectingDispatcher(),
        tracker(text="refus de Decathlon hier après l'entretien avec le manager"),
        {},
    )
    slots = slot_events(events)
    assert slots["met_hiring_manager"] is True
    assert slots.get("stage") is None  # which interview it was is still asked


@pytest.mark.parametrize(
    ("intent", "response"),
    [
        ("help", "utter_help"),
        ("bot_challenge", "utter_bot_challenge"),
        ("privacy", "utter_privacy"),
    ],
)
async def test_help_typed_at_a_question_is_answered_then_the_question_comes_back(
    intent: str, response: str
) -> None:
    dispatcher = CollectingDispatcher()
    state = {"requested_slot": "company"}
    out = await ValidateIntakeForm().validate_company(
        "/" + intent, dispatcher, tracker(state, text="/" + intent, intent=intent), {}
    )
    assert out == {"company": None, "ask_quietly": True}
    assert dispatcher.messages[0].get("response") == response
    assert dispatcher.messages[1]["text"].startswith("Je reprends ma question.\n")
    assert "entreprise" in dispatcher.messages[1]["text"]
    assert "commande" not in dispatcher.messages[1]["text"]


@pytest.mark.parametrize(
    "text",
    [
        "entretien avec le manager",
        "j'ai passé le test technique",
        "le 2e entretien",
        "juste un appel avec la rh",
    ],
)
async def test_a_step_of_the_recruitment_is_never_taken_for_the_company(text: str) -> None:
    out, said, _ = await validate("company", text)
    assert out["company"] is None and out["ask_quietly"] is True
    assert said[0].startswith("Cela ressemble à une étape du recrutement")
    assert said[0].endswith("Quelle entreprise vous a répondu ?")


async def test_a_company_named_like_a_step_is_still_a_company() -> None:
    out, _, _ = await validate("company", "Entretien Plus")
    assert out["company"] == "Entretien Plus"
    out, _, _ = await validate("company", "entretien avec le manager", {})
    assert "met_hiring_manager" in out and out["met_hiring_manager"] is True


async def test_a_question_to_the_coach_typed_at_a_question_is_never_stored() -> None:
    """« tu es un robot ? » at « Connaissez-vous quelqu'un chez … ? » is answered, not kept
    as a contact's name; the same words classified without confidence stay an answer."""
    for confidence, stored in ((0.97, None), (0.4, "tu es un robot ?")):
        dispatcher = CollectingDispatcher()
        state = {"requested_slot": "network_contact", "company": "Decathlon"}
        asked = tracker(state, text="tu es un robot ?")
        asked.latest_message["intent"] = {"name": "bot_challenge", "confidence": confidence}
        out = await ValidateIntakeForm().validate_network_contact(
            "tu es un robot ?", dispatcher, asked, {}
        )
        if stored is None:
            assert out == {"network_contact": None, "ask_quietly": True}
            assert dispatcher.messages[0].get("response") == "utter_bot_challenge"
            assert "Decathlon" in dispatcher.messages[1]["text"]
        else:
            assert out.get("network_contact") not in (None, ""), out


async def test_the_manager_named_among_the_interviewers_is_not_asked_again() -> None:
    form = ValidateIntakeForm()
    out = await form.validate_interviewer_count(
        "1 seule, la responsable du magasin",
        CollectingDispatcher(),
        tracker({"requested_slot": "interviewer_count"}),
        {},
    )
    assert out["interviewer_count"] == 1 and out["met_hiring_manager"] is True
    plain = await form.validate_interviewer_count(
        "une seule", CollectingDispatcher(), tracker({"requested_slot": "interviewer_count"}), {}
    )
    assert "met_hiring_manager" not in plain
