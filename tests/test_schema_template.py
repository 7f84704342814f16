"""The tests' schema template (tests/support/schema_template.py) gives an empty database exactly
the schema the migrations build, with no rows, and never hands on a schema a test changed."""

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

from quiz_app import db
from quiz_app.models import Base
from quiz_app.paths import bundled
from tests.support.schema_template import SchemaTemplate, schema_of


def _head() -> str | None:
    config = Config()
    config.set_main_option("script_location", str(bundled("migrations")))
    return ScriptDirectory.from_config(config).get_current_head()


def _add_teacher(engine: Engine) -> int:
    with engine.begin() as connection:
        new_id: int = connection.execute(
            text(
                "INSERT INTO teachers (email, password_hash, timezone, created_at) "
                "VALUES ('a@school.test', 'x', 'UTC', CURRENT_TIMESTAMP) RETURNING id"
            )
        ).scalar_one()
    return new_id


def _expect_freshly_migrated(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection)
        assert compare_metadata(context, Base.metadata) == []
        assert context.get_current_revision() == _head()
        assert connection.execute(text("SELECT count(*) FROM teachers")).scalar_one() == 0
    assert _add_teacher(engine) == 1, "a new table's ids start at 1"


def test_upgrade_empty_database_from_template_gives_migrated_schema_without_rows(
    database_url: str, schema_template: SchemaTemplate, tmp_path: Path
) -> None:
    url = database_url
    for turn in range(2):  # PostgreSQL: the first may run the migrations, the second may not
        engine = db.make_engine(url)
        schema_template.upgrade(engine)
        _expect_freshly_migrated(engine)
        engine.dispose()
        schema = schema_of(url)
        if turn == 1:
            break
        if schema is None:
            url = f"sqlite:///{tmp_path / 'again.db'}"
            continue
        schema_template.release(schema)
        assert schema_template.spares, "an unchanged schema is kept for the next test"
        with schema_template.admin().begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))


def test_release_schema_whose_shape_a_test_changed_drops_it(
    database_url: str, schema_template: SchemaTemplate
) -> None:
    if database_url.startswith("sqlite"):
        pytest.skip("only PostgreSQL schemas are kept for later tests")
    engine = db.make_engine(database_url)
    schema_template.upgrade(engine)
    with engine.begin() as connection:
        connection.execute(text("ALTER TABLE teachers ADD COLUMN nickname VARCHAR(20)"))
    engine.dispose()
    schema = schema_of(database_url)
    assert schema is not None
    spares = list(schema_template.spares)
    schema_template.release(schema)
    assert schema_template.spares == spares
    with schema_template.admin().connect() as connection:
        found = connection.execute(
            text("SELECT count(*) FROM pg_namespace WHERE nspname = :s"), {"s": schema}
        ).scalar_one()
    assert found == 0
    with schema_template.admin().begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))  # for database_url to release
