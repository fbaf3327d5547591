"""The action library in the conversation (SPEC §3 flow 9). The words come from
``coach.library``; the goals from ``coach.smart``.

- ``action_library_advice`` (ask_cv_tips, ask_interview_tips, ask_networking,
  ask_skills_training, ask_cultural_fit, ask_overqualification): the topic's advice in one
  message, each next step as a button ``/goal_from_seed{"seed_id":"<topic>:<n>"}``.
  ask_success_story gets two stories and the long-term strategies instead. Nothing is
  stored, so no consent is needed to read advice.
- ``action_goal_from_seed`` (such a button): the next step becomes a SMART goal at once,
  with the seed's fields, a suggested deadline and its milestones, reminders scheduled;
  the confirmation points to /objectifs. Needs consent (``with_user``).
- ``action_review_goals`` (/objectifs): the active goals, each with a button to act on it
  (``actions/goals.py``).
- ``action_goal_reminder`` (a goal's milestone or review reminder, triggered by the bot):
  where that goal stands, with the goal's buttons; the goal becomes the one « fait » or a
  progress message is about.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions.common import button_title, entity, with_user
from actions.goals import (
    EDIT_MODE,
    EDIT_TEXT,
    FOCUS,
    MILESTONE_FOCUS,
    goal_buttons,
    goals_list_buttons,
)
from coach.library import (
    advice,
    advice_message,
    seed_by_id,
    stories_message,
    strategies_message,
)
from coach.models import User
from coach.reminders import user_day
from coach.smart import (
    REVIEW_INTENT,
    create_goal,
    format_goal,
    get_goal,
    goal_created_message,
    goals_message,
    list_goals,
    review_message,
    schedule_goal_reminders,
)

#: The library topic each advice intent answers with.
INTENT_TOPICS: Final = {
    "ask_cv_tips": "cv_letter",
    "ask_interview_tips": "interview",
    "ask_networking": "networking",
    "ask_skills_training": "skills_training",
    "ask_cultural_fit": "cultural_fit",
    "ask_overqualification": "overqualification",
}
STORIES_INTENT: Final = "ask_success_story"
SEE_GOALS: Final = "Retrouvez vos objectifs à tout moment avec /objectifs."
NO_SEED: Final = (
    "Je n'ai pas retrouvé cette étape. Choisissez un thème ci-dessous, puis une étape avec "
    "son bouton : j'en ferai un objectif suivi."
)
TOPIC_BUTTONS: Final[list[dict[str, str]]] = [
    {"title": "📄 CV et lettre", "payload": "/ask_cv_tips"},
    {"title": "🎤 Entretiens", "payload": "/ask_interview_tips"},
    {"title": "🤝 Réseau", "payload": "/ask_networking"},
    {"title": "📚 Compétences et formation", "payload": "/ask_skills_training"},
]
STORY_BUTTONS: Final[list[dict[str, str]]] = [
    {"title": "📚 Compétences et formation", "payload": "/ask_skills_training"},
    {"title": "🤝 Réseau", "payload": "/ask_networking"},
]
GOAL_NOT_CREATED: Final = (
    "Je n'ai pas pu créer cet objectif (souci technique). Réessayez dans un instant avec le "
    "même bouton."
)
UNKNOWN_GOAL: Final = "Cet objectif n'existe plus. " + SEE_GOALS


def _intent(tracker: Tracker) -> str | None:
    name = ((tracker.latest_message or {}).get("intent") or {}).get("name")
    return name if isinstance(name, str) else None


def seed_payload(seed_id: str) -> str:
    return f'/goal_from_seed{{"seed_id":"{seed_id}"}}'


def seed_buttons(topic: str) -> list[dict[str, str]]:
    return [
        {"title": button_title(f"🎯 {seed.title}"), "payload": seed_payload(seed.id)}
        for seed in advice(topic).next_steps
    ]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class ActionLibraryAdvice(Action):
    def name(self) -> str:
        return "action_library_advice"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        intent = _intent(tracker)
        if intent == STORIES_INTENT:
            dispatcher.utter_message(text=stories_message())
            dispatcher.utter_message(text=strategies_message(), buttons=STORY_BUTTONS)
            return []
        topic = INTENT_TOPICS.get(intent or "")
        if topic is None:
            dispatcher.utter_message(text=NO_SEED, buttons=TOPIC_BUTTONS)
            return []
        dispatcher.utter_message(text=advice_message(topic), buttons=seed_buttons(topic))
        return []


class ActionGoalFromSeed(Action):
    def name(self) -> str:
        return "action_goal_from_seed"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        seed_id = entity(tracker, "seed_id")
        seed = seed_by_id(seed_id) if seed_id else None
        if seed is None:
            dispatcher.utter_message(text=NO_SEED, buttons=TOPIC_BUTTONS)
            return []
        now = _now()

        def work(session: Session, user: User) -> str:
            today = user_day(user, now)
            goal = create_goal(session, user, seed.fields(today), now=now)
            schedule_goal_reminders(session, user, goal, now)
            return goal_created_message(goal, today)

        message = with_user(tracker, dispatcher, work, failure=GOAL_NOT_CREATED)
        if message is not None:
            dispatcher.utter_message(text=f"{message}\n\n{SEE_GOALS}")
        return []


class ActionReviewGoals(Action):
    def name(self) -> str:
        return "action_review_goals"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        now = _now()

        def work(session: Session, user: User) -> tuple[str, list[dict[str, str]]]:
            goals = list_goals(session, user)
            text = goals_message(goals, user_day(user, now))
            reached = list_goals(session, user, statuses=("done",))
            if reached:
                names = ", ".join(f"« {goal.title} »" for goal in reached[-3:])
                text += f"\n\n🏁 Déjà atteint{'s' if len(reached) > 1 else ''} : {names}"
                if len(reached) > 3:
                    text += f" (et {len(reached) - 3} autre{'s' if len(reached) > 4 else ''})"
            return text, goals_list_buttons(goals)

        shown = with_user(tracker, dispatcher, work)
        if shown is not None:
            dispatcher.utter_message(text=shown[0], buttons=shown[1])
        return []


class ActionGoalReminder(Action):
    """A goal's reminder came due: the review, or the milestone of the day, with the goal's
    buttons; the conversation is now about that goal (« fait » answers the milestone)."""

    def name(self) -> str:
        return "action_goal_reminder"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        now = _now()
        intent = _intent(tracker)
        goal_id = entity(tracker, "goal_id")
        milestone_id = entity(tracker, "milestone_id")

        def work(session: Session, user: User) -> tuple[str, list[dict[str, str]], bool]:
            today = user_day(user, now)
            if goal_id is None:
                # Not from a reminder (a message read as one): the goals, as /objectifs.
                goals = list_goals(session, user)
                return goals_message(goals, today), goals_list_buttons(goals), False
            goal = get_goal(session, user, goal_id)
            if goal is None:
                return UNKNOWN_GOAL, [], False
            if goal.status != "active":
                return format_goal(goal, today), [], False
            if intent == REVIEW_INTENT:
                return review_message(goal, today), goal_buttons(goal), True
            step = next((m for m in goal.milestones if str(m.id) == str(milestone_id)), None)
            if step is None or step.done_at is not None:
                lead = "Petit point sur votre objectif :"
                return f"{lead}\n{format_goal(goal, today)}", goal_buttons(goal), True
            lead = (
                f"C'est le jour de l'étape « {step.title} » de votre objectif « {goal.title} ». "
                "Où en êtes-vous ? Répondez « fait » si elle est franchie, ou dites-moi où "
                "vous en êtes."
            )
            return lead, goal_buttons(goal, milestone_id=step.id), True

        shown = with_user(tracker, dispatcher, work)
        if shown is None:
            return []
        text, buttons, focused = shown
        dispatcher.utter_message(text=text, buttons=buttons)
        if not focused:
            return []
        return [
            SlotSet(FOCUS, goal_id),
            SlotSet(MILESTONE_FOCUS, milestone_id if intent != REVIEW_INTENT else None),
            # A progress message that was waiting for its goal is not about this reminder.
            SlotSet(EDIT_MODE, None),
            SlotSet(EDIT_TEXT, None),
        ]
