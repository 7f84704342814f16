"""Class mode: a class run per assignment, the students in it, and revotes beside answers.

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "class_runs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "assignment_id",
            sa.Integer(),
            sa.ForeignKey("assignments.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("question_ids", sa.JSON(), nullable=False),
        sa.Column("check_in_count", sa.Integer(), nullable=False),
        sa.Column("check_out_count", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(16), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("step_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_class_runs_assignment_id", "class_runs", ["assignment_id"])
    op.create_table(
        "class_run_students",
        sa.Column(
            "run_id",
            sa.Integer(),
            sa.ForeignKey("class_runs.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "attempt_id",
            sa.Integer(),
            sa.ForeignKey("attempts.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_class_run_students_attempt_id", "class_run_students", ["attempt_id"])
    op.create_table(
        "revotes",
        sa.Column(
            "answer_id",
            sa.Integer(),
            sa.ForeignKey("answers.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("answer", sa.String(16), nullable=False),
        sa.Column("correct", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(64), nullable=True),
        sa.Column("reason_correct", sa.Boolean(), nullable=True),
        sa.Column("confidence", sa.String(16), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("revotes")
    op.drop_index("ix_class_run_students_attempt_id", "class_run_students")
    op.drop_table("class_run_students")
    op.drop_index("ix_class_runs_assignment_id", "class_runs")
    op.drop_table("class_runs")
