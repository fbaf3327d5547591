"""Corrections of a feedback's reading: stored with the feedback (migration 0012), counted
by /bilan, exported, erased with the person."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from alembic import command
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from coach.db import alembic_config, make_engine, upgrade
from coach.feedback import FeedbackAnalysis
from coach.feedbacks import correct_reading, patterns_for, save_feedback
from coach.models import Feedback, User
from coach.privacy import delete_user, export_user
from coach.users import give_consent

NOW = dt.datetime(2026, 12, 5, 9, 30, tzinfo=dt.UTC)
READ = FeedbackAnalysis(
    "constructive",
    {"communication", "technical_skills"},
    set(),
    {"communication": ["pas assez clair"], "technical_skills": ["anglais"]},
)


def person(session: Session, telegram_user_id: int = 4242) -> User:
    return give_consent(
        session, telegram_user_id, first_name="Camille", timezone="Europe/Paris", now=NOW
    )


def test_a_correction_is_stored_with_the_feedback(session: Session) -> None:
    user = person(session)
    row = save_feedback(session, user, rejection_id=None, text="Retour", analysis=READ)
    assert row.reading_corrections is None
    added, removed = correct_reading(
        session, row, add=["experience"], remove=["communication", "enthusiasm"], now=NOW
    )
    assert (added, removed) == (("experience",), ("communication",))
    session.expire_all()
    stored = session.scalar(select(Feedback).where(Feedback.id == row.id))
    assert stored is not None
    assert stored.themes == ["experience", "technical_skills"]
    assert stored.evidence == {"technical_skills": ["anglais"]}
    assert stored.reading_corrections == [
        {"at": NOW.isoformat(), "added": ["experience"], "removed": ["communication"]}
    ]
    # A second correction is appended, the first one kept.
    correct_reading(session, stored, add=["communication"], remove=[], now=NOW)
    session.expire_all()
    again = session.get(Feedback, row.id)
    assert again is not None and len(again.reading_corrections or []) == 2
    assert again.themes == ["experience", "technical_skills", "communication"]


def test_a_correction_that_changes_nothing_writes_nothing(session: Session) -> None:
    user = person(session)
    row = save_feedback(session, user, rejection_id=None, text="Retour", analysis=READ)
    assert correct_reading(session, row, add=["communication"], remove=["competition"]) == (
        (),
        (),
    )
    session.expire_all()
    assert session.get(Feedback, row.id).reading_corrections is None  # type: ignore[union-attr]


def test_bilan_counts_the_corrected_reading(session: Session) -> None:
    user = person(session)
    first = save_feedback(session, user, rejection_id=None, text="Un", analysis=READ)
    save_feedback(
        session,
        user,
        rejection_id=None,
        text="Deux",
        analysis=FeedbackAnalysis("constructive", {"experience"}, set(), {}),
    )
    assert patterns_for(session, user).recurring == []
    correct_reading(session, first, add=["experience"], remove=["communication"])
    patterns = patterns_for(session, user)
    assert patterns.recurring == ["experience"]
    assert "communication" not in patterns.theme_counts


def test_export_carries_the_corrections_and_erasure_removes_them(session: Session) -> None:
    user = person(session)
    row = save_feedback(session, user, rejection_id=None, text="Retour", analysis=READ)
    correct_reading(session, row, add=[], remove=["communication"], now=NOW)
    [entry] = export_user(session, 4242)["feedbacks"]
    assert entry["themes"] == ["technical_skills"]
    assert entry["reading_corrections"] == [
        {"at": NOW.isoformat(), "added": [], "removed": ["communication"]}
    ]
    assert delete_user(session, 4242)
    assert export_user(session, 4242)["feedbacks"] == []
    assert session.scalars(select(Feedback)).all() == []


def test_migration_0012_goes_down_and_up(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'updown.db'}"
    upgrade(url)
    engine = make_engine(url)
    try:

        def columns() -> set[str]:
            return {column["name"] for column in inspect(engine).get_columns("feedbacks")}

        assert "reading_corrections" in columns()
        command.downgrade(alembic_config(url), "0011")
        assert "reading_corrections" not in columns()
        upgrade(url)
        assert "reading_corrections" in columns()
    finally:
        engine.dispose()
