"""Attempts at an assignment carry a resume code: a student who lost their quiz page types it
with their name on the join page to get back into their own unfinished attempt.

Revision ID: 0009
Revises: 0008
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# As classroom/assignments.CODE_ALPHABET and CODE_LENGTH, copied: a migration keeps the rules
# of its own day, whatever the app's code says later.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 6


def upgrade() -> None:
    # A plain ADD COLUMN (no batch copy), as in 0008: copying the attempts table on SQLite
    # would drop it, and its answers with it.
    op.add_column("attempts", sa.Column("resume_code", sa.String(8), nullable=True))
    # Students already in an assignment (joined with a name, not launched from an LMS) get one.
    attempts = sa.table("attempts", sa.column("id"), sa.column("resume_code"))
    connection = op.get_bind()
    joined = connection.execute(
        sa.text(
            "SELECT id FROM attempts WHERE assignment_id IS NOT NULL "
            "AND id NOT IN (SELECT attempt_id FROM lti_attempts)"
        )
    )
    for (attempt_id,) in list(joined):
        code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
        connection.execute(
            attempts.update().where(attempts.c.id == attempt_id).values(resume_code=code)
        )


def downgrade() -> None:
    op.drop_column("attempts", "resume_code")
