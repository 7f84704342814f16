"""Shared fixtures: a fresh database per test (SQLite, and PostgreSQL when configured)."""

import functools
import itertools
import ssl
from collections.abc import Iterator
from pathlib import Path

import httpcore2
import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url

from quiz_app import auth, db, main
from quiz_app.classroom import seeds
from quiz_app.config import Settings
from quiz_app.main import create_app
from tests.support.bundled_bank import cached_loader
from tests.support.postgres import DATABASES, POSTGRES_URL
from tests.support.schema_template import SchemaTemplate

# QUIZ_TEST_DATABASE_URL (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test) runs every
# database test on PostgreSQL as well as on SQLite (tests/support/postgres.py).
REAL_UPGRADE = db.upgrade
LOAD_BUNDLED_BANK_ONCE = cached_loader(main.load_bank)


@pytest.fixture(autouse=True)
def bundled_bank_loaded_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every app built on the bundled bank shares one load of it (tests/support/bundled_bank)."""
    monkeypatch.setattr(main, "load_bank", LOAD_BUNDLED_BANK_ONCE)


REAL_DEFAULT_SSL_CONTEXT = httpcore2.default_ssl_context


@functools.cache
def _default_ssl_context(*, _trust_env: bool = True) -> ssl.SSLContext:
    return REAL_DEFAULT_SSL_CONTEXT(_trust_env=_trust_env)


@pytest.fixture(autouse=True)
def one_default_ssl_context(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every HTTP client shares one default TLS context, built once per worker.

    Each app makes an httpx2 client for LMSs, and each client would otherwise read the
    system's whole CA bundle again: a tenth of a second per app on a busy machine. The
    context is the same one each client would build; nothing in the tests changes it.
    """
    monkeypatch.setattr(httpcore2, "default_ssl_context", _default_ssl_context)


@pytest.fixture(scope="session")
def schema_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SchemaTemplate]:
    template = SchemaTemplate(REAL_UPGRADE, tmp_path_factory.mktemp("schema"), POSTGRES_URL)
    yield template
    template.close()


@pytest.fixture(autouse=True)
def migrated_schema_from_template(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An empty database gets the migrated schema from a template the real migrations built
    once per worker (tests/support/schema_template), not from a run of every migration.

    Tests marked `migrations` check the migrations themselves, so they run them for real.
    """
    if request.node.get_closest_marker("migrations") is None:
        template: SchemaTemplate = request.getfixturevalue("schema_template")
        monkeypatch.setattr(db, "upgrade", template.upgrade)


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hash passwords with argon2id at its smallest cost: the same code path, far less time.

    The production cost (argon2-cffi's defaults) takes a quarter of a second per hash here,
    which hundreds of log-ins in the suite cannot afford.
    """
    monkeypatch.setattr(auth, "HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


@pytest.fixture(autouse=True)
def seeds_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every attempt a test starts draws seed 1, then 2, 3, ...: no test depends on luck.

    The app draws seeds from the operating system; here each test gets the same draws on every
    run, in any order and on any worker. A test that needs a particular draw sets
    `seeds.source` itself.
    """
    drawn = itertools.count(1)
    monkeypatch.setattr(seeds, "source", lambda: next(drawn))


@pytest.fixture(params=DATABASES)
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, schema_template: SchemaTemplate
) -> Iterator[str]:
    """Yield the URL of an empty database that lives only for this test.

    A PostgreSQL schema is emptied and kept for a later test if it still has the migrated
    shape (SchemaTemplate.release), dropped otherwise.
    """
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'quiz.db'}"
        return
    # One schema per test keeps PostgreSQL tests isolated and cheap to throw away.
    schema = schema_template.create_schema()
    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        schema_template.release(schema)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(database_url=database_url, htmx_source="local", data_dir=tmp_path)


@pytest.fixture
def app(settings: Settings) -> Iterator[FastAPI]:
    app = create_app(settings)
    yield app
    app.state.engine.dispose()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, follow_redirects=False) as client:
        yield client
