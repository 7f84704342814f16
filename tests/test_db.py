"""The engine as production runs it: SQLite's pragmas, the pool the settings size, and schema
upgrades that several processes starting at once run only once."""

import threading
from pathlib import Path

import pytest
from sqlalchemy import exc, text

from quiz_app import db
from quiz_app.config import Settings

PRAGMAS = ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")


def test_make_engine_on_sqlite_uses_wal_synchronous_normal_and_foreign_keys(tmp_path: Path) -> None:
    engine = db.make_engine(f"sqlite:///{tmp_path / 'quiz.db'}")
    with engine.connect() as connection:
        pragmas = [connection.exec_driver_sql(f"PRAGMA {name}").scalar() for name in PRAGMAS]
    engine.dispose()
    assert pragmas == ["wal", 1, 1, db.SQLITE_BUSY_TIMEOUT_MS]  # synchronous 1 is NORMAL


def test_engine_for_keeps_the_pool_the_settings_size(database_url: str) -> None:
    settings = Settings(database_url=database_url, db_pool_size=3, db_max_overflow=2)
    engine = db.engine_for(settings)
    held = [engine.connect() for _ in range(5)]  # the pool, then its overflow
    for connection in held:
        connection.close()
    kept = engine.pool.checkedin()  # type: ignore[attr-defined]
    size = engine.pool.size()  # type: ignore[attr-defined]
    engine.dispose()
    assert (size, kept) == (3, 3)  # the two overflow connections were closed when returned


def test_a_fixed_pool_makes_a_request_wait_rather_than_open_another_connection(
    database_url: str,
) -> None:
    engine = db.make_engine(database_url, pool_size=1, max_overflow=0, pool_timeout=0.2)
    with engine.connect():
        with pytest.raises(exc.TimeoutError):
            engine.connect()
    engine.dispose()


@pytest.mark.migrations
def test_processes_upgrading_an_empty_database_at_once_upgrade_it_once(database_url: str) -> None:
    engines = [db.make_engine(database_url) for _ in range(3)]
    start = threading.Barrier(len(engines))
    outcomes: list[object] = []

    def upgrade(engine: db.Engine) -> None:
        start.wait()
        try:
            outcomes.append(db.upgrade(engine))
        except Exception as error:  # the race this prevents: "table already exists"
            outcomes.append(error)

    threads = [threading.Thread(target=upgrade, args=(engine,)) for engine in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with engines[0].connect() as connection:
        versions = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    for engine in engines:
        engine.dispose()
    upgraded = [o for o in outcomes if o is not None]
    assert len(outcomes) == 3 and len(upgraded) == 1, outcomes
    assert upgraded[0] == (None, versions[0][0]) and len(versions) == 1


def test_settings_read_workers_access_log_and_pool_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert (Settings().workers, Settings().access_log) == (1, False)
    assert (Settings().db_pool_size, Settings().db_max_overflow) == (db.POOL_SIZE, 0)
    for name, value in {"WORKERS": "4", "ACCESS_LOG": "true", "DB_POOL_SIZE": "20"}.items():
        monkeypatch.setenv(f"QUIZ_{name}", value)
    monkeypatch.setenv("QUIZ_DB_MAX_OVERFLOW", "5")
    settings = Settings()
    assert (settings.workers, settings.access_log) == (4, True)
    assert (settings.db_pool_size, settings.db_max_overflow) == (20, 5)
