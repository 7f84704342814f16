"""The app served by uvicorn on a loopback port, for the browser tests (and scripts beside them).

tests/browser/conftest.py re-exports LiveServer, CHROMIUM_ARGS and TIMEOUT_MS, so tests may import
them from either place.
"""

import socket
import threading
import time

import uvicorn
from fastapi import FastAPI

from quiz_app.bank.catalog import Bank
from quiz_app.config import Settings
from quiz_app.main import create_app

# Debian's Chromium: `playwright install` cannot download a browser on this network.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
STARTUP_SECONDS = 10  # how long the server may take to accept connections
TIMEOUT_MS = 5_000  # every wait in a test: a local page that takes longer is a failure


class LiveServer:
    """The app served by uvicorn in a background thread, restartable on the same port and DB."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.port = 0
        self.app: FastAPI | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def bank(self) -> Bank:
        assert self.app is not None, "the server is not running"
        bank: Bank = self.app.state.bank
        return bank

    def start(self) -> None:
        """Build a fresh app (as a new process would) and serve it until stop()."""
        self.app = create_app(self.settings)
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self.port))
        self.port = sock.getsockname()[1]
        self._socket = sock
        config = uvicorn.Config(self.app, log_level="warning")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + STARTUP_SECONDS
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the live server did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(STARTUP_SECONDS)
        if self._socket is not None:
            self._socket.close()
        if self.app is not None:
            self.app.state.engine.dispose()
        self._server = self._thread = self._socket = None

    def restart(self) -> None:
        self.stop()
        self.start()
