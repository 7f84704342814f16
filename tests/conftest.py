"""Shared fixtures: a fresh database per test (SQLite, and PostgreSQL when configured)."""

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient

from quiz_app import auth
from quiz_app.classroom import seeds
from quiz_app.config import Settings
from quiz_app.main import create_app
from tests.support.postgres import DATABASES, temporary_database


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
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Yield the URL of an empty database that lives only for this test."""
    with temporary_database(request.param, tmp_path) as url:
        yield url


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
