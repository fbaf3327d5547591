"""« Mon plan de sécurité »: its parts (coach.safety_plan), the conversation the bot runs
itself (bot/safety_plan.py through the relay), and what follows a crisis answer."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from bot import safety_plan as plan_chat
from bot.rasa_client import RasaClient
from bot.relay import DB_DOWN, Relay, Speaker
from bot.rendering import Reply
from coach import safety_plan as plans
from coach.db import make_engine, make_session_factory, transaction
from coach.models import SafetyPlan, User
from coach.safety import CRISIS_REPLY
from coach.safety_plan import PARTS, Answer
from coach.users import find_user, give_consent

CAMILLE = Speaker(4242, "Camille")
START = dt.datetime(2026, 12, 5, 10, 0, tzinfo=dt.UTC)
SISTER = "Ma sœur Léa, 06 12 34 56 78"
SIGNS = "Je ne dors plus et je m'isole"


class FakeRasa:
    """Records every request that reaches Rasa; answers « ok »."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content) if request.content else {}
        self.requests.append(body)
        return httpx.Response(200, json=[{"recipient_id": "4242", "text": "ok rasa"}])

    def messages(self) -> list[str]:
        return [r["message"] for r in self.requests if "message" in r]


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def rasa() -> FakeRasa:
    return FakeRasa()


@pytest.fixture
def make_relay(session_factory, rasa: FakeRasa, clock: Clock) -> Callable[..., Relay]:  # type: ignore[no-untyped-def]
    def build(factory: Any = session_factory) -> Relay:
        http = httpx.AsyncClient(transport=httpx.MockTransport(rasa))
        return Relay(
            rasa=RasaClient("http://rasa.test", auth_token="t", http=http, retry_delay=0),
            session_factory=factory,
            tracker_url="sqlite://",
            clock=clock,
            crisis_retry_delays=(0.01,),
        )

    return build


def consent(session_factory: Any, uid: int = 4242) -> None:
    with transaction(session_factory) as session:
        give_consent(session, uid, first_name="Camille", timezone="Europe/Paris", now=START)


def stored_plan(session_factory: Any, uid: int = 4242) -> SafetyPlan | None:
    with session_factory() as session:
        user = find_user(session, uid)
        return plans.plan_of(session, user) if user is not None else None


def payloads(replies: list[Reply]) -> list[str]:
    return [button.payload for reply in replies for button in reply.buttons]


def texts(replies: list[Reply]) -> str:
    return "\n".join(reply.text or "" for reply in replies)


# -- coach.safety_plan -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "kind"),
    [
        ("passer", Answer.SKIP),
        ("je passe", Answer.SKIP),
        ("personne", Answer.SKIP),
        ("rien", Answer.SKIP),
        ("je ne sais pas", Answer.SKIP),
        ("stop", Answer.STOP),
        ("on arrête là", Answer.STOP),
        ("plus tard", Answer.STOP),
        ("M'arrêter là", Answer.STOP),  # the button's title, typed
        ("m'arreter", Answer.STOP),
        (SISTER, Answer.TEXT),
        ("Personne ne me comprend vraiment, sauf mon frère Hugo", Answer.TEXT),
        ("Rien de tel qu'une longue marche au bord de la Loire", Answer.TEXT),
        ("x" * (plans.MAX_PART_CHARS + 1), Answer.TOO_LONG),
    ],
)
def test_an_answer_is_read_as_content_skip_stop_or_too_long(typed: str, kind: str) -> None:
    assert plans.read_answer(typed) == kind


def test_the_plan_always_carries_the_professional_lines_and_marks_empty_parts() -> None:
    plan = SafetyPlan(people=SISTER, professionals="Dr Martin, 01 23 45 67 89")
    shown = plans.render(plan)
    for line in ("3114", "15 (SAMU) ou 112", "09 72 39 40 50", "Dr Martin", SISTER):
        assert line in shown
    assert shown.count("(pas encore rempli)") == 3  # signs, calming, places
    empty = plans.render(None)
    assert "3114" in empty and empty.count("(pas encore rempli)") == 4


def test_after_a_crisis_only_the_parts_written_are_repeated() -> None:
    plan = SafetyPlan(warning_signs=SIGNS, people=SISTER)
    shown = plans.render_after_crisis(plan)
    assert SIGNS in shown and SISTER in shown
    assert "Les lieux" not in shown and "pas encore rempli" not in shown
    assert shown.index(SIGNS) < shown.index(SISTER)


def test_a_part_takes_the_next_message_for_thirty_minutes_only() -> None:
    plan = SafetyPlan(editing="people", editing_since=START)
    assert plans.editing_part(plan, now=START + dt.timedelta(minutes=29)) is not None
    assert plans.editing_part(plan, now=START + dt.timedelta(minutes=31)) is None
    assert (
        plans.editing_part(SafetyPlan(editing="nonsense", editing_since=START), now=START) is None
    )


# -- the conversation --------------------------------------------------------------------


async def test_before_consent_nothing_is_stored(make_relay, session_factory, rasa) -> None:  # type: ignore[no-untyped-def]
    relay = make_relay()
    [reply] = await relay.handle_command(CAMILLE, "/plan")
    assert reply.text == plan_chat.NO_ACCOUNT
    [reply] = await relay.handle_payload(CAMILLE, "plan:start")
    assert reply.text == plan_chat.NO_ACCOUNT
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(SafetyPlan)) == 0
        assert session.scalar(select(func.count()).select_from(User)) == 0
    assert rasa.requests == []


async def test_a_walk_through_writes_each_part_and_never_reaches_rasa(  # type: ignore[no-untyped-def]
    make_relay, session_factory, rasa, caplog
) -> None:
    caplog.set_level(logging.DEBUG)
    consent(session_factory)
    relay = make_relay()
    [intro] = await relay.handle_command(CAMILLE, "/plan")
    assert intro.text == plan_chat.INTRO
    assert payloads([intro]) == ["plan:start", "plan:later"]

    replies = await relay.handle_payload(CAMILLE, "plan:start")
    assert PARTS[0].question in texts(replies) and "1/5" in texts(replies)
    assert payloads(replies) == ["plan:skip", "plan:stop"]
    replies = await relay.handle_text(CAMILLE, SIGNS)
    assert replies[0].text == plan_chat.NOTED and "2/5" in texts(replies)
    replies = await relay.handle_payload(CAMILLE, "plan:skip")  # calming
    assert replies[0].text == plan_chat.SKIPPED and PARTS[2].question in texts(replies)
    await relay.handle_text(CAMILLE, SISTER)
    replies = await relay.handle_text(CAMILLE, "passer")  # places, typed
    assert PARTS[4].question in texts(replies)
    replies = await relay.handle_text(CAMILLE, "Dr Martin, 01 23 45 67 89")
    assert plan_chat.READY in texts(replies)
    assert SISTER in texts(replies) and "3114" in texts(replies)
    assert "plan:delete" in payloads(replies)

    plan = stored_plan(session_factory)
    assert plan is not None
    assert (plan.warning_signs, plan.calming, plan.people, plan.places) == (
        SIGNS,
        None,
        SISTER,
        None,
    )
    assert plan.professionals == "Dr Martin, 01 23 45 67 89" and plan.editing is None
    # The plan's words went nowhere else: not to Rasa, not to the logs.
    assert rasa.messages() == []
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "Léa" not in logged and "dors" not in logged

    # Once done, typed text is an ordinary message again.
    await relay.handle_text(CAMILLE, "bonjour")
    assert rasa.messages() == ["bonjour"]


async def test_a_part_is_edited_cleared_and_the_plan_deleted_from_plan(  # type: ignore[no-untyped-def]
    make_relay, session_factory
) -> None:
    consent(session_factory)
    relay = make_relay()
    await relay.handle_payload(CAMILLE, "plan:start")
    await relay.handle_text(CAMILLE, SIGNS)
    await relay.handle_payload(CAMILLE, "plan:stop")

    [overview] = await relay.handle_command(CAMILLE, "/plan")
    assert SIGNS in (overview.text or "")
    assert {"plan:edit:people", "plan:clear:warning_signs", "plan:delete"} <= set(
        payloads([overview])
    )
    assert "plan:clear:people" not in payloads([overview])  # nothing there to clear

    [question] = await relay.handle_payload(CAMILLE, "plan:edit:warning_signs")
    assert SIGNS in (question.text or "") and payloads([question]) == ["plan:stop"]
    replies = await relay.handle_text(CAMILLE, "Je ne réponds plus aux messages")
    assert replies[0].text == plan_chat.NOTED
    plan = stored_plan(session_factory)
    assert plan is not None and plan.warning_signs == "Je ne réponds plus aux messages"
    assert plan.calming is None and plan.editing is None  # one part only, not a walk-through

    replies = await relay.handle_payload(CAMILLE, "plan:clear:warning_signs")
    assert replies[0].text == plan_chat.CLEARED
    plan = stored_plan(session_factory)
    assert plan is not None and plan.warning_signs is None

    [confirm] = await relay.handle_payload(CAMILLE, "plan:delete")
    assert payloads([confirm]) == ["plan:delete:yes", "plan:show"]
    assert stored_plan(session_factory) is not None
    [done] = await relay.handle_payload(CAMILLE, "plan:delete:yes")
    assert done.text == plan_chat.DELETED
    assert stored_plan(session_factory) is None


async def test_a_crisis_written_as_a_part_gets_the_crisis_answer_and_is_not_stored(  # type: ignore[no-untyped-def]
    make_relay, session_factory, rasa
) -> None:
    consent(session_factory)
    relay = make_relay()
    await relay.handle_payload(CAMILLE, "plan:start")
    await relay.handle_text(CAMILLE, SIGNS)
    replies = await relay.handle_text(CAMILLE, "quand je veux mourir")
    assert [r.text for r in replies] == [CRISIS_REPLY]
    more = await relay.follow_up(CAMILLE, replies)
    assert SIGNS in texts(more) and "mourir" not in texts(more)
    await relay.wait_background()
    plan = stored_plan(session_factory)
    assert plan is not None and plan.calming is None
    assert plan.editing is None, "the walk-through pauses after a crisis"
    await relay.handle_text(CAMILLE, "merci")
    assert "merci" in rasa.messages()


async def test_a_command_or_a_long_silence_ends_the_part_being_written(  # type: ignore[no-untyped-def]
    make_relay, session_factory, rasa, clock
) -> None:
    consent(session_factory)
    relay = make_relay()
    await relay.handle_payload(CAMILLE, "plan:start")
    await relay.handle_command(CAMILLE, "/journal")
    await relay.handle_text(CAMILLE, "une entrée de journal")
    assert rasa.messages() == ["/journal", "une entrée de journal"]

    await relay.handle_payload(CAMILLE, "plan:edit:places")
    clock.now += dt.timedelta(minutes=45)
    await relay.handle_text(CAMILLE, "la médiathèque")
    assert rasa.messages()[-1] == "la médiathèque"
    plan = stored_plan(session_factory)
    assert plan is not None and plan.places is None


async def test_a_too_long_part_is_asked_again(make_relay, session_factory) -> None:  # type: ignore[no-untyped-def]
    consent(session_factory)
    relay = make_relay()
    await relay.handle_payload(CAMILLE, "plan:edit:calming")
    [reply] = await relay.handle_text(CAMILLE, "marcher " * 300)
    assert reply.text == plan_chat.TOO_LONG
    await relay.handle_text(CAMILLE, "marcher")
    plan = stored_plan(session_factory)
    assert plan is not None and plan.calming == "marcher"


# -- after a crisis answer ----------------------------------------------------------------


async def test_after_a_crisis_the_offer_comes_once_a_day_and_never_before_consent(  # type: ignore[no-untyped-def]
    make_relay, session_factory
) -> None:
    relay = make_relay()
    lines = relay.crisis_reply()
    assert await relay.follow_up(CAMILLE, lines) == []  # no account: nothing stored, nothing said
    consent(session_factory)
    [offer] = await relay.follow_up(CAMILLE, lines)
    assert offer.text == plan_chat.OFFER
    assert [b.title for b in offer.buttons] == ["Préparer mon plan de sécurité", "Plus tard"]
    assert await relay.follow_up(CAMILLE, lines) == [], "offered once, not at every message"
    assert await relay.follow_up(CAMILLE, [Reply(text="ok")]) == []
    [reply] = await relay.handle_payload(CAMILLE, "plan:later")
    assert reply.text == plan_chat.LATER and stored_plan(session_factory) is None


async def test_after_a_crisis_a_saved_plan_is_shown(make_relay, session_factory) -> None:  # type: ignore[no-untyped-def]
    consent(session_factory)
    relay = make_relay()
    await relay.handle_payload(CAMILLE, "plan:edit:people")
    await relay.handle_text(CAMILLE, SISTER)
    replies = await relay.handle_text(CAMILLE, "j'ai envie de mourir")
    assert [r.text for r in replies] == [CRISIS_REPLY], "the lines alone, at once"
    [plan] = await relay.follow_up(CAMILLE, replies)
    assert SISTER in (plan.text or "") and not plan.buttons
    # Shown at every crisis answer, not only the first.
    [again] = await relay.follow_up(CAMILLE, replies)
    assert SISTER in (again.text or "")
    await relay.wait_background()


async def test_with_the_database_down_nothing_follows_the_lines(make_relay) -> None:  # type: ignore[no-untyped-def]
    broken = make_session_factory(make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none"))
    relay = make_relay(broken)
    replies = await relay.handle_text(CAMILLE, "je veux en finir")
    assert [r.text for r in replies] == [CRISIS_REPLY]
    assert await relay.follow_up(CAMILLE, replies) == []
    assert await relay.handle_command(CAMILLE, "/plan") == [Reply(text=DB_DOWN)]


async def test_a_hung_database_costs_at_most_the_follow_up_timeout(  # type: ignore[no-untyped-def]
    make_relay, session_factory, monkeypatch
) -> None:
    consent(session_factory)
    monkeypatch.setattr("bot.relay.FOLLOW_UP_SECONDS", 0.3)

    def hung() -> Any:
        time.sleep(1.0)
        raise OperationalError("SELECT 1", {}, Exception("timeout"))

    relay = make_relay(hung)
    started = time.monotonic()
    assert await relay.follow_up(CAMILLE, relay.crisis_reply()) == []
    assert time.monotonic() - started < 0.9
    await asyncio.sleep(0.8)  # let the hung thread finish before the database goes
