"""Typed SQLAlchemy 2.0 models. Times are stored in UTC and shown in the user's timezone.

Every table that holds something about a person hangs off ``users`` with
``ondelete="CASCADE"`` and is listed in ``coach.privacy`` so that /export and /supprimer
cover it (a test enforces both).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    Time,
    TypeDecorator,
    false,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """An aware UTC datetime on every backend (SQLite drops the offset otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous: pass an aware datetime")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        moment: dt.datetime = value
        if moment.tzinfo is None:
            return moment.replace(tzinfo=dt.UTC)
        return moment.astimezone(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    telegram_user_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    first_name: Mapped[str | None] = mapped_column(String(128))
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Paris")
    consent_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Last time the safety answer was given: coaching prompts pause for 24 h after it.
    crisis_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # Reminder preferences (coach.reminders). Quiet hours are local wall-clock times; a
    # window whose start equals its end means "no quiet hours".
    quiet_start: Mapped[dt.time] = mapped_column(
        Time(), default=dt.time(21, 0), server_default=text("'21:00:00'")
    )
    quiet_end: Mapped[dt.time] = mapped_column(
        Time(), default=dt.time(8, 30), server_default=text("'08:30:00'")
    )
    reminders_paused: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    muted_kinds: Mapped[list[str]] = mapped_column(JSON, default=list, server_default=text("'[]'"))
    # Weekly reflection check-in, opt-in: weekday 0 = Monday, hour local. Both None = off.
    reflection_weekday: Mapped[int | None] = mapped_column(Integer)
    reflection_hour: Mapped[int | None] = mapped_column(Integer)
    # Signature of the feedback requests (coach.drafts.Profile), asked once, editable.
    signature_name: Mapped[str | None] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(254))
    linkedin: Mapped[str | None] = mapped_column(String(300))
    # Retention (coach.retention): the last time the person wrote to the bot, kept to within
    # an hour (coach.users.touch_activity), and when they were told that their inactive
    # account would be erased. Writing again clears the warning. ``last_active_at`` is
    # nullable only because SQLite cannot add a NOT NULL column without rebuilding ``users``
    # (migration 0009); every row gets a value, and readers fall back on ``consent_at``.
    last_active_at: Mapped[dt.datetime | None] = mapped_column(
        UTCDateTime(), default=utcnow, index=True
    )
    retention_warned_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # A short question the bot itself asked and whose typed answer it reads before Rasa
    # (bot/search.py): "period", "place", "position:<application id>"; with when it was asked
    # (it lapses after a few minutes). None when nothing is awaited.
    awaiting: Mapped[str | None] = mapped_column(String(48))
    awaiting_since: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # When the bot asked once where the person lives (bot/search.py, offer_zone), because
    # Telegram's language or their first messages suggested another timezone than COACH_TZ.
    zone_offered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    rejections: Mapped[list[Rejection]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )
    reminders: Mapped[list[Reminder]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )


class Rejection(Base):
    """An application that ended in a "no", with what the coach needs to plan the follow-up."""

    __tablename__ = "rejections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    company: Mapped[str | None] = mapped_column(String(200))
    position: Mapped[str | None] = mapped_column(String(200))
    rejection_date: Mapped[dt.date | None] = mapped_column(Date)
    stage: Mapped[str | None] = mapped_column(String(64))
    formal_rejection: Mapped[bool | None] = mapped_column(Boolean)
    decision_date: Mapped[dt.date | None] = mapped_column(Date)
    interviewer_count: Mapped[int | None] = mapped_column(Integer)
    interviewer_names: Mapped[str | None] = mapped_column(String(300))
    met_hiring_manager: Mapped[bool | None] = mapped_column(Boolean)
    hr_contact: Mapped[str | None] = mapped_column(String(200))
    network_contact: Mapped[str | None] = mapped_column(String(200))
    culture: Mapped[str | None] = mapped_column(String(16))
    timing: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    contact: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship(back_populates="rejections")


class Reminder(Base):
    """A message to send later. Durable: the dispatcher reads these rows, never memory.

    Life cycle (coach.reminders has the rules, bot.dispatcher the delivery):
    ``pending`` → ``claimed`` (a dispatcher holds it, lease) → ``sending`` (committed just
    before the Telegram call) → ``sent``; or ``cancelled`` / ``expired`` / ``failed``.
    """

    __tablename__ = "reminders"
    __table_args__ = (Index("ix_reminders_status_due_at", "status", "due_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    due_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Not before this instant (retry backoff, quiet hours or safety pause met at dispatch).
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # Which dispatcher holds the row and since when (lease for "claimed" and "sending").
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # Why the last attempt failed or the row was closed: an error class name or a short
    # code ("stale", "muted", "unknown_delivery"), never message text.
    last_error: Mapped[str | None] = mapped_column(String(64))
    # The user's answer with the buttons: "done", "snoozed" or "muted".
    response: Mapped[str | None] = mapped_column(String(16))

    user: Mapped[User] = relationship(back_populates="reminders")


class JournalEntry(Base):
    """Something the person wrote for themselves: a journal entry, a weekly reflection…"""

    __tablename__ = "journal_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    rejection_id: Mapped[int | None] = mapped_column(
        ForeignKey("rejections.id", ondelete="SET NULL")
    )
    kind: Mapped[str] = mapped_column(String(16))  # "reflection", "journal", "successes"
    prompt: Mapped[str | None] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Mood(Base):
    """How the person felt at one moment (one of coach.emotions.MOODS), for the mood chart."""

    __tablename__ = "moods"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    rejection_id: Mapped[int | None] = mapped_column(
        ForeignKey("rejections.id", ondelete="SET NULL")
    )
    mood: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class FeedbackRequest(Base):
    """A request for feedback prepared with the coach: its channel, draft and whether it left."""

    __tablename__ = "feedback_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    rejection_id: Mapped[int | None] = mapped_column(
        ForeignKey("rejections.id", ondelete="SET NULL")
    )
    channel: Mapped[str] = mapped_column(String(16))  # email / phone / meeting
    variant: Mapped[str] = mapped_column(String(16))  # coach.drafts.VARIANTS
    contact_role: Mapped[str | None] = mapped_column(String(32))
    contact_name: Mapped[str | None] = mapped_column(String(200))
    draft: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="draft")  # draft / sent / answered
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Feedback(Base):
    """Feedback received after a rejection, with what coach.feedback.analyze read in it.

    The analysis is stored (not recomputed) so that /bilan counts what the person was shown,
    even after the analyzer improves.
    """

    __tablename__ = "feedbacks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    rejection_id: Mapped[int | None] = mapped_column(
        ForeignKey("rejections.id", ondelete="SET NULL")
    )
    text: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16), default="written")  # written / call
    kind: Mapped[str] = mapped_column(String(16))  # constructive / generic
    # Sorted lists of coach.feedback.THEMES / SIGNALS; evidence maps each to its phrases.
    themes: Mapped[list[str]] = mapped_column(JSON, default=list)
    signals: Mapped[list[str]] = mapped_column(JSON, default=list)
    evidence: Mapped[dict[str, list[str]]] = mapped_column(JSON, default=dict)
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The person's corrections of the reading (coach.feedback_reading), oldest first:
    # [{"at", "added", "removed"}]. ``themes`` already holds the corrected reading, so that
    # /bilan, the SWOT and the goal ideas use it; the analyzer's own reading is ``themes``
    # with these undone. None for a feedback never corrected.
    reading_corrections: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)


class Swot(Base):
    """A self-assessment (coach.swot): four lists of short French phrases, kept with its date
    so that a later one can be compared with it. Each save adds a row; edits update it."""

    __tablename__ = "swots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    strengths: Mapped[list[str]] = mapped_column(JSON, default=list)
    weaknesses: Mapped[list[str]] = mapped_column(JSON, default=list)
    opportunities: Mapped[list[str]] = mapped_column(JSON, default=list)
    threats: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Goal(Base):
    """A SMART goal (coach.smart): what, how it is measured, first steps, the feedback theme
    it answers and a deadline; its milestones carry the reminders."""

    __tablename__ = "goals"
    __table_args__ = (
        CheckConstraint("progress >= 0 AND progress <= 100", name="progress_range"),
        CheckConstraint("status IN ('active', 'done', 'abandoned')", name="status_known"),
        CheckConstraint("review_every_days > 0", name="review_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    specific: Mapped[str | None] = mapped_column(Text)
    measure: Mapped[str | None] = mapped_column(Text)
    first_steps: Mapped[list[str]] = mapped_column(JSON, default=list)
    resources: Mapped[list[str]] = mapped_column(JSON, default=list)
    theme: Mapped[str | None] = mapped_column(String(32))  # one of coach.feedback.THEMES
    deadline: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="active")
    progress: Mapped[int] = mapped_column(Integer, default=0)  # percent, 0–100
    review_every_days: Mapped[int] = mapped_column(Integer, default=21, server_default=text("21"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    completed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="goal",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Milestone.position",
    )


class Milestone(Base):
    """One step of a goal, due on a local date; ``user_id`` too, so that /export and
    /supprimer reach it like every other row of the person."""

    __tablename__ = "milestones"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("goals.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[dt.date] = mapped_column(Date)
    done_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    position: Mapped[int] = mapped_column(Integer)

    goal: Mapped[Goal] = relationship(back_populates="milestones")


class StarAnswer(Base):
    """An interview answer built with the STAR method (coach.star), for a question the
    person chose."""

    __tablename__ = "star_answers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    question: Mapped[str] = mapped_column(Text)
    situation: Mapped[str] = mapped_column(Text)
    task: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(Text)
    result: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class InboxUpdate(Base):
    """An incoming Telegram update, stored before Telegram is told it arrived and deleted
    once it has been answered (coach.inbox). Not a record about the person: a queue that
    survives a crash. It may exist before consent, so it is keyed by the Telegram user id
    and /supprimer clears it by that id."""

    __tablename__ = "inbox_updates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    update_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    telegram_user_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Set when processing begins: a row still started after a crash was maybe half done.
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    # The bot process answering it, and until when that process vouches for it: with several
    # bot processes, a row whose lease ran out belongs to a process that died and is taken
    # up by another one (coach.inbox.claim_orphans).
    owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), index=True)


class SendBudget(Base):
    """The sending budget of one bot token, shared by every process sending with it
    (coach.send_budget). Holds no data about anyone."""

    __tablename__ = "send_budgets"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    tokens: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    paused_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class SafetyPlan(Base):
    """The person's own safety plan (coach.safety_plan): what they notice, what calms them,
    whom they can call, where they feel safe, the professional who follows them. At most
    one per person; every part may stay empty. Shown after a crisis answer and with /plan,
    used for nothing else."""

    __tablename__ = "safety_plans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), unique=True, index=True
    )
    warning_signs: Mapped[str | None] = mapped_column(Text)
    calming: Mapped[str | None] = mapped_column(Text)
    people: Mapped[str | None] = mapped_column(Text)
    places: Mapped[str | None] = mapped_column(Text)
    professionals: Mapped[str | None] = mapped_column(Text)
    # The part the person is writing now (its next typed message is that part), since when,
    # and whether the plan is being walked through part after part (else one part alone).
    editing: Mapped[str | None] = mapped_column(String(32))
    editing_since: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    walkthrough: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class JobApplication(Base):
    """An application in progress or closed (coach.pipeline): where it was sent, how, and
    the stage it reached. A rejection logged for it points back here (``rejection_id``), so
    that the rejection flow continues this record instead of starting another one."""

    __tablename__ = "job_applications"
    __table_args__ = (
        CheckConstraint(
            "stage IN ('sent', 'interview', 'interviewed', 'test', 'offer', 'rejected',"
            " 'no_answer', 'withdrawn')",
            name="stage_known",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    company: Mapped[str] = mapped_column(String(200))
    position: Mapped[str | None] = mapped_column(String(200))
    applied_on: Mapped[dt.date] = mapped_column(Date)
    # site / email / network / fair / spontaneous / agency / other (coach.pipeline.CHANNELS)
    channel: Mapped[str | None] = mapped_column(String(16))
    link: Mapped[str | None] = mapped_column(String(500))
    contact: Mapped[str | None] = mapped_column(String(200))
    stage: Mapped[str] = mapped_column(String(16), default="sent", server_default="sent")
    # The last news (a stage change), for "days since the last news" and the nudges.
    stage_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The next (or last) interview, when one is scheduled: an aware instant.
    interview_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    rejection_id: Mapped[int | None] = mapped_column(
        ForeignKey("rejections.id", ondelete="SET NULL")
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Activity(Base):
    """One job-search step (« démarche ») on a local date, for the proof of activity that
    France Travail may ask for (coach.activity_report): what Rebond saw happen (an
    application sent, an interview, a follow-up) and what the person adds that happened
    outside it (a workshop, a job fair, a training, a networking coffee)."""

    __tablename__ = "activities"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # coach.activity_report.KINDS: application, interview, follow_up, test, workshop,
    # job_fair, training, networking, other
    kind: Mapped[str] = mapped_column(String(24))
    happened_on: Mapped[dt.date] = mapped_column(Date)
    company: Mapped[str | None] = mapped_column(String(200))
    position: Mapped[str | None] = mapped_column(String(200))
    channel: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(String(300))
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("job_applications.id", ondelete="SET NULL")
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
