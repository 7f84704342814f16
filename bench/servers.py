"""Start and stop the servers the benchmark loads, and read their CPU time from /proc.

The app runs the way production runs it: `quiz-app serve` (its own uvicorn settings) in a
subprocess, with `--workers N` once the command has it; until then N > 1 runs
`uvicorn --factory quiz_app.main:create_app --workers N` with the same settings. The bare
endpoint (bench/bare.py) runs under the same uvicorn flags.
"""

import functools
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
CLK_TCK = os.sysconf("SC_CLK_TCK")


@dataclass
class Server:
    name: str
    base: str
    process: subprocess.Popen[bytes]
    port: int

    def cpu_seconds(self) -> float:
        """Return the CPU time (user + system) of the server and every process under it."""
        return sum(_cpu_of(pid) for pid in _tree(self.process.pid))


def _cpu_of(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime


def _tree(root: int) -> list[int]:
    """Return root and its descendants' pids (uvicorn's --workers start child processes)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            parents.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(parents.get(pid, []))
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def serve_has_workers() -> bool:
    """Return whether `quiz-app serve` takes --workers (another change adds it)."""
    help_text = subprocess.run(
        [sys.executable, "-m", "quiz_app.cli", "serve", "--help"],
        capture_output=True,
        text=True,
        env=_env({}),
        cwd=app_root(),
        check=False,
    ).stdout
    return "--workers" in help_text


@functools.cache
def _served_settings() -> tuple[bool, str, bool]:
    """Return the app's (proxy headers, forwarded allow ips, access log) settings, as the app
    at app_root() reads them (an older checkout has no access_log setting: uvicorn's on)."""
    code = (
        "from quiz_app.config import Settings; s = Settings(); "
        "print(s.proxy_headers, s.forwarded_allow_ips, getattr(s, 'access_log', True))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=_env({}),
        cwd=app_root(), check=True,
    ).stdout.split()  # fmt: skip
    return out[0] == "True", out[1], out[2] == "True"


def _uvicorn_flags(port: int, workers: int) -> list[str]:
    """The flags that match `quiz-app serve` (cli.uvicorn_config), for uvicorn's command."""
    proxy_headers, allow_ips, access_log = _served_settings()
    flags = ["--host", "127.0.0.1", "--port", str(port), "--log-level", "info"]
    flags += ["--proxy-headers" if proxy_headers else "--no-proxy-headers"]
    flags += ["--forwarded-allow-ips", allow_ips]
    flags += [] if access_log else ["--no-access-log"]
    return flags + (["--workers", str(workers)] if workers > 1 else [])


def app_root() -> str:
    """Where the servers import the app from: BENCH_APP_ROOT when set (another checkout, to
    compare before and after a change), else this one. The servers run there too, since
    `python -m` imports from its working folder first."""
    return os.environ.get("BENCH_APP_ROOT", str(ROOT))


def _env(extra: dict[str, str]) -> dict[str, str]:
    parts = [app_root(), str(ROOT), os.environ.get("PYTHONPATH", "")]
    path = os.pathsep.join(parts).rstrip(os.pathsep)
    return {**os.environ, "PYTHONPATH": path, **extra}


def app_command(port: int, workers: int) -> list[str]:
    if workers == 1 or serve_has_workers():
        command = [sys.executable, "-m", "quiz_app.cli", "serve", "--port", str(port)]
        return command + (["--workers", str(workers)] if workers > 1 else [])
    factory = ["-m", "uvicorn", "--factory", "quiz_app.main:create_app"]
    return [sys.executable, *factory, *_uvicorn_flags(port, workers)]


def bare_command(port: int, workers: int) -> list[str]:
    return [sys.executable, "-m", "uvicorn", "bench.bare:app", *_uvicorn_flags(port, workers)]


@contextmanager
def running(name: str, command: list[str], env: dict[str, str], probe: str) -> Iterator[Server]:
    """Run a server until the block ends; its output goes to a log file shown on failure."""
    port = int(command[command.index("--port") + 1])
    log = tempfile.NamedTemporaryFile(prefix=f"bench-{name}-", suffix=".log", delete=False)
    process = subprocess.Popen(
        command, env=_env(env), stdout=log, stderr=subprocess.STDOUT, cwd=app_root()
    )
    server = Server(name, f"http://127.0.0.1:{port}", process, port)
    try:
        _wait_until_up(server, probe, Path(log.name))
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        if os.environ.get("BENCH_KEEP_LOGS"):
            print(f"  ({name}'s log: {log.name})")
        else:
            os.unlink(log.name)


def _wait_until_up(server: Server, probe: str, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise SystemExit(f"{server.name} stopped at start-up:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(server.base + probe, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{server.name} did not start within 60 s:\n{log.read_text()[-3000:]}")


@contextmanager
def database(kind: str, admin_url: str) -> Iterator[str]:
    """Yield the URL of a fresh, empty database: a SQLite file, or a PostgreSQL database created
    on the server of admin_url (a QUIZ_TEST_DATABASE_URL-style URL) and dropped afterwards."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{folder}/bench.db"
        return
    name = f"bench_{uuid.uuid4().hex[:12]}"
    plain = admin_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    base = admin_url.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(plain, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
