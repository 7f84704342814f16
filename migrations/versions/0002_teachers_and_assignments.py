"""Teachers, their sessions and questions, assignments; attempts can belong to an assignment.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


@contextmanager
def _answers_kept_on_sqlite() -> Iterator[None]:
    """Keep every saved answer through a SQLite batch migration of the attempts table.

    SQLite alters a table by copying it and dropping the original; with foreign keys on (they
    cannot be turned off inside the migration's transaction), dropping attempts would
    cascade-delete every answer. So the answers are set aside first and put back afterwards.
    """
    if op.get_bind().dialect.name != "sqlite":
        yield
        return
    op.execute("CREATE TABLE _answers_kept AS SELECT * FROM answers")
    yield
    op.execute("DELETE FROM answers")
    op.execute("INSERT INTO answers SELECT * FROM _answers_kept")
    op.execute("DROP TABLE _answers_kept")


def _teacher_fk() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(
        "teacher_id",
        sa.Integer(),
        sa.ForeignKey("teachers.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    )


def upgrade() -> None:
    op.create_table(
        "teachers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("email", sa.String(254), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "teacher_sessions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        _teacher_fk(),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "login_throttles",
        sa.Column("key", sa.String(320), primary_key=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("locks", sa.Integer(), nullable=False),
    )
    op.create_table(
        "assignments",
        sa.Column("id", sa.Integer(), primary_key=True),
        _teacher_fk(),
        sa.Column("title", sa.String(120), nullable=False),
        sa.Column("join_code", sa.String(8), nullable=False, unique=True),
        sa.Column("source", sa.JSON(), nullable=False),
        sa.Column("pool", sa.JSON(), nullable=False),
        sa.Column("question_count", sa.Integer(), nullable=False),
        sa.Column("shuffle", sa.Boolean(), nullable=False),
        sa.Column("feedback_mode", sa.String(16), nullable=False),
        sa.Column("attempts_allowed", sa.Integer(), nullable=False),
        sa.Column("opens_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("identity", sa.String(16), nullable=False),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "teacher_questions",
        sa.Column("id", sa.Integer(), primary_key=True),
        _teacher_fk(),
        sa.Column("local_id", sa.String(50), nullable=False),
        sa.Column("question_id", sa.String(64), nullable=False, unique=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("teacher_id", "local_id", name="uq_teacher_question_id"),
    )
    with _answers_kept_on_sqlite(), op.batch_alter_table("attempts") as batch:
        batch.add_column(sa.Column("assignment_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("student_name", sa.String(80), nullable=True))
        batch.add_column(sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_foreign_key(
            "fk_attempts_assignment_id",
            "assignments",
            ["assignment_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch.create_index("ix_attempts_assignment_id", ["assignment_id"])


def downgrade() -> None:
    with _answers_kept_on_sqlite(), op.batch_alter_table("attempts") as batch:
        batch.drop_index("ix_attempts_assignment_id")
        batch.drop_constraint("fk_attempts_assignment_id", type_="foreignkey")
        batch.drop_column("assignment_id")
        batch.drop_column("submitted_at")
        batch.drop_column("student_name")
    op.drop_table("teacher_questions")
    op.drop_table("assignments")
    op.drop_table("login_throttles")
    op.drop_table("teacher_sessions")
    op.drop_table("teachers")
