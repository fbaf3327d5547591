"""Stored feedbacks, the patterns across them, and their place in /export and /supprimer."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, inspect, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from coach.db import make_engine, upgrade
from coach.feedback import MAX_CHARS, FeedbackAnalysis
from coach.feedbacks import (
    get_feedback,
    latest_feedback,
    list_feedbacks,
    mood_series,
    patterns_for,
    save_feedback,
)
from coach.models import Feedback, Mood, Rejection, User
from coach.privacy import delete_user, export_user
from coach.users import give_consent

NOW = dt.datetime(2026, 11, 25, 9, 30, tzinfo=dt.UTC)
SKILLS = FeedbackAnalysis(
    "constructive",
    {"technical_skills", "experience"},
    set(),
    {"technical_skills": ["pas assez de SQL"], "experience": ["peu d'expérience"]},
)
GENERIC = FeedbackAnalysis("generic", {"competition"}, {"vague"}, {"vague": ["autre profil"]})


def person(session: Session, telegram_user_id: int = 4242) -> User:
    return give_consent(
        session, telegram_user_id, first_name="Camille", timezone="Europe/Paris", now=NOW
    )


def rejection(session: Session, user: User, company: str) -> Rejection:
    row = Rejection(user_id=user.id, company=company, position="Data analyst")
    session.add(row)
    session.flush()
    return row


def test_save_keeps_the_text_and_its_reading(session: Session) -> None:
    user = person(session)
    applied = rejection(session, user, "Decathlon")
    saved = save_feedback(
        session,
        user,
        rejection_id=applied.id,
        text="  Il manquait du SQL.  ",
        analysis=SKILLS,
        source="call",
        received_at=NOW,
    )
    session.expire_all()
    row = session.get(Feedback, saved.id)
    assert row is not None
    assert (row.user_id, row.rejection_id, row.text) == (user.id, applied.id, "Il manquait du SQL.")
    assert (row.source, row.kind) == ("call", "constructive")
    assert row.themes == ["experience", "technical_skills"], "stored sorted"
    assert row.signals == []
    assert row.evidence["technical_skills"] == ["pas assez de SQL"]
    assert row.received_at == NOW and row.created_at.tzinfo is not None


def test_save_caps_long_text_and_refuses_what_makes_no_sense(session: Session) -> None:
    user = person(session)
    long = save_feedback(session, user, rejection_id=None, text="x" * 9000, analysis=GENERIC)
    assert len(long.text) == MAX_CHARS and long.source == "written"
    with pytest.raises(ValueError):
        save_feedback(session, user, rejection_id=None, text="   ", analysis=GENERIC)
    with pytest.raises(ValueError):
        save_feedback(session, user, rejection_id=None, text="ok", analysis=GENERIC, source="fax")


def test_a_rejection_of_someone_else_is_not_linked(session: Session) -> None:
    user = person(session)
    theirs = rejection(session, person(session, 5151), "Capgemini")
    row = save_feedback(session, user, rejection_id=theirs.id, text="Retour", analysis=SKILLS)
    assert row.rejection_id is None


def test_list_latest_and_get_see_only_the_users_own(session: Session) -> None:
    user = person(session)
    other = person(session, 5151)
    later = save_feedback(
        session, user, rejection_id=None, text="B", analysis=GENERIC, received_at=NOW
    )
    earlier = save_feedback(
        session,
        user,
        rejection_id=None,
        text="A",
        analysis=SKILLS,
        received_at=NOW - dt.timedelta(days=3),
    )
    theirs = save_feedback(session, other, rejection_id=None, text="C", analysis=SKILLS)
    assert [row.text for row in list_feedbacks(session, user)] == ["A", "B"]
    # "Latest" is the one recorded last, even when it was received earlier.
    latest = latest_feedback(session, user)
    assert latest is not None and latest.id == earlier.id
    assert get_feedback(session, user, later.id) is later
    assert get_feedback(session, user, str(later.id)) is later
    assert get_feedback(session, user, theirs.id) is None
    assert get_feedback(session, user, "abc") is None
    assert get_feedback(session, user, True) is None
    assert latest_feedback(session, person(session, 6161)) is None


def test_patterns_for_counts_the_users_feedbacks_with_their_companies(session: Session) -> None:
    user = person(session)
    other = person(session, 5151)
    decathlon = rejection(session, user, "Decathlon")
    capgemini = rejection(session, user, "Capgemini")
    save_feedback(session, user, rejection_id=decathlon.id, text="1", analysis=SKILLS)
    save_feedback(session, user, rejection_id=capgemini.id, text="2", analysis=SKILLS)
    save_feedback(session, user, rejection_id=None, text="3", analysis=GENERIC)
    save_feedback(session, other, rejection_id=None, text="4", analysis=GENERIC)
    patterns = patterns_for(session, user)
    assert (patterns.total, patterns.constructive, patterns.generic) == (3, 2, 1)
    assert patterns.theme_counts == {"experience": 2, "technical_skills": 2, "competition": 1}
    assert patterns.recurring == ["experience", "technical_skills"]
    assert patterns.priority == ["experience", "technical_skills", "competition"]
    assert patterns.signal_counts == {"vague": 1}
    assert patterns.companies == {
        "experience": ["Decathlon", "Capgemini"],
        "technical_skills": ["Decathlon", "Capgemini"],
    }
    assert patterns_for(session, person(session, 6161)).total == 0


def test_mood_series_is_the_users_own_oldest_first(session: Session) -> None:
    user = person(session)
    other = person(session, 5151)
    for offset, mood in ((2, "ca_va"), (0, "doute"), (1, "deception")):
        session.add(Mood(user_id=user.id, mood=mood, created_at=NOW + dt.timedelta(days=offset)))
    session.add(Mood(user_id=other.id, mood="colere", created_at=NOW))
    session.flush()
    assert mood_series(session, user) == [
        (NOW, "doute"),
        (NOW + dt.timedelta(days=1), "deception"),
        (NOW + dt.timedelta(days=2), "ca_va"),
    ]


def test_export_carries_the_feedbacks(session: Session) -> None:
    user = person(session)
    applied = rejection(session, user, "Decathlon")
    save_feedback(
        session,
        user,
        rejection_id=applied.id,
        text="Il manquait du SQL.",
        analysis=SKILLS,
        received_at=NOW,
    )
    [entry] = export_user(session, 4242)["feedbacks"]
    assert entry["rejection_id"] == applied.id
    assert entry["text"] == "Il manquait du SQL."
    assert entry["kind"] == "constructive"
    assert entry["themes"] == ["experience", "technical_skills"]
    assert entry["signals"] == []
    assert entry["received_at"].startswith("2026-11-25T09:30")
    assert "user_id" not in entry


def test_delete_removes_the_feedbacks_and_only_those(session: Session) -> None:
    user = person(session)
    other = person(session, 5151)
    save_feedback(session, user, rejection_id=None, text="Le mien", analysis=SKILLS)
    save_feedback(session, other, rejection_id=None, text="Le sien", analysis=SKILLS)
    assert delete_user(session, 4242)
    assert export_user(session, 4242)["feedbacks"] == []
    assert session.scalars(select(Feedback.text)).all() == ["Le sien"]


def test_database_cascades_and_keeps_a_feedback_whose_rejection_is_gone(session: Session) -> None:
    user = person(session)
    applied = rejection(session, user, "Decathlon")
    row = save_feedback(session, user, rejection_id=applied.id, text="Retour", analysis=SKILLS)
    session.execute(text("DELETE FROM rejections WHERE id = :id"), {"id": applied.id})
    session.expire_all()
    kept = session.get(Feedback, row.id)
    assert kept is not None and kept.rejection_id is None
    session.execute(text("DELETE FROM users WHERE id = :id"), {"id": user.id})
    assert session.scalar(select(func.count()).select_from(Feedback)) == 0


def test_migration_0006_goes_down_and_up(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'updown.db'}"
    upgrade(url)
    engine = make_engine(url)
    try:
        assert "feedbacks" in inspect(engine).get_table_names()
        from alembic import command

        from coach.db import alembic_config

        command.downgrade(alembic_config(url), "0005")
        assert "feedbacks" not in inspect(engine).get_table_names()
        upgrade(url)
        assert "feedbacks" in inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_a_failed_statement_does_not_carry_the_feedback_text(engine: Engine) -> None:
    """Errors are logged with their message: what the person wrote must not be in it."""
    secret = "Texte confidentiel du retour reçu"
    with pytest.raises(IntegrityError) as failure, Session(engine) as session:
        session.add(
            Feedback(
                user_id=987_654_321,  # no such user: the foreign key refuses the row
                text=secret,
                source="written",
                kind="generic",
                themes=[],
                signals=[],
                evidence={},
            )
        )
        session.flush()
    assert secret not in str(failure.value)
    assert "hidden due to hide_parameters" in str(failure.value)
