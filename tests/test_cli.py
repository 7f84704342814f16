"""The quiz-app command."""

from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from quiz_app.cli import main, uvicorn_config
from quiz_app.config import Settings
from quiz_app.main import create_app
from quiz_app.models import RateLimit


def test_check_bundled_bank_passes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check"]) == 0
    assert "all valid" in capsys.readouterr().out


def test_check_broken_bank_lists_problems_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "bad.yaml").write_text(
        "questions:\n  - id: bad-01\n    kind: classify\n    theme: nope\n"
    )
    assert main(["check", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "bad.yaml: bad-01: theme: " in out
    assert "bad.yaml: bad-01: claim: Field required" in out


def test_serve_with_broken_bank_refuses_to_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "bad.yaml").write_text("questions:\n  - id: bad-01\n    kind: classify\n")
    monkeypatch.setenv("QUIZ_QUESTIONS_DIR", str(tmp_path))
    monkeypatch.setenv("QUIZ_DATA_DIR", str(tmp_path / "data"))
    assert main(["serve", "--port", "0"]) == 1
    err = capsys.readouterr().err
    assert "bad.yaml: bad-01: theme: Field required" in err


def test_unknown_command_exits_with_usage(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["fly"])
    assert exc.value.code == 2
    assert "usage: quiz-app" in capsys.readouterr().err


def _counted_address(app: FastAPI, settings: Settings, forwarded_for: str) -> str:
    """Start a quiz through the app as `quiz-app serve` runs it, from a proxy at 10.0.0.2 that
    says the client is `forwarded_for`; return the address the start was counted under."""
    config = uvicorn_config(app, settings, "127.0.0.1", 8000)
    config.load()
    browser = TestClient(config.loaded_app, client=("10.0.0.2", 5000), follow_redirects=False)
    started = browser.post(
        "/sets/micro-not-safe/attempts", headers={"X-Forwarded-For": forwarded_for}
    )
    assert started.status_code == 303
    with app.state.sessions() as session:
        (key,) = session.scalars(select(RateLimit.key).where(RateLimit.key.startswith("start:60:")))
    return key.removeprefix("start:60:")


@pytest.mark.parametrize(
    ("allowed", "proxy_headers", "counted"),
    [
        ("10.0.0.2", True, "203.0.113.7"),  # a trusted proxy tells the real student address
        ("10.0.0.0/8", True, "203.0.113.7"),
        ("127.0.0.1", True, "10.0.0.2"),  # the default: X-Forwarded-For from elsewhere ignored
        ("10.0.0.2", False, "10.0.0.2"),  # proxy headers off
    ],
)
def test_serve_trusts_x_forwarded_for_only_from_the_proxies_the_setting_names(
    settings: Settings, allowed: str, proxy_headers: bool, counted: str
) -> None:
    settings = settings.model_copy(
        update={"forwarded_allow_ips": allowed, "proxy_headers": proxy_headers}
    )
    app = create_app(settings)
    try:
        assert _counted_address(app, settings, "203.0.113.7") == counted
    finally:
        app.state.engine.dispose()


def test_serve_passes_the_proxy_settings_to_uvicorn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ran: list[uvicorn.Config] = []
    monkeypatch.setattr(uvicorn.Server, "run", lambda server: ran.append(server.config))
    monkeypatch.setenv("QUIZ_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("QUIZ_FORWARDED_ALLOW_IPS", "192.0.2.10,192.0.2.11")
    monkeypatch.setenv("QUIZ_LTI_GRADE_POLL_SECONDS", "0")
    assert main(["serve", "--port", "8123"]) == 0
    (config,) = ran
    assert (config.port, config.proxy_headers) == (8123, True)
    assert config.forwarded_allow_ips == "192.0.2.10,192.0.2.11"
