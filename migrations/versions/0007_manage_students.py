"""Teachers manage one student of an assignment: per-student allowances (another attempt, a
later closing time) and the assignment's log of what they did.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "student_allowances",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "assignment_id",
            sa.Integer(),
            sa.ForeignKey("assignments.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("student_key", sa.String(80), nullable=False),
        sa.Column("extra_attempts", sa.Integer(), nullable=False),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("assignment_id", "student_key", name="uq_student_allowance"),
    )
    op.create_index("ix_student_allowances_assignment_id", "student_allowances", ["assignment_id"])
    op.create_table(
        "assignment_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "assignment_id",
            sa.Integer(),
            sa.ForeignKey("assignments.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "teacher_id",
            sa.Integer(),
            sa.ForeignKey("teachers.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("student_name", sa.String(80), nullable=False),
        sa.Column("details", sa.String(500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_assignment_events_assignment_id", "assignment_events", ["assignment_id"])
    op.create_index("ix_assignment_events_teacher_id", "assignment_events", ["teacher_id"])


def downgrade() -> None:
    op.drop_table("assignment_events")
    op.drop_table("student_allowances")
