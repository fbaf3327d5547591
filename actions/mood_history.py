"""The mood history on request (« mon humeur ce mois-ci », « montre-moi mon humeur »).

``action_show_mood_history`` says what the picture shows, then asks the front-end to draw it
(``{"rebond": "mood_chart"}``, bot/relay.py: ``coach.charts.mood_chart``). Without any mood
recorded yet, it says so and asks how the person feels instead of sending an empty picture.
"""

from __future__ import annotations

from typing import Any, Final

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from actions.common import with_user
from coach.models import Mood, User

MOOD_CHART: Final = {"rebond": "mood_chart"}
SHOWN: Final = (
    "Voici votre humeur jour par jour sur les six dernières semaines : un point par jour (le "
    "moment le plus difficile de la journée), le calendrier en dessous, et vos refus marqués. "
    "Regardez surtout les jours qui suivent chaque refus : c'est là qu'on voit la peine "
    "s'atténuer."
)
NO_MOOD: Final = (
    "Je n'ai encore noté aucune humeur, il n'y a donc rien à dessiner. Comment vous "
    "sentez-vous aujourd'hui ? Dites-le avec vos mots."
)


class ActionShowMoodHistory(Action):
    def name(self) -> str:
        return "action_show_mood_history"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        def work(session: Session, user: User) -> int:
            return int(
                session.scalar(
                    select(func.count()).select_from(Mood).where(Mood.user_id == user.id)
                )
                or 0
            )

        count = with_user(tracker, dispatcher, work)
        if count is None:
            return []
        if count == 0:
            dispatcher.utter_message(text=NO_MOOD)
            return []
        dispatcher.utter_message(text=SHOWN)
        dispatcher.utter_message(json_message=MOOD_CHART)
        return []
