"""Applications in progress (« mes candidatures »): stages, channels, moves and nudges.

A :class:`~coach.models.JobApplication` row follows one application from the day it is sent
to its end; each step the person takes is also an :class:`~coach.models.Activity` row (a
« démarche » for the proof of job-search activity). Sentences are read by
:mod:`coach.language.pipeline_text`; this module holds the rules and the storage.

Stages
------
``sent`` (Envoyée) → ``interview`` (Entretien prévu), ``interviewed`` (Entretien passé),
``test`` (Test), ``offer`` (Offre) → closed: ``rejected`` (Refus), ``no_answer`` (Sans
réponse), ``withdrawn`` (Retirée: the person stopped, or turned the offer down).
:data:`ACTIVE` are those still in play — an offer too, as it waits for the person's answer.

Transitions (:data:`TRANSITIONS`, :func:`can_move`):

- from ``sent``, ``interview``, ``interviewed`` and ``test``: any of interview, interviewed,
  test, offer, rejected, no_answer, withdrawn. « interview → interview » is a new date or a
  new round, « interviewed → interviewed » another round that was never announced,
  « test → test » another test;
- from ``offer``: ``rejected`` (the employer withdrew it) or ``withdrawn`` (declined);
- a closed application is reopened when the company comes back: ``rejected`` and
  ``withdrawn`` → interview, test, offer; ``no_answer`` → the same, plus ``interviewed`` and
  ``rejected`` (a late « non » continues the record instead of starting another);
- nothing goes back to ``sent``, and a stage is never « moved » to itself otherwise.

:func:`link_rejection` is the exception: a rejection logged for an application closes it as
``rejected`` whatever its stage — the « non » is a fact, not a choice.

``interview_at`` holds the next (or last) appointment: an interview, or a test when it has a
time. ``stage_at`` is the last news: a move, or for a new application the day it was sent
(noon local when it was not today), so that « jours sans nouvelles » counts from there.

Nudges
------
Through the durable reminders (:func:`coach.reminders.schedule`), payload
``{"application_id": N}`` and no text (the bot words them from the row it loads). Local
times in the person's timezone (:func:`coach.reminders.user_zone`); a nudge whose time has
passed is not scheduled (the dialogue speaks at once instead).

- ``application_follow_up`` — stage ``sent``: the 7th business day after the day it was sent
  (:func:`coach.timing.add_business_days`: weekends and French public holidays do not
  count), 10:00;
- ``interview_prep`` — an interview or a test with a time: the day before, 10:00 (skipped
  when that is already past);
- ``interview_soon`` — the same, one hour before; delivered even in quiet hours (see
  :data:`coach.reminders.QUIET_HOURS_EXEMPT`), skipped when less than an hour is left;
- ``interview_debrief`` — the day after an interview, 10:00 (not after a test);
- ``application_silence`` — 28 days after the last news (or after the appointment when it
  is later), 10:00, on a business day: « still nothing: close it as sans réponse? ».

Which kinds a stage keeps (:data:`NUDGES_BY_STAGE`): sent → follow-up, silence; interview →
prep, soon, debrief, silence; interviewed → debrief, silence; test → prep, soon, silence
(and a debrief still pending from the interview before it); offer and the closed stages →
none (after a « non », « how did the interview go? » would hurt: the rejection flow takes
over).

Each move cancels the pending nudges of that application that no longer apply (status
``cancelled``, last_error ``"stage"``), replaces those whose time changed
(``"rescheduled"``: a new appointment, the silence counted from the new news), and keeps
the others untouched (a reminder the person snoozed stays where they put it). A debrief
pending for an interview that took place is kept when the next round is announced; as one
nudge of a kind is pending per application at most, that round's debrief is planned when
it is said to be « passé ».
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from coach.applications import Ambiguous, Match, Unknown, match_application
from coach.language import writing
from coach.language.pipeline_text import read_channel
from coach.language.times import local_datetime
from coach.models import Activity, JobApplication, Rejection, Reminder, User
from coach.reminders import (
    BUSINESS_DAY_KINDS,
    CANCELLED,
    CLAIMED,
    PENDING,
    QUIET_HOURS_EXEMPT,
    apply_quiet_hours,
    on_business_day,
    schedule,
    user_day,
    user_zone,
)
from coach.timing import add_business_days

__all__ = [
    "ACTIVE",
    "CHANNELS",
    "CLOSED",
    "FOLLOW_UP_BUSINESS_DAYS",
    "NUDGES_BY_STAGE",
    "NUDGE_KINDS",
    "NUDGE_TIME",
    "SILENCE_DAYS",
    "SOON_BEFORE",
    "STAGES",
    "TRANSITIONS",
    "ApplicationLine",
    "Change",
    "TransitionRefused",
    "UnknownApplication",
    "active_first",
    "allowed_moves",
    "can_move",
    "cancel_nudges",
    "close_silent",
    "debrief_due",
    "find_for_company",
    "follow_up_due",
    "get_application",
    "link_rejection",
    "log_application",
    "move",
    "pending_nudges",
    "prep_due",
    "read_channel",
    "record_follow_up",
    "rejection_slots",
    "silence_due",
    "soon_due",
    "title",
]

STAGES: Final[Mapping[str, str]] = {
    "sent": "Envoyée",
    "interview": "Entretien prévu",
    "interviewed": "Entretien passé",
    "test": "Test",
    "offer": "Offre",
    "rejected": "Refus",
    "no_answer": "Sans réponse",
    "withdrawn": "Retirée",
}
ACTIVE: Final = frozenset({"sent", "interview", "interviewed", "test", "offer"})
CLOSED: Final = frozenset(STAGES) - ACTIVE

#: How the application was sent (read from French by :func:`read_channel`).
CHANNELS: Final[Mapping[str, str]] = {
    "site": "Site de l'entreprise ou d'emploi",
    "email": "E-mail",
    "network": "Réseau, recommandation",
    "fair": "Salon, forum",
    "spontaneous": "Candidature spontanée",
    "agency": "Cabinet, agence d'intérim",
    "other": "Autre",
}

_IN_PLAY_NEXT: Final = frozenset(
    {"interview", "interviewed", "test", "offer", "rejected", "no_answer", "withdrawn"}
)
TRANSITIONS: Final[Mapping[str, frozenset[str]]] = {
    "sent": _IN_PLAY_NEXT,
    "interview": _IN_PLAY_NEXT,
    "interviewed": _IN_PLAY_NEXT,
    "test": _IN_PLAY_NEXT,
    "offer": frozenset({"rejected", "withdrawn"}),
    "rejected": frozenset({"interview", "test", "offer"}),
    "no_answer": frozenset({"interview", "interviewed", "test", "offer", "rejected"}),
    "withdrawn": frozenset({"interview", "test", "offer"}),
}

FOLLOW_UP: Final = "application_follow_up"
PREP: Final = "interview_prep"
SOON: Final = "interview_soon"
DEBRIEF: Final = "interview_debrief"
SILENCE: Final = "application_silence"
NUDGE_KINDS: Final = (FOLLOW_UP, PREP, SOON, DEBRIEF, SILENCE)
NUDGES_BY_STAGE: Final[Mapping[str, frozenset[str]]] = {
    "sent": frozenset({FOLLOW_UP, SILENCE}),
    "interview": frozenset({PREP, SOON, DEBRIEF, SILENCE}),
    "interviewed": frozenset({DEBRIEF, SILENCE}),
    # A test never plans a debrief, but keeps one still pending from the interview before.
    "test": frozenset({PREP, SOON, DEBRIEF, SILENCE}),
    "offer": frozenset(),
    "rejected": frozenset(),
    "no_answer": frozenset(),
    "withdrawn": frozenset(),
}
FOLLOW_UP_BUSINESS_DAYS: Final = 7
SILENCE_DAYS: Final = 28
NUDGE_TIME: Final = dt.time(10, 0)
SOON_BEFORE: Final = dt.timedelta(hours=1)
#: A news told for a past day is dated at this local time (« j'ai postulé hier »).
_PAST_NEWS_TIME: Final = dt.time(12, 0)


class UnknownApplication(LookupError):
    """No application with that id belongs to this person."""


class TransitionRefused(ValueError):
    """The move is not in :data:`TRANSITIONS` (see :func:`allowed_moves` for the buttons)."""

    def __init__(self, current: str, requested: str) -> None:
        super().__init__(f"cannot move an application from {current!r} to {requested!r}")
        self.current = current
        self.requested = requested


# --------------------------------------------------------------------------- pure rules


def title(application: JobApplication) -> str:
    """« Airbus — technicienne qualité », or the company alone: how an application is named
    in lists, cards, buttons and the weekly review."""
    position = application.position
    return application.company + (f" — {position}" if position else "")


def can_move(current: str, requested: str) -> bool:
    return requested in TRANSITIONS.get(current, frozenset())


def allowed_moves(current: str) -> tuple[str, ...]:
    """The stages one button away, in the order of :data:`STAGES`."""
    allowed = TRANSITIONS.get(current, frozenset())
    return tuple(stage for stage in STAGES if stage in allowed)


def _at(day: dt.date, tz: dt.tzinfo) -> dt.datetime:
    return local_datetime(day, NUDGE_TIME, tz).astimezone(dt.UTC)


def follow_up_due(applied_on: dt.date, tz: dt.tzinfo, subdiv: str | None = None) -> dt.datetime:
    """10:00 local on the 7th business day after the day the application was sent; UTC."""
    return _at(add_business_days(applied_on, FOLLOW_UP_BUSINESS_DAYS, subdiv), tz)


def prep_due(appointment_at: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    """10:00 local on the day before the interview or test; UTC."""
    return _at(appointment_at.astimezone(tz).date() - dt.timedelta(days=1), tz)


def soon_due(appointment_at: dt.datetime) -> dt.datetime:
    """One hour (elapsed time) before the interview or test; UTC."""
    return (appointment_at - SOON_BEFORE).astimezone(dt.UTC)


def debrief_due(held_on: dt.date, tz: dt.tzinfo) -> dt.datetime:
    """10:00 local on the day after the interview; UTC."""
    return _at(held_on + dt.timedelta(days=1), tz)


def silence_due(news_on: dt.date, tz: dt.tzinfo) -> dt.datetime:
    """10:00 local, 28 days after the last news (moved to a business day when scheduled)."""
    return _at(news_on + dt.timedelta(days=SILENCE_DAYS), tz)


# --------------------------------------------------------------------------- rows


@dataclass(frozen=True)
class Change:
    """What a call did: the application, the nudges scheduled, how many were cancelled."""

    application: JobApplication
    scheduled: tuple[Reminder, ...] = ()
    cancelled: int = 0


@dataclass(frozen=True)
class ApplicationLine:
    """One line of /candidatures."""

    application: JobApplication
    stage_label: str
    days_since_news: int
    active: bool


def _clip(value: str | None, limit: int) -> str | None:
    text = " ".join((value or "").split())
    return text[:limit] if text else None


def _aware(moment: dt.datetime | None, what: str) -> None:
    if moment is not None and moment.tzinfo is None:
        raise ValueError(f"{what} must be an aware datetime")


def get_application(session: Session, user: User, application_id: int) -> JobApplication:
    """The person's own application, or :class:`UnknownApplication`."""
    application = session.get(JobApplication, application_id)
    if application is None or application.user_id != user.id:
        raise UnknownApplication(application_id)
    return application


def _add_activity(
    session: Session,
    user: User,
    application: JobApplication,
    kind: str,
    day: dt.date,
    now: dt.datetime,
    *,
    channel: str | None = None,
) -> Activity:
    activity = Activity(
        user_id=user.id,
        kind=kind,
        happened_on=day,
        company=application.company,
        position=application.position,
        channel=channel,
        application_id=application.id,
        created_at=now,
    )
    session.add(activity)
    return activity


def _activity(
    session: Session, application: JobApplication, kind: str, day: dt.date
) -> Activity | None:
    return session.scalar(
        select(Activity)
        .where(
            Activity.application_id == application.id,
            Activity.kind == kind,
            Activity.happened_on == day,
        )
        .order_by(Activity.id)
        .limit(1)
    )


def log_application(
    session: Session,
    user: User,
    company: str,
    position: str | None,
    applied_on: dt.date,
    channel: str | None = None,
    link: str | None = None,
    contact: str | None = None,
    *,
    now: dt.datetime,
    subdiv: str | None = None,
) -> Change:
    """Store an application sent on ``applied_on`` (local day, not in the future), its
    « démarche », and its nudges: the follow-up and the silence check."""
    _aware(now, "now")
    name = _clip(writing.company(company), 200)
    if not name:
        raise ValueError("an application needs a company")
    if channel is not None and channel not in CHANNELS:
        raise ValueError(f"unknown channel: {channel!r}")
    zone = user_zone(user)
    today = user_day(user, now)
    if applied_on > today:
        raise ValueError("an application cannot have been sent in the future")
    news_at = now if applied_on == today else local_datetime(applied_on, _PAST_NEWS_TIME, zone)
    application = JobApplication(
        user_id=user.id,
        company=name,
        position=_clip(position, 200),
        applied_on=applied_on,
        channel=channel,
        link=_clip(link, 500),
        contact=_clip(contact, 200),
        stage="sent",
        stage_at=news_at.astimezone(dt.UTC),
        created_at=now,
        updated_at=now,
    )
    session.add(application)
    session.flush()
    _add_activity(session, user, application, "application", applied_on, now, channel=channel)
    plan: dict[str, dt.datetime] = {
        FOLLOW_UP: follow_up_due(applied_on, zone, subdiv),
        SILENCE: silence_due(applied_on, zone),
    }
    scheduled, cancelled = _sync_nudges(
        session, user, application, plan, replace=(), now=now, subdiv=subdiv
    )
    return Change(application, scheduled, cancelled)


def move(
    session: Session,
    user: User,
    application_id: int,
    stage: str,
    *,
    interview_at: dt.datetime | None = None,
    held_on: dt.date | None = None,
    now: dt.datetime,
    subdiv: str | None = None,
) -> Change:
    """Move an application to ``stage`` (one button or one sentence): records the news
    time, the « démarche » and the nudges that follow (see the module notes).

    ``interview_at`` — for ``interview`` / ``test``: the appointment (aware); for
    ``interviewed``: when it took place, if known. ``held_on`` — the local day an interview
    or a test took place when no instant is known (« entretien passé hier »).
    Raises :class:`UnknownApplication` or :class:`TransitionRefused`.
    """
    application = get_application(session, user, application_id)
    if stage not in STAGES:
        raise ValueError(f"unknown stage: {stage!r}")
    if not can_move(application.stage, stage):
        raise TransitionRefused(application.stage, stage)
    return _apply(
        session,
        user,
        application,
        stage,
        interview_at=interview_at,
        held_on=held_on,
        now=now,
        subdiv=subdiv,
    )


def _apply(
    session: Session,
    user: User,
    application: JobApplication,
    stage: str,
    *,
    interview_at: dt.datetime | None,
    held_on: dt.date | None,
    now: dt.datetime,
    subdiv: str | None,
) -> Change:
    _aware(now, "now")
    _aware(interview_at, "interview_at")
    zone = user_zone(user)
    today = user_day(user, now)
    if held_on is not None and held_on > today:
        raise ValueError("held_on is a day that has passed (or today)")
    previous_stage = application.stage
    previous_at = application.interview_at
    appointment_changed = False
    plan: dict[str, dt.datetime] = {}

    if stage in ("interview", "test"):
        kind = stage
        if previous_stage != stage:
            _drop_future_appointment(session, application, previous_stage, now, zone)
        if interview_at is not None:
            day = interview_at.astimezone(zone).date()
            rescheduled = previous_stage == stage and previous_at is not None and previous_at > now
            old = (
                _activity(session, application, kind, previous_at.astimezone(zone).date())
                if rescheduled and previous_at is not None
                else None
            )
            if old is not None:
                old.happened_on = day  # a new date for the same interview, not a second one
            elif _activity(session, application, kind, day) is None:
                _add_activity(session, user, application, kind, day, now)
            appointment_changed = interview_at != previous_at
            application.interview_at = interview_at
            plan[PREP] = prep_due(interview_at, zone)
            plan[SOON] = soon_due(interview_at)
            if stage == "interview":
                plan[DEBRIEF] = debrief_due(day, zone)
        else:
            _drop_future_appointment(session, application, previous_stage, now, zone)
            appointment_changed = previous_at is not None
            application.interview_at = None
            if held_on is not None and _activity(session, application, kind, held_on) is None:
                _add_activity(session, user, application, kind, held_on, now)
    elif stage == "interviewed":
        if previous_stage == "test":
            _drop_future_appointment(session, application, previous_stage, now, zone)
        if interview_at is not None:
            held_day = interview_at.astimezone(zone).date()
        elif held_on is not None:
            held_day = held_on
        elif previous_stage == "interview" and previous_at is not None and previous_at <= now:
            held_day = previous_at.astimezone(zone).date()  # the planned one took place
        else:
            held_day = today
        scheduled_day = (
            previous_at.astimezone(zone).date()
            if previous_stage == "interview" and previous_at is not None
            else None
        )
        planned = (
            _activity(session, application, "interview", scheduled_day)
            if scheduled_day is not None
            else None
        )
        if planned is not None:
            planned.happened_on = held_day  # the interview that was planned took place
        elif _activity(session, application, "interview", held_day) is None:
            _add_activity(session, user, application, "interview", held_day, now)
        if interview_at is not None:
            application.interview_at = interview_at
        elif previous_at is not None and previous_at.astimezone(zone).date() != held_day:
            application.interview_at = None
        plan[DEBRIEF] = debrief_due(held_day, zone)
    else:
        _drop_future_appointment(session, application, previous_stage, now, zone)

    application.stage = stage
    application.stage_at = now
    application.updated_at = now
    news_day = today
    if application.interview_at is not None and stage in ("interview", "test"):
        news_day = max(news_day, application.interview_at.astimezone(zone).date())
    plan[SILENCE] = silence_due(news_day, zone)
    plan = {kind: due for kind, due in plan.items() if kind in NUDGES_BY_STAGE[stage]}
    replace = {SILENCE}
    if appointment_changed:
        replace |= {PREP, SOON}
    if stage == "interviewed":
        replace.add(DEBRIEF)  # counted from the day it took place, maybe not the day planned
    cancelled = 0
    planned_ahead = previous_stage == "interview" and previous_at is not None and previous_at > now
    if planned_ahead and (
        (stage == "interview" and appointment_changed) or stage not in ("interview", "interviewed")
    ):
        # The interview planned will not be held then: its debrief goes. One pending for an
        # interview that did take place (the round before) stays.
        assert previous_at is not None
        cancelled = _cancel_debrief_of(session, user, application, previous_at, subdiv)
    scheduled, synced = _sync_nudges(
        session, user, application, plan, replace=replace, now=now, subdiv=subdiv
    )
    return Change(application, scheduled, cancelled + synced)


def _cancel_debrief_of(
    session: Session,
    user: User,
    application: JobApplication,
    interview_at: dt.datetime,
    subdiv: str | None,
) -> int:
    day = interview_at.astimezone(user_zone(user)).date()
    due = _placed(user, DEBRIEF, debrief_due(day, user_zone(user)), subdiv)
    rows = [r for r in pending_nudges(session, user, application.id, (DEBRIEF,)) if r.due_at == due]
    return _cancel(session, rows, "rescheduled")


def _drop_future_appointment(
    session: Session,
    application: JobApplication,
    previous_stage: str,
    now: dt.datetime,
    zone: dt.tzinfo,
) -> None:
    """An interview or test that was still ahead will not take place: its « démarche » goes."""
    at = application.interview_at
    if previous_stage not in ("interview", "test") or at is None or at <= now:
        return
    planned = _activity(session, application, previous_stage, at.astimezone(zone).date())
    if planned is not None:
        session.delete(planned)


def link_rejection(
    session: Session,
    user: User,
    application_id: int,
    rejection_id: int,
    *,
    now: dt.datetime,
    subdiv: str | None = None,
) -> Change:
    """The rejection logged for this application continues its record: the application
    points at it and is closed as ``rejected`` (whatever its stage; nudges cancelled)."""
    application = get_application(session, user, application_id)
    rejection = session.get(Rejection, rejection_id)
    if rejection is None or rejection.user_id != user.id:
        raise LookupError(f"no rejection {rejection_id} for this person")
    application.rejection_id = rejection.id
    if application.stage == "rejected":
        application.updated_at = now
        session.flush()
        return Change(application)
    return _apply(
        session,
        user,
        application,
        "rejected",
        interview_at=None,
        held_on=None,
        now=now,
        subdiv=subdiv,
    )


def close_silent(session: Session, user: User, application_id: int, *, now: dt.datetime) -> Change:
    """« Oui, classez-la sans réponse »: the application is closed as ``no_answer``."""
    return move(session, user, application_id, "no_answer", now=now)


def record_follow_up(
    session: Session,
    user: User,
    application_id: int,
    *,
    on: dt.date | None = None,
    now: dt.datetime,
) -> Change:
    """The person followed the application up (« j'ai relancé Airbus »): a « démarche » on
    ``on`` (default today), and the follow-up nudge is no longer needed. Not a news: the
    silence check still counts from the company's last news."""
    application = get_application(session, user, application_id)
    day = on or user_day(user, now)
    if day > user_day(user, now):
        raise ValueError("a follow-up is recorded once done")
    _add_activity(session, user, application, "follow_up", day, now)
    cancelled = cancel_nudges(session, user, application.id, (FOLLOW_UP,), reason="done")
    return Change(application, (), cancelled)


# --------------------------------------------------------------------------- nudges


def pending_nudges(
    session: Session,
    user: User,
    application_id: int,
    kinds: Iterable[str] = NUDGE_KINDS,
) -> list[Reminder]:
    """The application's nudges not sent yet (pending or claimed), soonest first."""
    rows = session.scalars(
        select(Reminder)
        .where(
            Reminder.user_id == user.id,
            Reminder.kind.in_(list(kinds)),
            Reminder.status.in_((PENDING, CLAIMED)),
        )
        .order_by(Reminder.due_at, Reminder.id)
    )
    return [row for row in rows if (row.payload or {}).get("application_id") == application_id]


def cancel_nudges(
    session: Session,
    user: User,
    application_id: int,
    kinds: Iterable[str] = NUDGE_KINDS,
    *,
    reason: str = "stage",
) -> int:
    """Cancel the application's pending nudges of ``kinds``; returns how many."""
    return _cancel(session, pending_nudges(session, user, application_id, kinds), reason)


def _cancel(session: Session, rows: Sequence[Reminder], reason: str) -> int:
    """Cancel rows still pending or claimed — guarded like ``coach.reminders.cancel``, so
    that a row a dispatcher has started sending meanwhile is left to it."""
    if not rows:
        return 0
    session.flush()
    result = session.execute(
        update(Reminder)
        .where(
            Reminder.id.in_([row.id for row in rows]),
            Reminder.status.in_((PENDING, CLAIMED)),
        )
        .values(status=CANCELLED, last_error=reason, claimed_by=None),
        execution_options={"synchronize_session": False},
    )
    for row in rows:
        session.expire(row)
    assert isinstance(result, CursorResult)
    return int(result.rowcount or 0)


def _placed(user: User, kind: str, due: dt.datetime, subdiv: str | None) -> dt.datetime:
    """Where :func:`coach.reminders.schedule` puts ``due`` (quiet hours, business day)."""
    zone = user_zone(user)
    if kind not in QUIET_HOURS_EXEMPT:
        due = apply_quiet_hours(
            due, tz=zone, quiet_start=user.quiet_start, quiet_end=user.quiet_end
        )
    if kind in BUSINESS_DAY_KINDS:
        due = on_business_day(due, tz=zone, subdiv=subdiv)
    return due


def _sync_nudges(
    session: Session,
    user: User,
    application: JobApplication,
    plan: Mapping[str, dt.datetime],
    *,
    replace: Iterable[str],
    now: dt.datetime,
    subdiv: str | None,
) -> tuple[tuple[Reminder, ...], int]:
    """Make the application's pending nudges match ``plan`` (kind → instant).

    Kinds the stage does not keep are cancelled ("stage"). A kind in ``replace`` whose
    pending row is not at the planned time is cancelled ("rescheduled") and planned again;
    other pending rows stay as they are (a snoozed one where the person put it). Planned
    instants already past are not scheduled.
    """
    kept = NUDGES_BY_STAGE[application.stage]
    replace = set(replace)
    unwanted: list[Reminder] = []
    moved: list[Reminder] = []
    pending: dict[str, list[Reminder]] = {}
    for reminder in pending_nudges(session, user, application.id):
        if reminder.kind not in kept:
            unwanted.append(reminder)
            continue
        if reminder.kind in replace:
            planned = plan.get(reminder.kind)
            same = planned is not None and reminder.due_at == _placed(
                user, reminder.kind, planned, subdiv
            )
            if not same:
                moved.append(reminder)
                continue
        pending.setdefault(reminder.kind, []).append(reminder)
    cancelled = _cancel(session, unwanted, "stage") + _cancel(session, moved, "rescheduled")
    scheduled: list[Reminder] = []
    for kind in NUDGE_KINDS:
        due = plan.get(kind)
        if due is None or kind not in kept or kind in pending or due <= now:
            continue
        row = schedule(
            session,
            user,
            kind,
            due,
            now=now,
            payload={"application_id": application.id, "company": application.company},
            subdiv=subdiv,
        )
        if row is not None:
            scheduled.append(row)
    session.flush()
    return tuple(scheduled), cancelled


# --------------------------------------------------------------------------- reading


def _applications(session: Session, user: User) -> list[JobApplication]:
    return list(
        session.scalars(
            select(JobApplication)
            .where(JobApplication.user_id == user.id)
            .order_by(JobApplication.id)
        )
    )


def active_first(
    session: Session, user: User, *, include_closed: bool = False, now: dt.datetime
) -> list[ApplicationLine]:
    """/candidatures: the applications still in play, then (on request) the closed ones.

    Order: active ones with an appointment ahead first, soonest first (what needs
    preparing); then the other active ones, freshest news first; then the closed ones,
    most recently closed first. « Jours sans nouvelles » are counted between local days in
    the person's timezone (0 = news today).
    """
    _aware(now, "now")
    today = user_day(user, now)
    upcoming: list[JobApplication] = []
    others: list[JobApplication] = []
    closed: list[JobApplication] = []
    for application in _applications(session, user):
        if application.stage not in ACTIVE:
            closed.append(application)
        elif application.interview_at is not None and application.interview_at > now:
            upcoming.append(application)
        else:
            others.append(application)
    upcoming.sort(key=lambda a: (a.interview_at or now, a.id))
    others.sort(key=lambda a: (a.stage_at, a.id), reverse=True)
    closed.sort(key=lambda a: (a.stage_at, a.id), reverse=True)
    chosen = [*upcoming, *others, *(closed if include_closed else [])]
    return [
        ApplicationLine(
            application=application,
            stage_label=STAGES[application.stage],
            days_since_news=(today - user_day(user, application.stage_at)).days,
            active=application.stage in ACTIVE,
        )
        for application in chosen
    ]


def find_for_company(
    session: Session, user: User, company: str
) -> Match[Any] | Ambiguous[Any] | Unknown:
    """Which of the person's applications a company name designates, with the forgiving
    matcher of :func:`coach.applications.match_application` (typos, accents, « decathlon »
    for « Decathlon Lille »). The active applications are tried first, so that an old
    closed application at the same company does not make a fresh « Airbus m'a dit non »
    ambiguous; the closed ones are tried when no active one fits (a late answer).

    ``Match.application`` / ``Ambiguous.applications`` are :class:`JobApplication` rows.
    (Typed ``Any``: mypy 2.4 rejects ``Match[JobApplication]`` written out — it checks the
    ``HasCompany`` bound against the SQLAlchemy descriptor before it can read it — while it
    accepts the very same call.)"""
    applications = _applications(session, user)
    active = [a for a in applications if a.stage in ACTIVE]
    result = match_application(company, active)
    if not isinstance(result, Unknown):
        return result
    closed = [a for a in applications if a.stage not in ACTIVE]
    late = match_application(company, closed)
    return result if isinstance(late, Unknown) else late


def rejection_slots(
    session: Session, user: User, application: JobApplication, *, now: dt.datetime
) -> dict[str, str]:
    """What the rejection intake already knows from this application (company, position,
    the stage reached when sure, as a code of ``coach.language.entities.STAGES``), so that
    it asks only for the rest."""
    slots: dict[str, str] = {"company": application.company}
    if application.position:
        slots["position"] = application.position
    today = user_day(user, now)
    held = _held(session, application, today)
    interviews = held.count("interview")
    if application.stage == "interviewed":
        interviews = max(interviews, 1)
    if application.stage == "offer":
        slots["stage"] = "offre"
    elif interviews >= 2:
        slots["stage"] = "entretiens_suivants"
    elif "test" in held:
        slots["stage"] = "test"
    elif interviews == 1:
        slots["stage"] = "premier_entretien"
    elif application.stage in ("sent", "no_answer"):
        slots["stage"] = "candidature"
    return slots


def _held(session: Session, application: JobApplication, today: dt.date) -> Sequence[str]:
    return list(
        session.scalars(
            select(Activity.kind).where(
                Activity.application_id == application.id,
                Activity.kind.in_(("interview", "test")),
                Activity.happened_on <= today,
            )
        )
    )
