"""Storing the person's zone and moving their reminders with it (coach.timezones.set_timezone),
in a real database (SQLite, and PostgreSQL with TEST_DATABASE_URL). Instants are written by
hand in UTC."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from coach.models import Reminder, User
from coach.reminders import set_weekly_reflection
from coach.timezones import find_zone, set_timezone
from coach.users import RETENTION_NOTICE, give_consent

UTC = dt.UTC
NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=UTC)  # Thursday, 11:00 in Paris


def person(session: Session, telegram_user_id: int = 4242) -> User:
    return give_consent(
        session, telegram_user_id, first_name="Camille", timezone="Europe/Paris", now=NOW
    )


def reminder(
    session: Session,
    user: User,
    due_at: dt.datetime,
    *,
    kind: str = "custom",
    status: str = "pending",
) -> int:
    """A row as the scheduler left it (written directly, so quiet hours are not applied)."""
    row = Reminder(user_id=user.id, kind=kind, due_at=due_at, payload={}, status=status, attempts=0)
    session.add(row)
    session.flush()
    return row.id


def due(session: Session, reminder_id: int) -> dt.datetime:
    session.expire_all()
    value = session.scalar(select(Reminder.due_at).where(Reminder.id == reminder_id))
    assert value is not None
    return value


def stored_zone(session: Session, user_id: int) -> str | None:
    session.expire_all()
    return session.scalar(select(User.timezone).where(User.id == user_id))


def test_the_zone_is_stored(session: Session) -> None:
    user = person(session)
    assert set_timezone(session, user, "Indian/Reunion", now=NOW) == 0
    assert stored_zone(session, user.id) == "Indian/Reunion"


def test_a_place_from_find_zone_is_stored_as_its_zone(session: Session) -> None:
    user = person(session)
    match = find_zone("j'habite à Nouméa")
    assert match is not None and match.place is not None
    set_timezone(session, user, match.place, now=NOW)
    assert stored_zone(session, user.id) == "Pacific/Noumea"


def test_an_old_iana_name_is_stored_as_todays(session: Session) -> None:
    user = person(session)
    set_timezone(session, user, "America/Montreal", now=NOW)
    assert stored_zone(session, user.id) == "America/Toronto"


@pytest.mark.parametrize("bad", ["Mars/Olympus", "Paris", "", "../etc/passwd"])
def test_an_unknown_zone_is_refused_and_nothing_changes(session: Session, bad: str) -> None:
    user = person(session)
    with pytest.raises(ValueError):
        set_timezone(session, user, bad, now=NOW)
    assert stored_zone(session, user.id) == "Europe/Paris"


def test_a_pending_reminder_keeps_its_local_time(session: Session) -> None:
    user = person(session)
    # Friday 4 December at 10:00 in Paris (UTC+1) = 09:00 UTC.
    friday = reminder(session, user, dt.datetime(2026, 12, 4, 9, 0, tzinfo=UTC))
    assert set_timezone(session, user, "Indian/Reunion", now=NOW) == 1
    # 10:00 at La Réunion (UTC+4) = 06:00 UTC.
    assert due(session, friday) == dt.datetime(2026, 12, 4, 6, 0, tzinfo=UTC)


def test_the_local_time_is_kept_across_a_daylight_saving_change(session: Session) -> None:
    user = person(session)
    # Monday 29 March 2027 at 10:00 in Paris, already on summer time (UTC+2) = 08:00 UTC.
    spring = reminder(session, user, dt.datetime(2027, 3, 29, 8, 0, tzinfo=UTC))
    set_timezone(session, user, "America/Toronto", now=NOW)
    # 10:00 in Montréal, on summer time since 14 March 2027 (UTC-4) = 14:00 UTC.
    assert due(session, spring) == dt.datetime(2027, 3, 29, 14, 0, tzinfo=UTC)


def test_quiet_hours_apply_in_the_new_zone(session: Session) -> None:
    user = person(session)  # quiet 21:00 – 08:30
    # 08:00 in Paris (07:00 UTC), written straight into the table.
    early = reminder(session, user, dt.datetime(2026, 12, 4, 7, 0, tzinfo=UTC))
    set_timezone(session, user, "America/Toronto", now=NOW)
    # 08:00 in Montréal is quiet: 08:30 in Montréal (UTC-5) = 13:30 UTC.
    assert due(session, early) == dt.datetime(2026, 12, 4, 13, 30, tzinfo=UTC)


def test_a_reminder_is_never_moved_into_the_past(session: Session) -> None:
    user = person(session)
    # Today at 13:00 in Paris = 12:00 UTC; 13:00 at La Réunion was at 09:00 UTC, before NOW.
    today = reminder(session, user, dt.datetime(2026, 11, 26, 12, 0, tzinfo=UTC))
    set_timezone(session, user, "Indian/Reunion", now=NOW)
    assert due(session, today) == NOW  # 14:00 at La Réunion, outside quiet hours


def test_the_weekly_check_in_follows_its_weekday_and_hour(session: Session) -> None:
    user = person(session)
    check_in = set_weekly_reflection(session, user, weekday=0, hour=18, now=NOW)
    # Monday 30 November at 18:00 in Paris = 17:00 UTC.
    assert due(session, check_in.id) == dt.datetime(2026, 11, 30, 17, 0, tzinfo=UTC)
    set_timezone(session, user, "America/Toronto", now=NOW)
    # Monday 30 November at 18:00 in Montréal (UTC-5) = 23:00 UTC.
    assert due(session, check_in.id) == dt.datetime(2026, 11, 30, 23, 0, tzinfo=UTC)


def test_what_is_not_a_wall_clock_reminder_is_left_alone(session: Session) -> None:
    user = person(session)
    later = dt.datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
    overdue = reminder(session, user, dt.datetime(2026, 11, 26, 9, 0, tzinfo=UTC))
    claimed = reminder(session, user, later, status="claimed")
    notice = reminder(session, user, later, kind=RETENTION_NOTICE)
    moving = reminder(session, user, later)
    assert set_timezone(session, user, "Indian/Reunion", now=NOW) == 1
    assert due(session, overdue) == dt.datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    assert due(session, claimed) == later
    assert due(session, notice) == later
    assert due(session, moving) == dt.datetime(2026, 12, 4, 6, 0, tzinfo=UTC)


def test_other_people_are_not_touched(session: Session) -> None:
    user = person(session, 1001)
    other = person(session, 1002)
    theirs = reminder(session, other, dt.datetime(2026, 12, 4, 9, 0, tzinfo=UTC))
    set_timezone(session, user, "Indian/Reunion", now=NOW)
    assert due(session, theirs) == dt.datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
    assert stored_zone(session, other.id) == "Europe/Paris"


def test_setting_the_same_zone_again_moves_nothing(session: Session) -> None:
    user = person(session)
    friday = reminder(session, user, dt.datetime(2026, 12, 4, 9, 0, tzinfo=UTC))
    set_timezone(session, user, "Indian/Reunion", now=NOW)
    assert set_timezone(session, user, "Indian/Reunion", now=NOW) == 0
    assert due(session, friday) == dt.datetime(2026, 12, 4, 6, 0, tzinfo=UTC)


def test_back_to_paris_gives_the_first_time_back(session: Session) -> None:
    user = person(session)
    friday = reminder(session, user, dt.datetime(2026, 12, 4, 9, 0, tzinfo=UTC))
    set_timezone(session, user, "Pacific/Noumea", now=NOW)
    # 10:00 in Nouméa (UTC+11) = 23:00 UTC the day before.
    assert due(session, friday) == dt.datetime(2026, 12, 3, 23, 0, tzinfo=UTC)
    set_timezone(session, user, "Europe/Paris", now=NOW)
    assert due(session, friday) == dt.datetime(2026, 12, 4, 9, 0, tzinfo=UTC)


def test_a_naive_now_is_refused(session: Session) -> None:
    user = person(session)
    with pytest.raises(ValueError):
        set_timezone(session, user, "Indian/Reunion", now=dt.datetime(2026, 11, 26, 10, 0))


def test_application_nudges_keep_their_local_ten_oclock_but_not_the_hour_before(
    session: Session,
) -> None:
    from coach import pipeline

    user = person(session)
    # Sent Thursday 26 November; 7 business days later: Monday 7 December, 10:00 Paris.
    sent = pipeline.log_application(
        session, user, "Airbus", None, dt.date(2026, 11, 26), now=NOW
    ).application
    # An interview Friday 11 December at 14:00 Paris (13:00 UTC).
    pipeline.move(
        session,
        user,
        sent.id,
        "interview",
        interview_at=dt.datetime(2026, 12, 11, 13, 0, tzinfo=UTC),
        now=NOW,
    )
    set_timezone(session, user, "Indian/Reunion", now=NOW)
    rows = {
        row.kind: row.due_at
        for row in session.scalars(
            select(Reminder).where(Reminder.user_id == user.id, Reminder.status == "pending")
        )
    }
    # 10:00 at La Réunion (UTC+4) = 06:00 UTC, same local days as before.
    assert rows["interview_prep"] == dt.datetime(2026, 12, 10, 6, 0, tzinfo=UTC)
    assert rows["application_silence"] == dt.datetime(2027, 1, 8, 6, 0, tzinfo=UTC)
    # One hour before the interview's instant, whatever the zone.
    assert rows["interview_soon"] == dt.datetime(2026, 12, 11, 12, 0, tzinfo=UTC)
