"""What the mood history picture needs from storage (the drawing is ``coach.charts``).

Read in one session, then drawn outside it: the moods (UTC moments), the rejections that
mark the calendar (their day and company) and the person's today in their timezone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from coach.feedbacks import mood_series
from coach.models import Rejection, User
from coach.reminders import user_day

__all__ = ["MoodHistoryInput", "history_input", "rejection_markers"]


@dataclass(frozen=True)
class MoodHistoryInput:
    moods: list[tuple[dt.datetime, str]]
    rejections: list[tuple[dt.date | None, str | None]]
    today: dt.date
    timezone: str


def rejection_markers(session: Session, user: User) -> list[tuple[dt.date | None, str | None]]:
    """(day the rejection arrived, company) of every rejection, oldest first; a rejection
    without a date counts on the day it was logged (in the person's timezone)."""
    rows = session.execute(
        select(Rejection.rejection_date, Rejection.created_at, Rejection.company)
        .where(Rejection.user_id == user.id)
        .order_by(Rejection.created_at, Rejection.id)
    )
    return [(day or user_day(user, created), company) for day, created, company in rows]


def history_input(session: Session, user: User, *, now: dt.datetime) -> MoodHistoryInput:
    return MoodHistoryInput(
        moods=mood_series(session, user),
        rejections=rejection_markers(session, user),
        today=user_day(user, now),
        timezone=user.timezone,
    )
