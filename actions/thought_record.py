"""Reframing self-blame (issue 17): a thought record, offered, never imposed.

- The offer: when a feeling told to the coach holds a self-blaming thought (« je suis
  nulle », « j'y arriverai jamais »; ``coach.thought_record.is_self_blame``), the mood
  answer (``actions/emotions.py``) stays as it is and ends with :func:`offer` instead of
  the next-steps question: « Essayer l'exercice » (``/thought_record``) or « Pas
  maintenant » (``/thought_record_decline``, ``action_decline_thought_record``: the next
  steps come back). The exercise can also be asked for in words (« examiner une pensée »).
- ``action_start_thought_record`` says what the exercise is (self-help, not therapy), how to
  skip a step and stop, and opens ``thought_form``: situation, thought, belief (0-100),
  emotion, facts for, facts against (with the person's own successes and feedbacks
  offered as evidence), thinking trap (suggested from the thought's wording, the person
  picks), balanced thought, belief again.
- ``action_save_thought_record`` (the form is complete) saves it to the journal (kind
  ``thought_record``), shows it back with how the belief moved, and points to a
  professional when it is the third record within 14 days.

Every step takes « passer »; « stop », /annuler or « on en reparle demain » end the form
like the others (``actions/flow.py``). A crisis message never reaches the form: the relay
answers it first and stops the form (``action_crisis_support``), which then waits for
« on reprend ».
"""

from __future__ import annotations

import abc
import datetime as dt
from typing import Any, Final

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from actions.common import QuietAsk, has_letters, sessions, telegram_user_id, with_user
from actions.flow import (
    NEXT_STEP_BUTTONS,
    NEXT_STEPS,
    NEXT_STEPS_QUESTION,
    interrupted,
    stop_events,
)
from actions.interpretation import set_aside
from coach.db import transaction
from coach.language import writing
from coach.language.answers import is_skip, parse_yes_no
from coach.models import User
from coach.rejections import get_rejection, latest_rejection
from coach.thought_record import (
    NOT_THERAPY,
    PROFESSIONAL_AFTER,
    PROFESSIONAL_NOTE,
    PROFESSIONAL_WINDOW_DAYS,
    SKIPPED,
    STEPS,
    TRAP_EXPLANATIONS,
    TRAP_LABELS,
    TRAPS,
    ThoughtRecord,
    belief_change,
    evidence_for_user,
    parse_rating,
    parse_trap,
    recent_count,
    render,
    save_thought_record,
    suggest_traps,
)
from coach.users import find_user

FORM: Final = "thought_form"
#: The form's slot for each step.
SLOTS: Final = {step: f"tr_{step}" for step in STEPS}
#: What the exercise started from: {"trigger": the self-blaming message, "situation": the
#: rejection under discussion, "rejection_id"}.
CONTEXT: Final = "tr_context"
MAX_QUOTE: Final = 140

OFFER: Final = (
    "Ce que vous venez d'écrire ressemble à une pensée très dure envers vous-même. Si vous "
    "le voulez, nous pouvons la regarder de plus près avec un court exercice (neuf questions, "
    "chacune peut être passée) : souvent, une pensée pèse moins une fois confrontée aux faits."
)
OFFER_BUTTONS: Final = [
    {"title": "🧭 Essayer l'exercice", "payload": "/thought_record"},
    {"title": "Pas maintenant", "payload": "/thought_record_decline"},
]
DECLINED: Final = (
    "D'accord, rien ne presse. L'exercice reste disponible : écrivez « examiner une pensée » "
    "quand vous voudrez."
)
INTRO: Final = (
    "Regardons cette pensée ensemble, en neuf petites étapes. " + NOT_THERAPY + "\n\n"
    "« passer » saute une question ; « stop » arrête tout sans rien enregistrer ; « on en "
    "reparle demain » met l'exercice de côté."
)
SKIP_BUTTON: Final = {"title": "⏭ Passer", "payload": "passer"}
KEEP: Final = "1"
RATING_BUTTONS: Final = [
    {"title": str(value), "payload": str(value)} for value in (0, 25, 50, 75, 100)
]
EMOTION_BUTTONS: Final = [
    {"title": title, "payload": title}
    for title in ("Honte", "Tristesse", "Colère", "Peur", "Découragement")
]
NO_TRAP_BUTTON: Final = {"title": "Aucun de ceux-là", "payload": "aucun"}
NO_WORDS: Final = "Je ne vois pas de mots dans ce message. "
NOT_A_RATING: Final = (
    "Un nombre de 0 (pas du tout) à 100 (complètement) suffit, ou « passer » pour sauter "
    "la question."
)
NOT_A_TRAP: Final = (
    "Je n'ai pas reconnu l'un des cinq pièges. Choisissez-en un avec les boutons (ou son "
    "numéro), « aucun » si aucun ne vous parle, ou « passer »."
)
SET_ASIDE: Final = (
    "Je mets l'exercice de côté, avec vos réponses déjà données : écrivez « on reprend » "
    "pour le terminer."
)
SAVE_FAILED: Final = (
    "Je n'ai pas pu enregistrer l'exercice (souci technique). Vos réponses restent en "
    "mémoire : réessayez dans un instant en écrivant « on reprend »."
)
NOTHING_SAVED: Final = (
    "Toutes les questions ont été passées : je n'enregistre rien. L'exercice reste là "
    "quand vous voudrez (« examiner une pensée »)."
)
SAVED: Final = "C'est enregistré dans votre journal ✅ Voici votre exercice :"
CLOSING: Final = (
    "Relisez-le quand cette pensée revient : /journal le garde. La pensée plus équilibrée "
    "est la vôtre ; le refus, lui, parle d'un poste et d'un moment, pas de votre valeur."
)

PROMPTS: Final = {
    "situation": "1/9 · La situation : que s'est-il passé, et quand ? Une ou deux phrases "
    "suffisent.",
    "thought": "2/9 · La pensée : quelle phrase vous est venue en tête ? Écrivez-la telle "
    "quelle, sans l'adoucir.",
    "belief": "3/9 · En ce moment, à quel point y croyez-vous, de 0 (pas du tout) à 100 "
    "(complètement) ?",
    "emotion": "4/9 · Quelle émotion l'accompagne ? Un mot suffit (honte, tristesse, colère, "
    "peur…).",
    "evidence_for": "5/9 · Les faits qui vont dans le sens de cette pensée : ce qui s'est "
    "réellement passé ou a été dit, pas ce que vous en concluez.",
    "evidence_against": "6/9 · Et les faits qui la contredisent ? Ce que vous avez réussi, ce "
    "qu'on vous a dit de positif, ce qu'un·e ami·e vous répondrait.",
    "trap": "7/9 · Cette pensée tombe peut-être dans un piège de pensée courant. Lequel vous "
    "parle ?",
    "balanced": "8/9 · Écrivez maintenant une pensée plus équilibrée, qui tienne compte des "
    "faits pour et contre. Pas forcément positive : juste. Par exemple : « Ce refus me "
    "touche, mais il ne dit pas tout de moi : j'ai déjà décroché des entretiens. »",
    "belief_after": "9/9 · Dernière question : en relisant tout cela, à quel point "
    "croyez-vous maintenant à la pensée de départ, de 0 à 100 ?",
}


def _context(tracker: Tracker) -> dict[str, Any]:
    value = tracker.get_slot(CONTEXT)
    return value if isinstance(value, dict) else {}


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_QUOTE else text[: MAX_QUOTE - 1].rstrip() + "…"


def _reset() -> list[dict[str, Any]]:
    return [SlotSet(slot, None) for slot in SLOTS.values()]


def record_of(tracker: Tracker) -> ThoughtRecord:
    """The record as far as the slots go (ratings as numbers, skipped steps as None)."""
    values: dict[str, Any] = {}
    for step, slot in SLOTS.items():
        value = tracker.get_slot(slot)
        if step in ("belief", "belief_after"):
            values[step] = value if isinstance(value, int) and not isinstance(value, bool) else None
        else:
            values[step] = value if isinstance(value, str) and value != SKIPPED else None
    return ThoughtRecord(**values)


# --------------------------------------------------------------------------- the offer


def offer(dispatcher: CollectingDispatcher, text: str) -> list[dict[str, Any]]:
    """Offer the exercise about ``text`` (a self-blaming message); returns the events."""
    dispatcher.utter_message(text=OFFER, buttons=OFFER_BUTTONS)
    return [SlotSet(CONTEXT, {"trigger": _quote(text)})]


class ActionDeclineThoughtRecord(Action):
    """« Pas maintenant »: said kindly, and the next steps come back."""

    def name(self) -> str:
        return "action_decline_thought_record"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(text=DECLINED)
        dispatcher.utter_message(text=NEXT_STEPS_QUESTION, buttons=NEXT_STEP_BUTTONS)
        return [SlotSet(CONTEXT, None), SlotSet("flow_step", NEXT_STEPS)]


class ActionStartThoughtRecord(Action):
    def name(self) -> str:
        return "action_start_thought_record"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        context: dict[str, Any] = {}
        trigger = _context(tracker).get("trigger")
        if isinstance(trigger, str) and trigger:
            context["trigger"] = trigger
        uid = telegram_user_id(tracker)
        if uid is not None:
            # Best effort: without the database the exercise still runs (saving says so).
            try:
                with transaction(sessions()) as session:
                    user = find_user(session, uid)
                    rejection = None
                    if user is not None:
                        rejection = get_rejection(
                            session, user, tracker.get_slot("current_rejection_id")
                        ) or latest_rejection(session, user)
                    if rejection is not None and rejection.company:
                        about = f"Le refus {writing.de(writing.company(rejection.company))}"
                        if rejection.position:
                            about += f" pour le poste de {rejection.position}"
                        context["situation"] = about
                        context["rejection_id"] = rejection.id
            except Exception:  # the exercise does not need the suggestion
                pass
        dispatcher.utter_message(text=INTRO)
        # paused_flow stays: a flow set aside before the exercise can still be resumed.
        return [
            *_reset(),
            SlotSet(CONTEXT, context),
            SlotSet("ask_quietly", None),
            SlotSet("flow_stop", None),
        ]


# --------------------------------------------------------------------------- the form


def _or(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " ou " + items[-1]


def _evidence(tracker: Tracker) -> list[str]:
    uid = telegram_user_id(tracker)
    if uid is None:
        return []
    try:
        with transaction(sessions()) as session:
            user = find_user(session, uid)
            return evidence_for_user(session, user) if user is not None else []
    except Exception:  # evidence is a help, never a reason to fail
        return []


class ValidateThoughtForm(FormValidationAction):
    def name(self) -> str:
        return "validate_thought_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        return [] if tracker.get_slot("flow_stop") else list(SLOTS.values())

    def _step(
        self, step: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> dict[str, Any]:
        slot = SLOTS[step]
        if value is None:
            return {slot: None}
        text = " ".join(str(value).split())
        cut = interrupted(slot, text, dispatcher, tracker)
        if cut is not None:
            if cut.aside is None:
                return cut.slots
            ask(dispatcher, tracker, step)
            return {slot: None, "ask_quietly": True}
        if is_skip(text):
            return {slot: SKIPPED}
        answer = read_answer(step, text, tracker)
        if answer is not None:
            return {slot: answer}
        if step in ("belief", "belief_after"):
            dispatcher.utter_message(text=NOT_A_RATING, buttons=[*RATING_BUTTONS, SKIP_BUTTON])
        elif step == "trap":
            dispatcher.utter_message(text=NOT_A_TRAP, buttons=trap_buttons(tracker))
        else:
            dispatcher.utter_message(text=NO_WORDS + PROMPTS[step], buttons=[SKIP_BUTTON])
        return {slot: None, "ask_quietly": True}

    async def validate_tr_situation(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._step("situation", value, dispatcher, tracker)

    async def validate_tr_thought(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._step("thought", value, dispatcher, tracker)

    async def validate_tr_belief(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._step("belief", value, dispatcher, tracker)

    async def validate_tr_emotion(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._step("emotion", value, dispatcher, tracker)

    async def validate_tr_evidence_for(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._step("evidence_for", value, dispatcher, tracker)

    async def validate_tr_evidence_against(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._step("evidence_against", value, dispatcher, tracker)

    async def validate_tr_trap(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._step("trap", value, dispatcher, tracker)

    async def validate_tr_balanced(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._step("balanced", value, dispatcher, tracker)

    async def validate_tr_belief_after(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._step("belief_after", value, dispatcher, tracker)


def read_answer(step: str, text: str, tracker: Tracker) -> Any:
    """The slot value for an answer to ``step``, or None when it is not one."""
    context = _context(tracker)
    if step in ("belief", "belief_after"):
        return parse_rating(text)
    if step == "trap":
        return parse_trap(text)
    if step == "situation" and text == KEEP and context.get("situation"):
        return context["situation"]
    if step == "thought" and context.get("trigger") and (text == KEEP or parse_yes_no(text)):
        return context["trigger"]
    if step == "evidence_against" and text == KEEP:
        found = _evidence(tracker)
        if found:
            return " ; ".join(found)
    if not has_letters(text):
        return None
    return text[:1000]


def trap_buttons(tracker: Tracker) -> list[dict[str, str]]:
    suggested = set(_suggested(tracker))
    return [
        {"title": ("👉 " if trap in suggested else "") + TRAP_LABELS[trap], "payload": str(n)}
        for n, trap in enumerate(TRAPS, start=1)
    ] + [NO_TRAP_BUTTON, SKIP_BUTTON]


def _suggested(tracker: Tracker) -> tuple[str, ...]:
    thought = tracker.get_slot(SLOTS["thought"])
    return suggest_traps(thought) if isinstance(thought, str) and thought != SKIPPED else ()


def trap_question(tracker: Tracker) -> str:
    listed = "\n".join(
        f"{n}. {TRAP_LABELS[trap]} : {TRAP_EXPLANATIONS[trap]}"
        for n, trap in enumerate(TRAPS, start=1)
    )
    suggested = _suggested(tracker)
    hint = (
        "D'après vos mots, je pencherais pour : "
        + _or([TRAP_LABELS[trap] for trap in suggested])
        + " (👉). C'est vous qui choisissez."
        if suggested
        else "C'est vous qui choisissez ; « aucun » est une réponse aussi."
    )
    return f"{PROMPTS['trap']}\n\n{listed}\n\n{hint}"


def ask(dispatcher: CollectingDispatcher, tracker: Tracker, step: str) -> None:
    """Utter the question of ``step``, with its buttons."""
    context = _context(tracker)
    text = PROMPTS[step]
    buttons: list[dict[str, str]] = []
    if step == "situation" and context.get("situation"):
        buttons.append({"title": f"📌 {context['situation']}"[:60], "payload": KEEP})
    elif step == "thought" and context.get("trigger"):
        text += f"\n\nVous m'avez écrit : « {context['trigger']} ». Est-ce cette pensée-là ?"
        buttons.append({"title": "✅ Oui, celle-là", "payload": KEEP})
    elif step in ("belief", "belief_after"):
        buttons += RATING_BUTTONS
        thought = tracker.get_slot(SLOTS["thought"])
        if step == "belief_after" and isinstance(thought, str) and thought != SKIPPED:
            text += f"\n\n« {_quote(thought)} »"
    elif step == "emotion":
        buttons += EMOTION_BUTTONS
    elif step == "evidence_against":
        found = _evidence(tracker)
        if found:
            text += "\n\nDans vos notes, j'ai retrouvé :\n" + "\n".join(f"• {f}" for f in found)
            text += "\n\nVous pouvez les reprendre tels quels, ou écrire les vôtres."
            buttons.append({"title": "📋 Reprendre ces faits", "payload": KEEP})
    elif step == "trap":
        dispatcher.utter_message(text=trap_question(tracker), buttons=trap_buttons(tracker))
        return
    dispatcher.utter_message(text=text, buttons=[*buttons, SKIP_BUTTON])


class _AskStep(QuietAsk, abc.ABC):
    step = ""

    @abc.abstractmethod
    def name(self) -> str:
        """Abstract: rasa-sdk registers only the concrete subclasses."""

    def ask(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        ask(dispatcher, tracker, self.step)
        return []


class ActionAskTrSituation(_AskStep):
    step = "situation"

    def name(self) -> str:
        return "action_ask_tr_situation"


class ActionAskTrThought(_AskStep):
    step = "thought"

    def name(self) -> str:
        return "action_ask_tr_thought"


class ActionAskTrBelief(_AskStep):
    step = "belief"

    def name(self) -> str:
        return "action_ask_tr_belief"


class ActionAskTrEmotion(_AskStep):
    step = "emotion"

    def name(self) -> str:
        return "action_ask_tr_emotion"


class ActionAskTrEvidenceFor(_AskStep):
    step = "evidence_for"

    def name(self) -> str:
        return "action_ask_tr_evidence_for"


class ActionAskTrEvidenceAgainst(_AskStep):
    step = "evidence_against"

    def name(self) -> str:
        return "action_ask_tr_evidence_against"


class ActionAskTrTrap(_AskStep):
    step = "trap"

    def name(self) -> str:
        return "action_ask_tr_trap"


class ActionAskTrBalanced(_AskStep):
    step = "balanced"

    def name(self) -> str:
        return "action_ask_tr_balanced"


class ActionAskTrBeliefAfter(_AskStep):
    step = "belief_after"

    def name(self) -> str:
        return "action_ask_tr_belief_after"


# --------------------------------------------------------------------------- saving


class ActionSaveThoughtRecord(Action):
    """The form is complete (or stopped): saved to the journal and shown back."""

    def name(self) -> str:
        return "action_save_thought_record"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        stopped = set_aside(dispatcher, tracker, FORM, SET_ASIDE) or stop_events(
            dispatcher, tracker, FORM, reset=[*SLOTS.values(), CONTEXT, "ask_quietly"]
        )
        if stopped is not None:
            return stopped
        record = record_of(tracker)
        if record.answered() == 0:
            dispatcher.utter_message(text=NOTHING_SAVED)
            return [*_reset(), SlotSet(CONTEXT, None)]
        rejection_id = _context(tracker).get("rejection_id")
        now = dt.datetime.now(dt.UTC)

        def work(session: Session, user: User) -> int:
            save_thought_record(
                session,
                user,
                record,
                rejection_id=rejection_id if isinstance(rejection_id, int) else None,
            )
            return recent_count(session, user, now=now)

        count = with_user(tracker, dispatcher, work, failure=SAVE_FAILED)
        if count is None:
            # Kept in the slots: the form can be reopened (« on reprend ») and saved again.
            return [SlotSet("paused_flow", FORM)]
        dispatcher.utter_message(text=f"{SAVED}\n\n{render(record)}")
        closing = [belief_change(record.belief, record.belief_after), CLOSING]
        if count >= PROFESSIONAL_AFTER:
            closing.append(PROFESSIONAL_NOTE.format(count=count, days=PROFESSIONAL_WINDOW_DAYS))
        dispatcher.utter_message(text="\n\n".join(part for part in closing if part))
        dispatcher.utter_message(text=NEXT_STEPS_QUESTION, buttons=NEXT_STEP_BUTTONS)
        return [*_reset(), SlotSet(CONTEXT, None), SlotSet("flow_step", NEXT_STEPS)]
