"""moods

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 22:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import coach.models

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "moods",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("rejection_id", sa.Integer(), nullable=True),
        sa.Column("mood", sa.String(length=16), nullable=False),
        sa.Column("created_at", coach.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["rejection_id"],
            ["rejections.id"],
            name=op.f("fk_moods_rejection_id_rejections"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_moods_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moods")),
    )
    with op.batch_alter_table("moods", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_moods_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("moods", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_moods_user_id"))
    op.drop_table("moods")
