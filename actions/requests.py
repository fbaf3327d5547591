"""Preparing the feedback request (SPEC §3 flow 5): when, whom, how, the draft, the follow-up.

- ``action_plan_request`` (/demande, "quand est-ce que je peux leur écrire ?", "à qui
  écrire ?"): the window from ``coach.timing``, a reminder on the recommended day, the
  contact from ``coach.contacts``, then the channel as buttons.
- ``profile_form`` asks the signature once (name, phone, email, LinkedIn; each can be
  skipped); ``action_write_draft`` writes the email, the phone script or the meeting request
  as a monospace block, with buttons to change it.
- ``action_refine_draft`` ("plus court", "plus formel", "ajoute une question sur…"),
  ``action_request_sent`` ("c'est envoyé" → follow-up 7 business days later),
  ``action_follow_up`` (that reminder: a short follow-up draft); "ils ont répondu" is
  ``actions.feedback`` (recording the answer marks the request answered).
"""

from __future__ import annotations

import abc
import dataclasses
import datetime as dt
import logging
from collections.abc import Callable
from typing import Any, Final

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from actions.common import QuietAsk, sessions, settings, telegram_user_id, with_user
from actions.flow import interruption, stop_events, stop_slots
from coach.drafts import (
    Draft,
    DraftOptions,
    apply_refinement,
    compose,
    parse_refinement,
    validate_email,
    validate_linkedin,
    validate_phone,
)
from coach.feedback_request import (
    contact_message,
    draft_context,
    last_sent_request,
    mark_sent,
    plan_for,
    save_draft,
    timing_message,
)
from coach.intake import format_date_fr, is_dont_know, is_skip
from coach.models import Rejection, User
from coach.rejections import NONE, get_rejection, list_rejections
from coach.reminders import user_zone
from coach.users import find_user

log = logging.getLogger(__name__)

PROFILE_SLOTS: Final = ("sig_name", "sig_phone", "sig_email", "sig_linkedin")
CHANNEL_BUTTONS: Final = [
    {"title": "📧 Un mail (conseillé)", "payload": "/request_draft"},
    {"title": "📞 Un appel", "payload": "/ask_phone_script"},
    {"title": "☕ Une rencontre", "payload": "/ask_meeting"},
]
DRAFT_BUTTONS: Final = [
    {"title": "✂️ Plus court", "payload": "plus court"},
    {"title": "🎩 Plus formel", "payload": "plus formel"},
    {"title": "🎯 Plus spécifique", "payload": "plus spécifique"},
    {"title": "✅ C'est envoyé", "payload": "/request_sent"},
    {"title": "✏️ Ma signature", "payload": "/edit_signature"},
]
VARIANT_BY_INTENT: Final = {
    "request_draft": "general",
    "EXTERNAL_send_request": "general",
    "ask_phone_script": "phone",
    "ask_meeting": "meeting",
}
CHANNEL_BY_VARIANT: Final = {
    "general": "email",
    "specific": "email",
    "phone": "phone",
    "meeting": "meeting",
    "follow_up": "email",
}
NO_REJECTION: Final = (
    "Pour préparer une demande personnalisée, notez d'abord le refus : il me faut au moins "
    "l'entreprise, le poste et la date."
)
DB_PROBLEM: Final = (
    "Un souci technique m'empêche de préparer cela pour l'instant. Réessayez bientôt."
)
NO_CONSENT: Final = "Je ne peux rien préparer sans votre accord : tapez /start."


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _intent(tracker: Tracker) -> str | None:
    name = ((tracker.latest_message or {}).get("intent") or {}).get("name")
    return name if isinstance(name, str) else None


def _entity_rejection_id(tracker: Tracker) -> Any:
    for entity in (tracker.latest_message or {}).get("entities") or []:
        if isinstance(entity, dict) and entity.get("entity") == "rejection_id":
            return entity.get("value")
    return None


def _pick(
    session: Session, user: User, tracker: Tracker, dispatcher: CollectingDispatcher, intent: str
) -> Rejection | None:
    """The rejection to work on: named by a button, the one being discussed, the only one;
    with several and none chosen, buttons to choose (and None)."""
    for candidate in (_entity_rejection_id(tracker), tracker.get_slot("current_rejection_id")):
        chosen = get_rejection(session, user, candidate)
        if chosen is not None:
            return chosen
    recent = list_rejections(session, user, limit=6)
    if not recent:
        dispatcher.utter_message(
            text=NO_REJECTION,
            buttons=[{"title": "Noter un refus", "payload": "/report_rejection"}],
        )
        return None
    if len(recent) == 1:
        return recent[0]
    dispatcher.utter_message(
        text="Pour quelle candidature ?",
        buttons=[
            {
                "title": f"{r.company} — {r.position}"[:60],
                "payload": f'/{intent}{{"rejection_id":"{r.id}"}}',
            }
            for r in recent
        ],
    )
    return None


def _with_user[T](
    tracker: Tracker,
    dispatcher: CollectingDispatcher,
    work: Callable[[Session, User], T],
) -> T | None:
    return with_user(tracker, dispatcher, work, no_user=NO_CONSENT, failure=DB_PROBLEM)


# --------------------------------------------------------------------------- plan


class ActionPlanRequest(Action):
    def name(self) -> str:
        return "action_plan_request"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        intent = _intent(tracker) or "ask_timing"
        if intent not in ("ask_timing", "ask_contact"):
            intent = "ask_timing"

        def work(session: Session, user: User) -> int | None:
            rejection = _pick(session, user, tracker, dispatcher, intent)
            if rejection is None:
                return None
            plan, choice = plan_for(rejection, subdiv=settings().holidays_subdiv)
            timing = timing_message(session, user, rejection, plan, now=_now())
            contact = contact_message(rejection, choice)
            if intent == "ask_contact":
                dispatcher.utter_message(text=contact)
                dispatcher.utter_message(text=timing)
            else:
                dispatcher.utter_message(text=timing)
                dispatcher.utter_message(text=contact)
            dispatcher.utter_message(
                text="Comment voulez-vous la demander ? Le mail est le plus simple pour la "
                "personne : elle répond quand elle a le temps.",
                buttons=CHANNEL_BUTTONS,
            )
            return rejection.id

        chosen = _with_user(tracker, dispatcher, work)
        return [SlotSet("current_rejection_id", chosen)] if chosen is not None else []


# --------------------------------------------------------------------------- signature


class ActionLoadProfile(Action):
    """Before a draft: the signature from the database (asked only when never given)."""

    def name(self) -> str:
        return "action_load_profile"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        variant = VARIANT_BY_INTENT.get(_intent(tracker) or "", None)
        events: list[dict[str, Any]] = [SlotSet("flow_stop", None)]
        if variant is not None:
            events += [SlotSet("draft_variant", variant), SlotSet("draft_options", None)]
        chosen = _entity_rejection_id(tracker)
        if chosen is not None:
            events.append(SlotSet("current_rejection_id", chosen))
        uid = telegram_user_id(tracker)
        user: User | None = None
        try:
            with sessions()() as session:
                user = find_user(session, uid) if uid is not None else None
                known = user is not None and user.signature_name is not None
                values = (
                    (user.signature_name, user.phone, user.email, user.linkedin)
                    if user is not None
                    else (None,) * 4
                )
        except SQLAlchemyError:
            log.exception("could not read the signature")
            known, values = False, (None,) * 4
        if user is None:
            # Nothing to sign for: the form closes at once and the draft step explains.
            return [*events, *(SlotSet(slot, NONE) for slot in PROFILE_SLOTS)]
        if known:
            return [
                *events,
                *(
                    SlotSet(slot, value or NONE)
                    for slot, value in zip(PROFILE_SLOTS, values, strict=True)
                ),
            ]
        dispatcher.utter_message(
            text="Pour signer vos messages, quatre petites questions, posées une seule fois "
            "(« passer » convient, et « ma signature » permet de les modifier plus tard)."
        )
        return [*events, *(SlotSet(slot, None) for slot in PROFILE_SLOTS)]


class ActionSendDay(Action):
    """The reminder of the recommended day (through ``trigger_intent``): the draft follows."""

    def name(self) -> str:
        return "action_send_day"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        def work(session: Session, user: User) -> int | None:
            rejection = _pick(session, user, tracker, dispatcher, "EXTERNAL_send_request")
            if rejection is None:
                return None
            dispatcher.utter_message(
                text=f"C'est aujourd'hui le jour conseillé pour demander un retour à "
                f"{rejection.company}. Voici votre brouillon, prêt à copier :"
            )
            return rejection.id

        chosen = _with_user(tracker, dispatcher, work)
        return [SlotSet("current_rejection_id", chosen)] if chosen is not None else []


class ActionEditSignature(Action):
    def name(self) -> str:
        return "action_edit_signature"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(text="Reprenons votre signature.")
        return [SlotSet("flow_stop", None), *(SlotSet(slot, None) for slot in PROFILE_SLOTS)]


PROFILE_QUESTIONS: Final = {
    "sig_name": "Quel prénom et quel nom dois-je mettre en signature ?",
    "sig_phone": "Votre numéro de téléphone (facultatif) ?",
    "sig_email": "Votre adresse e-mail (facultatif) ?",
    "sig_linkedin": "L'adresse de votre profil LinkedIn (facultatif) ?",
}
PROFILE_RETRY: Final = {
    "sig_phone": "Je n'ai pas reconnu de numéro. Par exemple « 06 12 34 56 78 » ou "
    "« +33 6 12 34 56 78 », ou « passer ».",
    "sig_email": "Cette adresse ne semble pas valide (par exemple camille@exemple.fr). "
    "Réessayez, ou « passer ».",
    "sig_linkedin": "J'attends une adresse du type linkedin.com/in/votre-nom, ou « passer ».",
}
_SKIP_BUTTON: Final = [{"title": "Passer", "payload": "passer"}]


class ValidateProfileForm(FormValidationAction):
    def name(self) -> str:
        return "validate_profile_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        return [] if tracker.get_slot("flow_stop") else list(PROFILE_SLOTS)

    def _check(
        self,
        slot: str,
        value: Any,
        dispatcher: CollectingDispatcher,
        parse: Callable[[str], str | None],
    ) -> dict[str, Any]:
        if not isinstance(value, str) or value == NONE:
            return {slot: value}
        stop = interruption(value)
        if stop:
            return {slot: None, **stop_slots(stop)}
        if is_skip(value) or is_dont_know(value):
            return {slot: NONE, "profile_dirty": True}
        parsed = parse(value)
        if parsed is None:
            dispatcher.utter_message(text=PROFILE_RETRY.get(slot, PROFILE_QUESTIONS[slot]))
            return {slot: None, "ask_quietly": True}
        return {slot: parsed, "profile_dirty": True}

    async def validate_sig_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        def name(text: str) -> str | None:
            cleaned = " ".join(text.replace("<", " ").replace(">", " ").split()).strip(" .,")
            if not cleaned or len(cleaned) > 80 or not any(c.isalpha() for c in cleaned):
                return None
            return cleaned if cleaned != cleaned.lower() else cleaned.title()

        return self._check("sig_name", value, dispatcher, name)

    async def validate_sig_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._check("sig_phone", value, dispatcher, validate_phone)

    async def validate_sig_email(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._check("sig_email", value, dispatcher, validate_email)

    async def validate_sig_linkedin(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._check("sig_linkedin", value, dispatcher, validate_linkedin)


class _AskProfile(QuietAsk, abc.ABC):
    slot = ""

    def ask(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        buttons = None if self.slot == "sig_name" else _SKIP_BUTTON
        dispatcher.utter_message(text=PROFILE_QUESTIONS[self.slot], buttons=buttons)
        return []


class ActionAskSigName(_AskProfile):
    slot = "sig_name"

    def name(self) -> str:
        return "action_ask_sig_name"


class ActionAskSigPhone(_AskProfile):
    slot = "sig_phone"

    def name(self) -> str:
        return "action_ask_sig_phone"


class ActionAskSigEmail(_AskProfile):
    slot = "sig_email"

    def name(self) -> str:
        return "action_ask_sig_email"


class ActionAskSigLinkedin(_AskProfile):
    slot = "sig_linkedin"

    def name(self) -> str:
        return "action_ask_sig_linkedin"


# --------------------------------------------------------------------------- drafts


def _options(tracker: Tracker) -> DraftOptions:
    raw = tracker.get_slot("draft_options")
    variant = tracker.get_slot("draft_variant") or "general"
    if isinstance(raw, dict):
        try:
            return DraftOptions(
                variant=raw.get("variant", variant),
                short=bool(raw.get("short")),
                formal=bool(raw.get("formal")),
                areas=tuple(raw.get("areas") or ()),
                extra_question=raw.get("extra_question"),
            )
        except TypeError:
            pass
    return DraftOptions(variant=variant if variant in CHANNEL_BY_VARIANT else "general")


def _show(dispatcher: CollectingDispatcher, draft: Draft, *, intro: str) -> None:
    if draft.notes:
        dispatcher.utter_message(text=draft.notes)
    dispatcher.utter_message(text=intro)
    dispatcher.utter_message(json_message={"code": True, "text": draft.text()})
    dispatcher.utter_message(
        text="Vous pouvez le copier tel quel, ou me demander un changement (« plus court », "
        "« plus formel », « ajoute une question sur mes compétences techniques »). "
        "Une fois envoyé, dites-le-moi : je m'occupe de la relance.",
        buttons=DRAFT_BUTTONS,
    )


def _save_profile(user: User, tracker: Tracker) -> None:
    values = [tracker.get_slot(slot) for slot in PROFILE_SLOTS]
    cleaned = [None if v in (None, NONE) or not isinstance(v, str) else v for v in values]
    user.signature_name, user.phone, user.email, user.linkedin = cleaned


def _write(
    tracker: Tracker,
    dispatcher: CollectingDispatcher,
    options: DraftOptions,
    *,
    intro: str,
) -> list[dict[str, Any]]:
    def work(session: Session, user: User) -> int | None:
        if tracker.get_slot("profile_dirty"):
            _save_profile(user, tracker)
        rejection = _pick(session, user, tracker, dispatcher, "request_draft")
        if rejection is None:
            return None
        context = draft_context(rejection, user)
        draft = compose(context, options)
        role = (rejection.contact or {}).get("primary")
        save_draft(
            session,
            user,
            rejection,
            draft,
            channel=CHANNEL_BY_VARIANT.get(options.variant, "email"),
            contact_role=role if isinstance(role, str) else None,
            contact_name=context.contact_name,
        )
        _show(dispatcher, draft, intro=intro)
        return rejection.id

    chosen = _with_user(tracker, dispatcher, work)
    events: list[dict[str, Any]] = [
        SlotSet("profile_dirty", None),
        SlotSet("draft_options", dataclasses.asdict(options)),
        SlotSet("draft_variant", options.variant),
    ]
    if chosen is not None:
        events.append(SlotSet("current_rejection_id", chosen))
    return events


INTROS: Final = {
    "general": "Voici un brouillon de mail :",
    "specific": "Voici un brouillon de mail, avec des points précis :",
    "phone": "Voici un script d'appel, à adapter à votre façon de parler :",
    "meeting": "Voici un mail pour proposer une rencontre :",
    "follow_up": "Voici une relance courte et polie :",
}


class ActionWriteDraft(Action):
    def name(self) -> str:
        return "action_write_draft"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        stopped = stop_events(dispatcher, tracker, "profile_form", reset=list(PROFILE_SLOTS))
        if stopped is not None:
            return stopped
        options = _options(tracker)
        return _write(
            tracker, dispatcher, options, intro=INTROS.get(options.variant, INTROS["general"])
        )


class ActionRefineDraft(Action):
    def name(self) -> str:
        return "action_refine_draft"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        text = (tracker.latest_message or {}).get("text") or ""
        change = parse_refinement(text)
        if change.empty:
            dispatcher.utter_message(
                text="Que voulez-vous changer ? Par exemple « plus court », « plus formel », "
                "« moins formel », « plus spécifique » ou « ajoute une question sur … ».",
                buttons=DRAFT_BUTTONS[:3],
            )
            return []
        options = apply_refinement(_options(tracker), change)
        return _write(tracker, dispatcher, options, intro="Voici la nouvelle version :")


class ActionRequestSent(Action):
    def name(self) -> str:
        return "action_request_sent"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        def work(session: Session, user: User) -> None:
            rejection = _pick(session, user, tracker, dispatcher, "request_sent")
            if rejection is None:
                return
            now = _now()
            sent = mark_sent(session, user, rejection, now=now, subdiv=settings().holidays_subdiv)
            zone = user_zone(user)
            text = (
                f"Bravo, c'est fait ! Demander un retour demande du courage. "
                f"Sans réponse de {rejection.company}, "
            )
            if sent.follow_up is not None:
                when = format_date_fr(
                    sent.follow_up.due_at.astimezone(zone).date(), today=now.astimezone(zone).date()
                )
                text += f"je vous propose une relance {when}."
            else:
                text += "une relance polie est possible dans une dizaine de jours."
            text += " Si la réponse arrive avant, dites-moi simplement « ils ont répondu »."
            dispatcher.utter_message(text=text)

        _with_user(tracker, dispatcher, work)
        return []


class ActionFollowUp(Action):
    """The follow-up reminder (through ``trigger_intent``): a short, polite nudge to send."""

    def name(self) -> str:
        return "action_follow_up"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        def work(session: Session, user: User) -> int | None:
            rejection = _pick(session, user, tracker, dispatcher, "EXTERNAL_follow_up")
            if rejection is None:
                return None
            sent_on = None
            last = last_sent_request(session, user)
            if last is not None and last.rejection_id == rejection.id and last.sent_at:
                sent_on = last.sent_at.astimezone(user_zone(user)).date()
            draft = compose(
                draft_context(rejection, user, sent_on=sent_on), DraftOptions("follow_up")
            )
            dispatcher.utter_message(
                text=f"Avez-vous eu une réponse de {rejection.company} ? Si ce n'est pas le cas, "
                "une relance courte et polie est tout à fait normale :"
            )
            dispatcher.utter_message(json_message={"code": True, "text": draft.text()})
            dispatcher.utter_message(
                text="Et si la réponse est arrivée, dites-le-moi.",
                buttons=[{"title": "📨 Ils ont répondu", "payload": "/share_feedback"}],
            )
            return rejection.id

        chosen = _with_user(tracker, dispatcher, work)
        return [SlotSet("current_rejection_id", chosen)] if chosen is not None else []
