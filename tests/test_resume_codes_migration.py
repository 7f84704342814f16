"""Revision 0009 gives every attempt a student joined with a name a resume code, and none to a
public attempt; going back down keeps the attempts and their answers."""

import re

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, text

from quiz_app import db
from quiz_app.classroom.assignments import CODE_ALPHABET, CODE_LENGTH
from quiz_app.paths import bundled

ROWS = [
    "INSERT INTO teachers (id, email, password_hash, timezone, created_at) "
    "VALUES (1, 'ada@school.org', 'x', 'UTC', CURRENT_TIMESTAMP)",
    "INSERT INTO assignments (id, teacher_id, title, join_code, source, pool, question_count, "
    "check_in, check_out, shuffle, feedback_mode, attempts_allowed, identity, closed, "
    "created_at, embed_origins) VALUES (1, 1, 'Year 9', 'ABCDEF', '{}', '[\"legal-01\"]', 1, "
    "'[]', '[]', false, 'immediate', 1, 'name', false, CURRENT_TIMESTAMP, '')",
    "INSERT INTO attempts (id, token, set_id, seed, question_ids, created_at) "
    "VALUES (1, 'public', 'full-check', 1, '[\"legal-01\"]', CURRENT_TIMESTAMP)",
    "INSERT INTO attempts (id, token, set_id, seed, question_ids, created_at, assignment_id, "
    "student_name) VALUES (2, 'joined', 'assignment-1', 1, '[\"legal-01\"]', "
    "CURRENT_TIMESTAMP, 1, 'Sam')",
    "INSERT INTO answers (attempt_id, question_id, answer, correct, created_at) "
    "VALUES (2, 'legal-01', 'research', false, CURRENT_TIMESTAMP)",
]


def _migrate(engine: Engine, way: str, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(bundled("migrations")))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        getattr(command, way)(config, revision)


def test_upgrade_to_0009_gives_joined_attempts_a_resume_code_and_down_keeps_answers(
    database_url: str,
) -> None:
    engine = db.make_engine(database_url)
    _migrate(engine, "upgrade", "0008")
    with engine.begin() as connection:
        for row in ROWS:
            connection.execute(text(row))
    _migrate(engine, "upgrade", "0009")
    with engine.connect() as connection:
        codes = dict(connection.execute(text("SELECT token, resume_code FROM attempts")).all())
    assert codes["public"] is None
    assert re.fullmatch(f"[{CODE_ALPHABET}]{{{CODE_LENGTH}}}", codes["joined"])

    _migrate(engine, "downgrade", "0008")
    with engine.connect() as connection:
        answers = connection.execute(text("SELECT attempt_id, answer FROM answers")).all()
    engine.dispose()
    assert [tuple(a) for a in answers] == [(2, "research")]
