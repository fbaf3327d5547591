"""Rejection intake (SPEC §3 flow 2): one form, answers checked by ``coach.intake``.

- ``action_start_intake`` reads the first message ("refus de Capgemini pour le CDI de data
  analyst reçu hier"), fills what it says and only then opens ``intake_form``.
- ``validate_intake_form`` checks every answer. Inside the form it also understands "pourquoi
  tu me demandes ça ?" (answered, then the question comes back), corrections ("en fait
  c'était mardi"), "on en reparle demain" and "annuler". Questions that the earlier answers
  make pointless are skipped (no interviewer names when nobody was met…).
- ``action_ask_<slot>`` asks each question, with buttons for the closed ones.
- ``action_finish_intake`` stores the rejection and shows a recap; the mood check follows.
"""

from __future__ import annotations

import abc
import datetime as dt
import logging
from typing import Any, Final

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions.common import QuietAsk, sessions, settings, telegram_user_id
from actions.feedback import KEPT_FOR
from actions.flow import (
    ASIDE_ANSWERS,
    answer_aside,
    aside,
    interruption,
    local_today,
    looks_like_noise,
    person_zone,
    stop_events,
    stop_slots,
)
from coach import pipeline
from coach.applications import Match
from coach.db import transaction
from coach.intake import (
    CULTURE_CHOICES,
    INTERVIEWER_COUNT_CHOICES,
    SLOTS,
    STAGE_CHOICES,
    STAGE_LABELS,
    UNKNOWN,
    WHY_WE_ASK,
    YES_NO_CHOICES,
    validate_slot,
)
from coach.language import writing
from coach.language.answers import is_command, is_sad_signs, is_why_question
from coach.language.corrections import parse_correction
from coach.language.dates import format_date_fr
from coach.language.entities import (
    detect_stage,
    extract_rejection_facts,
    mentions_hiring_manager,
    names_hiring_manager,
    tells_rejection,
)
from coach.language.pipeline_text import read_application
from coach.rejections import NONE, REQUIRED, describe_rejection, rejection_values, save_rejection
from coach.users import find_user

log = logging.getLogger(__name__)

FORM: Final = "intake_form"
NOISE: Final = "noise"  # flow_step value: the message was not a rejection after all
#: Slots the form uses besides the answers (reset when a new rejection starts).
HELPER_SLOTS: Final = ("date_hint", "ask_quietly", "flow_stop")

_DONT_KNOW: Final = {"title": "Je ne sais pas", "payload": "je ne sais pas"}
_SKIP: Final = {"title": "Passer", "payload": "passer"}


def _buttons(choices: tuple[tuple[str, str], ...]) -> list[dict[str, str]]:
    return [{"title": title, "payload": payload} for title, payload in choices]


def _company(tracker: Tracker) -> str | None:
    value = tracker.get_slot("company")
    return value if isinstance(value, str) and value not in (UNKNOWN, NONE) else None


def question(slot: str, tracker: Tracker) -> tuple[str, list[dict[str, str]]]:
    """The question for ``slot`` and its buttons, worded with what is already known."""
    company = _company(tracker)
    chez = f" chez {writing.company(company)}" if company else ""
    count = tracker.get_slot("interviewer_count")
    if slot == "company":
        return "Quelle entreprise vous a répondu ?", []
    if slot == "position":
        return f"Pour quel poste aviez-vous postulé{chez} ?", []
    if slot == "rejection_date":
        return (
            "Quand avez-vous reçu cette réponse ? Par exemple « hier », « lundi dernier » ou "
            "« le 3 novembre ».",
            [
                {"title": "Aujourd'hui", "payload": "aujourd'hui"},
                {"title": "Hier", "payload": "hier"},
                {"title": "Avant-hier", "payload": "avant-hier"},
            ],
        )
    if slot == "stage":
        return (
            f"Jusqu'où êtes-vous allé·e dans le recrutement{chez} ?",
            [*_buttons(STAGE_CHOICES), _DONT_KNOW],
        )
    if slot == "formal_rejection":
        return (
            "Avez-vous reçu un refus officiel (un mail, un courrier ou un appel clair) ?",
            _buttons(YES_NO_CHOICES),
        )
    if slot == "decision_date":
        return (
            "L'entreprise avait-elle annoncé une date pour sa décision ? Si oui, laquelle ? "
            "(facultatif)",
            [{"title": "Non, aucune", "payload": "aucune"}, _DONT_KNOW],
        )
    if slot == "interviewer_count":
        return (
            "Combien de personnes vous ont reçu·e en entretien ?",
            _buttons(INTERVIEWER_COUNT_CHOICES),
        )
    if slot == "interviewer_names":
        if count == 1:
            ask = "Vous souvenez-vous de son nom ? Prénom et nom (facultatif)."
        else:
            ask = (
                "Vous souvenez-vous de leurs noms ? Prénom et nom, séparés par des virgules "
                "(facultatif)."
            )
        return (
            ask,
            [{"title": "Je ne sais plus", "payload": "je ne sais pas"}, _SKIP],
        )
    if slot == "met_hiring_manager":
        return (
            "Avez-vous rencontré la personne qui aurait été votre responsable (le ou la "
            "manager du poste) ?",
            _buttons(YES_NO_CHOICES),
        )
    if slot == "hr_contact":
        return (
            f"Qui s'est occupé de votre candidature aux RH{chez} ? Un nom suffit (facultatif).",
            [{"title": "Personne", "payload": "personne"}, _DONT_KNOW],
        )
    if slot == "network_contact":
        return (
            f"Connaissez-vous quelqu'un{chez} (ancien ou ancienne collègue, ami·e, contact "
            "LinkedIn) ? Si oui, son nom (facultatif).",
            [{"title": "Non, personne", "payload": "personne"}, _SKIP],
        )
    if slot == "culture":
        return (
            "Dernière question : l'ambiance de l'entreprise vous a paru plutôt formelle ou "
            "plutôt décontractée ?",
            _buttons(CULTURE_CHOICES),
        )
    raise KeyError(slot)


def required_intake_slots(tracker: Tracker) -> list[str]:
    """The questions still worth asking, given the answers so far."""
    if tracker.get_slot("flow_stop"):
        return []
    slots = list(SLOTS)
    if tracker.get_slot("formal_rejection") is True:
        slots.remove("decision_date")  # the decision is made: no date to wait for
    count = tracker.get_slot("interviewer_count")
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        slots.remove("interviewer_names")
    if count == 1 or tracker.get_slot("met_hiring_manager") is True:
        slots.remove("hr_contact")  # the contact rule will not need the HR person
    return slots


def _answers(tracker: Tracker, *, exclude: str) -> dict[str, Any]:
    """The answers given so far (slot → value), in the order the form asks them."""
    return {
        slot: tracker.get_slot(slot)
        for slot in SLOTS
        if slot != exclude and tracker.get_slot(slot) is not None
    }


def _guess_target(current: str, raw: str, answers: dict[str, Any], today: dt.date) -> str:
    """A correction that does not say what it corrects: the current question if the value
    answers it, else the latest earlier answer the value fits ("je voulais dire X")."""
    if validate_slot(current, raw, today=today).ok:
        return current
    for slot in reversed(list(answers)):
        if validate_slot(slot, raw, today=today).ok:
            return slot
    return current


def _slot_value(result: Any) -> Any:
    value = result.as_slot()
    return NONE if value is None else value  # "aucune", "personne": an answer, not a gap


class ValidateIntakeForm(FormValidationAction):
    def name(self) -> str:
        return "validate_intake_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        return required_intake_slots(tracker)

    def _check(
        self, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> dict[str, Any]:
        if not isinstance(value, str):
            return {slot: value}  # pre-filled from the first message, already normalised
        today = local_today(person_zone(tracker, settings().coach_tz))
        answering = tracker.get_slot("requested_slot") == slot
        if answering:
            stop = interruption(value)
            if stop:
                return {slot: None, **stop_slots(stop)}
            asked = aside(tracker, value)
            if asked in ASIDE_ANSWERS:
                # Help, "are you a bot?" and privacy, typed or as a command: answered, then
                # the question comes back.
                answer_aside(dispatcher, asked)
                return _say_then_ask(slot, tracker, dispatcher, "Je reprends ma question.", "\n")
            if is_command(value):
                # Any other command typed at a question: never stored as the answer.
                return _say_then_ask(
                    slot,
                    tracker,
                    dispatcher,
                    "Je ne prends pas une commande pour une réponse. Pour arrêter ces "
                    "questions, tapez /annuler.",
                )
            if is_why_question(value):
                dispatcher.utter_message(text=WHY_WE_ASK[slot])
                return {slot: None}
            answers = _answers(tracker, exclude=slot)
            correction = parse_correction(value, today=today, answers=answers)
            if correction is not None and correction.value:
                target = correction.slot or _guess_target(slot, correction.value, answers, today)
                if target != slot and target in answers:
                    return self._correct(target, slot, correction.value, dispatcher, today)
                value = correction.value
        extra: dict[str, Any] = {}
        if answering and slot == "company":
            if _reads_as_stage(value):
                # « entretien avec le manager » answered to « Quelle entreprise ? »: a step of
                # the recruitment, never stored as the company's name.
                lead = (
                    "Cela ressemble à une étape du recrutement plutôt qu'au nom de "
                    "l'entreprise : nous y venons juste après."
                )
                return {
                    **_say_then_ask(slot, tracker, dispatcher, lead),
                    **_manager_met(value, tracker),
                }
            value, extra = _company_sentence(value, tracker, today)
        result = validate_slot(slot, value, today=today)
        met_manager: dict[str, Any] = {}
        if slot == "stage":
            # "entretien avec le manager": the meeting is noted, its rank asked if need be.
            met_manager = _manager_met(value, tracker)
        elif slot in ("interviewer_count", "interviewer_names"):
            # « 1 seule, la responsable du magasin »: the manager question is answered.
            met_manager = _manager_met(value, tracker, by_role=True)
        if not result.ok:
            _text, buttons = question(slot, tracker)
            dispatcher.utter_message(text=result.message, buttons=buttons or None)
            return {slot: None, "ask_quietly": True, **met_manager}
        if result.message:
            dispatcher.utter_message(text=result.message)
        out: dict[str, Any] = {slot: _slot_value(result), **extra}
        if slot == "stage" and result.value == "candidature":
            # Turned down on the application: nobody was met.
            out.update(interviewer_count=0, met_hiring_manager=False)
        else:
            out.update(met_manager)
        if slot == "interviewer_count" and result.value == 0:
            out.update(met_hiring_manager=False)
        return out

    def _correct(
        self,
        target: str,
        current: str,
        raw: str,
        dispatcher: CollectingDispatcher,
        today: dt.date,
    ) -> dict[str, Any]:
        result = validate_slot(target, raw, today=today)
        if not result.ok:
            dispatcher.utter_message(text=result.message)
            return {current: None}
        value = _slot_value(result)
        shown = value
        if isinstance(result.value, bool):
            shown = "oui" if result.value else "non"
        elif isinstance(result.value, dt.date):
            shown = format_date_fr(result.value, today=today)
        elif isinstance(value, list):
            shown = ", ".join(value)
        elif target == "stage":
            shown = STAGE_LABELS.get(str(value), value).lower()
        dispatcher.utter_message(text=f"C'est corrigé : {shown}. Je reprends ma question.")
        return {target: value, current: None}

    async def _validate(
        self,
        slot: str,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
    ) -> dict[str, Any]:
        return self._check(slot, value, dispatcher, tracker)

    async def validate_company(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return await self._validate("company", value, dispatcher, tracker)

    async def validate_position(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return await self._validate("position", value, dispatcher, tracker)

    async def validate_rejection_date(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return await self._validate("rejection_date", value, dispatcher, tracker)

    async def validate_stage(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return await self._validate("stage", value, dispatcher, tracker)

    async def validate_formal_rejection(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return await self._validate("formal_rejection", value, dispatcher, tracker)

    async def validate_decision_date(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return await self._validate("decision_date", value, dispatcher, tracker)

    async def validate_interviewer_count(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return await self._validate("interviewer_count", value, dispatcher, tracker)

    async def validate_interviewer_names(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return await self._validate("interviewer_names", value, dispatcher, tracker)

    async def validate_met_hiring_manager(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return await self._validate("met_hiring_manager", value, dispatcher, tracker)

    async def validate_hr_contact(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return await self._validate("hr_contact", value, dispatcher, tracker)

    async def validate_network_contact(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return await self._validate("network_contact", value, dispatcher, tracker)

    async def validate_culture(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return await self._validate("culture", value, dispatcher, tracker)


class _AskIntake(QuietAsk, abc.ABC):
    """Asks one intake question, with its buttons."""

    slot = ""

    def ask(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        text, buttons = question(self.slot, tracker)
        hint = tracker.get_slot("date_hint")
        if self.slot == "rejection_date" and isinstance(hint, str):
            dispatcher.utter_message(text=hint, buttons=buttons)
            return [SlotSet("date_hint", None)]
        dispatcher.utter_message(text=text, buttons=buttons or None)
        return []


# One concrete ask action per slot, written out: the action server's worker processes
# import them by name, so they cannot be made on the fly.


class ActionAskCompany(_AskIntake):
    slot = "company"

    def name(self) -> str:
        return "action_ask_company"


class ActionAskPosition(_AskIntake):
    slot = "position"

    def name(self) -> str:
        return "action_ask_position"


class ActionAskRejectionDate(_AskIntake):
    slot = "rejection_date"

    def name(self) -> str:
        return "action_ask_rejection_date"


class ActionAskStage(_AskIntake):
    slot = "stage"

    def name(self) -> str:
        return "action_ask_stage"


class ActionAskFormalRejection(_AskIntake):
    slot = "formal_rejection"

    def name(self) -> str:
        return "action_ask_formal_rejection"


class ActionAskDecisionDate(_AskIntake):
    slot = "decision_date"

    def name(self) -> str:
        return "action_ask_decision_date"


class ActionAskInterviewerCount(_AskIntake):
    slot = "interviewer_count"

    def name(self) -> str:
        return "action_ask_interviewer_count"


class ActionAskInterviewerNames(_AskIntake):
    slot = "interviewer_names"

    def name(self) -> str:
        return "action_ask_interviewer_names"


class ActionAskMetHiringManager(_AskIntake):
    slot = "met_hiring_manager"

    def name(self) -> str:
        return "action_ask_met_hiring_manager"


class ActionAskHrContact(_AskIntake):
    slot = "hr_contact"

    def name(self) -> str:
        return "action_ask_hr_contact"


class ActionAskNetworkContact(_AskIntake):
    slot = "network_contact"

    def name(self) -> str:
        return "action_ask_network_contact"


class ActionAskCulture(_AskIntake):
    slot = "culture"

    def name(self) -> str:
        return "action_ask_culture"


ASK_ACTIONS: Final[dict[str, type[_AskIntake]]] = {
    cls.slot: cls
    for cls in (
        ActionAskCompany,
        ActionAskPosition,
        ActionAskRejectionDate,
        ActionAskStage,
        ActionAskFormalRejection,
        ActionAskDecisionDate,
        ActionAskInterviewerCount,
        ActionAskInterviewerNames,
        ActionAskMetHiringManager,
        ActionAskHrContact,
        ActionAskNetworkContact,
        ActionAskCulture,
    )
}


def _first_text(tracker: Tracker) -> str:
    text = (tracker.latest_message or {}).get("text") or ""
    return "" if text.startswith("/") else text


def _given_company(tracker: Tracker) -> str | None:
    """The company already known when the intake starts from « X n'est pas encore noté : je
    l'ajoute ? » (actions/feedback.py): on the button « Oui, noter X », or kept while that
    question waited for a typed « oui »."""
    for entity in (tracker.latest_message or {}).get("entities") or []:
        if isinstance(entity, dict) and entity.get("entity") == "company" and entity.get("value"):
            return str(entity["value"])[:200]
    pending = tracker.get_slot("feedback_company")
    if tracker.get_slot("flow_step") == "feedback_new" and isinstance(pending, str) and pending:
        return pending[:200]
    return None


class ActionStartIntake(Action):
    """Opens the intake: a paused one goes on, otherwise the first message pre-fills a new one."""

    def name(self) -> str:
        return "action_start_intake"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        text = _first_text(tracker)
        if text and looks_like_noise(text):
            # Misread by the classifier: answer like the fallback, the form closes at once.
            dispatcher.utter_message(response="utter_default")
            return [SlotSet("flow_step", NOISE)]
        today = local_today(person_zone(tracker, settings().coach_tz))
        facts = extract_rejection_facts(text, today=today) if text else None
        paused = tracker.get_slot("paused_flow") == FORM and _company(tracker)
        new_company = (facts.company if facts else None) or _given_company(tracker)
        if paused and (new_company is None or new_company.lower() == paused.lower()):
            dispatcher.utter_message(
                text=f"Reprenons votre refus chez {writing.company(paused)} là où nous en étions."
            )
            return [
                SlotSet("paused_flow", None),
                SlotSet("flow_stop", None),
                SlotSet("flow_step", None),
            ]
        events: list[dict[str, Any]] = [SlotSet("flow_step", None)] + [
            SlotSet(slot, None) for slot in (*SLOTS, *HELPER_SLOTS, "paused_flow")
        ]
        known = facts.slots() if facts else {}
        if not known.get("company"):
            given = _given_company(tracker)
            if given:
                known["company"] = given
        events.append(SlotSet("feedback_company", None))
        followed = _followed_application(tracker, known)
        position = str(known.get("position") or "")
        contract = facts.contract if facts else None
        if contract and position and contract.lower() not in position.lower():
            known["position"] = f"{position} ({contract})"
        if text and mentions_hiring_manager(text):
            known["met_hiring_manager"] = True  # "refus après l'entretien avec le manager"
        events += [SlotSet(slot, value) for slot, value in known.items()]
        # The bot has no gender: no « désolé·e » about itself.
        opening = (
            f"Ce refus {writing.de(writing.company(str(known['company'])))} n'est pas "
            "facile à recevoir."
            if known.get("company")
            else "Ce refus n'est pas facile à recevoir."
        )
        picked = _picked_up(known, today)
        lines = [opening]
        if followed:
            lines.append(FOLLOWED.format(at=followed))
        if picked:
            lines.append(f"J'ai bien noté : {picked}.")
        lines.append(
            "Quelques questions pour garder une trace utile. Aux questions facultatives, "
            "« je ne sais pas » ou « passer » conviennent, et « pourquoi ? » vous dit à quoi "
            "sert une question."
        )
        dispatcher.utter_message(text="\n".join(lines))
        if facts and facts.date_problem is not None and facts.date_problem.message:
            events.append(SlotSet("date_hint", facts.date_problem.message))
        return events


FOLLOWED: Final = (
    "Je retrouve votre candidature {at} : je ne vous redemande pas ce que je sais déjà."
)


def _followed_application(tracker: Tracker, known: dict[str, Any]) -> str | None:
    """When the company named is one of the person's applications in progress (coach.pipeline),
    what that record already says (position, stage reached) fills ``known``, so that the intake
    asks only for the rest; « chez Airbus » then, else None. Best effort: a database problem
    only means the questions are all asked."""
    company = known.get("company")
    uid = telegram_user_id(tracker)
    if not company or uid is None:
        return None
    try:
        with sessions()() as session:
            user = find_user(session, uid)
            if user is None:
                return None
            found = pipeline.find_for_company(session, user, str(company))
            if not isinstance(found, Match):
                return None
            filled = pipeline.rejection_slots(
                session, user, found.application, now=dt.datetime.now(dt.UTC)
            )
    except SQLAlchemyError as error:
        log.warning("applications not read for the intake (%s)", type(error).__name__)
        return None
    for slot, value in filled.items():
        if not known.get(slot):
            known[slot] = value
    known["company"] = filled["company"]
    return f"chez {writing.company(filled['company'])}"


def _link_application(session: Any, user: Any, company: str, rejection_id: int) -> None:
    """The rejection continues the record of the application in progress at that company."""
    found = pipeline.find_for_company(session, user, company)
    if isinstance(found, Match) and found.application.rejection_id is None:
        pipeline.link_rejection(
            session, user, found.application.id, rejection_id, now=dt.datetime.now(dt.UTC)
        )


def _picked_up(known: dict[str, Any], today: dt.date) -> str:
    parts: list[str] = []
    if known.get("company"):
        parts.append(writing.company(str(known["company"])))
    if known.get("position"):
        parts.append(f"poste {writing.de(str(known['position']))}")
    if known.get("rejection_date"):
        day = dt.date.fromisoformat(str(known["rejection_date"]))
        parts.append(f"réponse reçue {format_date_fr(day, today=today)}")
    return ", ".join(parts)


SAD_SIGNS_REPLY: Final = (
    "Je vois que c'est difficile en ce moment. Je suis là : voulez-vous me dire ce qui se "
    "passe, avec vos mots ou avec un bouton ?"
)
SAD_SIGNS_BUTTONS: Final = [
    {"title": "J'ai reçu un refus", "payload": "/report_rejection"},
    {"title": "Un retour m'a fait mal", "payload": "/share_feedback"},
]


class ActionUnplacedText(Action):
    """A message the classifier placed nowhere (a story, or too unsure to say) outside the
    forms: a rejection told outright with its company (« Refus de L'Oréal ce matin pour le
    poste d'assistante marketing ») opens the intake with its facts, as ``report_rejection``
    would; anything else gets the topics as buttons."""

    def name(self) -> str:
        return "action_unplaced_text"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        text = _first_text(tracker)
        today = local_today(person_zone(tracker, settings().coach_tz))
        if is_sad_signs(text):
            # « 😭😭 »: a feeling without words, never « je n'ai pas compris ».
            dispatcher.utter_message(text=SAD_SIGNS_REPLY, buttons=SAD_SIGNS_BUTTONS)
            return []
        if not text or tells_rejection(text, today=today) is None:
            dispatcher.utter_message(response="utter_default")
            return []
        events = await ActionStartIntake().run(dispatcher, tracker, domain)
        if SlotSet("flow_step", NOISE) in events:
            return events
        return [*events, FollowupAction(FORM)]


class ActionFinishIntake(Action):
    """Stores the rejection when the form is complete (or handles a pause / cancel)."""

    def name(self) -> str:
        return "action_finish_intake"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        stopped = stop_events(dispatcher, tracker, FORM, reset=[*SLOTS, *HELPER_SLOTS])
        if stopped is not None:
            return stopped
        slots = {slot: tracker.get_slot(slot) for slot in SLOTS}
        values = rejection_values(slots)
        if any(values[name] is None for name in REQUIRED):
            dispatcher.utter_message(
                text="Il me manque l'entreprise, le poste ou la date : tapez /refus pour reprendre."
            )
            return [SlotSet("paused_flow", FORM), SlotSet("flow_step", None)]
        uid = telegram_user_id(tracker)
        today = local_today(person_zone(tracker, settings().coach_tz))
        try:
            with transaction(sessions()) as session:
                user = find_user(session, uid) if uid is not None else None
                if user is None:
                    dispatcher.utter_message(
                        text="Je ne peux rien enregistrer sans votre accord : tapez /start."
                    )
                    return [SlotSet("flow_step", None)]
                rejection = save_rejection(session, user, slots)
                rejection_id = rejection.id
                if rejection.company:
                    _link_application(session, user, rejection.company, rejection_id)
        except SQLAlchemyError:
            log.exception("could not save a rejection")
            dispatcher.utter_message(
                text="Je n'ai pas pu enregistrer ce refus (souci technique). Vos réponses "
                "restent en mémoire : écrivez « on reprend » un peu plus tard."
            )
            return [SlotSet("paused_flow", FORM), SlotSet("flow_step", None)]
        summary = "C'est noté ✅\n" + describe_rejection(values, today=today)
        if tracker.get_slot(KEPT_FOR) and tracker.get_slot("feedback_parts"):
            summary += (
                "\n\nLe retour que vous m'aviez confié est gardé : /retour l'y rattachera, "
                "quand vous voudrez."
            )
        dispatcher.utter_message(text=summary)
        return [
            SlotSet("current_rejection_id", rejection_id),
            SlotSet("paused_flow", None),
            SlotSet("flow_step", "intake_saved"),
        ]


def _say_then_ask(
    slot: str, tracker: Tracker, dispatcher: CollectingDispatcher, lead: str, sep: str = " "
) -> dict[str, Any]:
    """``lead``, then the question of ``slot`` again with its buttons, in one message; the
    form does not ask it a second time."""
    text, buttons = question(slot, tracker)
    dispatcher.utter_message(text=f"{lead}{sep}{text}", buttons=buttons or None)
    return {slot: None, "ask_quietly": True}


def _manager_met(value: str, tracker: Tracker, *, by_role: bool = False) -> dict[str, Any]:
    """``met_hiring_manager`` when ``value`` names the manager and it is not known yet: met
    (« entretien avec le manager »), or, ``by_role``, among the interviewers (« la
    responsable du magasin »)."""
    names = names_hiring_manager if by_role else mentions_hiring_manager
    if names(value) and tracker.get_slot("met_hiring_manager") is None:
        return {"met_hiring_manager": True}
    return {}


def _reads_as_stage(value: str) -> bool:
    """« entretien avec le manager », « le test technique »: a step of the recruitment with no
    name in it (a capitalised word after the first could be one: « Entretien Plus »)."""
    words = value.split()
    if len(words) < 2 or any(word[:1].isupper() for word in words[1:]):
        return False
    return detect_stage(value) is not None or mentions_hiring_manager(value)


def _company_sentence(value: str, tracker: Tracker, today: dt.date) -> tuple[str, dict[str, Any]]:
    """A whole sentence typed at « Quelle entreprise ? » (« j'ai postulé chez airbus pour le
    poste de technicienne qualité ») gives its company, and the position when it is still to
    ask; a bare name (« Leroy Merlin », « une startup de la fintech ») is kept as typed."""
    if len(value.split()) < 3:
        return value, {}
    facts = read_application(value, today=today)
    if not facts.company:
        return value, {}
    extra: dict[str, Any] = {}
    if facts.position and tracker.get_slot("position") is None:
        position = validate_slot("position", facts.position, today=today)
        if position.ok:
            extra["position"] = _slot_value(position)
    return facts.company, extra
