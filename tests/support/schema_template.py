"""The migrated schema, built once per test worker and reused by every test's empty database.

Running the Alembic migrations takes about a third of a second on SQLite and a second on
PostgreSQL (where dropping the schema afterwards takes another third), for every app a test
builds. `SchemaTemplate.upgrade` stands in for quiz_app.db.upgrade in the tests:

- an empty SQLite database gets a page-for-page copy (SQLite's backup API) of a template
  file that the real migrations built;
- an empty PostgreSQL schema is swapped for a spare: a schema the real migrations built for an
  earlier test, emptied at that test's end (every row deleted, every sequence reset) and
  recycled only if its tables, columns, indexes, constraints and revision are still exactly
  those of a freshly migrated schema;
- any other database (one a test migrated to an old revision itself, say) gets the real upgrade.
"""

import sqlite3
import uuid
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, inspect, text
from sqlalchemy.engine import URL, make_url

from quiz_app import db

Upgrade = Callable[[Engine], None]

# Everything a test could change in a schema's shape, and its revision, as one text.
SHAPE = """
SELECT string_agg(item, E'\\n' ORDER BY item) FROM (
  SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' '
         || is_nullable || ' ' || coalesce(column_default, '') AS item
    FROM information_schema.columns WHERE table_schema = :schema
  UNION ALL SELECT 'relation ' || relname || ' ' || CAST(relkind AS text) FROM pg_class
    WHERE relnamespace = CAST(:schema AS regnamespace)
  UNION ALL SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = :schema
  UNION ALL SELECT 'constraint ' || conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint
    WHERE connamespace = CAST(:schema AS regnamespace)
) AS shape
"""


class SchemaTemplate:
    """Give empty databases the migrated schema; `real_upgrade` is quiz_app.db.upgrade."""

    def __init__(self, real_upgrade: Upgrade, folder: Path, postgres_url: str = "") -> None:
        self.real_upgrade = real_upgrade
        self.folder = folder
        self._sqlite_file: Path | None = None
        self._admin = (
            create_engine(postgres_url, isolation_level="AUTOCOMMIT") if postgres_url else None
        )
        self._fresh_shape: str | None = None  # a freshly migrated PostgreSQL schema's SHAPE
        self.spares: list[str] = []  # emptied, migrated PostgreSQL schemas

    def upgrade(self, engine: Engine) -> None:
        """Upgrade as quiz_app.db.upgrade does, from the template when the database is empty."""
        backend = engine.dialect.name
        if backend not in ("sqlite", "postgresql") or inspect(engine).get_table_names():
            self.real_upgrade(engine)
        elif backend == "sqlite":
            self._copy_sqlite(engine)
        else:
            self._postgres_from_spare(engine)

    def _copy_sqlite(self, engine: Engine) -> None:
        if self._sqlite_file is None:
            path = self.folder / f"template-{uuid.uuid4().hex[:8]}.db"
            template = db.make_engine(f"sqlite:///{path}")
            self.real_upgrade(template)
            template.dispose()
            self._sqlite_file = path
        source = sqlite3.connect(self._sqlite_file)
        try:
            with engine.connect() as connection:
                target = connection.connection.driver_connection
                assert isinstance(target, sqlite3.Connection)
                source.backup(target)
        finally:
            source.close()

    def _postgres_from_spare(self, engine: Engine) -> None:
        schema = schema_of(engine.url)
        if self._admin is None or schema is None or not self.spares:
            self.real_upgrade(engine)
            if self._admin is not None and schema is not None and self._fresh_shape is None:
                with self._admin.connect() as connection:
                    self._fresh_shape = _shape(connection, schema)
            return
        spare = self.spares.pop()
        with self._admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}"'))
            connection.execute(text(f'ALTER SCHEMA "{spare}" RENAME TO "{schema}"'))

    def admin(self) -> Engine:
        """Return the engine that creates, empties and drops the tests' PostgreSQL schemas."""
        assert self._admin is not None, "no PostgreSQL: set QUIZ_TEST_DATABASE_URL"
        return self._admin

    def create_schema(self) -> str:
        """Create an empty PostgreSQL schema for one test; return its name."""
        schema = f"t_{uuid.uuid4().hex[:12]}"
        with self.admin().connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        return schema

    def release(self, schema: str) -> None:
        """At a test's end: empty its schema and keep it as a spare if its shape is still the
        freshly migrated one; drop it otherwise."""
        with self.admin().connect() as connection:
            if self._fresh_shape is None or _shape(connection, schema) != self._fresh_shape:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
                return
            _empty(connection, schema)
            spare = f"spare_{uuid.uuid4().hex[:12]}"
            connection.execute(text(f'ALTER SCHEMA "{schema}" RENAME TO "{spare}"'))
        self.spares.append(spare)

    def close(self) -> None:
        """Drop the spares (at the end of the worker's session)."""
        if self._admin is None:
            return
        with self._admin.connect() as connection:
            for spare in self.spares:
                connection.execute(text(f'DROP SCHEMA "{spare}" CASCADE'))
        self.spares.clear()
        self._admin.dispose()


def schema_of(url: str | URL) -> str | None:
    """Return the one schema a PostgreSQL URL puts on the search path (database_url's)."""
    options = make_url(url).query.get("options", "")
    prefix = "-csearch_path="
    if isinstance(options, str) and options.startswith(prefix) and "," not in options:
        return options.removeprefix(prefix)
    return None


def _shape(connection: Connection, schema: str) -> str:
    """Return the schema's SHAPE with its own name left out (defaults and indexes name it)."""
    rows = connection.execute(text(SHAPE), {"schema": schema}).scalar_one() or ""
    versions: list[str] = []
    table = f'"{schema}".alembic_version'
    if connection.execute(text("SELECT to_regclass(:t)"), {"t": table}).scalar() is not None:
        versions = sorted(connection.execute(text(f"SELECT version_num FROM {table}")).scalars())
    shape = f"{rows}\nrevision {versions}"
    return shape.replace(f'"{schema}".', "").replace(f"{schema}.", "")


def _empty(connection: Connection, schema: str) -> None:
    """Delete every row but the revision and reset every sequence, as a fresh schema has them.

    DELETE, not TRUNCATE: on a handful of rows it is a hundred times faster. Foreign keys are
    not checked while the whole schema is emptied at once (session_replication_role).
    """
    tables = connection.execute(
        text("SELECT tablename FROM pg_tables WHERE schemaname = :s"), {"s": schema}
    ).scalars()
    sequences = connection.execute(
        text("SELECT sequencename FROM pg_sequences WHERE schemaname = :s"), {"s": schema}
    ).scalars()
    script = [
        "BEGIN",
        "SET LOCAL session_replication_role = replica",
        *(f'DELETE FROM "{schema}"."{t}"' for t in tables if t != "alembic_version"),
        *(f'SELECT setval(\'"{schema}"."{s}"\', 1, false)' for s in sequences),
        "COMMIT",
    ]
    connection.connection.driver_connection.execute(";\n".join(script))  # type: ignore[union-attr]
