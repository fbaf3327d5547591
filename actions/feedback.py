"""Feedback received (SPEC §3 flow 6): which application, written or from a call, the
text over as many messages as needed, then saved with its analysis.

- ``action_start_feedback`` (/retour, "ils m'ont répondu", "j'ai eu un retour de
  Capgemini"): finds the application (a button, the company named in the message, the
  only request still awaiting an answer, the only rejection; otherwise buttons) and stops
  its follow-up reminder, then ``feedback_form`` opens. Without any rejection it offers to
  log one first, or to record the feedback on its own. A first message that already
  carries the feedback ("le retour de Decathlon : manque d'expérience en gestion de
  projet") is kept as its first part.
- ``feedback_form`` asks whether it is a written answer or notes from a call, then takes
  the text over as many messages as needed ("C'est tout" / "J'ajoute un message" after
  each). Long text is content whatever the classifier thought of it; a slash command or a
  short aside ("/aide", "tu es un robot ?") is answered and the question comes back.
- ``action_save_feedback`` stores it with ``coach.feedback.analyze``'s reading, marks the
  request answered (its follow-up reminder is cancelled) and shows the analysis; the five
  steps follow (``actions/interpretation.py``).

The form stops early like the others (``actions/flow.py``): "on en reparle demain",
/annuler, or a crisis message, after which "on reprend" or /retour brings it back with
the messages already received.
"""

from __future__ import annotations

import re
from typing import Any, Final

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from actions.common import QuietAsk, with_user
from actions.flow import answer_aside, aside, interruption, stop_events, stop_slots
from actions.interpretation import (
    NO_CONSENT,
    context_of,
    show_analysis,
    walk_from_start,
    with_speaker,
)
from coach.feedback import MAX_CHARS, analyze
from coach.feedback_request import mark_answered
from coach.feedbacks import save_feedback
from coach.intake import is_dont_know
from coach.interpretation import FeedbackContext
from coach.models import FeedbackRequest, Rejection, User
from coach.rejections import get_rejection, list_rejections
from coach.textfold import fold_keep_length

FORM: Final = "feedback_form"
#: flow_step value: buttons to choose the application were shown (no form yet).
WAIT: Final = "feedback_wait"
#: feedback_rejection_id when the feedback is recorded without an application.
NO_APPLICATION: Final = "none"
SOURCES: Final = ("written", "call")
#: Slots of one feedback being recorded (cleared when a new one starts or it is cancelled).
FORM_SLOTS: Final = ("feedback_source", "feedback_text", "feedback_parts", "ask_quietly")

SAVE_FAILED: Final = (
    "Je n'ai pas pu enregistrer ce retour (souci technique). Votre texte reste en mémoire : "
    "écrivez « on reprend » un peu plus tard."
)
SOURCE_QUESTION: Final = (
    "Est-ce une réponse écrite (mail, message) ou des notes prises pendant un appel ?"
)
SOURCE_BUTTONS: Final = [
    {"title": "✉️ Réponse écrite", "payload": "écrit"},
    {"title": "📞 Notes d'un appel", "payload": "appel"},
]
ASK_WRITTEN: Final = (
    "Collez ici le texte de leur réponse, tel quel. S'il est long, envoyez-le en plusieurs "
    "messages : je les assemble. (/annuler pour arrêter)"
)
ASK_CALL: Final = (
    "Notez ici ce que la personne vous a dit, avec vos mots : ce qui a plu, ce qui a "
    "manqué, ses conseils. En un ou plusieurs messages. (/annuler pour arrêter)"
)
MORE_BUTTONS: Final = [
    {"title": "✅ C'est tout", "payload": "c'est tout"},
    {"title": "➕ J'ajoute un message", "payload": "j'ajoute un message"},
]
ANYTHING_ELSE: Final = "C'est tout, ou vous ajoutez un message ?"
GO_ON: Final = "Je vous écoute : envoyez la suite."
NOTHING_YET: Final = (
    "Je n'ai encore rien reçu de ce retour : collez-le ici, ou /annuler pour arrêter."
)
NO_WORDS: Final = (
    "Je ne vois que des symboles dans ce message. Pour que je puisse le lire, envoyez le "
    "texte du retour (ou vos notes) avec des mots ; /annuler pour arrêter."
)
BUSY: Final = (
    "Je suis en train de noter votre retour. Collez-le ici, dites « c'est tout » quand il "
    "est complet, ou /annuler pour arrêter."
)
MAX_CHOICES: Final = 6

_DONE: Final = re.compile(
    r"^\s*(?:(?:ok|bon|alors|oui|euh)[\s,]+)?(?:c['’]?\s*est\s+tout(?:\s+bon)?|c\s+tout|"
    r"ç?a\s+suffit|ca\s+suffit|rien\s+d['’]\s*autre|pas\s+d['’]\s*autres?(?:\s+messages?)?|"
    r"non|non\s+merci|nan|c['’]?\s*est\s+bon|c['’]?\s*est\s+complet|fini|termin[ée]|"
    r"c['’]?\s*est\s+fini|j['’]?\s*ai\s+fini|j['’]?\s*ai\s+termin[ée]|voil[àa](?:\s+tout)?|"
    r"c['’]?\s*est\s+(?:tout\s+)?ce\s+qu['’]?\s*ils\s+(?:m['’]\s*)?ont\s+dit)"
    r"\s*[.!]*\s*$",
    re.IGNORECASE,
)
_MORE: Final = re.compile(
    r"^\s*(?:j['’]?\s*(?:en\s+)?ajoute(?:\s+(?:un|une|des|la)\s+\w+)?(?:\s+message)?|"
    r"ajouter(?:\s+un\s+message)?|encore\s+un(?:\s+message)?|un\s+autre\s+message|"
    r"attend(?:s|ez)?(?:\s+(?:il\s+y\s+a|y\s*a)\s+(?:une\s+)?suite)?|il\s+y\s+a\s+une\s+suite|"
    r"la\s+suite\s+arrive|je\s+continue|oui\s+j['’]\s*ajoute.*)\s*[.!]*\s*$",
    re.IGNORECASE,
)
#: Short answers to "C'est tout, ou vous ajoutez un message ?" that say neither.
_UNCLEAR: Final = re.compile(r"^\s*(?:oui|ouais|ok|okay|d['’]?accord|euh+|hm+)\s*[.!?]*\s*$", re.I)
_WRITTEN: Final = re.compile(
    r"\b(?:e?-?mail|mel|courriel|message|ecrit|ecrite|par\s+ecrit|lettre|courrier|sms|"
    r"linkedin|reponse\s+ecrite|texte)\b"
)
_CALL: Final = re.compile(
    r"\b(?:appel|appele|appelee|rappele|rappelee|telephone|(?:au|par)\s+tel|visio|oral|"
    r"orale|oralement|vive\s+voix|coup\s+de\s+fil|debrief)\b"
)
#: In a short answer to the source question, "mes notes" means notes from a call.
_NOTES: Final = re.compile(r"\bnotes?\b")
_LETTER: Final = re.compile(r"[^\W\d_]")
#: How many words make a message content rather than an answer to a short question.
CONTENT_WORDS: Final = 8


def _fold(text: str) -> str:
    return " ".join(fold_keep_length(text or "").split())


def _typed(tracker: Tracker) -> str:
    """The person's own words in the latest message ("" for a button or a command)."""
    text = (tracker.latest_message or {}).get("text") or ""
    return "" if text.startswith("/") else text


def _entity(tracker: Tracker) -> str | None:
    for entity in (tracker.latest_message or {}).get("entities") or []:
        if isinstance(entity, dict) and entity.get("entity") == "rejection_id":
            value = entity.get("value")
            return str(value) if value is not None else None
    return None


def parse_source(text: str) -> str | None:
    """ "écrit", "un mail", "1" → written; "appel", "au téléphone", "2" → call."""
    folded = _fold(text)
    if folded in ("1", "written"):
        return "written"
    if folded in ("2", "call"):
        return "call"
    if len(folded.split()) > CONTENT_WORDS:
        return None
    call = bool(_CALL.search(folded) or _NOTES.search(folded))
    written = bool(_WRITTEN.search(folded))
    if call != written:
        return "call" if call else "written"
    return None


def source_in_message(text: str) -> str | None:
    """How the feedback came, when the first message says it ("par téléphone", "par mail")."""
    folded = _fold(text)
    call, written = bool(_CALL.search(folded)), bool(_WRITTEN.search(folded))
    if call != written:
        return "call" if call else "written"
    return None


#: "ils m'ont dit que…", "selon la RH…": the message reports what was said.
_REPORTED: Final = re.compile(
    r"\b(?:m\s+ont\s+(?:dit|ecrit|explique|reproche)|m\s+a\s+(?:dit|ecrit|explique|reproche)|"
    r"ont\s+(?:dit|note|trouve|explique)|a\s+(?:dit|note|trouve|explique)|disent|trouvent|"
    r"reprochent|selon\s+(?:eux|elle|lui|la|le|les)|d\s+apres\s+(?:eux|elle|lui|la|le|les)|"
    r"(?:le|leur)\s+(?:retour|feedback)\s+(?:c\s+est|dit|est)\s+que)\b"
)


def feedback_in_message(text: str) -> str | None:
    """The feedback itself when the first message already carries it ("le retour de
    Decathlon : profil intéressant mais manque d'expérience en gestion de projet", "ils
    m'ont dit que mes compétences en SQL étaient insuffisantes"); None for a message that
    only announces it ("ils m'ont répondu", "j'ai eu un retour de Capgemini")."""
    if not text or text.startswith("/"):
        return None
    _head, colon, tail = text.partition(":")
    if colon and len(tail.split()) >= 3:
        candidate = tail
    elif _REPORTED.search(_fold(text)):
        candidate = text
    else:
        return None
    candidate = candidate.strip().strip("\"'«»“” ").strip()
    if len(candidate.split()) < 4 or not analyze(candidate).themes:
        return None
    return candidate


def _parts(tracker: Tracker) -> list[str]:
    value = tracker.get_slot("feedback_parts")
    return [str(part) for part in value] if isinstance(value, list) else []


def _messages(count: int) -> str:
    return f"{count} message" if count == 1 else f"{count} messages"


def _joined(parts: list[str]) -> str:
    return "\n\n".join(parts)


# --------------------------------------------------------------------------- start


def _label(rejection: Rejection) -> str:
    parts = [rejection.company or "Candidature", rejection.position or ""]
    return " — ".join(p for p in parts if p)


def _awaiting(session: Session, user: User) -> list[int]:
    """Rejections whose feedback request was sent and not answered yet."""
    return list(
        dict.fromkeys(
            session.scalars(
                select(FeedbackRequest.rejection_id)
                .where(
                    FeedbackRequest.user_id == user.id,
                    FeedbackRequest.status == "sent",
                    FeedbackRequest.rejection_id.is_not(None),
                )
                .order_by(FeedbackRequest.sent_at.desc(), FeedbackRequest.id.desc())
            )
        )
    )


def _named(rejections: list[Rejection], text: str) -> Rejection | None:
    """The one application whose company the message names ("un retour de Capgemini")."""
    folded = _fold(text)
    if not folded:
        return None
    hits = [
        r
        for r in rejections
        if r.company
        and _fold(r.company)
        and re.search(rf"(?<!\w){re.escape(_fold(r.company))}(?!\w)", folded)
    ]
    return hits[0] if len(hits) == 1 else None


class ActionStartFeedback(Action):
    """Which application the feedback is about; then ``feedback_form`` opens (flow_step
    None) or buttons wait for a choice (flow_step ``feedback_wait``)."""

    def name(self) -> str:
        return "action_start_feedback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        text = _typed(tracker)
        entity = _entity(tracker)
        carried = _parts(tracker) if tracker.get_slot("flow_step") == WAIT else []
        content = feedback_in_message(text)
        parts = [content] if content else carried
        source = source_in_message(text) if text else None

        def work(session: Session, user: User) -> list[dict[str, Any]]:
            rejections = list_rejections(session, user, limit=50)
            if (
                tracker.get_slot("paused_flow") == FORM
                and entity is None
                and _named(rejections, text) is None
                and content is None
            ):
                dispatcher.utter_message(text="Reprenons votre retour là où nous en étions.")
                return [
                    SlotSet("paused_flow", None),
                    SlotSet("flow_stop", None),
                    SlotSet("flow_step", None),
                ]
            chosen: Rejection | None = None
            decided = False
            if entity == NO_APPLICATION:
                decided = True
            elif entity is not None:
                chosen = get_rejection(session, user, entity)
                decided = chosen is not None
            if not decided:
                chosen = _named(rejections, text)
                decided = chosen is not None
            if not decided:
                awaiting = _awaiting(session, user)
                current = get_rejection(session, user, tracker.get_slot("current_rejection_id"))
                if current is not None and current.id in awaiting:
                    chosen = current
                elif len(awaiting) == 1:
                    chosen = get_rejection(session, user, awaiting[0])
                elif len(rejections) == 1:
                    chosen = rejections[0]
                decided = chosen is not None
            if not decided:
                self._ask_which(dispatcher, rejections)
                return [SlotSet("feedback_parts", parts or None), SlotSet("flow_step", WAIT)]
            answered = mark_answered(session, user, chosen) if chosen is not None else 0
            self._welcome(dispatcher, chosen, answered=answered, content=content)
            return [
                *(SlotSet(slot, None) for slot in FORM_SLOTS),
                SlotSet("feedback_parts", parts or None),
                SlotSet("feedback_source", source),
                SlotSet("feedback_rejection_id", chosen.id if chosen else NO_APPLICATION),
                *([SlotSet("current_rejection_id", chosen.id)] if chosen else []),
                SlotSet("flow_stop", None),
                SlotSet("paused_flow", None),
                SlotSet("flow_step", None),
            ]

        events = with_speaker(tracker, dispatcher, work)
        return events if events is not None else [SlotSet("flow_step", WAIT)]

    @staticmethod
    def _ask_which(dispatcher: CollectingDispatcher, rejections: list[Rejection]) -> None:
        alone = {"payload": f'/share_feedback{{"rejection_id":"{NO_APPLICATION}"}}'}
        if not rejections:
            dispatcher.utter_message(
                text="Merci de me le confier ! Je n'ai encore aucune candidature notée pour "
                "vous. Vous pouvez d'abord la noter (entreprise, poste, date : deux minutes), "
                "pour que le retour y soit rattaché, ou enregistrer le retour tel quel.",
                buttons=[
                    {"title": "📝 Noter la candidature d'abord", "payload": "/report_rejection"},
                    {"title": "📨 Enregistrer le retour seul", **alone},
                ],
            )
            return
        dispatcher.utter_message(
            text="Merci de me le confier ! De quelle candidature s'agit-il ?",
            buttons=[
                {
                    "title": _label(r)[:60],
                    "payload": f'/share_feedback{{"rejection_id":"{r.id}"}}',
                }
                for r in rejections[:MAX_CHOICES]
            ]
            + [{"title": "Une autre candidature", **alone}],
        )

    @staticmethod
    def _welcome(
        dispatcher: CollectingDispatcher,
        rejection: Rejection | None,
        *,
        answered: int,
        content: str | None,
    ) -> None:
        if rejection is not None and rejection.company:
            what = f"ce retour de {rejection.company}"
            if rejection.position:
                what += f" ({rejection.position})"
        else:
            what = "ce retour"
        lines = [
            f"Merci de me confier {what} : en recevoir un est une vraie chance. Lisons-le ensemble."
        ]
        if answered:
            lines.append("La réponse est arrivée : j'annule la relance prévue.")
        if content:
            shown = content if len(content) <= 200 else content[:199] + "…"
            lines.append(f"J'ai déjà noté ce que vous m'en dites : « {shown} »")
        dispatcher.utter_message(text="\n".join(lines))


# --------------------------------------------------------------------------- the form


class ValidateFeedbackForm(FormValidationAction):
    def name(self) -> str:
        return "validate_feedback_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        return [] if tracker.get_slot("flow_stop") else ["feedback_source", "feedback_text"]

    async def validate_feedback_source(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None or value in SOURCES:
            return {"feedback_source": value}
        text = str(value).strip()
        stop = interruption(text)
        if stop:
            return {"feedback_source": None, **stop_slots(stop)}
        other = aside(tracker, text)
        if other:
            answer_aside(dispatcher, other)
            dispatcher.utter_message(text=SOURCE_QUESTION, buttons=SOURCE_BUTTONS)
            return {"feedback_source": None, "ask_quietly": True}
        source = parse_source(text)
        if source is not None:
            return {"feedback_source": source}
        if is_dont_know(text):
            return {"feedback_source": "written"}
        if len(text.split()) >= CONTENT_WORDS:
            # The feedback itself, pasted straight away: taken as a written answer.
            parts = [*_parts(tracker), text]
            dispatcher.utter_message(
                text=f"Je le note comme le texte de leur réponse. {ANYTHING_ELSE}",
                buttons=MORE_BUTTONS,
            )
            return {"feedback_source": "written", "feedback_parts": parts, "ask_quietly": True}
        dispatcher.utter_message(
            text="Pardon, je n'ai pas compris. " + SOURCE_QUESTION, buttons=SOURCE_BUTTONS
        )
        return {"feedback_source": None, "ask_quietly": True}

    async def validate_feedback_text(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None:
            return {"feedback_text": None}
        parts = _parts(tracker)
        text = str(value).strip()
        if parts and _DONE.match(text):
            return {"feedback_text": _joined(parts)}
        stop = interruption(text)
        if stop:
            return {"feedback_text": None, **stop_slots(stop)}
        other = aside(tracker, text)
        if other:
            answer_aside(dispatcher, other)
            dispatcher.utter_message(text=BUSY, buttons=MORE_BUTTONS if parts else None)
            return {"feedback_text": None, "ask_quietly": True}
        if _DONE.match(text):
            dispatcher.utter_message(text=NOTHING_YET)
            return {"feedback_text": None, "ask_quietly": True}
        if _MORE.match(text):
            dispatcher.utter_message(text=GO_ON)
            return {"feedback_text": None, "ask_quietly": True}
        if parts and _UNCLEAR.match(text):
            dispatcher.utter_message(text=ANYTHING_ELSE, buttons=MORE_BUTTONS)
            return {"feedback_text": None, "ask_quietly": True}
        if not _LETTER.search(text):
            dispatcher.utter_message(text=NO_WORDS)
            return {"feedback_text": None, "ask_quietly": True}
        parts.append(text)
        if len(_joined(parts)) >= MAX_CHARS:
            dispatcher.utter_message(
                text=f"Ce retour est déjà très complet : je garde ses {MAX_CHARS} premiers "
                "caractères, c'est ce que je sais lire."
            )
            return {"feedback_text": _joined(parts)[:MAX_CHARS], "feedback_parts": parts}
        dispatcher.utter_message(
            text=f"Bien reçu ✅ ({_messages(len(parts))}). {ANYTHING_ELSE}", buttons=MORE_BUTTONS
        )
        return {"feedback_text": None, "feedback_parts": parts, "ask_quietly": True}


class ActionAskFeedbackSource(QuietAsk):
    def name(self) -> str:
        return "action_ask_feedback_source"

    def ask(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        dispatcher.utter_message(text=SOURCE_QUESTION, buttons=SOURCE_BUTTONS)
        return []


class ActionAskFeedbackText(QuietAsk):
    def name(self) -> str:
        return "action_ask_feedback_text"

    def ask(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        parts = _parts(tracker)
        if parts:
            dispatcher.utter_message(
                text=f"J'ai déjà {_messages(len(parts))} de ce retour. {ANYTHING_ELSE}",
                buttons=MORE_BUTTONS,
            )
        elif tracker.get_slot("feedback_source") == "call":
            dispatcher.utter_message(text=ASK_CALL)
        else:
            dispatcher.utter_message(text=ASK_WRITTEN)
        return []


def _rejection_id(tracker: Tracker) -> int | None:
    value = tracker.get_slot("feedback_rejection_id")
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


class ActionSaveFeedback(Action):
    """The form is complete: store, analyse, stop the follow-up, show what it says."""

    def name(self) -> str:
        return "action_save_feedback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        stopped = stop_events(
            dispatcher, tracker, FORM, reset=[*FORM_SLOTS, "feedback_rejection_id"]
        )
        if stopped is not None:
            return stopped
        text = tracker.get_slot("feedback_text")
        if not isinstance(text, str) or not text.strip():
            dispatcher.utter_message(
                text=NOTHING_YET,
                buttons=[{"title": "📨 Recommencer", "payload": "/share_feedback"}],
            )
            return [SlotSet("feedback_text", None), SlotSet("flow_step", None)]
        source = tracker.get_slot("feedback_source")
        source = source if source in SOURCES else "written"
        analysis = analyze(text)

        def work(session: Session, user: User) -> tuple[int, FeedbackContext, int]:
            rejection = get_rejection(session, user, _rejection_id(tracker))
            row = save_feedback(
                session,
                user,
                rejection_id=rejection.id if rejection else None,
                text=text,
                analysis=analysis,
                source=source,
            )
            answered = mark_answered(session, user, rejection) if rejection else 0
            return row.id, context_of(session, user, rejection), answered

        saved = with_user(tracker, dispatcher, work, no_user=NO_CONSENT, failure=SAVE_FAILED)
        if saved is None:
            # Kept in memory: "on reprend" opens the form again with the text gathered.
            return [
                SlotSet("feedback_text", None),
                SlotSet("paused_flow", FORM),
                SlotSet("flow_step", None),
            ]
        feedback_id, ctx, answered = saved
        done = "C'est enregistré ✅"
        if answered:
            done += " Et la relance prévue est annulée."
        dispatcher.utter_message(text=done)
        show_analysis(dispatcher, analysis, ctx)
        return [
            *(SlotSet(slot, None) for slot in FORM_SLOTS),
            *walk_from_start(feedback_id),
        ]
