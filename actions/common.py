"""What every action needs: the database (created on first use) and who is speaking."""

from __future__ import annotations

from functools import cache
from typing import Any

from rasa_sdk import Tracker
from sqlalchemy.orm import Session, sessionmaker

from coach.db import make_engine, make_session_factory
from coach.settings import Settings
from coach.users import telegram_user_id_from_sender

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
    name = " ".join(name.split())[:64]
    return name or None
