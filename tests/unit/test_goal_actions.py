"""SMART goals in the conversation against a real SQLite database: a goal written in one's
own words checked criterion by criterion, the questions for what is missing, the
milestones proposed and created with their reminders, progress messages, the goal buttons
and the edit form (progress, new deadline)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions import goals
from actions.common import BUTTON_TITLE_LIMIT, NO_CONSENT, sessions
from actions.flow import CANCELLED
from bot.dispatcher import ALREADY, answer_reminder_button
from coach.db import transaction
from coach.feedback import analyze
from coach.feedbacks import save_feedback
from coach.models import Goal, Milestone, Reminder
from coach.smart import GoalFields, create_goal, milestone_threshold, schedule_goal_reminders
from coach.users import find_user, give_consent

UID = 4848
NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 11, 25)


def tracker(
    slots: dict[str, Any] | None = None,
    *,
    text: str = "",
    intent: str = "inform",
    entities: dict[str, str] | None = None,
    events: list[dict[str, Any]] | None = None,
    active_loop: str | None = None,
) -> Tracker:
    latest = {
        "intent": {"name": intent, "confidence": 1.0},
        "text": text,
        "entities": [{"entity": k, "value": v} for k, v in (entities or {}).items()],
        "metadata": {},
    }
    return Tracker(
        str(UID),
        dict(slots or {}),
        latest,
        list(events or []),
        False,
        None,
        {"name": active_loop} if active_loop else {},
        "action_listen",
    )


def texts(dispatcher: CollectingDispatcher) -> list[str]:
    return [m.get("text") or "" for m in dispatcher.messages]


def payloads(dispatcher: CollectingDispatcher) -> list[str]:
    return [b["payload"] for m in dispatcher.messages for b in m.get("buttons") or []]


def slot_events(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def followup(events: list[dict[str, Any]]) -> str | None:
    return next((e["name"] for e in events if e.get("event") == "followup"), None)


def consent() -> None:
    with transaction(sessions()) as session:
        give_consent(session, UID, first_name="Camille", timezone="Europe/Paris", now=NOW)


def rows(model: Any) -> list[Any]:
    with sessions()() as session:
        return list(session.scalars(select(model).order_by(model.id)))


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(goals, "_now", lambda: NOW)


async def run(
    action: Any, slots: dict[str, Any] | None = None, **kwargs: Any
) -> tuple[CollectingDispatcher, list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker(slots, **kwargs), {})
    return dispatcher, events


async def answer(
    draft: dict[str, Any], text: str, **kwargs: Any
) -> tuple[CollectingDispatcher, dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    out = await goals.ValidateGoalForm().validate_goal_answer(
        text, dispatcher, tracker({goals.DRAFT: draft}, text=text, **kwargs), {}
    )
    return dispatcher, out


def a_goal(title: str = "Terminer les 6 modules du cours SQL", days: int = 30) -> int:
    with transaction(sessions()) as session:
        user = find_user(session, UID)
        assert user is not None
        goal = create_goal(
            session,
            user,
            GoalFields(
                title=title,
                measure="6 modules terminés",
                first_steps=("m'inscrire au cours",),
                theme="technical_skills",
                deadline=TODAY + dt.timedelta(days=days),
            ),
            now=NOW,
        )
        schedule_goal_reminders(session, user, goal, NOW)
        return goal.id


# --------------------------------------------------------------------------- the check


async def test_a_goal_in_own_words_is_checked_and_the_missing_criteria_are_asked(
    action_db: str,
) -> None:
    consent()
    dispatcher, events = await run(
        goals.ActionStartGoal(), text="je veux progresser en SQL", intent="set_goal"
    )
    [summary] = texts(dispatcher)
    assert "✅ Spécifique" in summary and "✅ Pertinent" in summary
    assert "⬜ Mesurable" in summary and "⬜ Daté" in summary
    out = slot_events(events)
    draft = goals.Draft.from_slot(out[goals.DRAFT])
    assert draft is not None and draft.fields.theme == "technical_skills"
    assert out[goals.ANSWER] is None, "criteria are missing: the form asks"
    assert draft.pending(TODAY) == ("measurable", "achievable", "time_bound")
    ask, _ = await run(goals.ActionAskGoalAnswer(), {goals.DRAFT: out[goals.DRAFT]})
    assert "À quoi verrez-vous" in texts(ask)[0]
    assert payloads(ask) == ["passer"]
    assert rows(Goal) == [], "nothing is stored before the person agrees"


async def test_a_request_for_a_goal_starts_from_the_subject(action_db: str) -> None:
    consent()
    dispatcher, events = await run(
        goals.ActionStartGoal(), text="je veux me fixer un objectif", intent="set_goal"
    )
    assert texts(dispatcher) == [goals.GOAL_INTRO]
    draft = goals.Draft.from_slot(slot_events(events)[goals.DRAFT])
    assert draft is not None and draft.fields.title == ""
    assert draft.pending(TODAY)[0] == "specific"


async def test_a_complete_goal_goes_straight_to_the_proposal(action_db: str) -> None:
    consent()
    text = (
        "je veux terminer les 6 modules du cours SQL d'OpenClassrooms d'ici fin janvier pour "
        "combler le manque technique"
    )
    _, events = await run(goals.ActionStartGoal(), text=text, intent="set_goal")
    assert slot_events(events)[goals.ANSWER] == goals.SETTLED


async def test_the_recurring_themes_are_offered_for_the_link_to_feedback(action_db: str) -> None:
    consent()
    with transaction(sessions()) as session:
        user = find_user(session, UID)
        assert user is not None
        for text in (
            "Votre CV comportait plusieurs fautes d'orthographe.",
            "Le CV manquait de clarté et n'était pas adapté à l'offre.",
        ):
            save_feedback(session, user, rejection_id=None, text=text, analysis=analyze(text))
    _, events = await run(goals.ActionStartGoal(), text="je veux progresser", intent="set_goal")
    draft = goals.Draft.from_slot(slot_events(events)[goals.DRAFT])
    assert draft is not None and draft.hint[0] == "application_documents"
    undecided = goals.Draft(fields=GoalFields(title="Ranger mes dossiers"), hint=draft.hint)
    text, buttons = goals._question(undecided, "relevant", TODAY)
    assert "CV et lettre" in text
    assert buttons[0]["payload"] == "CV et lettre"
    assert buttons[-1] == goals.NONE_OF_THESE


async def test_without_consent_nothing_starts(action_db: str) -> None:
    dispatcher, events = await run(
        goals.ActionStartGoal(), text="je veux progresser en SQL", intent="set_goal"
    )
    assert texts(dispatcher) == [NO_CONSENT]
    assert slot_events(events)["flow_stop"] == "quiet"
    required = await goals.ValidateGoalForm().required_slots(
        [], CollectingDispatcher(), tracker({"flow_stop": "quiet"}), {}
    )
    assert required == []
    quiet, events = await run(goals.ActionGoalProposal(), {"flow_stop": "quiet"})
    assert texts(quiet) == [] and slot_events(events) == {"flow_stop": None}


# --------------------------------------------------------------------------- the answers


def sql_draft(**fields: Any) -> dict[str, Any]:
    base = GoalFields(title="Progresser en SQL", theme="technical_skills")
    return goals.Draft(fields=GoalFields(**{**base.__dict__, **fields})).to_slot()


async def test_each_answer_settles_its_criterion_until_the_goal_is_smart() -> None:
    draft = sql_draft()
    said, out = await answer(draft, "terminer les 6 modules du cours")
    assert texts(said)[0].startswith("✅ Mesurable")
    assert out[goals.ANSWER] is None
    draft = out[goals.DRAFT]
    said, out = await answer(draft, "le cours OpenClassrooms, deux soirs par semaine")
    assert texts(said)[0].startswith("✅ Atteignable")
    draft = out[goals.DRAFT]
    said, out = await answer(draft, "dans 1 mois")
    # A month from 25 November is Christmas Day: the goal is due the business day before.
    assert texts(said)[0].startswith("✅ Daté : 24/12/2026")
    assert (
        "Le vendredi 25 décembre est un jour férié : échéance fixée au jeudi 24 décembre, pour "
        "finir avant la pause." in texts(said)[0]
    )
    assert out[goals.ANSWER] == goals.SETTLED
    final = goals.Draft.from_slot(out[goals.DRAFT])
    assert final is not None and final.fields.deadline == dt.date(2026, 12, 24)


async def test_a_vague_measure_is_coached_then_taken_as_written() -> None:
    draft = sql_draft()
    said, out = await answer(draft, "quand je me sentirai à l'aise")
    assert texts(said) == [goals.HINTS["measurable"]]
    assert out[goals.ANSWER] is None
    again = goals.Draft.from_slot(out[goals.DRAFT])
    assert again is not None and again.tries == 1
    said, out = await answer(out[goals.DRAFT], "quand ça ira mieux")
    last = goals.Draft.from_slot(out[goals.DRAFT])
    assert last is not None and "measurable" in last.skipped and last.tries == 0


async def test_optional_criteria_can_be_skipped_but_not_the_date() -> None:
    draft = sql_draft()
    said, out = await answer(draft, "passer")
    assert texts(said) == [goals.SKIPPED]
    skipped = goals.Draft.from_slot(out[goals.DRAFT])
    assert skipped is not None and skipped.skipped == ("measurable",)
    said, out = await answer(out[goals.DRAFT], "je ne sais pas")
    said, out = await answer(out[goals.DRAFT], "passer")
    assert texts(said) == [goals.HINTS["time_bound"]], "a goal needs a date"
    after = goals.Draft.from_slot(out[goals.DRAFT])
    assert after is not None and after.pending(TODAY) == ("time_bound",)


async def test_a_past_date_is_refused() -> None:
    said, out = await answer(
        sql_draft(measure="6 modules", first_steps=("cours",)), "avant le 3 novembre 2026"
    )
    assert out[goals.ANSWER] is None
    assert texts(said) == ["Cette date est déjà passée."]


async def test_the_theme_button_links_the_goal_to_feedback() -> None:
    draft = goals.Draft(
        fields=GoalFields(
            title="Lire 3 livres sur le management", measure="3 livres", first_steps=("une heure",)
        )
    )
    said, out = await answer(draft.to_slot(), "Déroulé de l'entretien")
    result = goals.Draft.from_slot(out[goals.DRAFT])
    assert result is not None and result.fields.theme == "interview_performance"
    assert texts(said)[0] == "✅ Pertinent : Déroulé de l'entretien"


async def test_stopping_inside_the_form() -> None:
    _, out = await answer(sql_draft(), "annuler")
    assert out["flow_stop"] == "cancel" and out["requested_slot"] is None
    dispatcher, events = await run(
        goals.ActionGoalProposal(), {"flow_stop": "cancel", goals.DRAFT: sql_draft()}
    )
    assert texts(dispatcher) == [CANCELLED]
    assert slot_events(events)[goals.DRAFT] is None


async def test_an_emoji_answer_is_asked_again_kindly() -> None:
    said, out = await answer(sql_draft(), "👍")
    assert texts(said)[0].startswith(goals.NO_WORDS)
    assert out == {goals.ANSWER: None, "ask_quietly": True}


# --------------------------------------------------------------------------- the proposal


def smart_draft(steps: int | None = None) -> dict[str, Any]:
    return goals.Draft(
        fields=GoalFields(
            title="Terminer les 6 modules du cours SQL",
            measure="6 modules terminés",
            first_steps=("m'inscrire au cours",),
            theme="technical_skills",
            deadline=TODAY + dt.timedelta(days=10),
        ),
        steps=steps,
    ).to_slot()


async def test_the_proposal_lists_the_milestones_and_their_buttons() -> None:
    dispatcher, _ = await run(goals.ActionGoalProposal(), {goals.DRAFT: smart_draft()})
    [text] = texts(dispatcher)
    assert "Je vous propose 2 étapes" in text
    assert "1. 3 modules sur 6 (30/11)" in text
    assert "2. 6 modules sur 6 : objectif atteint (05/12)" in text
    ops = [p.split('"goal_op":"')[1].split('"')[0] for p in payloads(dispatcher)]
    assert ops == ["create", "more", "fewer", "redate", "drop"]
    more, events = await run(
        goals.ActionGoalAction(),
        {goals.DRAFT: smart_draft()},
        intent="goal_action",
        entities={"goal_op": "more"},
    )
    assert "Je vous propose 3 étapes" in texts(more)[0]
    assert slot_events(events)[goals.DRAFT]["steps"] == 3


async def test_creating_the_goal_stores_milestones_and_reminders(action_db: str) -> None:
    consent()
    dispatcher, events = await run(
        goals.ActionGoalAction(),
        {goals.DRAFT: smart_draft()},
        intent="goal_action",
        entities={"goal_op": "create"},
    )
    [goal] = rows(Goal)
    assert goal.title == "Terminer les 6 modules du cours SQL"
    assert goal.deadline == dt.date(2026, 12, 5)
    assert [(m.title, m.due_on) for m in rows(Milestone)] == [
        ("3 modules sur 6", dt.date(2026, 11, 30)),
        ("6 modules sur 6 : objectif atteint", dt.date(2026, 12, 5)),
    ]
    reminders = rows(Reminder)
    assert [r.payload["intent"] for r in reminders] == ["EXTERNAL_goal_milestone"] * 2
    assert "nouvel objectif" in texts(dispatcher)[0]
    assert slot_events(events) == {
        goals.DRAFT: None,
        goals.ANSWER: None,
        goals.FOCUS: str(goal.id),
    }


async def test_another_deadline_goes_back_to_the_date_question() -> None:
    _, events = await run(
        goals.ActionGoalAction(),
        {goals.DRAFT: smart_draft()},
        intent="goal_action",
        entities={"goal_op": "redate"},
    )
    draft = goals.Draft.from_slot(slot_events(events)[goals.DRAFT])
    assert draft is not None and draft.pending(TODAY) == ("time_bound",)
    assert followup(events) == goals.FORM


async def test_an_old_create_button_without_a_draft(action_db: str) -> None:
    dispatcher, _ = await run(
        goals.ActionGoalAction(), intent="goal_action", entities={"goal_op": "create"}
    )
    assert texts(dispatcher) == [goals.NO_DRAFT]
    assert rows(Goal) == []


# --------------------------------------------------------------------------- progress


async def test_a_progress_message_moves_the_only_goal(action_db: str) -> None:
    consent()
    goal_id = a_goal()
    dispatcher, events = await run(
        goals.ActionGoalProgress(), text="j'ai fini le module 3", intent="goal_progress"
    )
    [goal] = rows(Goal)
    assert goal.progress == 50
    assert "avance à 50 %" in texts(dispatcher)[0]
    assert slot_events(events)[goals.FOCUS] == str(goal_id)


AFTER_REMINDER: list[dict[str, Any]] = [
    {"event": "user", "text": "EXTERNAL: EXTERNAL_goal_milestone"},
    {"event": "action", "name": "action_goal_reminder"},
    {"event": "action", "name": "action_listen"},
    {"event": "user", "text": "fait"},
]


async def test_fait_after_a_milestone_reminder_reaches_that_milestone(action_db: str) -> None:
    consent()
    goal_id = a_goal()
    first = rows(Milestone)[0]
    pending_before = [r for r in rows(Reminder) if r.status == "pending"]
    dispatcher, events = await run(
        goals.ActionGoalProgress(),
        {goals.FOCUS: str(goal_id), goals.MILESTONE_FOCUS: str(first.id)},
        text="fait",
        intent="goal_progress",
        events=AFTER_REMINDER,
    )
    reached = rows(Milestone)[0]
    assert reached.done_at is not None
    assert rows(Goal)[0].progress == milestone_threshold(1, len(rows(Milestone)))
    assert "Étape franchie" in texts(dispatcher)[0]
    assert slot_events(events)[goals.MILESTONE_FOCUS] is None
    pending_after = [r for r in rows(Reminder) if r.status == "pending"]
    assert len(pending_after) == len(pending_before) - 1, "that milestone's reminder goes"


async def test_the_milestone_button_works_with_the_milestone_alone(action_db: str) -> None:
    consent()
    a_goal()
    first = rows(Milestone)[0]
    dispatcher, _ = await run(
        goals.ActionGoalAction(),
        intent="goal_action",
        entities={"goal_op": "milestone", "milestone_id": str(first.id)},
    )
    assert rows(Milestone)[0].done_at is not None
    assert "Étape franchie" in texts(dispatcher)[0]


async def test_with_several_goals_the_person_picks_one_and_nothing_is_lost(
    action_db: str,
) -> None:
    consent()
    a_goal("Terminer les 6 modules du cours SQL")
    second = a_goal("Faire 4 entretiens blancs", days=20)
    dispatcher, events = await run(
        goals.ActionGoalProgress(), text="j'en suis à 40 %", intent="goal_progress"
    )
    assert texts(dispatcher) == [goals.WHICH_GOAL]
    out = slot_events(events)
    assert out[goals.EDIT_MODE] == goals.MODE_PENDING
    chosen, _ = await run(
        goals.ActionGoalAction(),
        out,
        intent="goal_action",
        entities={"goal_op": "apply", "goal_id": str(second)},
    )
    assert {g.id: g.progress for g in rows(Goal)}[second] == 40
    assert "40 %" in texts(chosen)[0]
    named, _ = await run(
        goals.ActionGoalProgress(),
        text="j'ai fait 2 entretiens blancs sur 4",
        intent="goal_progress",
    )
    assert "Faire 4 entretiens blancs" in texts(named)[0], "the goal's words pick it"


async def test_c_est_fait_right_after_a_feedback_request_is_about_the_request(
    action_db: str,
) -> None:
    consent()
    a_goal()
    history = [
        {"event": "action", "name": "action_write_draft"},
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": "c'est fait"},
    ]
    _, events = await run(
        goals.ActionGoalProgress(), text="c'est fait", intent="goal_progress", events=history
    )
    assert followup(events) == "action_request_sent"
    assert rows(Goal)[0].progress == 0


async def test_no_goal_yet(action_db: str) -> None:
    consent()
    dispatcher, _ = await run(goals.ActionGoalProgress(), text="fait", intent="goal_progress")
    assert texts(dispatcher) == [goals.NO_GOALS]
    assert payloads(dispatcher) == ["/set_goal"]


async def test_done_abandon_and_keep(action_db: str) -> None:
    consent()
    goal_id = a_goal()
    asked, _ = await run(
        goals.ActionGoalAction(),
        intent="goal_action",
        entities={"goal_op": "abandon", "goal_id": str(goal_id)},
    )
    assert rows(Goal)[0].status == "active", "setting aside asks first"
    assert any('"abandon_yes"' in p for p in payloads(asked))
    await run(
        goals.ActionGoalAction(),
        intent="goal_action",
        entities={"goal_op": "abandon_yes", "goal_id": str(goal_id)},
    )
    assert rows(Goal)[0].status == "abandoned"
    assert all(r.status == "cancelled" for r in rows(Reminder))
    late, _ = await run(
        goals.ActionGoalAction(),
        intent="goal_action",
        entities={"goal_op": "done", "goal_id": str(goal_id)},
    )
    assert texts(late) == [goals.CLOSED_GOAL]
    other = a_goal("Faire 4 entretiens blancs")
    done, _ = await run(
        goals.ActionGoalAction(),
        intent="goal_action",
        entities={"goal_op": "done", "goal_id": str(other)},
    )
    assert "Bravo" in texts(done)[0]
    assert {g.id: g.status for g in rows(Goal)}[other] == "done"


async def test_another_persons_goal_is_unknown(action_db: str) -> None:
    consent()
    goal_id = a_goal()
    with transaction(sessions()) as session:
        give_consent(session, UID + 1, first_name="Alex", timezone="Europe/Paris", now=NOW)
    dispatcher = CollectingDispatcher()
    other = Tracker(
        str(UID + 1),
        {},
        {
            "intent": {"name": "goal_action", "confidence": 1.0},
            "text": "",
            "entities": [
                {"entity": "goal_op", "value": "done"},
                {"entity": "goal_id", "value": str(goal_id)},
            ],
        },
        [],
        False,
        None,
        {},
        "action_listen",
    )
    await goals.ActionGoalAction().run(dispatcher, other, {})
    assert texts(dispatcher) == [goals.UNKNOWN_GOAL]
    assert rows(Goal)[0].status == "active"


def test_every_goal_button_fits_telegram() -> None:
    goal = Goal(id=987654, title="x" * 300, status="active", milestones=[])
    for button in [
        *goals.goal_buttons(goal, milestone_id=987654),
        *goals.choose_buttons([goal]),
        *goals.goals_list_buttons([goal]),
    ]:
        assert len(button["title"]) <= BUTTON_TITLE_LIMIT
        assert len(f"p:{button['payload']}".encode()) <= 64


# --------------------------------------------------------------------------- the edit form


async def edit(mode: str, text: str) -> tuple[CollectingDispatcher, dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    out = await goals.ValidateGoalEditForm().validate_goal_edit_text(
        text, dispatcher, tracker({goals.EDIT_MODE: mode, goals.FOCUS: "1"}, text=text), {}
    )
    return dispatcher, out


def milestone_rows() -> list[tuple[int, int, str, dt.date, bool]]:
    """(id, position, title, due date, reached) of every milestone, by id."""
    return [(m.id, m.position, m.title, m.due_on, m.done_at is not None) for m in rows(Milestone)]


async def test_a_new_deadline_spreads_the_remaining_milestones(action_db: str) -> None:
    consent()
    goal_id = a_goal(days=30)
    before = milestone_rows()
    # The first step's even day is Saturday 5 December: it moves to the Friday before.
    assert [(due, reached) for *_, due, reached in before] == [
        (dt.date(2026, 12, 4), False),
        (dt.date(2026, 12, 15), False),
        (dt.date(2026, 12, 25), False),
    ]
    _, out = await edit(goals.MODE_DEADLINE, "dans 2 mois")
    assert out[goals.EDIT_TEXT] == "2027-01-25"
    dispatcher, _ = await run(
        goals.ActionFinishGoalEdit(),
        {
            goals.EDIT_MODE: goals.MODE_DEADLINE,
            goals.EDIT_TEXT: "2027-01-25",
            goals.FOCUS: str(goal_id),
        },
    )
    [goal] = rows(Goal)
    assert goal.deadline == dt.date(2027, 1, 25)
    # The same three milestones (none deleted, none added, order and titles kept), moved:
    # 61 days from 2026-11-25 to 2027-01-25, so today + round(61 * i / 3) = +20, +41, +61 days.
    moved = [dt.date(2026, 12, 15), dt.date(2027, 1, 5), dt.date(2027, 1, 25)]
    assert milestone_rows() == [
        (id_, position, title, due, False)
        for (id_, position, title, _, _), due in zip(before, moved, strict=True)
    ]
    assert "nouvelle échéance" in texts(dispatcher)[0]
    # One pending reminder per milestone, on its new date; the old ones are cancelled.
    pending = [r for r in rows(Reminder) if r.status == "pending"]
    assert all(r.payload["goal_id"] == goal_id for r in pending)
    assert sorted((r.payload["milestone_id"], r.due_at.date()) for r in pending) == [
        (id_, due) for (id_, *_), due in zip(before, moved, strict=True)
    ]
    cancelled = [r for r in rows(Reminder) if r.status == "cancelled"]
    # The old last step was on Christmas Day: its reminder had moved to the next business day.
    reminded = {dt.date(2026, 12, 25): dt.date(2026, 12, 28)}
    assert sorted((r.payload["milestone_id"], r.due_at.date()) for r in cancelled) == [
        (id_, reminded.get(due, due)) for id_, _, _, due, _ in before
    ]


async def test_the_edit_form_reads_progress_and_refuses_a_past_date() -> None:
    said, out = await edit(goals.MODE_DEADLINE, "le 3 novembre 2026")
    assert out[goals.EDIT_TEXT] is None and "passée" in texts(said)[0]
    said, out = await edit(goals.MODE_DEADLINE, "bientôt")
    assert out[goals.EDIT_TEXT] is None and texts(said) == [goals.HINTS["time_bound"]]
    _, out = await edit(goals.MODE_PROGRESS, "j'abandonne")
    assert out == {goals.EDIT_TEXT: "j'abandonne"}, "about the goal, not the form"
    _, out = await edit(goals.MODE_DEADLINE, "annuler")
    assert out["flow_stop"] == "cancel"


async def test_progress_given_in_the_edit_form(action_db: str) -> None:
    consent()
    goal_id = a_goal()
    dispatcher, events = await run(
        goals.ActionFinishGoalEdit(),
        {goals.EDIT_MODE: goals.MODE_PROGRESS, goals.EDIT_TEXT: "4/6", goals.FOCUS: str(goal_id)},
    )
    assert rows(Goal)[0].progress == 67
    assert slot_events(events) == {
        goals.EDIT_TEXT: None,
        goals.EDIT_MODE: None,
        "flow_stop": None,
    }
    assert "67 %" in texts(dispatcher)[0]


async def test_a_new_goal_read_as_progress_starts_the_goal(action_db: str) -> None:
    consent()
    a_goal()
    _, events = await run(
        goals.ActionGoalProgress(),
        text="objectif : terminer les 4 chapitres du livre Python d'ici un mois",
        intent="goal_progress",
    )
    assert followup(events) == "action_start_goal"
    assert rows(Goal)[0].progress == 0


# --------------------------------------------------------------------------- the second read


async def test_a_bare_yes_to_a_review_asks_what_is_done(action_db: str) -> None:
    consent()
    goal_id = a_goal()
    history = [
        {"event": "user", "text": "EXTERNAL: EXTERNAL_goal_review"},
        {"event": "action", "name": "action_goal_reminder"},
        {"event": "user", "text": "oui c'est bon"},
    ]
    asked, _ = await run(
        goals.ActionGoalProgress(),
        {goals.FOCUS: str(goal_id)},
        text="oui c'est bon",
        intent="affirm",
        events=history,
    )
    assert rows(Goal)[0].status == "active", "nothing closed without saying what"
    assert texts(asked)[0].startswith("Bravo ! Qu'est-ce qui est fait")
    ops = [p.split('"goal_op":"')[1].split('"')[0] for p in payloads(asked)]
    assert ops == ["done", "milestone", "keep"]


async def test_c_est_fait_after_a_request_even_with_an_old_goal_focus(action_db: str) -> None:
    consent()
    goal_id = a_goal()
    history = [
        {"event": "action", "name": "action_write_draft"},
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": "c'est fait"},
    ]
    _, events = await run(
        goals.ActionGoalProgress(),
        {goals.FOCUS: str(goal_id)},
        text="c'est fait",
        intent="goal_progress",
        events=history,
    )
    assert followup(events) == "action_request_sent"
    assert rows(Goal)[0].status == "active"


async def test_the_reminder_goal_wins_over_a_word_shared_with_another_goal(
    action_db: str,
) -> None:
    consent()
    a_goal("Terminer les 6 modules du cours SQL")
    cv = a_goal("Refaire mon CV pour les postes de data", days=20)
    first_cv = next(m for m in rows(Milestone) if m.goal_id == cv)
    history = [
        {"event": "action", "name": "action_goal_reminder"},
        {"event": "user", "text": "c'est fait, j'ai même suivi un cours en ligne"},
    ]
    await run(
        goals.ActionGoalProgress(),
        {goals.FOCUS: str(cv), goals.MILESTONE_FOCUS: str(first_cv.id)},
        text="c'est fait, j'ai même suivi un cours en ligne",
        intent="goal_progress",
        events=history,
    )
    progress = {g.title: g.progress for g in rows(Goal)}
    assert progress["Terminer les 6 modules du cours SQL"] == 0
    assert next(m.done_at is not None for m in rows(Milestone) if m.goal_id == cv)


async def test_a_pending_progress_message_is_forgotten_by_other_buttons(action_db: str) -> None:
    consent()
    a_goal("Terminer les 6 modules du cours SQL")
    second = a_goal("Faire 4 entretiens blancs", days=20)
    pending = {goals.EDIT_MODE: goals.MODE_PENDING, goals.EDIT_TEXT: "j'en suis à 40 %"}
    _, events = await run(
        goals.ActionGoalAction(),
        pending,
        intent="goal_action",
        entities={"goal_op": "update", "goal_id": str(second)},
    )
    assert all(g.progress == 0 for g in rows(Goal))
    assert slot_events(events)[goals.EDIT_MODE] == goals.MODE_PROGRESS
    assert followup(events) == goals.EDIT_FORM, "the question is asked"


@pytest.mark.parametrize(
    "text",
    [
        "je dois encore finir le module 3",
        "je veux changer la date de mon objectif",
        "mon objectif est presque atteint",
        "je voudrais faire le point sur mon objectif SQL",
    ],
)
async def test_progress_words_never_open_a_new_goal(action_db: str, text: str) -> None:
    consent()
    a_goal()
    _, events = await run(goals.ActionGoalProgress(), text=text, intent="goal_progress")
    assert followup(events) is None


async def test_typed_abandon_is_confirmed(action_db: str) -> None:
    consent()
    a_goal()
    asked, _ = await run(
        goals.ActionGoalProgress(), text="je laisse tomber cet objectif", intent="goal_progress"
    )
    assert rows(Goal)[0].status == "active"
    assert any('"abandon_yes"' in p for p in payloads(asked))


async def test_pausing_the_edit_form_changes_nothing_and_keeps_an_earlier_pause(
    action_db: str,
) -> None:
    _, out = await edit(goals.MODE_DEADLINE, "on en reparle demain")
    assert out["flow_stop"] == "cancel"
    _, out = await edit(goals.MODE_DEADLINE, "garder la date")
    assert out["flow_stop"] == "cancel"
    dispatcher, events = await run(
        goals.ActionFinishGoalEdit(),
        {"flow_stop": "cancel", "paused_flow": "intake_form", goals.EDIT_MODE: "deadline"},
    )
    assert texts(dispatcher) == [goals.KEPT_AS_IS]
    assert "paused_flow" not in slot_events(events)


async def test_a_shorter_deadline_keeps_reached_milestones_within_it(action_db: str) -> None:
    consent()
    goal_id = a_goal(days=60)
    await run(
        goals.ActionFinishGoalEdit(),
        {goals.EDIT_MODE: goals.MODE_PROGRESS, goals.EDIT_TEXT: "4/6", goals.FOCUS: str(goal_id)},
    )
    await run(
        goals.ActionFinishGoalEdit(),
        {
            goals.EDIT_MODE: goals.MODE_DEADLINE,
            goals.EDIT_TEXT: (TODAY + dt.timedelta(days=14)).isoformat(),
            goals.FOCUS: str(goal_id),
        },
    )
    [goal] = rows(Goal)
    assert goal.deadline == dt.date(2026, 12, 9)
    assert all(m.due_on <= goal.deadline for m in rows(Milestone))
    # 4/6 reached the first two of the four milestones (due 12-10 and 12-25): they stay, reached,
    # brought back to the new deadline; the two open ones share the 14 days (+7, +14).
    assert [(position, due, reached) for _, position, _, due, reached in milestone_rows()] == [
        (1, dt.date(2026, 12, 9), True),
        (2, dt.date(2026, 12, 9), True),
        (3, dt.date(2026, 12, 2), False),
        (4, dt.date(2026, 12, 9), False),
    ]


async def test_fait_on_a_plain_milestone_reminder_reaches_the_milestone(action_db: str) -> None:
    consent()
    a_goal()
    first = rows(Milestone)[0]
    [reminder] = [r for r in rows(Reminder) if r.payload.get("milestone_id") == first.id]
    answer = answer_reminder_button(sessions(), UID, f"p:rem:done:{reminder.id}", now=NOW)
    assert answer is not None and f"Étape franchie : « {first.title} »" in answer
    assert rows(Milestone)[0].done_at is not None
    again = answer_reminder_button(sessions(), UID, f"p:rem:done:{reminder.id}", now=NOW)
    assert again == ALREADY
    assert rows(Goal)[0].progress == milestone_threshold(1, len(rows(Milestone)))


async def test_not_knowing_the_subject_gets_ideas_never_a_title() -> None:
    draft = goals.Draft(hint=("application_documents",)).to_slot()
    for _ in range(3):
        said, out = await answer(draft, "je sais pas trop")
        draft = out[goals.DRAFT]
        assert "un CV adapté à chaque type de poste visé" in texts(said)[0]
    final = goals.Draft.from_slot(draft)
    assert final is not None and final.fields.title == ""
    assert final.pending(TODAY)[0] == "specific"


# --------------------------------------------------------------------------- business days


def test_goal_reminders_fall_on_weekday_mornings(action_db: str) -> None:
    consent()
    with transaction(sessions()) as session:
        user = find_user(session, UID)
        assert user is not None
        goal = create_goal(
            session,
            user,
            GoalFields(
                title="Terminer les 6 modules du cours SQL",
                measure="6 modules terminés",
                theme="technical_skills",
                deadline=dt.date(2027, 2, 26),
            ),
            now=NOW,
            review_every_days=10,  # from a Wednesday: the 2nd review would be a Saturday
        )
        schedule_goal_reminders(session, user, goal, NOW)
    pending = [r for r in rows(Reminder) if r.status == "pending"]
    assert any(r.payload.get("review") for r in pending)
    paris = ZoneInfo("Europe/Paris")
    for reminder in pending:
        local = reminder.due_at.astimezone(paris)
        assert local.weekday() < 5 and local.hour == 9, local
    assert all(m.due_on.weekday() < 5 for m in rows(Milestone))


async def test_a_new_deadline_on_a_sunday_becomes_the_friday_before(action_db: str) -> None:
    consent()
    goal_id = a_goal(days=30)
    await run(
        goals.ActionFinishGoalEdit(),
        {
            goals.EDIT_MODE: goals.MODE_DEADLINE,
            goals.EDIT_TEXT: "2027-01-31",  # « d'ici fin janvier »: a Sunday
            goals.FOCUS: str(goal_id),
        },
    )
    [goal] = rows(Goal)
    assert goal.deadline == dt.date(2027, 1, 29)
    assert max(m.due_on for m in rows(Milestone)) == dt.date(2027, 1, 29)
    assert all(m.due_on.weekday() < 5 for m in rows(Milestone))
