"""What every action needs: the database (created on first use) and who is speaking."""

from __future__ import annotations

import abc
import logging
import re
from collections.abc import Callable
from functools import cache
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from coach.db import make_engine, make_session_factory, transaction
from coach.language import writing
from coach.models import User
from coach.settings import Settings
from coach.users import find_user, telegram_user_id_from_sender

log = logging.getLogger(__name__)

_LETTER = re.compile(r"[^\W\d_]")

NO_CONSENT = "Je ne peux rien enregistrer sans votre accord : tapez /start pour commencer."
DB_PROBLEM = "Un souci technique m'en empêche pour l'instant. Excusez-moi, réessayez bientôt."

MAIN_TOPICS: list[dict[str, str]] = [
    {"title": "J'ai reçu un refus", "payload": "/report_rejection"},
    {"title": "Demander un retour", "payload": "/ask_timing"},
    {"title": "J'ai reçu un retour", "payload": "/share_feedback"},
    {"title": "Me fixer un objectif", "payload": "/set_goal"},
]


@cache
def settings() -> Settings:
    return Settings.from_env()


@cache
def sessions() -> sessionmaker[Session]:
    """One engine per action-server process, made lazily (rasa-sdk imports every module)."""
    return make_session_factory(make_engine(settings().database_url))


def telegram_user_id(tracker: Tracker) -> int | None:
    return telegram_user_id_from_sender(tracker.sender_id)


def metadata(tracker: Tracker) -> dict[str, Any]:
    latest = tracker.latest_message or {}
    value = latest.get("metadata")
    return value if isinstance(value, dict) else {}


def first_name(tracker: Tracker) -> str | None:
    name = metadata(tracker).get("first_name")
    if not isinstance(name, str):
        return None
    # « camille » typed in lowercase in the Telegram profile is still greeted « Camille ».
    name = writing.person(" ".join(name.split())[:64])
    return name or None


def entity(tracker: Tracker, name: str) -> str | None:
    """The latest message's ``name`` entity (a button's payload argument), as text."""
    value = next(tracker.get_latest_entity_values(name), None)
    return str(value) if value is not None else None


def has_letters(text: str) -> bool:
    """True when ``text`` has at least one letter: not only emoji, digits or punctuation."""
    return bool(_LETTER.search(text or ""))


BUTTON_TITLE_LIMIT = 60


def button_title(text: str, limit: int = BUTTON_TITLE_LIMIT) -> str:
    """A button's title on one line: cut at ``limit`` characters with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def with_user[T](
    tracker: Tracker,
    dispatcher: CollectingDispatcher,
    work: Callable[[Session, User], T],
    *,
    no_user: str = NO_CONSENT,
    failure: str = DB_PROBLEM,
) -> T | None:
    """Run ``work`` in one transaction with the speaker's row. Without that row (no consent)
    or when the database is unreachable, say so kindly (``no_user`` / ``failure``) and
    return None."""
    uid = telegram_user_id(tracker)
    try:
        with transaction(sessions()) as session:
            user = find_user(session, uid) if uid is not None else None
            if user is None:
                dispatcher.utter_message(text=no_user)
                return None
            return work(session, user)
    except SQLAlchemyError:
        log.exception("action %s failed on the database", tracker.latest_action_name)
        dispatcher.utter_message(text=failure)
        return None


class QuietAsk(Action, abc.ABC):
    """A form question; silent right after a validator already asked it back (the
    validator sets ``ask_quietly``)."""

    @abc.abstractmethod
    def name(self) -> str:
        """Abstract: rasa-sdk registers only the concrete subclasses."""

    @abc.abstractmethod
    def ask(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        """Utter the question; return extra events."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        if tracker.get_slot("ask_quietly"):
            return [SlotSet("ask_quietly", None)]
        return self.ask(dispatcher, tracker)
