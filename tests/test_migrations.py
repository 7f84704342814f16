"""The schema comes from Alembic migrations, and upgrading keeps what students saved."""

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from quiz_app import db
from quiz_app.config import Settings
from quiz_app.main import create_app
from quiz_app.models import Base
from quiz_app.paths import bundled

# The migrations themselves are checked here: no schema template (tests/conftest.py).
pytestmark = pytest.mark.migrations


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(bundled("migrations")))
    return config


def test_migrations_match_the_models(database_url: str) -> None:
    engine = db.make_engine(database_url)
    db.upgrade(engine)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert diff == []


def test_upgrade_from_first_revision_keeps_saved_attempts(database_url: str) -> None:
    engine = db.make_engine(database_url)
    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO attempts (id, token, set_id, seed, question_ids, created_at) "
                "VALUES (1, 'old-token', 'full-check', 1, '[\"legal-01\"]', CURRENT_TIMESTAMP)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO answers (attempt_id, question_id, answer, correct, created_at) "
                "VALUES (1, 'legal-01', 'research', false, CURRENT_TIMESTAMP)"
            )
        )
    engine.dispose()

    app = create_app(Settings(database_url=database_url, htmx_source="local"))
    with app.state.engine.connect() as connection:
        head = ScriptDirectory.from_config(config).get_current_head()
        assert MigrationContext.configure(connection).get_current_revision() == head
        rows = connection.execute(text("SELECT question_id, answer FROM answers")).all()
    app.state.engine.dispose()
    assert [tuple(r) for r in rows] == [("legal-01", "research")]


def test_default_database_is_sqlite_file_in_created_data_dir(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("QUIZ_DATABASE_URL", raising=False)
    data_dir = tmp_path / "new" / "data"
    app = create_app(Settings(data_dir=data_dir, htmx_source="local"))
    app.state.engine.dispose()
    assert (data_dir / "claim-check.db").is_file()
    with db.make_engine(f"sqlite:///{data_dir / 'claim-check.db'}").connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"


def test_downgrade_from_teachers_keeps_saved_answers(database_url: str) -> None:
    """Revision 0002 alters the attempts table; on SQLite that copies it. Answers survive."""
    engine = db.make_engine(database_url)
    db.upgrade(engine)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO attempts (id, token, set_id, seed, question_ids, created_at) "
                "VALUES (1, 'tok', 'full-check', 1, '[\"legal-01\"]', CURRENT_TIMESTAMP)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO answers (attempt_id, question_id, answer, correct, created_at) "
                "VALUES (1, 'legal-01', 'research', false, CURRENT_TIMESTAMP)"
            )
        )
    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0001")
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT question_id, answer FROM answers")).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [("legal-01", "research")]
