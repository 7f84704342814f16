"""The database engine, sessions, and schema upgrades through Alembic."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from quiz_app.paths import bundled

SQLITE_BUSY_TIMEOUT_MS = 10_000  # how long a writer waits for another writer's lock


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Return an engine for url; a SQLite file gets its folder created, WAL and foreign keys."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, **kwargs)
    # A plain file path gets its folder; a SQLite URI filename (file:…?mode=ro, with uri=true)
    # names a file that must exist already.
    if parsed.database and parsed.database != ":memory:" and parsed.query.get("uri") != "true":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **kwargs)

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    return engine


def upgrade(engine: Engine) -> None:
    """Create or upgrade the schema to the newest migration, keeping every saved row."""
    config = Config()
    config.set_main_option("script_location", str(bundled("migrations")))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def end_transaction(session: Session) -> None:
    """End the session's transaction, reads included, so that none stays open (holding a
    snapshot or a connection) while the app waits on something slow, like an LMS."""
    session.commit()


def sessions(factory: sessionmaker[Session]) -> Iterator[Session]:
    """Yield one session for a request and close it afterwards."""
    with factory() as session:
        yield session
