"""The relay's crisis tiers and careful hour (bot/careful.py), with a real SQLite database
and Rasa's HTTP API played by httpx.MockTransport."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from bot.rasa_client import RasaClient
from bot.relay import Relay, Speaker
from coach.crisis_tiers import SEARCH_ACK, SEARCH_PAYLOAD, UNWELL_PAYLOAD
from coach.db import transaction
from coach.safety import CRISIS_REPLY
from coach.users import find_user, give_consent, record_crisis

CAMILLE = Speaker(4242, "Camille")
NOW = dt.datetime(2026, 12, 5, 20, 0, tzinfo=dt.UTC)
QUESTION = {
    "event": "bot",
    "text": "Comment vous sentez-vous après ce refus ?",
    "data": {"buttons": [{"title": "🙂 Ça va", "payload": "ca_va"}]},
}


class RoutedRasa:
    """Rasa's REST webhook, trigger_intent and tracker, recording what reaches them."""

    def __init__(self, *, form: str | None = None) -> None:
        self.messages: list[str] = []
        self.triggers: list[str] = []
        self.tracker_reads = 0
        self.form = form

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path.endswith(("/session", "/tracker")):
            self.tracker_reads += 1
            loop = {"name": self.form} if self.form else {}
            events = [{"event": "user", "text": "Acme"}, QUESTION]
            return httpx.Response(
                200,
                json={"active_loop": loop, "latest_event_time": NOW.timestamp(), "events": events},
            )
        body = json.loads(request.content)
        if path.endswith("/trigger_intent"):
            self.triggers.append(body["name"])
            return httpx.Response(200, json={"messages": [{"text": "crisis"}]})
        self.messages.append(body["message"])
        return httpx.Response(200, json=[{"recipient_id": "4242", "text": "ok"}])


@pytest.fixture
def make_relay(session_factory) -> Callable[..., Relay]:  # type: ignore[no-untyped-def]
    def build(rasa: RoutedRasa, now: dt.datetime = NOW) -> Relay:
        http = httpx.AsyncClient(transport=httpx.MockTransport(rasa))
        client = RasaClient("http://rasa.test", auth_token="t", http=http, retry_delay=0)
        return Relay(
            rasa=client,
            session_factory=session_factory,
            tracker_url="sqlite://",
            clock=lambda: now,
            crisis_retry_delays=(0.01,),
        )

    return build


def consent(session_factory: Any, *, crisis_at: dt.datetime | None = None) -> None:
    with transaction(session_factory) as session:
        give_consent(session, 4242, first_name="Camille", timezone="Europe/Paris")
        if crisis_at is not None:
            record_crisis(session, 4242, now=crisis_at)


def crisis_time(session_factory: Any) -> dt.datetime | None:
    with session_factory() as session:
        user = find_user(session, 4242)
        return user.crisis_at if user is not None else None


async def test_ambiguous_text_gets_the_check_and_never_reaches_rasa(
    make_relay: Any, session_factory: Any
) -> None:
    consent(session_factory)
    rasa = RoutedRasa()
    relay = make_relay(rasa)
    [reply] = await relay.handle_text(CAMILLE, "je veux en finir avec ces candidatures")
    assert "3114" in (reply.text or "")
    assert "« je veux en finir avec ces candidatures »" in (reply.text or "")
    assert [b.payload for b in reply.buttons] == [SEARCH_PAYLOAD, UNWELL_PAYLOAD]
    assert [b.title for b in reply.buttons] == ["Je parlais de ma recherche", "Je ne vais pas bien"]
    assert rasa.messages == [] and rasa.triggers == []
    assert crisis_time(session_factory) is None, "the check is not a crisis"


async def test_ambiguous_text_after_a_command_gets_the_check(
    make_relay: Any, session_factory: Any
) -> None:
    consent(session_factory)
    rasa = RoutedRasa()
    [reply] = await make_relay(rasa).handle_command(CAMILLE, "/aide j'en ai marre de chercher")
    assert "3114" in (reply.text or "") and reply.buttons
    assert rasa.messages == []


async def test_a_crisis_is_still_a_crisis_even_about_the_search(
    make_relay: Any, session_factory: Any
) -> None:
    consent(session_factory)
    rasa = RoutedRasa()
    relay = make_relay(rasa)
    [reply] = await relay.handle_text(CAMILLE, "après ces candidatures je veux mourir")
    assert reply.text == CRISIS_REPLY


async def test_not_well_gives_the_crisis_answer_and_records_it(
    make_relay: Any, session_factory: Any
) -> None:
    consent(session_factory)
    rasa = RoutedRasa()
    relay = make_relay(rasa)
    replies = await relay.handle_payload(CAMILLE, UNWELL_PAYLOAD)
    assert replies[0].text == CRISIS_REPLY
    await relay.wait_background()
    assert crisis_time(session_factory) is not None
    assert rasa.triggers == ["crisis"], "the form in progress stops, as for any crisis"


async def test_search_answer_shows_the_waiting_question_again(
    make_relay: Any, session_factory: Any
) -> None:
    consent(session_factory)
    rasa = RoutedRasa(form="mood_form")
    replies = await make_relay(rasa).handle_payload(CAMILLE, SEARCH_PAYLOAD)
    assert replies[0].text is not None and replies[0].text.startswith(SEARCH_ACK)
    assert replies[1].text == QUESTION["text"]
    assert [b.payload for b in replies[1].buttons] == ["ca_va"]
    assert rasa.messages == [] and crisis_time(session_factory) is None


async def test_search_answer_outside_a_form_invites_to_go_on(
    make_relay: Any, session_factory: Any
) -> None:
    consent(session_factory)
    rasa = RoutedRasa()
    [reply] = await make_relay(rasa).handle_payload(CAMILLE, SEARCH_PAYLOAD)
    assert reply.text is not None and reply.text.startswith(SEARCH_ACK)
    assert "/aide" in reply.text


@pytest.mark.parametrize(
    ("text", "sent"),
    [
        ("ça va mieux, on reprend", "/resume_conversation"),
        ("c'est bon on peut reprendre", "/resume_conversation"),
        ("je vais mieux merci", "/express_positive_emotion"),
    ],
)
async def test_in_the_careful_hour_resume_and_better_do_not_depend_on_the_classifier(
    make_relay: Any, session_factory: Any, text: str, sent: str
) -> None:
    consent(session_factory, crisis_at=NOW - dt.timedelta(minutes=20))
    rasa = RoutedRasa()
    await make_relay(rasa).handle_text(CAMILLE, text)
    assert rasa.messages == [sent]


async def test_after_the_hour_the_words_go_as_typed(make_relay: Any, session_factory: Any) -> None:
    consent(session_factory, crisis_at=NOW - dt.timedelta(minutes=90))
    rasa = RoutedRasa()
    await make_relay(rasa).handle_text(CAMILLE, "ça va mieux, on reprend")
    assert rasa.messages == ["ça va mieux, on reprend"]


async def test_inside_a_form_the_words_are_an_answer(make_relay: Any, session_factory: Any) -> None:
    consent(session_factory, crisis_at=NOW - dt.timedelta(minutes=5))
    rasa = RoutedRasa(form="mood_form")
    await make_relay(rasa).handle_text(CAMILLE, "ça va mieux")
    assert rasa.messages == ["ça va mieux"]


async def test_other_text_never_reads_the_window(make_relay: Any, session_factory: Any) -> None:
    consent(session_factory, crisis_at=NOW - dt.timedelta(minutes=5))
    rasa = RoutedRasa()
    await make_relay(rasa).handle_text(CAMILLE, "j'ai eu un refus chez Acme")
    assert rasa.messages == ["j'ai eu un refus chez Acme"]
    assert rasa.tracker_reads == 0
