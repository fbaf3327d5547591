"""inbox of incoming updates, stored before they are acknowledged

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 09:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import coach.models

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inbox_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("update_id", sa.BigInteger(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("telegram_user_id", sa.BigInteger(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("received_at", coach.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_at", coach.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox_updates")),
        sa.UniqueConstraint("update_id", name=op.f("uq_inbox_updates_update_id")),
    )
    op.create_index(op.f("ix_inbox_updates_chat_id"), "inbox_updates", ["chat_id"])
    op.create_index(
        op.f("ix_inbox_updates_telegram_user_id"), "inbox_updates", ["telegram_user_id"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_inbox_updates_telegram_user_id"), table_name="inbox_updates")
    op.drop_index(op.f("ix_inbox_updates_chat_id"), table_name="inbox_updates")
    op.drop_table("inbox_updates")
