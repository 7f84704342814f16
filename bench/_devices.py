"""A student's device in bench/class_streams.py, over a small HTTP/1.1 client on asyncio
streams (httpx spends milliseconds per request, which 1,200 devices in one client process
cannot afford): the class page's event stream, held open, and what the page does on each
"changed" event (fetch its live part with the version it shows), on a "step" event (show the
step it carries: the claim to answer), on a "reveal" event (show it,
then fetch the whole step at a random moment within the seconds the event gives), and the
answer form. (The page polls only while its stream is down, so these devices never poll.)"""

import asyncio
import random
import re
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

ACTION = re.compile(rb'action="([^"]*/class/answer\?position=\d+)"')
VERSION = re.compile(rb'id="live-version" name="v" value="([^"]*)"')
REVEALED = b"class-reveal"  # the reveal's own box: the key and the student's feedback
CLAIM = re.compile(r'data-claim="(\d+)\.(\d+)"')  # a reveal event's run and claim position
WITHIN = re.compile(r'data-refetch-within="(\d+)"')
Base = tuple[str, int]


async def request(
    base: tuple[str, int], method: str, path: str, headers: dict[str, str], body: bytes = b""
) -> tuple[int, dict[str, str], bytes]:
    """One HTTP/1.1 request on a new connection (a browser's spare one); return the status,
    the headers and the body."""
    reader, writer = await asyncio.open_connection(*base)
    lines = [f"{method} {path} HTTP/1.1", f"Host: {base[0]}:{base[1]}", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    if method == "POST":
        lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
    data = await reader.read()
    writer.close()
    head, _, rest = data.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    found = {k.lower(): v.strip() for k, _, v in (h.partition(":") for h in header_lines)}
    return int(status_line.split()[1]), found, rest


@dataclass
class Student:
    token: str
    address: str
    body: bytes = b""  # the live part the device shows now
    version: str = ""
    events: list[tuple[float, str]] = field(default_factory=list)  # (time, data)
    seen: list[tuple[float, str]] = field(default_factory=list)  # (time, version): reveals
    fetched: list[tuple[float, str]] = field(default_factory=list)  # of those, whole steps
    errors: list[str] = field(default_factory=list)
    opened: asyncio.Event = field(default_factory=asyncio.Event)


async def answer(base: tuple[str, int], s: Student) -> None:
    """Answer the claim on the form the device shows (waiting for it, up to 20 s)."""
    deadline = time.monotonic() + 20
    while not (match := ACTION.search(s.body)) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    if match is None:
        s.errors.append("answer: the form never came")
        return
    headers = {"X-Forwarded-For": s.address}
    body = b"answer=research&reason=1&confidence=unsure"
    status, _, _ = await request(base, "POST", match.group(1).decode(), headers, body)
    if status != 303:
        s.errors.append(f"answer: {status}")


async def fetch_now(base: tuple[str, int], s: Student) -> None:
    """What the page does on a "changed" event: fetch its live part with its version."""
    headers = {"HX-Request": "true", "X-Forwarded-For": s.address}
    try:
        status, _, body = await request(
            base, "GET", f"/a/{s.token}/class/now?{urlencode({'v': s.version})}", headers
        )
    except OSError as exc:
        s.errors.append(f"now: {type(exc).__name__}")
        return
    if status == 200:
        s.body = body
        if match := VERSION.search(body):
            s.version = match.group(1).decode()
        if REVEALED in body:
            s.seen.append((time.time(), s.version))
            s.fetched.append((time.time(), s.version))
    elif status != 204:
        s.errors.append(f"now: {status}")


async def _read_chunk(reader: asyncio.StreamReader) -> bytes:
    size = int((await reader.readline()).strip() or b"0", 16)
    chunk = await reader.readexactly(size + 2)
    return chunk[:-2]


async def listen(base: tuple[str, int], s: Student, fetches: set[asyncio.Task[None]]) -> None:
    """Hold the student's event stream open; on each "changed" event fetch the step."""
    reader, writer = await asyncio.open_connection(*base)
    lines = [f"GET /a/{s.token}/class/events HTTP/1.1", f"Host: {base[0]}:{base[1]}"]
    lines += ["Accept: text/event-stream", f"X-Forwarded-For: {s.address}"]
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
    try:
        head = await reader.readuntil(b"\r\n\r\n")
        if b" 200 " not in head.split(b"\r\n", 1)[0]:
            s.errors.append(f"events: {head[:40]!r}")
            return
        s.opened.set()
        buffer = b""
        while chunk := await _read_chunk(reader):
            buffer += chunk
            while b"\n\n" in buffer:
                event, buffer = buffer.split(b"\n\n", 1)
                if b"event: changed" in event:
                    s.events.append((time.time(), event.rsplit(b"data: ", 1)[-1].decode()))
                    _start(fetches, fetch_now(base, s))
                elif b"event: step" in event:
                    _stepped(s, event.decode())
                elif b"event: reveal" in event:
                    _revealed(base, s, event.decode(), fetches)
    except (OSError, asyncio.IncompleteReadError) as exc:
        s.errors.append(f"events: {type(exc).__name__}")
    finally:
        s.opened.set()
        writer.close()


def _start(tasks: set[asyncio.Task[None]], coroutine: Any) -> None:
    task = asyncio.create_task(coroutine)
    tasks.add(task)
    task.add_done_callback(tasks.discard)


def _stepped(s: Student, event: str) -> None:
    """A step came in the stream (the claim shown): the device shows it, as if fetched."""
    lines = event.split("\n")[1:]
    body = "\n".join(line.removeprefix("data: ") for line in lines).encode()
    s.events.append((time.time(), "step"))
    s.body = body
    if match := VERSION.search(body):
        s.version = match.group(1).decode()


def _revealed(base: Base, s: Student, event: str, tasks: set[asyncio.Task[None]]) -> None:
    """A reveal came in the stream: the device shows it, then fetches its whole step later."""
    claim, within = CLAIM.search(event), WITHIN.search(event)
    if claim is None or within is None:
        s.errors.append("events: a reveal without its claim")
        return
    version = f"{claim.group(1)}.revealed.{claim.group(2)}.revealed"
    s.events.append((time.time(), version))
    s.seen.append((time.time(), version))
    _start(tasks, _later(random.uniform(0, float(within.group(1))), lambda: fetch_now(base, s)))


async def _later(seconds: float, then: Any) -> None:
    await asyncio.sleep(seconds)
    await then()
