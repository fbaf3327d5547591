"""Reminders: when they are delivered, what the buttons do, and the rows' life cycle.

Everything here is either pure (instants, quiet hours, the dispatch decision) or takes a
``Session`` (scheduling, listing, the buttons, and the claim / mark steps the dispatcher in
``bot.dispatcher`` runs). Nothing here talks to Telegram or Rasa.

Time
----
Instants are stored in UTC and computed in the user's timezone (``User.timezone``, default
Europe/Paris). Day arithmetic is done on local dates and wall-clock times, so "demain à
10 h" or "Demain" on the button stays 10 h 00 local across a daylight-saving change.

Quiet hours (default 21:00–08:30 local, ``User.quiet_start`` / ``quiet_end``; equal values
mean none) postpone delivery to the end of the quiet window. They are applied twice: when
a reminder is scheduled (so the confirmation shows the real time) and again by the
dispatcher (the user may have changed them since).

One kind ignores them (:data:`QUIET_HOURS_EXEMPT`): ``interview_soon``, the message one hour
before an interview (``coach.pipeline``). The person chose that appointment, so they are up
an hour before it; and held to 08:30 it would come 30 minutes before a 9 h interview and after
an 8 h one. It is still held by the safety pause, and its short stale limit (below) drops it
rather than send it once the interview is about to start.

Business days
-------------
Reminders the coach computes for work to do — ``feedback_request``, ``follow_up``,
``milestone`` (goal steps and reviews), and for applications in progress
``application_follow_up`` (relancer) and ``application_silence`` (close it?) — land on a
business day (Monday to Friday minus French public holidays, ``coach.timing``): one that
would fall on a Saturday morning moves to Monday at the same local time. What the person
asked for in words (« rappelle-moi samedi », « on en reparle demain », the "Demain" button,
the weekly check-in day they chose) is kept as they said it.

Held back, never dropped
------------------------
At dispatch time (:func:`dispatch_decision`), in this order:

1. a kind the user muted ("Plus de rappels de ce type") → ``cancelled``, last_error "muted";
2. stale (see below) → ``expired``, last_error "stale";
3. the user asked for a crisis answer less than 24 h ago (``coach.users.in_safety_pause``)
   → held until the end of the pause (then quiet hours apply);
4. inside quiet hours → held until they end;
5. otherwise it is sent. Reminders of a user who paused them all are not even claimed;
   :func:`resume_all` brings back those that came due meanwhile.

Stale policy
------------
A reminder whose ready time (``due_at``, or ``next_attempt_at`` when a retry or a hold
moved it) lies further in the past than its limit when a dispatcher finally sees it — the
bot was down — is not sent: it becomes ``expired`` (shown as such in /export). Otherwise it
is sent late, and ``ReminderSnapshot.late`` (more than 15 minutes after ``due_at``) lets the
bot say so ("avec un peu de retard").

- 72 h for tasks — ``custom``, ``follow_up``, ``feedback_request``, ``milestone``: still worth
  doing days later, so they are said late, including the feedback-request reminder that opens
  a conversation (the timing plan leaves a window of about two weeks);
- 12 h for ``resume_tomorrow`` ("on en reparle demain") and ``weekly_reflection``: they are
  about a moment; opening that conversation a day late, out of the blue, does more harm than
  good, and the next check-in is already scheduled.

Applications in progress (``coach.pipeline``; payload ``{"application_id": N}``):

- 72 h for ``application_follow_up`` and ``application_silence``: tasks, still worth it late;
- 12 h for ``interview_prep`` (the day before at 10:00): said by the evening at the latest,
  never on the morning of the interview, when the one-hour reminder takes over;
- 45 min for ``interview_soon`` (one hour before): never later than 15 minutes before the
  interview starts — after that it would only add stress;
- 24 h for ``interview_debrief`` (the day after at 10:00): two days on, the details have
  faded and the thank-you note is late; the journal stays open anyway.

Delivery states
---------------
``pending`` → ``claimed`` (a dispatcher took it in a batch; ``claimed_by`` / ``claimed_at``
are its lease) → ``sending`` (committed right before the Telegram call) → ``sent``; or
``cancelled``, ``expired``, ``failed``. A ``claimed`` row whose lease ran out
(:data:`CLAIM_LEASE`) was never handed to Telegram and goes back to ``pending``. A
``sending`` row whose lease ran out (:data:`SENDING_LEASE`) belonged to a dispatcher that died
between the Telegram call and the commit: nobody can know whether Telegram delivered it, so
it is never sent again (at most once) and becomes ``failed`` with last_error
"unknown_delivery" — see ``bot.dispatcher`` for what that guarantees.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import CursorResult, Update, and_, exists, or_, select, text, update
from sqlalchemy.orm import Session, aliased

from coach.language.times import format_fr, local_datetime
from coach.models import Reminder, User
from coach.safety import CRISIS_PAUSE
from coach.timing import business_day_on_or_after
from coach.users import RETENTION_NOTICE, in_safety_pause

__all__ = [
    "BUSINESS_DAY_KINDS",
    "CLAIM_LEASE",
    "DEFAULT_TZ",
    "KINDS",
    "KIND_LABELS",
    "QUIET_HOURS_EXEMPT",
    "REFLECTION_INTENT",
    "SENDING_LEASE",
    "STALE_AFTER",
    "ButtonAnswer",
    "ClaimResult",
    "DispatchDecision",
    "ReapReport",
    "ReminderSnapshot",
    "apply_quiet_hours",
    "begin_sending",
    "cancel",
    "cancel_kind",
    "claim_due",
    "describe",
    "disable_weekly_reflection",
    "dispatch_decision",
    "in_quiet_hours",
    "list_upcoming",
    "mark_done",
    "mark_failed",
    "mark_retry",
    "mark_sent",
    "mute",
    "next_weekly_occurrence",
    "on_business_day",
    "pause_all",
    "ready_at",
    "reap_expired_leases",
    "release",
    "resume_all",
    "schedule",
    "set_quiet_hours",
    "set_weekly_reflection",
    "snooze",
    "snooze_instant",
    "stale_limit",
    "unmute_kind",
    "user_day",
    "user_zone",
]

DEFAULT_TZ: Final = "Europe/Paris"
#: Kinds whose day the coach computes: moved to a business day unless the person asked.
BUSINESS_DAY_KINDS: Final = frozenset(
    {"feedback_request", "follow_up", "milestone", "application_follow_up", "application_silence"}
)
#: Kinds delivered even inside quiet hours (see the module docstring).
QUIET_HOURS_EXEMPT: Final = frozenset({"interview_soon"})
KINDS: Final = frozenset(
    {
        "feedback_request",
        "follow_up",
        "weekly_reflection",
        "milestone",
        "resume_tomorrow",
        "custom",
        # Applications in progress (coach.pipeline).
        "application_follow_up",
        "interview_prep",
        "interview_soon",
        "interview_debrief",
        "application_silence",
    }
)
KIND_LABELS: Final[Mapping[str, str]] = {
    "feedback_request": "demande de retour",
    "follow_up": "relance",
    "weekly_reflection": "bilan de la semaine",
    "milestone": "étapes de vos objectifs",
    "resume_tomorrow": "reprise de conversation",
    "custom": "rappels personnels",
    "application_follow_up": "relances de candidature",
    "interview_prep": "préparation d'entretien",
    "interview_soon": "rappel une heure avant l'entretien",
    "interview_debrief": "débrief d'entretien",
    "application_silence": "candidatures sans nouvelles",
}
# Intent triggered in Rasa by the weekly check-in (the dialogue asks the questions).
REFLECTION_INTENT: Final = "EXTERNAL_weekly_reflection"

PENDING: Final = "pending"
CLAIMED: Final = "claimed"
SENDING: Final = "sending"
SENT: Final = "sent"
CANCELLED: Final = "cancelled"
EXPIRED: Final = "expired"
FAILED: Final = "failed"
UPCOMING: Final = (PENDING, CLAIMED, SENDING)
UNKNOWN_DELIVERY: Final = "unknown_delivery"

STALE_AFTER: Final[Mapping[str, dt.timedelta]] = {
    "custom": dt.timedelta(hours=72),
    "follow_up": dt.timedelta(hours=72),
    "feedback_request": dt.timedelta(hours=72),
    "milestone": dt.timedelta(hours=72),
    "resume_tomorrow": dt.timedelta(hours=12),
    "weekly_reflection": dt.timedelta(hours=12),
    "application_follow_up": dt.timedelta(hours=72),
    "application_silence": dt.timedelta(hours=72),
    "interview_prep": dt.timedelta(hours=12),
    "interview_soon": dt.timedelta(minutes=45),
    "interview_debrief": dt.timedelta(hours=24),
}
DEFAULT_STALE_AFTER: Final = dt.timedelta(hours=12)
LATE_NOTICE_AFTER: Final = dt.timedelta(minutes=15)
CLAIM_LEASE: Final = dt.timedelta(seconds=20)
SENDING_LEASE: Final = dt.timedelta(minutes=5)


# --------------------------------------------------------------------------- pure rules


def user_day(user: User | None, moment: dt.datetime) -> dt.date:
    """The calendar day ``moment`` falls on, in the user's timezone."""
    return moment.astimezone(user_zone(user)).date()


def user_zone(user: User | None) -> ZoneInfo:
    """The user's timezone, Europe/Paris when unknown or invalid."""
    name = (user.timezone if user is not None else None) or DEFAULT_TZ
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TZ)


def in_quiet_hours(local: dt.time, start: dt.time, end: dt.time) -> bool:
    """Whether a local wall-clock time falls in the quiet window [start, end)."""
    local = local.replace(tzinfo=None)
    if start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end


def apply_quiet_hours(
    moment: dt.datetime, *, tz: dt.tzinfo, quiet_start: dt.time, quiet_end: dt.time
) -> dt.datetime:
    """``moment`` (aware) moved to the end of the quiet window it falls in; UTC."""
    local = moment.astimezone(tz)
    if not in_quiet_hours(local.time(), quiet_start, quiet_end):
        return moment.astimezone(dt.UTC)
    day = local.date()
    if quiet_start > quiet_end and local.time().replace(tzinfo=None) >= quiet_start:
        day += dt.timedelta(days=1)  # evening part of a window that spans midnight
    return local_datetime(day, quiet_end, tz).astimezone(dt.UTC)


def _quiet(user: User, moment: dt.datetime) -> dt.datetime:
    return apply_quiet_hours(
        moment, tz=user_zone(user), quiet_start=user.quiet_start, quiet_end=user.quiet_end
    )


def on_business_day(
    moment: dt.datetime, *, tz: dt.tzinfo, subdiv: str | None = None
) -> dt.datetime:
    """``moment`` (aware) moved to the next business day at the same local time; UTC."""
    local = moment.astimezone(tz)
    day = business_day_on_or_after(local.date(), subdiv)
    if day == local.date():
        return moment.astimezone(dt.UTC)
    return local_datetime(day, local.time().replace(tzinfo=None), tz).astimezone(dt.UTC)


def snooze_instant(
    due_at: dt.datetime,
    now: dt.datetime,
    *,
    tz: dt.tzinfo,
    quiet_start: dt.time,
    quiet_end: dt.time,
) -> dt.datetime:
    """ "Demain": tomorrow (from ``now``) at the reminder's local wall-clock time; UTC."""
    wall = due_at.astimezone(tz).time().replace(tzinfo=None)
    tomorrow = now.astimezone(tz).date() + dt.timedelta(days=1)
    moment = local_datetime(tomorrow, wall, tz)
    return apply_quiet_hours(moment, tz=tz, quiet_start=quiet_start, quiet_end=quiet_end)


def next_weekly_occurrence(
    now: dt.datetime, *, weekday: int, hour: int, tz: dt.tzinfo
) -> dt.datetime:
    """The first ``weekday`` (0 = Monday) at ``hour``:00 local strictly after ``now``; UTC."""
    if not 0 <= weekday <= 6 or not 0 <= hour <= 23:
        raise ValueError("weekday must be in 0..6 and hour in 0..23")
    today = now.astimezone(tz).date()
    day = today + dt.timedelta(days=(weekday - today.weekday()) % 7)
    moment = local_datetime(day, dt.time(hour), tz)
    if moment <= now:
        moment = local_datetime(day + dt.timedelta(days=7), dt.time(hour), tz)
    return moment.astimezone(dt.UTC)


def stale_limit(kind: str) -> dt.timedelta:
    return STALE_AFTER.get(kind, DEFAULT_STALE_AFTER)


def ready_at(reminder: Reminder) -> dt.datetime:
    """When the reminder became sendable: its due time, or later if a retry or hold moved it."""
    if reminder.next_attempt_at is not None and reminder.next_attempt_at > reminder.due_at:
        return reminder.next_attempt_at
    return reminder.due_at


@dataclass(frozen=True)
class DispatchDecision:
    action: Literal["send", "hold", "expire", "cancel"]
    until: dt.datetime | None = None  # for "hold"
    reason: str | None = None  # short code, stored in last_error for expire / cancel


def dispatch_decision(reminder: Reminder, user: User, now: dt.datetime) -> DispatchDecision:
    """What the dispatcher does with a due reminder right now (see the module docstring)."""
    if reminder.kind in (user.muted_kinds or []):
        return DispatchDecision("cancel", reason="muted")
    if now - ready_at(reminder) > stale_limit(reminder.kind):
        return DispatchDecision("expire", reason="stale")
    if in_safety_pause(user, now=now) and user.crisis_at is not None:
        return DispatchDecision("hold", until=_quiet(user, user.crisis_at + CRISIS_PAUSE))
    release_at = now if reminder.kind in QUIET_HOURS_EXEMPT else _quiet(user, now)
    if release_at > now:
        return DispatchDecision("hold", until=release_at)
    return DispatchDecision("send")


@dataclass(frozen=True)
class ReminderSnapshot:
    """What the dispatcher hands to ``deliver``: plain data, no session attached."""

    id: int
    user_id: int
    chat_id: int  # the user's Telegram id (their private chat with the bot)
    kind: str
    payload: Mapping[str, Any]
    due_at: dt.datetime
    attempts: int
    late_by: dt.timedelta
    timezone: str = DEFAULT_TZ
    #: Why the previous attempt did not go out (the dispatcher reads its Rasa-outage streak).
    last_error: str | None = None

    @property
    def text(self) -> str | None:
        value = self.payload.get("text")
        return value if isinstance(value, str) and value.strip() else None

    @property
    def intent(self) -> str | None:
        """Set for reminders that open a conversation: trigger this intent in Rasa."""
        value = self.payload.get("intent")
        return value if isinstance(value, str) and value else None

    @property
    def entities(self) -> dict[str, Any]:
        value = self.payload.get("entities")
        return dict(value) if isinstance(value, dict) else {}

    @property
    def late(self) -> bool:
        return self.late_by > LATE_NOTICE_AFTER


def describe(reminder: Reminder, *, tz: dt.tzinfo, now: dt.datetime | None = None) -> str:
    """One line for /rappels: "vendredi 27 novembre à 10 h 00 — relancer Decathlon"."""
    when = format_fr(reminder.due_at.astimezone(tz), now=now)
    text = (reminder.payload or {}).get("text")
    label = text if isinstance(text, str) and text.strip() else KIND_LABELS.get(reminder.kind)
    return f"{when} — {label}" if label else when


# --------------------------------------------------------------------------- user side


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown reminder kind: {kind!r}")


def _aware(moment: dt.datetime) -> None:
    if moment.tzinfo is None:
        raise ValueError("naive datetimes are ambiguous: pass an aware datetime")


def schedule(
    session: Session,
    user: User,
    kind: str,
    due_at: dt.datetime,
    *,
    now: dt.datetime,
    payload: Mapping[str, Any] | None = None,
    requested_by_user: bool = False,
    business_day: bool | None = None,
    subdiv: str | None = None,
) -> Reminder | None:
    """Store a reminder for ``due_at`` (moved out of quiet hours unless its kind is in
    :data:`QUIET_HOURS_EXEMPT`; never before ``now``).

    Returns None, storing nothing, when the user muted this kind — unless the user asked
    for it in person (``requested_by_user``), which lifts the mute for that kind. The
    returned row's ``due_at`` is what to confirm to the user. ``business_day`` (by default:
    a kind of :data:`BUSINESS_DAY_KINDS` not asked for in person) moves a weekend or public
    holiday to the next business day, same local time (``subdiv``: regional holidays).
    """
    _check_kind(kind)
    _aware(due_at)
    _aware(now)
    if kind in (user.muted_kinds or []):
        if not requested_by_user:
            return None
        unmute_kind(session, user, kind)
    due = max(due_at, now)
    if kind not in QUIET_HOURS_EXEMPT:
        due = _quiet(user, due)
    if business_day is None:
        business_day = kind in BUSINESS_DAY_KINDS and not requested_by_user
    if business_day:
        due = on_business_day(due, tz=user_zone(user), subdiv=subdiv)
    reminder = Reminder(
        user_id=user.id,
        kind=kind,
        due_at=due,
        payload=dict(payload or {}),
        status=PENDING,
        attempts=0,
    )
    session.add(reminder)
    session.flush()
    return reminder


def list_upcoming(session: Session, user: User, *, limit: int = 20) -> list[Reminder]:
    """The user's reminders still to come, soonest first."""
    return list(
        session.scalars(
            select(Reminder)
            .where(Reminder.user_id == user.id, Reminder.status.in_(UPCOMING))
            .order_by(Reminder.due_at, Reminder.id)
            .limit(limit)
        )
    )


def _rowcount(session: Session, statement: Update) -> int:
    session.flush()
    result = session.execute(statement, execution_options={"synchronize_session": False})
    assert isinstance(result, CursorResult)
    return int(result.rowcount or 0)


def cancel(session: Session, user: User, reminder_id: int) -> bool:
    """Cancel one of the user's own reminders if it has not started sending."""
    cancelled = _rowcount(
        session,
        update(Reminder)
        .where(
            Reminder.id == reminder_id,
            Reminder.user_id == user.id,
            Reminder.status.in_((PENDING, CLAIMED)),
        )
        .values(status=CANCELLED, last_error="user", claimed_by=None),
    )
    session.expire_all()
    return cancelled == 1


def pause_all(session: Session, user: User) -> int:
    """Stop delivering the user's reminders until :func:`resume_all`; returns how many wait."""
    user.reminders_paused = True
    session.flush()
    return len(list_upcoming(session, user, limit=10_000))


def resume_all(session: Session, user: User, *, now: dt.datetime) -> list[Reminder]:
    """Deliver again. Reminders that came due during the pause are rescheduled to now
    (out of quiet hours) — the weekly check-in to its next occurrence — and returned."""
    user.reminders_paused = False
    moved: list[Reminder] = []
    for reminder in list_upcoming(session, user, limit=10_000):
        if reminder.status != PENDING or ready_at(reminder) > now:
            continue
        if reminder.kind == "weekly_reflection" and _reflection_slot(user) is not None:
            reminder.due_at = _next_reflection(user, now)
            reminder.next_attempt_at = None
        else:
            reminder.next_attempt_at = _quiet(user, now)
        moved.append(reminder)
    session.flush()
    return moved


def set_quiet_hours(session: Session, user: User, start: dt.time, end: dt.time) -> int:
    """Change the quiet window; pending reminders inside it are moved to its end."""
    user.quiet_start, user.quiet_end = start.replace(tzinfo=None), end.replace(tzinfo=None)
    moved = 0
    for reminder in list_upcoming(session, user, limit=10_000):
        if reminder.status != PENDING or reminder.kind in QUIET_HOURS_EXEMPT:
            continue
        later = _quiet(user, reminder.due_at)
        if later != reminder.due_at:
            reminder.due_at = later
            moved += 1
    session.flush()
    return moved


def unmute_kind(session: Session, user: User, kind: str) -> None:
    # A new list, so that SQLAlchemy sees the JSON column change.
    user.muted_kinds = [k for k in (user.muted_kinds or []) if k != kind]
    session.flush()


def _reflection_slot(user: User) -> tuple[int, int] | None:
    if user.reflection_weekday is None or user.reflection_hour is None:
        return None
    return user.reflection_weekday, user.reflection_hour


def _next_reflection(user: User, now: dt.datetime) -> dt.datetime:
    slot = _reflection_slot(user)
    assert slot is not None
    moment = next_weekly_occurrence(now, weekday=slot[0], hour=slot[1], tz=user_zone(user))
    return _quiet(user, moment)


def cancel_kind(session: Session, user: User, kind: str, reason: str = "replaced") -> int:
    """Cancel the user's pending reminders of ``kind``; returns how many."""
    _check_kind(kind)
    return _cancel_kind(session, user, kind, reason)


def _cancel_kind(session: Session, user: User, kind: str, reason: str) -> int:
    count = _rowcount(
        session,
        update(Reminder)
        .where(
            Reminder.user_id == user.id,
            Reminder.kind == kind,
            Reminder.status.in_((PENDING, CLAIMED)),
        )
        .values(status=CANCELLED, last_error=reason, claimed_by=None),
    )
    session.expire_all()
    return count


def set_weekly_reflection(
    session: Session, user: User, *, weekday: int, hour: int, now: dt.datetime
) -> Reminder:
    """Opt in to the weekly check-in (0 = Monday, local hour); schedules the next one."""
    next_weekly_occurrence(now, weekday=weekday, hour=hour, tz=user_zone(user))  # validates
    user.reflection_weekday, user.reflection_hour = weekday, hour
    _cancel_kind(session, user, "weekly_reflection", "rescheduled")
    reminder = schedule(
        session,
        user,
        "weekly_reflection",
        _next_reflection(user, now),
        now=now,
        payload={"intent": REFLECTION_INTENT},
        requested_by_user=True,
    )
    assert reminder is not None
    return reminder


def disable_weekly_reflection(session: Session, user: User) -> int:
    """Opt out of the weekly check-in; returns how many pending check-ins were cancelled."""
    user.reflection_weekday = user.reflection_hour = None
    return _cancel_kind(session, user, "weekly_reflection", "user")


def _schedule_next_reflection(session: Session, user_id: int, now: dt.datetime) -> None:
    """Keep the weekly chain going once a check-in row is closed (sent, expired, failed)."""
    user = session.get(User, user_id)
    if user is None or _reflection_slot(user) is None:
        return
    waiting = session.scalar(
        select(Reminder.id).where(
            Reminder.user_id == user_id,
            Reminder.kind == "weekly_reflection",
            Reminder.status.in_(UPCOMING),
        )
    )
    if waiting is None:
        schedule(
            session,
            user,
            "weekly_reflection",
            _next_reflection(user, now),
            now=now,
            payload={"intent": REFLECTION_INTENT},
        )


# --------------------------------------------------------------------------- buttons


@dataclass(frozen=True)
class ButtonAnswer:
    """What a button press did, for the bot to confirm in French."""

    outcome: Literal["done", "snoozed", "muted", "already", "unknown"]
    kind: str | None = None
    due_at: dt.datetime | None = None  # the new time after "Demain"
    cancelled: int = 0  # pending reminders of that kind cancelled by "Plus de rappels"
    reminder_id: int | None = None


def _own(session: Session, user: User, reminder_id: int) -> Reminder | None:
    reminder = session.get(Reminder, reminder_id)
    if reminder is None or reminder.user_id != user.id:
        return None
    return reminder


def _snoozed_copies(session: Session, user: User, reminder_id: int) -> list[Reminder]:
    return [
        r
        for r in list_upcoming(session, user, limit=10_000)
        if (r.payload or {}).get("snoozed_from") == reminder_id
    ]


def mark_done(session: Session, user: User, reminder_id: int) -> ButtonAnswer:
    """ "Fait": the reminder is acknowledged; a copy snoozed from it earlier is cancelled."""
    reminder = _own(session, user, reminder_id)
    if reminder is None:
        return ButtonAnswer("unknown")
    if reminder.response == "done":
        return ButtonAnswer("already", kind=reminder.kind, reminder_id=reminder.id)
    for copy in _snoozed_copies(session, user, reminder.id):
        cancel(session, user, copy.id)
    if reminder.status in (PENDING, CLAIMED):
        cancel(session, user, reminder.id)
    session.refresh(reminder)
    reminder.response = "done"
    session.flush()
    return ButtonAnswer("done", kind=reminder.kind, reminder_id=reminder.id)


def snooze(session: Session, user: User, reminder_id: int, *, now: dt.datetime) -> ButtonAnswer:
    """ "Demain": the same reminder again tomorrow at the same local time (out of quiet hours).

    A delivered reminder gets a new row (each row is sent at most once, ever); one not yet
    sent is simply moved. Pressing twice does not create two.
    """
    reminder = _own(session, user, reminder_id)
    if reminder is None:
        return ButtonAnswer("unknown")
    zone = user_zone(user)
    due = snooze_instant(
        reminder.due_at, now, tz=zone, quiet_start=user.quiet_start, quiet_end=user.quiet_end
    )
    if reminder.response == "snoozed":
        copies = _snoozed_copies(session, user, reminder.id)
        return ButtonAnswer(
            "already",
            kind=reminder.kind,
            due_at=copies[0].due_at if copies else None,
            reminder_id=copies[0].id if copies else None,
        )
    if reminder.status in (PENDING, CLAIMED):
        moved = _rowcount(
            session,
            update(Reminder)
            .where(Reminder.id == reminder.id, Reminder.status.in_((PENDING, CLAIMED)))
            .values(status=PENDING, due_at=due, next_attempt_at=None, claimed_by=None),
        )
        session.expire_all()
        if moved == 1:
            return ButtonAnswer("snoozed", kind=reminder.kind, due_at=due, reminder_id=reminder.id)
        session.refresh(reminder)
        if reminder.status in UPCOMING:
            return ButtonAnswer("already", kind=reminder.kind, reminder_id=reminder.id)
    copy = Reminder(
        user_id=user.id,
        kind=reminder.kind,
        due_at=due,
        payload={**(reminder.payload or {}), "snoozed_from": reminder.id},
        status=PENDING,
        attempts=0,
    )
    session.add(copy)
    reminder.response = "snoozed"
    session.flush()
    return ButtonAnswer("snoozed", kind=reminder.kind, due_at=due, reminder_id=copy.id)


def mute(session: Session, user: User, reminder_id: int) -> ButtonAnswer:
    """ "Plus de rappels de ce type": mute the kind and cancel the pending ones of that kind."""
    reminder = _own(session, user, reminder_id)
    if reminder is None:
        return ButtonAnswer("unknown")
    kind = reminder.kind
    if kind not in (user.muted_kinds or []):
        user.muted_kinds = [*(user.muted_kinds or []), kind]
    if kind == "weekly_reflection":
        user.reflection_weekday = user.reflection_hour = None
    cancelled = _cancel_kind(session, user, kind, "muted")
    session.refresh(reminder)
    reminder.response = "muted"
    session.flush()
    return ButtonAnswer("muted", kind=kind, cancelled=cancelled, reminder_id=reminder.id)


# --------------------------------------------------------------------------- dispatcher side


def begin_write(session: Session) -> None:
    """On SQLite, take the write lock first so that two dispatchers never claim together
    (PostgreSQL uses row locks with SKIP LOCKED instead)."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    raw = connection.connection.dbapi_connection
    if raw is not None and not getattr(raw, "in_transaction", True):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


@dataclass
class ClaimResult:
    claimed: list[ReminderSnapshot] = field(default_factory=list)
    held: int = 0
    expired: int = 0
    cancelled: int = 0


#: Claims of all dispatchers are serialised on PostgreSQL with this transaction-level
#: advisory lock (a claim takes milliseconds), so that each sees the previous one's rows.
CLAIM_LOCK_KEY: Final = 7_318_204_551


def claim_due(
    session: Session,
    *,
    worker_id: str,
    now: dt.datetime,
    limit: int,
    chat_interval: dt.timedelta = dt.timedelta(seconds=1),
) -> ClaimResult:
    """Claim up to ``limit`` due reminders for ``worker_id``; the caller commits.

    PostgreSQL: ``SELECT … FOR UPDATE OF reminders SKIP LOCKED`` — concurrent dispatchers
    take disjoint rows without waiting. SQLite: ``BEGIN IMMEDIATE`` serialises claimers.
    Each candidate then goes through :func:`dispatch_decision`: sent ones become
    ``claimed`` (the lease), the others are held, expired or cancelled in the same
    transaction.

    **One dispatcher per chat at a time.** A person's reminders are not claimed while
    another dispatcher holds one of theirs (claimed or sending, within the claim lease) or
    sent one less than ``chat_interval`` ago: each dispatcher spaces its own sends to one
    chat, and this keeps two dispatchers from writing to the same chat within
    ``chat_interval`` (Telegram: about one message a second per chat, per bot). Claims are
    serialised (the SQLite write lock, a PostgreSQL advisory lock) so that no two claim the
    same person at once. A row left ``sending`` by a dead dispatcher stops blocking its chat
    once the claim lease has passed (it is reaped later, see :func:`reap_expired_leases`).
    """
    begin_write(session)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CLAIM_LOCK_KEY})
    other = aliased(Reminder)
    elsewhere = exists().where(
        other.user_id == Reminder.user_id,
        or_(other.claimed_by.is_(None), other.claimed_by != worker_id),
        or_(
            and_(
                other.status.in_((CLAIMED, SENDING)),
                other.claimed_at > now - CLAIM_LEASE,
            ),
            and_(other.status == SENT, other.sent_at > now - chat_interval),
        ),
    )
    query = (
        select(Reminder, User)
        .join(User, User.id == Reminder.user_id)
        .where(
            Reminder.status == PENDING,
            Reminder.due_at <= now,
            or_(Reminder.next_attempt_at.is_(None), Reminder.next_attempt_at <= now),
            # Pausing reminders never hides the notice that an account is about to be
            # erased (coach.retention): the person must be able to keep it.
            or_(User.reminders_paused.is_(False), Reminder.kind == RETENTION_NOTICE),
            ~elsewhere,
        )
        .order_by(Reminder.due_at, Reminder.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(of=Reminder, skip_locked=True)
    result = ClaimResult()
    closed_reflections: list[int] = []
    for reminder, user in session.execute(query).tuples().all():
        decision = dispatch_decision(reminder, user, now)
        if decision.action == "send":
            reminder.status = CLAIMED
            reminder.claimed_by = worker_id
            reminder.claimed_at = now
            result.claimed.append(
                ReminderSnapshot(
                    id=reminder.id,
                    user_id=user.id,
                    chat_id=user.telegram_user_id,
                    kind=reminder.kind,
                    payload=dict(reminder.payload or {}),
                    due_at=reminder.due_at,
                    attempts=reminder.attempts,
                    late_by=max(now - reminder.due_at, dt.timedelta(0)),
                    timezone=user.timezone or DEFAULT_TZ,
                    last_error=reminder.last_error,
                )
            )
        elif decision.action == "hold":
            reminder.next_attempt_at = decision.until
            result.held += 1
        else:
            reminder.status = EXPIRED if decision.action == "expire" else CANCELLED
            reminder.last_error = decision.reason
            if decision.action == "expire":
                result.expired += 1
                if reminder.kind == "weekly_reflection":
                    closed_reflections.append(user.id)
            else:
                result.cancelled += 1
    session.flush()
    for user_id in closed_reflections:
        _schedule_next_reflection(session, user_id, now)
    return result


def begin_sending(session: Session, reminder_id: int, *, worker_id: str, now: dt.datetime) -> bool:
    """claimed → sending, only if this worker still holds the lease; commit before sending."""
    return (
        _rowcount(
            session,
            update(Reminder)
            .where(
                Reminder.id == reminder_id,
                Reminder.status == CLAIMED,
                Reminder.claimed_by == worker_id,
            )
            .values(status=SENDING, claimed_at=now),
        )
        == 1
    )


def _held_by(reminder_id: int, worker_id: str) -> Any:
    # "sending" — or already flagged "unknown_delivery" by a reaper if this worker was slow.
    return and_(
        Reminder.id == reminder_id,
        Reminder.claimed_by == worker_id,
        or_(
            Reminder.status == SENDING,
            and_(Reminder.status == FAILED, Reminder.last_error == UNKNOWN_DELIVERY),
        ),
    )


def _close(
    session: Session,
    snapshot: ReminderSnapshot,
    *,
    worker_id: str,
    now: dt.datetime,
    chain: bool,
    **values: Any,
) -> bool:
    """End a row this worker holds; a closed weekly check-in schedules the next one."""
    done = (
        _rowcount(
            session, update(Reminder).where(_held_by(snapshot.id, worker_id)).values(**values)
        )
        == 1
    )
    if done and chain and snapshot.kind == "weekly_reflection":
        _schedule_next_reflection(session, snapshot.user_id, now)
    return done


def mark_sent(
    session: Session, snapshot: ReminderSnapshot, *, worker_id: str, now: dt.datetime
) -> bool:
    return _close(
        session,
        snapshot,
        worker_id=worker_id,
        now=now,
        chain=True,
        status=SENT,
        sent_at=now,
        last_error=None,
        next_attempt_at=None,
    )


def mark_failed(
    session: Session,
    snapshot: ReminderSnapshot,
    *,
    worker_id: str,
    now: dt.datetime,
    error: str,
    chain: bool = True,
) -> bool:
    """Failed for good (blocked bot, permanent error, retries exhausted, unknown outcome)."""
    return _close(
        session,
        snapshot,
        worker_id=worker_id,
        now=now,
        chain=chain,
        status=FAILED,
        last_error=error[:64],
    )


def mark_retry(
    session: Session,
    snapshot: ReminderSnapshot,
    *,
    worker_id: str,
    now: dt.datetime,
    retry_at: dt.datetime,
    error: str,
    count_attempt: bool = True,
    max_attempts: int = 6,
) -> str:
    """Back to ``pending`` for another attempt at ``retry_at`` — or ``failed`` once
    ``max_attempts`` counted failures are reached. Returns the new status ("" if the row
    was not this worker's any more)."""
    attempts = snapshot.attempts + (1 if count_attempt else 0)
    if attempts >= max_attempts:
        ok = mark_failed(session, snapshot, worker_id=worker_id, now=now, error=error)
        return FAILED if ok else ""
    done = _rowcount(
        session,
        update(Reminder)
        .where(Reminder.id == snapshot.id, Reminder.claimed_by == worker_id)
        .where(Reminder.status == SENDING)
        .values(
            status=PENDING,
            attempts=attempts,
            next_attempt_at=retry_at,
            last_error=error[:64],
            claimed_by=None,
            claimed_at=None,
        ),
    )
    return PENDING if done == 1 else ""


def release(
    session: Session,
    reminder_ids: Sequence[int],
    *,
    worker_id: str,
    not_before: dt.datetime | None = None,
) -> int:
    """Give claimed rows back (shutdown, flood wait) — they were never handed to Telegram."""
    if not reminder_ids:
        return 0
    return _rowcount(
        session,
        update(Reminder)
        .where(
            Reminder.id.in_(list(reminder_ids)),
            Reminder.status == CLAIMED,
            Reminder.claimed_by == worker_id,
        )
        .values(status=PENDING, claimed_by=None, claimed_at=None, next_attempt_at=not_before),
    )


@dataclass(frozen=True)
class ReapReport:
    released: int  # "claimed" rows of a dead or stuck dispatcher, back to pending
    unknown: tuple[int, ...]  # "sending" rows whose outcome nobody knows: failed, not resent


def reap_expired_leases(
    session: Session,
    *,
    now: dt.datetime,
    claim_lease: dt.timedelta = CLAIM_LEASE,
    sending_lease: dt.timedelta = SENDING_LEASE,
) -> ReapReport:
    """Recover rows left behind by a dispatcher that died (see the module docstring)."""
    released = _rowcount(
        session,
        update(Reminder)
        .where(Reminder.status == CLAIMED, Reminder.claimed_at < now - claim_lease)
        .values(status=PENDING, claimed_by=None, claimed_at=None),
    )
    stuck = list(
        session.scalars(
            select(Reminder.id).where(
                Reminder.status == SENDING, Reminder.claimed_at < now - sending_lease
            )
        )
    )
    unknown: list[int] = []
    if stuck:
        flagged = session.execute(
            update(Reminder)
            .where(Reminder.id.in_(stuck), Reminder.status == SENDING)
            .where(Reminder.claimed_at < now - sending_lease)
            .values(status=FAILED, last_error=UNKNOWN_DELIVERY)
            .returning(Reminder.id, Reminder.kind, Reminder.user_id),
            execution_options={"synchronize_session": False},
        ).all()
        unknown = sorted(row.id for row in flagged)
        for row in flagged:
            if row.kind == "weekly_reflection":
                _schedule_next_reflection(session, row.user_id, now)
    return ReapReport(released=released, unknown=tuple(unknown))
