"""Retention (SPEC §10) with a fake clock, on SQLite and PostgreSQL: tracker events older
than 90 days are pruned; a year without activity brings a notice; 30 days after it went
out without an answer, the account is erased — never without a notice."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from rasa_tracker import (
    add_event,
    clear_events,
    count_events,
    create_events_table,
    throwaway_database,
)
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from coach import retention
from coach.db import make_engine
from coach.models import Rejection, Reminder, User
from coach.retention import (
    NOTICE_TEXT,
    RETENTION_NOTICE,
    daily_loop,
    prune_tracker,
    run_retention,
)
from coach.users import find_user, give_consent, touch_activity

T0 = dt.datetime(2025, 1, 10, 10, 0, tzinfo=dt.UTC)  # 11:00 in Paris: no quiet hours
YEAR = dt.timedelta(days=365)
DAY = dt.timedelta(days=1)
PARIS = ZoneInfo("Europe/Paris")
UNREACHABLE_TRACKER = "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2"


@pytest.fixture(scope="module")
def tracker_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with throwaway_database("retention_tracker", tmp_path_factory.mktemp("tracker")) as url:
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
    the test."""
    return sessionmaker(
        bind=session.connection(),
        join_transaction_mode="create_savepoint",
        expire_on_commit=False,
    )


def person(session: Session, telegram_user_id: int = 4242, *, at: dt.datetime = T0) -> User:
    user = give_consent(
        session, telegram_user_id, first_name="Camille", timezone="Europe/Paris", now=at
    )
    session.add(Rejection(user_id=user.id, company="Decathlon"))
    session.flush()
    return user


def notices(session: Session, user_id: int) -> list[Reminder]:
    session.expire_all()
    return list(
        session.scalars(
            select(Reminder)
            .where(Reminder.user_id == user_id, Reminder.kind == RETENTION_NOTICE)
            .order_by(Reminder.id)
        )
    )


def deliver(session: Session, notice: Reminder, *, at: dt.datetime, **outcome: object) -> None:
    """What the dispatcher leaves on the row (sent, or another outcome)."""
    values = {"status": "sent", "sent_at": at, **outcome}
    for key, value in values.items():
        setattr(notice, key, value)
    session.flush()


# --------------------------------------------------------------------------- the notice


def test_a_year_without_activity_brings_one_notice(
    session: Session, factory: sessionmaker[Session], tracker: Engine
) -> None:
    user = person(session)
    assert run_retention(factory, tracker, now=T0 + YEAR - DAY).warned == 0
    assert notices(session, user.id) == []

    now = T0 + YEAR + DAY
    report = run_retention(factory, tracker, now=now)
    assert report.warned == 1 and report.erased == 0 and report.errors == []
    [notice] = notices(session, user.id)
    assert notice.status == "pending" and notice.due_at == now
    assert notice.payload == {"text": NOTICE_TEXT}
    session.refresh(user)
    assert user.retention_warned_at == now

    # Daily runs (or two bot processes) never warn twice.
    assert run_retention(factory, tracker, now=now + dt.timedelta(hours=1)).warned == 0
    assert len(notices(session, user.id)) == 1


def test_the_notice_says_how_to_keep_the_account() -> None:
    assert "30 jours" in NOTICE_TEXT and "n'importe quel message" in NOTICE_TEXT
    assert "/export" in NOTICE_TEXT
    assert NOTICE_TEXT[0].islower()  # it follows the dispatcher's « Petit rappel : »


def test_the_notice_waits_for_the_end_of_quiet_hours(
    session: Session, factory: sessionmaker[Session], tracker: Engine
) -> None:
    user = person(session)
    late_evening = dt.datetime(2026, 1, 12, 22, 0, tzinfo=PARIS)
    run_retention(factory, tracker, now=late_evening)
    [notice] = notices(session, user.id)
    assert notice.due_at == dt.datetime(2026, 1, 13, 8, 30, tzinfo=PARIS)


def test_a_muted_kind_never_silences_the_notice(
    session: Session, factory: sessionmaker[Session], tracker: Engine
) -> None:
    user = person(session)
    user.muted_kinds = ["custom", RETENTION_NOTICE]
    session.flush()
    run_retention(factory, tracker, now=T0 + YEAR + DAY)
    session.refresh(user)
    assert user.muted_kinds == ["custom"]
    assert [n.status for n in notices(session, user.id)] == ["pending"]


def test_recent_activity_counts_not_the_consent_date(
    session: Session, factory: sessionmaker[Session], tracker: Engine
) -> None:
    user = person(session)
    touch_activity(session, 4242, now=T0 + 200 * DAY)
    assert run_retention(factory, tracker, now=T0 + YEAR + DAY).warned == 0
    assert run_retention(factory, tracker, now=T0 + 200 * DAY + YEAR + DAY).warned == 1
    assert len(notices(session, user.id)) == 1


# --------------------------------------------------------------------------- the answer


def test_any_message_keeps_the_account(
    session: Session, factory: sessionmaker[Session], tracker: Engine
) -> None:
    user = person(session)
    warned_at = T0 + YEAR + DAY
    run_retention(factory, tracker, now=warned_at)
    [notice] = notices(session, user.id)
    deliver(session, notice, at=warned_at)

    assert touch_activity(session, 4242, now=warned_at + 2 * DAY)  # the answer

    for later in (31, 60, 300):
        report = run_retention(factory, tracker, now=warned_at + later * DAY)
        assert report.erased == 0 and report.warned == 0
    assert find_user(session, 4242) is not None
    session.refresh(user)
    assert user.retention_warned_at is None


def test_an_answer_before_the_notice_left_cancels_it(
    session: Session, factory: sessionmaker[Session], tracker: Engine
) -> None:
    user = person(session)
    run_retention(factory, tracker, now=T0 + YEAR + DAY)
    assert touch_activity(session, 4242, now=T0 + YEAR + DAY + dt.timedelta(minutes=5))
    assert [(n.status, n.last_error) for n in notices(session, user.id)] == [
        ("cancelled", "answered")
    ]


def test_a_copy_snoozed_before_the_answer_is_cancelled_by_the_next_run(
    session: Session, factory: sessionmaker[Session], tracker: Engine
) -> None:
    user = person(session)
    run_retention(factory, tracker, now=T0 + YEAR + DAY)
    touch_activity(session, 4242, now=T0 + YEAR + DAY)
    # « Demain » pressed on the notice: the copy is created after the answer was noted.
    session.add(
        Reminder(
            user_id=user.id,
            kind=RETENTION_NOTICE,
            due_at=T0 + YEAR + 2 * DAY,
            payload={"text": NOTICE_TEXT},
            status="pending",
        )
    )
    session.flush()
    run_retention(factory, tracker, now=T0 + YEAR + DAY + dt.timedelta(hours=1))
    assert [n.status for n in notices(session, user.id)] == ["cancelled", "cancelled"]


# --------------------------------------------------------------------------- the erasure


def test_thirty_days_after_the_notice_without_an_answer_the_account_is_erased(
    session: Session, factory: sessionmaker[Session], tracker: Engine
) -> None:
    person(session)
    other = person(session, 5151, at=T0 + YEAR)  # active: untouched
    warned_at = T0 + YEAR + DAY
    add_event(tracker, 4242, "user", warned_at - 10 * DAY, text="bonjour")
    add_event(tracker, 5151, "user", warned_at - 10 * DAY, text="salut")
    run_retention(factory, tracker, now=warned_at)
    [notice] = notices(session, find_user(session, 4242).id)  # type: ignore[union-attr]
    sent_at = warned_at + dt.timedelta(hours=1)  # the bot was busy: it left an hour later
    deliver(session, notice, at=sent_at)

    report = run_retention(factory, tracker, now=warned_at + 30 * DAY)
    assert report.erased == 0 and report.waiting == 1
    assert find_user(session, 4242) is not None

    report = run_retention(factory, tracker, now=sent_at + 30 * DAY)
    assert report.erased == 1 and report.errors == []
    session.expire_all()
    assert find_user(session, 4242) is None
    assert session.scalars(select(Rejection.user_id)).all() == [other.id]
    assert count_events(tracker, 4242) == 0 and count_events(tracker, 5151) == 1
    assert find_user(session, 5151) is not None


def test_a_notice_that_has_not_left_holds_the_erasure_back(
    session: Session, factory: sessionmaker[Session], tracker: Engine
) -> None:
    """E.g. the person paused every reminder: the dispatcher does not take the notice."""
    user = person(session)
    run_retention(factory, tracker, now=T0 + YEAR + DAY)
    report = run_retention(factory, tracker, now=T0 + YEAR + 90 * DAY)
    assert report.erased == 0 and report.waiting == 1
    assert find_user(session, 4242) is not None
    assert len(notices(session, user.id)) == 1


@pytest.mark.parametrize("outcome", [{"status": "expired"}, {"status": "failed"}])
def test_a_notice_that_could_not_go_out_is_sent_again(
    session: Session, factory: sessionmaker[Session], tracker: Engine, outcome: dict[str, str]
) -> None:
    """Gone stale while the bot was down, or failed after every retry (network): the
    person was not told, so the 30 days start over with a new notice."""
    user = person(session)
    warned_at = T0 + YEAR + DAY
    run_retention(factory, tracker, now=warned_at)
    [first] = notices(session, user.id)
    deliver(session, first, at=warned_at, sent_at=None, last_error="NetworkError", **outcome)

    now = warned_at + 30 * DAY
    report = run_retention(factory, tracker, now=now)
    assert report.erased == 0 and report.warned == 1
    assert [n.status for n in notices(session, user.id)] == [outcome["status"], "pending"]
    session.refresh(user)
    assert user.retention_warned_at == now


@pytest.mark.parametrize("error", ["Forbidden", "BadRequest"])
def test_a_person_who_cannot_be_reached_is_erased_after_the_period(
    session: Session, factory: sessionmaker[Session], tracker: Engine, error: str
) -> None:
    """They blocked the bot (or the chat is gone): waiting longer would change nothing."""
    user = person(session)
    warned_at = T0 + YEAR + DAY
    run_retention(factory, tracker, now=warned_at)
    [notice] = notices(session, user.id)
    deliver(session, notice, at=warned_at, status="failed", sent_at=None, last_error=error)
    assert run_retention(factory, tracker, now=warned_at + 29 * DAY).erased == 0
    assert run_retention(factory, tracker, now=warned_at + 30 * DAY).erased == 1
    session.expire_all()
    assert find_user(session, 4242) is None


def test_an_unreachable_tracker_is_reported_and_keeps_the_account(
    session: Session, factory: sessionmaker[Session]
) -> None:
    user = person(session)
    warned_at = T0 + YEAR + DAY
    report = run_retention(factory, UNREACHABLE_TRACKER, now=warned_at)
    assert report.warned == 1 and report.errors == ["OperationalError"]  # pruning failed
    [notice] = notices(session, user.id)
    deliver(session, notice, at=warned_at)
    report = run_retention(factory, UNREACHABLE_TRACKER, now=warned_at + 31 * DAY)
    assert report.erased == 0 and report.errors == ["OperationalError", "OperationalError"]
    assert find_user(session, 4242) is not None  # tracker first: nothing of ours went


def test_naive_clocks_are_refused(factory: sessionmaker[Session], tracker: Engine) -> None:
    with pytest.raises(ValueError):
        run_retention(factory, tracker, now=dt.datetime(2026, 1, 1))


# --------------------------------------------------------------------------- tracker


def test_tracker_events_older_than_90_days_are_pruned(
    tracker: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(retention, "PRUNE_BATCH", 2)  # several batches
    now = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
    for sender in (4242, 77):
        for days in (400, 120, 91):
            add_event(tracker, sender, "user", now - days * DAY, text="ancien")
        add_event(tracker, sender, "user", now - 89 * DAY, text="récent")
        add_event(tracker, sender, "bot", now - dt.timedelta(minutes=1), text="Bonjour !")
    assert prune_tracker(tracker, now=now) == 6
    assert count_events(tracker, 4242) == 2 and count_events(tracker, 77) == 2
    assert prune_tracker(tracker, now=now) == 0


def test_pruning_before_rasa_created_its_table_does_nothing(tmp_path: Path) -> None:
    assert prune_tracker(f"sqlite:///{tmp_path / 'fresh.db'}", now=T0) == 0


# --------------------------------------------------------------------------- daily job


async def test_the_daily_job_runs_then_stops(
    session: Session, factory: sessionmaker[Session], tracker: Engine
) -> None:
    user = person(session)
    stop = asyncio.Event()
    job = asyncio.create_task(
        daily_loop(
            factory, tracker, stop, clock=lambda: T0 + YEAR + DAY, first_after=dt.timedelta(0)
        )
    )
    for _ in range(200):
        if notices(session, user.id):
            break
        await asyncio.sleep(0.02)
    stop.set()
    await asyncio.wait_for(job, 5)
    assert len(notices(session, user.id)) == 1


# --------------------------------------------------------------------------- migration


def test_migration_backfills_the_last_activity(tmp_path: Path) -> None:
    """Nobody active is warned on the first run after the upgrade: the clock starts at the
    newest thing the person did, not at their consent."""
    from sqlalchemy import Integer, String, column, table

    from coach.db import upgrade
    from coach.models import UTCDateTime

    moment = UTCDateTime()
    users = table(
        "users",
        column("id", Integer),
        column("telegram_user_id", Integer),
        column("timezone", String),
        column("consent_at", moment),
        column("created_at", moment),
    )
    moods = table(
        "moods",
        column("user_id", Integer),
        column("mood", String),
        column("created_at", moment),
    )
    with throwaway_database("migration", tmp_path) as url:
        upgrade(url, "0008")
        engine = make_engine(url)
        try:
            with engine.begin() as connection:
                for uid in (1, 2):
                    connection.execute(
                        users.insert().values(
                            id=uid,
                            telegram_user_id=uid,
                            timezone="Europe/Paris",
                            consent_at=T0,
                            created_at=T0,
                        )
                    )
                connection.execute(
                    moods.insert().values(user_id=1, mood="bien", created_at=T0 + 200 * DAY)
                )
            upgrade(url)
            with Session(engine) as check:
                active = {u.telegram_user_id: u.last_active_at for u in check.scalars(select(User))}
            assert active == {1: T0 + 200 * DAY, 2: T0}
        finally:
            engine.dispose()
