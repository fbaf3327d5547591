"""The guided SWOT (SPEC §3 flow 8): pre-filled, gone through quadrant by quadrant, checked
as a whole, saved with its date and compared. The lists and the words come from
``coach.swot``; the picture is drawn by the front-end (``bot/relay.py``).

- ``action_start_swot`` ("faisons un SWOT", /swot): a word on the method, then a first
  draft from what the coach already knows (``prefill_for``), kept in ``swot_draft``.
- ``swot_form`` shows each quadrant with its suggestions, numbered: « ok » keeps the list,
  new items (one per line, or separated by « ; ») are added and the form moves on,
  « retire 2 » drops one and shows the quadrant again. Then the four lists together
  (``swot_confirm``), edited in free text (``parse_edit``) until « c'est bon ».
- ``action_save_swot`` (the form is done, or stopped): saved, compared with the SWOT
  before, and the picture asked of the front-end (``{"rebond": "swot_chart"}``).

The form stops like the others (``actions/flow.py``): "on en reparle demain", /annuler,
or a crisis message; « on reprend » brings it back with the lists as they were. Nothing is
stored before « c'est bon », and only with consent (``with_user``).
"""

from __future__ import annotations

import abc
import datetime as dt
import re
from dataclasses import replace
from typing import Any, Final

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from actions.common import QuietAsk, has_letters, with_user
from actions.flow import COMMAND_STOP, answer_in_form, aside, interruption, stop_events, stop_slots
from actions.interpretation import set_aside
from coach.language.dates import format_date_fr
from coach.language.fold import fold_keep_length
from coach.models import User
from coach.reminders import user_day
from coach.swot import (
    MAX_ITEMS,
    QUADRANT_LABELS,
    QUADRANTS,
    SwotDraft,
    SwotEdit,
    add_item,
    apply_edit,
    compare,
    comparison_message,
    latest_swot,
    parse_edit,
    prefill_for,
    remove_item,
    save_swot,
    swot_message,
)

FORM: Final = "swot_form"
DRAFT_SLOT: Final = "swot_draft"
#: The form's slot for each quadrant, then the look at the whole.
SLOTS: Final = {quadrant: f"swot_{quadrant}" for quadrant in QUADRANTS}
CONFIRM_SLOT: Final = "swot_confirm"
FORM_SLOTS: Final = (*SLOTS.values(), CONFIRM_SLOT)
#: What a done quadrant's slot holds (the lists live in ``swot_draft``). A form brought back
#: with « on reprend » validates its filled slots again: this value passes as it is.
DONE: Final = "✔"
#: In ``swot_draft``: the empty strengths were already pointed out once.
NUDGED: Final = "strengths_nudged"
#: flow_stop value: the SWOT could not start (no database, no consent); the form ends at
#: once and ``action_save_swot`` closes it without a word (the reason was already given).
NOT_STARTED: Final = "not_started"

SWOT_CHART: Final = {"rebond": "swot_chart"}
KEEP_BUTTON: Final = [{"title": "✅ Garder ainsi", "payload": "ok"}]
SKIP_BUTTON: Final = [{"title": "⏭️ Passer", "payload": "ok"}]
SAVE_BUTTON: Final = [{"title": "✅ Enregistrer", "payload": "c'est bon"}]
GOAL_BUTTON: Final = [{"title": "🎯 Me fixer un objectif", "payload": "/set_goal"}]
START_BUTTON: Final = [{"title": "🧭 Faire mon SWOT", "payload": "/start_swot"}]

SWOT_INTRO: Final = (
    "Faisons votre SWOT, en quatre listes :\n"
    "• forces et faiblesses : ce qui dépend de vous ;\n"
    "• opportunités et menaces : ce qui vient de l'extérieur (marché, réseau, secteur).\n"
    "Pour les faiblesses, vos retours d'employeurs servent de guide, pas de verdict. Chaque "
    "élément que je propose n'est qu'une suggestion : gardez-le, changez-le ou retirez-le.\n"
    "(/annuler pour arrêter, « on en reparle demain » pour faire une pause)"
)
HINTS: Final = {
    "strengths": "Ce qui joue pour vous : qualités, compétences, réussites.",
    "weaknesses": (
        "Ce que vous pouvez encore travailler. Un retour d'employeur est un guide, pas un "
        "verdict : ne gardez que ce qui vous parle."
    ),
    "opportunities": (
        "Ce qui, autour de vous, peut vous aider : réseau, formations, secteurs qui recrutent."
    ),
    "threats": "Ce qui, autour de vous, peut freiner votre recherche sans dépendre de vous.",
}
HOW_TO: Final = (
    "« ok » pour garder cette liste ; pour ajouter, écrivez vos éléments (un par ligne, ou "
    "séparés par « ; ») ; pour en retirer un, « retire 2 »."
)
HOW_TO_EMPTY: Final = (
    "Écrivez vos éléments (un par ligne, ou séparés par « ; »), ou « ok » pour passer."
)
NO_SUGGESTION: Final = "(pas encore de suggestion ici)"
NO_WORDS: Final = "Je ne vois pas de mots dans ce message."
NOT_FOUND: Final = (
    "Je ne trouve pas cet élément dans la liste : indiquez plutôt son numéro (« retire 2 »)."
)
STRENGTHS_NUDGE: Final = (
    "Votre liste de forces est vide, et vous en avez, même si un refus les fait oublier : "
    "une qualité qu'on vous reconnaît, une compétence dont vous êtes fier·e, une réussite "
    "récente ? Écrivez-en une ou deux ; « ok » pour passer quand même."
)
EDIT_HELP: Final = (
    "Pour modifier, écrivez par exemple : « ajoute bonne organisation aux forces », « retire "
    "la faiblesse 2 », « menaces : IA qui automatise les tâches » ; ou « c'est bon » pour "
    "enregistrer."
)
EDIT_EXAMPLES: Final = f"Je n'ai pas compris cette modification. {EDIT_HELP}"
SET_ASIDE: Final = (
    "Je mets votre SWOT de côté, tel qu'il est : écrivez « on reprend » pour le terminer."
)
SAVE_FAILED: Final = (
    "Je n'ai pas pu enregistrer votre SWOT (souci technique). Je le garde de côté : écrivez "
    "« on reprend » dans un instant pour l'enregistrer."
)
NOTHING_TO_SAVE: Final = "Je n'ai pas de SWOT en cours. On en fait un ?"
NEXT_STEPS: Final = (
    "Et maintenant ? Une faiblesse peut devenir un objectif SMART : écrivez par exemple « je "
    "veux progresser en … » et nous le construirons ensemble."
)

_AGREE: Final = r"(?:(?:oui|ok|bon|alors)\W+)?"  # "oui c'est bon", "ok je garde"
_THANKS: Final = r"(?:\W+(?:merci|pour\s+moi|comme\s+ca))?"  # "ok merci", "ok pour moi"
_KEEP: Final = re.compile(
    rf"^\W*{_AGREE}(?:ok(?:ay|ey|i)?|d\s?accord|dac|oui|ouais|yes|"
    r"c\s+est\s+(?:bon|tout|parfait|ok)|ca\s+(?:me\s+)?va|ca\s+ira|parfait|tres\s+bien|"
    r"super|top|nickel|impec(?:cable)?|"
    r"(?:je\s+|on\s+)?(?:garde|gardez|garder)(?:\s+(?:ainsi|tout|la\s+liste|comme\s+ca|"
    r"tel(?:le)?s?\s+quel(?:le)?s?))?|rien(?:\s+(?:a\s+ajouter|de\s+plus|d\s+autre))?|"
    r"non(?:\s+(?:merci|rien))?|pas\s+d\s+autres?|suivant|passer|on\s+passe|je\s+passe|"
    r"(?:je\s+)?valide[rz]?|enregistre[rz]?|on\s+enregistre|merci|👍|✅|"
    r"(?:je\s+)?(?:ne\s+)?sais\s+pas(?:\s+trop)?|chais\s+pas|aucune\s+idee|pas\s+d\s+idee|"
    r"je\s+(?:ne\s+)?vois\s+pas|bof)"
    rf"{_THANKS}\W*$"
)
_DONE_WORDS: Final = re.compile(
    rf"^\W*{_AGREE}(?:ok(?:ay|ey|i)?|d\s?accord|oui|ouais|yes|"
    r"c\s+est\s+(?:bon|tout|parfait|ok)|ca\s+(?:me\s+)?va|parfait|tres\s+bien|super|top|"
    r"nickel|impec(?:cable)?|(?:je\s+)?valide[rz]?|enregistre[rz]?(?:\s+le)?|"
    r"on\s+enregistre|c\s+est\s+tout\s+bon|tout\s+est\s+bon|rien\s+a\s+changer|👍|✅)"
    rf"{_THANKS}\W*$"
)
_ONE: Final = {
    "strengths": "la force",
    "weaknesses": "la faiblesse",
    "opportunities": "l'opportunité",
    "threats": "la menace",
}
_REMOVE_VERB: Final = r"(?:retire[rz]?|enleve[rz]?|supprime[rz]?|efface[rz]?|sans|oublie[rz]?)"
_NUMBERS: Final = re.compile(
    rf"^\s*{_REMOVE_VERB}\s+(?:(?:le|la|les|l|n|no|numero|num|point|element|item)\s*°?\s*)*"
    r"(?P<n>\d{1,2}(?:\s*(?:,|et|&)\s*(?:(?:le|la|l|n|no)\s*°?\s*)?\d{1,2})*)\W*$"
)
# By its words: not after « sans », which also starts items ("sans permis de conduire").
_REMOVE_WORDS: Final = re.compile(
    r"^\s*(?:retire[rz]?|enleve[rz]?|supprime[rz]?|efface[rz]?)\s+(?P<item>.+?)\W*$"
)
_ADD_VERB: Final = re.compile(r"^\s*(?:ajoute[rz]?|rajoute[rz]?|et\s+aussi|aussi)\s*:?\s+")
_BULLET: Final = re.compile(r"^\s*(?:[-•*·–—]+|\d{1,2}\s*[.)])\s*")


# --------------------------------------------------------------------------- the draft


def draft(tracker: Tracker) -> SwotDraft:
    """The SWOT as far as ``swot_draft`` goes (an empty one when the slot is unreadable)."""
    value = tracker.get_slot(DRAFT_SLOT)
    if not isinstance(value, dict):
        return SwotDraft()
    lists = {
        quadrant: tuple(str(i) for i in items if isinstance(i, str))
        if isinstance(items := value.get(quadrant), list)
        else ()
        for quadrant in QUADRANTS
    }
    return SwotDraft(**lists)


def stored(swot: SwotDraft, *, nudged: bool = False) -> dict[str, Any]:
    """What ``swot_draft`` holds: the four lists (JSON), and whether strengths were nudged."""
    value: dict[str, Any] = {quadrant: list(swot.items(quadrant)) for quadrant in QUADRANTS}
    if nudged:
        value[NUDGED] = True
    return value


def _nudged(tracker: Tracker) -> bool:
    value = tracker.get_slot(DRAFT_SLOT)
    return isinstance(value, dict) and value.get(NUDGED) is True


def _reset() -> list[dict[str, Any]]:
    return [SlotSet(slot, None) for slot in (DRAFT_SLOT, *FORM_SLOTS)]


def numbered(items: tuple[str, ...]) -> list[str]:
    return [f"{n}. {item}" for n, item in enumerate(items, start=1)]


class ActionStartSwot(Action):
    def name(self) -> str:
        return "action_start_swot"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        def work(session: Session, user: User) -> tuple[SwotDraft, str | None]:
            earlier = latest_swot(session, user)
            if earlier is None:
                return prefill_for(session, user), None
            today = user_day(user, dt.datetime.now(dt.UTC))
            since = format_date_fr(user_day(user, earlier.created_at), today=today)
            return prefill_for(session, user), since

        # paused_flow stays: a flow set aside before this SWOT can still be resumed; a SWOT
        # set aside is replaced by this one.
        events = [*_reset(), SlotSet("ask_quietly", None)]
        if tracker.get_slot("paused_flow") == FORM:
            events.append(SlotSet("paused_flow", None))
        loaded = with_user(tracker, dispatcher, work)
        if loaded is None:
            return [*events, SlotSet("flow_stop", NOT_STARTED)]
        first, since = loaded
        intro = SWOT_INTRO
        if since is not None:
            intro += (
                f"\n\nVotre SWOT précédent date du {since} : à la fin, je vous montrerai ce "
                "qui a bougé depuis."
            )
        dispatcher.utter_message(text=intro)
        return [*events, SlotSet(DRAFT_SLOT, stored(first)), SlotSet("flow_stop", None)]


# --------------------------------------------------------------------------- the form


def _fold(text: str) -> str:
    return " ".join(fold_keep_length(text).split())


def is_keep(text: str) -> bool:
    """ "ok", "c'est tout", "je garde"…: the quadrant stays as it is."""
    return bool(_KEEP.match(_fold(text)))


def is_done(text: str) -> bool:
    """ "c'est bon", "ok", "enregistre"…: the SWOT is saved as it is."""
    return bool(_DONE_WORDS.match(_fold(text)))


def removal_numbers(text: str) -> list[int] | None:
    """ "retire 2", "enlève le 3", "sans le 1 et le 4" → the numbers; None otherwise."""
    match = _NUMBERS.match(_fold(text))
    if match is None:
        return None
    return sorted({int(n) for n in re.findall(r"\d+", match.group("n"))}, reverse=True)


def new_items(text: str) -> list[str]:
    """The items of an answer: one per line, or separated by « ; » (bullets and a leading
    « ajoute » off)."""
    items: list[str] = []
    for line in text.splitlines():
        for part in line.split(";"):
            item = _BULLET.sub("", part, count=1)
            verb = _ADD_VERB.match(fold_keep_length(item))
            item = item[verb.end() :] if verb else item
            if has_letters(item):
                items.append(" ".join(item.split()))
    return items


def _ask_quadrant(dispatcher: CollectingDispatcher, swot: SwotDraft, quadrant: str) -> None:
    items = swot.items(quadrant)
    step = QUADRANTS.index(quadrant) + 1
    lines = [
        f"{QUADRANT_LABELS[quadrant]} ({step}/4)",
        HINTS[quadrant],
        "",
        *(numbered(items) or [NO_SUGGESTION]),
        "",
        HOW_TO if items else HOW_TO_EMPTY,
    ]
    dispatcher.utter_message(text="\n".join(lines), buttons=KEEP_BUTTON if items else SKIP_BUTTON)


def _ask_confirm(dispatcher: CollectingDispatcher, swot: SwotDraft, intro: str = "") -> None:
    text = swot_message(swot)
    dispatcher.utter_message(text=f"{intro}\n\n{text}" if intro else text, buttons=SAVE_BUTTON)


def _apply_all(swot: SwotDraft, edit: SwotEdit) -> SwotDraft:
    """An edit applied; an addition of several items (« forces : rigueur ; curiosité ») adds
    each of them, as in the quadrant questions."""
    if edit.action != "add" or not edit.item or ";" not in edit.item:
        return apply_edit(swot, edit)
    for item in new_items(edit.item):
        swot = apply_edit(swot, replace(edit, item=item))
    return swot


def _ack_edit(before: SwotDraft, after: SwotDraft, edit: SwotEdit) -> str | None:
    """What to say about an edit; None when it changed the draft (the new lists say it)."""
    if after != before:
        return None
    label = QUADRANT_LABELS[edit.quadrant].lower()
    if edit.index is not None:
        return _no_number(edit.quadrant, edit.index, len(before.items(edit.quadrant)))
    if edit.action == "remove":
        return (
            f"Je ne trouve pas cet élément parmi les {label} : indiquez plutôt son numéro "
            f"(par exemple « retire {_ONE[edit.quadrant]} 2 »)."
        )
    if len(before.items(edit.quadrant)) >= MAX_ITEMS:
        return _full(edit.quadrant)
    return f"C'est déjà parmi les {label}."


def _no_number(quadrant: str, number: int, count: int) -> str:
    where = f"de 1 à {count}" if count else "la liste est vide"
    label = QUADRANT_LABELS[quadrant].lower()
    return f"Je ne trouve pas le numéro {number} parmi les {label} ({where})."


def _full(quadrant: str) -> str:
    label = QUADRANT_LABELS[quadrant].lower()
    return f"La liste des {label} est complète ({MAX_ITEMS} éléments) : retirez-en un d'abord."


class ValidateSwotForm(FormValidationAction):
    def name(self) -> str:
        return "validate_swot_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        return [] if tracker.get_slot("flow_stop") else list(FORM_SLOTS)

    def _stop_or_aside(
        self, slot: str, text: str, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> dict[str, Any] | None:
        """A request to stop, or a word to the coach (answered, then the question again)."""
        stop = interruption(text) if "\n" not in text.strip() else None
        if stop:
            return {slot: None, **stop_slots(stop)}
        other = aside(tracker, " ".join(text.split()))
        if other:
            if answer_in_form(dispatcher, other) == COMMAND_STOP:
                return {slot: None, **stop_slots(COMMAND_STOP)}
            return {slot: None}  # the question comes back, asked by the form
        return None

    def _quadrant(
        self, quadrant: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> dict[str, Any]:
        slot = SLOTS[quadrant]
        if value is None or value == DONE:
            return {slot: value}
        text = str(value)
        swot = draft(tracker)
        nudged = _nudged(tracker)
        if is_keep(text):
            if quadrant == "strengths" and not swot.strengths and not nudged:
                dispatcher.utter_message(text=STRENGTHS_NUDGE, buttons=SKIP_BUTTON)
                return {slot: None, DRAFT_SLOT: stored(swot, nudged=True), "ask_quietly": True}
            return {slot: DONE}
        numbers = removal_numbers(text)
        if numbers is not None:
            return self._remove(quadrant, swot, numbers, nudged, dispatcher)
        edit = parse_edit(" ".join(text.split()))
        if edit is not None and (edit.quadrant != quadrant or edit.action == "remove"):
            # A removal, or an edit of another list ("ajoute X aux menaces" while on the
            # strengths): done, and the same quadrant is shown again.
            changed = apply_edit(swot, edit)
            problem = _ack_edit(swot, changed, edit)
            if problem or edit.quadrant != quadrant:
                label = QUADRANT_LABELS[edit.quadrant].lower()
                dispatcher.utter_message(text=problem or f"C'est fait, parmi les {label}.")
            return {slot: None, DRAFT_SLOT: stored(changed, nudged=nudged)}
        named = _REMOVE_WORDS.match(fold_keep_length(text)) if edit is None else None
        if named is not None:
            # "retire le réseau": by its words, when they name one item.
            changed = remove_item(swot, quadrant, text[named.start("item") : named.end("item")])
            if changed == swot:
                dispatcher.utter_message(text=NOT_FOUND)
            return {slot: None, DRAFT_SLOT: stored(changed, nudged=nudged)}
        stopped = self._stop_or_aside(slot, text, dispatcher, tracker)
        if stopped is not None:
            return stopped
        items = [edit.item] if edit is not None and edit.item else new_items(text)
        if not items:
            dispatcher.utter_message(text=NO_WORDS)
            return {slot: None}  # the quadrant again, with how to answer
        if len(swot.items(quadrant)) >= MAX_ITEMS:
            dispatcher.utter_message(text=_full(quadrant))
            return {slot: None}
        changed = swot
        for item in items:
            changed = add_item(changed, quadrant, item)
        added = len(changed.items(quadrant)) - len(swot.items(quadrant))
        if not added:
            dispatcher.utter_message(text="C'est déjà dans la liste.")
        elif added == 1:
            dispatcher.utter_message(text="C'est noté.")
        else:
            dispatcher.utter_message(text=f"C'est noté ({added} ajouts).")
        return {slot: DONE, DRAFT_SLOT: stored(changed, nudged=nudged)}

    def _remove(
        self,
        quadrant: str,
        swot: SwotDraft,
        numbers: list[int],
        nudged: bool,
        dispatcher: CollectingDispatcher,
    ) -> dict[str, Any]:
        slot = SLOTS[quadrant]
        count = len(swot.items(quadrant))
        missing = [n for n in numbers if not 1 <= n <= count]
        if missing:
            dispatcher.utter_message(text=_no_number(quadrant, min(missing), count))
            return {slot: None}
        changed = swot
        for n in numbers:  # from the last, so that the others keep their number
            changed = remove_item(changed, quadrant, n)
        return {slot: None, DRAFT_SLOT: stored(changed, nudged=nudged)}

    async def validate_swot_strengths(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._quadrant("strengths", value, dispatcher, tracker)

    async def validate_swot_weaknesses(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._quadrant("weaknesses", value, dispatcher, tracker)

    async def validate_swot_opportunities(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._quadrant("opportunities", value, dispatcher, tracker)

    async def validate_swot_threats(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._quadrant("threats", value, dispatcher, tracker)

    async def validate_swot_confirm(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None or value == DONE:
            return {CONFIRM_SLOT: value}
        text = str(value)
        if is_done(text):
            return {CONFIRM_SLOT: DONE}
        swot = draft(tracker)
        edit = parse_edit(" ".join(text.split()))
        if edit is not None:
            changed = _apply_all(swot, edit)
            problem = _ack_edit(swot, changed, edit)
            if problem:
                dispatcher.utter_message(text=problem, buttons=SAVE_BUTTON)
                return {CONFIRM_SLOT: None, "ask_quietly": True}
            _ask_confirm(dispatcher, changed, "C'est fait.")
            return {
                CONFIRM_SLOT: None,
                DRAFT_SLOT: stored(changed, nudged=_nudged(tracker)),
                "ask_quietly": True,
            }
        stopped = self._stop_or_aside(CONFIRM_SLOT, text, dispatcher, tracker)
        if stopped is not None:
            return stopped
        if not has_letters(text):
            dispatcher.utter_message(text=f"{NO_WORDS} {EDIT_HELP}", buttons=SAVE_BUTTON)
            return {CONFIRM_SLOT: None, "ask_quietly": True}
        dispatcher.utter_message(text=EDIT_EXAMPLES, buttons=SAVE_BUTTON)
        return {CONFIRM_SLOT: None, "ask_quietly": True}


class _AskSwotQuadrant(QuietAsk, abc.ABC):
    quadrant = ""

    @abc.abstractmethod
    def name(self) -> str:
        """Abstract: rasa-sdk registers only the concrete subclasses."""

    def ask(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        _ask_quadrant(dispatcher, draft(tracker), self.quadrant)
        return []


class ActionAskSwotStrengths(_AskSwotQuadrant):
    quadrant = "strengths"

    def name(self) -> str:
        return "action_ask_swot_strengths"


class ActionAskSwotWeaknesses(_AskSwotQuadrant):
    quadrant = "weaknesses"

    def name(self) -> str:
        return "action_ask_swot_weaknesses"


class ActionAskSwotOpportunities(_AskSwotQuadrant):
    quadrant = "opportunities"

    def name(self) -> str:
        return "action_ask_swot_opportunities"


class ActionAskSwotThreats(_AskSwotQuadrant):
    quadrant = "threats"

    def name(self) -> str:
        return "action_ask_swot_threats"


class ActionAskSwotConfirm(QuietAsk):
    def name(self) -> str:
        return "action_ask_swot_confirm"

    def ask(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        _ask_confirm(dispatcher, draft(tracker))
        return []


# --------------------------------------------------------------------------- after the form


class ActionSaveSwot(Action):
    """The form is done (or stopped): saved, compared with the one before, drawn."""

    def name(self) -> str:
        return "action_save_swot"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        stopped = set_aside(dispatcher, tracker, FORM, SET_ASIDE) or stop_events(
            dispatcher, tracker, FORM, reset=[DRAFT_SLOT, *FORM_SLOTS, "ask_quietly"]
        )
        if stopped is not None:
            return stopped
        if tracker.get_slot("flow_stop") == NOT_STARTED:
            return [SlotSet("flow_stop", None), *_reset()]  # the reason was already given
        if tracker.get_slot(CONFIRM_SLOT) != DONE or not isinstance(
            tracker.get_slot(DRAFT_SLOT), dict
        ):
            dispatcher.utter_message(text=NOTHING_TO_SAVE, buttons=START_BUTTON)
            return _reset()
        swot = draft(tracker)
        now = dt.datetime.now(dt.UTC)

        def work(session: Session, user: User) -> tuple[dt.date, str | None]:
            earlier = latest_swot(session, user)
            row = save_swot(session, user, swot, now=now)
            if earlier is None:
                return user_day(user, row.created_at), None
            moved = comparison_message(
                compare(earlier, row), since=user_day(user, earlier.created_at)
            )
            return user_day(user, row.created_at), moved

        saved = with_user(tracker, dispatcher, work, failure=SAVE_FAILED)
        if saved is None:
            # Kept in the slots: « on reprend » asks for « c'est bon » again.
            return [
                SlotSet(CONFIRM_SLOT, None),
                SlotSet("paused_flow", FORM),
                SlotSet("ask_quietly", None),
            ]
        day, moved = saved
        text = f"C'est enregistré ✅ Votre SWOT du {format_date_fr(day, today=day)} est gardé"
        if moved:
            text += f".\n\n{moved}"
        else:
            text += " : refaites-le dans quelques semaines pour voir le chemin parcouru."
        dispatcher.utter_message(text=text)
        # The front-end draws the four quadrants from the saved SWOT (bot/relay.py).
        dispatcher.utter_message(json_message=SWOT_CHART)
        dispatcher.utter_message(text=NEXT_STEPS, buttons=GOAL_BUTTON)
        return [*_reset(), SlotSet("ask_quietly", None)]
