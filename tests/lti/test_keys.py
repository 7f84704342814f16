"""Point 1: the tool's signing keys are made on first use, stored, published at its JWKS URL,
and rotated with the old key still published until a cut-off."""

from datetime import timedelta
from pathlib import Path

import jwt
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from quiz_app.cli import main
from quiz_app.config import Settings
from quiz_app.lti import keys
from quiz_app.lti.tables import LtiKey
from quiz_app.main import create_app
from quiz_app.models import utcnow


def _kids(client: TestClient) -> list[str]:
    return [k["kid"] for k in client.get("/lti/jwks.json").json()["keys"]]


def test_first_jwks_request_makes_one_rsa_key_and_publishes_only_its_public_part(
    app: FastAPI, client: TestClient
) -> None:
    with app.state.sessions() as session:
        assert session.scalars(select(LtiKey)).all() == []
    response = client.get("/lti/jwks.json")
    assert response.status_code == 200
    (key,) = response.json()["keys"]
    assert key["kty"] == "RSA" and key["alg"] == "RS256" and key["use"] == "sig"
    assert set(key) == {"kty", "n", "e", "alg", "use", "kid"}  # no private parts ("d", "p"…)
    public = jwt.PyJWK(key).key
    assert public.key_size == 2048
    with app.state.sessions() as session:
        (row,) = session.scalars(select(LtiKey)).all()
    assert row.kid == key["kid"] and "PRIVATE KEY" in row.private_key_pem
    assert _kids(client) == [key["kid"]]  # the same key on later requests


def test_key_survives_a_restart(settings: Settings, client: TestClient) -> None:
    first = _kids(client)
    again = create_app(settings)
    with TestClient(again) as other:
        assert _kids(other) == first
    again.state.engine.dispose()


def test_what_the_tool_signs_verifies_against_its_jwks(app: FastAPI, client: TestClient) -> None:
    with app.state.sessions() as session:
        token = keys.sign(session, {"iss": "tool", "aud": "lms"})
    header = jwt.get_unverified_header(token)
    (published,) = [
        k for k in client.get("/lti/jwks.json").json()["keys"] if k["kid"] == header["kid"]
    ]
    claims = jwt.decode(token, jwt.PyJWK(published).key, algorithms=["RS256"], audience="lms")
    assert claims["iss"] == "tool"


def test_rotation_signs_with_the_new_key_and_keeps_the_old_published_until_the_cutoff(
    app: FastAPI, client: TestClient
) -> None:
    (old,) = _kids(client)
    now = utcnow()
    with app.state.sessions() as session:
        new, replaced = keys.rotate(session, keep_old_days=3, now=now)
        signed = keys.sign(session, {"iss": "tool"})
    assert [k.kid for k in replaced] == [old]
    assert jwt.get_unverified_header(signed)["kid"] == new.kid != old
    assert _kids(client) == [new.kid, old]
    with app.state.sessions() as session:
        later = [
            k["kid"] for k in keys.jwks(session, now=now + timedelta(days=3, seconds=1))["keys"]
        ]
        before = [k["kid"] for k in keys.jwks(session, now=now + timedelta(days=2))["keys"]]
    assert before == [new.kid, old]
    assert later == [new.kid]


def _cli_env(monkeypatch: pytest.MonkeyPatch, database_url: str, tmp_path: Path) -> None:
    monkeypatch.setenv("QUIZ_DATABASE_URL", database_url)
    monkeypatch.setenv("QUIZ_DATA_DIR", str(tmp_path))


def test_rotate_key_command_prints_the_new_key_and_the_old_ones_cutoff(
    app: FastAPI,
    client: TestClient,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (old,) = _kids(client)
    _cli_env(monkeypatch, database_url, tmp_path)
    assert main(["lti", "rotate-key", "--keep-old-days", "10"]) == 0
    out = capsys.readouterr().out
    new = _kids(client)[0]
    assert f"New signing key: {new}" in out
    cutoff = (utcnow() + timedelta(days=10)).strftime("%Y-%m-%d")
    assert f"Old key {old} stays published until {cutoff}" in out
    assert _kids(client) == [new, old]


def test_rotate_key_with_no_grace_unpublishes_the_old_key_at_once(
    client: TestClient, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (old,) = _kids(client)
    _cli_env(monkeypatch, database_url, tmp_path)
    assert main(["lti", "rotate-key", "--keep-old-days", "0"]) == 0
    assert old not in _kids(client) and len(_kids(client)) == 1


def test_rotate_key_refuses_a_negative_grace(
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _cli_env(monkeypatch, database_url, tmp_path)
    assert main(["lti", "rotate-key", "--keep-old-days", "-1"]) == 2
    assert "--keep-old-days must be 0 or more" in capsys.readouterr().err
