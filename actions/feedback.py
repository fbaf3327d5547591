"""Feedback received (SPEC §3 flow 6): which application, written or from a call, the
text over as many messages as needed, then saved with its analysis.

- ``action_start_feedback`` (/retour, "ils m'ont répondu", "j'ai eu un retour de
  Capgemini"): finds the application (a button, the company named in the message, the
  only request still awaiting an answer, the only rejection; otherwise buttons, to which
  the company's name can also be typed) and stops its follow-up reminder, then
  ``feedback_form`` opens. Without any rejection it offers to log one first, or to record
  the feedback on its own. A first message that already carries the feedback ("le retour
  de Decathlon : manque d'expérience en gestion de projet", a pasted email) is kept as its
  first part, and "par téléphone" in it answers the next question.
- ``feedback_form`` asks whether it is a written answer or notes from a call (feedback
  typed there instead is kept), then takes the text over as many messages as needed
  ("C'est tout" / "J'ajoute un message" after each). Long text is content whatever the
  classifier thought of it; a short line with nothing to analyse after the first part
  ("merci", "bonne journée") is added only if the person says it belongs to the feedback.
  A slash command or a short aside ("/aide", "tu es un robot ?") is answered and the
  question comes back; /export is sent at once; /supprimer and /start set the feedback
  aside ("on reprend" brings it back), then run (``actions.interpretation.set_aside``).
- ``action_save_feedback`` stores it with ``coach.feedback.analyze``'s reading, marks the
  request answered (its follow-up reminder is cancelled) and shows the analysis; the five
  steps follow (``actions/interpretation.py``).

The form stops early like the others (``actions/flow.py``): "on en reparle demain",
/annuler, or a crisis message, after which "on reprend" or /retour brings it back with
the messages already received.
"""

from __future__ import annotations

import json
import re
from typing import Any, Final

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from actions.common import NO_CONSENT, QuietAsk, has_letters, with_user
from actions.flow import interrupted, stop_events
from actions.interpretation import (
    context_of,
    set_aside,
    show_analysis,
    walk_from_start,
)
from coach.applications import (
    Ambiguous,
    Match,
    Unknown,
    application_in_message,
    match_application,
    plausible_company,
)
from coach.feedback import MAX_CHARS, analyze
from coach.feedback_request import mark_answered
from coach.feedbacks import SOURCES, save_feedback
from coach.interpretation import FeedbackContext
from coach.language import writing
from coach.language.answers import is_dont_know, parse_yes_no
from coach.language.fold import fold_keep_length
from coach.models import FeedbackRequest, Rejection, User
from coach.rejections import get_rejection, list_rejections

FORM: Final = "feedback_form"
Found = Match[Rejection] | Ambiguous[Rejection] | Unknown
#: flow_step value: buttons to choose the application were shown (no form yet).
WAIT: Final = "feedback_wait"
#: flow_step value: the application typed at the buttons is not logged yet; the intake
#: follows (data/rules/feedback.yml).
NEW_APPLICATION: Final = "feedback_new"
#: feedback_rejection_id when the feedback is recorded without an application.
NO_APPLICATION: Final = "none"
#: The company named in a message and not logged yet, while « je l'ajoute ? » waits for an
#: answer; the intake starts with it (actions/intake.py).
PENDING_COMPANY: Final = "feedback_company"
#: The company whose feedback waits, told before its application was logged: the intake
#: runs first, then /retour finds the text kept (``feedback_parts``) and attaches it.
KEPT_FOR: Final = "feedback_kept"
ALONE_PAYLOAD: Final = f'/share_feedback{{"rejection_id":"{NO_APPLICATION}"}}'
#: Slots of one feedback being recorded (cleared when a new one starts or it is cancelled).
FORM_SLOTS: Final = (
    "feedback_source",
    "feedback_text",
    "feedback_parts",
    "feedback_pending",
    "ask_quietly",
)

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
PENDING_BUTTONS: Final = [
    {"title": "✅ C'est tout", "payload": "c'est tout"},
    {"title": "➕ Ça en fait partie", "payload": "ça en fait partie"},
]
SET_ASIDE: Final = (
    "Je mets votre retour de côté, avec ce que vous m'en avez déjà envoyé : écrivez « on "
    "reprend » pour le terminer."
)
MAX_CHOICES: Final = 6
#: A message this long is the feedback itself (a pasted email, notes), even the first one.
LONG_MESSAGE_WORDS: Final = 15
#: After the first part, a line this short with no theme in it may not be feedback at all
#: ("merci", "bonne journée"): it is added only when the person says it belongs.
SHORT_LINE_WORDS: Final = 4


def _words(text: str) -> list[str]:
    """Folded words only: accents, apostrophes, punctuation and emoji gone."""
    return re.findall(r"[a-z0-9]+", fold_keep_length(text or ""))


#: Said around "c'est tout" without changing its meaning ("non, c'est tout merci 👍").
_AROUND_DONE: Final = frozenset(
    {"non", "nan", "voila", "ok", "okay", "bon", "alors", "oui", "euh", "bah", "ben", "donc"}
    | {"et", "eh", "bien", "merci", "beaucoup", "bcp", "encore", "stp", "svp"}
)
#: What is left of a message that says the feedback is complete, once those are trimmed.
_DONE: Final = re.compile(
    r"(?:c est|cest|ce sera|ca sera|ce serait|ca serait|ca fera|c etait) tout"
    r"(?: bon)?(?: ce qu (?:il|elle|ils|elles|on) (?:m )?(?:a|ont) (?:dit|ecrit))?"
    r"(?: pour (?:moi|le moment|l instant|aujourd hui|ce retour))?"
    r"|c tout|tout est la|ca suffit|ca ira|(?:il n y a |y a )?rien d autre|rien de plus"
    r"|(?:je n ai |j ai )?(?:rien a ajouter|plus rien|pas d autres?(?: messages?)?)"
    r"|c est (?:bon|complet|fini|termine)|cest (?:bon|fini)|c fini"
    r"|(?:j ai |jai )?(?:fini|termine|terminee)|voila tout"
)
#: Trimmed words that say "done" on their own ("non", "non merci", "voilà").
_DONE_ALONE: Final = frozenset({"non", "nan", "voila"})
_MORE: Final = re.compile(
    r"j (?:en )?ajoute(?: (?:un|une|des|la|le) \w+)?(?: message)?|ajouter(?: un message)?"
    r"|encore un(?: message)?|un autre message|il y a une suite|y a une suite|la suite arrive"
    r"|attend(?:s|ez)?(?: (?:il y a|y a) (?:une )?suite)?|je continue|pas encore"
    r"|(?:c est |ce n est |c |cest )?pas (?:encore )?(?:tout|fini|termine)"
    r"|(?:je n ai |j ai )pas (?:encore )?(?:fini|termine)"
)
#: "Yes, it belongs to the feedback" (the short line kept aside).
_BELONGS: Final = re.compile(
    r"(?:(?:oui|si|ouais) )?(?:(?:ca|cela|il|elle) )?en fait partie|oui|si|ouais"
    r"|(?:(?:oui|si) )?(?:ajoute|ajoutez|garde|gardez)(?: le| la| les)?(?: aussi)?"
)
#: Short answers to "C'est tout, ou vous ajoutez un message ?" that say neither.
_UNCLEAR: Final = re.compile(r"oui|ouais|ok|okay|d accord|dac|euh+|hm+")


def _trimmed(text: str) -> tuple[str, set[str]]:
    """The words of ``text`` without the fillers around them, and the fillers removed."""
    words = _words(text)
    removed: set[str] = set()
    while words and words[0] in _AROUND_DONE:
        removed.add(words.pop(0))
    while words and words[-1] in _AROUND_DONE:
        removed.add(words.pop())
    return " ".join(words), removed


def is_done(text: str) -> bool:
    """ "c'est tout", "Non, rien d'autre", "C'est tout 👍", "terminé merci", "ça sera tout",
    "voilà c'est tout", "non"… : the feedback is complete."""
    core, removed = _trimmed(text)
    if not core:
        return bool(removed & _DONE_ALONE)
    return bool(_DONE.fullmatch(core))


def is_more(text: str) -> bool:
    """ "j'ajoute un message", "attendez, il y a une suite", "non c'est pas tout"…"""
    core, _removed = _trimmed(text)
    return bool(core) and bool(_MORE.fullmatch(core))


def _unclear(text: str) -> bool:
    """ "oui", "ok merci", "d'accord": says neither "c'est tout" nor "j'ajoute"."""
    core, removed = _trimmed(text)
    return (not core and bool(removed)) or bool(_UNCLEAR.fullmatch(core))


def _pending_question(line: str) -> str:
    return f"C'est tout, ou « {line} » fait partie du retour ?"


def _belongs(text: str) -> bool:
    return bool(_BELONGS.fullmatch(" ".join(_words(text))))


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
#: How many words make a message content rather than an answer to a short question.
CONTENT_WORDS: Final = 8
#: Feedback typed at the source question instead of an answer is kept from this length.
SOURCE_CONTENT_WORDS: Final = 4
#: This many words foreign to the source question make a message the feedback itself,
#: even if it names a source ("lettre de motivation pas adaptée").
_FOREIGN_WORDS: Final = 3
#: Every word of an answer to "written or from a call?" ("c'était un appel avec la RH",
#: "ils m'ont envoyé un mail très court"); any other word makes it the feedback itself.
_SOURCE_ANSWER_VOCABULARY: Final = """
    c est etait cetait ce ca s agit un une des de du d la le les l par au aux en a j ai eu
    recu recue je il elle ils elles on m me mon ma mes leur leurs sa son ses avec pendant
    lors apres avant hier aujourd hui matin soir midi semaine derniere dernier tout juste
    simple simplement plutot oui non bien donc alors bah ben euh ok okay enfin fait que qui
    y tres court courte long longue bref breve rapide petit petite type classique
    rh drh recruteur recruteuse recruteurs manager manageuse responsable personne charge
    chargee recrutement entreprise boite jury directeur directrice
    mail mails email emails e courriel courriels message messages mel ecrit ecrite ecrits
    reponse reponses lettre courrier sms texto linkedin texte tel telephone telephonique
    telephoniquement appel appels appele appelee appeles rappele rappelee visio teams zoom
    oral orale oralement vive voix coup fil debrief entretien echange conversation
    discussion envoye envoyee repondu dit parle discute notes note prises pris prise via
    crois pense semble normalement visiblement peut etre ete sur sure"""
_SOURCE_ANSWER_WORDS: Final = frozenset(_SOURCE_ANSWER_VOCABULARY.split())


def _fold(text: str) -> str:
    return " ".join(fold_keep_length(text or "").split())


def _typed(tracker: Tracker) -> str:
    """The person's own words in the latest message ("" for a button or a command)."""
    text = (tracker.latest_message or {}).get("text") or ""
    return "" if text.startswith("/") else text


def _entity_company(tracker: Tracker) -> str | None:
    """The company carried by the button « Oui, noter Decathlon »."""
    for entity in (tracker.latest_message or {}).get("entities") or []:
        if isinstance(entity, dict) and entity.get("entity") == "company" and entity.get("value"):
            return str(entity["value"])
    return None


def _entity(tracker: Tracker) -> str | None:
    for entity in (tracker.latest_message or {}).get("entities") or []:
        if isinstance(entity, dict) and entity.get("entity") == "rejection_id":
            value = entity.get("value")
            return str(value) if value is not None else None
    return None


def feedback_instead_of_source(text: str) -> bool:
    """True when the answer to "written or from a call?" is the feedback itself
    ("Lettre de motivation pas assez adaptée au poste") rather than an answer about how it
    came ("par mail je crois", "un appel avec la RH, très sympa"): it has words no such
    answer uses, and either a theme the analyzer recognises, or four words or more that
    name no source (or several words foreign to the question even if they do)."""
    words = _words(text)
    foreign = [word for word in words if word not in _SOURCE_ANSWER_WORDS]
    if not foreign:
        return False
    if analyze(text).themes:
        return True
    if len(words) < SOURCE_CONTENT_WORDS:
        return False
    return parse_source(text) is None or len(foreign) >= _FOREIGN_WORDS


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
    candidate: str | None = None
    if colon and len(tail.split()) >= 3:
        candidate = tail
    elif _REPORTED.search(_fold(text)):
        candidate = text
    if candidate is not None:
        candidate = candidate.strip().strip("\"'«»“” ").strip()
        if len(candidate.split()) >= 4 and analyze(candidate).themes:
            return candidate
    if len(text.split()) >= LONG_MESSAGE_WORDS:
        # A pasted email or long notes: kept whole, whatever the analyzer finds in it.
        return text.strip()
    return None


def _parts(tracker: Tracker) -> list[str]:
    value = tracker.get_slot("feedback_parts")
    return [str(part) for part in value] if isinstance(value, list) else []


def _messages(count: int) -> str:
    return f"{count} message" if count == 1 else f"{count} messages"


def _joined(parts: list[str]) -> str:
    return "\n\n".join(parts)


def _intent(tracker: Tracker) -> str | None:
    intent = (tracker.latest_message or {}).get("intent") or {}
    name = intent.get("name")
    return name if isinstance(name, str) else None


def _current_before(tracker: Tracker) -> Any:
    """``current_rejection_id`` before the "no application" button copied its entity
    ("none") into it: the application being talked about stays the current one."""
    for event in reversed(tracker.events or []):
        if (
            event.get("event") == "slot"
            and event.get("name") == "current_rejection_id"
            and event.get("value") != NO_APPLICATION
        ):
            return event.get("value")
    return None


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


def _head(text: str) -> str:
    """The part of a message that says which application, before the feedback itself: « le
    retour de Decathlon : ils ont préféré un candidat de chez Nike » names Decathlon only."""
    head, colon, _tail = (text or "").partition(":")
    return head if colon and head.strip() else text


def _found(rejections: list[Rejection], text: str) -> Found | None:
    """Which application the message names (``coach.applications``): one, several to
    choose from, a company not logged yet, or None when it names no company."""
    if not text:
        return None
    return application_in_message(_head(text), rejections)


def _named(rejections: list[Rejection], text: str) -> Rejection | None:
    """The one application whose company the message names ("un retour de Capgemini")."""
    found = _found(rejections, text)
    return found.application if isinstance(found, Match) else None


#: Words around a company typed at the application buttons ("c'est pour Decathlon",
#: "celle de Capgemini", "chez Orange").
_AROUND_COMPANY: Final = re.compile(
    r"^(?:(?:c est|cest|ca|c etait) )?(?:(?:pour|chez|de|du|avec|la|le|les|l|celle|celui"
    r"|candidature|retour|poste|entreprise|societe|boite) )*"
)


def _typed_found(rejections: list[Rejection], text: str) -> Found | None:
    """What a typed answer to the buttons names: the company in a sentence, or the message
    itself (its fillers trimmed) as a company name (« decatlon », « l'oreal »)."""
    found = _found(rejections, text)
    if found is not None:
        return found
    short = _AROUND_COMPANY.sub("", " ".join(_words(text))).strip()
    if len(short) < 3 or len(short.split()) > 4:
        return None
    found = match_application(short, rejections)
    if isinstance(found, Unknown) and (
        parse_yes_no(text) is not None or is_dont_know(text) or not plausible_company(short)
    ):
        # « oui », « aucune », « je sais pas »: an answer, not a company to add.
        return None
    return found


class ActionStartFeedback(Action):
    """Which application the feedback is about; then ``feedback_form`` opens (flow_step
    None) or buttons wait for a choice (flow_step ``feedback_wait``).

    Right after the buttons, a typed message reaches this action whatever the classifier
    made of it (``data/rules/feedback.yml``: nothing, a yes, a new rejection): a company
    among the person's applications is chosen; one read as a new rejection is logged first
    (flow_step ``feedback_new``, the intake follows); anything else asks again."""

    def name(self) -> str:
        return "action_start_feedback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        text = _typed(tracker)
        entity = _entity(tracker)
        waiting = tracker.get_slot("flow_step") == WAIT
        # A typed answer to the buttons, which the classifier did not read as a feedback.
        typed_choice = waiting and entity is None and _intent(tracker) != "share_feedback"
        kept = tracker.get_slot(KEPT_FOR)
        carried = _parts(tracker) if waiting or kept else []
        content = feedback_in_message(text)
        parts = [content] if content else carried
        carried_source = tracker.get_slot("feedback_source") if waiting else None
        source = (source_in_message(text) if text else None) or carried_source

        def work(session: Session, user: User) -> list[dict[str, Any]]:
            rejections = list_rejections(session, user, limit=50)
            if typed_choice:
                return self._typed_choice(dispatcher, tracker, session, user, rejections)
            if (
                tracker.get_slot("paused_flow") == FORM
                and entity is None
                and _found(rejections, text) is None
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
                # A company named in the message is never swapped for another application:
                # it is the matching one, or the person chooses (or adds it).
                found = (_typed_found if waiting else _found)(rejections, text)
                if isinstance(found, Match):
                    chosen, decided = found.application, True
                elif found is not None:
                    self._ask_about(dispatcher, found, rejections)
                    return self._waiting(parts, source, found)
            if not decided and isinstance(kept, str) and kept != "?":
                # The feedback told before its application was logged: that application.
                kept_found = match_application(kept, rejections)
                if isinstance(kept_found, Match):
                    chosen, decided = kept_found.application, True
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
                self._ask_which(dispatcher, rejections, told=bool(text))
                return self._waiting(parts, source, None)
            return self._open(dispatcher, tracker, session, user, chosen, parts, source, content)

        events = with_user(tracker, dispatcher, work)
        return events if events is not None else [SlotSet("flow_step", WAIT)]

    def _open(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        session: Session,
        user: User,
        chosen: Rejection | None,
        parts: list[str],
        source: str | None,
        content: str | None,
    ) -> list[dict[str, Any]]:
        """The application is known (or none): its follow-up stops, the form opens."""
        answered = mark_answered(session, user, chosen) if chosen is not None else 0
        self._welcome(
            dispatcher,
            chosen,
            answered=answered,
            content=content,
            thanked=tracker.get_slot("flow_step") == WAIT,
        )
        if chosen is not None:
            current = [SlotSet("current_rejection_id", chosen.id)]
        elif _entity(tracker) == NO_APPLICATION:
            current = [SlotSet("current_rejection_id", _current_before(tracker))]
        else:
            current = []
        return [
            *(SlotSet(slot, None) for slot in FORM_SLOTS),
            SlotSet("feedback_parts", parts or None),
            SlotSet("feedback_source", source),
            SlotSet("feedback_rejection_id", chosen.id if chosen else NO_APPLICATION),
            *current,
            SlotSet(PENDING_COMPANY, None),
            SlotSet(KEPT_FOR, None),
            SlotSet("flow_stop", None),
            SlotSet("paused_flow", None),
            SlotSet("flow_step", None),
        ]

    def _typed_choice(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        session: Session,
        user: User,
        rejections: list[Rejection],
    ) -> list[dict[str, Any]]:
        text = _typed(tracker)
        content = feedback_in_message(text)
        parts = [*_parts(tracker), *([content] if content else [])]
        source = (source_in_message(text) if text else None) or tracker.get_slot("feedback_source")
        found = _typed_found(rejections, text) if text else None
        if isinstance(found, Match):
            return self._open(
                dispatcher, tracker, session, user, found.application, parts, source, content
            )
        intent = _intent(tracker)
        pending = tracker.get_slot(PENDING_COMPANY)
        pending = writing.company(pending) if isinstance(pending, str) and pending else None
        adding = intent == "report_rejection" or (
            pending is not None and found is None and intent == "affirm"
        )
        if adding:
            # "Michelin", "un refus de Google", the button "Noter la candidature d'abord",
            # "oui" to « Decathlon n'est pas encore noté : je l'ajoute ? »: an application
            # not logged yet. The intake opens (the rules) with what is already known.
            company = _entity_company(tracker) or (
                found.named if isinstance(found, Unknown) else None
            )
            company = company or (pending if not text or intent == "affirm" else None)
            then = (
                "ensuite, /retour l'y rattachera : je garde ce que vous m'en avez dit."
                if parts
                else "ensuite, /retour pour enregistrer son retour."
            )
            if company:
                first = f"Notons d'abord votre candidature chez {writing.company(company)} ; {then}"
            else:
                first = f"Notons-la d'abord ; {then}"
                if text:
                    first = f"Je ne trouve pas cette candidature parmi vos refus notés. {first}"
            dispatcher.utter_message(text=first)
            return [
                SlotSet("flow_step", NEW_APPLICATION),
                SlotSet(PENDING_COMPANY, company),
                SlotSet("feedback_parts", parts or None),
                SlotSet("feedback_source", source),
                SlotSet(KEPT_FOR, (company or "?") if parts else None),
            ]
        if found is not None:
            self._ask_about(dispatcher, found, rejections)
            return self._waiting(parts, source, found)
        if pending is not None and intent == "deny":
            dispatcher.utter_message(
                text="D'accord. De quelle candidature s'agit-il alors ?",
                buttons=self._choice_buttons(rejections),
            )
            return [*self._waiting(parts, source, None)]
        dispatcher.utter_message(
            text="Je n'ai pas reconnu la candidature. Choisissez-la avec un bouton, ou "
            "écrivez le nom de l'entreprise :",
            buttons=self._choice_buttons(rejections),
        )
        return [
            SlotSet("feedback_parts", parts or None),
            SlotSet("feedback_source", source),
            SlotSet("flow_step", WAIT),
        ]

    @staticmethod
    def _waiting(parts: list[str], source: str | None, found: Found | None) -> list[dict[str, Any]]:
        """Buttons are shown: what was already said waits with them."""
        return [
            SlotSet("feedback_parts", parts or None),
            SlotSet("feedback_source", source),
            SlotSet(PENDING_COMPANY, found.named if isinstance(found, Unknown) else None),
            SlotSet("flow_step", WAIT),
        ]

    @classmethod
    def _ask_about(
        cls,
        dispatcher: CollectingDispatcher,
        found: Ambiguous[Rejection] | Unknown,
        rejections: list[Rejection],
    ) -> None:
        """Several applications fit the company named, or none: the person says which."""
        if isinstance(found, Ambiguous):
            dispatcher.utter_message(
                text="Vous avez plusieurs candidatures chez "
                f"{writing.company(found.applications[0].company)} : laquelle ?",
                buttons=cls._choice_buttons(list(found.applications)),
            )
            return
        add = {
            "title": f"📝 Oui, noter {found.named}"[:60],
            "payload": "/report_rejection"
            + json.dumps({"company": found.named}, ensure_ascii=False),
        }
        if not rejections:
            dispatcher.utter_message(
                text=f"Merci de me le confier ! {found.named} n'est pas encore noté : je "
                "l'ajoute ? Deux minutes suffisent (poste, date), et le retour y sera rattaché.",
                buttons=[add, {"title": "📨 Enregistrer le retour seul", "payload": ALONE_PAYLOAD}],
            )
            return
        dispatcher.utter_message(
            text=f"{found.named} n'est pas encore noté : je l'ajoute ? Deux minutes suffisent "
            "(poste, date), et le retour y sera rattaché. Ou bien, s'il s'agit d'une candidature "
            "déjà notée, choisissez-la :",
            buttons=[add, *cls._choice_buttons(rejections)],
        )

    @staticmethod
    def _choice_buttons(rejections: list[Rejection]) -> list[dict[str, str]]:
        return [
            {
                "title": _label(r)[:60],
                "payload": f'/share_feedback{{"rejection_id":"{r.id}"}}',
            }
            for r in rejections[:MAX_CHOICES]
        ] + [{"title": "📨 Sans candidature liée", "payload": ALONE_PAYLOAD}]

    @classmethod
    def _ask_which(
        cls, dispatcher: CollectingDispatcher, rejections: list[Rejection], *, told: bool = True
    ) -> None:
        """Which application? ``told``: the person said something of the feedback (thanked);
        a bare /retour has nothing to thank for yet."""
        thanks = "Merci de me le confier ! " if told else ""
        if not rejections:
            dispatcher.utter_message(
                text=f"{thanks}Je n'ai encore aucune candidature notée pour "
                "vous. Vous pouvez d'abord la noter (entreprise, poste, date : deux minutes), "
                "pour que le retour y soit rattaché, ou enregistrer le retour tel quel.",
                buttons=[
                    {"title": "📝 Noter la candidature d'abord", "payload": "/report_rejection"},
                    {"title": "📨 Enregistrer le retour seul", "payload": ALONE_PAYLOAD},
                ],
            )
            return
        dispatcher.utter_message(
            text=f"{thanks}De quelle candidature s'agit-il ? Choisissez-la "
            "ci-dessous, ou écrivez le nom de l'entreprise.",
            buttons=cls._choice_buttons(rejections),
        )

    @staticmethod
    def _welcome(
        dispatcher: CollectingDispatcher,
        rejection: Rejection | None,
        *,
        answered: int,
        content: str | None,
        thanked: bool,
    ) -> None:
        if rejection is not None and rejection.company:
            what = f"ce retour {writing.de(writing.company(rejection.company))}"
            if rejection.position:
                what += f" ({rejection.position})"
        else:
            what = "ce retour"
        if thanked:
            # The question about the application already said thank you.
            lines = [f"Lisons ensemble {what}."]
        else:
            lines = [
                f"Merci de me confier {what} : en recevoir un est une vraie chance. "
                "Lisons-le ensemble."
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
        cut = interrupted("feedback_source", text, dispatcher, tracker)
        if cut is not None:
            if cut.aside is None:
                return cut.slots
            dispatcher.utter_message(text=SOURCE_QUESTION, buttons=SOURCE_BUTTONS)
            return {"feedback_source": None, "ask_quietly": True}
        if _fold(text) in ("1", "2", "written", "call") or is_dont_know(text):
            return {"feedback_source": parse_source(text) or "written"}
        if feedback_instead_of_source(text):
            # The feedback itself, typed instead of the answer: kept as its first part, a
            # written answer unless the message says it came from a call.
            source = source_in_message(text) or "written"
            kept = "vos notes de l'appel" if source == "call" else "le texte de leur réponse"
            dispatcher.utter_message(
                text=f"Je le note comme {kept}. {ANYTHING_ELSE}", buttons=MORE_BUTTONS
            )
            return {
                "feedback_source": source,
                "feedback_parts": [*_parts(tracker), text],
                "ask_quietly": True,
            }
        source = parse_source(text)
        if source is not None:
            return {"feedback_source": source}
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
        pending = tracker.get_slot("feedback_pending")
        pending = pending if isinstance(pending, str) and pending else None
        text = str(value).strip()
        if parts and is_done(text):
            return {"feedback_text": _joined(parts), "feedback_pending": None}
        cut = interrupted("feedback_text", text, dispatcher, tracker)
        if cut is not None:
            if cut.aside is None:
                return cut.slots
            dispatcher.utter_message(text=BUSY, buttons=MORE_BUTTONS if parts else None)
            return {"feedback_text": None, "ask_quietly": True}
        if is_done(text):
            dispatcher.utter_message(text=NOTHING_YET)
            return {"feedback_text": None, "ask_quietly": True}
        if pending and _belongs(text):
            return self._add(dispatcher, [*parts, pending])
        if is_more(text):
            dispatcher.utter_message(text=GO_ON)
            return {"feedback_text": None, "ask_quietly": True}
        if parts and _unclear(text):
            if pending:
                dispatcher.utter_message(text=_pending_question(pending), buttons=PENDING_BUTTONS)
            else:
                dispatcher.utter_message(text=ANYTHING_ELSE, buttons=MORE_BUTTONS)
            return {"feedback_text": None, "ask_quietly": True}
        if not has_letters(text):
            dispatcher.utter_message(text=NO_WORDS)
            return {"feedback_text": None, "ask_quietly": True}
        if parts and len(_words(text)) <= SHORT_LINE_WORDS and not analyze(text).themes:
            # "Merci", "bonne journée", "ok super": perhaps said to me, perhaps the last line
            # of the feedback. Kept aside until the person says which.
            dispatcher.utter_message(
                text=f"Je n'ai pas encore ajouté cette ligne au retour. {_pending_question(text)}",
                buttons=PENDING_BUTTONS,
            )
            return {"feedback_text": None, "feedback_pending": text, "ask_quietly": True}
        # A line kept aside, then more feedback: it was a piece of it, in its place.
        return self._add(dispatcher, [*parts, *([pending] if pending else []), text])

    @staticmethod
    def _add(dispatcher: CollectingDispatcher, parts: list[str]) -> dict[str, Any]:
        if len(_joined(parts)) >= MAX_CHARS:
            dispatcher.utter_message(
                text=f"Ce retour est déjà très complet : je garde ses {MAX_CHARS} premiers "
                "caractères, c'est ce que je sais lire."
            )
            return {
                "feedback_text": _joined(parts)[:MAX_CHARS],
                "feedback_parts": parts,
                "feedback_pending": None,
            }
        dispatcher.utter_message(
            text=f"Bien reçu ✅ ({_messages(len(parts))}). {ANYTHING_ELSE}", buttons=MORE_BUTTONS
        )
        return {
            "feedback_text": None,
            "feedback_parts": parts,
            "feedback_pending": None,
            "ask_quietly": True,
        }


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
        stopped = set_aside(dispatcher, tracker, FORM, SET_ASIDE) or stop_events(
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
