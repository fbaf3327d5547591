"""Consent, export and erasure against a real, migrated database."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from coach.models import Rejection, Reminder, User
from coach.privacy import SPEC_KEYS, delete_tracker, delete_user, export_user
from coach.users import give_consent, has_consented, in_safety_pause, record_crisis

NOW = dt.datetime(2026, 11, 25, 9, 30, tzinfo=dt.UTC)


def _user_with_data(session: Session, telegram_user_id: int = 4242) -> User:
    user = give_consent(
        session, telegram_user_id, first_name="Camille", timezone="Europe/Paris", now=NOW
    )
    session.add(
        Rejection(
            user_id=user.id,
            company="Decathlon",
            position="Data analyst",
            rejection_date=dt.date(2026, 11, 23),
            stage="entretien",
        )
    )
    session.add(
        Reminder(
            user_id=user.id,
            kind="custom",
            due_at=NOW + dt.timedelta(days=1),
            payload={"intent": "remind"},
        )
    )
    session.flush()
    return user


def test_nothing_exists_before_consent(session: Session) -> None:
    assert not has_consented(session, 1)
    assert not record_crisis(session, 1, now=NOW)
    assert session.scalar(select(func.count()).select_from(User)) == 0


def test_consent_creates_one_user_row(session: Session) -> None:
    give_consent(session, 7, first_name="Sam", timezone="Europe/Paris", now=NOW)
    give_consent(session, 7, first_name="Sam", timezone="Europe/Paris", now=NOW)
    assert has_consented(session, 7)
    assert session.scalar(select(func.count()).select_from(User)) == 1
    assert session.scalars(select(User)).one().consent_at == NOW


def test_export_shape_and_content(session: Session) -> None:
    _user_with_data(session)
    data = export_user(session, 4242)
    assert set(data) == {"user", *SPEC_KEYS}
    assert data["user"]["first_name"] == "Camille"
    assert data["user"]["consent_at"].startswith("2026-11-25T09:30")
    [rejection] = data["rejections"]
    assert rejection["company"] == "Decathlon"
    assert rejection["rejection_date"] == "2026-11-23"
    assert "user_id" not in rejection
    [reminder] = data["reminders"]
    assert reminder["status"] == "pending" and reminder["kind"] == "custom"


def test_export_of_unknown_user_is_empty(session: Session) -> None:
    data = export_user(session, 99)
    assert data["user"] is None
    assert all(data[key] == [] for key in SPEC_KEYS)


def test_delete_removes_every_row(session: Session) -> None:
    _user_with_data(session)
    other = _user_with_data(session, telegram_user_id=5151)
    assert delete_user(session, 4242)
    assert export_user(session, 4242)["user"] is None
    # The other person's data is untouched.
    assert session.scalar(select(func.count()).select_from(Rejection)) == 1
    assert session.scalars(select(Reminder.user_id)).all() == [other.id]
    assert not delete_user(session, 4242)


def test_cascade_from_users_alone(session: Session) -> None:
    user = _user_with_data(session)
    session.execute(text("DELETE FROM users WHERE id = :id"), {"id": user.id})
    assert session.scalar(select(func.count()).select_from(Rejection)) == 0
    assert session.scalar(select(func.count()).select_from(Reminder)) == 0


def test_safety_pause_lasts_a_day(session: Session) -> None:
    user = _user_with_data(session)
    assert record_crisis(session, 4242, now=NOW)
    assert in_safety_pause(user, now=NOW + dt.timedelta(hours=23))
    assert not in_safety_pause(user, now=NOW + dt.timedelta(hours=25))


def test_times_come_back_aware_in_utc(session: Session) -> None:
    user = _user_with_data(session)
    session.expire_all()
    loaded = session.get(User, user.id)
    assert loaded is not None and loaded.consent_at.tzinfo is not None
    assert loaded.consent_at == NOW


def test_delete_tracker_removes_only_that_sender(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from coach.db import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'tracker.db'}")
    assert delete_tracker(engine, 4242) == 0  # no table yet: nothing to do
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT)"))
        connection.execute(text("INSERT INTO events (sender_id) VALUES ('4242'), ('4242'), ('77')"))
    assert delete_tracker(engine, 4242) == 2
    with engine.connect() as connection:
        assert connection.execute(text("SELECT sender_id FROM events")).scalars().all() == ["77"]
    engine.dispose()
