"""Reasons and confidence on answers; check-in/check-out forms and practice rounds.

Revision ID: 0003
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Only new nullable or defaulted columns and a new table: SQLite adds them in place, so no
    # table is rebuilt (rebuilding `attempts` would cascade-delete every saved answer).
    op.add_column("answers", sa.Column("reason", sa.String(64), nullable=True))
    op.add_column("answers", sa.Column("reason_correct", sa.Boolean(), nullable=True))
    op.add_column("answers", sa.Column("confidence", sa.String(16), nullable=True))
    for name in ("check_in_count", "check_out_count"):
        op.add_column(
            "attempts",
            sa.Column(name, sa.Integer(), nullable=False, server_default=sa.text("0")),
        )
    op.create_table(
        "practice_rounds",
        sa.Column(
            "attempt_id",
            sa.Integer(),
            sa.ForeignKey("attempts.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "root_id",
            sa.Integer(),
            sa.ForeignKey("attempts.id", ondelete="CASCADE"),
            nullable=False,
        ),
    )
    op.create_index("ix_practice_rounds_root_id", "practice_rounds", ["root_id"])


def downgrade() -> None:
    op.drop_index("ix_practice_rounds_root_id", table_name="practice_rounds")
    op.drop_table("practice_rounds")
    for table, column in (
        ("attempts", "check_out_count"),
        ("attempts", "check_in_count"),
        ("answers", "confidence"),
        ("answers", "reason_correct"),
        ("answers", "reason"),
    ):
        op.drop_column(table, column)
