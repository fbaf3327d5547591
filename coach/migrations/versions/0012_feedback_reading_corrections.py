"""feedbacks: the person's corrections of how a feedback was read

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 16:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable: rows written before have no correction (read as an empty list).
    with op.batch_alter_table("feedbacks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reading_corrections", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("feedbacks", schema=None) as batch_op:
        batch_op.drop_column("reading_corrections")
