"""The démarches of a period read from every table (coach.activity_report.collect), in a
real database (SQLite, and PostgreSQL with TEST_DATABASE_URL): each source, no double
counting, both bounds included in the person's timezone, nobody else's rows."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from coach.activity_report import ReportRow, add_activity, collect, remove_activity, totals
from coach.models import (
    Activity,
    Feedback,
    FeedbackRequest,
    Goal,
    JobApplication,
    Milestone,
    Rejection,
    Reminder,
    User,
)
from coach.users import give_consent

D = dt.date
NOW = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)
START, END = D(2026, 11, 1), D(2026, 11, 30)


def utc(month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=dt.UTC)


def person(session: Session, telegram_user_id: int, timezone: str = "Europe/Paris") -> User:
    return give_consent(session, telegram_user_id, first_name="Camille", timezone=timezone, now=NOW)


def add(session: Session, *rows: object) -> None:
    session.add_all(rows)
    session.flush()


def rejection(session: Session, user: User, company: str, position: str) -> Rejection:
    row = Rejection(user_id=user.id, company=company, position=position)
    add(session, row)
    return row


def goal(session: Session, user: User, title: str, **fields: object) -> Goal:
    row = Goal(user_id=user.id, title=title, deadline=D(2027, 1, 31), **fields)
    add(session, row)
    return row


def milestone(
    session: Session, user: User, of: Goal, title: str, done_at: dt.datetime | None
) -> Milestone:
    row = Milestone(
        goal_id=of.id,
        user_id=user.id,
        title=title,
        due_on=D(2026, 11, 30),
        done_at=done_at,
        position=len(of.milestones),
    )
    add(session, row)
    return row


def follow_up(
    session: Session,
    user: User,
    about: Rejection,
    *,
    sent_at: dt.datetime | None,
    response: str | None,
    status: str = "sent",
    kind: str = "follow_up",
) -> Reminder:
    row = Reminder(
        user_id=user.id,
        kind=kind,
        due_at=sent_at or utc(11, 25),
        payload={"rejection_id": about.id, "company": about.company},
        status=status,
        sent_at=sent_at,
        response=response,
    )
    add(session, row)
    return row


def seen(rows: list[ReportRow]) -> list[tuple[dt.date, str, str | None, str]]:
    return [(row.day, row.kind, row.company, row.source) for row in rows]


def test_collects_every_source_once_within_both_bounds(session: Session) -> None:
    user = person(session, 5001)
    airbus = rejection(session, user, "airbus", "Ingénieure méthodes")
    thales = rejection(session, user, "Thales", "Technicienne")
    safran = JobApplication(
        user_id=user.id,
        company="Safran",
        position="Acheteuse",
        applied_on=D(2026, 11, 2),
        channel="site",
    )
    add(session, safran)
    add(
        session,
        # An application logged by the pipeline: company, position, channel from it.
        Activity(
            user_id=user.id,
            kind="application",
            happened_on=D(2026, 11, 2),
            application_id=safran.id,
        ),
        # On the first and on the last day: both in.
        Activity(
            user_id=user.id,
            kind="workshop",
            happened_on=START,
            company="France Travail",
            note="Atelier CV",
        ),
        Activity(user_id=user.id, kind="job_fair", happened_on=END, note="Salon de l'emploi"),
        # The days just before and after: out.
        Activity(user_id=user.id, kind="networking", happened_on=D(2026, 10, 31), note="Café"),
        Activity(user_id=user.id, kind="training", happened_on=D(2026, 12, 1), note="Excel"),
        # Told by the person: stands for the follow-up reminder of 18 November below.
        Activity(
            user_id=user.id,
            kind="follow_up",
            happened_on=D(2026, 11, 20),
            company="Thales",
            channel="phone",
        ),
    )
    add(
        session,
        FeedbackRequest(
            user_id=user.id,
            rejection_id=airbus.id,
            channel="email",
            variant="general",
            contact_role="hr",
            draft="…",
            status="sent",
            sent_at=utc(11, 5),
        ),
        # A draft never sent, and a request answered before it left: not steps.
        FeedbackRequest(
            user_id=user.id, rejection_id=thales.id, channel="email", variant="general", draft="…"
        ),
        FeedbackRequest(
            user_id=user.id,
            rejection_id=thales.id,
            channel="email",
            variant="general",
            draft="…",
            status="answered",
        ),
        # Sent, then answered: a step on the day it was sent.
        FeedbackRequest(
            user_id=user.id,
            rejection_id=thales.id,
            channel="phone",
            variant="phone",
            draft="…",
            status="answered",
            sent_at=utc(11, 10),
        ),
        # 23:30 UTC on 31 October is 00:30 on 1 November in Paris: in.
        Feedback(
            user_id=user.id,
            rejection_id=airbus.id,
            text="Il manquait du SQL.",
            kind="constructive",
            received_at=utc(10, 31, 23, 30),
        ),
        # 23:30 UTC on 30 November is 1 December in Paris: out.
        Feedback(
            user_id=user.id,
            rejection_id=thales.id,
            text="Un autre profil.",
            kind="generic",
            source="call",
            received_at=utc(11, 30, 23, 30),
        ),
        Feedback(
            user_id=user.id,
            rejection_id=thales.id,
            text="Plus d'exemples concrets.",
            kind="constructive",
            source="call",
            received_at=utc(11, 15, 12),
        ),
    )
    excel = goal(session, user, "Maîtriser Excel")
    milestone(session, user, excel, "Tableaux croisés", utc(11, 8))
    milestone(session, user, excel, "Macros", None)
    milestone(session, user, excel, "Formules", utc(10, 20))
    # Completed with its last step on the same day: one row, the step's.
    interviews = goal(
        session, user, "Préparer mes entretiens", status="done", completed_at=utc(11, 18, 16)
    )
    milestone(session, user, interviews, "Trois réponses STAR", utc(11, 18, 15))
    # Completed, no step: one row.
    goal(session, user, "Refaire mon CV", status="done", completed_at=utc(11, 22, 10))
    goal(session, user, "Abandonné", status="abandoned", completed_at=utc(11, 23))
    follow_up(session, user, airbus, sent_at=utc(11, 14, 8), response="done")
    follow_up(session, user, thales, sent_at=utc(11, 18, 8), response="done")  # told above
    follow_up(session, user, airbus, sent_at=utc(11, 16, 8), response="snoozed")
    follow_up(session, user, airbus, sent_at=utc(11, 17, 8), response=None)
    follow_up(session, user, airbus, sent_at=None, response="done", status="cancelled")
    follow_up(session, user, airbus, sent_at=utc(11, 19, 8), response="done", kind="custom")

    rows = collect(session, user, START, END, now=NOW)

    assert seen(rows) == [
        (D(2026, 11, 1), "feedback_received", "Airbus", "feedback"),
        (D(2026, 11, 1), "workshop", "France Travail", "activity"),
        (D(2026, 11, 2), "application", "Safran", "activity"),
        (D(2026, 11, 5), "feedback_request", "Airbus", "feedback_request"),
        (D(2026, 11, 8), "milestone", None, "milestone"),
        (D(2026, 11, 10), "feedback_request", "Thales", "feedback_request"),
        (D(2026, 11, 14), "follow_up", "Airbus", "reminder"),
        (D(2026, 11, 15), "feedback_received", "Thales", "feedback"),
        (D(2026, 11, 18), "milestone", None, "milestone"),
        (D(2026, 11, 20), "follow_up", "Thales", "activity"),
        (D(2026, 11, 22), "milestone", None, "goal"),
        (D(2026, 11, 30), "job_fair", None, "activity"),
    ]
    by_day = {(row.day, row.kind): row for row in rows}
    application = by_day[(D(2026, 11, 2), "application")]
    assert (application.position, application.channel_label) == ("Acheteuse", "Site d'emploi")
    request = by_day[(D(2026, 11, 5), "feedback_request")]
    assert (request.position, request.channel_label, request.note) == (
        "Ingénieure méthodes",
        "E-mail",
        "Auprès des ressources humaines",
    )
    assert by_day[(D(2026, 11, 15), "feedback_received")].channel_label == "Téléphone"
    assert by_day[(D(2026, 11, 8), "milestone")].note == (
        "Maîtriser Excel — étape franchie : Tableaux croisés"
    )
    assert by_day[(D(2026, 11, 22), "milestone")].note == "Refaire mon CV — objectif atteint"
    assert by_day[(D(2026, 11, 14), "follow_up")].position == "Ingénieure méthodes"
    assert all("SQL" not in (row.note or "") for row in rows), "feedback text stays private"
    assert totals(rows) == {
        "application": 1,
        "follow_up": 2,
        "feedback_request": 2,
        "feedback_received": 2,
        "milestone": 3,
        "workshop": 1,
        "job_fair": 1,
    }


def test_an_activity_just_after_the_period_still_stands_for_the_reminder(
    session: Session,
) -> None:
    """The reminder of the 18th and the person's own « relancé Thales » of the 20th are one
    follow-up: a report ending on the 19th counts it in neither, the next one once."""
    user = person(session, 5002)
    thales = rejection(session, user, "Thales", "Technicienne")
    follow_up(session, user, thales, sent_at=utc(11, 18, 8), response="done")
    add(
        session,
        Activity(user_id=user.id, kind="follow_up", happened_on=D(2026, 11, 20), company="thales"),
    )
    assert collect(session, user, START, D(2026, 11, 19), now=NOW) == []
    assert seen(collect(session, user, D(2026, 11, 20), END, now=NOW)) == [
        (D(2026, 11, 20), "follow_up", "Thales", "activity")
    ]
    # Another company, or more than a week apart: two follow-ups.
    airbus = rejection(session, user, "Airbus", "Ingénieure")
    follow_up(session, user, airbus, sent_at=utc(11, 19, 8), response="done")
    follow_up(session, user, thales, sent_at=utc(11, 2, 8), response="done")
    assert [row.company for row in collect(session, user, START, END, now=NOW)] == [
        "Thales",
        "Airbus",
        "Thales",
    ]


def test_days_are_the_persons_own(session: Session) -> None:
    """17:00 in Paris on 30 November is already 1 December in Tokyo."""
    paris = person(session, 5003)
    tokyo = person(session, 5004, timezone="Asia/Tokyo")
    for user in (paris, tokyo):
        add(
            session,
            Feedback(
                user_id=user.id,
                text="…",
                kind="generic",
                received_at=utc(11, 30, 16),
            ),
        )
    assert seen(collect(session, paris, START, END, now=NOW)) == [
        (D(2026, 11, 30), "feedback_received", None, "feedback")
    ]
    assert collect(session, tokyo, START, END, now=NOW) == []
    assert seen(collect(session, tokyo, D(2026, 12, 1), D(2026, 12, 1), now=NOW)) == [
        (D(2026, 12, 1), "feedback_received", None, "feedback")
    ]


def test_another_persons_rows_are_never_read(session: Session) -> None:
    me = person(session, 5005)
    other = person(session, 5006)
    theirs = rejection(session, other, "Secret SA", "Poste secret")
    their_application = JobApplication(
        user_id=other.id, company="Secret SA", applied_on=D(2026, 11, 3)
    )
    add(session, their_application)
    add(
        session,
        Activity(user_id=other.id, kind="workshop", happened_on=D(2026, 11, 3), note="x"),
        FeedbackRequest(
            user_id=other.id,
            rejection_id=theirs.id,
            channel="email",
            variant="general",
            draft="…",
            status="sent",
            sent_at=utc(11, 4),
        ),
        Feedback(user_id=other.id, rejection_id=theirs.id, text="…", kind="generic"),
    )
    their_goal = goal(session, other, "Leur objectif", status="done", completed_at=utc(11, 6))
    milestone(session, other, their_goal, "Leur étape", utc(11, 6))
    follow_up(session, other, theirs, sent_at=utc(11, 7), response="done")
    assert collect(session, me, START, END, now=NOW) == []

    # Rows of mine that point at theirs (never made by Rebond, but a join must not leak).
    add(
        session,
        Activity(
            user_id=me.id,
            kind="application",
            happened_on=D(2026, 11, 9),
            application_id=their_application.id,
        ),
        FeedbackRequest(
            user_id=me.id,
            rejection_id=theirs.id,
            channel="email",
            variant="general",
            draft="…",
            status="sent",
            sent_at=utc(11, 10),
        ),
        Feedback(
            user_id=me.id, rejection_id=theirs.id, text="…", kind="generic", received_at=utc(11, 11)
        ),
    )
    follow_up(session, me, theirs, sent_at=utc(11, 12), response="done")
    rows = collect(session, me, START, END, now=NOW)
    assert [(row.kind, row.company, row.position) for row in rows] == [
        ("application", None, None),
        ("feedback_request", None, None),
        ("feedback_received", None, None),
        # The reminder's own payload (written when it was scheduled for me) names the company.
        ("follow_up", "Secret SA", None),
    ]


def test_a_reversed_period_is_a_programming_error(session: Session) -> None:
    user = person(session, 5007)
    with pytest.raises(ValueError):
        collect(session, user, END, START, now=NOW)


def test_add_activity_once_and_never_in_the_future(session: Session) -> None:
    user = person(session, 5008)
    first = add_activity(
        session,
        user,
        kind="workshop",
        happened_on=D(2026, 11, 16),
        company="  France   Travail ",
        note="Atelier CV",
        today=D(2026, 11, 20),
    )
    again = add_activity(
        session,
        user,
        kind="workshop",
        happened_on=D(2026, 11, 16),
        company="france travail",
        note="atelier cv",
        today=D(2026, 11, 20),
    )
    assert again.id == first.id
    other_day = add_activity(
        session,
        user,
        kind="workshop",
        happened_on=D(2026, 11, 17),
        note="Atelier CV",
        today=D(2026, 11, 20),
    )
    assert other_day.id != first.id
    stored = session.get(Activity, first.id)
    assert stored is not None
    assert (stored.company, stored.note, stored.user_id) == (
        "France Travail",
        "Atelier CV",
        user.id,
    )
    long = add_activity(
        session,
        user,
        kind="other",
        happened_on=D(2026, 11, 20),
        note="x" * 500,
        today=D(2026, 11, 20),
    )
    assert long.note == "x" * 300
    with pytest.raises(ValueError):
        add_activity(
            session, user, kind="workshop", happened_on=D(2026, 11, 21), today=D(2026, 11, 20)
        )
    with pytest.raises(ValueError):
        add_activity(
            session, user, kind="party", happened_on=D(2026, 11, 20), today=D(2026, 11, 20)
        )
    assert [row.source_id for row in collect(session, user, START, END, now=NOW)] == [
        first.id,
        other_day.id,
        long.id,
    ]


def test_remove_only_ones_own_activity(session: Session) -> None:
    me = person(session, 5009)
    other = person(session, 5010)
    mine = add_activity(
        session, me, kind="training", happened_on=D(2026, 11, 3), today=D(2026, 11, 20)
    )
    theirs = add_activity(
        session, other, kind="training", happened_on=D(2026, 11, 3), today=D(2026, 11, 20)
    )
    assert remove_activity(session, me, theirs.id) is False
    assert remove_activity(session, me, mine.id) is True
    assert remove_activity(session, me, mine.id) is False
    left = session.scalars(select(Activity.id).where(Activity.id.in_((mine.id, theirs.id))))
    assert list(left) == [theirs.id]


def test_a_step_planned_for_later_is_not_shown_before_its_day(session: Session) -> None:
    """The pipeline records a scheduled interview on its day: not a step until then."""
    user = person(session, 5011)
    add(
        session,
        Activity(user_id=user.id, kind="interview", happened_on=D(2026, 11, 25), company="Thales"),
    )
    before = dt.datetime(2026, 11, 24, 22, 59, tzinfo=dt.UTC)  # 23:59 in Paris
    on_the_day = dt.datetime(2026, 11, 24, 23, 0, tzinfo=dt.UTC)  # midnight in Paris
    assert collect(session, user, START, END, now=before) == []
    assert seen(collect(session, user, START, END, now=on_the_day)) == [
        (D(2026, 11, 25), "interview", "Thales", "activity")
    ]
