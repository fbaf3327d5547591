"""STAR answers for interviews (SPEC §3 flow 9): built one part at a time, checked, saved.
The words and the checks come from ``coach.star``.

- ``action_start_star`` ("aide-moi à préparer une réponse STAR", "méthode STAR"): a word
  on the method, then ``star_form`` asks the interview question (the suggested questions
  as numbered buttons, or the person's own), then situation, task, action and result.
- ``action_check_star`` (the form is complete): the answer laid out and what a recruiter
  would find weak (``check_star``), with one button per flagged part to write it again
  (``action_star_redo``: that part is asked again, the others are kept) and « C'est bon »
  (``action_save_star``). An answer with nothing flagged is saved at once.
- ``action_list_stars`` ("mes réponses STAR"): the saved answers.

The form stops like the others (``actions/flow.py``): "on en reparle demain", /annuler,
or a crisis message; « on reprend » brings it back with the parts already written.
Nothing is stored before the answer is saved, and only with consent (``with_user``).
"""

from __future__ import annotations

import abc
from typing import Any, Final

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from actions.common import QuietAsk, button_title, has_letters, with_user
from actions.flow import interrupted, stop_events
from actions.interpretation import set_aside
from coach.models import User
from coach.star import (
    PART_LABELS,
    PART_PROMPTS,
    PARTS,
    SUGGESTED_QUESTIONS,
    StarDraft,
    check_star,
    flags_message,
    format_star,
    list_stars,
    save_star,
    stars_message,
)

FORM: Final = "star_form"
#: The form's slot for each part of the answer, the question first.
SLOTS: Final = {part: f"star_{part}" for part in ("question", *PARTS)}
STAR_INTRO: Final = (
    "Construisons une réponse avec la méthode STAR : Situation, Tâche, Action, Résultat. "
    "Je vous pose une question à la fois ; à la fin, je relis l'ensemble avec vous. "
    "(/annuler pour arrêter, « on en reparle demain » pour faire une pause)"
)
QUESTION_BUTTONS: Final = [
    {"title": button_title(f"{n}. {question}"), "payload": str(n)}
    for n, question in enumerate(SUGGESTED_QUESTIONS, start=1)
]
ACCEPT_BUTTON: Final = {"title": "✅ C'est bon", "payload": "/star_accept"}
NO_WORDS: Final = "Je ne vois pas de mots dans ce message. Écrivez quelques phrases : "
SET_ASIDE: Final = (
    "Je mets votre réponse STAR de côté, avec ce que vous avez déjà écrit : écrivez « on "
    "reprend » pour la terminer."
)
SAVE_FAILED: Final = (
    "Je n'ai pas pu enregistrer cette réponse (souci technique). Elle reste en mémoire : "
    "réessayez avec « C'est bon » dans un instant."
)
NOTHING_TO_SAVE: Final = "Je n'ai pas de réponse STAR en cours. On en prépare une ?"
START_BUTTON: Final = [{"title": "⭐ Préparer une réponse STAR", "payload": "/ask_star"}]
SAVED: Final = "C'est enregistré ✅ Voici votre réponse, prête à être répétée à voix haute :"
SEE_ALL: Final = "Retrouvez-les toutes en écrivant « mes réponses STAR »."


def draft(tracker: Tracker) -> StarDraft:
    """The answer as far as the slots go."""
    values = {
        part: value if isinstance(value := tracker.get_slot(slot), str) else ""
        for part, slot in SLOTS.items()
    }
    return StarDraft(**values)


def _reset() -> list[dict[str, Any]]:
    return [SlotSet(slot, None) for slot in SLOTS.values()]


def redo_buttons(parts: list[str]) -> list[dict[str, str]]:
    return [
        {
            "title": f"✏️ Reprendre : {PART_LABELS[part]}",
            "payload": f'/star_redo{{"star_part":"{part}"}}',
        }
        for part in parts
    ] + [ACCEPT_BUTTON]


class ActionStartStar(Action):
    def name(self) -> str:
        return "action_start_star"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(text=STAR_INTRO)
        # paused_flow stays: a flow set aside before this answer can still be resumed.
        return [*_reset(), SlotSet("ask_quietly", None), SlotSet("flow_stop", None)]


# --------------------------------------------------------------------------- the form


def _suggested(text: str) -> str | None:
    """ "3" (a button) is the third suggested question."""
    stripped = text.strip().rstrip(".")
    if stripped.isdigit() and 1 <= int(stripped) <= len(SUGGESTED_QUESTIONS):
        return SUGGESTED_QUESTIONS[int(stripped) - 1]
    return None


class ValidateStarForm(FormValidationAction):
    def name(self) -> str:
        return "validate_star_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        return [] if tracker.get_slot("flow_stop") else list(SLOTS.values())

    def _part(
        self, part: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> dict[str, Any]:
        slot = SLOTS[part]
        if value is None:
            return {slot: None}
        text = " ".join(str(value).split())
        if part == "question" and _suggested(text):
            return {slot: _suggested(text)}
        cut = interrupted(slot, text, dispatcher, tracker)
        if cut is not None:
            if cut.aside is None:
                return cut.slots
            _ask(dispatcher, part)
            return {slot: None, "ask_quietly": True}
        if not has_letters(text):
            dispatcher.utter_message(text=NO_WORDS + PART_PROMPTS[part])
            return {slot: None, "ask_quietly": True}
        return {slot: getattr(StarDraft().with_part(part, text), part)}

    async def validate_star_question(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._part("question", value, dispatcher, tracker)

    async def validate_star_situation(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._part("situation", value, dispatcher, tracker)

    async def validate_star_task(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._part("task", value, dispatcher, tracker)

    async def validate_star_action(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._part("action", value, dispatcher, tracker)

    async def validate_star_result(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._part("result", value, dispatcher, tracker)


def _ask(dispatcher: CollectingDispatcher, part: str) -> None:
    if part == "question":
        numbered = "\n".join(f"{n}. {q}" for n, q in enumerate(SUGGESTED_QUESTIONS, start=1))
        dispatcher.utter_message(
            text=f"{PART_PROMPTS['question']}\n\n{numbered}", buttons=QUESTION_BUTTONS
        )
    else:
        dispatcher.utter_message(text=PART_PROMPTS[part])


class _AskStarPart(QuietAsk, abc.ABC):
    part = ""

    @abc.abstractmethod
    def name(self) -> str:
        """Abstract: rasa-sdk registers only the concrete subclasses."""

    def ask(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        _ask(dispatcher, self.part)
        return []


class ActionAskStarQuestion(_AskStarPart):
    part = "question"

    def name(self) -> str:
        return "action_ask_star_question"


class ActionAskStarSituation(_AskStarPart):
    part = "situation"

    def name(self) -> str:
        return "action_ask_star_situation"


class ActionAskStarTask(_AskStarPart):
    part = "task"

    def name(self) -> str:
        return "action_ask_star_task"


class ActionAskStarAction(_AskStarPart):
    part = "action"

    def name(self) -> str:
        return "action_ask_star_action"


class ActionAskStarResult(_AskStarPart):
    part = "result"

    def name(self) -> str:
        return "action_ask_star_result"


# --------------------------------------------------------------------------- after the form


def _save(
    dispatcher: CollectingDispatcher, tracker: Tracker, answer: StarDraft
) -> list[dict[str, Any]]:
    def work(session: Session, user: User) -> int:
        return save_star(session, user, answer).id

    if with_user(tracker, dispatcher, work, failure=SAVE_FAILED) is None:
        return []  # kept in the slots: « C'est bon » again later
    dispatcher.utter_message(text=f"{SAVED}\n\n{format_star(answer)}\n\n{SEE_ALL}")
    return _reset()


class ActionCheckStar(Action):
    """The form is complete (or stopped): the answer checked, weak parts offered again."""

    def name(self) -> str:
        return "action_check_star"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        stopped = set_aside(dispatcher, tracker, FORM, SET_ASIDE) or stop_events(
            dispatcher, tracker, FORM, reset=[*SLOTS.values(), "ask_quietly"]
        )
        if stopped is not None:
            return stopped
        answer = draft(tracker)
        if not answer.complete:
            dispatcher.utter_message(text=NOTHING_TO_SAVE, buttons=START_BUTTON)
            return _reset()
        flags = check_star(answer)
        if not flags:
            dispatcher.utter_message(text=flags_message(flags))
            return _save(dispatcher, tracker, answer)
        weak = [part for part in PARTS if any(flag.part == part for flag in flags)]
        dispatcher.utter_message(
            text=f"{format_star(answer)}\n\n{flags_message(flags)}\n\n"
            "Voulez-vous reprendre une partie, ou garder la réponse telle quelle ?",
            buttons=redo_buttons(weak),
        )
        return []


class ActionStarRedo(Action):
    """ "Reprendre : Action": that part is asked again, the others are kept."""

    def name(self) -> str:
        return "action_star_redo"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        part = next(tracker.get_latest_entity_values("star_part"), None)
        events: list[dict[str, Any]] = [SlotSet("flow_stop", None), SlotSet("ask_quietly", None)]
        if part in PARTS and draft(tracker).complete:
            dispatcher.utter_message(text=f"Reprenons : {PART_LABELS[part]}.")
            return [*events, SlotSet(SLOTS[part], None)]
        # No answer in progress (an old button): a new one from the start.
        dispatcher.utter_message(text=STAR_INTRO)
        return [*events, *_reset()]


class ActionSaveStar(Action):
    """ "C'est bon": the answer is stored as it is."""

    def name(self) -> str:
        return "action_save_star"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        answer = draft(tracker)
        if not answer.complete:
            dispatcher.utter_message(text=NOTHING_TO_SAVE, buttons=START_BUTTON)
            return []
        return _save(dispatcher, tracker, answer)


class ActionListStars(Action):
    def name(self) -> str:
        return "action_list_stars"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        def work(session: Session, user: User) -> str:
            return stars_message(list_stars(session, user))

        message = with_user(tracker, dispatcher, work)
        if message is not None:
            dispatcher.utter_message(text=message, buttons=START_BUTTON)
        return []
