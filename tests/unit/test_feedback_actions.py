"""The feedback-received actions against a real SQLite database: choosing the application,
joining several messages, saving with the analysis, the five steps, /bilan."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions import feedback as fb
from actions import interpretation as reading
from actions.common import DB_PROBLEM, sessions
from coach.db import transaction
from coach.feedback import analyze
from coach.feedback_request import mark_sent
from coach.interpretation import INTERPRETATION_STEPS, reflection_prompts
from coach.models import (
    Feedback,
    FeedbackRequest,
    JournalEntry,
    Mood,
    Rejection,
    Reminder,
    User,
)
from coach.users import give_consent

UID = 4545
NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)
CONCRETE = (
    "Merci pour votre candidature. Votre parcours nous a plu. Il vous manque cependant de "
    "l'expérience en gestion de projet. Vos réponses manquaient aussi d'exemples concrets."
)
GENERIC = "Nous avons retenu un autre profil. Nous vous souhaitons bonne continuation."


def tracker(
    slots: dict[str, Any] | None = None,
    *,
    text: str = "",
    intent: str = "x",
    confidence: float = 1.0,
    entities: list[dict[str, Any]] | None = None,
    events: list[dict[str, Any]] | None = None,
) -> Tracker:
    latest = {
        "intent": {"name": intent, "confidence": confidence},
        "text": text,
        "entities": entities or [],
        "metadata": {},
    }
    return Tracker(
        str(UID),
        dict(slots or {}),
        latest,
        list(events or []),
        False,
        None,
        {},
        "action_listen",
    )


def slot_events(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def texts(dispatcher: CollectingDispatcher) -> list[str]:
    return [m.get("text") or (m.get("custom") or {}).get("text") or "" for m in dispatcher.messages]


def payloads(dispatcher: CollectingDispatcher) -> list[str]:
    return [b["payload"] for m in dispatcher.messages for b in m.get("buttons") or []]


def consent() -> None:
    with transaction(sessions()) as session:
        give_consent(session, UID, first_name="Camille", timezone="Europe/Paris", now=NOW)


def add_rejection(company: str, position: str, **values: Any) -> int:
    with transaction(sessions()) as session:
        user = session.scalar(select(User).where(User.telegram_user_id == UID))
        assert user is not None
        rejection = Rejection(
            user_id=user.id,
            company=company,
            position=position,
            rejection_date=dt.date(2026, 11, 20),
            formal_rejection=True,
            interviewer_count=1,
            interviewer_names="Julie Martin",
            culture="formal",
            **values,
        )
        session.add(rejection)
        session.flush()
        return rejection.id


def send_request(rejection_id: int) -> None:
    with transaction(sessions()) as session:
        user = session.scalar(select(User).where(User.telegram_user_id == UID))
        rejection = session.get(Rejection, rejection_id)
        assert user is not None and rejection is not None
        mark_sent(session, user, rejection, now=NOW, subdiv=None)


def rows(model: Any) -> list[Any]:
    with sessions()() as session:
        return list(session.scalars(select(model).order_by(model.id)))


async def start(
    slots: dict[str, Any] | None = None, *, intent: str = "share_feedback", **kwargs: Any
) -> tuple[CollectingDispatcher, dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    events = await fb.ActionStartFeedback().run(
        dispatcher, tracker(slots, intent=intent, **kwargs), {}
    )
    return dispatcher, slot_events(events)


# --------------------------------------------------------------------------- the application


async def test_a_bare_command_is_not_thanked_for_what_was_not_told(action_db: str) -> None:
    consent()
    bare, _ = await start(text="/share_feedback")
    assert not texts(bare)[0].startswith("Merci") and "aucune candidature" in texts(bare)[0]
    told, _ = await start(text="ils m'ont répondu")
    assert texts(told)[0].startswith("Merci de me le confier")


async def test_several_applications_are_offered_as_buttons(action_db: str) -> None:
    consent()
    capgemini = add_rejection("Capgemini", "data analyst")
    decathlon = add_rejection("Decathlon", "chef de projet")
    dispatcher, slots = await start(text="ils m'ont répondu")
    assert slots["flow_step"] == fb.WAIT, "no form until the application is chosen"
    assert "De quelle candidature" in texts(dispatcher)[0]
    assert f'/share_feedback{{"rejection_id":"{capgemini}"}}' in payloads(dispatcher)
    assert f'/share_feedback{{"rejection_id":"{decathlon}"}}' in payloads(dispatcher)
    assert '/share_feedback{"rejection_id":"none"}' in payloads(dispatcher)

    entity = [{"entity": "rejection_id", "value": str(decathlon)}]
    chosen, slots = await start(
        text=f'/share_feedback{{"rejection_id":"{decathlon}"}}', entities=entity
    )
    assert slots["flow_step"] is None, "the form opens"
    assert slots["feedback_rejection_id"] == decathlon
    assert slots["current_rejection_id"] == decathlon
    assert "Decathlon" in texts(chosen)[0]


async def test_the_company_named_in_the_message_is_chosen(action_db: str) -> None:
    consent()
    add_rejection("Capgemini", "data analyst")
    decathlon = add_rejection("Decathlon", "vendeur")
    dispatcher, slots = await start(text="j'ai eu un retour de decathlon par téléphone")
    assert slots["feedback_rejection_id"] == decathlon and slots["flow_step"] is None
    assert slots["feedback_source"] == "call", "the message said how it came"
    assert "ce retour de Decathlon (vendeur)" in texts(dispatcher)[0]


async def test_the_feedback_in_the_first_message_is_kept(action_db: str) -> None:
    consent()
    add_rejection("Decathlon", "chef de projet")
    _, slots = await start(
        text="le retour de Decathlon : profil intéressant mais manque d'expérience en "
        "gestion de projet"
    )
    assert slots["feedback_parts"] == [
        "profil intéressant mais manque d'expérience en gestion de projet"
    ]
    ask = CollectingDispatcher()
    await fb.ActionAskFeedbackText().run(ask, tracker(slots), {})
    assert "J'ai déjà 1 message" in texts(ask)[0]
    assert payloads(ask) == ["c'est tout", "j'ajoute un message"]


async def test_they_answered_the_sent_request(action_db: str) -> None:
    consent()
    add_rejection("Capgemini", "data analyst")
    orange = add_rejection("Orange", "chef de projet")
    send_request(orange)
    assert [r.kind for r in rows(Reminder)] == ["follow_up"]
    dispatcher, slots = await start(text="ils ont répondu")
    assert slots["feedback_rejection_id"] == orange, "the only request awaiting an answer"
    assert "relance" in texts(dispatcher)[0]
    [request] = rows(FeedbackRequest)
    assert request.status == "answered"
    assert [r.status for r in rows(Reminder)] == ["cancelled"]


async def test_without_any_application(action_db: str) -> None:
    consent()
    dispatcher, slots = await start(text="/share_feedback")
    assert slots["flow_step"] == fb.WAIT
    assert payloads(dispatcher) == ["/report_rejection", '/share_feedback{"rejection_id":"none"}']
    entity = [{"entity": "rejection_id", "value": "none"}]
    _, slots = await start(text='/share_feedback{"rejection_id":"none"}', entities=entity)
    assert slots["flow_step"] is None and slots["feedback_rejection_id"] == fb.NO_APPLICATION


# --------------------------------------------------------------------------- the form


async def test_several_messages_are_joined() -> None:
    form = fb.ValidateFeedbackForm()
    slots: dict[str, Any] = {"feedback_source": "written"}

    async def say(
        text: str, intent: str = "x", confidence: float = 0.5
    ) -> tuple[CollectingDispatcher, dict[str, Any]]:
        dispatcher = CollectingDispatcher()
        latest = tracker(slots, text=text, intent=intent, confidence=confidence)
        out = await form.validate_feedback_text(text, dispatcher, latest, {})
        slots.update(out)
        return dispatcher, out

    dispatcher, out = await say("Votre parcours nous a plu.")
    assert out["feedback_text"] is None and out["ask_quietly"] is True
    assert "1 message" in texts(dispatcher)[0]
    assert payloads(dispatcher) == ["c'est tout", "j'ajoute un message"]
    dispatcher, out = await say("j'ajoute un message")
    assert texts(dispatcher) == [fb.GO_ON] and "feedback_parts" not in out
    dispatcher, out = await say("😅🙏")
    assert texts(dispatcher) == [fb.NO_WORDS]
    dispatcher, out = await say("/help", "help", 1.0)
    assert dispatcher.messages[0]["response"] == "utter_help", "answered, then back to it"
    assert texts(dispatcher)[-1] == fb.BUSY and "feedback_parts" not in out
    dispatcher, out = await say("tu es un robot ?", "bot_challenge", 0.97)
    assert dispatcher.messages[0]["response"] == "utter_bot_challenge"
    dispatcher, out = await say("Merci pour votre candidature.", "thank", 0.99)
    assert "« Merci pour votre candidature. » fait partie du retour ?" in texts(dispatcher)[0]
    assert payloads(dispatcher) == ["c'est tout", "ça en fait partie"]
    dispatcher, out = await say("ça en fait partie")
    assert "2 messages" in texts(dispatcher)[0], "a short line is added once confirmed"
    dispatcher, out = await say(
        "Il vous manque de l'expérience en gestion de projet, que veut dire ce retour ?",
        "ask_interpretation",
        0.9,
    )
    assert "3 messages" in texts(dispatcher)[0], "long text is content, whatever its intent"
    dispatcher, out = await say("c'est tout")
    assert out["feedback_text"] == (
        "Votre parcours nous a plu.\n\nMerci pour votre candidature.\n\nIl vous manque de "
        "l'expérience en gestion de projet, que veut dire ce retour ?"
    )
    assert texts(dispatcher) == []


async def test_done_before_anything_and_stopping() -> None:
    form = fb.ValidateFeedbackForm()
    dispatcher = CollectingDispatcher()
    out = await form.validate_feedback_text("c'est tout", dispatcher, tracker(), {})
    assert out == {"feedback_text": None, "ask_quietly": True}
    assert texts(dispatcher) == [fb.NOTHING_YET]
    out = await form.validate_feedback_text("/cancel", CollectingDispatcher(), tracker(), {})
    assert out["flow_stop"] == "cancel" and out["requested_slot"] is None
    out = await form.validate_feedback_source(
        "on en reparle demain", CollectingDispatcher(), tracker(), {}
    )
    assert out["flow_stop"] == "pause"
    stopped = {"flow_stop": "pause"}
    assert await form.required_slots([], CollectingDispatcher(), tracker(stopped), {}) == []


async def test_the_source_question() -> None:
    form = fb.ValidateFeedbackForm()
    for answer, source in [("écrit", "written"), ("appel", "call"), ("par mail", "written")]:
        out = await form.validate_feedback_source(answer, CollectingDispatcher(), tracker(), {})
        assert out == {"feedback_source": source}
    puzzled = CollectingDispatcher()
    out = await form.validate_feedback_source("bof", puzzled, tracker(), {})
    assert out["feedback_source"] is None and payloads(puzzled) == ["écrit", "appel"]
    # The feedback pasted straight away is taken as a written answer, not lost.
    pasted = CollectingDispatcher()
    out = await form.validate_feedback_source(CONCRETE, pasted, tracker(), {})
    assert out["feedback_source"] == "written" and out["feedback_parts"] == [CONCRETE]
    assert payloads(pasted) == ["c'est tout", "j'ajoute un message"]


# --------------------------------------------------------------------------- saving


async def test_saved_with_its_analysis_and_the_request_answered(action_db: str) -> None:
    consent()
    capgemini = add_rejection("Capgemini", "data analyst")
    send_request(capgemini)
    dispatcher = CollectingDispatcher()
    events = await fb.ActionSaveFeedback().run(
        dispatcher,
        tracker(
            {
                "feedback_text": CONCRETE,
                "feedback_source": "call",
                "feedback_rejection_id": capgemini,
                "feedback_parts": [CONCRETE],
            }
        ),
        {},
    )
    [row] = rows(Feedback)
    expected = analyze(CONCRETE)
    assert (row.rejection_id, row.source, row.kind) == (capgemini, "call", expected.kind)
    assert set(row.themes) == expected.themes and "experience" in row.themes
    [request] = rows(FeedbackRequest)
    assert request.status == "answered"
    assert [r.status for r in rows(Reminder)] == ["cancelled"]
    shown = "\n".join(texts(dispatcher))
    assert "C'est enregistré" in shown and "relance" in shown
    assert "Expérience" in shown and "expérience en gestion de projet" in shown
    assert "Julie Martin" in shown, "the contact chosen for the request"
    assert all(title in shown for title in INTERPRETATION_STEPS)
    assert payloads(dispatcher) == ["/interpretation_next", "/interpretation_stop"]
    slots = slot_events(events)
    assert slots["feedback_id"] == row.id and slots["interpretation_step"] == 0
    assert slots["flow_step"] == "interpretation"
    assert slots["feedback_parts"] is None and slots["feedback_text"] is None


async def test_cancel_stores_nothing(action_db: str) -> None:
    consent()
    dispatcher = CollectingDispatcher()
    events = await fb.ActionSaveFeedback().run(
        dispatcher, tracker({"flow_stop": "cancel", "feedback_parts": ["a"]}), {}
    )
    assert "annulé" in texts(dispatcher)[0]
    assert slot_events(events)["feedback_parts"] is None
    assert rows(Feedback) == []


# --------------------------------------------------------------------------- the five steps


def save(text: str, rejection_id: int | None) -> int:
    from coach.feedbacks import save_feedback

    with transaction(sessions()) as session:
        user = session.scalar(select(User).where(User.telegram_user_id == UID))
        assert user is not None
        return save_feedback(
            session, user, rejection_id=rejection_id, text=text, analysis=analyze(text)
        ).id


async def step(slots: dict[str, Any]) -> tuple[CollectingDispatcher, dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    events = await reading.ActionInterpretationStep().run(
        dispatcher, tracker(slots, intent="interpretation_next"), {}
    )
    slots.update(slot_events(events))
    return dispatcher, slot_events(events)


async def test_the_five_steps_and_the_reflection_answers(action_db: str) -> None:
    consent()
    capgemini = add_rejection("Capgemini", "data analyst")
    feedback_id = save(CONCRETE, capgemini)
    slots: dict[str, Any] = {"feedback_id": feedback_id, "interpretation_step": 0}

    first, out = await step(slots)
    assert texts(first)[0].startswith("Étape 1/5") and out["flow_step"] == "interpretation"
    second, out = await step(slots)
    assert texts(second)[0].startswith("Étape 2/5") and out["interpretation_step"] == 2
    third, out = await step(slots)
    assert "Étape 3/5" in texts(third)[0] and out["flow_step"] == reading.REFLECT
    prompts = reflection_prompts(analyze(CONCRETE))
    assert out["reflection_state"]["prompts"] == prompts and 2 <= len(prompts) <= 3

    ask = CollectingDispatcher()
    await reading.ActionAskInterviewReflection().run(ask, tracker(slots), {})
    assert texts(ask) == [f"Question 1/{len(prompts)} : {prompts[0]}"]
    form = reading.ValidateFeedbackReflectionForm()
    answers = ["J'aurais dû parler du projet de migration que j'ai mené.", "passer"]
    answers += ["Le début, quand j'ai présenté mon parcours."] * (len(prompts) - 2)
    for index, answer in enumerate(answers):
        out = await form.validate_interview_reflection(
            answer, CollectingDispatcher(), tracker(slots), {}
        )
        slots.update(out)
        last = index == len(answers) - 1
        assert out["interview_reflection"] == ("done" if last else None)
    entries = rows(JournalEntry)
    assert [e.kind for e in entries] == ["interview"] * (len(prompts) - 1)
    assert entries[0].prompt == prompts[0] and entries[0].rejection_id == capgemini
    assert entries[0].text == answers[0]
    assert await form.required_slots([], CollectingDispatcher(), tracker(slots), {}) == []

    finish = CollectingDispatcher()
    events = await reading.ActionFinishInterviewReflection().run(finish, tracker(slots), {})
    slots.update(slot_events(events))
    assert "journal" in texts(finish)[0] and texts(finish)[1].startswith("Étape 4/5")
    assert slots["interpretation_step"] == 4 and slots["reflection_state"] is None
    fifth, out = await step(slots)
    assert texts(fifth)[0].startswith("Étape 5/5") and out["flow_step"] is None
    assert payloads(fifth) == ["/thank_you_note", "/ask_patterns"]

    note = CollectingDispatcher()
    await reading.ActionThankYouNote().run(note, tracker(slots), {})
    [draft] = [m["custom"]["text"] for m in note.messages if m.get("custom")]
    assert draft.startswith("Objet : Merci pour votre retour") and "Capgemini" in draft


async def test_a_generic_feedback_gets_a_clarification_draft(action_db: str) -> None:
    consent()
    feedback_id = save(GENERIC, add_rejection("Orange", "chef de projet"))
    slots = {"feedback_id": feedback_id, "interpretation_step": 1}
    dispatcher, _ = await step(slots)
    [draft] = [m["custom"] for m in dispatcher.messages if m.get("custom")]
    # A formal company and no civility known: « Madame, Monsieur, », never « Bonjour Julie
    # Martin ».
    assert draft["code"] is True and "Madame, Monsieur," in draft["text"]
    assert "Bonjour Julie Martin" not in draft["text"]


async def test_skipping_and_stopping_the_questions(action_db: str) -> None:
    consent()
    form = reading.ValidateFeedbackReflectionForm()
    state = {"prompts": ["Q1 ?", "Q2 ?"], "index": 0, "saved": 0, "rejection_id": None}
    helped = CollectingDispatcher()
    out = await form.validate_interview_reflection(
        "/help", helped, tracker({"reflection_state": state}, text="/help", intent="help"), {}
    )
    assert out == {"interview_reflection": None}, "the same question comes back"
    assert helped.messages[0]["response"] == "utter_help"
    skipped = await form.validate_interview_reflection(
        "passer", CollectingDispatcher(), tracker({"reflection_state": state}), {}
    )
    assert skipped["reflection_state"]["index"] == 1 and skipped["interview_reflection"] is None
    assert rows(JournalEntry) == []
    out = await form.validate_interview_reflection(
        "on arrête", CollectingDispatcher(), tracker({"reflection_state": state}), {}
    )
    assert out["flow_stop"] == "cancel"
    dispatcher = CollectingDispatcher()
    events = await reading.ActionFinishInterviewReflection().run(
        dispatcher, tracker({"reflection_state": state, "flow_stop": "cancel"}), {}
    )
    assert slot_events(events)["paused_flow"] == "interpretation"
    assert "on reprend" in texts(dispatcher)[0]


async def test_asking_how_to_read_it(action_db: str) -> None:
    consent()
    empty = CollectingDispatcher()
    assert await reading.ActionInterpretFeedback().run(empty, tracker(), {}) == []
    assert "/retour" in texts(empty)[1] and payloads(empty) == ["/share_feedback"]
    feedback_id = save(CONCRETE, add_rejection("Capgemini", "data analyst"))
    dispatcher = CollectingDispatcher()
    events = await reading.ActionInterpretFeedback().run(dispatcher, tracker(), {})
    assert "Capgemini" in texts(dispatcher)[0] and "Expérience" in texts(dispatcher)[1]
    assert slot_events(events)["feedback_id"] == feedback_id


# --------------------------------------------------------------------------- /bilan


async def test_patterns_and_the_charts(action_db: str) -> None:
    consent()
    save(CONCRETE, add_rejection("Capgemini", "data analyst"))
    save(
        "Il vous manque de l'expérience en gestion de projet pour ce poste.",
        add_rejection("Decathlon", "chef de projet"),
    )
    dispatcher = CollectingDispatcher()
    await reading.ActionShowPatterns().run(dispatcher, tracker(intent="ask_patterns"), {})
    summary = texts(dispatcher)[0]
    assert "2 retours enregistrés" in summary
    assert "🔁 Expérience — revient dans 2 retours (Capgemini, Decathlon)" in summary
    assert dispatcher.messages[-1]["custom"] == {"rebond": "charts"}


async def test_second_opinion() -> None:
    dispatcher = CollectingDispatcher()
    await reading.ActionSecondOpinion().run(dispatcher, tracker(intent="feedback_unhelpful"), {})
    assert "autre regard" in texts(dispatcher)[1] and "Défenseur des droits" in texts(dispatcher)[1]


# --------------------------------------------------------------------------- consent, database


async def test_nothing_is_stored_without_consent(action_db: str) -> None:
    dispatcher, slots = await start(text="ils m'ont répondu")
    assert "/start" in texts(dispatcher)[0] and slots == {"flow_step": fb.WAIT}
    saved = CollectingDispatcher()
    await fb.ActionSaveFeedback().run(saved, tracker({"feedback_text": CONCRETE}), {})
    assert "/start" in texts(saved)[0]
    state = {"prompts": ["Q1 ?"], "index": 0, "saved": 0, "rejection_id": None}
    out = await reading.ValidateFeedbackReflectionForm().validate_interview_reflection(
        "une réponse", CollectingDispatcher(), tracker({"reflection_state": state}), {}
    )
    assert out["interview_reflection"] is None
    assert rows(Feedback) == [] and rows(JournalEntry) == [] and rows(User) == []


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
    dispatcher, slots = await start(text="ils m'ont répondu")
    assert texts(dispatcher) == [DB_PROBLEM] and slots == {"flow_step": fb.WAIT}
    saved = CollectingDispatcher()
    events = await fb.ActionSaveFeedback().run(
        saved, tracker({"feedback_text": CONCRETE, "feedback_parts": [CONCRETE]}), {}
    )
    assert texts(saved) == [fb.SAVE_FAILED]
    assert slot_events(events) == {
        "feedback_text": None,
        "paused_flow": "feedback_form",
        "flow_step": None,
    }, "the text stays in memory for « on reprend »"
    patterns = CollectingDispatcher()
    await reading.ActionShowPatterns().run(patterns, tracker(), {})
    assert texts(patterns) == [DB_PROBLEM]


async def test_the_steps_are_postponed_and_resumed(action_db: str) -> None:
    from actions.flow import ActionPostpone, ActionResumeConversation

    consent()
    later = CollectingDispatcher()
    events = await ActionPostpone().run(later, tracker({"flow_step": "interpretation"}), {})
    assert slot_events(events)["paused_flow"] == "interpretation"
    [reminder] = rows(Reminder)
    assert reminder.kind == "resume_tomorrow" and reminder.payload["flow"] == "interpretation"
    for slots in ({"paused_flow": "interpretation"}, {"flow_step": "interpretation"}):
        back = CollectingDispatcher()
        events = await ActionResumeConversation().run(back, tracker(slots), {})
        assert "Reprenons la lecture" in texts(back)[0]
        assert payloads(back) == ["/interpretation_next"]
        assert slot_events(events) == {"paused_flow": None, "flow_step": "interpretation"}
    form = CollectingDispatcher()
    events = await ActionResumeConversation().run(
        form, tracker({"paused_flow": "feedback_form", "company": "Orange"}), {}
    )
    assert texts(form) == ["Reprenons là où nous en étions."], "no stale intake company"


# --------------------------------------------------------------------------- "c'est tout"

DONE_SAYINGS = (
    "c'est tout",
    "c'est tout merci",
    "non c'est tout",
    "Non, rien d'autre",
    "C'est tout 👍",
    "terminé merci",
    "ça sera tout",
    "voilà c'est tout",
    "ok c'est tout, merci beaucoup !",
    "non merci",
    "Voilà.",
    "c'est tout ce qu'ils m'ont dit",
)


@pytest.mark.parametrize("said", DONE_SAYINGS)
async def test_every_way_of_saying_it_is_complete(said: str) -> None:
    form = fb.ValidateFeedbackForm()
    dispatcher = CollectingDispatcher()
    slots = {"feedback_source": "written", "feedback_parts": [CONCRETE]}
    out = await form.validate_feedback_text(said, dispatcher, tracker(slots, text=said), {})
    assert out["feedback_text"] == CONCRETE, "complete: nothing appended, no question"
    assert texts(dispatcher) == []
    assert fb.is_done(said)


@pytest.mark.parametrize(
    "said", ["c'est pas tout", "merci", "oui", "c'est tout à fait ça", "Pas assez de SQL"]
)
def test_what_does_not_say_it_is_complete(said: str) -> None:
    assert not fb.is_done(said)


@pytest.mark.parametrize("said", ["j'ajoute un message", "non c'est pas tout", "attendez"])
def test_what_says_more_is_coming(said: str) -> None:
    assert fb.is_more(said)


async def test_a_short_line_without_a_theme_is_kept_aside_until_the_person_says() -> None:
    form = fb.ValidateFeedbackForm()
    slots: dict[str, Any] = {"feedback_source": "written", "feedback_parts": [CONCRETE]}

    async def say(text: str) -> tuple[CollectingDispatcher, dict[str, Any]]:
        dispatcher = CollectingDispatcher()
        out = await form.validate_feedback_text(text, dispatcher, tracker(slots, text=text), {})
        slots.update(out)
        return dispatcher, out

    asked, out = await say("Bonne journée !")
    assert out["feedback_text"] is None and out["feedback_pending"] == "Bonne journée !"
    assert slots["feedback_parts"] == [CONCRETE], "not appended"
    assert "fait partie du retour ?" in texts(asked)[0]
    assert payloads(asked) == ["c'est tout", "ça en fait partie"]
    again, out = await say("ok")
    assert "« Bonne journée ! » fait partie du retour ?" in texts(again)[0]
    _, out = await say("c'est tout merci")
    assert out["feedback_text"] == CONCRETE, "the line kept aside is left out"

    slots.update({"feedback_text": None, "feedback_pending": "Cordialement"})
    _, out = await say("ça en fait partie")
    assert out["feedback_parts"] == [CONCRETE, "Cordialement"] and out["feedback_pending"] is None

    # More feedback after a line kept aside: the line was a piece of it, in its place.
    slots.update({"feedback_parts": [CONCRETE], "feedback_pending": "Bonjour Camille,"})
    _, out = await say("Nous avons retenu un profil plus expérimenté en gestion de projet.")
    assert out["feedback_parts"][1:] == [
        "Bonjour Camille,",
        "Nous avons retenu un profil plus expérimenté en gestion de projet.",
    ]


async def test_a_short_line_with_a_theme_is_feedback() -> None:
    form = fb.ValidateFeedbackForm()
    slots = {"feedback_source": "written", "feedback_parts": [GENERIC]}
    line = "Manque d'expérience en management."
    assert analyze(line).themes
    dispatcher = CollectingDispatcher()
    out = await form.validate_feedback_text(line, dispatcher, tracker(slots, text=line), {})
    assert out["feedback_parts"] == [GENERIC, line] and "2 messages" in texts(dispatcher)[0]


# --------------------------------------------------------------------------- source question


async def test_feedback_typed_at_the_source_question_is_kept() -> None:
    form = fb.ValidateFeedbackForm()
    line = "Lettre de motivation pas assez adaptée au poste"
    dispatcher = CollectingDispatcher()
    out = await form.validate_feedback_source(line, dispatcher, tracker(text=line), {})
    assert out["feedback_source"] == "written" and out["feedback_parts"] == [line]
    assert "le texte de leur réponse" in texts(dispatcher)[0]
    assert payloads(dispatcher) == ["c'est tout", "j'ajoute un message"]

    notes = "au téléphone elle m'a dit que je manquais d'aisance à l'oral"
    dispatcher = CollectingDispatcher()
    out = await form.validate_feedback_source(notes, dispatcher, tracker(text=notes), {})
    assert out["feedback_source"] == "call" and out["feedback_parts"] == [notes]
    assert "vos notes de l'appel" in texts(dispatcher)[0]


@pytest.mark.parametrize(
    ("answer", "source"),
    [
        ("par mail je crois", "written"),
        ("c'était un appel avec la RH", "call"),
        ("un mail très court de la recruteuse", "written"),
        ("à l'oral", "call"),
        ("ils m'ont appelé hier", "call"),
        ("je ne sais pas", "written"),
    ],
)
async def test_answers_about_the_source_stay_answers(answer: str, source: str) -> None:
    out = await fb.ValidateFeedbackForm().validate_feedback_source(
        answer, CollectingDispatcher(), tracker(text=answer), {}
    )
    assert out == {"feedback_source": source}


# --------------------------------------------------------------------------- first message

EMAIL = (
    "Bonjour Camille, nous vous remercions pour le temps consacré à notre processus de "
    "recrutement. Après étude attentive, nous ne donnerons pas suite à votre candidature. "
    "Nous conservons votre profil. Bien cordialement, Julie"
)


async def test_a_pasted_email_as_first_message_is_kept(action_db: str) -> None:
    consent()
    add_rejection("Decathlon", "chef de projet")
    dispatcher, slots = await start(text=EMAIL)
    assert slots["feedback_parts"] == [EMAIL]
    assert "J'ai déjà noté ce que vous m'en dites" in texts(dispatcher)[0]


def test_a_short_announcement_is_not_the_feedback() -> None:
    assert fb.feedback_in_message("j'ai eu un retour de Capgemini par téléphone hier") is None


# --------------------------------------------------------------------------- commands in forms


def latest_with(slots: dict[str, Any], latest: Tracker) -> Tracker:
    """The tracker the form's closing action sees: the slots now, the same last message."""
    message = latest.latest_message
    return tracker(slots, text=message["text"], intent=message["intent"]["name"])


@pytest.mark.parametrize(
    ("command", "intent"), [("/delete_data", "delete_data"), ("/start", "start")]
)
async def test_a_command_in_the_feedback_form_sets_it_aside(
    action_db: str, command: str, intent: str
) -> None:
    consent()
    form = fb.ValidateFeedbackForm()
    slots: dict[str, Any] = {"feedback_source": "written", "feedback_parts": [CONCRETE]}
    latest = tracker(slots, text=command, intent=intent)
    out = await form.validate_feedback_text(command, CollectingDispatcher(), latest, {})
    assert out["flow_stop"] == reading.COMMAND_STOP and out["requested_slot"] is None
    assert "feedback_parts" not in out
    source_out = await form.validate_feedback_source(command, CollectingDispatcher(), latest, {})
    assert source_out["flow_stop"] == reading.COMMAND_STOP

    slots.update(out)
    dispatcher = CollectingDispatcher()
    events = await fb.ActionSaveFeedback().run(dispatcher, latest_with(slots, latest), {})
    assert texts(dispatcher) == [fb.SET_ASIDE]
    assert slot_events(events) == {
        "flow_stop": None,
        "paused_flow": "feedback_form",
        "flow_step": None,
    }
    [followup] = [e for e in events if e.get("event") == "followup"]
    assert followup["name"] == reading.COMMAND_ACTIONS[intent], "then the command runs"
    assert rows(Feedback) == [] and rows(Reminder) == [], "kept in memory, no reminder set"


async def test_export_in_the_feedback_form_is_sent_at_once() -> None:
    form = fb.ValidateFeedbackForm()
    slots = {"feedback_source": "written", "feedback_parts": [CONCRETE]}
    dispatcher = CollectingDispatcher()
    latest = tracker(slots, text="/export_data", intent="export_data")
    out = await form.validate_feedback_text("/export_data", dispatcher, latest, {})
    assert dispatcher.messages[0]["response"] == "utter_export"
    assert texts(dispatcher)[-1] == fb.BUSY and out["feedback_text"] is None
    assert "flow_stop" not in out, "the form goes on"


async def test_a_command_during_the_interview_questions_sets_them_aside(action_db: str) -> None:
    consent()
    state = {"prompts": ["Q1 ?", "Q2 ?"], "index": 1, "saved": 1, "rejection_id": None}
    slots: dict[str, Any] = {"reflection_state": state}
    form = reading.ValidateFeedbackReflectionForm()
    latest = tracker(slots, text="/delete_data", intent="delete_data")
    out = await form.validate_interview_reflection(
        "/delete_data", CollectingDispatcher(), latest, {}
    )
    assert out["flow_stop"] == reading.COMMAND_STOP
    slots.update(out)
    dispatcher = CollectingDispatcher()
    events = await reading.ActionFinishInterviewReflection().run(
        dispatcher, latest_with(slots, latest), {}
    )
    assert texts(dispatcher) == [reading.REFLECTION_SET_ASIDE]
    assert {"event": "followup", "timestamp": None, "name": "utter_ask_delete_confirm"} in events
    changed = slot_events(events)
    assert changed["paused_flow"] == "feedback_reflection_form" and changed["flow_stop"] is None
    assert "reflection_state" not in changed, "the answers so far are kept for « on reprend »"


# --------------------------------------------------------------------------- typed choice


async def test_a_company_typed_at_the_buttons_is_chosen(action_db: str) -> None:
    consent()
    add_rejection("Capgemini", "data analyst")
    decathlon = add_rejection("Decathlon Lille", "chef de projet")
    waiting = {"flow_step": fb.WAIT, "feedback_source": "call"}
    for typed, intent in [
        ("Decathlon", "nlu_fallback"),
        ("c'est pour decathlon", "affirm"),
        ("celle de Decathlon", "report_rejection"),
        ("decathlon", "share_feedback"),
    ]:
        dispatcher, slots = await start(waiting, text=typed, intent=intent)
        assert slots["feedback_rejection_id"] == decathlon and slots["flow_step"] is None
        assert slots["feedback_source"] == "call", "the source said before the choice is kept"
        assert texts(dispatcher)[0].startswith("Lisons ensemble ce retour de Decathlon Lille")


async def test_an_unknown_typed_answer_at_the_buttons(action_db: str) -> None:
    consent()
    add_rejection("Capgemini", "data analyst")
    add_rejection("Decathlon", "chef de projet")
    asked, slots = await start({"flow_step": fb.WAIT}, text="oui", intent="affirm")
    assert slots["flow_step"] == fb.WAIT and "pas reconnu" in texts(asked)[0]
    assert len(payloads(asked)) == 3, "the two applications and « Sans candidature liée »"
    new, slots = await start({"flow_step": fb.WAIT}, text="Michelin", intent="report_rejection")
    assert slots["flow_step"] == fb.NEW_APPLICATION and slots[fb.PENDING_COMPANY] == "Michelin", (
        "the intake follows, with the company typed"
    )
    assert slots[fb.KEPT_FOR] is None, "no feedback was told: nothing is kept"
    assert "Notons d'abord votre candidature chez Michelin" in texts(new)[0]


async def test_a_feedback_told_before_its_application_is_logged_is_kept_for_it(
    action_db: str,
) -> None:
    consent()
    add_rejection("Intersport", "vendeur")
    told = "decathlon aussi m'a répondu, ils disent que je manquais d'expérience en rayon"
    asked, slots = await start(text=told)
    assert "Decathlon n'est pas encore noté" in texts(asked)[0]
    parts = slots["feedback_parts"]
    assert parts and "manquais d'expérience en rayon" in parts[0]
    waiting = {"flow_step": fb.WAIT, "feedback_parts": parts, fb.PENDING_COMPANY: "Decathlon"}
    added, slots = await start(waiting, text="oui", intent="affirm")
    assert slots["flow_step"] == fb.NEW_APPLICATION and slots[fb.KEPT_FOR] == "Decathlon"
    assert slots["feedback_parts"] == parts, "the text waits through the intake"
    assert "je garde ce que vous m'en avez dit" in texts(added)[0]
    # The intake logs Decathlon; then /retour attaches the text kept, without asking again.
    decathlon = add_rejection("Decathlon", "vendeur")
    opened, slots = await start(
        {"feedback_parts": parts, fb.KEPT_FOR: "Decathlon"}, text="/share_feedback"
    )
    assert slots["feedback_rejection_id"] == decathlon and slots["flow_step"] is None
    assert slots["feedback_parts"] == parts and slots[fb.KEPT_FOR] is None
    assert "Decathlon" in texts(opened)[0]


async def test_the_source_is_kept_across_the_button_choice(action_db: str) -> None:
    consent()
    add_rejection("Capgemini", "data analyst")
    orange = add_rejection("Orange", "chef de projet")
    asked, slots = await start(text="ils m'ont rappelé par téléphone")
    assert slots["flow_step"] == fb.WAIT and slots["feedback_source"] == "call"
    assert "Merci de me le confier" in texts(asked)[0]
    entity = [{"entity": "rejection_id", "value": str(orange)}]
    chosen, slots = await start(
        slots={"flow_step": fb.WAIT, "feedback_source": "call"},
        text=f'/share_feedback{{"rejection_id":"{orange}"}}',
        entities=entity,
    )
    assert slots["feedback_source"] == "call" and slots["feedback_rejection_id"] == orange
    assert "Merci" not in texts(chosen)[0], "thanked once, at the question"


async def test_without_a_linked_application_the_current_one_stays(action_db: str) -> None:
    consent()
    capgemini = add_rejection("Capgemini", "data analyst")
    add_rejection("Orange", "chef de projet")
    dispatcher, _ = await start(text="/share_feedback")
    alone = [b for m in dispatcher.messages for b in m.get("buttons") or []][-1]
    assert alone == {"title": "📨 Sans candidature liée", "payload": fb.ALONE_PAYLOAD}
    history = [
        {"event": "slot", "name": "current_rejection_id", "value": capgemini},
        {"event": "user", "text": fb.ALONE_PAYLOAD},
        {"event": "slot", "name": "current_rejection_id", "value": "none"},
    ]
    _, slots = await start(
        slots={"flow_step": fb.WAIT, "current_rejection_id": "none"},
        text=fb.ALONE_PAYLOAD,
        entities=[{"entity": "rejection_id", "value": "none"}],
        events=history,
    )
    assert slots["feedback_rejection_id"] == fb.NO_APPLICATION
    assert slots["current_rejection_id"] == capgemini, "not the string 'none'"


# --------------------------------------------------------------------------- after the analysis


async def test_a_harsh_feedback_offers_a_second_opinion(action_db: str) -> None:
    consent()
    harsh = "Vous êtes arrogant et l'entretien était catastrophique."
    assert analyze(harsh).signals & {"personal_attack", "overly_negative"}
    dispatcher = CollectingDispatcher()
    await fb.ActionSaveFeedback().run(dispatcher, tracker({"feedback_text": harsh}), {})
    assert payloads(dispatcher)[-1] == "/feedback_unhelpful"
    plain = CollectingDispatcher()
    await fb.ActionSaveFeedback().run(plain, tracker({"feedback_text": CONCRETE}), {})
    assert not analyze(CONCRETE).signals
    assert "/feedback_unhelpful" not in payloads(plain)

    opinion = CollectingDispatcher()
    await reading.ActionSecondOpinion().run(opinion, tracker({"flow_step": "interpretation"}), {})
    assert payloads(opinion) == ["/interpretation_next"], "back to the five steps"


async def test_the_thank_you_note_follows_the_feedback(action_db: str) -> None:
    consent()
    feedback_id = save(GENERIC, add_rejection("Orange", "chef de projet"))
    dispatcher = CollectingDispatcher()
    await reading.ActionThankYouNote().run(dispatcher, tracker({"feedback_id": feedback_id}), {})
    [draft] = [m["custom"]["text"] for m in dispatcher.messages if m.get("custom")]
    assert "pistes" not in draft and "franchise" not in draft
    assert "[Votre prénom et nom]" in draft
    assert "Pensez à remplacer [Votre prénom et nom] par votre nom." in texts(dispatcher)[0]


def test_the_five_steps_are_listed_in_one_place() -> None:
    overview = reading.steps_overview("Intro :")
    assert overview.splitlines() == ["Intro :"] + [
        f"{n}. {title}" for n, title in enumerate(INTERPRETATION_STEPS, start=1)
    ]


# --------------------------------------------------------------------------- /bilan charts


def add_moods(count: int) -> None:
    with transaction(sessions()) as session:
        user = session.scalar(select(User).where(User.telegram_user_id == UID))
        assert user is not None
        for index in range(count):
            session.add(
                Mood(user_id=user.id, mood="ca_va", created_at=NOW - dt.timedelta(days=index))
            )


async def patterns_shown() -> CollectingDispatcher:
    dispatcher = CollectingDispatcher()
    await reading.ActionShowPatterns().run(dispatcher, tracker(intent="ask_patterns"), {})
    return dispatcher


async def test_no_chart_is_announced_when_none_will_be_drawn(action_db: str) -> None:
    consent()
    save(GENERIC.replace("retenu un autre profil", "décidé de ne pas donner suite"), None)
    add_moods(1)
    dispatcher = await patterns_shown()
    assert "graphique" not in texts(dispatcher)[0]
    assert all(not m.get("custom") for m in dispatcher.messages), "no charts directive"


async def test_the_mood_chart_alone_without_feedback(action_db: str) -> None:
    consent()
    add_moods(2)
    dispatcher = await patterns_shown()
    assert "Aucun retour enregistré" in texts(dispatcher)[0]
    assert "Le graphique de votre humeur au fil du temps suit." in texts(dispatcher)[0]
    assert dispatcher.messages[-1]["custom"] == {"rebond": "charts"}
