"""Revision 0003 adds reasons, confidence, check forms and practice rounds without losing or
breaking anything saved before it."""

from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from fastapi.testclient import TestClient
from sqlalchemy import inspect, text

from quiz_app import db
from quiz_app.config import Settings
from quiz_app.main import create_app
from quiz_app.paths import bundled

# The migrations themselves are checked here: no schema template (tests/conftest.py).
pytestmark = pytest.mark.migrations


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(bundled("migrations")))
    return config


def _run(database_url: str, action: str, revision: str) -> None:
    engine = db.make_engine(database_url)
    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        getattr(command, action)(config, revision)
    engine.dispose()


def test_answers_saved_before_reasons_still_show_feedback_and_results(
    database_url: str, tmp_path: Path
) -> None:
    _run(database_url, "upgrade", "0001")
    engine = db.make_engine(database_url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO attempts (id, token, set_id, seed, question_ids, created_at) "
                "VALUES (1, 'old-token', 'micro-not-safe', 1, '[\"legal-01\", \"legal-02\"]', "
                "CURRENT_TIMESTAMP)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO answers (attempt_id, question_id, answer, correct, created_at) "
                "VALUES (1, 'legal-01', 'research', false, CURRENT_TIMESTAMP)"
            )
        )
    engine.dispose()

    app = create_app(Settings(database_url=database_url, htmx_source="local", data_dir=tmp_path))
    with TestClient(app, follow_redirects=False) as client:
        old_link = client.get("/a/old-token/q/legal-01")
        assert old_link.status_code == 308
        assert old_link.headers["location"] == "/a/old-token/q/1"
        feedback = client.get("/a/old-token/q/1")
        results = client.get("/a/old-token/results")
        with app.state.engine.connect() as connection:
            row = connection.execute(
                text("SELECT reason, reason_correct, confidence FROM answers")
            ).one()
            counts = connection.execute(
                text("SELECT check_in_count, check_out_count FROM attempts")
            ).one()
    app.state.engine.dispose()
    assert tuple(row) == (None, None, None)
    assert tuple(counts) == (0, 0)
    assert feedback.status_code == 200
    assert "Not quite: this is Unsupported" in feedback.text
    assert "Your reason" not in feedback.text
    assert results.status_code == 200
    assert "You have 1 of 2 questions left" in results.text
    assert "Your reasons" not in results.text


def test_downgrade_below_0003_and_upgrade_again(database_url: str) -> None:
    previous = ScriptDirectory.from_config(_config()).get_revision("0003").down_revision
    assert isinstance(previous, str)
    _run(database_url, "upgrade", "head")
    _run(database_url, "downgrade", previous)
    engine = db.make_engine(database_url)
    with engine.connect() as connection:
        tables = inspect(connection).get_table_names()
        answer_columns = {c["name"] for c in inspect(connection).get_columns("answers")}
    engine.dispose()
    assert "practice_rounds" not in tables
    assert not {"reason", "reason_correct", "confidence"} & answer_columns
    _run(database_url, "upgrade", "head")
