"""The relay with a real SQLite database and Rasa's HTTP API played by httpx.MockTransport."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from bot.dispatcher import DeliverLater
from bot.rasa_client import RasaClient
from bot.relay import (
    CHART_FAILED,
    DB_DOWN,
    EMPTY_TEXT,
    ERASE_FAILED,
    FORM_ACTIVE_SECONDS,
    FORM_DEFER_SECONDS,
    MAX_MESSAGE_CHARS,
    MOOD_CAPTION,
    RASA_DOWN,
    SWOT_CHART_FAILED,
    THEMES_CAPTION,
    Relay,
    Speaker,
)
from coach.db import make_engine, make_session_factory, transaction
from coach.feedback import FeedbackAnalysis
from coach.feedbacks import save_feedback
from coach.models import Rejection
from coach.rejections import record_mood
from coach.reminders import ReminderSnapshot
from coach.retention import ACCOUNT_KEPT
from coach.safety import CRISIS_REPLY
from coach.swot import SwotDraft, save_swot
from coach.users import find_user, give_consent

CAMILLE = Speaker(4242, "Camille")


class FakeRasa:
    """Records what reaches Rasa; answers with a fixed list of bot messages."""

    def __init__(self, answer: list[dict[str, Any]] | None = None, fail: bool = False) -> None:
        self.requests: list[dict[str, Any]] = []
        self.answer = answer if answer is not None else [{"recipient_id": "4242", "text": "ok"}]
        self.fail = fail

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if self.fail:
            raise httpx.ConnectError("refused", request=request)
        self.requests.append(json.loads(request.content))
        return httpx.Response(200, json=self.answer)


@pytest.fixture
def tracker_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    engine = make_engine(url)
    with engine.begin() as connection:
        # The columns of Rasa 3.6's SQLTrackerStore that export and erasure read.
        connection.execute(
            text(
                "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, type_name TEXT,"
                " timestamp REAL, intent_name TEXT, action_name TEXT, data TEXT)"
            )
        )
        said = json.dumps({"event": "user", "text": "bonjour", "timestamp": 1.0})
        connection.execute(
            text(
                "INSERT INTO events (sender_id, type_name, timestamp, data) VALUES"
                " ('4242', 'user', 1.0, :said), ('77', 'user', 1.0, :said)"
            ),
            {"said": said},
        )
    engine.dispose()
    return url


def tracker_senders(url: str) -> list[str]:
    engine = make_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT sender_id FROM events ORDER BY id")).scalars().all()
    engine.dispose()
    return list(rows)


@pytest.fixture
def make_relay(session_factory, tracker_url: str) -> Callable[[FakeRasa], Relay]:  # type: ignore[no-untyped-def]
    def build(rasa: FakeRasa, factory: Any = session_factory) -> Relay:
        http = httpx.AsyncClient(transport=httpx.MockTransport(rasa))
        client = RasaClient("http://rasa.test", auth_token="t", http=http, retry_delay=0)
        return Relay(
            rasa=client,
            session_factory=factory,
            tracker_url=tracker_url,
            crisis_retry_delays=(0.01, 0.01, 0.01),
        )

    return build


def consent(session_factory: Any, uid: int = 4242) -> None:
    with transaction(session_factory) as session:
        give_consent(session, uid, first_name="Camille", timezone="Europe/Paris")


async def test_crisis_is_answered_without_rasa(make_relay, session_factory) -> None:  # type: ignore[no-untyped-def]
    consent(session_factory)
    rasa = FakeRasa(fail=True)
    relay = make_relay(rasa)
    [reply] = await relay.handle_text(CAMILLE, "jveux en finir, a quoi bon vivre")
    assert "3114" in (reply.text or "")
    await relay.wait_background()
    with session_factory() as session:
        user = find_user(session, 4242)
        assert user is not None and user.crisis_at is not None


async def test_crisis_stops_the_form_without_sending_text(make_relay, session_factory) -> None:  # type: ignore[no-untyped-def]
    consent(session_factory)
    rasa = FakeRasa(answer={"messages": [{"recipient_id": "4242", "text": "dialogue copy"}]})  # type: ignore[arg-type]
    relay = make_relay(rasa)
    replies = await relay.handle_text(CAMILLE, "je veux en finir")
    assert [r.text for r in replies] == [CRISIS_REPLY], "only the relay's own answer is shown"
    await relay.wait_background()
    assert rasa.requests == [{"name": "crisis", "entities": {}}], "no message text reaches Rasa"


async def test_crisis_before_consent_leaves_rasa_alone(make_relay) -> None:  # type: ignore[no-untyped-def]
    rasa = FakeRasa()
    relay = make_relay(rasa)
    await relay.handle_text(CAMILLE, "je veux en finir")
    await relay.wait_background()
    assert rasa.requests == []


async def test_crisis_answer_survives_a_database_outage(make_relay) -> None:  # type: ignore[no-untyped-def]
    broken = make_session_factory(make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none"))
    relay = make_relay(FakeRasa(), broken)
    [reply] = await relay.handle_text(CAMILLE, "je veux en finir")
    assert "3114" in (reply.text or "")
    await relay.wait_background()


class BlinkingSessions:
    """A session factory whose first ``failures`` uses raise, as a database that blinks."""

    def __init__(self, factory: Any, failures: int) -> None:
        self.factory = factory
        self.failures = failures

    def __call__(self) -> Any:
        if self.failures > 0:
            self.failures -= 1
            raise OperationalError("SELECT 1", {}, Exception("connection refused"))
        return self.factory()


async def test_a_crisis_is_answered_before_any_io_and_recorded_once_the_database_is_back(
    make_relay, session_factory
) -> None:  # type: ignore[no-untyped-def]
    consent(session_factory)
    rasa = FakeRasa(answer={"messages": [{"recipient_id": "4242", "text": "x"}]})  # type: ignore[arg-type]
    blinking = BlinkingSessions(session_factory, failures=2)
    relay = make_relay(rasa, blinking)
    replies = await relay.handle_text(CAMILLE, "je veux mourir")
    # Answered before the follow-up even started: nothing touched the database or Rasa yet.
    assert [r.text for r in replies] == [CRISIS_REPLY]
    assert blinking.failures == 2 and rasa.requests == []
    await relay.wait_background()
    assert blinking.failures == 0
    with session_factory() as session:
        user = find_user(session, 4242)
        assert user is not None and user.crisis_at is not None
    assert rasa.requests == [{"name": "crisis", "entities": {}}]


async def test_a_crisis_after_a_command_is_answered(make_relay, session_factory) -> None:  # type: ignore[no-untyped-def]
    consent(session_factory)
    rasa = FakeRasa()
    relay = make_relay(rasa)
    replies = await relay.handle_command(CAMILLE, "/aide je veux me tuer")
    assert [r.text for r in replies] == [CRISIS_REPLY]
    await relay.wait_background()
    assert all(r.get("message") is None for r in rasa.requests), "no text reaches Rasa"


async def test_typed_text_never_reaches_rasa_before_consent(make_relay) -> None:  # type: ignore[no-untyped-def]
    rasa = FakeRasa()
    relay = make_relay(rasa)
    await relay.handle_text(CAMILLE, "J'ai été refusé chez Decathlon")
    await relay.handle_text(CAMILLE, "/consent_accept")  # typed, not pressed
    assert [r["message"] for r in rasa.requests] == ["/start", "/start"]
    assert all(r["metadata"]["reprompt"] is True for r in rasa.requests)


async def test_consent_buttons_reach_rasa_before_consent(make_relay) -> None:  # type: ignore[no-untyped-def]
    rasa = FakeRasa()
    await make_relay(rasa).handle_payload(CAMILLE, "/consent_accept")
    assert rasa.requests == [
        {"sender": "4242", "message": "/consent_accept", "metadata": {"first_name": "Camille"}}
    ]


async def test_after_consent_text_is_relayed_under_the_speakers_own_id(
    make_relay, session_factory
) -> None:  # type: ignore[no-untyped-def]
    consent(session_factory)
    rasa = FakeRasa(
        answer=[{"text": "Bonjour !", "buttons": [{"title": "Aide", "payload": "/help"}]}]
    )
    [reply] = await make_relay(rasa).handle_text(CAMILLE, "  salut  ")
    assert rasa.requests[0]["sender"] == "4242" and rasa.requests[0]["message"] == "salut"
    assert reply.text == "Bonjour !" and reply.buttons[0].payload == "/help"


async def test_commands_map_to_intents_and_unknown_ones_are_explained(
    make_relay, session_factory
) -> None:  # type: ignore[no-untyped-def]
    consent(session_factory)
    rasa = FakeRasa()
    relay = make_relay(rasa)
    await relay.handle_command(CAMILLE, "/aide")
    await relay.handle_command(CAMILLE, "/refus@RebondBot")
    await relay.handle_command(CAMILLE, "/swot")
    [reply] = await relay.handle_command(CAMILLE, "/nimportequoi")
    assert [r["message"] for r in rasa.requests] == ["/help", "/report_rejection", "/start_swot"]
    assert "/nimportequoi" in (reply.text or "") and "/aide" in (reply.text or "")


async def test_bad_input_gets_kind_answers(make_relay) -> None:  # type: ignore[no-untyped-def]
    rasa = FakeRasa()
    relay = make_relay(rasa)
    assert (await relay.handle_text(CAMILLE, "   "))[0].text == EMPTY_TEXT
    [too_long] = await relay.handle_text(CAMILLE, "a" * (MAX_MESSAGE_CHARS + 1))
    assert "plusieurs parties" in (too_long.text or "")
    assert rasa.requests == []


async def test_rasa_down_gives_a_kind_message(make_relay, session_factory) -> None:  # type: ignore[no-untyped-def]
    consent(session_factory)
    [reply] = await make_relay(FakeRasa(fail=True)).handle_text(CAMILLE, "bonjour")
    assert reply.text == RASA_DOWN


async def test_database_down_gives_a_kind_message(make_relay) -> None:  # type: ignore[no-untyped-def]
    broken = make_session_factory(make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none"))
    rasa = FakeRasa()
    [reply] = await make_relay(rasa, broken).handle_text(CAMILLE, "bonjour")
    assert reply.text == DB_DOWN and rasa.requests == []


async def test_export_directive_sends_summary_and_json(make_relay, session_factory) -> None:  # type: ignore[no-untyped-def]
    consent(session_factory)
    with transaction(session_factory) as session:
        user = find_user(session, 4242)
        assert user is not None
        session.add(Rejection(user_id=user.id, company="Capgemini", position="Data analyst"))
    summary, document = await make_relay(
        FakeRasa(answer=[{"custom": {"rebond": "export"}}])
    ).handle_command(CAMILLE, "/export")
    assert "refus notés : 1" in (summary.text or "")
    assert document.document is not None
    data = json.loads(document.document)
    assert data["user"]["telegram_user_id"] == 4242
    assert data["rejections"][0]["company"] == "Capgemini"
    assert [turn["text"] for turn in data["conversation"]] == ["bonjour"]
    assert "messages de notre conversation : 1" in (summary.text or "")


async def test_erase_directive_removes_data_and_tracker(
    make_relay, session_factory, tracker_url
) -> None:  # type: ignore[no-untyped-def]
    consent(session_factory)
    [reply] = await make_relay(FakeRasa(answer=[{"custom": {"rebond": "erase"}}])).handle_payload(
        CAMILLE, "/confirm_delete"
    )
    assert "effacées" in (reply.text or "")
    with session_factory() as session:
        assert find_user(session, 4242) is None
    assert tracker_senders(tracker_url) == ["77"]


async def test_an_erasure_that_fails_keeps_everything_and_can_be_asked_again(
    make_relay, session_factory, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    consent(session_factory)
    # A tracker store that cannot be opened: nothing of ours may go before it does.
    relay = Relay(
        rasa=RasaClient(
            "http://rasa.test",
            auth_token=None,
            http=httpx.AsyncClient(
                transport=httpx.MockTransport(FakeRasa(answer=[{"custom": {"rebond": "erase"}}]))
            ),
        ),
        session_factory=session_factory,
        tracker_url=f"sqlite:///{tmp_path}",  # a folder, not a database
    )
    [reply] = await relay.handle_payload(CAMILLE, "/confirm_delete")
    assert reply.text == ERASE_FAILED
    with session_factory() as session:
        assert find_user(session, 4242) is not None


async def test_a_message_after_the_retention_warning_keeps_the_account(
    make_relay, session_factory
) -> None:  # type: ignore[no-untyped-def]
    consent(session_factory)
    with transaction(session_factory) as session:
        user = find_user(session, 4242)
        assert user is not None
        user.retention_warned_at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    relay = make_relay(FakeRasa(answer=[{"text": "Bonjour !"}]))
    replies = await relay.handle_text(CAMILLE, "coucou")
    assert [r.text for r in replies] == ["Bonjour !", ACCOUNT_KEPT]
    with session_factory() as session:
        user = find_user(session, 4242)
        assert user is not None and user.retention_warned_at is None
    # Once is enough: the next message is answered as usual.
    assert [r.text for r in await relay.handle_text(CAMILLE, "re")] == ["Bonjour !"]


async def test_forget_directive_drops_the_tracker_of_a_refusal(make_relay, tracker_url) -> None:  # type: ignore[no-untyped-def]
    rasa = FakeRasa(answer=[{"text": "C'est entendu"}, {"custom": {"rebond": "forget"}}])
    replies = await make_relay(rasa).handle_payload(CAMILLE, "/consent_decline")
    assert [r.text for r in replies] == ["C'est entendu"]
    assert tracker_senders(tracker_url) == ["77"]


# --------------------------------------------------------------------------- /bilan charts

CHARTS_ANSWER = [{"text": "Voici votre bilan."}, {"custom": {"rebond": "charts"}}]
THEMED = "Il vous manquait de l'expérience en gestion de projet et des compétences en SQL."
THEMED_READING = FeedbackAnalysis("constructive", {"experience", "technical_skills"})
NO_THEME_READING = FeedbackAnalysis("generic", set(), {"vague"})


def add_history(
    session_factory: Any,
    uid: int = 4242,
    *,
    feedbacks: tuple[FeedbackAnalysis, ...] = (),
    moods: int = 0,
) -> None:
    with transaction(session_factory) as session:
        user = find_user(session, uid)
        assert user is not None
        for reading in feedbacks:
            save_feedback(session, user, rejection_id=None, text=THEMED, analysis=reading)
        for mood in ("doute", "deception", "ca_va")[:moods]:
            record_mood(session, user, mood)


async def test_charts_directive_sends_both_charts_after_the_text(
    make_relay, session_factory
) -> None:  # type: ignore[no-untyped-def]
    consent(session_factory)
    add_history(session_factory, feedbacks=(THEMED_READING,), moods=2)
    replies = await make_relay(FakeRasa(answer=CHARTS_ANSWER)).handle_command(CAMILLE, "/bilan")
    assert [r.text for r in replies] == ["Voici votre bilan.", None, None]
    themes, mood = replies[1:]
    assert (themes.photo_caption, mood.photo_caption) == (THEMES_CAPTION, MOOD_CAPTION)
    assert themes.photo is not None and themes.photo.startswith(b"\x89PNG")
    assert mood.photo is not None and mood.photo.startswith(b"\x89PNG")
    assert themes.photo_name != mood.photo_name


async def test_charts_only_when_there_is_something_to_draw(make_relay, session_factory) -> None:  # type: ignore[no-untyped-def]
    consent(session_factory)
    consent(session_factory, uid=77)
    # Someone else's feedback and moods never reach Camille's charts.
    add_history(session_factory, uid=77, feedbacks=(THEMED_READING,), moods=3)
    # A feedback without any theme, and a single mood: no chart would say anything.
    add_history(session_factory, feedbacks=(NO_THEME_READING,), moods=1)
    relay = make_relay(FakeRasa(answer=CHARTS_ANSWER))
    replies = await relay.handle_command(CAMILLE, "/bilan")
    assert [r.text for r in replies] == ["Voici votre bilan."]
    add_history(session_factory, moods=1)  # a second mood: now there is a line to draw
    replies = await relay.handle_command(CAMILLE, "/bilan")
    assert [r.photo_caption for r in replies if r.photo] == [MOOD_CAPTION]


async def test_charts_of_someone_unknown_are_nothing(make_relay) -> None:  # type: ignore[no-untyped-def]
    relay = make_relay(FakeRasa(answer={"messages": [{"custom": {"rebond": "charts"}}]}))  # type: ignore[arg-type]
    assert await relay.trigger(CAMILLE, "ask_patterns") == []


async def test_a_chart_that_fails_costs_only_that_picture(
    make_relay, session_factory, monkeypatch, caplog
) -> None:  # type: ignore[no-untyped-def]
    from coach import charts

    def broken(*_args: Any) -> bytes:
        raise RuntimeError("renderer exploded")

    monkeypatch.setattr(charts, "themes_chart", broken)
    consent(session_factory)
    add_history(session_factory, feedbacks=(THEMED_READING,), moods=2)
    replies = await make_relay(FakeRasa(answer=CHARTS_ANSWER)).handle_command(CAMILLE, "/bilan")
    assert [r.text for r in replies] == ["Voici votre bilan.", None, CHART_FAILED]
    assert replies[1].photo_caption == MOOD_CAPTION
    assert "themes chart" in caplog.text
    assert "SQL" not in caplog.text, "no user text in the logs"


# --------------------------------------------------------------------------- SWOT picture

SWOT_ANSWER = [{"text": "C'est enregistré ✅"}, {"custom": {"rebond": "swot_chart"}}]
# Late on 30 November in UTC is already 1 December in Paris: the picture's date is local.
SWOT_SAVED_AT = dt.datetime(2026, 11, 30, 23, 30, tzinfo=dt.UTC)


def add_swot(session_factory: Any, uid: int, strengths: tuple[str, ...]) -> None:
    with transaction(session_factory) as session:
        user = find_user(session, uid)
        assert user is not None
        draft = SwotDraft(strengths=strengths, weaknesses=("Anglais oral hésitant",))
        save_swot(session, user, draft, now=SWOT_SAVED_AT)


async def test_swot_chart_directive_draws_the_latest_swot_after_the_text(
    make_relay, session_factory
) -> None:  # type: ignore[no-untyped-def]
    consent(session_factory)
    relay = make_relay(FakeRasa(answer=SWOT_ANSWER))
    # No SWOT saved yet: the text only.
    assert [r.text for r in await relay.handle_text(CAMILLE, "c'est bon")] == [
        "C'est enregistré ✅"
    ]
    add_swot(session_factory, 4242, ("Rigueur",))
    text, picture = await relay.handle_text(CAMILLE, "c'est bon")
    assert text.text == "C'est enregistré ✅" and picture.text is None
    assert picture.photo is not None and picture.photo.startswith(b"\x89PNG")
    assert picture.photo_name == "rebond-swot.png"
    assert picture.photo_caption == "Votre SWOT du mardi 1er décembre 2026"


async def test_swot_chart_of_someone_else_is_never_drawn(make_relay, session_factory) -> None:  # type: ignore[no-untyped-def]
    consent(session_factory)
    consent(session_factory, uid=77)
    add_swot(session_factory, 77, ("Rigueur",))
    replies = await make_relay(FakeRasa(answer=SWOT_ANSWER)).handle_text(CAMILLE, "c'est bon")
    assert [r.photo for r in replies] == [None]


async def test_a_swot_chart_that_fails_says_so_without_user_text_in_the_logs(
    make_relay, session_factory, monkeypatch, caplog
) -> None:  # type: ignore[no-untyped-def]
    from coach import charts

    def broken(*_args: Any, **_kwargs: Any) -> bytes:
        raise RuntimeError("renderer exploded")

    monkeypatch.setattr(charts, "swot_chart", broken)
    consent(session_factory)
    add_swot(session_factory, 4242, ("Sens du service client",))
    replies = await make_relay(FakeRasa(answer=SWOT_ANSWER)).handle_text(CAMILLE, "c'est bon")
    assert [r.text for r in replies] == ["C'est enregistré ✅", SWOT_CHART_FAILED]
    assert "SWOT chart" in caplog.text
    assert "service client" not in caplog.text and "Anglais" not in caplog.text


def test_the_export_summary_counts_every_section() -> None:
    from bot.relay import export_summary
    from coach.privacy import SPEC_KEYS

    data: dict[str, Any] = {"user": {"telegram_user_id": 1}}
    data.update({key: [{}, {}] for key in SPEC_KEYS})
    lines = export_summary(data).splitlines()[1:]
    assert len(lines) == len(SPEC_KEYS)
    assert all(line.endswith(": 2") for line in lines)


# --------------------------------------------------------------------------- due reminders


class TrackerRasa:
    """Rasa's tracker endpoint (the form in progress) and trigger_intent."""

    def __init__(self, form: str | None, idle_seconds: float) -> None:
        self.form, self.idle = form, idle_seconds
        self.triggered: list[dict[str, Any]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            assert request.url.path == "/conversations/4242/session"
            return httpx.Response(
                200,
                json={
                    "active_loop": {"name": self.form} if self.form else {},
                    "latest_event_time": time.time() - self.idle,
                },
            )
        self.triggered.append(json.loads(request.content))
        return httpx.Response(200, json={"messages": [{"recipient_id": "4242", "text": "Étape"}]})


def milestone_reminder() -> ReminderSnapshot:
    return ReminderSnapshot(
        id=31,
        user_id=1,
        chat_id=4242,
        kind="milestone",
        payload={
            "intent": "EXTERNAL_goal_milestone",
            "entities": {"goal_id": "3", "milestone_id": "7"},
            "text": "étape « 3 modules sur 6 » de votre objectif « SQL »",
        },
        due_at=dt.datetime(2026, 11, 26, 8, 0, tzinfo=dt.UTC),
        attempts=0,
        late_by=dt.timedelta(0),
    )


async def test_a_reminder_opens_the_conversation_outside_forms(make_relay) -> None:  # type: ignore[no-untyped-def]
    rasa = TrackerRasa(form=None, idle_seconds=5)
    [reply] = await make_relay(rasa).remind(CAMILLE, milestone_reminder())
    assert reply.text == "Étape"
    assert rasa.triggered == [
        {"name": "EXTERNAL_goal_milestone", "entities": {"goal_id": "3", "milestone_id": "7"}}
    ]


async def test_a_reminder_waits_while_the_person_answers_a_form(make_relay) -> None:  # type: ignore[no-untyped-def]
    rasa = TrackerRasa(form="swot_form", idle_seconds=60)
    with pytest.raises(DeliverLater) as later:
        await make_relay(rasa).remind(CAMILLE, milestone_reminder())
    assert later.value.seconds == FORM_DEFER_SECONDS
    assert rasa.triggered == [], "it would have been read as the answer"


async def test_after_a_long_silence_in_a_form_the_reminder_comes_plain(make_relay) -> None:  # type: ignore[no-untyped-def]
    rasa = TrackerRasa(form="goal_form", idle_seconds=FORM_ACTIVE_SECONDS + 60)
    [reply] = await make_relay(rasa).remind(CAMILLE, milestone_reminder())
    assert rasa.triggered == []
    assert reply.text == "Petit rappel : étape « 3 modules sur 6 » de votre objectif « SQL »"
    assert [b.payload for b in reply.buttons] == ["rem:done:31", "rem:snooze:31", "rem:mute:31"]


class DyingRasa:
    """The Rasa server that had the turn dies before answering (its balancer answers 502);
    ``recorded`` says whether it had saved the turn first."""

    def __init__(self, recorded: bool) -> None:
        self.recorded = recorded
        self.posts = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            events: list[dict[str, Any]] = []
            if self.recorded:
                events = [
                    {"event": "user", "text": "bonjour", "metadata": {"update_id": 77}},
                    {"event": "bot", "text": "Déjà répondu", "data": {}},
                ]
            return httpx.Response(200, json={"events": events})
        self.posts += 1
        if self.posts == 1:
            return httpx.Response(502, json={"status": "bad gateway"})
        return httpx.Response(200, json=[{"recipient_id": "4242", "text": "Repris"}])


async def test_a_turn_whose_rasa_died_unrecorded_is_taken_by_another(
    make_relay, session_factory
) -> None:  # type: ignore[no-untyped-def]
    consent(session_factory)
    rasa = DyingRasa(recorded=False)
    replies = await make_relay(rasa).handle_text(CAMILLE, "bonjour", key=77)
    assert [r.text for r in replies] == ["Repris"]
    assert rasa.posts == 2


async def test_a_turn_whose_rasa_died_after_recording_it_is_not_sent_again(
    make_relay, session_factory
) -> None:  # type: ignore[no-untyped-def]
    consent(session_factory)
    rasa = DyingRasa(recorded=True)
    replies = await make_relay(rasa).handle_text(CAMILLE, "bonjour", key=77)
    assert [r.text for r in replies] == ["Déjà répondu"]
    assert rasa.posts == 1


async def test_without_an_update_id_a_failed_turn_is_never_sent_again(
    make_relay, session_factory
) -> None:  # type: ignore[no-untyped-def]
    consent(session_factory)
    rasa = DyingRasa(recorded=False)
    replies = await make_relay(rasa).handle_text(CAMILLE, "bonjour")
    assert [r.text for r in replies] == [RASA_DOWN]
    assert rasa.posts == 1


async def test_before_consent_rasas_record_of_the_turn_is_dropped(
    make_relay, tracker_url, session_factory
) -> None:  # type: ignore[no-untyped-def]
    """/start, /aide, a typed text before consent: answered, then Rasa's events of the
    person are gone (the fixture holds one event of 4242 and one of 77)."""
    relay = make_relay(FakeRasa())
    for turn in (
        relay.handle_payload(CAMILLE, "/start"),
        relay.handle_text(CAMILLE, "bonjour"),
        relay.handle_command(CAMILLE, "/aide"),
    ):
        replies = await turn
        assert [r.text for r in replies] == ["ok"]
        assert tracker_senders(tracker_url) == ["77"]


async def test_the_consent_turn_and_every_turn_after_it_are_kept(
    make_relay, tracker_url, session_factory
) -> None:  # type: ignore[no-untyped-def]
    relay = make_relay(FakeRasa())
    await relay.handle_payload(CAMILLE, "/consent_accept")
    assert tracker_senders(tracker_url) == ["4242", "77"]
    consent(session_factory)
    await relay.handle_payload(CAMILLE, "/start")
    await relay.handle_text(CAMILLE, "bonjour")
    assert tracker_senders(tracker_url) == ["4242", "77"]


class HungRasa:
    """The Rasa server hung: a message gets no answer until the read timeout, and the
    tracker is never read either."""

    def __init__(self) -> None:
        self.reads: list[float] = []

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            self.reads.append(request.extensions["timeout"]["read"])
            await asyncio.sleep(60)
        await asyncio.sleep(0.3)
        raise httpx.ReadTimeout("no answer", request=request)


async def test_a_hung_rasa_gets_the_unavailable_answer_within_the_turn_budget(
    session_factory, tracker_url
) -> None:  # type: ignore[no-untyped-def]
    """After a read timeout, looking for the turn in Rasa's record takes what is left of
    the turn's budget, not a budget of its own (SPEC §10: « indisponible » within 35 s)."""
    consent(session_factory)
    rasa = HungRasa()
    http = httpx.AsyncClient(transport=httpx.MockTransport(rasa))
    relay = Relay(
        rasa=RasaClient("http://rasa.test", auth_token="t", http=http, retry_delay=0),
        session_factory=session_factory,
        tracker_url=tracker_url,
        turn_seconds=1.6,
    )
    started = time.perf_counter()
    replies = await relay.handle_text(CAMILLE, "bonjour", key=78)
    elapsed = time.perf_counter() - started
    assert [r.text for r in replies] == [RASA_DOWN]
    assert len(rasa.reads) == 1 and rasa.reads[0] <= 1.35
    assert elapsed < 3, elapsed  # 10.3 s when the record had a probe budget of its own
