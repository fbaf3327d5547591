"""Users, consent, the safety pause and the activity clock of retention."""

from __future__ import annotations

import datetime as dt
from typing import Final

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from coach.models import Reminder, User, utcnow
from coach.safety import CRISIS_PAUSE

#: The reminder kind of the "your inactive account will be erased" notice (coach.retention).
RETENTION_NOTICE: Final = "retention_notice"
#: touch_activity writes at most this often per person while no warning stands: retention
#: counts in months, so an hour's precision costs nothing and spares a write per message.
ACTIVITY_RESOLUTION: Final = dt.timedelta(hours=1)


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
            last_active_at=now or utcnow(),
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


def touch_activity(session: Session, telegram_user_id: int, *, now: dt.datetime) -> bool:
    """Note that the person just wrote to the bot (any message or button counts).

    Cheap on purpose (called for every update): one indexed read, and a write only when
    the stored moment is more than :data:`ACTIVITY_RESOLUTION` old or a retention warning
    stands. Writing back lifts that warning and cancels the notice if it has not left yet.
    Returns True when a warning was lifted (the account is kept), False otherwise —
    including for people who have not consented, about whom nothing is stored.
    """
    row = session.execute(
        select(User.id, User.last_active_at, User.retention_warned_at).where(
            User.telegram_user_id == telegram_user_id
        )
    ).first()
    if row is None:
        return False
    user_id, last_active_at, warned_at = row
    if (
        warned_at is None
        and last_active_at is not None
        and now - last_active_at < ACTIVITY_RESOLUTION
    ):
        return False
    session.execute(
        update(User).where(User.id == user_id).values(last_active_at=now, retention_warned_at=None),
        execution_options={"synchronize_session": False},
    )
    if warned_at is None:
        return False
    session.execute(
        update(Reminder)
        .where(
            Reminder.user_id == user_id,
            Reminder.kind == RETENTION_NOTICE,
            Reminder.status.in_(("pending", "claimed")),
        )
        .values(status="cancelled", last_error="answered", claimed_by=None),
        execution_options={"synchronize_session": False},
    )
    return True
