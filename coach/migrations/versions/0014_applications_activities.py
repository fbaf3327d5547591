"""job_applications, activities, users.awaiting: the whole search

Applications in progress, job-search steps, and the short question the bot itself asked
(its typed answer is read before Rasa).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 00:05:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import coach.models

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("awaiting", sa.String(length=48), nullable=True))
        batch_op.add_column(
            sa.Column("awaiting_since", coach.models.UTCDateTime(timezone=True), nullable=True)
        )
    op.create_table(
        "job_applications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("company", sa.String(length=200), nullable=False),
        sa.Column("position", sa.String(length=200), nullable=True),
        sa.Column("applied_on", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=True),
        sa.Column("link", sa.String(length=500), nullable=True),
        sa.Column("contact", sa.String(length=200), nullable=True),
        sa.Column("stage", sa.String(length=16), server_default="sent", nullable=False),
        sa.Column("stage_at", coach.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("interview_at", coach.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("rejection_id", sa.Integer(), nullable=True),
        sa.Column("created_at", coach.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", coach.models.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "stage IN ('sent', 'interview', 'interviewed', 'test', 'offer', 'rejected',"
            " 'no_answer', 'withdrawn')",
            name=op.f("ck_job_applications_stage_known"),
        ),
        sa.ForeignKeyConstraint(
            ["rejection_id"],
            ["rejections.id"],
            name=op.f("fk_job_applications_rejection_id_rejections"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_job_applications_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_applications")),
    )
    with op.batch_alter_table("job_applications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_job_applications_user_id"), ["user_id"], unique=False)
    op.create_table(
        "activities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("happened_on", sa.Date(), nullable=False),
        sa.Column("company", sa.String(length=200), nullable=True),
        sa.Column("position", sa.String(length=200), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=True),
        sa.Column("note", sa.String(length=300), nullable=True),
        sa.Column("application_id", sa.Integer(), nullable=True),
        sa.Column("created_at", coach.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["job_applications.id"],
            name=op.f("fk_activities_application_id_job_applications"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_activities_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activities")),
    )
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_activities_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_activities_user_id"))
    op.drop_table("activities")
    with op.batch_alter_table("job_applications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_job_applications_user_id"))
    op.drop_table("job_applications")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("awaiting_since")
        batch_op.drop_column("awaiting")
