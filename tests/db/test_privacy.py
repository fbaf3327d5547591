"""Consent, export and erasure against a real, migrated database (and a tracker store
with Rasa's ``events`` table, on the same backend)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from rasa_tracker import (
    add_event,
    clear_events,
    count_events,
    create_events_table,
    throwaway_database,
)
from sqlalchemy import Engine, func, inspect, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from coach import privacy
from coach.db import make_engine
from coach.models import Base, InboxUpdate, Rejection, Reminder, SafetyPlan, User
from coach.privacy import (
    CONVERSATION_KEY,
    NOT_PERSONAL,
    SPEC_KEYS,
    TELEGRAM_KEYED,
    USER_FIELDS,
    delete_tracker,
    delete_user,
    erase_person,
    export_user,
    forget_unconsented,
    owned_models,
)
from coach.users import (
    ACTIVITY_RESOLUTION,
    RETENTION_NOTICE,
    find_user,
    give_consent,
    has_consented,
    in_safety_pause,
    record_crisis,
    touch_activity,
)

NOW = dt.datetime(2026, 11, 25, 9, 30, tzinfo=dt.UTC)
UNREACHABLE_TRACKER = "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2"


@pytest.fixture(scope="module")
def tracker_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with throwaway_database("tracker", tmp_path_factory.mktemp("tracker")) as url:
        engine = make_engine(url)
        create_events_table(engine)
        engine.dispose()
        yield url


@pytest.fixture
def tracker(tracker_url: str) -> Iterator[Engine]:
    engine = make_engine(tracker_url)
    yield engine
    clear_events(engine)
    engine.dispose()


@pytest.fixture
def factory(session: Session) -> sessionmaker[Session]:
    """Sessions on the test's connection: their commits are savepoints, rolled back with
    the test (erase_person and retention open and commit their own sessions)."""
    return sessionmaker(
        bind=session.connection(),
        join_transaction_mode="create_savepoint",
        expire_on_commit=False,
    )


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
    assert set(data) == {"user", *SPEC_KEYS}  # no tracker given: no transcript claimed
    assert data["user"]["first_name"] == "Camille"
    assert data["user"]["consent_at"].startswith("2026-11-25T09:30")
    assert data["user"]["crisis_at"] is None
    assert data["user"]["last_active_at"].startswith("2026-11-25T09:30")
    assert data["user"]["retention_warned_at"] is None
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


def test_every_column_of_the_user_is_exported() -> None:
    columns = {column.key for column in inspect(User).columns} - {"id"}
    assert columns == set(USER_FIELDS)


def test_every_table_is_reached_by_erasure() -> None:
    """By ``users.id`` (owned_models) or, for rows that may predate consent, by Telegram id."""
    by_user = {model.__tablename__ for model in owned_models()}
    by_telegram_id = {model.__tablename__ for model in TELEGRAM_KEYED}
    impersonal = {model.__tablename__ for model in NOT_PERSONAL}
    for name, table in Base.metadata.tables.items():
        if name == "users":
            continue
        if name in impersonal:
            person = {"user_id", "telegram_user_id", "chat_id", "payload", "text"}
            assert not person & set(table.columns.keys()), name
            continue
        if "user_id" in table.columns:
            assert name in by_user, name
        else:
            assert "telegram_user_id" in table.columns and name in by_telegram_id, name


def test_export_carries_the_crisis_moment(session: Session) -> None:
    _user_with_data(session)
    record_crisis(session, 4242, now=NOW + dt.timedelta(hours=2))
    assert export_user(session, 4242)["user"]["crisis_at"].startswith("2026-11-25T11:30")


# --------------------------------------------------------------------------- transcript


def _conversation(tracker: Engine, sender: int = 4242) -> None:
    at = NOW - dt.timedelta(minutes=10)
    add_event(tracker, sender, "action", at, name="action_session_start")
    add_event(tracker, sender, "user", at, text="/start", parse_data={"intent": {"name": "start"}})
    add_event(tracker, sender, "bot", at + dt.timedelta(seconds=1), text="Bonjour Camille !")
    add_event(tracker, sender, "slot", at, name="flow_step", value=None)
    add_event(
        tracker,
        sender,
        "user",
        at + dt.timedelta(minutes=1),
        text="j'ai eu un refus chez Decathlon",
        parse_data={"intent": {"name": "report_rejection"}},
    )
    # A front-end instruction (the export itself): no text, not a message.
    add_event(tracker, sender, "bot", at + dt.timedelta(minutes=2), text=None, data={})


def test_export_includes_the_conversation_in_order(session: Session, tracker: Engine) -> None:
    _user_with_data(session)
    _conversation(tracker)
    add_event(tracker, 77, "user", NOW, text="someone else")
    data = export_user(session, 4242, tracker=tracker)
    assert data[CONVERSATION_KEY] == [
        {"at": "2026-11-25T09:20:00+00:00", "from": "user", "text": "/start"},
        {"at": "2026-11-25T09:20:01+00:00", "from": "bot", "text": "Bonjour Camille !"},
        {
            "at": "2026-11-25T09:21:00+00:00",
            "from": "user",
            "text": "j'ai eu un refus chez Decathlon",
        },
    ]


def test_export_reads_a_tracker_given_by_url(session: Session, tracker_url: str) -> None:
    _user_with_data(session)
    engine = make_engine(tracker_url)
    try:
        _conversation(engine)
        assert len(export_user(session, 4242, tracker=tracker_url)[CONVERSATION_KEY]) == 3
    finally:
        clear_events(engine)
        engine.dispose()


def test_export_before_rasa_created_its_table_has_an_empty_conversation(
    session: Session, tmp_path: Path
) -> None:
    _user_with_data(session)
    data = export_user(session, 4242, tracker=f"sqlite:///{tmp_path / 'fresh.db'}")
    assert data[CONVERSATION_KEY] == [] and data["user"] is not None


def test_export_fails_loudly_when_the_tracker_is_unreachable(session: Session) -> None:
    """Better a kind « réessayez » than an export that silently lacks the transcript."""
    _user_with_data(session)
    with pytest.raises(OperationalError):
        export_user(session, 4242, tracker=UNREACHABLE_TRACKER)


# --------------------------------------------------------------------------- erasure


def _inbox(session: Session, update_id: int, telegram_user_id: int) -> None:
    session.add(
        InboxUpdate(
            update_id=update_id,
            chat_id=telegram_user_id,
            telegram_user_id=telegram_user_id,
            payload={"message": {"text": "bonjour"}},
        )
    )
    session.flush()


def test_erase_person_removes_tracker_rows_and_inbox_of_that_person_only(
    session: Session, factory: sessionmaker[Session], tracker: Engine
) -> None:
    _user_with_data(session)
    _user_with_data(session, telegram_user_id=5151)
    _conversation(tracker)
    _conversation(tracker, sender=5151)
    _inbox(session, 1, 4242)
    _inbox(session, 2, 5151)

    erased = erase_person(factory, tracker, 4242)

    assert erased.user and erased.tracker_events == 6 and erased.inbox_updates == 1
    session.expire_all()
    assert find_user(session, 4242) is None
    assert count_events(tracker, 4242) == 0
    assert count_events(tracker, 5151) == 6
    assert session.scalars(select(InboxUpdate.telegram_user_id)).all() == [5151]
    assert find_user(session, 5151) is not None
    after = export_user(session, 4242, tracker=tracker)
    assert after["user"] is None and all(after[key] == [] for key in after if key != "user")


def test_erase_person_twice_is_harmless(
    session: Session, factory: sessionmaker[Session], tracker: Engine
) -> None:
    _user_with_data(session)
    erase_person(factory, tracker, 4242)
    again = erase_person(factory, tracker, 4242)
    assert not again.user and again.tracker_events == 0 and again.inbox_updates == 0


def test_an_unreachable_tracker_leaves_everything_to_try_again(
    session: Session, factory: sessionmaker[Session], tracker: Engine
) -> None:
    """The account stays, so /supprimer still works (the relay lets it through only for
    people who have consented) and the transcript is not orphaned."""
    _user_with_data(session)
    _conversation(tracker)
    with pytest.raises(OperationalError):
        erase_person(factory, UNREACHABLE_TRACKER, 4242)
    assert has_consented(session, 4242)
    assert erase_person(factory, tracker, 4242).user
    assert count_events(tracker, 4242) == 0 and not has_consented(session, 4242)


def test_a_failure_after_the_tracker_keeps_the_account_for_a_retry(
    session: Session,
    factory: sessionmaker[Session],
    tracker: Engine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _user_with_data(session)
    _conversation(tracker)

    def broken(*args: object, **kwargs: object) -> int:
        raise OperationalError("DELETE", {}, Exception("database is locked"))

    monkeypatch.setattr(privacy, "delete_telegram_keyed", broken)
    with pytest.raises(OperationalError):
        erase_person(factory, tracker, 4242)
    # Tracker emptied, rows rolled back as one: the person still has an account to retry.
    assert count_events(tracker, 4242) == 0
    session.expire_all()
    assert has_consented(session, 4242)
    assert session.scalar(select(func.count()).select_from(Rejection)) == 1

    monkeypatch.undo()
    assert erase_person(factory, tracker, 4242).user
    session.expire_all()
    assert not has_consented(session, 4242)
    assert session.scalar(select(func.count()).select_from(Rejection)) == 0


def test_refusing_consent_forgets_only_people_without_an_account(
    session: Session, factory: sessionmaker[Session], tracker: Engine
) -> None:
    _user_with_data(session)
    _conversation(tracker)  # 4242 consented: the transcript is theirs to keep
    _conversation(tracker, sender=9)  # 9 only went through /start
    assert forget_unconsented(factory, tracker, 4242) == 0
    assert count_events(tracker, 4242) == 6
    assert forget_unconsented(factory, tracker, 9) == 6
    assert count_events(tracker, 9) == 0


# --------------------------------------------------------------------------- activity


def test_touch_activity_writes_at_most_hourly(session: Session) -> None:
    user = _user_with_data(session)
    later = NOW + ACTIVITY_RESOLUTION - dt.timedelta(seconds=1)
    assert not touch_activity(session, 4242, now=later)
    session.refresh(user)
    assert user.last_active_at == NOW
    much_later = NOW + dt.timedelta(days=3)
    assert not touch_activity(session, 4242, now=much_later)
    session.refresh(user)
    assert user.last_active_at == much_later


def test_touch_activity_lifts_a_retention_warning(session: Session) -> None:
    user = _user_with_data(session)
    user.retention_warned_at = NOW + dt.timedelta(minutes=5)
    notice = Reminder(
        user_id=user.id, kind=RETENTION_NOTICE, due_at=NOW, payload={"text": "…"}, status="pending"
    )
    session.add(notice)
    session.flush()
    # Within the hour, still written: the warning must go.
    assert touch_activity(session, 4242, now=NOW + dt.timedelta(minutes=10))
    session.refresh(user)
    session.refresh(notice)
    assert user.retention_warned_at is None
    assert user.last_active_at == NOW + dt.timedelta(minutes=10)
    assert notice.status == "cancelled" and notice.last_error == "answered"
    # The other reminders are untouched.
    assert session.scalars(select(Reminder.status).where(Reminder.kind == "custom")).all() == [
        "pending"
    ]


def test_touch_activity_stores_nothing_without_consent(session: Session) -> None:
    assert not touch_activity(session, 31337, now=NOW)
    assert session.scalar(select(func.count()).select_from(User)) == 0


def test_the_safety_plan_is_exported_and_erased(session: Session) -> None:
    user = _user_with_data(session)
    other = _user_with_data(session, telegram_user_id=5151)
    for owner, people in ((user, "Ma sœur Léa, 06 12 34 56 78"), (other, "Hugo")):
        session.add(
            SafetyPlan(
                user_id=owner.id,
                people=people,
                professionals="Dr Martin",
                editing="places",
                editing_since=NOW,
                walkthrough=True,
                created_at=NOW,
                updated_at=NOW,
            )
        )
    session.flush()
    [plan] = export_user(session, 4242)["safety_plan"]
    assert plan["people"] == "Ma sœur Léa, 06 12 34 56 78"
    assert plan["professionals"] == "Dr Martin" and plan["warning_signs"] is None
    assert plan["updated_at"].startswith("2026-11-25T09:30")
    # Where the person was in writing it is bookkeeping, not part of their data.
    assert not {"user_id", "editing", "editing_since", "walkthrough"} & set(plan)
    assert delete_user(session, 4242)
    assert export_user(session, 4242)["safety_plan"] == []
    assert session.scalars(select(SafetyPlan.people)).all() == ["Hugo"]
