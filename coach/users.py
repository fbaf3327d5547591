"""Users, consent and the safety pause."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from coach.models import User, utcnow
from coach.safety import CRISIS_PAUSE


def sender_id_for(telegram_user_id: int) -> str:
    """Rasa conversation id of a Telegram user.

    The bot derives it from the authenticated Telegram update, never from message
    content, so nobody can speak in another person's conversation.
    """
    return str(int(telegram_user_id))


def telegram_user_id_from_sender(sender_id: str) -> int | None:
    try:
        return int(sender_id)
    except (TypeError, ValueError):
        return None


def find_user(session: Session, telegram_user_id: int) -> User | None:
    return session.scalars(select(User).where(User.telegram_user_id == telegram_user_id)).first()


def has_consented(session: Session, telegram_user_id: int) -> bool:
    return find_user(session, telegram_user_id) is not None


def give_consent(
    session: Session,
    telegram_user_id: int,
    *,
    first_name: str | None,
    timezone: str,
    now: dt.datetime | None = None,
) -> User:
    """Create the user row: the first thing stored about anyone, and only after consent."""
    user = find_user(session, telegram_user_id)
    if user is None:
        user = User(
            telegram_user_id=telegram_user_id,
            first_name=(first_name or None) and first_name[:128],
            timezone=timezone,
            consent_at=now or utcnow(),
        )
        session.add(user)
        session.flush()
    return user


def record_crisis(
    session: Session, telegram_user_id: int, *, now: dt.datetime | None = None
) -> bool:
    """Remember that the safety answer was given.

    Returns False for people who have not consented: nothing is stored about them.
    """
    user = find_user(session, telegram_user_id)
    if user is None:
        return False
    user.crisis_at = now or utcnow()
    return True


def in_safety_pause(user: User, *, now: dt.datetime | None = None) -> bool:
    if user.crisis_at is None:
        return False
    return (now or utcnow()) - user.crisis_at < CRISIS_PAUSE
