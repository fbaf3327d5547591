"""Preparing the feedback request (SPEC §3 flow 5): when, whom, how, the draft, the follow-up.

- ``action_plan_request`` (/demande, "quand est-ce que je peux leur écrire ?", "à qui
  écrire ?"): the window from ``coach.timing``, a reminder on the recommended day, the
  contact from ``coach.contacts``, then the channel as buttons.
- ``profile_form`` asks the signature once (name, phone, email, LinkedIn; each can be
  skipped); ``action_write_draft`` writes the email, the phone script, the meeting request
  or the LinkedIn message as a monospace block, with buttons to change it or its channel.
  The channel is read from the words (``coach.channels``: « un mail, pas une rencontre »)
  before the intent, and buttons carry the application's id so an old one still works.
- ``action_refine_draft`` ("plus court", "plus formel", "ajoute que je reste intéressée",
  "en fait plutôt par téléphone"): the text changes, or the person is told why it cannot;
  ``action_request_sent`` ("c'est envoyé" → follow-up 7 business days later),
  ``action_follow_up`` (that reminder: a short follow-up draft); "ils ont répondu" is
  ``actions.feedback`` (recording the answer marks the request answered).
"""

from __future__ import annotations

import abc
import dataclasses
import datetime as dt
import json
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
from coach.applications import Ambiguous, Match, Unknown, application_in_message
from coach.channels import CHANNEL_LABELS, read_channel
from coach.drafts import (
    VARIANT_NAMES,
    Draft,
    DraftOptions,
    compose,
    validate_email,
    validate_linkedin,
    validate_phone,
)
from coach.feedback_request import (
    contact_message,
    current_draft,
    draft_context,
    last_sent_request,
    mark_sent,
    plan_for,
    save_draft,
    timing_message,
    when_line,
)
from coach.language import writing
from coach.language.answers import is_dont_know, is_not_had, is_skip
from coach.language.dates import format_date_fr
from coach.models import Rejection, User
from coach.refinements import Refinement, parse_refinement, revise
from coach.rejections import NONE, get_rejection, list_rejections
from coach.reminders import user_zone
from coach.users import find_user

log = logging.getLogger(__name__)

PROFILE_SLOTS: Final = ("sig_name", "sig_phone", "sig_email", "sig_linkedin")
#: Channel → (button title when choosing, button title under a draft of another channel).
CHANNEL_TITLES: Final = {
    "email": ("📧 Un mail (conseillé)", "📧 Plutôt un mail"),
    "phone": ("📞 Un appel", "📞 Plutôt un appel"),
    "meeting": ("☕ Une rencontre", "☕ Plutôt une rencontre"),
    "linkedin": ("💼 Un message LinkedIn", "💼 Plutôt LinkedIn"),
}
#: Button value → the words it stands for (payloads stay under Telegram's 64 bytes).
REFINE_BUTTONS: Final = {
    "court": ("✂️ Plus court", "plus court"),
    "formel": ("🎩 Plus formel", "plus formel"),
    "simple": ("🙂 Moins formel", "moins formel"),
    "chaleureux": ("🤝 Plus chaleureux", "plus chaleureux"),
    "precis": ("🎯 Plus spécifique", "plus spécifique"),
    "long": ("📝 Plus complet", "plus long"),
}
DRAFT_REFINES: Final = ("court", "formel", "precis")


def _channel_payload(channel: str, rejection_id: int | None) -> str:
    """Carries the application: pressed later under an old message, it still means it."""
    target = f',"rejection_id":"{rejection_id}"' if rejection_id is not None else ""
    return f'/request_draft{{"channel":"{channel}"{target}}}'


def _refine_payload(key: str, rejection_id: int | None) -> str:
    target = f',"rejection_id":"{rejection_id}"' if rejection_id is not None else ""
    return f'/refine_draft{{"refine":"{key}"{target}}}'


def channel_buttons(
    rejection_id: int | None, *, current: str | None = None
) -> list[dict[str, str]]:
    """The channels to choose from (all of them), or to switch to under a draft (the others)."""
    index = 0 if current is None else 1
    return [
        {"title": titles[index], "payload": _channel_payload(channel, rejection_id)}
        for channel, titles in CHANNEL_TITLES.items()
        if channel != current
    ]


def draft_buttons(
    rejection_id: int | None, refines: tuple[str, ...] = DRAFT_REFINES
) -> list[dict[str, str]]:
    return [
        *(
            {"title": REFINE_BUTTONS[key][0], "payload": _refine_payload(key, rejection_id)}
            for key in refines
        ),
        {"title": "✅ C'est envoyé", "payload": "/request_sent"},
        {"title": "✏️ Ma signature", "payload": "/edit_signature"},
    ]


CHANNEL_BUTTONS: Final = channel_buttons(None)
DRAFT_BUTTONS: Final = draft_buttons(None)
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
    "linkedin": "linkedin",
    "follow_up": "email",
}
VARIANT_BY_CHANNEL: Final = {
    "email": "general",
    "phone": "phone",
    "meeting": "meeting",
    "linkedin": "linkedin",
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


def _entity(tracker: Tracker, name: str) -> Any:
    for entity in (tracker.latest_message or {}).get("entities") or []:
        if isinstance(entity, dict) and entity.get("entity") == name:
            return entity.get("value")
    return None


def _entity_rejection_id(tracker: Tracker) -> Any:
    return _entity(tracker, "rejection_id")


def _typed_text(tracker: Tracker) -> str:
    """What the person wrote; empty for a button or command payload (« /request_draft{…} »)."""
    text = (tracker.latest_message or {}).get("text") or ""
    return "" if not isinstance(text, str) or text.startswith("/") else text


def asked_variant(tracker: Tracker) -> str | None:
    """The draft asked for: a channel button, then the channel named in the words (« un
    mail, pas une rencontre »), then the intent. A channel only refused (« pas de
    rencontre ») falls back to the mail, the simplest for the person who answers."""
    button = _entity(tracker, "channel")
    if button in VARIANT_BY_CHANNEL:
        return VARIANT_BY_CHANNEL[button]
    reading = read_channel(_typed_text(tracker))
    if reading.wanted is not None:
        return VARIANT_BY_CHANNEL[reading.wanted]
    variant = VARIANT_BY_INTENT.get(_intent(tracker) or "")
    if variant is not None and CHANNEL_BY_VARIANT[variant] in reading.refused:
        return "general" if "email" not in reading.refused else "phone"
    return variant


def _same_rejection(tracker: Tracker) -> bool:
    chosen = _entity_rejection_id(tracker)
    current = tracker.get_slot("current_rejection_id")
    return chosen is None or (current is not None and str(chosen) == str(current))


def switched_options(tracker: Tracker, variant: str) -> DraftOptions | None:
    """Changing channel keeps what the person already asked (tone, length, points) when it
    is the same application; otherwise the new draft starts fresh (None)."""
    raw = tracker.get_slot("draft_options")
    if not isinstance(raw, dict) or not _same_rejection(tracker):
        return None
    options = DraftOptions.from_json(raw)
    if variant == "general" and (options.areas or options.extra_question):
        variant = "specific"
    return dataclasses.replace(options, variant=variant)  # type: ignore[arg-type]


#: Messages that may name the application they are about ("quand écrire à Decathlon ?");
#: other turns (a signature answer, "plus court") keep the application being discussed.
_NAMING_INTENTS: Final = frozenset(
    {"ask_timing", "ask_contact", "request_draft", "ask_phone_script", "ask_meeting"}
    | {"request_sent", "share_feedback"}
)


def _ask_application(
    dispatcher: CollectingDispatcher,
    found: Ambiguous[Rejection] | Unknown,
    intent: str,
    recent: list[Rejection],
) -> None:
    """The company named fits several applications, or none logged: ask (coach.applications)."""

    def button(r: Rejection) -> dict[str, str]:
        return {
            "title": f"{writing.company(r.company)} — {r.position}"[:60],
            "payload": f'/{intent}{{"rejection_id":"{r.id}"}}',
        }

    if isinstance(found, Ambiguous):
        dispatcher.utter_message(
            text="Vous avez plusieurs candidatures chez "
            f"{writing.company(found.applications[0].company)} : "
            "laquelle ?",
            buttons=[button(r) for r in found.applications[:6]],
        )
        return
    add = {
        "title": f"📝 Oui, noter {found.named}"[:60],
        "payload": "/report_rejection" + json.dumps({"company": found.named}, ensure_ascii=False),
    }
    dispatcher.utter_message(
        text=f"{found.named} n'est pas encore noté : je l'ajoute ? Il me faut le poste et la "
        "date du refus pour préparer la demande."
        + (" Ou bien choisissez une candidature déjà notée :" if recent else ""),
        buttons=[add, *(button(r) for r in recent)],
    )


def _pick(
    session: Session, user: User, tracker: Tracker, dispatcher: CollectingDispatcher, intent: str
) -> Rejection | None:
    """The rejection to work on: named by a button, by the company in the message, the one
    being discussed, the only one; with several and none chosen, buttons to choose (and
    None). A company named and not logged is never swapped for another application: the
    person is offered to add it, or to choose."""
    chosen = get_rejection(session, user, _entity_rejection_id(tracker))
    if chosen is not None:
        return chosen
    text = (tracker.latest_message or {}).get("text") or ""
    if _intent(tracker) in _NAMING_INTENTS and text and not text.startswith("/"):
        found = application_in_message(text, list_rejections(session, user, limit=50))
        if isinstance(found, Match):
            return found.application
        if found is not None:
            _ask_application(dispatcher, found, intent, list_rejections(session, user, limit=6))
            return None
    chosen = get_rejection(session, user, tracker.get_slot("current_rejection_id"))
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
                "title": f"{writing.company(r.company)} — {r.position}"[:60],
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
                buttons=channel_buttons(rejection.id),
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
        variant = asked_variant(tracker)
        events: list[dict[str, Any]] = [SlotSet("flow_stop", None)]
        if variant is not None:
            kept = switched_options(tracker, variant)
            events += [
                SlotSet("draft_variant", variant),
                SlotSet("draft_options", kept.as_json() if kept is not None else None),
            ]
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
                text="C'est aujourd'hui le jour conseillé pour demander un retour "
                f"{writing.a(writing.company(rejection.company))}. Voici votre brouillon, prêt "
                "à copier :"
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
        if is_skip(value) or is_dont_know(value) or is_not_had(value):
            return {slot: NONE, "profile_dirty": True}
        parsed = parse(value)
        if parsed is None:
            dispatcher.utter_message(
                text=PROFILE_RETRY.get(slot, PROFILE_QUESTIONS[slot]),
                buttons=None if slot == "sig_name" else _SKIP_BUTTON,
            )
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
    variant = tracker.get_slot("draft_variant") or "general"
    return DraftOptions.from_json(tracker.get_slot("draft_options"), variant=variant)


def _show(dispatcher: CollectingDispatcher, draft: Draft, *, intro: str, rejection_id: int) -> None:
    if draft.notes:
        dispatcher.utter_message(text=draft.notes)
    dispatcher.utter_message(text=intro)
    dispatcher.utter_message(json_message={"code": True, "text": draft.text()})
    dispatcher.utter_message(
        text="Vous pouvez le copier tel quel, ou me demander un changement (« plus court », "
        "« plus chaleureux », « ajoute que… », « plutôt par téléphone »)."
        + (
            " Une fois l'appel passé, dites-le-moi : je m'occupe de la suite."
            if draft.variant == "phone"
            else " Une fois envoyé, dites-le-moi : je m'occupe de la relance."
        ),
        buttons=draft_buttons(rejection_id),
    )
    dispatcher.utter_message(
        text="Ou sous une autre forme :",
        buttons=channel_buttons(rejection_id, current=CHANNEL_BY_VARIANT.get(draft.variant)),
    )


def _unchanged(
    dispatcher: CollectingDispatcher,
    reasons: tuple[str, ...],
    offers: list[str],
    *,
    rejection_id: int,
    variant: str,
) -> None:
    """The honest answer when a change leaves the text as it was: why, and what can be done."""
    name = VARIANT_NAMES.get(variant, "du message")
    # « du mail » → « au mail », « de la relance » → « à la relance »
    name = "au " + name[3:] if name.startswith("du ") else "à " + name.removeprefix("de ")
    lines = [f"Je n'ai rien changé {name} : c'est le même texte.", *reasons]
    lines.append("Voici ce que je peux faire :" if offers else "Il reste tel quel, prêt à copier.")
    dispatcher.utter_message(
        text="\n".join(lines),
        buttons=[
            *(
                {"title": REFINE_BUTTONS[key][0], "payload": _refine_payload(key, rejection_id)}
                for key in offers
            ),
            *channel_buttons(rejection_id, current=CHANNEL_BY_VARIANT.get(variant)),
        ],
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
    change: Refinement | None = None,
) -> list[dict[str, Any]]:
    """Write the draft with ``options``; with a ``change``, only when it changes the text
    (otherwise say why, and keep the draft and its options as they were)."""
    chosen_options = options

    def work(session: Session, user: User) -> int | None:
        nonlocal chosen_options
        if tracker.get_slot("profile_dirty"):
            _save_profile(user, tracker)
        rejection = _pick(session, user, tracker, dispatcher, "request_draft")
        if rejection is None:
            return None
        context = draft_context(rejection, user)
        start = options
        discussed = tracker.get_slot("current_rejection_id")
        if discussed is not None and str(discussed) != str(rejection.id):
            # Another application than the one discussed (an old button, a company named):
            # its own draft's channel, none of the changes asked for the other one.
            saved = current_draft(session, user, rejection) if change is not None else None
            variant = saved.variant if saved is not None else options.variant
            start = DraftOptions.from_json(None, variant=variant)
        text = intro
        if change is None:
            draft = compose(context, start)
            if current_draft(session, user, rejection) is None:
                # Asked for directly (« proposez-moi un mail »): when to send it, in a line.
                plan, _choice = plan_for(rejection, subdiv=settings().holidays_subdiv)
                today = _now().astimezone(user_zone(user)).date()
                dispatcher.utter_message(text=when_line(plan, today))
        else:
            revision = revise(context, start, change)
            if not revision.changed:
                _unchanged(
                    dispatcher,
                    revision.not_done,
                    _offers(context, revision.options),
                    rejection_id=rejection.id,
                    variant=revision.draft.variant,
                )
                chosen_options = revision.options
                return rejection.id
            draft, chosen_options = revision.draft, revision.options
            text = intro or revision.intro()
            if revision.not_done:
                dispatcher.utter_message(text="\n".join(revision.not_done))
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
        _show(dispatcher, draft, intro=text, rejection_id=rejection.id)
        return rejection.id

    chosen = _with_user(tracker, dispatcher, work)
    events: list[dict[str, Any]] = [
        SlotSet("profile_dirty", None),
        SlotSet("draft_options", chosen_options.as_json()),
        SlotSet("draft_variant", chosen_options.variant),
    ]
    if chosen is not None:
        events.append(SlotSet("current_rejection_id", chosen))
    return events


INTROS: Final = {
    "general": "Voici un brouillon de mail :",
    "specific": "Voici un brouillon de mail, avec des points précis :",
    "phone": "Voici un script d'appel, à adapter à votre façon de parler :",
    "meeting": "Voici un mail pour proposer une rencontre :",
    "linkedin": "Voici un message LinkedIn, court et direct :",
    "follow_up": "Voici une relance courte et polie :",
}


def _offers(context: Any, options: DraftOptions) -> list[str]:
    """The buttons that would really change this draft (tried, not guessed)."""
    return [
        key
        for key in REFINE_BUTTONS
        if revise(context, options, parse_refinement(REFINE_BUTTONS[key][1])).changed
    ]


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
        button = _entity(tracker, "refine")
        text = REFINE_BUTTONS[button][1] if button in REFINE_BUTTONS else _typed_text(tracker)
        change = parse_refinement(text)
        if change.empty:
            dispatcher.utter_message(
                text="Que voulez-vous changer ? Par exemple « plus court », « plus formel », "
                "« plus chaleureux », « plus spécifique », « ajoute que … » ou « plutôt par "
                "téléphone ».",
                buttons=draft_buttons(None)[:3],
            )
            return []
        options = _options(tracker)
        intro = ""
        if change.channel and change.channel != CHANNEL_BY_VARIANT.get(options.variant):
            # « en fait plutôt par téléphone »: the same request, in the channel asked for.
            variant = VARIANT_BY_CHANNEL[change.channel]
            options = switched_options(tracker, variant) or DraftOptions(variant=variant)  # type: ignore[arg-type]
            intro = INTROS[options.variant]
            rest = dataclasses.replace(change, channel=None)
            if rest.empty:
                return _write(tracker, dispatcher, options, intro=intro)
            return _write(tracker, dispatcher, options, intro=intro, change=rest)
        if change.channel and dataclasses.replace(change, channel=None).empty:
            # « je préférerais un simple mail » under a mail: say so, show it unchanged.
            return _write(
                tracker,
                dispatcher,
                options,
                intro=f"C'est déjà {CHANNEL_LABELS[change.channel]} : le voici, inchangé.",
            )
        return _write(tracker, dispatcher, options, intro=intro, change=change)


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
                f"Sans réponse {writing.de(writing.company(rejection.company))}, "
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
                text="Avez-vous eu une réponse "
                f"{writing.de(writing.company(rejection.company))} ? Si ce n'est pas le cas, "
                "une relance courte et polie est tout à fait normale :"
            )
            dispatcher.utter_message(json_message={"code": True, "text": draft.text()})
            dispatcher.utter_message(
                text="Et si la réponse est arrivée, dites-le-moi.",
                buttons=[{"title": "📨 Ils ont répondu", "payload": "/share_feedback"}],
            )
            return rejection.id

        chosen = _with_user(tracker, dispatcher, work)
        if chosen is None:
            return []
        # « plus court » right after applies to this follow-up.
        return [
            SlotSet("current_rejection_id", chosen),
            SlotSet("draft_variant", "follow_up"),
            SlotSet("draft_options", DraftOptions("follow_up").as_json()),
        ]
