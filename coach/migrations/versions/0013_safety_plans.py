"""safety_plans: the person's own safety plan (/plan)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 20:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import coach.models

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "safety_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("warning_signs", sa.Text(), nullable=True),
        sa.Column("calming", sa.Text(), nullable=True),
        sa.Column("people", sa.Text(), nullable=True),
        sa.Column("places", sa.Text(), nullable=True),
        sa.Column("professionals", sa.Text(), nullable=True),
        sa.Column("editing", sa.String(length=32), nullable=True),
        sa.Column("editing_since", coach.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("walkthrough", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_at", coach.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", coach.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_safety_plans_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safety_plans")),
    )
    with op.batch_alter_table("safety_plans", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_safety_plans_user_id"), ["user_id"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("safety_plans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_safety_plans_user_id"))
    op.drop_table("safety_plans")
