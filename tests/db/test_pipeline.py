"""Applications in progress against a real, migrated database (SQLite, and PostgreSQL with
TEST_DATABASE_URL): logging, moves, the nudges as reminder rows (created, kept, cancelled),
/candidatures order, /export and /supprimer.

Calendar (worked out by hand): Wednesday 25 November 2026, 10:00 in Paris (09:00 UTC) is
« now »; Paris is UTC+1 in November and December; Christmas 2026 is a Friday.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coach import pipeline
from coach.applications import Ambiguous, Match, Unknown
from coach.models import Activity, JobApplication, Rejection, Reminder, User
from coach.privacy import delete_user, export_user
from coach.reminders import claim_due, mute, snooze
from coach.users import give_consent

UTC = dt.UTC
NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
YESTERDAY = dt.date(2026, 11, 24)


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)  # type: ignore[misc]


@pytest.fixture
def user(session: Session) -> User:
    return give_consent(session, 4242, first_name="Camille", timezone="Europe/Paris", now=NOW)


def nudges(session: Session, user: User, status: str = "pending") -> dict[str, dt.datetime]:
    """The user's application nudges of that status, kind → due (one per kind here)."""
    rows = session.scalars(
        select(Reminder).where(
            Reminder.user_id == user.id,
            Reminder.status == status,
            Reminder.kind.in_(pipeline.NUDGE_KINDS),
        )
    ).all()
    found: dict[str, dt.datetime] = {}
    for row in rows:
        assert row.kind not in found, f"two {status} {row.kind}"
        found[row.kind] = row.due_at
    return found


def reasons(session: Session, user: User) -> dict[str, list[str | None]]:
    rows = session.scalars(
        select(Reminder)
        .where(Reminder.user_id == user.id, Reminder.status == "cancelled")
        .order_by(Reminder.id)
    ).all()
    out: dict[str, list[str | None]] = {}
    for row in rows:
        out.setdefault(row.kind, []).append(row.last_error)
    return out


def activities(session: Session, application: JobApplication) -> list[tuple[str, dt.date]]:
    return [
        (a.kind, a.happened_on)
        for a in session.scalars(
            select(Activity)
            .where(Activity.application_id == application.id)
            .order_by(Activity.happened_on, Activity.id)
        )
    ]


def log_airbus(session: Session, user: User) -> JobApplication:
    change = pipeline.log_application(
        session,
        user,
        "airbus",
        "technicienne qualité",
        YESTERDAY,
        channel="site",
        link="https://airbus.example/jobs/1",
        now=NOW,
    )
    return change.application


def test_log_application_stores_the_row_the_step_and_two_nudges(
    session: Session, user: User
) -> None:
    change = pipeline.log_application(
        session, user, "airbus", "technicienne qualité", YESTERDAY, channel="site", now=NOW
    )
    application = change.application
    assert application.company == "Airbus"  # written as the company writes itself
    assert application.stage == "sent"
    # Sent yesterday: the last news is yesterday, noon in Paris.
    assert application.stage_at == utc(2026, 11, 24, 11, 0)
    assert activities(session, application) == [("application", YESTERDAY)]
    # Follow-up: 7 business days after Tuesday 24 → Thursday 3 December, 10:00.
    # Silence: 24 November + 28 days → Tuesday 22 December, 10:00.
    assert nudges(session, user) == {
        "application_follow_up": utc(2026, 12, 3, 9, 0),
        "application_silence": utc(2026, 12, 22, 9, 0),
    }
    assert {r.kind for r in change.scheduled} == {"application_follow_up", "application_silence"}
    for row in change.scheduled:
        # The company travels with the nudge, so that its message names it.
        assert row.payload == {"application_id": application.id, "company": "Airbus"}


def test_log_application_refuses_nonsense(session: Session, user: User) -> None:
    with pytest.raises(ValueError):
        pipeline.log_application(session, user, "Airbus", None, dt.date(2026, 11, 26), now=NOW)
    with pytest.raises(ValueError):
        pipeline.log_application(session, user, "  ", None, YESTERDAY, now=NOW)
    with pytest.raises(ValueError):
        pipeline.log_application(session, user, "Airbus", None, YESTERDAY, "pigeon", now=NOW)


def test_an_old_application_gets_no_overdue_follow_up(session: Session, user: User) -> None:
    # Sent on Monday 2 November: the follow-up day (3, 4, 5, 6, 9, 10, (11 Armistice), 12:
    # Thursday 12 November) is past; the silence check on Monday 30 November is ahead.
    pipeline.log_application(session, user, "Thales", None, dt.date(2026, 11, 2), now=NOW)
    assert nudges(session, user) == {"application_silence": utc(2026, 11, 30, 9, 0)}


def test_interview_then_reschedule_then_held(session: Session, user: User) -> None:
    application = log_airbus(session, user)

    # « J'ai un entretien chez Airbus vendredi à 9h »: Friday 27 November, 08:00 UTC.
    interview = utc(2026, 11, 27, 8, 0)
    change = pipeline.move(
        session, user, application.id, "interview", interview_at=interview, now=NOW
    )
    assert change.application.stage == "interview"
    assert change.application.stage_at == NOW
    assert nudges(session, user) == {
        "interview_prep": utc(2026, 11, 26, 9, 0),  # Thursday, 10:00
        # 8:00 in Paris, inside the quiet hours (21:00–08:30): sent anyway.
        "interview_soon": utc(2026, 11, 27, 7, 0),
        "interview_debrief": utc(2026, 11, 28, 9, 0),  # Saturday 10:00: not a business day
        # 27 November + 28 days = Friday 25 December (Christmas) → Monday 28, 10:00.
        "application_silence": utc(2026, 12, 28, 9, 0),
    }
    assert reasons(session, user) == {
        "application_follow_up": ["stage"],
        "application_silence": ["rescheduled"],
    }
    assert activities(session, application) == [
        ("application", YESTERDAY),
        ("interview", dt.date(2026, 11, 27)),
    ]

    # Rescheduled to Monday 30 November, 14:00 (13:00 UTC): a new date, not a second one.
    later = NOW + dt.timedelta(hours=2)
    moved = utc(2026, 11, 30, 13, 0)
    pipeline.move(session, user, application.id, "interview", interview_at=moved, now=later)
    assert nudges(session, user) == {
        "interview_prep": utc(2026, 11, 29, 9, 0),  # Sunday 10:00
        "interview_soon": utc(2026, 11, 30, 12, 0),
        "interview_debrief": utc(2026, 12, 1, 9, 0),
        "application_silence": utc(2026, 12, 28, 9, 0),  # 30 Nov + 28 = Monday 28 Dec
    }
    assert activities(session, application) == [
        ("application", YESTERDAY),
        ("interview", dt.date(2026, 11, 30)),
    ]
    debrief_id = session.scalar(
        select(Reminder.id).where(
            Reminder.kind == "interview_debrief", Reminder.status == "pending"
        )
    )

    # Monday 30 November, 17:00 in Paris: « entretien passé ».
    after = utc(2026, 11, 30, 16, 0)
    change = pipeline.move(session, user, application.id, "interviewed", now=after)
    assert change.application.stage == "interviewed"
    assert change.application.interview_at == moved
    pending = nudges(session, user)
    assert pending == {
        "interview_debrief": utc(2026, 12, 1, 9, 0),
        "application_silence": utc(2026, 12, 28, 9, 0),
    }
    # The debrief planned for that interview is the same row, not a new one.
    assert (
        session.scalar(
            select(Reminder.id).where(
                Reminder.kind == "interview_debrief", Reminder.status == "pending"
            )
        )
        == debrief_id
    )
    assert activities(session, application) == [
        ("application", YESTERDAY),
        ("interview", dt.date(2026, 11, 30)),
    ]


def test_rounds_keep_the_debrief_of_the_interview_held(session: Session, user: User) -> None:
    application = log_airbus(session, user)
    # Interview today, Wednesday 25 at 14:00 in Paris; « passé » at 17:00.
    first = utc(2026, 11, 25, 13, 0)
    pipeline.move(session, user, application.id, "interview", interview_at=first, now=NOW)
    pipeline.move(session, user, application.id, "interviewed", now=utc(2026, 11, 25, 16, 0))
    # At 18:00, a second round on Wednesday 2 December at 14:00.
    second = utc(2026, 12, 2, 13, 0)
    pipeline.move(
        session,
        user,
        application.id,
        "interview",
        interview_at=second,
        now=utc(2026, 11, 25, 17, 0),
    )
    assert nudges(session, user) == {
        "interview_debrief": utc(2026, 11, 26, 9, 0),  # about today's interview: kept
        "interview_prep": utc(2026, 12, 1, 9, 0),
        "interview_soon": utc(2026, 12, 2, 12, 0),
        "application_silence": utc(2026, 12, 30, 9, 0),  # 2 December + 28 days
    }
    # At 19:00: it will be a test on Monday 30 November at 14:00 instead.
    test_at = utc(2026, 11, 30, 13, 0)
    pipeline.move(
        session, user, application.id, "test", interview_at=test_at, now=utc(2026, 11, 25, 18, 0)
    )
    assert nudges(session, user) == {
        "interview_debrief": utc(2026, 11, 26, 9, 0),
        "interview_prep": utc(2026, 11, 29, 9, 0),
        "interview_soon": utc(2026, 11, 30, 12, 0),
        "application_silence": utc(2026, 12, 28, 9, 0),  # 30 November + 28 days
    }
    assert activities(session, application) == [
        ("application", YESTERDAY),
        ("interview", dt.date(2026, 11, 25)),
        ("test", dt.date(2026, 11, 30)),  # the second interview, never held, is gone
    ]


def test_prep_is_skipped_when_the_day_before_has_passed(session: Session, user: User) -> None:
    application = log_airbus(session, user)
    # Told on Wednesday 25 at 15:00 (Paris) for Thursday 26 at 14:00: Wednesday 10:00 is past.
    told = utc(2026, 11, 25, 14, 0)
    pipeline.move(
        session, user, application.id, "interview", interview_at=utc(2026, 11, 26, 13, 0), now=told
    )
    assert set(nudges(session, user)) == {
        "interview_soon",
        "interview_debrief",
        "application_silence",
    }
    # Told 30 minutes before: no « in one hour » either.
    other = pipeline.log_application(session, user, "Thales", None, YESTERDAY, now=told).application
    pipeline.move(
        session,
        user,
        other.id,
        "interview",
        interview_at=told + dt.timedelta(minutes=30),
        now=told,
    )
    soon = session.scalars(
        select(Reminder).where(Reminder.kind == "interview_soon", Reminder.status == "pending")
    ).all()
    assert [(r.payload["application_id"]) for r in soon] == [application.id]


def test_interview_soon_is_claimed_inside_quiet_hours(session: Session, user: User) -> None:
    application = log_airbus(session, user)
    pipeline.move(
        session, user, application.id, "interview", interview_at=utc(2026, 11, 27, 8, 0), now=NOW
    )
    # Friday 27, 08:00 in Paris (quiet until 08:30): the one-hour reminder goes out.
    result = claim_due(session, worker_id="w1", now=utc(2026, 11, 27, 7, 0), limit=10)
    claimed = [snapshot.kind for snapshot in result.claimed]
    assert "interview_soon" in claimed


def test_a_snoozed_nudge_stays_where_the_person_put_it(session: Session, user: User) -> None:
    application = log_airbus(session, user)
    pipeline.move(
        session, user, application.id, "interview", interview_at=utc(2026, 11, 30, 13, 0), now=NOW
    )
    prep = session.scalars(select(Reminder).where(Reminder.kind == "interview_prep")).one()
    answer = snooze(session, user, prep.id, now=NOW)  # still pending: moved to tomorrow
    assert answer.outcome == "snoozed"
    # The same appointment confirmed again: the snoozed row is kept as it is.
    pipeline.move(
        session,
        user,
        application.id,
        "interview",
        interview_at=utc(2026, 11, 30, 13, 0),
        now=NOW + dt.timedelta(minutes=5),
    )
    session.expire_all()
    assert session.get(Reminder, prep.id).status == "pending"  # type: ignore[union-attr]
    assert session.get(Reminder, prep.id).due_at == answer.due_at  # type: ignore[union-attr]


def test_a_muted_kind_is_not_scheduled(session: Session, user: User) -> None:
    first = log_airbus(session, user)
    follow_up = session.scalars(
        select(Reminder).where(Reminder.kind == "application_follow_up")
    ).one()
    mute(session, user, follow_up.id)
    second = pipeline.log_application(session, user, "Thales", None, YESTERDAY, now=NOW)
    assert {r.kind for r in second.scheduled} == {"application_silence"}
    assert first.id != second.application.id


def test_rejection_continues_the_record(session: Session, user: User) -> None:
    application = log_airbus(session, user)
    pipeline.move(
        session, user, application.id, "interview", interview_at=utc(2026, 11, 20, 9, 0), now=NOW
    )
    assert pipeline.rejection_slots(session, user, application, now=NOW) == {
        "company": "Airbus",
        "position": "technicienne qualité",
        "stage": "premier_entretien",
    }
    rejection = Rejection(user_id=user.id, company="Airbus", rejection_date=dt.date(2026, 11, 25))
    session.add(rejection)
    session.flush()
    change = pipeline.link_rejection(session, user, application.id, rejection.id, now=NOW)
    assert change.application.stage == "rejected"
    assert change.application.rejection_id == rejection.id
    assert nudges(session, user) == {}
    # Linking again is harmless.
    again = pipeline.link_rejection(session, user, application.id, rejection.id, now=NOW)
    assert again.cancelled == 0 and again.application.stage == "rejected"


def test_refused_moves_and_other_peoples_applications(session: Session, user: User) -> None:
    application = log_airbus(session, user)
    pipeline.move(session, user, application.id, "offer", now=NOW)
    assert nudges(session, user) == {}
    with pytest.raises(pipeline.TransitionRefused) as refused:
        pipeline.move(session, user, application.id, "interview", now=NOW)
    assert (refused.value.current, refused.value.requested) == ("offer", "interview")
    other = give_consent(session, 5151, first_name="Sam", timezone="Europe/Paris", now=NOW)
    with pytest.raises(pipeline.UnknownApplication):
        pipeline.move(session, other, application.id, "withdrawn", now=NOW)
    with pytest.raises(ValueError):
        pipeline.move(session, user, application.id, "hired", now=NOW)


def test_a_cancelled_interview_leaves_no_step(session: Session, user: User) -> None:
    application = log_airbus(session, user)
    pipeline.move(
        session, user, application.id, "interview", interview_at=utc(2026, 12, 2, 9, 0), now=NOW
    )
    pipeline.move(session, user, application.id, "withdrawn", now=NOW)
    assert activities(session, application) == [("application", YESTERDAY)]
    assert nudges(session, user) == {}


def test_close_silent_and_reopen(session: Session, user: User) -> None:
    application = log_airbus(session, user)
    pipeline.close_silent(session, user, application.id, now=NOW)
    assert application.stage == "no_answer"
    assert nudges(session, user) == {}
    # The company comes back after all: « entretien passé hier » on a closed application.
    pipeline.move(session, user, application.id, "interviewed", held_on=YESTERDAY, now=NOW)
    assert activities(session, application) == [
        ("application", YESTERDAY),
        ("interview", YESTERDAY),
    ]
    # Debrief: Wednesday 25, 10:00 — now exactly, so already due: not scheduled; silence
    # from today: 25 Nov + 28 = Wednesday 23 December.
    assert nudges(session, user) == {"application_silence": utc(2026, 12, 23, 9, 0)}


def test_record_follow_up(session: Session, user: User) -> None:
    application = log_airbus(session, user)
    change = pipeline.record_follow_up(session, user, application.id, now=NOW)
    assert change.cancelled == 1
    assert reasons(session, user) == {"application_follow_up": ["done"]}
    assert activities(session, application)[-1] == ("follow_up", dt.date(2026, 11, 25))
    assert application.stage == "sent"  # the person's own step is no news


def test_active_first_order_and_days_in_the_persons_zone(session: Session) -> None:
    montreal = give_consent(session, 777, first_name="Léa", timezone="America/Montreal", now=NOW)
    # « now »: Wednesday 25 November, 10:00 in Montréal (15:00 UTC).
    now = utc(2026, 11, 25, 15, 0)
    quiet = pipeline.log_application(
        session, montreal, "Desjardins", None, dt.date(2026, 11, 2), now=now
    ).application
    fresh = pipeline.log_application(
        session, montreal, "Ubisoft", None, dt.date(2026, 11, 25), now=now
    ).application
    soon = pipeline.log_application(
        session, montreal, "CGI", None, dt.date(2026, 11, 20), now=now
    ).application
    pipeline.move(
        session, montreal, soon.id, "interview", interview_at=utc(2026, 11, 27, 15, 0), now=now
    )
    closed = pipeline.log_application(
        session, montreal, "Bombardier", None, dt.date(2026, 11, 10), now=now
    ).application
    pipeline.move(session, montreal, closed.id, "rejected", now=now)
    # News late on Tuesday evening in Montréal (03:00 UTC on Wednesday): one day, not zero.
    fresh.stage_at = utc(2026, 11, 25, 3, 0)
    session.flush()

    lines = pipeline.active_first(session, montreal, now=now)
    assert [line.application.company for line in lines] == ["CGI", "Ubisoft", "Desjardins"]
    assert [line.days_since_news for line in lines] == [0, 1, 23]
    assert [line.stage_label for line in lines] == ["Entretien prévu", "Envoyée", "Envoyée"]
    everything = pipeline.active_first(session, montreal, include_closed=True, now=now)
    assert [line.application.company for line in everything][-1] == "Bombardier"
    assert everything[-1].active is False
    assert quiet in [line.application for line in lines]


def test_find_for_company(session: Session, user: User) -> None:
    airbus = log_airbus(session, user)
    old = pipeline.log_application(session, user, "Thales", None, dt.date(2026, 9, 1), now=NOW)
    pipeline.move(session, user, old.application.id, "rejected", now=NOW)
    fresh = pipeline.log_application(session, user, "Thales", None, YESTERDAY, now=NOW)

    found = pipeline.find_for_company(session, user, "airbuss")  # one typo
    assert isinstance(found, Match) and found.application.id == airbus.id
    # The active Thales wins over the closed one: no needless question.
    found = pipeline.find_for_company(session, user, "thales")
    assert isinstance(found, Match) and found.application.id == fresh.application.id
    pipeline.move(session, user, fresh.application.id, "no_answer", now=NOW)
    assert isinstance(pipeline.find_for_company(session, user, "Thales"), Ambiguous)
    unknown = pipeline.find_for_company(session, user, "decathlon")
    assert isinstance(unknown, Unknown) and unknown.named == "Decathlon"


def test_export_and_erasure(session: Session, user: User) -> None:
    application = log_airbus(session, user)
    pipeline.move(
        session, user, application.id, "interview", interview_at=utc(2026, 11, 30, 13, 0), now=NOW
    )
    data = export_user(session, 4242)
    [exported] = data["applications"]
    assert exported["company"] == "Airbus"
    assert exported["stage"] == "interview"
    assert exported["link"] == "https://airbus.example/jobs/1"
    assert exported["interview_at"].startswith("2026-11-30T13:00")
    assert sorted(a["kind"] for a in data["activities"]) == ["application", "interview"]
    kinds = {r["kind"] for r in data["reminders"]}
    assert {"interview_prep", "interview_soon", "interview_debrief"} <= kinds

    assert delete_user(session, 4242)
    for model in (JobApplication, Activity, Reminder):
        assert session.scalar(select(func.count()).select_from(model)) == 0
    again = export_user(session, 4242)
    assert again["applications"] == [] and again["activities"] == []
