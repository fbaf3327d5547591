"""Reading a recorded feedback (SPEC §3 flows 6 and 7): the five steps, /bilan, and
what to do with unhelpful feedback. The words come from ``coach.interpretation``.

- After ``action_save_feedback`` (``actions/feedback.py``) has shown the analysis,
  ``action_interpretation_step`` ("Suite") shows the next of the five steps. Step 3 is
  ``feedback_reflection_form``: two or three questions on the interview, asked one at a
  time, each answer saved to the journal (kind "interview") as it comes; « passer » skips
  one. Step 5 offers a thank-you note (``action_thank_you_note``) and /bilan.
- ``action_stop_interpretation`` ("Plus tard") leaves the steps for « on reprend »;
  ``action_interpret_feedback`` ("comment interpréter ce retour ?") reads the latest
  feedback again from the start.
- ``action_show_patterns`` (/bilan) counts themes across all feedbacks and asks the
  front-end for the charts that have something to show; ``action_second_opinion`` answers
  unhelpful or hurtful feedback (offered as a button after an analysis that found a
  non-constructive remark).
"""

from __future__ import annotations

from typing import Any, Final

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from actions.common import QuietAsk, has_letters, with_user
from actions.flow import (
    ASIDE_ANSWERS,
    COMMAND_ACTIONS,
    COMMAND_STOP,
    INTERPRETATION,
    NEXT_INTERPRETATION_STEP,
    interrupted,
    stop_events,
)
from coach.feedback import FeedbackAnalysis, analyze
from coach.feedback_request import contact_name, contact_rule, profile_of
from coach.feedbacks import get_feedback, latest_feedback, mood_series, patterns_for
from coach.interpretation import (
    INTERPRETATION_STEPS,
    REFLECTION_INTRO,
    FeedbackContext,
    action_plan,
    calls_for_second_opinion,
    charts_to_draw,
    format_analysis,
    name_hint,
    patterns_message,
    positive_close,
    reflection_prompts,
    second_opinion,
    step_clarification,
    step_details,
    thank_you_note,
)
from coach.journal import MAX_TEXT, add_entry
from coach.language import writing
from coach.language.answers import is_dont_know, is_skip
from coach.models import Feedback, FeedbackRequest, Rejection, User
from coach.rejections import get_rejection, latest_rejection

REFLECTION_FORM: Final = "feedback_reflection_form"
#: flow_step value: the reflection questions of step 3 come next.
REFLECT: Final = "feedback_reflect"

ANSWER_NOT_SAVED: Final = (
    "Je n'ai pas pu noter cette réponse (souci technique). Réessayez dans un instant, ou "
    "écrivez « passer »."
)
STEP_BUTTONS: Final = [
    NEXT_INTERPRETATION_STEP,
    {"title": "⏸️ Plus tard", "payload": "/interpretation_stop"},
]
END_BUTTONS: Final = [
    {"title": "💌 Un mot de remerciement", "payload": "/thank_you_note"},
    {"title": "📊 Mon bilan", "payload": "/ask_patterns"},
]
SECOND_OPINION_BUTTON: Final = {"title": "🤝 Un second avis", "payload": "/feedback_unhelpful"}
SKIP_BUTTON: Final = [{"title": "⏭️ Passer", "payload": "passer"}]
CHARTS: Final = {"rebond": "charts"}
STEPS_INTRO: Final = "Je vous propose de le relire en cinq étapes, à votre rythme :"
REFLECTION_SET_ASIDE: Final = (
    "Je mets ces questions de côté, avec vos réponses déjà données : écrivez « on reprend » "
    "pour y revenir."
)


def set_aside(
    dispatcher: CollectingDispatcher, tracker: Tracker, form: str, message: str
) -> list[dict[str, Any]] | None:
    """When ``form`` ended for a command: it waits for « on reprend », with what it had, and
    the command's action follows. The rules cannot do it: a form hides from them the turns
    it handled, the command's included."""
    if tracker.get_slot("flow_stop") != COMMAND_STOP:
        return None
    dispatcher.utter_message(text=message)
    events = [SlotSet("flow_stop", None), SlotSet("paused_flow", form), SlotSet("flow_step", None)]
    intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
    command = COMMAND_ACTIONS.get(intent) if isinstance(intent, str) else None
    return [*events, FollowupAction(command)] if command else events


# --------------------------------------------------------------------------- context


def context_of(session: Session, user: User, rejection: Rejection | None) -> FeedbackContext:
    """Who answered and for what: the request's contact when one was prepared, else the
    contact rule applied to what the intake stored."""
    if rejection is None:
        return FeedbackContext()
    request = session.scalar(
        select(FeedbackRequest)
        .where(FeedbackRequest.user_id == user.id, FeedbackRequest.rejection_id == rejection.id)
        .order_by(FeedbackRequest.id.desc())
        .limit(1)
    )
    if request is not None and (request.contact_name or request.contact_role):
        name, role = request.contact_name, request.contact_role
    else:
        choice = contact_rule(rejection)
        name, role = contact_name(rejection, choice), choice.primary
    return FeedbackContext(
        company=rejection.company,
        position=rejection.position,
        contact_name=name,
        contact_role=role,
        culture=rejection.culture,
    )


def analysis_of(row: Feedback) -> FeedbackAnalysis:
    """What the person was shown when the feedback was saved (kept in the row, so that
    /bilan and the steps agree); the strengths are read again from the text."""
    return FeedbackAnalysis(
        kind=row.kind,
        themes=set(row.themes or ()),
        signals=set(row.signals or ()),
        evidence={key: list(phrases) for key, phrases in (row.evidence or {}).items()},
        strengths=list(analyze(row.text).strengths),
    )


def steps_overview(intro: str = STEPS_INTRO) -> str:
    """The five steps, numbered, after ``intro``."""
    steps = "\n".join(f"{n}. {title}" for n, title in enumerate(INTERPRETATION_STEPS, start=1))
    return f"{intro}\n{steps}"


def show_analysis(
    dispatcher: CollectingDispatcher, analysis: FeedbackAnalysis, ctx: FeedbackContext
) -> None:
    """The reading, then the five steps; a remark to take with distance also gets the
    second-opinion button, right where it is quoted."""
    dispatcher.utter_message(text=format_analysis(analysis, ctx))
    buttons = list(STEP_BUTTONS)
    if calls_for_second_opinion(analysis):
        buttons.append(SECOND_OPINION_BUTTON)
    dispatcher.utter_message(text=steps_overview(), buttons=buttons)


def walk_from_start(feedback_id: int) -> list[dict[str, Any]]:
    return [
        SlotSet("feedback_id", feedback_id),
        SlotSet("interpretation_step", 0),
        SlotSet("flow_step", INTERPRETATION),
        SlotSet("paused_flow", None),
    ]


# --------------------------------------------------------------------------- five steps


def _reflection(tracker: Tracker) -> dict[str, Any]:
    value = tracker.get_slot("reflection_state")
    if not isinstance(value, dict):
        return {"prompts": [], "index": 0, "saved": 0, "rejection_id": None}
    return value


def _show_step(
    step: int,
    analysis: FeedbackAnalysis,
    ctx: FeedbackContext,
    user: User,
    dispatcher: CollectingDispatcher,
) -> None:
    """Steps 1, 2, 4 and 5 (step 3 is the reflection form)."""
    if step == 1:
        dispatcher.utter_message(text=step_details(analysis), buttons=STEP_BUTTONS)
    elif step == 2:
        message, draft = step_clarification(analysis, ctx, profile_of(user))
        if draft is None:
            dispatcher.utter_message(text=message, buttons=STEP_BUTTONS)
        else:
            dispatcher.utter_message(text=message)
            dispatcher.utter_message(json_message={"code": True, "text": draft})
            dispatcher.utter_message(
                text="Copiez-le tel quel ou ajustez-le à votre façon d'écrire.",
                buttons=STEP_BUTTONS,
            )
    elif step == 4:
        dispatcher.utter_message(text=action_plan(analysis.themes), buttons=STEP_BUTTONS)
    else:
        dispatcher.utter_message(text=positive_close(analysis, ctx))
        dispatcher.utter_message(
            text="Pour finir : un court mot de remerciement à la personne qui vous a répondu "
            "laisse une excellente impression, et /bilan montre ce qui revient d'un retour à "
            "l'autre.",
            buttons=END_BUTTONS,
        )


def _load(
    session: Session, user: User, tracker: Tracker
) -> tuple[Feedback, Rejection | None] | None:
    feedback = get_feedback(session, user, tracker.get_slot("feedback_id"))
    if feedback is None:
        feedback = latest_feedback(session, user)
    if feedback is None:
        return None
    return feedback, get_rejection(session, user, feedback.rejection_id)


NO_FEEDBACK: Final = (
    "Je n'ai encore aucun retour enregistré pour vous. Quand vous en recevez un, envoyez-le "
    "avec /retour (le texte reçu ou vos notes d'un appel) : nous le lirons ensemble."
)
RECORD_BUTTON: Final = [{"title": "📨 Enregistrer un retour", "payload": "/share_feedback"}]


class ActionInterpretationStep(Action):
    """ "Suite": the next of the five steps. Always sets ``flow_step``: ``feedback_reflect``
    when the reflection questions come next, ``interpretation`` while steps remain, None
    at the end."""

    def name(self) -> str:
        return "action_interpretation_step"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        previous = tracker.get_slot("interpretation_step")
        step = (previous if isinstance(previous, int) and 0 <= previous < 5 else 0) + 1

        def work(session: Session, user: User) -> list[dict[str, Any]]:
            loaded = _load(session, user, tracker)
            if loaded is None:
                dispatcher.utter_message(text=NO_FEEDBACK, buttons=RECORD_BUTTON)
                return [SlotSet("interpretation_step", None), SlotSet("flow_step", None)]
            feedback, rejection = loaded
            analysis = analysis_of(feedback)
            events: list[dict[str, Any]] = [
                SlotSet("feedback_id", feedback.id),
                SlotSet("interpretation_step", step if step < 5 else None),
                SlotSet("paused_flow", None),
            ]
            if step == 3:
                dispatcher.utter_message(
                    text=f"{REFLECTION_INTRO}\nUne question à la fois ; « passer » permet "
                    "d'en sauter une."
                )
                state = {
                    "prompts": reflection_prompts(analysis),
                    "index": 0,
                    "saved": 0,
                    "rejection_id": feedback.rejection_id,
                }
                return [
                    *events,
                    SlotSet("reflection_state", state),
                    SlotSet("interview_reflection", None),
                    SlotSet("flow_stop", None),
                    SlotSet("flow_step", REFLECT),
                ]
            _show_step(step, analysis, context_of(session, user, rejection), user, dispatcher)
            return [*events, SlotSet("flow_step", INTERPRETATION if step < 5 else None)]

        events = with_user(tracker, dispatcher, work)
        return events if events is not None else [SlotSet("flow_step", None)]


class ActionStopInterpretation(Action):
    """ "Plus tard": the steps wait; "on reprend" brings them back."""

    def name(self) -> str:
        return "action_stop_interpretation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(
            text="Entendu, on s'arrête là : votre retour est bien enregistré. Écrivez « on "
            "reprend » quand vous voudrez continuer, ou « on en reparle demain » pour que je "
            "vous le rappelle."
        )
        return [SlotSet("paused_flow", INTERPRETATION), SlotSet("flow_step", None)]


class ActionInterpretFeedback(Action):
    """ "Comment interpréter ce retour ?": the latest feedback read again, from step 1."""

    def name(self) -> str:
        return "action_interpret_feedback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        def work(session: Session, user: User) -> list[dict[str, Any]]:
            feedback = latest_feedback(session, user)
            if feedback is None:
                dispatcher.utter_message(
                    text=steps_overview(
                        "Pour interpréter un retour, je le lis avec vous en cinq étapes :"
                    )
                )
                dispatcher.utter_message(text=NO_FEEDBACK, buttons=RECORD_BUTTON)
                return []
            rejection = get_rejection(session, user, feedback.rejection_id)
            about = (
                f" ({writing.company(rejection.company)})"
                if rejection and rejection.company
                else ""
            )
            dispatcher.utter_message(text=f"Reprenons votre dernier retour{about}.")
            show_analysis(dispatcher, analysis_of(feedback), context_of(session, user, rejection))
            return walk_from_start(feedback.id)

        return with_user(tracker, dispatcher, work) or []


# --------------------------------------------------------------------------- step 3


class ValidateFeedbackReflectionForm(FormValidationAction):
    """One answer per question, saved to the journal as it comes ("passer" skips)."""

    def name(self) -> str:
        return "validate_feedback_reflection_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        if tracker.get_slot("flow_stop"):
            return []
        state = _reflection(tracker)
        return ["interview_reflection"] if state["index"] < len(state["prompts"]) else []

    async def validate_interview_reflection(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None:
            return {"interview_reflection": None}
        state = dict(_reflection(tracker))
        prompts = [str(p) for p in state["prompts"]]
        index = int(state["index"])
        text = " ".join(str(value).split())
        cut = interrupted("interview_reflection", text, dispatcher, tracker)
        if cut is not None:
            # An aside: answered if it can be, then the same question again (asked by the form).
            if cut.aside and cut.aside not in ASIDE_ANSWERS and cut.aside != "export_data":
                dispatcher.utter_message(
                    text="Répondons d'abord à cette question ; « passer » permet de la sauter."
                )
            return cut.slots
        if index >= len(prompts):
            return {"interview_reflection": "done"}
        if is_skip(text) or is_dont_know(text):
            state["index"] = index + 1
        elif not has_letters(text):
            dispatcher.utter_message(
                text="Je ne vois pas de mots dans ce message. Quelques mots suffisent, écrits "
                "à votre façon ; pour sauter cette question, écrivez « passer »."
            )
            return {"interview_reflection": None, "ask_quietly": True}
        else:

            def work(session: Session, user: User) -> bool:
                rejection = get_rejection(session, user, state.get("rejection_id"))
                entry = add_entry(
                    session,
                    user,
                    "interview",
                    text[:MAX_TEXT],
                    prompt=prompts[index],
                    rejection_id=rejection.id if rejection else None,
                )
                return entry is not None

            saved = with_user(tracker, dispatcher, work, failure=ANSWER_NOT_SAVED)
            if not saved:
                return {"interview_reflection": None, "ask_quietly": True}
            state["index"] = index + 1
            state["saved"] = int(state.get("saved") or 0) + 1
            dispatcher.utter_message(text="C'est noté.")
        done = state["index"] >= len(prompts)
        return {"interview_reflection": "done" if done else None, "reflection_state": state}


class ActionAskInterviewReflection(QuietAsk):
    def name(self) -> str:
        return "action_ask_interview_reflection"

    def ask(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        state = _reflection(tracker)
        prompts = state["prompts"]
        index = min(int(state["index"]), max(len(prompts) - 1, 0))
        if not prompts:
            return []
        dispatcher.utter_message(
            text=f"Question {index + 1}/{len(prompts)} : {prompts[index]}", buttons=SKIP_BUTTON
        )
        return []


class ActionFinishInterviewReflection(Action):
    """After the questions (or when they stop): thanks, then step 4."""

    def name(self) -> str:
        return "action_finish_interview_reflection"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        state = _reflection(tracker)
        if tracker.get_slot("flow_stop") == "cancel":
            kept = (
                " Vos réponses déjà données restent dans votre journal."
                if state.get("saved")
                else ""
            )
            dispatcher.utter_message(
                text=f"D'accord, on laisse ces questions.{kept} Écrivez « on reprend » pour "
                "passer à la suite de la lecture, quand vous voulez."
            )
            return [
                SlotSet("flow_stop", None),
                SlotSet("interview_reflection", None),
                SlotSet("reflection_state", None),
                SlotSet("paused_flow", INTERPRETATION),
                SlotSet("flow_step", None),
            ]
        stopped = set_aside(
            dispatcher, tracker, REFLECTION_FORM, REFLECTION_SET_ASIDE
        ) or stop_events(dispatcher, tracker, REFLECTION_FORM, reset=[])
        if stopped is not None:
            return [*stopped, SlotSet("interview_reflection", None)]
        thanks = (
            "Merci pour ces réponses : elles sont dans votre journal (/journal)."
            if state.get("saved")
            else "Pas de souci, passons à la suite."
        )
        dispatcher.utter_message(text=thanks)

        def work(session: Session, user: User) -> int:
            loaded = _load(session, user, tracker)
            if loaded is None:
                return 0
            feedback, _rejection = loaded
            _show_step(4, analysis_of(feedback), FeedbackContext(), user, dispatcher)
            return feedback.id

        shown = with_user(tracker, dispatcher, work)
        return [
            SlotSet("interview_reflection", None),
            SlotSet("reflection_state", None),
            SlotSet("interpretation_step", 4 if shown else 3),
            SlotSet("flow_step", INTERPRETATION),
        ]


# --------------------------------------------------------------------------- after


class ActionThankYouNote(Action):
    def name(self) -> str:
        return "action_thank_you_note"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        def work(session: Session, user: User) -> None:
            loaded = _load(session, user, tracker)
            analysis: FeedbackAnalysis | None = None
            if loaded is not None:
                feedback, rejection = loaded
                analysis = analysis_of(feedback)
            else:
                rejection = get_rejection(
                    session, user, tracker.get_slot("current_rejection_id")
                ) or latest_rejection(session, user)
            profile = profile_of(user)
            note = thank_you_note(context_of(session, user, rejection), profile, analysis)
            intro = "Voici un mot de remerciement, à adapter si besoin :"
            hint = name_hint(profile)
            dispatcher.utter_message(text=f"{intro}\n{hint}" if hint else intro)
            dispatcher.utter_message(json_message={"code": True, "text": note})
            dispatcher.utter_message(
                text="Remercier après un refus, c'est laisser la porte ouverte : la personne "
                "pourra penser à vous pour un prochain poste."
            )

        with_user(tracker, dispatcher, work)
        return []


class ActionShowPatterns(Action):
    """/bilan: themes across all feedbacks, the recurring ones first, then the charts."""

    def name(self) -> str:
        return "action_show_patterns"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        def work(session: Session, user: User) -> None:
            patterns = patterns_for(session, user)
            charts = charts_to_draw(patterns, len(mood_series(session, user)))
            text = patterns_message(patterns, charts)
            buttons = RECORD_BUTTON if patterns.total == 0 else None
            dispatcher.utter_message(text=text, buttons=buttons)
            if charts:
                # The front-end draws them (bot/relay.py), under the same conditions.
                dispatcher.utter_message(json_message=CHARTS)

        with_user(tracker, dispatcher, work)
        return []


DISCRIMINATION: Final = (
    "Et si une remarque visait votre âge, votre origine, votre apparence, votre genre ou "
    "votre santé, elle n'a rien d'un retour professionnel : elle peut être discriminatoire, "
    "et le Défenseur des droits peut vous aider."
)


class ActionSecondOpinion(Action):
    def name(self) -> str:
        return "action_second_opinion"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(
            text="Un retour peut être flou, injuste ou blessant : il ne dit pas qui vous êtes."
        )
        # In the middle of the five steps, the way back to them.
        reading = tracker.get_slot("flow_step") == INTERPRETATION
        dispatcher.utter_message(
            text=f"{second_opinion()}\n\n{DISCRIMINATION}",
            buttons=[NEXT_INTERPRETATION_STEP] if reading else None,
        )
        return []
