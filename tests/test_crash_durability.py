"""`quiz-app serve` killed with SIGKILL in the middle of a burst of answers: after a restart,
every answer the server acknowledged is in the database, once, on SQLite and on PostgreSQL."""

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
from sqlalchemy import create_engine, select

from quiz_app.models import Answer, Attempt

STUDENTS = 6  # answering at once
ACKNOWLEDGED_BEFORE_KILL = 30  # answers the server confirms before the kill
START_SECONDS = 30.0  # how long the server may take to start
FIELDS = re.compile(r'<input type="radio" name="(answer|reason)" value="([^"]*)"')


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Server:
    """`quiz-app serve` in a child process, on one database."""

    def __init__(self, database_url: str, data_dir: Path) -> None:
        self.port = _free_port()
        self.env = {
            **os.environ,
            "QUIZ_DATABASE_URL": database_url,
            "QUIZ_DATA_DIR": os.fspath(data_dir),
            "QUIZ_HTMX_SOURCE": "local",
        }
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        command = [sys.executable, "-m", "quiz_app.cli", "serve", "--port", str(self.port)]
        self.process = subprocess.Popen(
            command, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            try:
                if httpx2.get(f"{self.url}/", timeout=1).status_code == 200:
                    return
            except httpx2.TransportError:
                time.sleep(0.1)
        raise RuntimeError("quiz-app serve did not start")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


@pytest.fixture
def server(database_url: str, tmp_path: Path) -> Iterator[Server]:
    running = Server(database_url, tmp_path)
    yield running
    running.stop()


def _answer_until_killed(base: str, acknowledged: list[tuple[str, int]]) -> None:
    """One student: start a quiz and answer question after question until the server dies;
    note each answer the server acknowledged (its 303) as (token, position)."""
    with httpx2.Client(base_url=base, timeout=5, follow_redirects=False) as client:
        try:
            token = client.post("/sets/full-check/attempts").headers["location"].split("/")[2]
            for position in range(1, 100):
                page = client.get(f"/a/{token}/q/{position}")
                if page.status_code != 200:
                    return  # the end of the quiz
                form = dict(reversed(FIELDS.findall(page.text)))  # the first of each field
                response = client.post(f"/a/{token}/q/{position}", data=form)
                if response.status_code == 303:
                    acknowledged.append((token, position))
        except httpx2.TransportError:
            return  # killed


def test_answers_acknowledged_before_a_sigkill_are_all_kept(
    server: Server, database_url: str
) -> None:
    server.start()
    acknowledged: list[tuple[str, int]] = []
    students = [
        threading.Thread(target=_answer_until_killed, args=(server.url, acknowledged))
        for _ in range(STUDENTS)
    ]
    for student in students:
        student.start()
    deadline = time.monotonic() + START_SECONDS
    while len(acknowledged) < ACKNOWLEDGED_BEFORE_KILL and time.monotonic() < deadline:
        time.sleep(0.01)
    server.kill()  # mid-burst: the students are still answering
    for student in students:
        student.join()
    assert len(acknowledged) >= ACKNOWLEDGED_BEFORE_KILL

    engine = create_engine(database_url)
    with engine.connect() as connection:
        rows = connection.execute(
            select(Attempt.token, Attempt.question_ids, Answer.question_id).join(Answer)
        ).all()
    engine.dispose()
    stored = [(token, ids.index(qid) + 1) for token, ids, qid in rows]
    assert len(stored) == len(set(stored)), "an answer was stored twice"
    missing = set(acknowledged) - set(stored)
    assert not missing, f"{len(missing)} acknowledged answers were lost"

    server.start()  # after a restart the students carry on where they were
    token, position = acknowledged[-1]
    with httpx2.Client(base_url=server.url, follow_redirects=False) as client:
        assert client.get(f"/a/{token}/q/{position}").status_code == 200
        assert client.get(f"/a/{token}").status_code in (200, 303)
