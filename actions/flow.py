"""Pausing and resuming a guided conversation ("on en reparle demain", a crisis, /annuler).

A form stops early when its validation action sets ``flow_stop`` ("pause" or "cancel") and
asks for no further slot; the form's closing action then calls :func:`stop_events`. The
place to come back to is kept in the ``paused_flow`` slot: a form name, or "next_steps"
(the choice offered after the mood check).
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Final
from zoneinfo import ZoneInfo

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.careful import CLEARED_SLOT, careful_window
from actions.common import MAIN_TOPICS, sessions, telegram_user_id
from coach.crisis_tiers import CAREFUL_RESUME, where_we_were
from coach.db import transaction
from coach.emotions import PAUSE_REPLY, is_pause_request
from coach.language import writing
from coach.language.times import format_fr
from coach.reminders import cancel_kind, schedule, user_zone
from coach.settings import PROJECT_ROOT
from coach.users import find_user

log = logging.getLogger(__name__)

FORMS: Final = (
    "intake_form",
    "mood_form",
    "journal_form",
    "successes_form",
    "feedback_form",
    "feedback_reflection_form",
    "star_form",
    "swot_form",
    "goal_form",
    "thought_form",
)
#: The forms about one rejection of the intake (the ``company`` slot names it).
INTAKE_FORMS: Final = ("intake_form", "mood_form", "journal_form", "successes_form")
RESUME_INTENT: Final = "resume_conversation"
NEXT_STEPS: Final = "next_steps"
#: flow_step / paused_flow while the five interpretation steps of a feedback are shown.
INTERPRETATION: Final = "interpretation"
NEXT_INTERPRETATION_STEP: Final = {"title": "▶️ Suite", "payload": "/interpretation_next"}

NEXT_STEP_BUTTONS: Final[list[dict[str, str]]] = [
    {"title": "✍️ Écrire dans mon journal", "payload": "/journal_write"},
    {"title": "🏆 Noter trois réussites", "payload": "/log_successes"},
    {"title": "📨 Préparer ma demande de retour", "payload": "/ask_timing"},
    {"title": "⏸️ On en reparle demain", "payload": "/postpone"},
]
NEXT_STEPS_QUESTION: Final = "Que voulez-vous faire maintenant ?"

_CANCEL: Final = re.compile(
    r"^\s*/?(?:cancel|annuler?|annulez|stop|laisse[sz]?\s+tomber|on\s+arr[eê]te(?:\s+tout)?|"
    r"arr[eê]te[sz]?(?:\s+tout)?|abandonner?|j['’]abandonne|oublie[sz]?\s+(?:ça|ca))\s*[.!]*\s*$",
    re.IGNORECASE,
)
MAX_STOP_WORDS: Final = 12
CANCELLED: Final = (
    "C'est annulé, je n'enregistre rien de cette partie. Revenez quand vous voulez : /aide "
    "montre tout ce que nous pouvons faire ensemble."
)


def is_cancel(text: str) -> bool:
    return bool(_CANCEL.match(text or ""))


def interruption(text: Any) -> str | None:
    """ "pause" or "cancel" when an answer inside a form is really a request to stop.

    Only short messages count: a journal entry that says "pas maintenant" somewhere in its
    third sentence is an entry, not a request to stop."""
    if not isinstance(text, str) or len(text.split()) > MAX_STOP_WORDS:
        return None
    if is_cancel(text):
        return "cancel"
    if is_pause_request(text):
        return "pause"
    return None


#: Intents that, in a button, a command or a short message, are a word to the coach rather
#: than an answer to a free-text question (the feedback forms take any other text as it is).
ASIDE_INTENTS: Final = frozenset(
    {
        "help",
        "bot_challenge",
        "privacy",
        "ask_interpretation",
        "ask_patterns",
        "journal",
        "list_reminders",
        "export_data",
        "delete_data",
        "ask_timing",
        "ask_contact",
    }
)
#: The asides answered on the spot, before the question comes back.
ASIDE_ANSWERS: Final = {
    "help": "utter_help",
    "bot_challenge": "utter_bot_challenge",
    "privacy": "utter_privacy",
}
MAX_ASIDE_WORDS: Final = 6
ASIDE_CONFIDENCE: Final = 0.8


def aside(tracker: Tracker, text: str) -> str | None:
    """The intent of a message that is not an answer: any button or slash command ("/help",
    an old button), or a short, confidently classified question to the coach ("tu es un
    robot ?"). Long text is always an answer, whatever the classifier made of it."""
    intent = (tracker.latest_message or {}).get("intent") or {}
    name = intent.get("name") if isinstance(intent.get("name"), str) else None
    if text.startswith("/"):
        return name or "command"
    confidence = intent.get("confidence")
    if (
        name in ASIDE_INTENTS
        and isinstance(confidence, int | float)
        and confidence >= ASIDE_CONFIDENCE
        and len(text.split()) <= MAX_ASIDE_WORDS
    ):
        return name
    return None


def answer_aside(dispatcher: CollectingDispatcher, intent: str) -> None:
    """Answer the asides that have a short answer of their own (help, "are you a bot?")."""
    response = ASIDE_ANSWERS.get(intent)
    if response:
        dispatcher.utter_message(response=response)


#: flow_stop value: /supprimer or /start ended one of the forms that answer asides. The form
#: waits for « on reprend » and the command's own action runs next.
COMMAND_STOP: Final = "command"
#: The commands that need the form to end before they run, and the action each runs
#: (as data/rules/privacy.yml and onboarding.yml do outside a form).
COMMAND_ACTIONS: Final = {"delete_data": "utter_ask_delete_confirm", "start": "action_start"}


def answer_in_form(dispatcher: CollectingDispatcher, intent: str) -> str | None:
    """An aside inside the feedback forms: answered when it has a short answer (help, "are
    you a bot?", /export sent at once), after which the question comes back (None); or
    :data:`COMMAND_STOP` for a command that needs the form to end first."""
    if intent in COMMAND_ACTIONS:
        return COMMAND_STOP
    if intent == "export_data":
        dispatcher.utter_message(response="utter_export")  # the bot attaches the file
        return None
    answer_aside(dispatcher, intent)
    return None


@dataclass(frozen=True)
class Interrupted:
    """An answer to a form's question that was not an answer (see :func:`interrupted`)."""

    #: What the validation action returns when it has nothing of its own to add.
    slots: dict[str, Any]
    #: The aside answered, the form going on; None when the form stops.
    aside: str | None = None


def interrupted(
    slot: str, text: str, dispatcher: CollectingDispatcher, tracker: Tracker
) -> Interrupted | None:
    """A request to stop (pause, cancel, or a command that ends the form), or a word to the
    coach, answered by :func:`answer_in_form`; None when ``text`` is an answer to ``slot``.

    On an aside the form goes on: ``slots`` is ``{slot: None}``, which asks the question
    again; a caller that re-asks it itself, quietly, returns its own slots instead."""
    stop = interruption(text)
    if stop:
        return Interrupted({slot: None, **stop_slots(stop)})
    other = aside(tracker, text)
    if not other:
        return None
    if answer_in_form(dispatcher, other) == COMMAND_STOP:
        return Interrupted({slot: None, **stop_slots(COMMAND_STOP)})
    return Interrupted({slot: None}, aside=other)


_WORD: Final = re.compile(r"[^\W\d_]{2,}")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@functools.cache
def known_words() -> frozenset[str]:
    """Every word of the French training examples (``data/nlu``); empty if they are absent."""
    words: set[str] = set()
    for path in sorted((PROJECT_ROOT / "data" / "nlu").glob("*.yml")):
        for line in path.read_text(encoding="utf-8").splitlines():
            stripped = line.strip()
            if stripped.startswith("- ") and "intent:" not in stripped:
                words.update(_WORD.findall(_fold(stripped[2:])))
    return frozenset(words)


def looks_like_noise(text: str) -> bool:
    """True when no word of ``text`` is one the assistant was ever taught ("zrblq fnortx").

    The classifier, trained from scratch, can be very sure of itself on strings it has
    never seen; this keeps such a message from opening a long form."""
    vocabulary = known_words()
    if not vocabulary:
        return False
    words = _WORD.findall(_fold(text or ""))
    return not any(word in vocabulary for word in words)


def stop_slots(kind: str) -> dict[str, Any]:
    """What a validation action returns to end its form early (see the module docstring)."""
    return {"flow_stop": kind, "requested_slot": None}


def _tomorrow(now: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    """Same time tomorrow when that is a sensible hour, otherwise tomorrow at 10:00."""
    local = now.astimezone(zone)
    day = local.date() + dt.timedelta(days=1)
    hour, minute = (local.hour, local.minute) if 9 <= local.hour < 20 else (10, 0)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone)


def postpone(
    dispatcher: CollectingDispatcher, tracker: Tracker, flow: str | None, *, now: dt.datetime
) -> list[dict[str, Any]]:
    """Schedule tomorrow's "on en reparle" reminder and say so; remembers where to resume."""
    uid = telegram_user_id(tracker)
    when_text: str | None = None
    if uid is not None:
        try:
            with transaction(sessions()) as session:
                user = find_user(session, uid)
                if user is not None:
                    zone = user_zone(user)
                    cancel_kind(session, user, "resume_tomorrow")
                    company = tracker.get_slot("company")
                    payload: dict[str, Any] = {"intent": RESUME_INTENT}
                    if flow:
                        payload["flow"] = flow
                    if isinstance(company, str) and company:
                        payload["company"] = company[:200]
                    reminder = schedule(
                        session,
                        user,
                        "resume_tomorrow",
                        _tomorrow(now, zone),
                        now=now,
                        payload=payload,
                        requested_by_user=True,
                    )
                    if reminder is not None:
                        when_text = format_fr(reminder.due_at.astimezone(zone), now=now)
        except SQLAlchemyError:
            log.exception("could not schedule the resume reminder")
    if when_text:
        dispatcher.utter_message(text=f"{PAUSE_REPLY} Rendez-vous {when_text}.")
    else:
        dispatcher.utter_message(
            text="Bien sûr, on s'arrête là. Quand vous voudrez reprendre, écrivez-moi "
            "« on reprend » : je garde ce que vous m'avez déjà dit."
        )
    return [SlotSet("paused_flow", flow), SlotSet("flow_stop", None), SlotSet("flow_step", None)]


def stop_events(
    dispatcher: CollectingDispatcher, tracker: Tracker, form: str, *, reset: list[str]
) -> list[dict[str, Any]] | None:
    """When ``form`` ended early, say the right thing and return the events; else None."""
    stop = tracker.get_slot("flow_stop")
    if stop == "pause":
        return postpone(dispatcher, tracker, form, now=dt.datetime.now(dt.UTC))
    if stop == "cancel":
        dispatcher.utter_message(text=CANCELLED)
        return [
            SlotSet("flow_stop", None),
            SlotSet("paused_flow", None),
            SlotSet("flow_step", None),
            *(SlotSet(slot, None) for slot in reset),
        ]
    return None


class ActionPostpone(Action):
    """ "On en reparle demain" outside a form (a button, or typed after the mood check)."""

    def name(self) -> str:
        return "action_postpone"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        flow = tracker.get_slot("paused_flow")
        step = tracker.get_slot("flow_step")
        if flow is None and step in (NEXT_STEPS, INTERPRETATION):
            flow = step
        return postpone(dispatcher, tracker, flow, now=dt.datetime.now(dt.UTC))


class ActionResumeConversation(Action):
    """Back where we stopped: the paused form goes on, or the next steps are offered again."""

    def name(self) -> str:
        return "action_resume_conversation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        flow = tracker.get_slot("paused_flow")
        if flow is None and tracker.get_slot("flow_step") == INTERPRETATION:
            flow = INTERPRETATION  # "on continue" in the middle of the five steps
        company = tracker.get_slot("company")
        about = (
            f" sur votre refus chez {writing.company(company)}"
            if isinstance(company, str) and company
            else ""
        )
        if flow not in INTAKE_FORMS and flow != NEXT_STEPS:
            about = ""  # the company slot belongs to the intake
        if careful_window(tracker):
            return _resume_carefully(dispatcher, tracker, flow)
        if flow == INTERPRETATION:
            dispatcher.utter_message(
                text="Reprenons la lecture de votre retour là où nous en étions.",
                buttons=[NEXT_INTERPRETATION_STEP],
            )
            return [SlotSet("paused_flow", None), SlotSet("flow_step", INTERPRETATION)]
        if flow in FORMS:
            dispatcher.utter_message(text=f"Reprenons{about} là où nous en étions.")
            # The rules open the form again (its answers so far are still in the slots).
            return [SlotSet("paused_flow", None), SlotSet("flow_stop", None)]
        if flow == NEXT_STEPS:
            dispatcher.utter_message(
                text=f"Me revoilà, comme promis. Où en êtes-vous{about} ? " + NEXT_STEPS_QUESTION,
                buttons=NEXT_STEP_BUTTONS,
            )
            return [SlotSet("paused_flow", None)]
        dispatcher.utter_message(
            text="Nous n'avions rien laissé en suspens. Par quoi voulez-vous commencer ?",
            buttons=MAIN_TOPICS,
        )
        return [SlotSet("paused_flow", None)]


def _resume_carefully(
    dispatcher: CollectingDispatcher, tracker: Tracker, flow: str | None
) -> list[dict[str, Any]]:
    """« On reprend » in the hour after a crisis answer: a gentle word, where we were, and
    the paused flow goes on (the rules reopen a form). The careful hour ends here: the
    person chose to go on (``crisis_cleared_at``)."""
    company = tracker.get_slot("company")
    named = (
        writing.company(company)
        if isinstance(company, str) and company and flow in (*INTAKE_FORMS, NEXT_STEPS)
        else None
    )
    where = where_we_were(flow, named)
    text = f"{CAREFUL_RESUME} {where}".strip()
    cleared = SlotSet(CLEARED_SLOT, dt.datetime.now(dt.UTC).timestamp())
    if flow == INTERPRETATION:
        dispatcher.utter_message(
            text=f"{CAREFUL_RESUME} Nous en étions à la lecture de votre retour.",
            buttons=[NEXT_INTERPRETATION_STEP],
        )
        return [SlotSet("paused_flow", None), SlotSet("flow_step", INTERPRETATION), cleared]
    if flow in FORMS:
        dispatcher.utter_message(text=text)
        return [SlotSet("paused_flow", None), SlotSet("flow_stop", None), cleared]
    if flow == NEXT_STEPS:
        dispatcher.utter_message(text=f"{text} {NEXT_STEPS_QUESTION}", buttons=NEXT_STEP_BUTTONS)
        return [SlotSet("paused_flow", None), cleared]
    dispatcher.utter_message(
        text="D'accord. Nous n'avions rien laissé en suspens : par quoi voulez-vous commencer, "
        "quand vous vous sentirez prêt·e ?",
        buttons=MAIN_TOPICS,
    )
    return [SlotSet("paused_flow", None), cleared]


def deactivate_for_safety(tracker: Tracker) -> list[dict[str, Any]]:
    """Events that stop the active form and remember it, so it resumes only on request."""
    active = tracker.active_loop.get("name") if tracker.active_loop else None
    if not active:
        return []
    return [
        ActiveLoop(None),
        SlotSet("requested_slot", None),
        SlotSet("paused_flow", active if active in FORMS else None),
    ]


def person_zone(tracker: Tracker, default_tz: str) -> str:
    """The person's timezone as the bot put it in the message's metadata (``timezone``,
    read with consent on every turn, bot/relay.py), else the coach's default: forms read
    dates in it without a database call."""
    metadata = (tracker.latest_message or {}).get("metadata")
    zone = metadata.get("timezone") if isinstance(metadata, dict) else None
    if isinstance(zone, str) and 0 < len(zone) <= 64:
        try:
            ZoneInfo(zone)
        except (KeyError, ValueError):
            return default_tz
        return zone
    return default_tz


def local_today(default_tz: str, now: dt.datetime | None = None) -> dt.date:
    """Today (or ``now``'s day) in the timezone ``default_tz`` (:func:`person_zone`)."""
    try:
        zone: dt.tzinfo = ZoneInfo(default_tz)
    except (KeyError, ValueError):
        zone = dt.UTC
    return (now or dt.datetime.now(dt.UTC)).astimezone(zone).date()
