"""Reminder rules with a controlled clock: timezones, DST, quiet hours, buttons, pauses."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.dispatcher import (
    answer_reminder_button,
    parse_reminder_callback,
    rasa_outage_streak,
    reminder_buttons,
    reminder_markup,
    reminder_text,
)
from bot.rendering import PayloadStore
from coach import reminders as rem
from coach.models import Reminder, User
from coach.privacy import export_user
from coach.users import give_consent, record_crisis

PARIS = ZoneInfo("Europe/Paris")
UTC = dt.UTC
# Wednesday 25 November 2026, 10:00 in Paris (09:00 UTC).
NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
Q_START, Q_END = dt.time(21, 0), dt.time(8, 30)


def paris(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=PARIS)  # type: ignore[misc]


# --------------------------------------------------------------------------- pure rules


@pytest.mark.parametrize(
    ("local", "start", "end", "quiet"),
    [
        (dt.time(22, 0), Q_START, Q_END, True),
        (dt.time(21, 0), Q_START, Q_END, True),
        (dt.time(3, 0), Q_START, Q_END, True),
        (dt.time(8, 29), Q_START, Q_END, True),
        (dt.time(8, 30), Q_START, Q_END, False),
        (dt.time(20, 59), Q_START, Q_END, False),
        (dt.time(13, 30), dt.time(13, 0), dt.time(14, 0), True),  # a window inside the day
        (dt.time(14, 0), dt.time(13, 0), dt.time(14, 0), False),
        (dt.time(3, 0), dt.time(0, 0), dt.time(0, 0), False),  # equal bounds: no quiet hours
    ],
)
def test_in_quiet_hours(local: dt.time, start: dt.time, end: dt.time, quiet: bool) -> None:
    assert rem.in_quiet_hours(local, start, end) is quiet


def quiet(moment: dt.datetime, start: dt.time = Q_START, end: dt.time = Q_END) -> dt.datetime:
    return rem.apply_quiet_hours(moment, tz=PARIS, quiet_start=start, quiet_end=end)


def test_quiet_hours_postpone_to_their_end() -> None:
    assert quiet(paris(2026, 11, 25, 22, 0)) == paris(2026, 11, 26, 8, 30)
    assert quiet(paris(2026, 11, 26, 6, 0)) == paris(2026, 11, 26, 8, 30)
    assert quiet(paris(2026, 11, 25, 12, 0)) == paris(2026, 11, 25, 12, 0)
    assert quiet(paris(2026, 11, 25, 22, 0)).tzinfo == UTC
    # A user whose quiet hours are 23:00–07:00.
    assert quiet(paris(2026, 11, 25, 22, 0), dt.time(23), dt.time(7)) == paris(2026, 11, 25, 22)


def test_quiet_hours_across_the_autumn_change() -> None:
    # Saturday 24 October 2026, 22:00 CEST → Sunday 08:30 CET (the night lasts an hour more).
    moved = quiet(paris(2026, 10, 24, 22, 0))
    assert moved.astimezone(PARIS).replace(tzinfo=None) == dt.datetime(2026, 10, 25, 8, 30)
    assert moved == dt.datetime(2026, 10, 25, 7, 30, tzinfo=UTC)


def test_quiet_hours_in_another_timezone() -> None:
    tokyo = ZoneInfo("Asia/Tokyo")
    at_night = dt.datetime(2026, 11, 25, 14, 0, tzinfo=UTC)  # 23:00 in Tokyo
    moved = rem.apply_quiet_hours(at_night, tz=tokyo, quiet_start=Q_START, quiet_end=Q_END)
    assert moved.astimezone(tokyo).replace(tzinfo=None) == dt.datetime(2026, 11, 26, 8, 30)


@settings(max_examples=300, deadline=None)
@given(
    minutes=st.integers(min_value=0, max_value=60 * 24 * 800),
    start=st.times(),
    end=st.times(),
    zone=st.sampled_from(["Europe/Paris", "America/Montreal", "Asia/Tokyo", "UTC"]),
)
# Found by hypothesis: a quiet window ending inside Montreal's spring-forward gap.
@example(minutes=94021, start=dt.time(2, 0, 1), end=dt.time(2, 0, 0, 1), zone="America/Montreal")
def test_quiet_hours_property(minutes: int, start: dt.time, end: dt.time, zone: str) -> None:
    tz = ZoneInfo(zone)
    moment = dt.datetime(2026, 1, 1, tzinfo=UTC) + dt.timedelta(minutes=minutes)
    moved = rem.apply_quiet_hours(moment, tz=tz, quiet_start=start, quiet_end=end)
    assert moment <= moved < moment + dt.timedelta(hours=25)
    local = moved.astimezone(tz)
    if moved != moment:
        # Delivered exactly when the quiet window ends (a DST gap may shift it by an hour).
        assert local.time().replace(microsecond=0) in (
            end.replace(microsecond=0),
            (dt.datetime.combine(local.date(), end) + dt.timedelta(hours=1))
            .time()
            .replace(microsecond=0),
        )
    else:
        assert not rem.in_quiet_hours(local.time(), start, end)


def snooze_at(due: dt.datetime, now: dt.datetime, **kw: dt.time) -> dt.datetime:
    return rem.snooze_instant(
        due,
        now,
        tz=PARIS,
        quiet_start=kw.get("start", Q_START),
        quiet_end=kw.get("end", Q_END),
    )


def test_snooze_is_tomorrow_same_local_time_across_dst() -> None:
    due = paris(2026, 10, 24, 10, 0)  # Saturday, UTC+2
    later = snooze_at(due, paris(2026, 10, 24, 10, 2))
    assert later == dt.datetime(2026, 10, 25, 9, 0, tzinfo=UTC)  # Sunday 10:00, UTC+1
    assert later.astimezone(PARIS).hour == 10
    assert later - due == dt.timedelta(hours=25)


def test_snooze_counts_from_the_press_and_respects_quiet_hours() -> None:
    due = paris(2026, 11, 20, 10, 0)
    assert snooze_at(due, paris(2026, 11, 25, 18, 0)) == paris(2026, 11, 26, 10, 0)
    # The user changed quiet hours to 09:00–11:00 meanwhile: moved to 11:00.
    assert snooze_at(due, paris(2026, 11, 25, 18), start=dt.time(9), end=dt.time(11)) == paris(
        2026, 11, 26, 11, 0
    )


def test_next_weekly_occurrence() -> None:
    wednesday = paris(2026, 11, 25, 10, 0)
    nxt = rem.next_weekly_occurrence(wednesday, weekday=4, hour=18, tz=PARIS)
    assert nxt == paris(2026, 11, 27, 18, 0)
    assert rem.next_weekly_occurrence(wednesday, weekday=2, hour=18, tz=PARIS) == paris(
        2026, 11, 25, 18, 0
    )
    assert rem.next_weekly_occurrence(wednesday, weekday=2, hour=9, tz=PARIS) == paris(
        2026, 12, 2, 9, 0
    )
    # Across the autumn change: Sundays at 10:00 local, both sides.
    sunday_before = paris(2026, 10, 18, 10, 0)
    after = rem.next_weekly_occurrence(sunday_before, weekday=6, hour=10, tz=PARIS)
    assert after.astimezone(PARIS).replace(tzinfo=None) == dt.datetime(2026, 10, 25, 10, 0)
    with pytest.raises(ValueError):
        rem.next_weekly_occurrence(wednesday, weekday=7, hour=10, tz=PARIS)


def make_user(**fields: object) -> User:
    values: dict[str, object] = {
        "id": 1,
        "telegram_user_id": 42,
        "timezone": "Europe/Paris",
        "consent_at": NOW,
        "quiet_start": Q_START,
        "quiet_end": Q_END,
        "reminders_paused": False,
        "muted_kinds": [],
        "crisis_at": None,
    }
    values.update(fields)
    return User(**values)


def make_reminder(kind: str = "custom", due: dt.datetime = NOW, **fields: object) -> Reminder:
    return Reminder(id=7, user_id=1, kind=kind, due_at=due, payload={}, status="pending", **fields)


def test_decision_send_now() -> None:
    assert rem.dispatch_decision(make_reminder(), make_user(), NOW).action == "send"


def test_decision_muted_kind_is_cancelled() -> None:
    decision = rem.dispatch_decision(make_reminder(), make_user(muted_kinds=["custom"]), NOW)
    assert (decision.action, decision.reason) == ("cancel", "muted")


def test_decision_quiet_hours_hold_until_their_end() -> None:
    night = paris(2026, 11, 25, 23, 0)
    decision = rem.dispatch_decision(make_reminder(due=night), make_user(), night)
    assert decision.action == "hold"
    assert decision.until == paris(2026, 11, 26, 8, 30)


def test_decision_safety_pause_holds_until_the_pause_ends() -> None:
    crisis = NOW - dt.timedelta(hours=1)  # 09:00 Paris
    decision = rem.dispatch_decision(make_reminder(), make_user(crisis_at=crisis), NOW)
    assert decision.action == "hold"
    assert decision.until == crisis + dt.timedelta(hours=24)
    # A crisis at 23:00: the pause ends at 23:00 the next day, inside quiet hours → 08:30.
    late_crisis = paris(2026, 11, 24, 23, 0)
    decision = rem.dispatch_decision(make_reminder(), make_user(crisis_at=late_crisis), NOW)
    assert decision.until == paris(2026, 11, 26, 8, 30)
    # After 24 h it is sent.
    old_crisis = NOW - dt.timedelta(hours=25)
    assert rem.dispatch_decision(make_reminder(), make_user(crisis_at=old_crisis), NOW).action == (
        "send"
    )


@pytest.mark.parametrize(
    ("kind", "overdue", "action"),
    [
        ("custom", dt.timedelta(hours=71), "send"),
        ("custom", dt.timedelta(hours=73), "expire"),
        ("follow_up", dt.timedelta(hours=50), "send"),
        ("feedback_request", dt.timedelta(hours=71), "send"),
        ("milestone", dt.timedelta(hours=80), "expire"),
        ("resume_tomorrow", dt.timedelta(hours=11), "send"),
        ("resume_tomorrow", dt.timedelta(hours=13), "expire"),
        ("weekly_reflection", dt.timedelta(hours=13), "expire"),
    ],
)
def test_stale_policy(kind: str, overdue: dt.timedelta, action: str) -> None:
    decision = rem.dispatch_decision(make_reminder(kind, NOW - overdue), make_user(), NOW)
    assert decision.action == action
    if action == "expire":
        assert decision.reason == "stale"


def test_stale_counts_from_the_last_hold_or_retry() -> None:
    reminder = make_reminder("resume_tomorrow", NOW - dt.timedelta(hours=30))
    reminder.next_attempt_at = NOW - dt.timedelta(minutes=1)  # held by the safety pause
    assert rem.dispatch_decision(reminder, make_user(), NOW).action == "send"


# --------------------------------------------------------------------------- with a database


@pytest.fixture
def factory(session_factory: sessionmaker[Session]) -> sessionmaker[Session]:
    return session_factory


@pytest.fixture
def session(factory: sessionmaker[Session]) -> Iterator[Session]:
    with factory() as session:
        yield session
        session.rollback()


def consent(session: Session, telegram_user_id: int = 42, tz: str = "Europe/Paris") -> User:
    return give_consent(session, telegram_user_id, first_name="Camille", timezone=tz, now=NOW)


def schedule(
    session: Session, user: User, due: dt.datetime, kind: str = "custom", **kw: object
) -> Reminder:
    reminder = rem.schedule(
        session, user, kind, due, now=NOW, payload={"text": "relancer Decathlon"}, **kw
    )  # type: ignore[arg-type]
    assert reminder is not None
    return reminder


def claim(session: Session, now: dt.datetime = NOW, worker: str = "w1") -> rem.ClaimResult:
    return rem.claim_due(session, worker_id=worker, now=now, limit=100)


def test_new_user_has_default_preferences(session: Session) -> None:
    user = consent(session)
    session.expire_all()
    assert (user.quiet_start, user.quiet_end) == (Q_START, Q_END)
    assert user.reminders_paused is False and user.muted_kinds == []
    assert user.reflection_weekday is None


def test_schedule_moves_out_of_quiet_hours_and_never_before_now(session: Session) -> None:
    user = consent(session)
    assert schedule(session, user, paris(2026, 11, 25, 22, 30)).due_at == paris(2026, 11, 26, 8, 30)
    assert schedule(session, user, NOW - dt.timedelta(hours=2)).due_at == NOW
    with pytest.raises(ValueError):
        rem.schedule(session, user, "nonsense", NOW, now=NOW)
    with pytest.raises(ValueError):
        rem.schedule(session, user, "custom", dt.datetime(2026, 12, 1, 10), now=NOW)


def test_schedule_in_the_users_timezone(session: Session) -> None:
    user = consent(session, tz="America/Montreal")
    montreal = ZoneInfo("America/Montreal")
    late = dt.datetime(2026, 11, 25, 22, 0, tzinfo=montreal)
    assert schedule(session, user, late).due_at.astimezone(montreal).replace(
        tzinfo=None
    ) == dt.datetime(2026, 11, 26, 8, 30)


def test_list_and_cancel_only_own(session: Session) -> None:
    user, other = consent(session, 42), consent(session, 43)
    later = schedule(session, user, NOW + dt.timedelta(days=2))
    sooner = schedule(session, user, NOW + dt.timedelta(days=1))
    theirs = schedule(session, other, NOW + dt.timedelta(hours=1))
    assert [r.id for r in rem.list_upcoming(session, user)] == [sooner.id, later.id]
    assert not rem.cancel(session, user, theirs.id)
    assert rem.cancel(session, user, sooner.id)
    assert not rem.cancel(session, user, sooner.id)
    assert [r.id for r in rem.list_upcoming(session, user)] == [later.id]
    assert session.get(Reminder, theirs.id).status == "pending"  # type: ignore[union-attr]
    line = rem.describe(later, tz=PARIS, now=NOW)
    assert line == "vendredi 27 novembre à 10 h 00 — relancer Decathlon"


def test_a_reminder_being_sent_cannot_be_cancelled(session: Session) -> None:
    user = consent(session)
    reminder = schedule(session, user, NOW)
    [snapshot] = claim(session).claimed
    assert rem.begin_sending(session, snapshot.id, worker_id="w1", now=NOW)
    assert not rem.cancel(session, user, reminder.id)


def test_claim_snapshot_and_happy_path(session: Session) -> None:
    user = consent(session)
    reminder = schedule(session, user, NOW)
    schedule(session, user, NOW + dt.timedelta(hours=1))  # not due yet
    result = claim(session)
    [snapshot] = result.claimed
    assert (snapshot.id, snapshot.chat_id, snapshot.kind) == (reminder.id, 42, "custom")
    assert snapshot.text == "relancer Decathlon" and snapshot.intent is None
    assert not snapshot.late
    assert claim(session).claimed == []  # already claimed
    assert not rem.begin_sending(session, reminder.id, worker_id="w2", now=NOW)
    assert rem.begin_sending(session, reminder.id, worker_id="w1", now=NOW)
    assert rem.mark_sent(session, snapshot, worker_id="w1", now=NOW)
    session.refresh(reminder)
    assert (reminder.status, reminder.sent_at) == ("sent", NOW)


def test_safety_pause_holds_then_releases(session: Session) -> None:
    user = consent(session)
    reminder = schedule(session, user, NOW)
    record_crisis(session, 42, now=NOW - dt.timedelta(hours=1))
    result = claim(session)
    assert result.claimed == [] and result.held == 1
    session.refresh(reminder)
    assert reminder.status == "pending"  # held back, not dropped
    assert reminder.next_attempt_at == NOW + dt.timedelta(hours=23)
    assert claim(session, NOW + dt.timedelta(hours=22)).claimed == []
    [snapshot] = claim(session, NOW + dt.timedelta(hours=23, minutes=1)).claimed
    assert snapshot.id == reminder.id
    assert snapshot.late  # it is a day late: the bot says so


def test_quiet_hours_met_at_dispatch_are_applied(session: Session) -> None:
    user = consent(session)
    reminder = schedule(session, user, NOW)
    rem.set_quiet_hours(session, user, dt.time(9, 0), dt.time(11, 0))
    session.refresh(reminder)
    assert reminder.due_at == paris(2026, 11, 25, 11, 0)  # moved when the window changed
    user.quiet_start, user.quiet_end = dt.time(9, 30), dt.time(12, 0)  # changed behind our back
    result = claim(session, paris(2026, 11, 25, 11, 0))
    assert result.held == 1
    session.refresh(reminder)
    assert reminder.next_attempt_at == paris(2026, 11, 25, 12, 0)


def test_stale_reminders_expire_and_are_not_sent(session: Session) -> None:
    user = consent(session)
    old = schedule(session, user, NOW, kind="resume_tomorrow")
    kept = schedule(session, user, NOW)
    # The bot was down for 13 hours.
    old.due_at = kept.due_at = NOW - dt.timedelta(hours=13)
    result = claim(session)
    assert [s.id for s in result.claimed] == [kept.id] and result.expired == 1
    session.refresh(old)
    assert (old.status, old.last_error) == ("expired", "stale")


def test_pause_and_resume(session: Session) -> None:
    user = consent(session)
    reminder = schedule(session, user, NOW)
    assert rem.pause_all(session, user) == 1
    assert claim(session).claimed == []
    later = NOW + dt.timedelta(days=5)  # long after: it would be stale
    moved = rem.resume_all(session, user, now=later)
    assert [r.id for r in moved] == [reminder.id]
    [snapshot] = claim(session, later).claimed
    assert snapshot.id == reminder.id


def test_snooze_done_and_mute_buttons(session: Session) -> None:
    user = consent(session)
    reminder = schedule(session, user, paris(2026, 11, 25, 10, 0))
    claim(session)
    rem.begin_sending(session, reminder.id, worker_id="w1", now=NOW)
    [snapshot] = [
        rem.ReminderSnapshot(reminder.id, user.id, 42, "custom", {}, NOW, 0, dt.timedelta())
    ]
    rem.mark_sent(session, snapshot, worker_id="w1", now=NOW)

    press = NOW + dt.timedelta(minutes=5)
    answer = rem.snooze(session, user, reminder.id, now=press)
    assert answer.outcome == "snoozed"
    assert answer.due_at == paris(2026, 11, 26, 10, 0)
    copy = session.get(Reminder, answer.reminder_id)
    assert copy is not None and copy.id != reminder.id and copy.status == "pending"
    assert copy.payload["text"] == "relancer Decathlon"
    assert rem.snooze(session, user, reminder.id, now=press).outcome == "already"
    assert len(rem.list_upcoming(session, user)) == 1

    # "Fait" on the first message after all: the snoozed copy is cancelled.
    assert rem.mark_done(session, user, reminder.id).outcome == "done"
    assert rem.list_upcoming(session, user) == []
    assert rem.mark_done(session, user, reminder.id).outcome == "already"

    other = consent(session, 43)
    assert rem.snooze(session, other, reminder.id, now=press).outcome == "unknown"
    assert rem.mute(session, other, reminder.id).outcome == "unknown"


def test_mute_cancels_that_kind_only(session: Session) -> None:
    user = consent(session)
    first = schedule(session, user, NOW, kind="follow_up")
    schedule(session, user, NOW + dt.timedelta(days=1), kind="follow_up")
    custom = schedule(session, user, NOW + dt.timedelta(days=1))
    answer = rem.mute(session, user, first.id)
    assert (answer.outcome, answer.kind, answer.cancelled) == ("muted", "follow_up", 2)
    assert [r.id for r in rem.list_upcoming(session, user)] == [custom.id]
    assert user.muted_kinds == ["follow_up"]
    assert rem.schedule(session, user, "follow_up", NOW, now=NOW) is None
    # Asked for in person: the mute is lifted.
    assert rem.schedule(session, user, "follow_up", NOW, now=NOW, requested_by_user=True)
    assert user.muted_kinds == []


def test_weekly_reflection_chain(session: Session) -> None:
    user = consent(session)
    first = rem.set_weekly_reflection(session, user, weekday=4, hour=18, now=NOW)
    assert first.due_at == paris(2026, 11, 27, 18, 0)
    assert first.payload["intent"] == rem.REFLECTION_INTENT
    # Changing the slot replaces the pending check-in.
    first = rem.set_weekly_reflection(session, user, weekday=4, hour=19, now=NOW)
    assert [r.due_at for r in rem.list_upcoming(session, user)] == [paris(2026, 11, 27, 19, 0)]

    at = paris(2026, 11, 27, 19, 0)
    [snapshot] = claim(session, at).claimed
    assert snapshot.intent == rem.REFLECTION_INTENT
    rem.begin_sending(session, snapshot.id, worker_id="w1", now=at)
    rem.mark_sent(session, snapshot, worker_id="w1", now=at)
    [following] = rem.list_upcoming(session, user)
    assert following.due_at == paris(2026, 12, 4, 19, 0)

    assert rem.mute(session, user, first.id).cancelled == 1
    assert user.reflection_weekday is None and rem.list_upcoming(session, user) == []
    rem.set_weekly_reflection(session, user, weekday=0, hour=9, now=NOW)  # opt in again
    assert "weekly_reflection" not in user.muted_kinds
    assert rem.disable_weekly_reflection(session, user) == 1


def test_retry_and_failure_transitions(session: Session) -> None:
    user = consent(session)
    reminder = schedule(session, user, NOW)
    [snapshot] = claim(session).claimed
    rem.begin_sending(session, reminder.id, worker_id="w1", now=NOW)
    retry_at = NOW + dt.timedelta(seconds=10)
    status = rem.mark_retry(
        session, snapshot, worker_id="w1", now=NOW, retry_at=retry_at, error="TimedOut"
    )
    assert status == "pending"
    session.refresh(reminder)
    assert (reminder.attempts, reminder.next_attempt_at, reminder.last_error) == (
        1,
        retry_at,
        "TimedOut",
    )
    assert claim(session, NOW + dt.timedelta(seconds=5)).claimed == []
    [snapshot] = claim(session, retry_at).claimed
    assert snapshot.attempts == 1
    rem.begin_sending(session, reminder.id, worker_id="w1", now=retry_at)
    status = rem.mark_retry(
        session,
        snapshot,
        worker_id="w1",
        now=retry_at,
        retry_at=retry_at,
        error="TimedOut",
        max_attempts=2,
    )
    assert status == "failed"
    session.refresh(reminder)
    assert (reminder.status, reminder.last_error) == ("failed", "TimedOut")


def test_the_snapshot_carries_the_previous_error(session: Session) -> None:
    # The dispatcher reads its Rasa-outage streak there (bot.dispatcher.rasa_outage_streak).
    user = consent(session)
    reminder = schedule(session, user, NOW)
    [snapshot] = claim(session).claimed
    assert snapshot.last_error is None
    rem.begin_sending(session, reminder.id, worker_id="w1", now=NOW)
    rem.mark_retry(
        session,
        snapshot,
        worker_id="w1",
        now=NOW,
        retry_at=NOW,
        error="rasa_unavailable:3",
        count_attempt=False,
    )
    session.expire_all()  # the dispatcher claims in a new session
    [again] = claim(session).claimed
    assert (again.last_error, again.attempts) == ("rasa_unavailable:3", 0)
    assert rasa_outage_streak(again.last_error) == 3


@pytest.mark.parametrize(
    ("last_error", "streak"),
    [
        (None, 0),
        ("NetworkError", 0),
        ("rasa_unavailable:1", 1),
        ("rasa_unavailable:12", 12),
        ("rasa_unavailable:x", 0),
        ("deferred", 0),
    ],
)
def test_rasa_outage_streak(last_error: str | None, streak: int) -> None:
    assert rasa_outage_streak(last_error) == streak


def test_reaper_releases_claims_and_flags_unknown_sends(session: Session) -> None:
    user = consent(session)
    claimed_only = schedule(session, user, NOW)
    in_flight = schedule(session, user, NOW)
    claim(session)
    rem.begin_sending(session, in_flight.id, worker_id="w1", now=NOW)
    assert rem.reap_expired_leases(session, now=NOW + dt.timedelta(seconds=10)).released == 0
    report = rem.reap_expired_leases(session, now=NOW + dt.timedelta(minutes=6))
    assert report.released == 1 and report.unknown == (in_flight.id,)
    session.refresh(claimed_only)
    session.refresh(in_flight)
    assert claimed_only.status == "pending"
    assert (in_flight.status, in_flight.last_error) == ("failed", "unknown_delivery")


def test_deleting_the_user_removes_the_reminders(session: Session) -> None:
    from coach.privacy import delete_user

    user = consent(session)
    schedule(session, user, NOW)
    assert export_user(session, 42)["reminders"][0]["status"] == "pending"
    delete_user(session, 42)
    assert session.scalars(select(Reminder)).all() == []


# --------------------------------------------------------------------------- bot helpers


def test_buttons_and_callbacks() -> None:
    titles = [b.title for b in reminder_buttons(42)]
    assert titles == ["Fait", "Demain", "Plus de rappels de ce type"]
    assert [b.payload for b in reminder_buttons(42)] == [
        "rem:done:42",
        "rem:snooze:42",
        "rem:mute:42",
    ]
    markup = reminder_markup(42)
    data = [b.callback_data for row in markup.inline_keyboard for b in row]
    assert data == ["rem:done:42", "rem:snooze:42", "rem:mute:42"]
    assert all(len(str(d).encode()) <= 64 for d in data)
    assert parse_reminder_callback("rem:snooze:42") == ("snooze", 42)
    assert parse_reminder_callback("p:rem:done:7") == ("done", 7)
    for bad in (None, "", "rem:explode:1", "rem:done:x", "p:/greet", "rem:done:1:2"):
        assert parse_reminder_callback(bad) is None


def test_nudge_buttons_carry_payloads_the_gateway_decodes() -> None:
    # An application's nudge: its own buttons go through the relay like any other button
    # (bot.rendering.PayloadStore decodes « p:… »); the reminder's three stay « rem:… ».
    snapshot = rem.ReminderSnapshot(
        1, 1, 42, "application_silence", {"application_id": 9, "company": "Airbus"}, NOW, 0,
        dt.timedelta(),
    )  # fmt: skip
    markup = reminder_markup(7, snapshot)
    data = [str(b.callback_data) for row in markup.inline_keyboard for b in row]
    assert data == [
        "p:srch:close:9",
        "p:srch:keep:9",
        "rem:done:7",
        "rem:snooze:7",
        "rem:mute:7",
    ]
    assert [PayloadStore().decode(d) for d in data[:2]] == ["srch:close:9", "srch:keep:9"]


def test_reminder_text() -> None:
    snapshot = rem.ReminderSnapshot(
        1, 1, 42, "custom", {"text": "relancer Decathlon"}, NOW, 0, dt.timedelta()
    )
    assert reminder_text(snapshot) == "Petit rappel : relancer Decathlon"
    late = rem.ReminderSnapshot(1, 1, 42, "custom", {"text": "x"}, NOW, 0, dt.timedelta(hours=2))
    assert reminder_text(late) == "Avec un peu de retard : petit rappel : x"
    follow = rem.ReminderSnapshot(
        1, 1, 42, "follow_up", {"company": "Decathlon"}, NOW, 0, dt.timedelta()
    )
    assert reminder_text(follow) == "Pensez à relancer votre demande de retour à Decathlon."


def test_answer_reminder_button(factory: sessionmaker[Session]) -> None:
    with factory() as session, session.begin():
        user = consent(session)
        reminder = schedule(session, user, paris(2026, 11, 25, 10, 0))
        reminder.status = "sent"
        rid = reminder.id
    text = answer_reminder_button(factory, 42, f"rem:snooze:{rid}", now=NOW)
    assert text == "Entendu, je vous le rappelle jeudi 26 novembre à 10 h 00."
    assert answer_reminder_button(factory, 42, f"rem:snooze:{rid}", now=NOW) == (
        "C'est déjà pris en compte."
    )
    assert answer_reminder_button(factory, 42, f"rem:done:{rid}", now=NOW) == (
        "Bravo, c'est noté comme fait !"
    )
    muted = answer_reminder_button(factory, 42, f"rem:mute:{rid}", now=NOW)
    assert muted is not None and "plus de rappels de ce type (rappels personnels)" in muted
    assert answer_reminder_button(factory, 43, f"rem:done:{rid}", now=NOW) == (
        "Ce rappel n'existe plus."
    )
    assert answer_reminder_button(factory, 42, "p:/greet", now=NOW) is None


# --------------------------------------------------------------------------- business days


@pytest.mark.parametrize("kind", ["milestone", "follow_up", "feedback_request"])
def test_computed_reminders_move_off_the_weekend(session: Session, kind: str) -> None:
    user = consent(session)
    # Saturday 28 November 2026, 9:00 → Monday 30 November, 9:00 (same local time).
    assert schedule(session, user, paris(2026, 11, 28, 9, 0), kind).due_at == paris(
        2026, 11, 30, 9, 0
    )
    assert schedule(session, user, paris(2026, 11, 29, 9, 0), kind).due_at == paris(
        2026, 11, 30, 9, 0
    )
    # Friday stays Friday.
    assert schedule(session, user, paris(2026, 11, 27, 9, 0), kind).due_at == paris(
        2026, 11, 27, 9, 0
    )


def test_computed_reminders_move_off_public_holidays(session: Session) -> None:
    user = consent(session)
    # Friday 25 December 2026 (Noël) → Monday 28 December; Friday 1 January 2027 → Monday 4.
    assert schedule(session, user, paris(2026, 12, 25, 9, 0), "follow_up").due_at == paris(
        2026, 12, 28, 9, 0
    )
    assert schedule(session, user, paris(2027, 1, 1, 9, 0), "milestone").due_at == paris(
        2027, 1, 4, 9, 0
    )
    # In Alsace-Moselle 26 December is a holiday too: Thursday 26 December 2030 moves to
    # Friday 27 only there.
    there = rem.schedule(
        session, user, "milestone", paris(2030, 12, 26, 9, 0), now=NOW, subdiv="57"
    )
    assert there is not None and there.due_at == paris(2030, 12, 27, 9, 0)
    assert schedule(session, user, paris(2030, 12, 26, 9, 0), "milestone").due_at == paris(
        2030, 12, 26, 9, 0
    )


def test_quiet_hours_pushing_into_the_weekend_then_move_to_monday(session: Session) -> None:
    user = consent(session)
    # Friday 22:00 is quiet → Saturday 8:30 → Monday 8:30.
    assert schedule(session, user, paris(2026, 11, 27, 22, 0), "follow_up").due_at == paris(
        2026, 11, 30, 8, 30
    )


@pytest.mark.parametrize("kind", ["custom", "resume_tomorrow", "weekly_reflection"])
def test_what_the_person_asked_for_keeps_its_day(session: Session, kind: str) -> None:
    user = consent(session)
    saturday = paris(2026, 11, 28, 10, 0)
    asked = rem.schedule(session, user, kind, saturday, now=NOW, requested_by_user=True)
    assert asked is not None and asked.due_at == saturday
    # « rappelle-moi samedi » for a milestone-like kind, asked in person: kept as well.
    explicit = rem.schedule(session, user, "milestone", saturday, now=NOW, requested_by_user=True)
    assert explicit is not None and explicit.due_at == saturday


def test_the_demain_button_on_a_friday_means_saturday(session: Session) -> None:
    user = consent(session)
    friday = paris(2026, 11, 27, 10, 0)
    reminder = schedule(session, user, friday, "milestone")
    answer = rem.snooze(session, user, reminder.id, now=friday)
    assert answer.due_at == paris(2026, 11, 28, 10, 0)  # the person's choice, not moved


def test_on_business_day_keeps_the_local_time_across_dst() -> None:
    # Saturday 24 October 2026 9:00 CEST → Monday 26 October 9:00 CET.
    moved = rem.on_business_day(paris(2026, 10, 24, 9, 0), tz=PARIS)
    assert moved.astimezone(PARIS).replace(tzinfo=None) == dt.datetime(2026, 10, 26, 9, 0)
    assert moved.tzinfo == UTC
