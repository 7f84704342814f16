"""Class mode's live updates: server-sent events that tell a presenter or a student's device
"your class changed, fetch the current step". The events carry no answer and no key: the page
then asks for its own fragment with its own credentials.

One poller per process (a task started with the first open stream) reads, every
POLL_SECONDS, the state of the runs that have open streams here, in one short database
session, and wakes only the streams of the runs that changed. It works the same with several
processes on one PostgreSQL or on SQLite: the state is in the database, never in memory, and
no open stream holds a database session.
"""

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import anyio.to_thread
from fastapi import HTTPException, Request
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session

from quiz_app.models import ClassRun
from quiz_app.store import class_runs as runs_store

# The htmx SSE extension (npm htmx-ext-sse), vendored as static/htmx-ext-sse-<version>.min.js
# and served like htmx: from the CDN with this integrity (the same file as the vendored copy,
# a test checks the hash) and the local copy as fallback, or only the local copy.
SSE_VERSION = "2.2.4"
SSE_SRI = "sha384-A986SAtodyH8eg8x8irJnYUk7i9inVQqYigD6qZ9evobksGNIXfeFvDwLSHcp31N"
SSE_CDN_URL = f"https://cdn.jsdelivr.net/npm/htmx-ext-sse@{SSE_VERSION}/dist/sse.min.js"
SSE_LOCAL = f"htmx-ext-sse-{SSE_VERSION}.min.js"
POLL_SECONDS = 0.5  # how often the process's poller reads the watched runs
HEARTBEAT_SECONDS = 15  # a comment line that keeps proxies from closing an idle stream
STREAM_SECONDS = 600  # a stream ends after this; EventSource reconnects by itself
RETRY_MS = 2000  # how long EventSource waits before reconnecting
Audience = Literal["presenter", "student"]
LOG = logging.getLogger("quiz_app")


def presenter_version(run: ClassRun, counts: runs_store.Counts) -> str:
    """Return what changes whenever the presenter's view changes: the step and the counts."""
    return f"{run.id}.{run.step}.{run.position}.{counts.joined}.{counts.answered}.{counts.revoted}"


def student_version(run: ClassRun) -> str:
    """Return what changes whenever a student's view changes: the step and the claim."""
    return f"{run.id}.{run.step}.{run.position}"


def sse_script(request: Request) -> dict[str, str | None]:
    """Return where a class page loads the SSE extension from (templates/class/_live.html)."""
    cdn = request.app.state.settings.htmx_source == "cdn"
    return {
        "cdn": SSE_CDN_URL if cdn else None,
        "sri": SSE_SRI if cdn else None,
        "local": str(request.url_for("static", path=SSE_LOCAL).path),
    }


def read_versions(session: Session, run_ids: list[int]) -> dict[int, dict[Audience, str]]:
    """Return each run's presenter and student versions, in a few queries for all runs."""
    runs = runs_store.runs_by_id(session, run_ids=run_ids)
    counts = runs_store.counts_of(session, runs=runs)
    return {
        run.id: {
            "presenter": presenter_version(run, counts[run.id]),
            "student": student_version(run),
        }
        for run in runs
    }


@dataclass
class Hub:
    """The process's open class streams, by run, and the one poller that wakes them."""

    read: Callable[[list[int]], dict[int, dict[Audience, str]]]
    poll_seconds: float = POLL_SECONDS
    streams: dict[int, set[tuple[Audience, asyncio.Queue[str]]]] = field(
        default_factory=lambda: defaultdict(set)
    )
    last: dict[int, dict[Audience, str]] = field(default_factory=dict)
    task: asyncio.Task[None] | None = None
    reads: int = 0  # how many times the poller read the database (tests watch it)

    def subscribe(self, run_id: int, audience: Audience) -> asyncio.Queue[str]:
        queue: asyncio.Queue[str] = asyncio.Queue(maxsize=1)
        self.streams[run_id].add((audience, queue))
        if run_id in self.last:  # what the poller saw last: a page older than it fetches anew
            _offer(queue, self.last[run_id][audience])
        if self.task is None or self.task.done():
            self.task = asyncio.get_running_loop().create_task(self._poll())
        return queue

    def unsubscribe(self, run_id: int, audience: Audience, queue: asyncio.Queue[str]) -> None:
        self.streams[run_id].discard((audience, queue))
        if not self.streams[run_id]:
            del self.streams[run_id]
            self.last.pop(run_id, None)

    def publish(self, versions: dict[int, dict[Audience, str]]) -> None:
        """Wake the streams whose run's version for their audience changed (and only those)."""
        for run_id, now in versions.items():
            before = self.last.get(run_id, {})
            self.last[run_id] = now
            for audience, queue in list(self.streams.get(run_id, ())):
                if before.get(audience) != now[audience]:
                    _offer(queue, now[audience])

    async def _poll(self) -> None:
        while self.streams:
            watched = list(self.streams)
            self.reads += 1
            try:
                self.publish(await anyio.to_thread.run_sync(self.read, watched))
            except Exception:  # a database outage: the streams wait, the pages poll meanwhile
                LOG.exception("Class mode's event poller could not read the database")
            await asyncio.sleep(self.poll_seconds)


def _offer(queue: asyncio.Queue[str], version: str) -> None:
    """Put the newest version in a one-slot queue: a stream that is behind needs only that."""
    with contextlib.suppress(asyncio.QueueEmpty):
        queue.get_nowait()
    queue.put_nowait(version)


def hub_of(request: Request) -> Hub:
    """Return the process's hub (made with the first stream)."""
    state = request.app.state
    if getattr(state, "class_hub", None) is None:
        sessions = state.sessions

        def read(run_ids: list[int]) -> dict[int, dict[Audience, str]]:
            with sessions() as session:
                return read_versions(session, run_ids)

        state.class_hub = Hub(read=read)
    hub: Hub = state.class_hub
    return hub


def check_accepts_events(request: Request) -> None:
    """Refuse (406) a request that does not ask for an event stream: a browser's EventSource
    always does, while a link followed by hand or a crawler would hold a stream open."""
    if "text/event-stream" not in request.headers.get("accept", ""):
        raise HTTPException(
            406, "This address sends live updates to the class page. Open the class page instead."
        )


def stream(request: Request, run_id: int, *, audience: Audience) -> StreamingResponse:
    """Return the event stream of one run for one audience: a "changed" event with the new
    version whenever it changes, a heartbeat comment meanwhile."""
    hub = hub_of(request)
    seconds: float = getattr(request.app.state, "class_stream_seconds", STREAM_SECONDS)

    async def events() -> AsyncIterator[str]:
        queue = hub.subscribe(run_id, audience)
        try:
            yield f"retry: {RETRY_MS}\n\n"
            with anyio.move_on_after(seconds):
                while True:
                    try:
                        version = await asyncio.wait_for(queue.get(), HEARTBEAT_SECONDS)
                    except TimeoutError:
                        yield ": still here\n\n"
                        continue
                    yield f"event: changed\ndata: {version}\n\n"
        finally:
            hub.unsubscribe(run_id, audience, queue)

    headers: dict[str, Any] = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    return StreamingResponse(events(), media_type="text/event-stream", headers=headers)
