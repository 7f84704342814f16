"""Assignments can list the sites whose course pages may frame them.

Revision ID: 0005
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN (no batch copy): on SQLite, copying the assignments table would drop
    # the original, and its ON DELETE CASCADE would take every attempt and answer with it.
    op.add_column(
        "assignments",
        sa.Column("embed_origins", sa.String(1000), nullable=False, server_default=""),
    )


def downgrade() -> None:
    # SQLite (3.35 and later) drops a column in place, so attempts and answers stay.
    op.drop_column("assignments", "embed_origins")
