"""feedbacks

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import coach.models

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feedbacks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("rejection_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("themes", sa.JSON(), nullable=False),
        sa.Column("signals", sa.JSON(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("received_at", coach.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_at", coach.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["rejection_id"],
            ["rejections.id"],
            name=op.f("fk_feedbacks_rejection_id_rejections"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_feedbacks_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedbacks")),
    )
    with op.batch_alter_table("feedbacks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_feedbacks_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("feedbacks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedbacks_user_id"))
    op.drop_table("feedbacks")
