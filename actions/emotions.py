"""After the rejection (SPEC §3 flow 3): mood check, strategies, journal, three successes.

- ``mood_form`` asks how the person feels (buttons or free text read by
  ``coach.emotions.classify_mood``); ``action_respond_mood`` stores the mood, answers it,
  offers the strategies that fit, a word on staying professional, and the next steps.
- ``journal_form`` takes one journal entry (an open question); ``successes_form`` collects
  three recent successes, over several messages if need be. Both are saved to the journal,
  linked to the rejection being discussed, and shown back by ``/journal``.
"""

from __future__ import annotations

import abc
import logging
import re
from typing import Any, Final

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from actions.careful import careful_window
from actions.common import QuietAsk, first_name, sessions, telegram_user_id, with_user
from actions.flow import (
    ASIDE_ANSWERS,
    NEXT_STEP_BUTTONS,
    NEXT_STEPS,
    NEXT_STEPS_QUESTION,
    answer_aside,
    aside,
    interruption,
    stop_events,
    stop_slots,
)
from actions.thought_record import offer as offer_thought_record
from coach.commands import command_for
from coach.crisis_tiers import CAREFUL_BETTER, CAREFUL_HEARD, RESUME_BUTTON, is_feeling_better
from coach.db import transaction
from coach.emotions import (
    JOURNAL_INTRO,
    JOURNAL_PROMPTS,
    MOOD_BUTTONS,
    MOOD_NOT_UNDERSTOOD,
    MOOD_QUESTION,
    MOODS,
    SUCCESS_PROMPT,
    classify_mood,
    classify_moods,
    moods_response,
    parse_successes,
    professional_reminder,
    reframe,
    strategies_for,
    successes_reply,
)
from coach.journal import MAX_TEXT, add_entry, recent_entries
from coach.language import writing
from coach.language.answers import is_skip
from coach.language.times import format_fr
from coach.models import User
from coach.rejections import get_rejection, latest_rejection, record_mood
from coach.reminders import user_zone
from coach.thought_record import is_self_blame
from coach.users import find_user

log = logging.getLogger(__name__)

MOOD_BUTTON_LIST: Final = [{"title": title, "payload": mood} for title, mood in MOOD_BUTTONS]
SAVE_FAILED: Final = (
    "Je n'ai pas pu l'enregistrer (souci technique). Excusez-moi, réessayez bientôt."
)
NO_CONSENT: Final = "Je ne peux rien enregistrer sans votre accord : tapez /start."
_ENOUGH: Final = re.compile(
    r"^\s*(?:c['’]?\s*est\s+tout|c\s+tout|ça\s+suffit|ca\s+suffit|rien\s+d['’]\s*autre|"
    r"pas\s+d['’]\s*autre|non|non\s+merci|je\s+ne\s+vois\s+pas|j['’]?\s*en\s+ai\s+pas\s+d['’]"
    r"\s*autres?|c['’]?\s*est\s+bon|fini|terminé)\s*[.!]*\s*$",
    re.IGNORECASE,
)


def _rejection_id(session: Session, user: User, tracker: Tracker) -> int | None:
    """The rejection under discussion: the one just logged, else the latest one."""
    current = get_rejection(session, user, tracker.get_slot("current_rejection_id"))
    if current is None:
        current = latest_rejection(session, user)
    return current.id if current else None


def _latest_text(tracker: Tracker) -> str:
    text = (tracker.latest_message or {}).get("text") or ""
    return "" if text.startswith("/") else text


class _OneQuestionForm(FormValidationAction, abc.ABC):
    """A form with one question, which a pause or a cancel ends early (``flow_stop``)."""

    slot = ""

    @abc.abstractmethod
    def name(self) -> str:
        """Abstract: rasa-sdk registers only the concrete forms."""

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        return [] if tracker.get_slot("flow_stop") else [self.slot]


# --------------------------------------------------------------------------- mood


#: The mood slot when the person let the question go (« passer »): nothing is stored.
MOOD_SKIPPED: Final = "passer"
MOOD_SKIP_BUTTON: Final = {"title": "Passer cette question", "payload": MOOD_SKIPPED}
#: The mood buttons when the question comes back after an aside or a request.
MOOD_AGAIN_BUTTONS: Final = [*MOOD_BUTTON_LIST, MOOD_SKIP_BUTTON]
MOOD_COMMAND_FIRST: Final = (
    "D'abord cette question, en un mot ou avec un bouton (vous pouvez aussi la passer) ; "
    "ensuite, tapez {command} et nous y allons."
)
#: Requests to go elsewhere that the mood question names back as their command (« /retour »).
_REQUESTS: Final = frozenset(
    {
        "share_feedback",
        "report_rejection",
        "ask_timing",
        "ask_patterns",
        "review_goals",
        "journal",
        "start_swot",
    }
)


class ValidateMoodForm(_OneQuestionForm):
    slot = "mood"

    def name(self) -> str:
        return "validate_mood_form"

    async def validate_mood(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value in MOODS:
            return {"mood": value}
        stop = interruption(value)
        if stop:
            return {"mood": None, **stop_slots(stop)}
        if isinstance(value, str) and (value == MOOD_SKIPPED or is_skip(value)):
            return {"mood": MOOD_SKIPPED}
        other = aside(tracker, value) if isinstance(value, str) else None
        if other in ASIDE_ANSWERS:
            answer_aside(dispatcher, other)
            dispatcher.utter_message(text=MOOD_QUESTION, buttons=MOOD_AGAIN_BUTTONS)
            return {"mood": None, "ask_quietly": True}
        mood = classify_mood(value) if isinstance(value, str) else None
        request = _request(tracker, value, other) if mood is None else None
        if request is not None:
            # « /retour » or « le manager m'a fait un retour » at the mood question: not a
            # feeling; the request comes after one answer (or « passer »).
            dispatcher.utter_message(
                text=MOOD_COMMAND_FIRST.format(command=request), buttons=MOOD_AGAIN_BUTTONS
            )
            return {"mood": None, "ask_quietly": True}
        if mood is None and isinstance(value, str) and is_self_blame(value):
            mood = "doute"  # « ils ont vu que je ne valais rien »: a verdict on oneself
        if mood:
            return {"mood": mood}
        dispatcher.utter_message(text=MOOD_NOT_UNDERSTOOD, buttons=MOOD_BUTTON_LIST)
        return {"mood": None, "ask_quietly": True}


def _request(tracker: Tracker, value: Any, other: str | None) -> str | None:
    """The command a message that names no feeling asks for at the mood question, if any: a
    slash command or a button, or a confidently read request to go elsewhere."""
    if not isinstance(value, str):
        return None
    if other is not None and value.startswith("/"):
        return (command_for(other) if other in _REQUESTS else None) or "/aide"
    intent = (tracker.latest_message or {}).get("intent") or {}
    name, confidence = intent.get("name"), intent.get("confidence")
    if name in _REQUESTS and isinstance(confidence, int | float) and confidence >= 0.8:
        return command_for(name)
    return None


class ActionAskMood(QuietAsk):
    def name(self) -> str:
        return "action_ask_mood"

    def ask(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        dispatcher.utter_message(text=MOOD_QUESTION, buttons=MOOD_BUTTON_LIST)
        return []


def _moods_from_message(tracker: Tracker) -> tuple[str, tuple[str, ...]]:
    """(the mood to store, every mood to acknowledge in the order the person named them)."""
    text = _latest_text(tracker)
    named = classify_moods(text)
    mood = tracker.get_slot("mood")
    if mood in MOODS:
        # The slot comes from a button or from the form's reading of this same message.
        return str(mood), (named if mood in named else (str(mood),))
    found = classify_mood(text)
    if found:
        return found, named
    intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
    fallback = "ca_va" if intent == "express_positive_emotion" else "deception"
    if is_self_blame(text):
        fallback = "doute"
    return fallback, (fallback,)


class ActionRespondMood(Action):
    """Answers the mood, stores it, and offers strategies, a professional nudge, next steps."""

    def name(self) -> str:
        return "action_respond_mood"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        stopped = stop_events(dispatcher, tracker, "mood_form", reset=["mood"])
        if stopped is not None:
            return stopped
        if tracker.get_slot("mood") == MOOD_SKIPPED:
            dispatcher.utter_message(text=NEXT_STEPS_QUESTION, buttons=NEXT_STEP_BUTTONS)
            return [SlotSet("mood", None), SlotSet("flow_step", NEXT_STEPS)]
        if careful_window(tracker):
            return _careful_mood(dispatcher, tracker)
        # One point per check-in on the mood chart (classify_mood's pick); the answer
        # acknowledges every feeling named.
        mood, moods = _moods_from_message(tracker)
        uid = telegram_user_id(tracker)
        company: str | None = None
        try:
            with transaction(sessions()) as session:
                user = find_user(session, uid) if uid is not None else None
                if user is not None:
                    rejection_id = _rejection_id(session, user, tracker)
                    record_mood(session, user, mood, rejection_id=rejection_id)
                    rejection = get_rejection(session, user, rejection_id)
                    if rejection is not None and rejection.id == tracker.get_slot(
                        "current_rejection_id"
                    ):
                        company = rejection.company
        except SQLAlchemyError:
            log.exception("could not save a mood")
        variant = len(tracker.events) % 2
        ideas = "\n".join(f"• {idea}" for idea in strategies_for(moods, limit=3))
        dispatcher.utter_message(
            text=f"{moods_response(moods, first_name=first_name(tracker), variant=variant)}"
            f"\n\nQuelques pistes qui aident souvent :\n{ideas}"
        )
        if company:
            dispatcher.utter_message(text=professional_reminder(company))
        done = [SlotSet("mood", None), SlotSet("flow_step", NEXT_STEPS)]
        text = _latest_text(tracker)
        if is_self_blame(text):
            # A self-blaming thought: the exercise is offered in place of the next steps,
            # which « Pas maintenant » brings back (actions/thought_record.py).
            return [*done, *offer_thought_record(dispatcher, text)]
        dispatcher.utter_message(text=NEXT_STEPS_QUESTION, buttons=NEXT_STEP_BUTTONS)
        return done


def _careful_mood(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
    """The hour after a crisis answer (coach/crisis_tiers.py): no verdict, no reading of
    the mood, nothing stored, no strategies or next steps; « ça va mieux » is welcomed
    gently and the person chooses whether to go on."""
    text = (tracker.latest_message or {}).get("text") or ""
    mood = tracker.get_slot("mood")
    better = (
        text.startswith("/express_positive_emotion")
        or is_feeling_better(text)
        or mood == "ca_va"
        or (not text.startswith("/") and classify_mood(text) == "ca_va")
    )
    if better:
        dispatcher.utter_message(text=CAREFUL_BETTER, buttons=[RESUME_BUTTON])
    else:
        dispatcher.utter_message(text=CAREFUL_HEARD)
    return [SlotSet("mood", None)]


# --------------------------------------------------------------------------- journal


class ValidateJournalForm(_OneQuestionForm):
    slot = "journal_text"

    def name(self) -> str:
        return "validate_journal_form"

    async def validate_journal_text(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        stop = interruption(value)
        if stop:
            return {"journal_text": None, **stop_slots(stop)}
        text = " ".join(value.split()) if isinstance(value, str) else ""
        if not re.search(r"\w", text):
            dispatcher.utter_message(
                text="Je n'ai rien reçu à noter. Quelques mots suffisent, écrivez librement."
            )
            return {"journal_text": None, "ask_quietly": True}
        return {"journal_text": value.strip()[:MAX_TEXT]}


class ActionAskJournalText(QuietAsk):
    def name(self) -> str:
        return "action_ask_journal_text"

    def ask(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        previous = tracker.get_slot("journal_prompt")
        index = (JOURNAL_PROMPTS.index(previous) + 1) if previous in JOURNAL_PROMPTS else 0
        prompt = JOURNAL_PROMPTS[index % len(JOURNAL_PROMPTS)]
        dispatcher.utter_message(text=f"{JOURNAL_INTRO}\n\n{prompt}")
        return [SlotSet("journal_prompt", prompt)]


def _save(
    tracker: Tracker, dispatcher: CollectingDispatcher, kind: str, text: str, prompt: str | None
) -> bool:
    def work(session: Session, user: User) -> bool:
        rejection_id = _rejection_id(session, user, tracker)
        entry = add_entry(session, user, kind, text, prompt=prompt, rejection_id=rejection_id)
        return entry is not None

    return bool(with_user(tracker, dispatcher, work, no_user=NO_CONSENT, failure=SAVE_FAILED))


class ActionSaveJournal(Action):
    def name(self) -> str:
        return "action_save_journal"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        reset = [SlotSet("journal_text", None)]
        stopped = stop_events(dispatcher, tracker, "journal_form", reset=["journal_text"])
        if stopped is not None:
            return stopped
        text = tracker.get_slot("journal_text")
        prompt = tracker.get_slot("journal_prompt")
        if not isinstance(text, str) or not _save(
            tracker, dispatcher, "journal", text, prompt if isinstance(prompt, str) else None
        ):
            return reset
        dispatcher.utter_message(
            text="C'est noté dans votre journal. Merci de vous être livré·e : mettre des mots "
            "sur ce qu'on vit aide à le digérer. /journal vous le relit quand vous voulez.\n\n"
            + reframe(len(tracker.events) % 2)
        )
        dispatcher.utter_message(text=NEXT_STEPS_QUESTION, buttons=NEXT_STEP_BUTTONS)
        return [*reset, SlotSet("flow_step", NEXT_STEPS)]


# --------------------------------------------------------------------------- successes


def _items(tracker: Tracker) -> list[str]:
    value = tracker.get_slot("successes_items")
    return [str(item) for item in value] if isinstance(value, list) else []


class ValidateSuccessesForm(_OneQuestionForm):
    slot = "successes_text"

    def name(self) -> str:
        return "validate_successes_form"

    async def validate_successes_text(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        items = _items(tracker)
        text = value if isinstance(value, str) else ""
        if items and _ENOUGH.match(text):
            return {"successes_text": "\n".join(items)}
        stop = interruption(text)
        if stop:
            return {"successes_text": None, **stop_slots(stop)}
        items = [*items, *parse_successes(text)][:3]
        if len(items) >= 3:
            return {"successes_text": "\n".join(items), "successes_items": items}
        dispatcher.utter_message(text=successes_reply(items))
        return {"successes_text": None, "successes_items": items, "ask_quietly": True}


class ActionAskSuccessesText(QuietAsk):
    def name(self) -> str:
        return "action_ask_successes_text"

    def ask(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        dispatcher.utter_message(text=SUCCESS_PROMPT)
        return []


class ActionSaveSuccesses(Action):
    def name(self) -> str:
        return "action_save_successes"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        reset = [SlotSet("successes_text", None), SlotSet("successes_items", None)]
        stopped = stop_events(
            dispatcher, tracker, "successes_form", reset=["successes_text", "successes_items"]
        )
        if stopped is not None:
            return stopped
        items = _items(tracker)
        if not items:
            text = tracker.get_slot("successes_text")
            items = text.splitlines() if isinstance(text, str) else []
        body = "\n".join(f"• {item}" for item in items)
        if not items or not _save(tracker, dispatcher, "successes", body, SUCCESS_PROMPT):
            return reset
        closing = (
            successes_reply(items)
            if len(items) >= 3
            else "C'est noté. Relisez-les quand le doute revient : ce sont des faits."
        )
        dispatcher.utter_message(text=closing)
        dispatcher.utter_message(text=NEXT_STEPS_QUESTION, buttons=NEXT_STEP_BUTTONS)
        return [*reset, SlotSet("flow_step", NEXT_STEPS)]


# --------------------------------------------------------------------------- /journal

KIND_TITLES: Final = {
    "journal": "Journal",
    "successes": "Réussites",
    "reflection": "Bilan de la semaine",
    "interview": "Retour sur l'entretien",
    "thought_record": "Exercice sur une pensée",
}
JOURNAL_BUTTONS: Final = [
    {"title": "✍️ Écrire une entrée", "payload": "/journal_write"},
    {"title": "🏆 Noter trois réussites", "payload": "/log_successes"},
]
PREVIEW: Final = 400


class ActionShowJournal(Action):
    """/journal: the latest entries (journal, successes, weekly check-ins), newest first."""

    def name(self) -> str:
        return "action_show_journal"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        uid = telegram_user_id(tracker)
        try:
            with sessions()() as session:
                user = find_user(session, uid) if uid is not None else None
                if user is None:
                    dispatcher.utter_message(text=NO_CONSENT)
                    return []
                blocks = [
                    _entry_block(session, user, entry)
                    for entry in recent_entries(session, user, limit=5)
                ]
        except SQLAlchemyError:
            log.exception("could not read the journal")
            dispatcher.utter_message(text="Je n'arrive pas à lire votre journal pour l'instant.")
            return []
        if not blocks:
            dispatcher.utter_message(
                text="Votre journal est encore vide. Voulez-vous y écrire quelques lignes ?",
                buttons=JOURNAL_BUTTONS,
            )
            return []
        dispatcher.utter_message(
            text="Vos dernières notes :\n\n" + "\n\n".join(blocks), buttons=JOURNAL_BUTTONS
        )
        return []


def _entry_block(session: Session, user: User, entry: Any) -> str:
    when = format_fr(entry.created_at.astimezone(user_zone(user)))
    title = KIND_TITLES.get(entry.kind, entry.kind)
    rejection = get_rejection(session, user, entry.rejection_id)
    about = f" — {writing.company(rejection.company)}" if rejection and rejection.company else ""
    text = entry.text if len(entry.text) <= PREVIEW else entry.text[: PREVIEW - 1] + "…"
    return f"📝 {title}{about}, {when}\n{text}"
