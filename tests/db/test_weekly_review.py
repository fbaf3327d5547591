"""The weekly review read from a real, migrated database (SQLite, and PostgreSQL with
TEST_DATABASE_URL): the week's démarches, the applications that need a gesture, the goals
and the mood trend.

Calendar (worked out by hand): « now » is Friday 4 December 2026, 17:00 in Paris (16:00
UTC; Paris is UTC+1). The review's week is Saturday 28 November → Friday 4 December; the
week before is 21 → 27 November. No public holiday falls between 20 November and
4 December, so seven business days after Friday 20 November is Tuesday 1 December.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from coach import pipeline, weekly_review
from coach.models import Mood, User
from coach.smart import GoalFields, create_goal
from coach.users import give_consent

UTC = dt.UTC
NOW = dt.datetime(2026, 12, 4, 16, 0, tzinfo=UTC)


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)  # type: ignore[misc]


@pytest.fixture
def user(session: Session) -> User:
    return give_consent(session, 5151, first_name="Inès", timezone="Europe/Paris", now=NOW)


def _log(session: Session, user: User, company: str, applied_on: dt.date, when: dt.datetime):
    return pipeline.log_application(session, user, company, None, applied_on, now=when).application


def test_applications_that_need_a_gesture(session: Session, user: User) -> None:
    airbus = _log(session, user, "Airbus", dt.date(2026, 11, 20), utc(2026, 11, 20, 15))
    thales = _log(session, user, "Thales", dt.date(2026, 11, 30), utc(2026, 11, 30, 9))
    pipeline.move(
        session,
        user,
        thales.id,
        "interview",
        interview_at=utc(2026, 12, 8, 13),
        now=utc(2026, 12, 3, 10),
    )
    safran = _log(session, user, "Safran", dt.date(2026, 11, 3), utc(2026, 11, 3, 18))
    orange = _log(session, user, "Orange", dt.date(2026, 11, 20), utc(2026, 11, 20, 15))
    pipeline.record_follow_up(
        session, user, orange.id, on=dt.date(2026, 12, 2), now=utc(2026, 12, 2, 9)
    )
    _log(session, user, "Fnac", dt.date(2026, 12, 3), utc(2026, 12, 3, 9))
    lidl = _log(session, user, "Lidl", dt.date(2026, 11, 23), utc(2026, 11, 23, 9))
    pipeline.move(session, user, lidl.id, "rejected", now=utc(2026, 11, 26, 9))

    to_do = weekly_review.applications_to_act_on(session, user, now=NOW)

    assert [(item.application_id, item.action) for item in to_do] == [
        (thales.id, "entretien mardi 8 décembre à 14 h 00, à préparer"),
        # News on 20 November at noon, local: 14 days without news on 4 December.
        (airbus.id, "sans nouvelles depuis 14 jours, une relance courte ?"),
        # 3 November → 4 December: 31 days, four whole weeks.
        (safran.id, "sans nouvelles depuis 4 semaines, la classer « sans réponse » ?"),
    ]


def test_a_follow_up_before_the_last_news_does_not_count(session: Session, user: User) -> None:
    """A follow-up done, then news (a test), then silence again: a new follow-up is due."""
    sncf = _log(session, user, "SNCF", dt.date(2026, 11, 2), utc(2026, 11, 2, 9))
    pipeline.record_follow_up(
        session, user, sncf.id, on=dt.date(2026, 11, 12), now=utc(2026, 11, 12, 9)
    )
    pipeline.move(
        session, user, sncf.id, "test", held_on=dt.date(2026, 11, 19), now=utc(2026, 11, 19, 9)
    )

    to_do = weekly_review.applications_to_act_on(session, user, now=NOW)

    # News on Thursday 19 November; 7 business days later is Monday 30 November.
    assert [item.action for item in to_do] == [
        "sans nouvelles depuis 15 jours, une relance courte ?"
    ]


def test_the_week_counted_and_rendered(session: Session, user: User) -> None:
    thales = _log(session, user, "Thales", dt.date(2026, 11, 30), utc(2026, 11, 30, 9))
    _log(session, user, "Fnac", dt.date(2026, 12, 3), utc(2026, 12, 3, 9))
    _log(session, user, "Vinci", dt.date(2026, 11, 27), utc(2026, 11, 27, 9))  # week before
    pipeline.record_follow_up(session, user, thales.id, on=dt.date(2026, 12, 4), now=NOW)
    goal = create_goal(
        session,
        user,
        GoalFields(title="Passer le TOEIC", deadline=dt.date(2027, 1, 29)),
        now=utc(2026, 11, 20, 9),
        milestones=[
            ("Faire un test blanc", dt.date(2026, 12, 1)),
            ("Réviser la grammaire", dt.date(2026, 12, 10)),
        ],
    )
    goal.progress = 20
    for moment, mood in (
        (utc(2026, 11, 24, 9), "decouragement"),  # week before: level 0
        (utc(2026, 12, 1, 9), "ca_va"),  # this week: 5
        (utc(2026, 12, 3, 22, 30), "doute"),  # 23:30 in Paris, 3 December: 2
    ):
        session.add(Mood(user_id=user.id, mood=mood, created_at=moment))
    session.flush()

    week = weekly_review.collect(session, user, now=NOW)

    assert (week.start, week.today) == (dt.date(2026, 11, 28), dt.date(2026, 12, 4))
    assert dict(week.counts) == {"application": 2, "follow_up": 1}
    assert (week.mood_now, week.mood_before) == (3.5, 0.0)
    assert [(g.title, g.progress, g.next_step, g.overdue) for g in week.goals] == [
        ("Passer le TOEIC", 20, "Réviser la grammaire", 1)
    ]
    assert weekly_review.shape_of(week) == "steady"
    text = weekly_review.render(week)
    assert "Votre bilan de la semaine (depuis samedi 28 novembre)" in text
    assert "Vos démarches : 2 candidatures envoyées et 1 relance." in text
    assert (
        "• Passer le TOEIC (20 %) — prochaine étape : Réviser la grammaire, jeudi 10 décembre"
        in text
    )
    assert "1 étape en retard : on peut la décaler" in text
    assert "Votre humeur remonte" in text


def test_a_rejection_this_week_shapes_the_review(session: Session, user: User) -> None:
    from coach.models import Rejection

    session.add(
        Rejection(user_id=user.id, company="Decathlon", rejection_date=dt.date(2026, 12, 2))
    )
    session.flush()

    week = weekly_review.collect(session, user, now=NOW)

    assert week.rejections == 1
    assert weekly_review.shape_of(week) == "rejection"
    assert weekly_review.question_for(week) in weekly_review._QUESTIONS["rejection"]
    assert "pas sur votre valeur" in weekly_review.render(week)


def test_a_quiet_week_is_gentle(session: Session, user: User) -> None:
    week = weekly_review.collect(session, user, now=NOW)

    assert week.total == 0 and not week.to_do and not week.goals and not week.has_moods
    text = weekly_review.render(week)
    assert "Aucune démarche notée cette semaine." in text
    assert "c'est permis" in text
    for blame in ("retard", "devriez", "il faut", "jours sans"):
        assert blame not in text
