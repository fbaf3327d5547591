"""The mood history (issue 17): one point per day (the day's hardest mood, local day), a
six-week calendar, the rejections marked on both; drawn with /bilan and on request."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest
from matplotlib.colors import to_hex
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import sessions
from actions.mood_history import MOOD_CHART, NO_MOOD, SHOWN, ActionShowMoodHistory
from bot.rasa_client import RasaClient
from bot.relay import MOOD_CAPTION, MOOD_CHART_FAILED, Relay, Speaker
from coach import charts
from coach.db import transaction
from coach.models import Mood, Rejection
from coach.mood_history import history_input
from coach.rejections import record_mood
from coach.users import find_user, give_consent

PARIS = "Europe/Paris"
SCALE = charts.MOOD_SCALE


def at(day: int, hour: int, month: int = 11) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=dt.UTC)


# --------------------------------------------------------------------------- daily points


def test_one_point_per_day_the_hardest_mood_of_the_local_day() -> None:
    points = [
        (at(2, 8), "ca_va"),
        (at(2, 9), "honte"),  # the same morning: one point, the hardest
        (at(2, 18), "deception"),
        (at(3, 23), "decouragement"),  # 00:00 on the 4th in Paris
        (at(4, 10), "ca_va"),
        (at(5, 10), "unknown"),  # not on the scale: skipped
    ]
    assert charts.daily_moods(points, PARIS) == [
        (dt.date(2026, 11, 2), SCALE.index("honte")),
        (dt.date(2026, 11, 4), SCALE.index("decouragement")),
    ]
    # In UTC the late mood stays on the 3rd.
    assert charts.daily_moods(points, "UTC")[1] == (
        dt.date(2026, 11, 3),
        SCALE.index("decouragement"),
    )


def test_the_calendar_is_six_weeks_monday_first_ending_with_today() -> None:
    today = dt.date(2026, 12, 5)  # a Saturday
    history = charts.mood_history(
        [(at(23, 9), "decouragement"), (at(24, 9), "doute"), (at(2, 9, month=12), "ca_va")],
        PARIS,
        rejections=[
            (dt.date(2026, 11, 23), "Decathlon"),
            (dt.date(2026, 11, 23), "Thales"),
            (dt.date(2026, 9, 1), "Too old"),  # outside the window
            (None, "No date"),
        ],
        today=today,
    )
    assert history.start == dt.date(2026, 10, 26) and history.start.weekday() == 0
    assert len(history.weeks) == 6 and all(len(week) == 7 for week in history.weeks)
    assert history.weeks[-1][5].day == today and not history.weeks[-1][5].future
    assert history.weeks[-1][6].future, "Sunday after today is drawn blank"
    cells = {cell.day: cell for week in history.weeks for cell in week}
    assert cells[dt.date(2026, 11, 23)].level == SCALE.index("decouragement")
    assert cells[dt.date(2026, 11, 23)].companies == ("Decathlon", "Thales")
    assert cells[dt.date(2026, 11, 22)].level is None
    assert history.markers == [(dt.date(2026, 11, 23), "Decathlon, Thales")]
    assert history.days == [
        (dt.date(2026, 11, 23), SCALE.index("decouragement")),
        (dt.date(2026, 11, 24), SCALE.index("doute")),
        (dt.date(2026, 12, 2), SCALE.index("ca_va")),
    ]
    assert history.first == dt.date(2026, 11, 23)


def test_without_today_the_window_ends_on_the_last_day_with_data() -> None:
    history = charts.mood_history([(at(2, 9), "doute")], PARIS)
    assert history.today == dt.date(2026, 11, 2)
    assert history.days == [(dt.date(2026, 11, 2), SCALE.index("doute"))]


def test_the_drawing_holds_the_daily_points_the_markers_and_the_coloured_days() -> None:
    today = dt.date(2026, 11, 28)
    history = charts.mood_history(
        [(at(20, 8), "ca_va"), (at(20, 12), "honte"), (at(21, 9), "deception")],
        PARIS,
        rejections=[(dt.date(2026, 11, 20), "Capgemini")],
        today=today,
    )
    figure = charts._mood_figure(history)
    line_axes, calendar_axes = figure.axes
    [daily] = [line for line in line_axes.lines if line.get_gid() == "daily-moods"]
    # x: days since the first day, a point in the middle of its day; y: the level.
    assert daily.get_xydata().tolist() == [
        [0.5, SCALE.index("honte")],
        [1.5, SCALE.index("deception")],
    ]
    [marker] = [line for line in line_axes.lines if line.get_gid() == "rejection"]
    assert set(marker.get_xdata()) == {0.5}
    assert "Refus Capgemini" in [text.get_text() for text in line_axes.texts]
    days = {patch.get_gid(): patch for patch in calendar_axes.patches}
    assert len(days) == 42
    assert to_hex(days["day-2026-11-20"].get_facecolor()) == to_hex(
        charts.mood_colour(SCALE.index("honte"))
    )
    assert days["day-2026-11-20"].get_linewidth() > 0, "the rejection's day is outlined"
    assert to_hex(days["day-2026-11-21"].get_facecolor()) == to_hex(
        charts.mood_colour(SCALE.index("deception"))
    )
    assert days["day-2026-11-22"].get_linewidth() == 0
    assert to_hex(days["day-2026-11-22"].get_facecolor()) == to_hex(charts.mood_colour(None))
    assert to_hex(days["day-2026-11-29"].get_facecolor()) == "#ffffff", "tomorrow is blank"
    assert "Capgemini" in [text.get_text() for text in calendar_axes.texts]
    assert len(set(charts.MOOD_COLOURS)) == len(SCALE), "each mood its own colour"


def test_the_picture_changes_with_the_rejections_and_keeps_its_size() -> None:
    points = [(at(20, 8), "doute"), (at(22, 8), "ca_va")]
    plain = charts.mood_chart(points, PARIS, today=dt.date(2026, 11, 28))
    marked = charts.mood_chart(
        points, PARIS, rejections=[(dt.date(2026, 11, 20), "Thales")], today=dt.date(2026, 11, 28)
    )
    assert plain[:8] == b"\x89PNG\r\n\x1a\n" and marked != plain


# --------------------------------------------------------------------------- storage → relay

UID = 4949
NOW = dt.datetime(2026, 11, 28, 11, tzinfo=dt.UTC)


def consent(session_factory: Any, uid: int = UID) -> None:
    with transaction(session_factory) as session:
        give_consent(session, uid, first_name="Léa", timezone=PARIS)


def add_mood(session_factory: Any, uid: int, mood: str, moment: dt.datetime) -> None:
    with transaction(session_factory) as session:
        user = find_user(session, uid)
        assert user is not None
        record_mood(session, user, mood).created_at = moment


def add_rejection(session_factory: Any, uid: int, company: str, day: dt.date | None) -> None:
    with transaction(session_factory) as session:
        user = find_user(session, uid)
        assert user is not None
        session.add(
            Rejection(
                user_id=user.id,
                company=company,
                rejection_date=day,
                created_at=dt.datetime(2026, 11, 25, 22, 30, tzinfo=dt.UTC),
            )
        )


def test_history_input_reads_the_persons_moods_rejections_and_today(session_factory: Any) -> None:
    consent(session_factory)
    consent(session_factory, uid=77)
    add_mood(session_factory, UID, "doute", at(20, 9))
    add_mood(session_factory, 77, "ca_va", at(21, 9))
    add_rejection(session_factory, UID, "Capgemini", dt.date(2026, 11, 20))
    add_rejection(session_factory, UID, "Sans date", None)  # logged late on the 25th (UTC)
    add_rejection(session_factory, 77, "Autre", dt.date(2026, 11, 21))
    with session_factory() as session:
        user = find_user(session, UID)
        assert user is not None
        data = history_input(session, user, now=dt.datetime(2026, 11, 28, 23, 30, tzinfo=dt.UTC))
    assert [mood for _, mood in data.moods] == ["doute"]
    assert data.rejections == [
        (dt.date(2026, 11, 20), "Capgemini"),
        (dt.date(2026, 11, 25), "Sans date"),  # the local day it was logged (23:30 in Paris)
    ]
    assert data.today == dt.date(2026, 11, 29), "today in the person's timezone"
    assert data.timezone == PARIS


def make_relay(session_factory: Any, answer: list[dict[str, Any]]) -> Relay:
    def rasa(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=answer)

    http = httpx.AsyncClient(transport=httpx.MockTransport(rasa))
    client = RasaClient("http://rasa.test", auth_token="t", http=http, retry_delay=0)
    # The tracker store is only read by /export and /supprimer, not used here.
    return Relay(
        rasa=client, session_factory=session_factory, tracker_url="sqlite://", clock=lambda: NOW
    )


async def test_the_mood_chart_directive_draws_the_persons_history(
    session_factory: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    consent(session_factory)
    consent(session_factory, uid=77)
    add_mood(session_factory, UID, "honte", at(20, 9))
    add_mood(session_factory, 77, "ca_va", at(21, 9))
    add_rejection(session_factory, UID, "Capgemini", dt.date(2026, 11, 20))
    add_rejection(session_factory, 77, "Autre", dt.date(2026, 11, 21))
    drawn: list[dict[str, Any]] = []
    draw = charts.mood_chart

    def spy(points: Any, tz: str, **kwargs: Any) -> bytes:
        drawn.append({"points": list(points), "tz": tz, **kwargs})
        return draw(points, tz, **kwargs)

    monkeypatch.setattr(charts, "mood_chart", spy)
    answer = [{"text": SHOWN}, {"custom": MOOD_CHART}]
    replies = await make_relay(session_factory, answer).handle_text(
        Speaker(UID, "Léa"), "montre moi mon humeur"
    )
    assert [r.text for r in replies] == [SHOWN, None]
    assert replies[1].photo is not None and replies[1].photo.startswith(b"\x89PNG")
    assert replies[1].photo_caption == MOOD_CAPTION
    [call] = drawn
    assert [mood for _, mood in call["points"]] == ["honte"], "only this person's moods"
    assert call["rejections"] == [(dt.date(2026, 11, 20), "Capgemini")]
    assert call["today"] == dt.date(2026, 11, 28) and call["tz"] == PARIS


async def test_a_mood_chart_that_fails_says_so(
    session_factory: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    consent(session_factory)
    add_rejection(session_factory, UID, "Secret Corp", dt.date(2026, 11, 20))

    def broken(*_args: Any, **_kwargs: Any) -> bytes:
        raise RuntimeError("cannot draw Secret Corp")

    monkeypatch.setattr(charts, "mood_chart", broken)
    replies = await make_relay(session_factory, [{"custom": MOOD_CHART}]).handle_text(
        Speaker(UID, "Léa"), "montre moi mon humeur"
    )
    assert [r.text for r in replies] == [MOOD_CHART_FAILED]
    assert "Secret Corp" not in caplog.text, "a company name never reaches the logs"


# --------------------------------------------------------------------------- the action


def tracker() -> Tracker:
    latest = {"intent": {"name": "ask_mood_history", "confidence": 1.0}, "text": "mon humeur"}
    return Tracker(str(UID), {}, latest, [], False, None, {}, "action_listen")


@pytest.mark.usefixtures("action_db")
async def test_the_action_asks_for_the_picture_only_when_there_is_a_mood() -> None:
    with transaction(sessions()) as session:
        give_consent(session, UID, first_name="Léa", timezone=PARIS)
    dispatcher = CollectingDispatcher()
    await ActionShowMoodHistory().run(dispatcher, tracker(), {})
    assert [m.get("text") for m in dispatcher.messages] == [NO_MOOD]
    with transaction(sessions()) as session:
        user = find_user(session, UID)
        assert user is not None
        session.add(Mood(user_id=user.id, mood="doute"))
    dispatcher = CollectingDispatcher()
    await ActionShowMoodHistory().run(dispatcher, tracker(), {})
    assert dispatcher.messages[0]["text"] == SHOWN
    assert dispatcher.messages[1]["custom"] == MOOD_CHART
