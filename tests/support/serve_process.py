"""`quiz-app serve` in a child process of its own, on a loopback port and a given database, for
the tests that need real processes (several on one database, or one killed outright)."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx2

START_SECONDS = 60.0  # how long a server may take to answer (a busy 2-core machine is slow)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class ServeProcess:
    """One `quiz-app serve` (with any extra arguments, such as --workers 2); what it prints
    goes to a file, read by `output()`."""

    def __init__(self, database_url: str, folder: Path, *args: str) -> None:
        self.port = free_port()
        self.args = args
        self.log = folder / f"serve-{self.port}.log"
        self.env = {
            **os.environ,
            "QUIZ_DATABASE_URL": database_url,
            "QUIZ_DATA_DIR": os.fspath(folder),
            "QUIZ_HTMX_SOURCE": "local",
            "PYTHONUNBUFFERED": "1",
        }
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def launch(self) -> None:
        """Start the process; do not wait for it (several can then start at the same moment)."""
        command = [sys.executable, "-m", "quiz_app.cli", "serve", "--port", str(self.port)]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [*command, *self.args], env=self.env, stdout=log, stderr=subprocess.STDOUT
            )

    def wait_ready(self) -> None:
        """Wait until the server answers its home page; fail with what it printed if it died."""
        assert self.process is not None
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"quiz-app serve exited:\n{self.output()}")
            try:
                if httpx2.get(f"{self.url}/", timeout=1).status_code == 200:
                    return
            except httpx2.TransportError:
                time.sleep(0.1)
        raise RuntimeError(f"quiz-app serve did not start:\n{self.output()}")

    def start(self) -> None:
        self.launch()
        self.wait_ready()

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def stop(self) -> None:
        """Stop it as systemd would (SIGTERM), and wait for it and its workers to end."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
