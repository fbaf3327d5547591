"""One sending budget per bot token, shared by every process that sends with it.

Telegram allows a bot about 30 messages per second in all, whatever the number of processes
sending for it. Each reminder dispatcher paces itself (``bot.dispatcher.TokenBucket``); this
module adds the global cap: a token bucket kept in one database row (``send_budgets``) that
processes draw from a few tokens at a time. A pause Telegram asked for (``RetryAfter``)
is written there too, so that every process honours it.

The row is read and written in one short transaction: ``SELECT … FOR UPDATE`` on PostgreSQL,
``BEGIN IMMEDIATE`` on SQLite (the same locking as ``coach.reminders.claim_due``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from coach.db import transaction
from coach.models import SendBudget, utcnow
from coach.reminders import begin_write


@dataclass(frozen=True)
class Draw:
    """What one draw gave: ``tokens`` messages may go now; otherwise wait ``wait`` seconds."""

    tokens: int
    wait: float


def _locked_row(session: Session, name: str) -> SendBudget | None:
    begin_write(session)
    if session.get_bind().dialect.name == "sqlite":
        return session.get(SendBudget, name)
    return session.scalars(
        select(SendBudget).where(SendBudget.name == name).with_for_update()
    ).first()


def draw(
    factory: sessionmaker[Session],
    name: str,
    *,
    rate: float,
    wanted: int,
    now: dt.datetime | None = None,
) -> Draw:
    """Take up to ``wanted`` tokens from the budget ``name`` (refilled at ``rate`` per
    second, holding at most a quarter of a second's worth, at least one)."""
    if rate <= 0 or wanted < 1:
        raise ValueError("rate and wanted must be positive")
    now = now or utcnow()
    capacity = max(1.0, rate / 4)
    for _attempt in range(2):
        try:
            with transaction(factory) as session:
                row = _locked_row(session, name)
                if row is None:
                    session.add(SendBudget(name=name, tokens=capacity, updated_at=now))
                    session.flush()
                    row = session.get(SendBudget, name)
                    assert row is not None
                if row.paused_until is not None and row.paused_until > now:
                    return Draw(0, (row.paused_until - now).total_seconds())
                elapsed = max(0.0, (now - row.updated_at).total_seconds())
                tokens = min(capacity, row.tokens + elapsed * rate)
                row.updated_at = max(row.updated_at, now)
                if tokens < 1.0:
                    row.tokens = tokens
                    return Draw(0, (1.0 - tokens) / rate)
                taken = min(wanted, int(tokens))
                row.tokens = tokens - taken
                return Draw(taken, 0.0)
        except IntegrityError:
            continue  # another process created the row at the same moment: read it
    raise RuntimeError("could not read the sending budget")


def pause(
    factory: sessionmaker[Session], name: str, seconds: float, *, now: dt.datetime | None = None
) -> None:
    """Telegram asked to wait (``RetryAfter``): no process draws before then."""
    now = now or utcnow()
    until = now + dt.timedelta(seconds=seconds)
    with transaction(factory) as session:
        row = _locked_row(session, name)
        if row is None:
            session.add(SendBudget(name=name, tokens=0.0, updated_at=now, paused_until=until))
            return
        row.tokens = 0.0
        row.updated_at = max(row.updated_at, now)
        if row.paused_until is None or row.paused_until < until:
            row.paused_until = until
