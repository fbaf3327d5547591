"""The person's own writing: journal entries, weekly reflections, lists of successes, and
answers to the questions on an interview asked while reading a feedback ("interview")."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from coach.models import JournalEntry, User

# "thought_record": the self-blame exercise (coach.thought_record), stored as readable text.
KINDS = frozenset({"journal", "reflection", "successes", "interview", "thought_record"})
MAX_TEXT = 4000


def add_entry(
    session: Session,
    user: User,
    kind: str,
    text: str,
    *,
    prompt: str | None = None,
    rejection_id: int | None = None,
) -> JournalEntry | None:
    """Store one entry; blank text stores nothing. Long text is kept up to MAX_TEXT."""
    if kind not in KINDS:
        raise ValueError(f"unknown journal kind: {kind!r}")
    text = text.strip()
    if not text:
        return None
    entry = JournalEntry(
        user_id=user.id,
        kind=kind,
        text=text[:MAX_TEXT],
        prompt=prompt[:300] if prompt else None,
        rejection_id=rejection_id,
    )
    session.add(entry)
    session.flush()
    return entry


def recent_entries(session: Session, user: User, *, limit: int = 5) -> list[JournalEntry]:
    return list(
        session.scalars(
            select(JournalEntry)
            .where(JournalEntry.user_id == user.id)
            .order_by(JournalEntry.created_at.desc(), JournalEntry.id.desc())
            .limit(limit)
        )
    )
