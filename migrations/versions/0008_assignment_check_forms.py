"""Assignments keep the check-in and check-out forms of the set they were made from.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

COLUMNS = ("check_in", "check_out")


def upgrade() -> None:
    # Plain ADD COLUMNs (no batch copy): on SQLite, copying the assignments table would drop
    # the original, and its ON DELETE CASCADE would take every attempt and answer with it.
    for name in COLUMNS:
        op.add_column(
            "assignments", sa.Column(name, sa.JSON(), nullable=False, server_default="[]")
        )


def downgrade() -> None:
    # SQLite (3.35 and later) drops a column in place, so attempts and answers stay.
    for name in COLUMNS:
        op.drop_column("assignments", name)
