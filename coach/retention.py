"""Retention (SPEC §10): nothing is kept longer than it serves the person.

Three rules, run once a day by :func:`daily_loop` (or ``python -m coach retention``):

1. **Conversation events** in Rasa's tracker store older than 90 days are deleted. What
   matters of a conversation is already in our tables (journal, feedback, goals…); the
   events only carry the dialogue's short-term state.
2. **Inactive accounts are warned.** A person who has not written for 12 months
   (``users.last_active_at``, kept by :func:`coach.users.touch_activity`) gets a notice — a
   plain reminder row, delivered by the dispatcher like any other, quiet hours included —
   saying that the account will be erased in 30 days unless they answer. Any message or
   button press from them is an answer: it lifts the warning and cancels the notice if it
   has not left yet.
3. **Warned accounts are erased** (:func:`coach.privacy.erase_person`) 30 days after the
   notice went out, if the person has not answered. Never without a notice: one that could
   not be delivered for a passing reason (the bot was down and it went stale, a network
   error) is sent again and the 30 days start over; only when Telegram says the person
   cannot be reached (they blocked the bot, the chat is gone) do the 30 days run from the
   warning itself. A notice still waiting (quiet hours, a safety pause, the bot down) holds the
   erasure back.

Every step is idempotent and safe with several bot processes running it at once: a warning
is claimed by a conditional UPDATE, and erasure can be repeated.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final, Literal

from sqlalchemy import ColumnElement, CursorResult, and_, func, select, text, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from coach.db import transaction
from coach.models import Reminder, User, utcnow
from coach.privacy import Tracker, erase_person, tracker_connection, tracker_engine
from coach.reminders import apply_quiet_hours, user_zone
from coach.users import RETENTION_NOTICE

__all__ = [
    "ACCOUNT_KEPT",
    "EVENTS_KEPT_FOR",
    "INACTIVE_AFTER",
    "NOTICE_TEXT",
    "RETENTION_NOTICE",
    "WARNING_PERIOD",
    "RetentionReport",
    "daily_loop",
    "erase_unanswered",
    "prune_tracker",
    "run_retention",
    "warn_inactive",
]

log = logging.getLogger(__name__)

EVENTS_KEPT_FOR: Final = dt.timedelta(days=90)
INACTIVE_AFTER: Final = dt.timedelta(days=365)
WARNING_PERIOD: Final = dt.timedelta(days=30)
#: Tracker rows deleted per transaction: short write locks, so Rasa (which shares the
#: SQLite file in the local setup) never waits long behind the pruning.
PRUNE_BATCH: Final = 5_000
DAILY: Final = dt.timedelta(days=1)

#: The notice, shown after the dispatcher's « Petit rappel : ».
NOTICE_TEXT: Final = (
    "cela fait un an que nous n'avons pas échangé. Pour ne rien garder plus longtemps que "
    "nécessaire, j'effacerai dans 30 jours votre compte et tout ce que vous m'avez confié. "
    "Vous souhaitez le garder ? Écrivez-moi simplement, n'importe quel message suffit. "
    "Sinon, vous n'avez rien à faire ; d'ici là, /export vous envoie vos données."
)
#: What the bot may say when a message lifted the warning (touch_activity returned True).
ACCOUNT_KEPT: Final = (
    "Merci de votre message : je garde votre compte et tout ce que vous m'avez confié. "
    "Quel plaisir de vous retrouver !"
)

_UPCOMING: Final = ("pending", "claimed", "sending")
# A failed notice with one of these errors can never reach the person (bot blocked, chat
# gone) or maybe reached them (unknown outcome): waiting longer would change nothing.
_UNREACHABLE: Final = frozenset({"Forbidden", "BadRequest", "unknown_delivery"})


@dataclass
class RetentionReport:
    """Counts only (never who): what one run did."""

    tracker_events_pruned: int = 0
    warned: int = 0  # notices scheduled, including ones sent again
    erased: int = 0
    waiting: int = 0  # warned accounts whose notice has not gone out (or not 30 days ago)
    errors: list[str] = field(default_factory=list)  # error class names, per failed step


def _last_seen() -> ColumnElement[dt.datetime]:
    """When the person was last active; ``consent_at`` for rows written before 0009."""
    return func.coalesce(User.last_active_at, User.consent_at)


def prune_tracker(tracker: Tracker, *, now: dt.datetime) -> int:
    """Delete every tracker event older than :data:`EVENTS_KEPT_FOR`; returns the count."""
    cutoff = (now - EVENTS_KEPT_FOR).timestamp()
    statement = text(
        "DELETE FROM events WHERE id IN "
        "(SELECT id FROM events WHERE timestamp < :cutoff ORDER BY id LIMIT :batch)"
    )
    total = 0
    with tracker_engine(tracker) as engine:
        while True:
            with tracker_connection(engine, write=True) as connection:
                if connection is None:
                    return total
                result = connection.execute(statement, {"cutoff": cutoff, "batch": PRUNE_BATCH})
                deleted = int(result.rowcount or 0)
            total += deleted
            if deleted < PRUNE_BATCH:
                return total


def warn_inactive(session_factory: sessionmaker[Session], *, now: dt.datetime) -> int:
    """Schedule the notice for every account inactive for :data:`INACTIVE_AFTER` and not
    warned yet; returns how many. Also cancels notices left for people who came back."""
    cutoff = now - INACTIVE_AFTER
    with transaction(session_factory) as session:
        _cancel_answered_notices(session)
        candidates = session.scalars(
            select(User.id).where(
                User.retention_warned_at.is_(None),
                _last_seen() <= cutoff,
            )
        ).all()
    warned = 0
    for user_id in candidates:
        with transaction(session_factory) as session:
            warned += _warn(session, user_id, now=now, still_inactive_since=cutoff)
    return warned


def _cancel_answered_notices(session: Session) -> int:
    # A notice snoozed with its « Demain » button just before the person's answer lifted
    # the warning would otherwise go out after all.
    result = session.execute(
        update(Reminder)
        .where(
            Reminder.kind == RETENTION_NOTICE,
            Reminder.status.in_(("pending", "claimed")),
            Reminder.user_id.in_(select(User.id).where(User.retention_warned_at.is_(None))),
        )
        .values(status="cancelled", last_error="answered", claimed_by=None),
        execution_options={"synchronize_session": False},
    )
    assert isinstance(result, CursorResult)
    return int(result.rowcount or 0)


def _warn(
    session: Session,
    user_id: int,
    *,
    now: dt.datetime,
    still_inactive_since: dt.datetime | None = None,
    previous: dt.datetime | None = None,
) -> int:
    """Claim the warning (one process wins) and schedule the notice; 1 if done, else 0."""
    condition = (
        User.retention_warned_at.is_(None)
        if previous is None
        else User.retention_warned_at == previous
    )
    if still_inactive_since is not None:
        condition = and_(condition, _last_seen() <= still_inactive_since)
    result = session.execute(
        update(User).where(User.id == user_id, condition).values(retention_warned_at=now),
        execution_options={"synchronize_session": False},
    )
    assert isinstance(result, CursorResult)
    if result.rowcount != 1:
        return 0
    user = session.get(User, user_id)
    assert user is not None
    session.refresh(user)
    if RETENTION_NOTICE in (user.muted_kinds or []):
        # « Plus de rappels de ce type » must never silence the notice before an erasure.
        user.muted_kinds = [kind for kind in user.muted_kinds if kind != RETENTION_NOTICE]
    due = apply_quiet_hours(
        now, tz=user_zone(user), quiet_start=user.quiet_start, quiet_end=user.quiet_end
    )
    session.add(
        Reminder(
            user_id=user_id,
            kind=RETENTION_NOTICE,
            due_at=due,
            payload={"text": NOTICE_TEXT},
            status="pending",
            attempts=0,
        )
    )
    session.flush()
    return 1


Verdict = Literal["erase", "wait", "warn_again"]


def _verdict(notice: Reminder | None, warned_at: dt.datetime, now: dt.datetime) -> Verdict:
    """What to do with an account warned at least WARNING_PERIOD ago (see module doc)."""
    if notice is None:
        return "warn_again"  # never erase someone who was not told
    if notice.status in _UPCOMING:
        return "wait"
    if notice.status == "sent":
        sent_at = notice.sent_at or warned_at
        return "erase" if now - sent_at >= WARNING_PERIOD else "wait"
    if notice.status == "failed" and notice.last_error in _UNREACHABLE:
        return "erase"
    return "warn_again"  # expired, cancelled, or failed for a passing reason


def erase_unanswered(
    session_factory: sessionmaker[Session],
    tracker: Tracker,
    *,
    now: dt.datetime,
    report: RetentionReport | None = None,
) -> RetentionReport:
    """Erase the accounts whose notice went unanswered for :data:`WARNING_PERIOD`."""
    report = report if report is not None else RetentionReport()
    with session_factory() as session:
        warned = session.execute(
            select(User.id, User.telegram_user_id, User.retention_warned_at).where(
                User.retention_warned_at <= now - WARNING_PERIOD
            )
        ).all()
    for user_id, telegram_user_id, warned_at in warned:
        try:
            with transaction(session_factory) as session:
                verdict = _current_verdict(session, user_id, warned_at, now)
                if verdict == "warn_again":
                    report.warned += _warn(session, user_id, now=now, previous=warned_at)
                elif verdict == "wait":
                    report.waiting += 1
            if verdict == "erase":
                erase_person(session_factory, tracker, telegram_user_id)
                report.erased += 1
        except SQLAlchemyError as error:
            log.error("retention: could not close one account (%s)", type(error).__name__)
            report.errors.append(type(error).__name__)
    return report


def _current_verdict(
    session: Session, user_id: int, warned_at: dt.datetime, now: dt.datetime
) -> Verdict | None:
    """The verdict, or None when the person answered since the candidates were read."""
    user = session.get(User, user_id)
    if user is None or user.retention_warned_at != warned_at:
        return None
    if user.last_active_at is not None and user.last_active_at >= warned_at:
        return None
    notice = session.scalars(
        select(Reminder)
        .where(Reminder.user_id == user_id, Reminder.kind == RETENTION_NOTICE)
        .order_by(Reminder.id.desc())
        .limit(1)
    ).first()
    return _verdict(notice, warned_at, now)


def run_retention(
    session_factory: sessionmaker[Session], tracker: Tracker, *, now: dt.datetime
) -> RetentionReport:
    """The three rules, in order; a failing step is reported and does not stop the others.

    Blocking (database): call through ``asyncio.to_thread`` from async code.
    """
    if now.tzinfo is None:
        raise ValueError("naive datetimes are ambiguous: pass an aware datetime")
    report = RetentionReport()
    try:
        report.tracker_events_pruned = prune_tracker(tracker, now=now)
    except SQLAlchemyError as error:
        log.error("retention: tracker pruning failed (%s)", type(error).__name__)
        report.errors.append(type(error).__name__)
    try:
        report.warned += warn_inactive(session_factory, now=now)
    except SQLAlchemyError as error:
        log.error("retention: warning inactive accounts failed (%s)", type(error).__name__)
        report.errors.append(type(error).__name__)
    try:
        erase_unanswered(session_factory, tracker, now=now, report=report)
    except SQLAlchemyError as error:
        log.error("retention: erasing unanswered accounts failed (%s)", type(error).__name__)
        report.errors.append(type(error).__name__)
    return report


async def daily_loop(
    session_factory: sessionmaker[Session],
    tracker: Tracker,
    stop: asyncio.Event,
    *,
    clock: Callable[[], dt.datetime] = utcnow,
    every: dt.timedelta = DAILY,
    first_after: dt.timedelta = dt.timedelta(minutes=1),
    retry_after: dt.timedelta = dt.timedelta(hours=1),
) -> None:
    """Run :func:`run_retention` ``first_after`` the start, then every ``every``, until
    ``stop`` is set; a run with errors is tried again after ``retry_after``. Never raises
    for a database problem (it logs counts and error class names only)."""
    delay = first_after
    while not stop.is_set():
        try:
            await asyncio.wait_for(stop.wait(), timeout=delay.total_seconds())
            return
        except TimeoutError:
            pass
        try:
            report = await asyncio.to_thread(run_retention, session_factory, tracker, now=clock())
        except Exception as error:  # the loop must survive anything a run throws
            log.error("retention run failed (%s)", type(error).__name__)
            delay = retry_after
            continue
        log.info(
            "retention: %d tracker events pruned, %d warned, %d erased, %d waiting",
            report.tracker_events_pruned,
            report.warned,
            report.erased,
            report.waiting,
        )
        delay = retry_after if report.errors else every
