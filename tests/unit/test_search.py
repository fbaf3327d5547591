"""The whole search through the relay (bot/search.py): Rasa only classifies (a fake answers
the directive), the bot reads the text, keeps the records and answers. Expected dates are
worked out by hand from START, Saturday 5 December 2026, 11:00 in Paris."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from bot import search
from bot.dispatcher import extra_buttons, reminder_text
from bot.rasa_client import RasaClient
from bot.relay import Relay, Speaker
from bot.rendering import Reply
from coach.db import transaction
from coach.models import Activity, JobApplication, Reminder, User
from coach.reminders import ReminderSnapshot
from coach.users import find_user, give_consent

CAMILLE = Speaker(4242, "Camille")
START = dt.datetime(2026, 12, 5, 10, 0, tzinfo=dt.UTC)


class FakeRasa:
    """Answers every message with the directive it is told (or « ok rasa »)."""

    def __init__(self) -> None:
        self.directive: str | None = None
        self.messages: list[str] = []
        self.metadata: list[dict[str, Any]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content) if request.content else {}
        if "message" in body:
            self.messages.append(body["message"])
            self.metadata.append(body.get("metadata") or {})
        if self.directive is not None:
            answer: dict[str, Any] = {"recipient_id": "4242", "custom": {"rebond": self.directive}}
        else:
            answer = {"recipient_id": "4242", "text": "ok rasa"}
        if request.url.path.endswith("/trigger_intent"):
            return httpx.Response(200, json={"messages": [answer]})
        return httpx.Response(200, json=[answer])


@pytest.fixture
def rasa() -> FakeRasa:
    return FakeRasa()


@pytest.fixture
def relay(session_factory: Any, rasa: FakeRasa) -> Relay:
    with transaction(session_factory) as session:
        give_consent(session, 4242, first_name="Camille", timezone="Europe/Paris", now=START)
    http = httpx.AsyncClient(transport=httpx.MockTransport(rasa))
    return Relay(
        rasa=RasaClient("http://rasa.test", auth_token="t", http=http, retry_delay=0),
        session_factory=session_factory,
        tracker_url="sqlite://",
        clock=lambda: START,
        crisis_retry_delays=(0.01,),
    )


def say(relay: Relay, rasa: FakeRasa, text: str, directive: str | None = None) -> list[Reply]:
    rasa.directive = directive
    return asyncio.run(relay.handle_text(CAMILLE, text, key=None))


def press(relay: Relay, payload: str) -> list[Reply]:
    return asyncio.run(relay.handle_payload(CAMILLE, payload))


def text_of(replies: list[Reply]) -> str:
    return "\n".join(r.text or "" for r in replies)


def payloads(replies: list[Reply]) -> list[str]:
    return [b.payload for r in replies for b in r.buttons]


def rows(session_factory: Any, model: Any) -> list[Any]:
    with session_factory() as session:
        return list(session.scalars(select(model).order_by(model.id)))


def user_row(session_factory: Any) -> User:
    with session_factory() as session:
        user = find_user(session, 4242)
        assert user is not None
        return user


LOG = "log_application"
NEWS = "application_news"


def test_an_application_in_a_sentence_is_logged_with_its_follow_up(
    relay: Relay, rasa: FakeRasa, session_factory: Any
) -> None:
    replies = say(
        relay, rasa, "j'ai postulé chez Airbus pour le poste de technicienne qualité hier", LOG
    )
    shown = text_of(replies)
    assert "candidature chez Airbus (technicienne qualité), envoyée vendredi 4 décembre" in shown
    # 7 business days after Friday 4 December: 7, 8, 9, 10, 11, 14, 15 → Tuesday 15.
    assert "relance le mardi 15 décembre" in shown
    [application] = rows(session_factory, JobApplication)
    assert (application.company, application.position, application.stage) == (
        "Airbus",
        "technicienne qualité",
        "sent",
    )
    assert application.applied_on == dt.date(2026, 12, 4)
    assert [(a.kind, a.happened_on) for a in rows(session_factory, Activity)] == [
        ("application", dt.date(2026, 12, 4))
    ]
    follow = [r for r in rows(session_factory, Reminder) if r.kind == "application_follow_up"]
    assert [r.due_at for r in follow] == [dt.datetime(2026, 12, 15, 9, 0, tzinfo=dt.UTC)]
    # The channel was not said: asked with buttons; the position was.
    assert f"srch:ch:{application.id}:email" in payloads(replies)
    assert user_row(session_factory).awaiting is None

    again = say(
        relay, rasa, "j'ai postulé chez Airbus pour le poste de technicienne qualité hier", LOG
    )
    assert "déjà notée" in text_of(again)
    assert len(rows(session_factory, JobApplication)) == 1

    press(relay, f"srch:ch:{application.id}:email")
    assert rows(session_factory, JobApplication)[0].channel == "email"


def test_the_missing_position_is_asked_and_its_answer_never_reaches_rasa(
    relay: Relay, rasa: FakeRasa, session_factory: Any
) -> None:
    replies = say(relay, rasa, "candidature envoyée à Decathlon ce matin", LOG)
    assert search.ASK_POSITION in text_of(replies)
    sent_to_rasa = list(rasa.messages)
    answer = say(relay, rasa, "vendeuse en magasin")
    assert "Poste noté : vendeuse en magasin." in text_of(answer)
    assert rasa.messages == sent_to_rasa  # the answer stayed with the bot
    assert rows(session_factory, JobApplication)[0].position == "vendeuse en magasin"
    # Nothing awaited any more: the next text goes to Rasa as usual.
    say(relay, rasa, "merci")
    assert rasa.messages[-1] == "merci"


def test_an_interview_in_a_sentence_moves_the_application_and_plans_both_reminders(
    relay: Relay, rasa: FakeRasa, session_factory: Any
) -> None:
    say(relay, rasa, "j'ai postulé chez Airbus hier", LOG)
    say(relay, rasa, "passer")  # the position question
    replies = say(relay, rasa, "j'ai un entretien chez Airbus jeudi à 14h", NEWS)
    assert "entretien chez Airbus, jeudi 10 décembre à 14 h" in text_of(replies)
    assert {"/ask_star", "/ask_interview_tips"} <= set(payloads(replies))
    [application] = rows(session_factory, JobApplication)
    assert application.stage == "interview"
    assert application.interview_at == dt.datetime(2026, 12, 10, 13, 0, tzinfo=dt.UTC)
    pending = {r.kind: r.due_at for r in rows(session_factory, Reminder) if r.status == "pending"}
    assert pending["interview_prep"] == dt.datetime(2026, 12, 9, 9, 0, tzinfo=dt.UTC)
    assert pending["interview_soon"] == dt.datetime(2026, 12, 10, 12, 0, tzinfo=dt.UTC)
    assert "application_follow_up" not in pending  # no follow-up once an interview is set

    listed = say(relay, rasa, "mes candidatures", "applications")
    assert "• Airbus : Entretien prévu (jeudi 10 décembre à 14 h)" in text_of(listed)
    assert f"srch:app:{application.id}" in payloads(listed)


def test_a_new_day_and_hour_said_alone_move_the_one_interview_ahead(
    relay: Relay, rasa: FakeRasa, session_factory: Any
) -> None:
    say(relay, rasa, "j'ai postulé chez Airbus hier", LOG)
    say(relay, rasa, "passer")
    say(relay, rasa, "j'ai un entretien chez Airbus jeudi à 14h", NEWS)
    replies = say(relay, rasa, "en fait non c'est vendredi 10h30", NEWS)
    # Friday 11 December, 10:30 in Paris = 09:30 UTC.
    assert "vendredi 11 décembre à 10 h 30" in text_of(replies)
    [application] = rows(session_factory, JobApplication)
    assert application.interview_at == dt.datetime(2026, 12, 11, 9, 30, tzinfo=dt.UTC)
    pending = [r.kind for r in rows(session_factory, Reminder) if r.status == "pending"]
    assert pending.count("interview_soon") == 1 and pending.count("interview_prep") == 1


def test_a_news_about_a_company_not_logged_is_never_filed_elsewhere(
    relay: Relay, rasa: FakeRasa, session_factory: Any
) -> None:
    say(relay, rasa, "j'ai postulé chez Intersport hier", LOG)
    replies = say(relay, rasa, "j'ai un entretien chez Decathlon lundi à 10h", NEWS)
    assert "pas de candidature chez Decathlon" in text_of(replies)
    assert rows(session_factory, JobApplication)[0].stage == "sent"


def test_news_of_a_followed_application_taken_for_a_new_one_is_still_news(
    relay: Relay, rasa: FakeRasa, session_factory: Any
) -> None:
    """The classifier may take « Airbus m'a proposé un entretien… » for an application
    being logged: the bot reads that it names a followed one and a stage."""
    say(relay, rasa, "j'ai postulé chez Airbus hier", LOG)
    say(relay, rasa, "passer")
    replies = say(relay, rasa, "Airbus m'a proposé un entretien jeudi à 14h", LOG)
    assert "entretien chez Airbus, jeudi 10 décembre à 14 h" in text_of(replies)
    [application] = rows(session_factory, JobApplication)
    assert application.stage == "interview"


def test_a_new_application_taken_for_news_is_logged(
    relay: Relay, rasa: FakeRasa, session_factory: Any
) -> None:
    say(relay, rasa, "j'ai postulé chez Airbus hier", LOG)
    say(relay, rasa, "passer")
    replies = say(relay, rasa, "candidature envoyée chez Thales ce matin", NEWS)
    assert "candidature chez Thales" in text_of(replies)
    assert [a.company for a in rows(session_factory, JobApplication)] == ["Airbus", "Thales"]
    # News of a company not followed is not logged as an application sent today.
    replies = say(relay, rasa, "Decathlon m'a proposé un entretien lundi à 10h", LOG)
    assert "pas de candidature chez Decathlon" in text_of(replies)
    assert [a.company for a in rows(session_factory, JobApplication)] == ["Airbus", "Thales"]


def test_a_button_asks_the_interview_time_and_reads_the_typed_answer(
    relay: Relay, rasa: FakeRasa, session_factory: Any
) -> None:
    say(relay, rasa, "j'ai postulé chez Thales hier pour le poste d'acheteuse", LOG)
    [application] = rows(session_factory, JobApplication)
    asked = press(relay, f"srch:mv:{application.id}:interview")
    assert "Quand a lieu votre entretien" in text_of(asked)
    before = list(rasa.messages)
    done = say(relay, rasa, "mardi 15 décembre à 9h30")
    assert "mardi 15 décembre à 9 h 30" in text_of(done)
    assert rasa.messages == before
    stored = rows(session_factory, JobApplication)[0]
    assert stored.interview_at == dt.datetime(2026, 12, 15, 8, 30, tzinfo=dt.UTC)


def test_the_timezone_is_set_from_a_sentence_with_the_local_time(
    relay: Relay, rasa: FakeRasa, session_factory: Any
) -> None:
    replies = say(relay, rasa, "je suis à la Réunion", "timezone")
    shown = text_of(replies)
    # 10:00 UTC is 14:00 at La Réunion (UTC+4, no summer time).
    assert "l'heure de La Réunion" in shown and "14 h" in shown
    assert user_row(session_factory).timezone == "Indian/Reunion"
    # From then on, Rasa is told the person's zone with every message (the forms' dates).
    rasa.directive = None
    asyncio.run(relay.handle_text(CAMILLE, "bonjour"))
    assert rasa.messages[-1] == "bonjour"


def test_the_timezone_question_takes_a_bare_place_as_its_answer(
    relay: Relay, rasa: FakeRasa, session_factory: Any
) -> None:
    rasa.directive = "timezone"  # what Rasa answers to the command's /set_timezone
    asked = asyncio.run(relay.handle_command(CAMILLE, "/fuseau"))
    assert "Où êtes-vous ?" in text_of(asked) and "srch:tz:America/Toronto" in payloads(asked)
    before = list(rasa.messages)
    say(relay, rasa, "Montréal")
    assert rasa.messages == before
    assert user_row(session_factory).timezone == "America/Toronto"
    press(relay, "srch:tz:Europe/Paris")
    assert user_row(session_factory).timezone == "Europe/Paris"
    assert "bouton ne correspond" in text_of(press(relay, "srch:tz:Nowhere/Atlantis"))


def test_the_proof_of_activity_asks_the_period_and_the_name_then_sends_pdf_and_csv(
    relay: Relay, rasa: FakeRasa, session_factory: Any
) -> None:
    say(relay, rasa, "j'ai postulé chez Airbus hier", LOG)
    say(relay, rasa, "passer")
    asked = say(relay, rasa, "il me faut un justificatif pour France Travail", "activity_report")
    assert payloads(asked) == ["srch:per:0", "srch:per:1", "srch:per:2"]
    named = press(relay, "srch:per:0")  # the last 4 weeks
    assert text_of(named) == search.ASK_NAME
    replies = say(relay, rasa, "Camille Martin")
    shown = text_of(replies)
    assert "du 8 novembre au 5 décembre 2026 : 1 démarche." in shown
    assert "• Candidature envoyée : 1" in shown
    documents = {r.document_name: r.document for r in replies if r.document is not None}
    pdf = documents["journal-demarches-2026-11-08-au-2026-12-05.pdf"]
    csv = documents["journal-demarches-2026-11-08-au-2026-12-05.csv"]
    assert pdf is not None and pdf.startswith(b"%PDF")
    assert csv is not None and csv.startswith(b"\xef\xbb\xbf") and b"Airbus" in csv
    assert user_row(session_factory).signature_name == "Camille Martin"


def test_a_text_that_does_not_answer_the_question_goes_on_to_rasa(
    relay: Relay, rasa: FakeRasa
) -> None:
    say(relay, rasa, "mes démarches", "activity_report")
    say(relay, rasa, "bonjour")
    assert rasa.messages[-1] == "bonjour"


def test_a_step_outside_rebond_is_added_and_can_be_undone(
    relay: Relay, rasa: FakeRasa, session_factory: Any
) -> None:
    replies = say(
        relay, rasa, "lundi j'ai participé à un atelier CV à France Travail", "log_activity"
    )
    assert "lundi 30 novembre" in text_of(replies)
    [activity] = rows(session_factory, Activity)
    assert (activity.kind, activity.happened_on) == ("workshop", dt.date(2026, 11, 30))
    assert payloads(replies) == [f"srch:undo:{activity.id}"]
    press(relay, f"srch:undo:{activity.id}")
    assert rows(session_factory, Activity) == []


def snapshot(kind: str, payload: dict[str, Any]) -> ReminderSnapshot:
    return ReminderSnapshot(
        id=9,
        user_id=1,
        chat_id=4242,
        kind=kind,
        payload=payload,
        due_at=START,
        attempts=0,
        late_by=dt.timedelta(0),
    )


@pytest.mark.parametrize(
    ("kind", "words", "wanted"),
    [
        ("interview_prep", "Votre entretien chez Airbus approche.", ["/ask_star"]),
        ("application_follow_up", "vous avez postulé chez Airbus", ["srch:fu:3"]),
        ("application_silence", "aucune nouvelle chez Airbus", ["srch:close:3", "srch:keep:3"]),
        ("interview_debrief", "votre entretien chez Airbus", ["/thank_you_note"]),
    ],
)
def test_the_nudges_name_the_company_and_carry_their_buttons(
    kind: str, words: str, wanted: list[str]
) -> None:
    shown = snapshot(kind, {"application_id": 3, "company": "Airbus"})
    assert words in reminder_text(shown)
    assert set(wanted) <= {b.payload for b in extra_buttons(shown)}


def test_a_nudge_without_its_application_keeps_only_the_buttons_that_need_none() -> None:
    assert [b.payload for b in extra_buttons(snapshot("application_silence", {}))] == []
    assert reminder_text(snapshot("interview_soon", {})).startswith("Votre entretien commence")


def test_the_follow_up_draft_is_offered_and_the_follow_up_recorded(
    relay: Relay, rasa: FakeRasa, session_factory: Any
) -> None:
    say(relay, rasa, "j'ai postulé chez Airbus hier pour le poste de technicienne qualité", LOG)
    [application] = rows(session_factory, JobApplication)
    draft = press(relay, f"srch:fu:{application.id}")
    assert "ma candidature au poste de technicienne qualité envoyée le vendredi 4 décembre" in (
        text_of(draft)
    )
    press(relay, f"srch:fud:{application.id}")
    kinds = [a.kind for a in rows(session_factory, Activity)]
    assert kinds == ["application", "follow_up"]
    follow = [r for r in rows(session_factory, Reminder) if r.kind == "application_follow_up"]
    assert [r.status for r in follow] == ["cancelled"]


def test_buttons_of_someone_else_or_of_nothing_are_refused(
    relay: Relay, rasa: FakeRasa, session_factory: Any
) -> None:
    with transaction(session_factory) as session:
        give_consent(session, 777, first_name="Autre", timezone="Europe/Paris", now=START)
        other = find_user(session, 777)
        assert other is not None
        session.add(
            JobApplication(
                user_id=other.id, company="Secret", applied_on=dt.date(2026, 12, 1), stage="sent"
            )
        )
    [theirs] = rows(session_factory, JobApplication)
    for payload in (f"srch:app:{theirs.id}", f"srch:mv:{theirs.id}:offer", "srch:zz", "srch:"):
        assert "bouton ne correspond" in text_of(press(relay, payload))
    assert rows(session_factory, JobApplication)[0].stage == "sent"


# --------------------------------------------------------------------------- zone offered once


def test_first_messages_that_say_where_the_person_lives_offer_the_zone_once(
    relay: Relay, rasa: FakeRasa, session_factory: Any
) -> None:
    first = say(relay, rasa, "bonjour, je vis à Montréal et j'ai eu un refus hier")
    assert first[0].text == "ok rasa"  # Rasa's answer comes first, untouched
    offer = first[-1]
    assert "voulez-vous que je me règle sur l'heure de Montréal ?" in offer.text
    assert [b.payload for b in offer.buttons] == [
        "srch:tz:America/Toronto",
        "srch:tzask",
        "srch:tz:Europe/Paris",
    ]
    assert user_row(session_factory).zone_offered_at == START
    # Once: the same words later add nothing.
    again = say(relay, rasa, "je vis à Montréal, au fait")
    assert [r.text for r in again] == ["ok rasa"]
    done = press(relay, "srch:tz:America/Toronto")
    assert user_row(session_factory).timezone == "America/Toronto"
    assert "heure de Montréal" in text_of(done)


def test_words_without_a_place_ask_where_and_wait_for_the_answer(
    relay: Relay, rasa: FakeRasa, session_factory: Any
) -> None:
    replies = say(relay, rasa, "avec le décalage horaire je reçois vos messages la nuit")
    assert "Où vivez-vous ?" in (replies[-1].text or "")
    assert user_row(session_factory).awaiting == "place"
    say(relay, rasa, "la Réunion")
    assert user_row(session_factory).timezone == "Indian/Reunion"


def test_no_offer_for_everyday_job_talk_or_after_the_first_hour(
    relay: Relay, rasa: FakeRasa, session_factory: Any
) -> None:
    assert [r.text for r in say(relay, rasa, "refus pour un poste à Dublin chez Google")] == [
        "ok rasa"
    ]
    assert user_row(session_factory).zone_offered_at is None
    later = Relay(
        rasa=relay._rasa,
        session_factory=session_factory,
        tracker_url="sqlite://",
        clock=lambda: START + dt.timedelta(hours=2),
        crisis_retry_delays=(0.01,),
    )
    rasa.directive = None
    replies = asyncio.run(later.handle_text(CAMILLE, "je vis à Montréal", key=None))
    assert [r.text for r in replies] == ["ok rasa"]


def test_telegrams_language_goes_to_rasa_with_the_consent_only(
    relay: Relay, rasa: FakeRasa
) -> None:
    newcomer = Speaker(777, "Léa", language_code="fr-CA")
    asyncio.run(relay.handle_payload(newcomer, "/start"))
    asyncio.run(relay.handle_payload(newcomer, "/consent_accept"))
    assert rasa.messages == ["/start", "/consent_accept"]
    assert [m.get("language_code") for m in rasa.metadata] == [None, "fr-CA"]


def test_a_conversation_opened_by_a_reminder_drops_the_bots_own_question(
    relay: Relay, rasa: FakeRasa, session_factory: Any
) -> None:
    """« Pour quel poste ? » was pending when the weekly check-in came: the next typed text
    answers the check-in, not the position."""
    say(relay, rasa, "j'ai postulé chez Airbus hier", LOG)
    assert user_row(session_factory).awaiting is not None
    asyncio.run(relay.trigger(CAMILLE, "EXTERNAL_weekly_reflection"))
    assert user_row(session_factory).awaiting is None
    say(relay, rasa, "j'ai surtout attendu des réponses")
    assert rasa.messages[-1] == "j'ai surtout attendu des réponses"
    assert rows(session_factory, JobApplication)[0].position is None
