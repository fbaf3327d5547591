"""The weekly review and its reflection: the week in one message (coach.weekly_review), the
small mood chart when there are moods, then two open questions — the first fitted to the
week — whose answers are saved to the journal."""

from __future__ import annotations

import abc
import datetime as dt
import logging
from typing import Any, Final

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions.common import sessions, settings, telegram_user_id
from coach import weekly_review
from coach.db import transaction
from coach.journal import MAX_TEXT, add_entry
from coach.users import find_user

log = logging.getLogger(__name__)

QUESTIONS = {
    "reflection_progress": "Qu'est-ce qui a avancé cette semaine, même un petit pas ?",
    "reflection_next": "Qu'en retenez-vous, et que voulez-vous essayer la semaine prochaine ?",
}
#: The slot holding the week's own first question (set by the review; the default above
#: when the review could not be read).
QUESTION_SLOT: Final = "reflection_question"
INTRO: Final = (
    "C'est l'heure de votre bilan de la semaine : deux questions, à votre rythme. "
    "Écrivez « passer » pour en sauter une."
)
ASK_TWO: Final = (
    "Deux questions pour finir, à votre rythme (écrivez « passer » pour en sauter une)."
)
WEEK_MOOD_CHART: Final = {"rebond": "week_mood_chart"}
SKIPPED = "(passé)"
_SKIP_WORDS = {"passer", "passe", "skip", "je ne sais pas", "jsp", "rien", "aucune idée"}


def reflection_answer(text: str | None) -> str | None:
    """What to keep for one answer: the text itself, or a marker when the person skips."""
    value = " ".join((text or "").split())
    if not value:
        return None
    if value.lower().strip(" .!") in _SKIP_WORDS:
        return SKIPPED
    return value[:MAX_TEXT]


class ValidateReflectionForm(FormValidationAction):
    def name(self) -> str:
        return "validate_reflection_form"

    async def validate_reflection_progress(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return {"reflection_progress": reflection_answer(value if isinstance(value, str) else None)}

    async def validate_reflection_next(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return {"reflection_next": reflection_answer(value if isinstance(value, str) else None)}


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class ActionWeeklyReview(Action):
    """The weekly check-in's opening: the review of the week, then the chart and the
    question of the week (set in ``reflection_question`` for the form). When the database
    cannot be read, the two questions are still asked, with the default wording."""

    def name(self) -> str:
        return "action_weekly_review"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        uid = telegram_user_id(tracker)
        try:
            with transaction(sessions()) as session:
                user = find_user(session, uid) if uid is not None else None
                week = (
                    weekly_review.collect(
                        session, user, now=_utcnow(), subdiv=settings().holidays_subdiv
                    )
                    if user is not None
                    else None
                )
        except SQLAlchemyError:
            log.exception("could not read the week for the review")
            week = None
        if week is None:
            dispatcher.utter_message(text=INTRO)
            return [SlotSet(QUESTION_SLOT, None)]
        dispatcher.utter_message(text=weekly_review.render(week))
        if week.has_moods:
            dispatcher.utter_message(json_message=WEEK_MOOD_CHART)
        dispatcher.utter_message(text=ASK_TWO)
        return [SlotSet(QUESTION_SLOT, weekly_review.question_for(week))]


def _question(tracker: Tracker, slot: str) -> str:
    """The question asked for ``slot``: the week's own for the first one, when set."""
    chosen = tracker.get_slot(QUESTION_SLOT) if slot == "reflection_progress" else None
    if isinstance(chosen, str) and chosen.strip():
        return chosen
    return QUESTIONS[slot]


class _AskReflection(Action, abc.ABC):
    """The form's question for one slot (custom so that the wording lives in QUESTIONS)."""

    slot = ""

    @abc.abstractmethod
    def name(self) -> str:
        """Abstract: rasa-sdk registers only concrete subclasses."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(text=_question(tracker, self.slot))
        return []


class ActionAskReflectionProgress(_AskReflection):
    slot = "reflection_progress"

    def name(self) -> str:
        return "action_ask_reflection_progress"


class ActionAskReflectionNext(_AskReflection):
    slot = "reflection_next"

    def name(self) -> str:
        return "action_ask_reflection_next"


class ActionSaveReflection(Action):
    def name(self) -> str:
        return "action_save_reflection"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        reset = [SlotSet(slot, None) for slot in (*QUESTIONS, QUESTION_SLOT)]
        uid = telegram_user_id(tracker)
        answers = {slot: tracker.get_slot(slot) for slot in QUESTIONS}
        try:
            with transaction(sessions()) as session:
                user = find_user(session, uid) if uid is not None else None
                if user is None:
                    dispatcher.utter_message(text="Je n'ai rien enregistré : tapez /start d'abord.")
                    return reset
                saved = 0
                for slot, answer in answers.items():
                    if isinstance(answer, str) and answer != SKIPPED:
                        saved += (
                            add_entry(
                                session,
                                user,
                                "reflection",
                                answer,
                                prompt=_question(tracker, slot),
                            )
                            is not None
                        )
        except SQLAlchemyError:
            log.exception("could not save a reflection")
            dispatcher.utter_message(
                text="Je n'ai pas pu enregistrer vos réponses (souci technique). Excusez-moi !"
            )
            return reset
        if saved:
            text = (
                "Merci, c'est noté dans votre journal. Prendre ce temps chaque semaine aide à "
                "voir le chemin parcouru. À la semaine prochaine !"
            )
        else:
            text = "Pas de souci, on fera le point la semaine prochaine."
        dispatcher.utter_message(text=text)
        return reset
