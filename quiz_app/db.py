"""The database engine, sessions, and schema upgrades through Alembic."""

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from quiz_app.paths import bundled

if TYPE_CHECKING:
    from quiz_app.config import Settings

SQLITE_BUSY_TIMEOUT_MS = 10_000  # how long a writer waits for another writer's lock
POOL_SIZE = 10  # connections kept per process when no setting says otherwise
# The PostgreSQL advisory lock held while one process upgrades the schema (any 64-bit number
# no other program on the database uses; this one spells "ClaimChk").
UPGRADE_LOCK = 0x436C_6169_6D43_686B


def make_engine(
    url: str, *, pool_size: int = POOL_SIZE, max_overflow: int = 0, **kwargs: Any
) -> Engine:
    """Return an engine for url with a pool of pool_size connections (and up to max_overflow
    more at a peak); a SQLite file gets its folder created, WAL, synchronous=NORMAL and
    foreign keys."""
    parsed = make_url(url)
    # A caller's own pool class (NullPool, say) has no size to set.
    pool = {} if "poolclass" in kwargs else {"pool_size": pool_size, "max_overflow": max_overflow}
    if parsed.get_backend_name() != "sqlite":
        # pool_pre_ping stays: its SELECT 1 at each checkout is a round trip, but it measured no
        # difference in the app's CPU per question page or answer on PostgreSQL (4.23 and 4.24
        # ms, bench/scale.py, back to back), and without it the first request on each pooled
        # connection after a database restart or an idle cut-off would fail (a 503) rather
        # than reconnect. A question page checks out one connection, an answer two (one per
        # transaction); pool_recycle alone would not catch a connection dropped early.
        return create_engine(url, pool_pre_ping=True, **pool, **kwargs)
    # A plain file path gets its folder; a SQLite URI filename (file:…?mode=ro, with uri=true)
    # names a file that must exist already. An in-memory database has no pool to size.
    in_memory = parsed.database in (None, "", ":memory:")
    if not in_memory and parsed.query.get("uri") != "true":
        Path(str(parsed.database)).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        **({} if in_memory else pool),
        **kwargs,
    )

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # In WAL mode, NORMAL syncs the log at checkpoints instead of at every commit: a
        # committed answer survives the app crashing or being killed, and may be lost only
        # if the machine loses power (docs/deploy.md).
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    return engine


def engine_for(settings: "Settings") -> Engine:
    """Return the engine of the configured database, its pool sized by the settings."""
    return make_engine(
        settings.resolved_database_url(),
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
    )


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(bundled("migrations")))
    return config


def _revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def _lock_schema(connection: Connection) -> None:
    """Make this transaction the only one that may upgrade the schema until it ends: other
    processes starting at the same moment wait here, then find the upgrade done."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": UPGRADE_LOCK})
    elif connection.dialect.name == "sqlite":
        # The write lock, taken now rather than at the first write: the whole upgrade is one
        # transaction that another process's upgrade waits for (busy_timeout).
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def upgrade(engine: Engine) -> tuple[str | None, str] | None:
    """Create or upgrade the schema to the newest migration, keeping every saved row; return
    (the revision before, the newest) when this call upgraded it, None when it was up to date.

    One process at a time: several starting together on one database upgrade it once."""
    config = _alembic_config()
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None, "the migrations have no head"
    with engine.connect() as connection:
        if _revision(connection) == head:
            return None  # the common case, without waiting for any lock
    with engine.begin() as connection:
        _lock_schema(connection)
        before = _revision(connection)
        if before == head:
            return None  # another process upgraded it while this one waited
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    return before, head


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
