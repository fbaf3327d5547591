"""inbox rows owned by one bot process under a lease, so that several can run

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 13:20:00

Rows stored before this revision have no owner: the first process to start takes them up.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import coach.models

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("inbox_updates", sa.Column("owner", sa.String(length=64), nullable=True))
    op.add_column(
        "inbox_updates",
        sa.Column("lease_until", coach.models.UTCDateTime(timezone=True), nullable=True),
    )
    op.create_index(op.f("ix_inbox_updates_lease_until"), "inbox_updates", ["lease_until"])


def downgrade() -> None:
    op.drop_index(op.f("ix_inbox_updates_lease_until"), table_name="inbox_updates")
    with op.batch_alter_table("inbox_updates") as batch:
        batch.drop_column("lease_until")
        batch.drop_column("owner")
