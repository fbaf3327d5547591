"""Goals with their milestones and reminders, SWOTs and STAR answers, in a real database
(SQLite, and PostgreSQL with TEST_DATABASE_URL), and their place in /export and /supprimer."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from coach.feedback import FeedbackAnalysis
from coach.feedbacks import save_feedback
from coach.journal import add_entry
from coach.models import Goal, Milestone, Reminder, StarAnswer, Swot, User
from coach.privacy import delete_user, export_user
from coach.reminders import list_upcoming
from coach.smart import (
    MILESTONE_INTENT,
    REVIEW_INTENT,
    GoalFields,
    abandon,
    complete,
    create_goal,
    get_goal,
    list_goals,
    parse_progress,
    schedule_goal_reminders,
    update_progress,
)
from coach.star import StarDraft, delete_star, get_star, list_stars, save_star
from coach.swot import (
    SwotDraft,
    compare,
    draft_of,
    latest_swot,
    list_swots,
    prefill_for,
    previous_swot,
    save_swot,
    update_swot,
)
from coach.users import give_consent

NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.UTC)  # 11:00 in Paris, a Thursday
SQL_GOAL = GoalFields(
    title="Terminer les 6 modules du cours SQL",
    specific="SQL",
    measure="6 modules",
    first_steps=("m'inscrire sur OpenClassrooms",),
    resources=("OpenClassrooms",),
    theme="technical_skills",
    deadline=dt.date(2027, 1, 7),
)


def person(session: Session, telegram_user_id: int = 4242) -> User:
    return give_consent(
        session, telegram_user_id, first_name="Camille", timezone="Europe/Paris", now=NOW
    )


def pending(session: Session, user: User) -> list[Reminder]:
    return list_upcoming(session, user, limit=100)


# --------------------------------------------------------------------------- goals


def test_a_goal_is_stored_with_evenly_spaced_milestones(session: Session) -> None:
    user = person(session)
    goal = create_goal(session, user, SQL_GOAL, now=NOW)
    session.expire_all()
    stored = get_goal(session, user, goal.id)
    assert stored is not None
    assert (stored.title, stored.theme, stored.status, stored.progress) == (
        "Terminer les 6 modules du cours SQL",
        "technical_skills",
        "active",
        0,
    )
    assert stored.first_steps == ["m'inscrire sur OpenClassrooms"]
    assert stored.review_every_days == 21 and stored.completed_at is None
    assert [(m.position, m.title, m.due_on) for m in stored.milestones] == [
        (1, "2 modules sur 6", dt.date(2026, 12, 4)),
        (2, "3 modules sur 6", dt.date(2026, 12, 17)),
        (3, "4 modules sur 6", dt.date(2026, 12, 28)),
        (4, "6 modules sur 6 : objectif atteint", dt.date(2027, 1, 7)),
    ]
    assert all(m.user_id == user.id and m.done_at is None for m in stored.milestones)


def test_milestones_can_be_given_and_are_checked(session: Session) -> None:
    user = person(session)
    goal = create_goal(
        session,
        user,
        SQL_GOAL,
        now=NOW,
        milestones=[("Module 3", dt.date(2026, 12, 20)), ("Module 1", dt.date(2026, 12, 1))],
    )
    assert [(m.position, m.title) for m in goal.milestones] == [(1, "Module 1"), (2, "Module 3")]
    with pytest.raises(ValueError):
        create_goal(
            session, user, SQL_GOAL, now=NOW, milestones=[("Trop tard", dt.date(2027, 2, 1))]
        )


@pytest.mark.parametrize(
    "fields",
    [
        GoalFields(title="", deadline=dt.date(2027, 1, 7)),
        GoalFields(title="Sans date"),
        GoalFields(title="Hier", deadline=dt.date(2026, 11, 25)),
        GoalFields(title="Aujourd'hui", deadline=dt.date(2026, 11, 26)),
        GoalFields(title="Thème inconnu", theme="luck", deadline=dt.date(2027, 1, 7)),
    ],
)
def test_goals_that_cannot_be_stored(session: Session, fields: GoalFields) -> None:
    user = person(session)
    with pytest.raises(ValueError):
        create_goal(session, user, fields, now=NOW)
    with pytest.raises(ValueError):
        create_goal(session, user, SQL_GOAL, now=NOW, review_every_days=2)
    assert session.scalar(select(func.count()).select_from(Goal)) == 0


def test_progress_is_bounded_by_the_database(session: Session) -> None:
    user = person(session)
    goal = create_goal(session, user, SQL_GOAL, now=NOW)
    goal.progress = 140
    with pytest.raises(IntegrityError), session.begin_nested():
        session.flush()


def test_goals_are_listed_by_deadline_and_only_the_owner_sees_them(session: Session) -> None:
    user, other = person(session), person(session, 5151)
    later = create_goal(session, user, SQL_GOAL, now=NOW)
    sooner = create_goal(
        session, user, GoalFields("Refaire mon CV", deadline=dt.date(2026, 12, 10)), now=NOW
    )
    done = create_goal(
        session, user, GoalFields("Lire 2 livres", deadline=dt.date(2027, 3, 1)), now=NOW
    )
    complete(session, user, done, now=NOW)
    assert [g.id for g in list_goals(session, user)] == [sooner.id, later.id]
    assert [g.id for g in list_goals(session, user, statuses=("done",))] == [done.id]
    assert list_goals(session, other) == []
    assert get_goal(session, other, later.id) is None
    assert get_goal(session, user, str(later.id)) is not None
    assert get_goal(session, user, "abc") is None and get_goal(session, user, True) is None


# --------------------------------------------------------------------------- reminders


def test_one_reminder_per_milestone_at_nine_local_and_periodic_reviews(session: Session) -> None:
    user = person(session)
    goal = create_goal(session, user, SQL_GOAL, now=NOW, review_every_days=14)
    scheduled = schedule_goal_reminders(session, user, goal, NOW)
    milestones = [r for r in scheduled if r.payload["intent"] == MILESTONE_INTENT]
    reviews = [r for r in scheduled if r.payload["intent"] == REVIEW_INTENT]
    assert all(r.kind == "milestone" and r.status == "pending" for r in scheduled)
    # 9:00 in Paris is 8:00 UTC in winter.
    # The first milestone falls on Sunday 6 December: the business day before, Friday 4.
    assert [r.due_at for r in milestones] == [
        dt.datetime(2026, 12, 4, 8, tzinfo=dt.UTC),
        dt.datetime(2026, 12, 17, 8, tzinfo=dt.UTC),
        dt.datetime(2026, 12, 28, 8, tzinfo=dt.UTC),
        dt.datetime(2027, 1, 7, 8, tzinfo=dt.UTC),
    ]
    assert [r.payload["entities"] for r in milestones] == [
        {"goal_id": str(goal.id), "milestone_id": str(m.id)} for m in goal.milestones
    ]
    assert "2 modules sur 6" in milestones[0].payload["text"]
    # Every 14 days before the deadline: 10 and 24 December (neither near a milestone).
    assert [r.due_at for r in reviews] == [
        dt.datetime(2026, 12, 10, 8, tzinfo=dt.UTC),
        dt.datetime(2026, 12, 24, 8, tzinfo=dt.UTC),
    ]
    assert reviews[0].payload["entities"] == {"goal_id": str(goal.id)}
    assert len(pending(session, user)) == 6


def test_a_review_that_falls_on_a_milestone_is_left_out(session: Session) -> None:
    user = person(session)
    goal = create_goal(session, user, SQL_GOAL, now=NOW)  # every 21 days: 17 Dec is a milestone
    scheduled = schedule_goal_reminders(session, user, goal, NOW)
    assert [r.payload["intent"] for r in scheduled] == [MILESTONE_INTENT] * 4


def test_scheduling_again_replaces_the_goals_reminders(session: Session) -> None:
    user = person(session)
    goal = create_goal(session, user, SQL_GOAL, now=NOW, review_every_days=14)
    first = schedule_goal_reminders(session, user, goal, NOW)
    second = schedule_goal_reminders(session, user, goal, NOW)
    assert len(pending(session, user)) == len(second) == len(first) == 6
    session.expire_all()
    assert {session.get(Reminder, r.id).status for r in first} == {"cancelled"}  # type: ignore[union-attr]


def test_past_or_reached_milestones_get_no_reminder(session: Session) -> None:
    user = person(session)
    goal = create_goal(session, user, SQL_GOAL, now=NOW)
    goal.milestones[1].done_at = NOW
    later = NOW + dt.timedelta(days=15)  # 11 December: the first milestone is past
    scheduled = schedule_goal_reminders(session, user, goal, later)
    assert [r.payload["milestone_id"] for r in scheduled if "milestone_id" in r.payload] == [
        goal.milestones[2].id,
        goal.milestones[3].id,
    ]
    # The review chain starts from that day: 1 January, a public holiday, moves to Monday 4
    # January, 3 days before the last milestone (7 January): left out like any review that
    # falls next to a milestone.
    assert [r.due_at.date() for r in scheduled if r.payload["intent"] == REVIEW_INTENT] == []


def test_a_muted_kind_schedules_nothing(session: Session) -> None:
    user = person(session)
    user.muted_kinds = ["milestone"]
    goal = create_goal(session, user, SQL_GOAL, now=NOW)
    assert schedule_goal_reminders(session, user, goal, NOW) == []
    assert pending(session, user) == []


@pytest.mark.parametrize("close", [complete, abandon])
def test_closing_a_goal_cancels_only_its_pending_reminders(session: Session, close) -> None:  # type: ignore[no-untyped-def]
    user = person(session)
    goal = create_goal(session, user, SQL_GOAL, now=NOW, review_every_days=14)
    other = create_goal(
        session, user, GoalFields("Refaire mon CV", deadline=dt.date(2026, 12, 20)), now=NOW
    )
    schedule_goal_reminders(session, user, goal, NOW)
    kept = schedule_goal_reminders(session, user, other, NOW)
    close(session, user, goal, now=NOW)
    session.expire_all()
    assert {r.id for r in pending(session, user)} == {r.id for r in kept}
    cancelled = session.scalars(
        select(Reminder).where(Reminder.user_id == user.id, Reminder.status == "cancelled")
    ).all()
    assert len(cancelled) == 6
    assert {r.last_error for r in cancelled} == {
        "goal_done" if close is complete else "goal_abandoned"
    }
    assert schedule_goal_reminders(session, user, goal, NOW) == [], "closed: nothing more"


def test_completing_marks_everything_reached(session: Session) -> None:
    user = person(session)
    goal = create_goal(session, user, SQL_GOAL, now=NOW)
    complete(session, user, goal, now=NOW)
    session.expire_all()
    stored = get_goal(session, user, goal.id)
    assert stored is not None
    assert (stored.status, stored.progress, stored.completed_at) == ("done", 100, NOW)
    assert all(m.done_at == NOW for m in stored.milestones)


def test_abandoning_keeps_the_goal_in_the_history(session: Session) -> None:
    user = person(session)
    goal = create_goal(session, user, SQL_GOAL, now=NOW)
    abandon(session, user, goal, now=NOW)
    assert goal.status == "abandoned" and goal.completed_at is None
    assert list_goals(session, user, statuses=("abandoned",)) == [goal]


def test_someone_elses_goal_cannot_be_closed(session: Session) -> None:
    user, other = person(session), person(session, 5151)
    goal = create_goal(session, user, SQL_GOAL, now=NOW)
    with pytest.raises(PermissionError):
        complete(session, other, goal, now=NOW)


# --------------------------------------------------------------------------- progress


def test_progress_reaches_milestones_and_cancels_their_reminders(session: Session) -> None:
    user = person(session)
    goal = create_goal(session, user, SQL_GOAL, now=NOW)
    schedule_goal_reminders(session, user, goal, NOW)
    later = NOW + dt.timedelta(days=5)
    result = update_progress(
        session, user, goal, parse_progress("j'ai fini le module 2", goal), now=later
    )
    assert (result.kind, result.before, result.after) == ("progress", 0, 33)
    assert [m.position for m in result.reached] == [1]
    session.expire_all()
    stored = get_goal(session, user, goal.id)
    assert stored is not None and stored.progress == 33 and stored.updated_at == later
    assert [m.done_at is not None for m in stored.milestones] == [True, False, False, False]
    waiting = {r.payload["milestone_id"] for r in pending(session, user)}
    assert waiting == {m.id for m in stored.milestones[1:]}


def test_a_named_step_is_reached_even_ahead_of_the_percentage(session: Session) -> None:
    user = person(session)
    goal = create_goal(session, user, SQL_GOAL, now=NOW)
    result = update_progress(session, user, goal, parse_progress("étape 2 faite", goal), now=NOW)
    assert result.after == 50 and [m.position for m in result.reached] == [1, 2]


def test_lower_progress_is_taken_as_said_and_reached_steps_stay(session: Session) -> None:
    user = person(session)
    goal = create_goal(session, user, SQL_GOAL, now=NOW)
    update_progress(session, user, goal, 60, now=NOW)
    result = update_progress(session, user, goal, parse_progress("plutôt à 40 %", goal), now=NOW)
    assert (result.before, result.after, result.reached) == (60, 40, ())
    assert [m.done_at is not None for m in goal.milestones] == [True, True, False, False]


def test_finishing_completes_and_giving_up_abandons(session: Session) -> None:
    user = person(session)
    goal = create_goal(session, user, SQL_GOAL, now=NOW)
    schedule_goal_reminders(session, user, goal, NOW)
    result = update_progress(session, user, goal, parse_progress("terminé !", goal), now=NOW)
    assert result.kind == "done" and goal.status == "done" and goal.progress == 100
    assert len(result.reached) == 4
    assert pending(session, user) == []
    # A closed goal does not move any more.
    assert update_progress(session, user, goal, 10, now=NOW).kind == "unclear"
    other = create_goal(session, user, SQL_GOAL, now=NOW)
    assert update_progress(
        session, user, other, parse_progress("j'abandonne", other), now=NOW
    ).kind == ("abandon")
    assert other.status == "abandoned"


def test_unclear_or_stalled_messages_change_nothing(session: Session) -> None:
    user = person(session)
    goal = create_goal(session, user, SQL_GOAL, now=NOW)
    for message, kind in (("bof", "unclear"), ("pas encore commencé", "stalled")):
        result = update_progress(session, user, goal, parse_progress(message, goal), now=NOW)
        assert (result.kind, result.after, goal.progress) == (kind, 0, 0)


# --------------------------------------------------------------------------- SWOT


def test_swots_are_kept_with_their_date_and_compared(session: Session) -> None:
    user = person(session)
    first = save_swot(
        session, user, SwotDraft(strengths=("Curiosité",), weaknesses=("SQL", "Oral")), now=NOW
    )
    later = NOW + dt.timedelta(days=42)
    second = save_swot(
        session, user, SwotDraft(strengths=("Curiosité", "SQL"), weaknesses=("Oral",)), now=later
    )
    session.expire_all()
    assert [s.id for s in list_swots(session, user)] == [second.id, first.id]
    latest = latest_swot(session, user)
    assert latest is not None and latest.id == second.id and latest.created_at == later
    before = previous_swot(session, user)
    assert before is not None and before.id == first.id
    assert previous_swot(session, user, before) is None
    result = compare(before, latest)
    assert [(m.item, m.from_quadrant, m.to_quadrant) for m in result.moved] == [
        ("SQL", "weaknesses", "strengths")
    ]


def test_a_saved_swot_can_be_edited_in_place(session: Session) -> None:
    user = person(session)
    row = save_swot(session, user, SwotDraft(strengths=("Curiosité",)), now=NOW)
    later = NOW + dt.timedelta(minutes=5)
    update_swot(session, user, row, SwotDraft(strengths=("Curiosité", "Ténacité")), now=later)
    session.expire_all()
    stored = session.get(Swot, row.id)
    assert stored is not None and stored.strengths == ["Curiosité", "Ténacité"]
    assert (stored.created_at, stored.updated_at) == (NOW, later)
    with pytest.raises(PermissionError):
        update_swot(session, person(session, 5151), stored, SwotDraft(), now=later)


def test_the_swot_is_prefilled_from_stored_feedback_and_successes(session: Session) -> None:
    user = person(session)
    skills = FeedbackAnalysis("constructive", {"technical_skills"}, set(), {})
    for _ in range(2):
        save_feedback(
            session,
            user,
            rejection_id=None,
            text="Votre motivation était très appréciée, mais il vous manquait du SQL.",
            analysis=skills,
        )
    add_entry(session, user, "successes", "• Certificat Excel obtenu\n• Un bel oral à l'école")
    draft = prefill_for(session, user)
    assert draft.weaknesses == (
        "Une compétence technique attendue reste à consolider (revient dans 2 retours)",
    )
    assert draft.strengths[:2] == ("Certificat Excel obtenu", "Un bel oral à l'école")
    assert any(s.startswith("Apprécié dans un retour") for s in draft.strengths[2:])
    assert draft_of(save_swot(session, user, draft, now=NOW)) == draft


# --------------------------------------------------------------------------- STAR

ANSWER = StarDraft(
    question="Racontez une réussite.",
    situation="La clôture mensuelle prenait dix jours dans mon service comptable.",
    task="Je devais réduire ce délai.",
    action="J'ai automatisé les rapprochements et j'ai proposé un nouveau calendrier.",
    result="Le délai est passé de dix à six jours.",
)


def test_star_answers_are_saved_and_listed_newest_first(session: Session) -> None:
    user, other = person(session), person(session, 5151)
    first = save_star(session, user, ANSWER, now=NOW)
    second = save_star(
        session, user, ANSWER.with_part("question", "Un désaccord ?"), now=NOW + dt.timedelta(1)
    )
    save_star(session, other, ANSWER, now=NOW)
    session.expire_all()
    assert [a.id for a in list_stars(session, user)] == [second.id, first.id]
    stored = get_star(session, user, first.id)
    assert stored is not None and stored.result == ANSWER.result
    assert get_star(session, other, first.id) is None
    assert not delete_star(session, other, first.id)
    assert delete_star(session, user, first.id)
    assert [a.id for a in list_stars(session, user)] == [second.id]


def test_an_unfinished_star_answer_is_not_saved(session: Session) -> None:
    user = person(session)
    with pytest.raises(ValueError, match="result"):
        save_star(session, user, ANSWER.with_part("result", ""))
    assert session.scalar(select(func.count()).select_from(StarAnswer)) == 0


# --------------------------------------------------------------------------- privacy


def _everything(session: Session, telegram_user_id: int = 4242) -> User:
    user = person(session, telegram_user_id)
    goal = create_goal(session, user, SQL_GOAL, now=NOW)
    schedule_goal_reminders(session, user, goal, NOW)
    update_progress(session, user, goal, 30, now=NOW)
    create_goal(
        session, user, GoalFields("Refaire mon CV", deadline=dt.date(2026, 12, 20)), now=NOW
    )
    save_swot(session, user, SwotDraft(strengths=("Curiosité",), threats=("Marché",)), now=NOW)
    save_star(session, user, ANSWER, now=NOW)
    return user


def test_export_nests_milestones_in_their_goal(session: Session) -> None:
    _everything(session)
    data = export_user(session, 4242)
    assert "milestones" not in data, "milestones live inside their goal"
    first, second = data["goals"]
    assert first["title"] == "Terminer les 6 modules du cours SQL"
    assert first["deadline"] == "2027-01-07" and first["progress"] == 30
    assert first["first_steps"] == ["m'inscrire sur OpenClassrooms"]
    assert "user_id" not in first
    assert [m["position"] for m in first["milestones"]] == [1, 2, 3, 4]
    milestone = first["milestones"][0]
    assert set(milestone) == {"id", "title", "due_on", "done_at", "position"}
    assert milestone["due_on"] == "2026-12-04" and milestone["done_at"].startswith("2026-11-26")
    assert [m["position"] for m in second["milestones"]] == [1, 2, 3]
    [swot_row] = data["swot"]
    assert swot_row["strengths"] == ["Curiosité"] and swot_row["weaknesses"] == []
    assert swot_row["created_at"].startswith("2026-11-26T10:00")
    [answer] = data["star_answers"]
    assert answer["question"] == ANSWER.question and "user_id" not in answer
    assert {r["kind"] for r in data["reminders"]} == {"milestone"}
    json.dumps(data)  # the whole export is JSON as it stands


def test_delete_removes_goals_milestones_swots_and_answers(session: Session) -> None:
    _everything(session)
    other = _everything(session, 5151)
    assert delete_user(session, 4242)
    again = export_user(session, 4242)
    assert again["user"] is None and again["goals"] == again["swot"] == again["star_answers"] == []
    for model in (Goal, Milestone, Swot, StarAnswer, Reminder):
        owners = set(session.scalars(select(model.user_id)).all())  # type: ignore[attr-defined]
        assert owners == {other.id}, model


def test_cascade_from_users_alone_reaches_the_new_tables(session: Session) -> None:
    user = _everything(session)
    session.execute(text("DELETE FROM users WHERE id = :id"), {"id": user.id})
    for model in (Goal, Milestone, Swot, StarAnswer):
        assert session.scalar(select(func.count()).select_from(model)) == 0, model


def test_deleting_a_goal_deletes_its_milestones(session: Session) -> None:
    user = person(session)
    goal = create_goal(session, user, SQL_GOAL, now=NOW)
    session.execute(text("DELETE FROM goals WHERE id = :id"), {"id": goal.id})
    assert session.scalar(select(func.count()).select_from(Milestone)) == 0
