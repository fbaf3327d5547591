"""The weekly reflection check-in: two open questions, answers saved to the journal."""

from __future__ import annotations

import abc
import logging
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions.common import sessions, telegram_user_id
from coach.db import transaction
from coach.journal import MAX_TEXT, add_entry
from coach.users import find_user

log = logging.getLogger(__name__)

QUESTIONS = {
    "reflection_progress": "Qu'est-ce qui a avancé cette semaine, même un petit pas ?",
    "reflection_next": "Qu'en retenez-vous, et que voulez-vous essayer la semaine prochaine ?",
}
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


class _AskReflection(Action, abc.ABC):
    """The form's question for one slot (custom so that the wording lives in QUESTIONS)."""

    slot = ""

    @abc.abstractmethod
    def name(self) -> str:
        """Abstract: rasa-sdk registers only concrete subclasses."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(text=QUESTIONS[self.slot])
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
        reset = [SlotSet(slot, None) for slot in QUESTIONS]
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
                            add_entry(session, user, "reflection", answer, prompt=QUESTIONS[slot])
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
