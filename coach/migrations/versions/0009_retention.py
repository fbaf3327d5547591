"""retention: when each person was last active, and when they were warned

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 11:00:00

``last_active_at`` is backfilled with the latest moment we know the person did something:
their consent, or the newest row they created (a mood, a journal entry, a feedback…), so
that nobody active is warned on the first retention run. The column stays nullable: adding
a NOT NULL column on SQLite means rebuilding ``users``, and dropping that table with foreign
keys on would cascade into every table that hangs off it.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

import coach.models

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# Tables with the moments a person acted, and the column that says when.
_ACTIVITY_COLUMNS = (
    ("rejections", "created_at"),
    ("moods", "created_at"),
    ("journal_entries", "created_at"),
    ("feedback_requests", "created_at"),
    ("feedbacks", "created_at"),
    ("swots", "updated_at"),
    ("goals", "updated_at"),
    ("star_answers", "created_at"),
)


def upgrade() -> None:
    op.add_column(
        "users",
        sa.Column("last_active_at", coach.models.UTCDateTime(timezone=True), nullable=True),
    )
    op.add_column(
        "users",
        sa.Column("retention_warned_at", coach.models.UTCDateTime(timezone=True), nullable=True),
    )
    op.create_index(op.f("ix_users_last_active_at"), "users", ["last_active_at"], unique=False)
    _backfill(op.get_bind())


def _backfill(connection: sa.Connection) -> None:
    moment = coach.models.UTCDateTime()
    users = sa.table(
        "users",
        sa.column("id", sa.Integer()),
        sa.column("consent_at", moment),
        sa.column("created_at", moment),
        sa.column("last_active_at", moment),
    )
    latest: dict[int, dt.datetime] = {}

    def keep(user_id: int, value: dt.datetime | None) -> None:
        if value is not None and (user_id not in latest or value > latest[user_id]):
            latest[user_id] = value

    for user_id, consent_at, created_at in connection.execute(
        sa.select(users.c.id, users.c.consent_at, users.c.created_at)
    ):
        keep(user_id, consent_at)
        keep(user_id, created_at)
    for name, column in _ACTIVITY_COLUMNS:
        table = sa.table(name, sa.column("user_id", sa.Integer()), sa.column(column, moment))
        rows = connection.execute(
            sa.select(table.c.user_id, sa.func.max(table.c[column])).group_by(table.c.user_id)
        )
        for user_id, value in rows:
            keep(user_id, value)
    if latest:
        connection.execute(
            users.update()
            .where(users.c.id == sa.bindparam("user_id"))
            .values(last_active_at=sa.bindparam("moment")),
            [{"user_id": user_id, "moment": value} for user_id, value in latest.items()],
        )


def downgrade() -> None:
    # Plain ALTER TABLE … DROP COLUMN (SQLite ≥ 3.35): no rebuild of ``users``, see above.
    op.drop_index(op.f("ix_users_last_active_at"), table_name="users")
    op.drop_column("users", "retention_warned_at")
    op.drop_column("users", "last_active_at")
