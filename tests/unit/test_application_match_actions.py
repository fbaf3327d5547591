"""A company named with a feedback or a request is never filed under another application,
and the person can correct how a feedback was read (actions/feedback.py, actions/requests.py,
actions/reading.py, against a real SQLite database)."""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions import feedback as fb
from actions import intake as intake_actions
from actions import reading as reading_actions
from actions import requests as req
from actions.common import sessions
from coach.db import transaction
from coach.feedback import analyze
from coach.feedbacks import patterns_for, save_feedback
from coach.models import Feedback, User
from coach.swot import prefill_for
from tests.unit.test_feedback_actions import (
    add_rejection,
    consent,
    payloads,
    rows,
    slot_events,
    start,
    texts,
    tracker,
)

# --------------------------------------------------------------------------- feedback


async def test_a_company_not_logged_is_not_filed_under_the_only_application(
    action_db: str,
) -> None:
    consent()
    intersport = add_rejection("Intersport", "vendeur")
    for typed in (
        "decathlon aussi m'a répondu",
        "Decathlon m'a répondu",
        "j'ai eu un retour de chez decathlon",
        "decathlon ma enfin repondu",
    ):
        dispatcher, slots = await start(text=typed)
        assert slots["flow_step"] == fb.WAIT, typed
        assert "feedback_rejection_id" not in slots, "nothing is filed yet"
        assert texts(dispatcher)[0].startswith("Decathlon n'est pas encore noté : je l'ajoute ?")
        assert slots[fb.PENDING_COMPANY] == "Decathlon"
        assert '/report_rejection{"company": "Decathlon"}' in payloads(dispatcher)
        assert f'/share_feedback{{"rejection_id":"{intersport}"}}' in payloads(dispatcher)
        assert fb.ALONE_PAYLOAD in payloads(dispatcher)


async def test_loreal_is_not_filed_under_thales(action_db: str) -> None:
    consent()
    add_rejection("Thales", "ingénieure qualité")
    dispatcher, slots = await start(text="l'oreal m'a rappelée")
    assert slots["flow_step"] == fb.WAIT
    assert "L'Oréal n'est pas encore noté" in texts(dispatcher)[0]
    loreal = add_rejection("L'Oréal", "cheffe de projet marketing")
    for typed in ("l'oreal m'a rappelée", "retour de loreal", "L’ORÉAL m'a répondu"):
        dispatcher, slots = await start(text=typed)
        assert slots["feedback_rejection_id"] == loreal, typed
        assert "ce retour de L'Oréal" in texts(dispatcher)[0]


async def test_names_are_matched_however_they_are_typed(action_db: str) -> None:
    consent()
    add_rejection("Intersport", "vendeur")
    leroy = add_rejection("Leroy Merlin", "conseiller de vente")
    decathlon = add_rejection("Decathlon", "chef de rayon")
    for typed, expected in [
        ("leroy merlin m'a répondu", leroy),
        ("j'ai un retour de Leroy-Merlin", leroy),
        ("decatlon m'a rappelé", decathlon),
        ("DECATHLON m'a envoyé un mail", decathlon),
    ]:
        _, slots = await start(text=typed)
        assert slots["feedback_rejection_id"] == expected, typed


async def test_two_applications_at_the_same_company_ask_which(action_db: str) -> None:
    consent()
    add_rejection("Intersport", "vendeur")
    first = add_rejection("Decathlon", "vendeur")
    second = add_rejection("Decathlon", "chef de rayon")
    dispatcher, slots = await start(text="decathlon m'a répondu")
    assert slots["flow_step"] == fb.WAIT
    assert "plusieurs candidatures chez Decathlon" in texts(dispatcher)[0]
    assert set(payloads(dispatcher)) >= {
        f'/share_feedback{{"rejection_id":"{first}"}}',
        f'/share_feedback{{"rejection_id":"{second}"}}',
    }
    assert not any("Intersport" in b["title"] for m in dispatcher.messages for b in m["buttons"])


async def test_without_a_company_the_only_application_is_still_chosen(action_db: str) -> None:
    consent()
    intersport = add_rejection("Intersport", "vendeur")
    _, slots = await start(text="ils m'ont répondu")
    assert slots["feedback_rejection_id"] == intersport


async def test_yes_to_adding_starts_the_intake_with_the_company(action_db: str) -> None:
    consent()
    add_rejection("Intersport", "vendeur")
    waiting = {"flow_step": fb.WAIT, fb.PENDING_COMPANY: "Decathlon"}
    for typed, intent in [("oui", "affirm"), ("oui vas-y ajoute", "affirm")]:
        dispatcher, slots = await start(waiting, text=typed, intent=intent)
        assert slots["flow_step"] == fb.NEW_APPLICATION, typed
        assert "chez Decathlon" in texts(dispatcher)[0]
        intake = CollectingDispatcher()
        events = await intake_actions.ActionStartIntake().run(
            intake, tracker({**waiting, **slots}, text=typed, intent=intent), {}
        )
        assert slot_events(events)["company"] == "Decathlon"
        assert "refus de Decathlon" in texts(intake)[0]


async def test_the_add_button_starts_the_intake_with_the_company(action_db: str) -> None:
    consent()
    add_rejection("Intersport", "vendeur")
    payload = '/report_rejection{"company": "Leroy Merlin"}'
    entities = [{"entity": "company", "value": "Leroy Merlin"}]
    dispatcher, slots = await start(
        {"flow_step": fb.WAIT}, text=payload, intent="report_rejection", entities=entities
    )
    assert slots["flow_step"] == fb.NEW_APPLICATION
    assert "chez Leroy Merlin" in texts(dispatcher)[0]
    intake = CollectingDispatcher()
    events = await intake_actions.ActionStartIntake().run(
        intake, tracker({}, text=payload, intent="report_rejection", entities=entities), {}
    )
    assert slot_events(events)["company"] == "Leroy Merlin"


async def test_a_plain_report_keeps_no_stale_company(action_db: str) -> None:
    consent()
    intake = CollectingDispatcher()
    # A company left over from an earlier question is not used outside that question.
    events = await intake_actions.ActionStartIntake().run(
        intake,
        tracker({fb.PENDING_COMPANY: "Decathlon"}, text="/report_rejection", intent="x"),
        {},
    )
    assert slot_events(events).get("company") is None
    assert slot_events(events)[fb.PENDING_COMPANY] is None


async def test_no_to_adding_shows_the_logged_applications(action_db: str) -> None:
    consent()
    intersport = add_rejection("Intersport", "vendeur")
    waiting = {"flow_step": fb.WAIT, fb.PENDING_COMPANY: "Decathlon"}
    dispatcher, slots = await start(waiting, text="non", intent="deny")
    assert slots["flow_step"] == fb.WAIT
    assert "De quelle candidature" in texts(dispatcher)[0]
    assert f'/share_feedback{{"rejection_id":"{intersport}"}}' in payloads(dispatcher)


async def test_a_reply_at_the_buttons_is_not_taken_for_a_company(action_db: str) -> None:
    consent()
    add_rejection("Intersport", "vendeur")
    add_rejection("Thales", "technicienne")
    for typed in ("oui", "je sais pas", "aucune", "ok"):
        dispatcher, _ = await start({"flow_step": fb.WAIT}, text=typed, intent="nlu_fallback")
        assert "n'est pas encore noté" not in " ".join(texts(dispatcher)), typed


async def test_a_typo_typed_at_the_buttons_finds_the_application(action_db: str) -> None:
    consent()
    add_rejection("Intersport", "vendeur")
    thales = add_rejection("Thales", "technicienne")
    _, slots = await start({"flow_step": fb.WAIT}, text="thalès", intent="nlu_fallback")
    assert slots["feedback_rejection_id"] == thales
    dispatcher, slots = await start({"flow_step": fb.WAIT}, text="decatlon", intent="inform")
    assert slots["flow_step"] == fb.WAIT
    assert texts(dispatcher)[0].startswith("Decatlon n'est pas encore noté")


# --------------------------------------------------------------------------- request


async def test_a_request_for_a_company_not_logged_offers_to_add_it(action_db: str) -> None:
    consent()
    add_rejection("Intersport", "vendeur")
    dispatcher = CollectingDispatcher()
    events = await req.ActionPlanRequest().run(
        dispatcher,
        tracker(text="quand demander un retour chez decathlon ?", intent="ask_timing"),
        {},
    )
    assert events == [], "no application chosen"
    assert texts(dispatcher)[0].startswith("Decathlon n'est pas encore noté : je l'ajoute ?")
    assert "Intersport" not in texts(dispatcher)[0]
    assert '/report_rejection{"company": "Decathlon"}' in payloads(dispatcher)


async def test_a_request_naming_a_logged_company_uses_it(action_db: str) -> None:
    consent()
    leroy = add_rejection("Leroy Merlin", "conseiller")
    intersport = add_rejection("Intersport", "vendeur")
    dispatcher = CollectingDispatcher()
    events = await req.ActionPlanRequest().run(
        dispatcher,
        tracker(
            {"current_rejection_id": intersport},
            text="quand demander un retour à leroy merlin ?",
            intent="ask_timing",
        ),
        {},
    )
    assert slot_events(events)["current_rejection_id"] == leroy


# --------------------------------------------------------------------------- reading


def save(text: str, *, rejection_id: int | None = None) -> int:
    with transaction(sessions()) as session:
        user = session.scalar(select(User))
        assert user is not None
        row = save_feedback(
            session, user, rejection_id=rejection_id, text=text, analysis=analyze(text)
        )
        return row.id


async def correct(text: str, slots: dict[str, Any] | None = None) -> CollectingDispatcher:
    dispatcher = CollectingDispatcher()
    await reading_actions.ActionCorrectFeedbackReading().run(
        dispatcher, tracker(slots, text=text, intent="correct_feedback_reading"), {}
    )
    return dispatcher


def themes_of(feedback_id: int) -> list[str]:
    with sessions()() as session:
        row = session.get(Feedback, feedback_id)
        assert row is not None
        return list(row.themes)


async def test_removing_a_theme(action_db: str) -> None:
    consent()
    feedback = save("Vos réponses manquaient de clarté et votre expérience est trop courte.")
    assert set(themes_of(feedback)) >= {"communication", "experience"}
    dispatcher = await correct("ce n'est pas un problème de communication")
    assert texts(dispatcher)[0].startswith("C'est noté : je retire « Communication ».")
    assert "communication" not in themes_of(feedback)
    assert "experience" in themes_of(feedback)
    [row] = rows(Feedback)
    assert row.reading_corrections[0]["removed"] == ["communication"]


async def test_replacing_the_reading(action_db: str) -> None:
    consent()
    feedback = save("Vos réponses manquaient de clarté.")
    assert themes_of(feedback) == ["communication"]
    dispatcher = await correct("non c pas ca le souci c'est plutot l'anglais")
    assert texts(dispatcher)[0].startswith(
        "C'est noté : je retire « Communication » et j'ajoute « Compétences techniques »."
    )
    assert themes_of(feedback) == ["technical_skills"]


async def test_adding_and_removing_change_bilan_and_swot(action_db: str) -> None:
    consent()
    first = save("Vos réponses manquaient de clarté.")
    save("Il vous manque de l'expérience en gestion de projet.")
    with sessions()() as session:
        user = session.scalar(select(User))
        assert user is not None
        assert patterns_for(session, user).recurring == []
    await correct("ajoute : manque d'expérience", {"feedback_id": first})
    await correct("retire Communication", {"feedback_id": first})
    with sessions()() as session:
        user = session.scalar(select(User))
        assert user is not None
        patterns = patterns_for(session, user)
        assert patterns.recurring == ["experience"], "two feedbacks now name it"
        assert "communication" not in patterns.theme_counts
        weaknesses = " ".join(prefill_for(session, user).weaknesses)
        assert "xpérience" in weaknesses and "ommunication" not in weaknesses


async def test_a_rejection_without_a_theme_offers_buttons(action_db: str) -> None:
    consent()
    save("Vos réponses manquaient de clarté et d'exemples concrets.")
    dispatcher = await correct("non c'est faux")
    assert "Lequel retirer" in texts(dispatcher)[0]
    assert "retire Communication" in payloads(dispatcher)


async def test_removing_a_theme_not_read_says_so(action_db: str) -> None:
    consent()
    feedback = save("Vos réponses manquaient de clarté.")
    dispatcher = await correct("retire la motivation")
    assert "Je n'avais pas retenu « Motivation »" in texts(dispatcher)[0]
    assert themes_of(feedback) == ["communication"]
    assert rows(Feedback)[0].reading_corrections is None


async def test_during_the_steps_the_next_step_button_comes_back(action_db: str) -> None:
    consent()
    feedback = save("Vos réponses manquaient de clarté.")
    dispatcher = await correct(
        "ajoute la motivation", {"feedback_id": feedback, "flow_step": "interpretation"}
    )
    assert "/interpretation_next" in payloads(dispatcher)


async def test_without_any_feedback(action_db: str) -> None:
    consent()
    dispatcher = await correct("ce n'est pas un problème de communication")
    assert "aucun retour enregistré" in texts(dispatcher)[0]
