"""A small HTTP/1.1 client over asyncio streams, for the class-period load: thousands of
students each keep one connection, and the client spends microseconds, not milliseconds, per
request (so one client process keeps its schedule where httpx would fall behind)."""

import asyncio
import time
from dataclasses import dataclass, field

IDLE_SECONDS = 4.0  # reuse a connection idle this long at most (uvicorn closes them at 5 s)


@dataclass
class Response:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


class Connection:
    """One keep-alive connection to host:port, reopened when the server closes it."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.used = 0.0  # when the last response ended (time.monotonic)

    async def request(
        self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> Response:
        # A browser opens a new connection when the server may have closed an idle one (uvicorn
        # closes keep-alive connections idle for 5 s; a student thinks for 10 s or more).
        if time.monotonic() - self.used > IDLE_SECONDS:
            self.close()
        if self.writer is None or self.writer.is_closing():
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        if body or method == "POST":
            lines.append(f"Content-Length: {len(body)}")
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        try:
            response = await self._read()
        except (asyncio.IncompleteReadError, ConnectionError):
            self.close()
            raise
        self.used = time.monotonic()
        return response

    async def _read(self) -> Response:
        assert self.reader is not None
        head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        response = Response(int(status_line.split(" ", 2)[1]))
        for line in header_lines:
            if line:
                name, _, value = line.partition(":")
                response.headers[name.strip().lower()] = value.strip()
        if response.headers.get("transfer-encoding") == "chunked":
            response.body = await self._chunks()
        else:
            length = int(response.headers.get("content-length", "0"))
            response.body = await self.reader.readexactly(length)
        if response.headers.get("connection") == "close":
            self.close()
        return response

    async def _chunks(self) -> bytes:
        assert self.reader is not None
        parts = []
        while True:
            size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
            parts.append(await self.reader.readexactly(size + 2))
            if size == 0:
                return b"".join(p[:-2] for p in parts)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.writer = self.reader = None
