"""The quiz-app command."""

import re
import socket
from pathlib import Path

import httpx2
import pytest
import uvicorn
import uvicorn.supervisors
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, select

from quiz_app.classroom import class_events
from quiz_app.cli import main, uvicorn_config
from quiz_app.config import Settings
from quiz_app.main import create_app
from quiz_app.models import Answer, RateLimit
from tests.support.serve_process import ServeProcess

FIELDS = re.compile(r'<input type="radio" name="(answer|reason)" value="([^"]*)"')


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


def _served_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, *args: str) -> uvicorn.Config:
    """Run `quiz-app serve` with `args` up to the point uvicorn would serve one process;
    return the configuration it was given."""
    ran: list[uvicorn.Config] = []
    monkeypatch.setattr(uvicorn.Server, "run", lambda server: ran.append(server.config))
    monkeypatch.setenv("QUIZ_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("QUIZ_LTI_GRADE_POLL_SECONDS", "0")
    assert main(["serve", "--port", "8124", *args]) == 0
    (config,) = ran
    return config


def test_serve_runs_httptools_and_uvloop_without_an_access_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = _served_config(monkeypatch, tmp_path)
    assert (config.workers, config.access_log) == (1, False)
    config.load()
    assert config.http_protocol_class.__name__ == "HttpToolsProtocol"
    loop_factory = config.get_loop_factory()
    assert loop_factory is not None
    loop = loop_factory()
    try:
        assert type(loop).__module__.startswith("uvloop")
    finally:
        loop.close()


def test_serve_with_the_access_log_setting_on_logs_requests(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QUIZ_ACCESS_LOG", "true")
    assert _served_config(monkeypatch, tmp_path).access_log is True


class _Supervisor:
    """Stands in for uvicorn's Multiprocess: records what it was asked to run."""

    started: list[uvicorn.Config] = []

    def __init__(self, config: uvicorn.Config, sockets: list[socket.socket]) -> None:
        self.config = config
        for sock in sockets:
            sock.close()

    def run(self) -> None:
        self.started.append(self.config)


def test_serve_with_workers_has_each_worker_build_its_own_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(uvicorn.supervisors, "Multiprocess", _Supervisor)
    monkeypatch.setattr(_Supervisor, "started", [])
    monkeypatch.setenv("QUIZ_DATA_DIR", str(tmp_path))
    assert main(["serve", "--port", "0", "--workers", "3"]) == 0
    (config,) = _Supervisor.started
    assert (config.app, config.factory, config.workers) == ("quiz_app.main:create_app", True, 3)
    assert "in 3 processes" in capsys.readouterr().out


def test_serve_takes_the_worker_count_from_the_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(uvicorn.supervisors, "Multiprocess", _Supervisor)
    monkeypatch.setattr(_Supervisor, "started", [])
    monkeypatch.setenv("QUIZ_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("QUIZ_WORKERS", "2")
    assert main(["serve", "--port", "0"]) == 0
    assert [config.workers for config in _Supervisor.started] == [2]


def test_serve_with_workers_on_an_in_memory_database_is_refused_saying_why(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("QUIZ_DATABASE_URL", "sqlite://")
    assert main(["serve", "--workers", "2"]) == 2
    assert "an in-memory SQLite database lives inside one process" in capsys.readouterr().err


@pytest.mark.parametrize("workers", ["0", "-1", "two", "65"])
def test_serve_with_a_worker_count_out_of_range_exits_with_usage(
    workers: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["serve", "--workers", workers])
    assert exc.value.code == 2
    assert "give a whole number from 1 to 64" in capsys.readouterr().err


def _worker_pids(parent: int) -> list[int]:
    """Return the ids of the worker processes uvicorn started under `parent`."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            command = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue  # ended meanwhile
        if int(fields[1]) == parent and b"spawn_main" in command:
            found.append(int(stat.parent.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux's /proc")
def test_serve_with_two_workers_on_sqlite_answers_a_whole_quiz_from_two_processes(
    tmp_path: Path,
) -> None:
    # Two processes may share one SQLite file (WAL, a busy timeout): docs/deploy.md. On
    # PostgreSQL, tests/test_workers.py drives processes one request at a time.
    database_url = f"sqlite:///{tmp_path / 'quiz.db'}"
    server = ServeProcess(database_url, tmp_path, "--workers", "2")
    server.start()
    try:
        assert server.process is not None
        assert len(_worker_pids(server.process.pid)) == 2
        with httpx2.Client(base_url=server.url, timeout=20, follow_redirects=False) as student:
            token = student.post("/sets/micro-not-safe/attempts").headers["location"].split("/")[2]
            for position in range(1, 11):
                page = student.get(f"/a/{token}/q/{position}")
                form = dict(reversed(FIELDS.findall(page.text)))
                assert student.post(f"/a/{token}/q/{position}", data=form).status_code == 303
            assert student.get(f"/a/{token}/results").status_code == 200
    finally:
        server.stop()
    assert _worker_pids(server.process.pid) == []  # SIGTERM stopped the workers too
    engine = create_engine(database_url)
    with engine.connect() as connection:
        stored = connection.scalar(select(func.count()).select_from(Answer))
    engine.dispose()
    assert stored == 10


def test_serve_stops_within_seconds_though_class_streams_are_open(
    app: FastAPI, settings: Settings
) -> None:
    """A restart must not wait for class mode's event streams, which stay open for minutes:
    uvicorn closes what is still open after the graceful-shutdown timeout."""
    config = uvicorn_config(app, settings, "127.0.0.1", 8000)
    assert config.timeout_graceful_shutdown is not None
    assert config.timeout_graceful_shutdown <= 10 < class_events.STREAM_SECONDS
