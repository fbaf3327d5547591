"""one sending budget per bot token, shared by every sending process

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 13:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import coach.models

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "send_budgets",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("tokens", sa.Float(), nullable=False),
        sa.Column("updated_at", coach.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("paused_until", coach.models.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_send_budgets")),
    )


def downgrade() -> None:
    op.drop_table("send_budgets")
