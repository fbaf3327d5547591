"""The crisis answer when the classifier recognises distress the keyword detector missed.

The relay also triggers the ``crisis`` intent (its own answer already sent) after the
detector fired, so that a form in progress is stopped in the dialogue as well."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.common import sessions, telegram_user_id
from actions.flow import deactivate_for_safety
from coach.db import transaction
from coach.safety import CRISIS_REPLY
from coach.users import record_crisis

log = logging.getLogger(__name__)


class ActionCrisisSupport(Action):
    def name(self) -> str:
        return "action_crisis_support"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        # The answer goes out first and whatever happens to the database.
        dispatcher.utter_message(text=CRISIS_REPLY)
        uid = telegram_user_id(tracker)
        if uid is not None:
            try:
                with transaction(sessions()) as session:
                    record_crisis(session, uid)
            except SQLAlchemyError:
                log.exception("could not record the safety pause")
        # A form in progress stops here and resumes only when the person asks for it.
        return deactivate_for_safety(tracker)
