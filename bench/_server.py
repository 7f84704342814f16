"""Start `quiz-app serve` as production does, in a subprocess, on a fresh database, and read
its CPU time and memory from /proc, its database connections, and the queries of its class hub's
poll tick (the approach of h-cpu's bench/servers.py, cut to what
bench/class_streams.py needs: one process, no bare endpoint)."""

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

ROOT = Path(__file__).resolve().parent.parent
CLK_TCK = os.sysconf("SC_CLK_TCK")


@dataclass
class Server:
    base: str
    process: "subprocess.Popen[bytes]"
    log: Path

    def cpu_seconds(self) -> float:
        """Return the server's CPU time (user + system) so far."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK

    def rss_mib(self) -> float:
        """Return the server's resident memory now (VmRSS), in MiB."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def database(kind: str, admin_url: str) -> Iterator[tuple[str, dict[str, str]]]:
    """Yield (the database URL, the server's environment for it): SQLite as the default (no
    URL, a temporary data dir), or a PostgreSQL database created on admin_url's server and
    dropped afterwards."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{folder}/claim-check.db", {"QUIZ_DATA_DIR": folder}
        return
    import psycopg

    name = f"bench_streams_{uuid.uuid4().hex[:12]}"
    plain = admin_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    url = f"{admin_url.rsplit('/', 1)[0]}/{name}"
    try:
        yield url, {"QUIZ_DATABASE_URL": url}
    finally:
        with psycopg.connect(plain, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def running(env: dict[str, str], probe: str = "/static/app.css") -> Iterator[Server]:
    """Run `quiz-app serve` (this checkout's code) until the block ends; its output goes to a
    log file, shown when it fails to start and kept with BENCH_KEEP_LOGS=1."""
    port = free_port()
    command = [sys.executable, "-m", "quiz_app.cli", "serve", "--port", str(port)]
    path = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    full_env = {**os.environ, "PYTHONPATH": path, "QUIZ_HTMX_SOURCE": "local", **env}
    log = tempfile.NamedTemporaryFile(prefix="bench-streams-", suffix=".log", delete=False)
    process = subprocess.Popen(
        command, env=full_env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT
    )
    server = Server(f"http://127.0.0.1:{port}", process, Path(log.name))
    try:
        _wait_until_up(server, probe)
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
            print(f"  (the server's log: {log.name})")
        else:
            os.unlink(log.name)


def _wait_until_up(server: Server, probe: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise SystemExit(f"the server stopped at start-up:\n{server.log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(server.base + probe, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server did not start within 60 s:\n{server.log.read_text()[-3000:]}")


def tick_queries(url: str, run_ids: list[int]) -> int:
    """Count the statements of one poll tick: the hub's read of every watched run."""
    from sqlalchemy import create_engine, event

    from quiz_app import db
    from quiz_app.classroom import class_events

    engine = create_engine(url)
    counted = [0]

    @event.listens_for(engine, "before_cursor_execute")
    def _count(*_: object) -> None:
        counted[0] += 1

    with db.session_factory(engine)() as session:
        class_events.read_versions(session, run_ids)
    engine.dispose()
    return counted[0]


class Connections:
    """PostgreSQL's connections to the benchmark's database, sampled every 0.1 s."""

    def __init__(self, url: str) -> None:
        self.url, self.samples = url, [0]
        self.stop = False

    def count(self) -> int:
        import psycopg

        name = self.url.rsplit("/", 1)[-1]
        admin = self.url.rsplit("/", 1)[0].replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(f"{admin}/postgres", autocommit=True) as connection:
            query = "select count(*) from pg_stat_activity where datname = %s"
            row = connection.execute(query, (name,)).fetchone()
        return int(row[0]) if row else 0

    def sample(self) -> None:
        while not self.stop:
            self.samples.append(self.count())
            time.sleep(0.1)
