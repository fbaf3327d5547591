"""The person corrects how a feedback was read (``correct_feedback_reading``).

« ce n'est pas un problème de communication », « ajoute : manque d'expérience », « non c'est
pas ça, c'est plutôt l'anglais »: ``coach.feedback_reading`` reads which themes to take out
and put in, ``coach.feedbacks.correct_reading`` stores the corrected reading with the
feedback, and the answer says exactly what changed (« C'est noté : je retire
« Communication » et j'ajoute « Expérience ». »). /bilan, the SWOT and the goal ideas count
the stored themes, so they follow at once.

The feedback corrected is the one being read (``feedback_id``), else the last one recorded.
A message that says the reading is wrong without naming a theme gets one button per theme
shown; one that names none at all gets a short example. In the middle of the five steps the
button to go on comes back.
"""

from __future__ import annotations

from typing import Any, Final

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions.common import with_user
from actions.flow import INTERPRETATION, NEXT_INTERPRETATION_STEP
from actions.interpretation import NO_FEEDBACK, RECORD_BUTTON
from coach.feedback import THEME_LABELS, THEMES
from coach.feedback_reading import (
    apply_correction,
    correction_message,
    parse_correction,
)
from coach.feedbacks import correct_reading, get_feedback, latest_feedback
from coach.models import User

NOT_SAVED: Final = (
    "Je n'ai pas pu enregistrer cette correction (souci technique). Réessayez dans un instant."
)
WHICH_THEME: Final = (
    "Dites-moi quel thème retirer ou ajouter, par exemple « retire Communication » ou "
    "« ajoute : manque d'expérience »."
)


def _typed(tracker: Tracker) -> str:
    text = (tracker.latest_message or {}).get("text") or ""
    return "" if text.startswith("/") else text


def _labels(themes: list[str]) -> str:
    return ", ".join(f"« {THEME_LABELS[t]} »" for t in themes if t in THEME_LABELS)


def _remove_buttons(themes: list[str]) -> list[dict[str, str]]:
    return [
        {"title": f"➖ Retirer « {THEME_LABELS[t]} »"[:60], "payload": f"retire {THEME_LABELS[t]}"}
        for t in themes
        if t in THEME_LABELS
    ]


class ActionCorrectFeedbackReading(Action):
    def name(self) -> str:
        return "action_correct_feedback_reading"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        correction = parse_correction(_typed(tracker))
        reading = tracker.get_slot("flow_step") == INTERPRETATION
        go_on = [NEXT_INTERPRETATION_STEP] if reading else []

        def work(session: Session, user: User) -> None:
            feedback = get_feedback(session, user, tracker.get_slot("feedback_id"))
            feedback = feedback or latest_feedback(session, user)
            if feedback is None:
                dispatcher.utter_message(text=NO_FEEDBACK, buttons=RECORD_BUTTON)
                return
            shown = [t for t in THEMES if t in set(feedback.themes or ())]
            if correction.empty or (
                correction.reject_shown and not correction.add and not correction.remove
            ):
                if shown:
                    dispatcher.utter_message(
                        text=f"J'ai lu dans ce retour : {_labels(shown)}. Lequel retirer ? "
                        "Pour ajouter un thème, écrivez par exemple « ajoute : manque "
                        "d'expérience ».",
                        buttons=[*_remove_buttons(shown), *go_on],
                    )
                else:
                    dispatcher.utter_message(
                        text="Je n'ai relevé aucun thème précis dans ce retour. "
                        + WHICH_THEME.replace("« retire Communication » ou ", ""),
                        buttons=go_on or None,
                    )
                return
            corrected, wanted_add, wanted_remove = apply_correction(shown, correction)
            added, removed = correct_reading(
                session, feedback, add=wanted_add, remove=wanted_remove
            )
            lines = [correction_message(added, removed)]
            if added or removed:
                now_reading = _labels(list(corrected))
                lines.append(
                    f"Lecture retenue pour ce retour : {now_reading}."
                    if now_reading
                    else "Plus aucun thème retenu pour ce retour."
                )
                lines.append("Votre /bilan, le SWOT et les idées d'objectifs en tiennent compte.")
            elif correction.remove and not set(correction.remove) & set(shown):
                lines = [
                    f"Je n'avais pas retenu {_labels(list(correction.remove))} dans ce retour : "
                    "rien à retirer."
                ]
                if shown:
                    lines.append(f"J'y ai lu : {_labels(shown)}.")
            dispatcher.utter_message(text="\n".join(lines), buttons=go_on or None)

        with_user(tracker, dispatcher, work, failure=NOT_SAVED)
        return []
