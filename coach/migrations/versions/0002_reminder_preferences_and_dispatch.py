"""reminder preferences (quiet hours, pause, muted kinds, weekly reflection) and dispatch lease

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 17:30:11.482774

Server defaults let existing users migrate with the product defaults (quiet hours
21:00–08:30, reminders on, nothing muted, no weekly reflection).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import coach.models

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("next_attempt_at", coach.models.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("claimed_by", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("claimed_at", coach.models.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("last_error", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("response", sa.String(length=16), nullable=True))

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "quiet_start", sa.Time(), server_default=sa.text("'21:00:00'"), nullable=False
            )
        )
        batch_op.add_column(
            sa.Column("quiet_end", sa.Time(), server_default=sa.text("'08:30:00'"), nullable=False)
        )
        batch_op.add_column(
            sa.Column("reminders_paused", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("muted_kinds", sa.JSON(), server_default=sa.text("'[]'"), nullable=False)
        )
        batch_op.add_column(sa.Column("reflection_weekday", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("reflection_hour", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("reflection_hour")
        batch_op.drop_column("reflection_weekday")
        batch_op.drop_column("muted_kinds")
        batch_op.drop_column("reminders_paused")
        batch_op.drop_column("quiet_end")
        batch_op.drop_column("quiet_start")

    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.drop_column("response")
        batch_op.drop_column("last_error")
        batch_op.drop_column("claimed_at")
        batch_op.drop_column("claimed_by")
        batch_op.drop_column("next_attempt_at")
