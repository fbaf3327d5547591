"""The crisis answer when the classifier recognises distress the keyword detector missed
(the careful hour that follows it: actions/careful.py).

The relay also triggers the ``crisis`` intent (its own answer already sent) after the
detector fired, so that a form in progress is stopped in the dialogue as well.

Crisis tiers (coach/crisis_tiers.py): the classifier's ``crisis`` on a text the tiers find
ambiguous gets the short check, not the full answer (the relay answers such texts before
Rasa, so this is a second guard); on any other text it is a crisis.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.careful import CLEARED_SLOT
from actions.common import sessions, telegram_user_id
from actions.flow import deactivate_for_safety
from coach.crisis_tiers import (
    AMBIGUOUS,
    SEARCH_BUTTON,
    SEARCH_PAYLOAD,
    UNWELL_BUTTON,
    UNWELL_PAYLOAD,
    ambiguous_check,
    tier,
)
from coach.db import transaction
from coach.safety import CRISIS_REPLY
from coach.users import record_crisis

log = logging.getLogger(__name__)

CHECK_BUTTONS = [
    {"title": SEARCH_BUTTON, "payload": SEARCH_PAYLOAD},
    {"title": UNWELL_BUTTON, "payload": UNWELL_PAYLOAD},
]


class ActionCrisisSupport(Action):
    def name(self) -> str:
        return "action_crisis_support"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        text = (tracker.latest_message or {}).get("text") or ""
        if not text.startswith("/") and tier(text, classifier_crisis=True) == AMBIGUOUS:
            # The classifier's crisis on ambiguous words about the search: the check.
            dispatcher.utter_message(text=ambiguous_check(text), buttons=CHECK_BUTTONS)
            return []
        # The answer goes out first and whatever happens to the database.
        dispatcher.utter_message(text=CRISIS_REPLY)
        uid = telegram_user_id(tracker)
        if uid is not None:
            try:
                with transaction(sessions()) as session:
                    record_crisis(session, uid)
            except SQLAlchemyError:
                log.exception("could not record the safety pause")
        # A form in progress stops here and resumes only when the person asks for it; the
        # careful hour starts again if the person had resumed after an earlier crisis.
        events = deactivate_for_safety(tracker)
        if tracker.get_slot(CLEARED_SLOT) is not None:
            events.append(SlotSet(CLEARED_SLOT, None))
        return events
