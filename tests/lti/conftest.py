"""Fixtures of the LTI tests: the app (with its grade sender off, so each test sends grades when
it says so), a fake LMS registered with it, and an HTTP client that may only reach loopback."""

import itertools
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx2
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI

from quiz_app.config import Settings
from quiz_app.lti import keys, platforms
from tests.support.lti_platform import FakePlatform, pooled_key

HTTP_TIMEOUT = 3.0  # seconds, enough on a loaded CI machine; the fake LMS "slow" waits longer


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        htmx_source="local",
        data_dir=tmp_path,
        lti_grade_poll_seconds=0,
        lti_http_timeout=HTTP_TIMEOUT,
    )


def _loopback_only(request: httpx2.Request) -> None:
    """The app may talk to nothing but this machine in the tests."""
    assert request.url.host == "127.0.0.1", f"the app tried to reach {request.url}"


@pytest.fixture(autouse=True)
def pooled_tool_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tool's keys come from a pool made once per run (2048-bit RSA takes a while to
    make); each test still gets a new, different key on each first use or rotation."""
    drawn = itertools.count()

    def generate(public_exponent: int, key_size: int) -> rsa.RSAPrivateKey:
        assert (public_exponent, key_size) == (65537, 2048)
        return pooled_key(next(drawn))

    fake = SimpleNamespace(generate_private_key=generate, RSAPrivateKey=rsa.RSAPrivateKey)
    monkeypatch.setattr(keys, "rsa", fake)


@pytest.fixture(autouse=True)
def loopback_http(app: FastAPI) -> Iterator[httpx2.Client]:
    client = httpx2.Client(
        timeout=HTTP_TIMEOUT, event_hooks={"request": [_loopback_only]}, follow_redirects=False
    )
    app.state.lti_http = client
    yield client
    client.close()


def tool_jwks(app: FastAPI) -> dict[str, Any]:
    with app.state.sessions() as session:
        return keys.jwks(session)


@pytest.fixture
def platform(app: FastAPI) -> Iterator[FakePlatform]:
    """A fake LMS, running and registered with the app."""
    lms = FakePlatform(tool_jwks=lambda: tool_jwks(app))
    lms.start()
    with app.state.sessions() as session:
        platforms.register(session, lms.registration())
    yield lms
    lms.stop()
