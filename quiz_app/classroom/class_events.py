"""Class mode's live updates: server-sent events that tell a presenter or a student's device
"your class changed, fetch the current step". Those events carry no answer and no key: the
page then asks for its own fragment with its own credentials. At a reveal, a student who voted
gets the reveal itself instead (class_reveal.py: the key is due then), so a whole room sees it
at once rather than every device fetching its step in the same second.

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


Event = tuple[str, str]  # the event's name ("changed", "step" or "reveal") and its data
Stream = tuple[Audience, int | None, "asyncio.Queue[Event]"]  # who, their attempt, their queue
# Given the runs that just moved to a pushed step (their watching attempts) and the number of
# open streams, the events to send those attempts instead of "changed".
Push = Callable[[dict[int, set[int]], int], dict[int, dict[int, Event]]]
# The steps whose content the stream carries to students: the claim shown (class_student.py)
# and the reveal (class_reveal.py); at the others a device fetches its step.
PUSHED_STEPS = frozenset({"answering", "revealed"})


def step_of(version: str) -> str:
    """Return the step a student version names (student_version's second part), or ""."""
    parts = version.split(".")
    return parts[1] if len(parts) > 1 else ""


@dataclass
class Hub:
    """The process's open class streams, by run, and the one poller that wakes them.

    `read` returns each watched run's versions; when a run moves to one of PUSHED_STEPS,
    `push` returns what to send each watching student's device in place of "changed"."""

    read: Callable[[list[int]], dict[int, dict[Audience, str]]]
    push: Push | None = None
    poll_seconds: float = POLL_SECONDS
    streams: dict[int, set[Stream]] = field(default_factory=lambda: defaultdict(set))
    last: dict[int, dict[Audience, str]] = field(default_factory=dict)
    task: asyncio.Task[None] | None = None
    reads: int = 0  # how many times the poller read the database (tests watch it)
    loop: asyncio.AbstractEventLoop | None = None
    woken: asyncio.Event | None = None

    def wake(self) -> None:
        """Read at once instead of at the next tick: a press in this process (the other
        processes see it at their next tick). Safe to call from any thread."""
        if self.task is None or self.task.done() or self.loop is None or self.woken is None:
            return  # no poller runs: the first stream to open reads anyway
        with contextlib.suppress(RuntimeError):  # its loop closed meanwhile (a test's client)
            self.loop.call_soon_threadsafe(self.woken.set)

    def subscribe(
        self, run_id: int, audience: Audience, attempt_id: int | None = None
    ) -> asyncio.Queue[Event]:
        queue: asyncio.Queue[Event] = asyncio.Queue(maxsize=1)
        self.streams[run_id].add((audience, attempt_id, queue))
        if run_id in self.last:  # what the poller saw last: a page older than it fetches anew
            _offer(queue, ("changed", self.last[run_id][audience]))
        if self.task is None or self.task.done():
            self.task = asyncio.get_running_loop().create_task(self._poll())
        return queue

    def unsubscribe(
        self,
        run_id: int,
        audience: Audience,
        queue: asyncio.Queue[Event],
        attempt_id: int | None = None,
    ) -> None:
        self.streams[run_id].discard((audience, attempt_id, queue))
        if not self.streams[run_id]:
            del self.streams[run_id]
            self.last.pop(run_id, None)

    def pushing(self, versions: dict[int, dict[Audience, str]]) -> dict[int, set[int]]:
        """Return the runs whose students' version just turned to one of PUSHED_STEPS, each
        with the attempts whose streams watch it here."""
        found: dict[int, set[int]] = {}
        for run_id, now in versions.items():
            student = now["student"]
            if (
                student == self.last.get(run_id, {}).get("student")
                or step_of(student) not in PUSHED_STEPS
            ):
                continue
            watching = {a for audience, a, _ in self.streams.get(run_id, ()) if a is not None}
            if watching:
                found[run_id] = watching
        return found

    def publish(
        self,
        versions: dict[int, dict[Audience, str]],
        pushed: dict[int, dict[int, Event]] | None = None,
    ) -> None:
        """Wake the streams whose run's version for their audience changed (and only those):
        with what was pushed to the student where there is something, else with "changed"."""
        for run_id, now in versions.items():
            before = self.last.get(run_id, {})
            self.last[run_id] = now
            shown = (pushed or {}).get(run_id, {})
            for audience, attempt_id, queue in list(self.streams.get(run_id, ())):
                if before.get(audience) == now[audience]:
                    continue
                if attempt_id is not None and attempt_id in shown:
                    _offer(queue, shown[attempt_id])
                else:
                    _offer(queue, ("changed", now[audience]))

    async def _poll(self) -> None:
        self.loop, self.woken = asyncio.get_running_loop(), asyncio.Event()
        while self.streams:
            watched = list(self.streams)
            self.reads += 1
            try:
                versions = await anyio.to_thread.run_sync(self.read, watched)
                pushed: dict[int, dict[int, Event]] = {}
                pushing = self.pushing(versions)
                if pushing and self.push is not None:
                    count = sum(len(s) for s in self.streams.values())
                    pushed = await anyio.to_thread.run_sync(self.push, pushing, count)
                self.publish(versions, pushed)
            except Exception:  # a database outage: the streams wait, the pages poll meanwhile
                LOG.exception("Class mode's event poller could not read the database")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.woken.wait(), self.poll_seconds)
            self.woken.clear()


def _offer(queue: asyncio.Queue[Event], event: Event) -> None:
    """Put the newest event in a one-slot queue: a stream that is behind needs only that."""
    with contextlib.suppress(asyncio.QueueEmpty):
        queue.get_nowait()
    queue.put_nowait(event)


def hub_of(request: Request) -> Hub:
    """Return the process's hub (made with the first stream, whose request it keeps to make
    the addresses in the steps it pushes: the app's own, whatever the request)."""
    # Imported here: they render with class_runs, which imports this module.
    from quiz_app.classroom import class_reveal, class_student

    state = request.app.state
    if getattr(state, "class_hub", None) is None:
        sessions, bank, env = state.sessions, state.bank, state.templates.env
        page = Request(request.scope)

        def read(run_ids: list[int]) -> dict[int, dict[Audience, str]]:
            with sessions() as session:
                return read_versions(session, run_ids)

        def push(watching: dict[int, set[int]], streams: int) -> dict[int, dict[int, Event]]:
            with sessions() as session:  # the runs read once, for both kinds of push
                runs = runs_store.runs_by_id(session, run_ids=list(watching))
                steps = class_student.pushed_steps(session, bank, env, page, runs, watching)
                reveals = class_reveal.payloads(session, bank, env, runs, watching, streams=streams)
            pushed: dict[int, dict[int, Event]] = {}
            for name, found in (("step", steps), ("reveal", reveals)):
                for run_id, by_attempt in found.items():
                    pushed.setdefault(run_id, {}).update(
                        {a: (name, html) for a, html in by_attempt.items()}
                    )
            return pushed

        state.class_hub = Hub(read=read, push=push)
    hub: Hub = state.class_hub
    return hub


def wake(request: Request) -> None:
    """Tell this process's streams at once that a run moved on (see Hub.wake)."""
    hub: Hub | None = getattr(request.app.state, "class_hub", None)
    if hub is not None:
        hub.wake()


def check_accepts_events(request: Request) -> None:
    """Refuse (406) a request that does not ask for an event stream: a browser's EventSource
    always does, while a link followed by hand or a crawler would hold a stream open."""
    if "text/event-stream" not in request.headers.get("accept", ""):
        raise HTTPException(
            406, "This address sends live updates to the class page. Open the class page instead."
        )


def stream(
    request: Request, run_id: int, *, audience: Audience, attempt_id: int | None = None
) -> StreamingResponse:
    """Return the event stream of one run for one audience: a "changed" event with the new
    version whenever it changes (or, for a student who voted, the reveal itself), a heartbeat
    comment meanwhile."""
    hub = hub_of(request)
    seconds: float = getattr(request.app.state, "class_stream_seconds", STREAM_SECONDS)

    async def events() -> AsyncIterator[str]:
        queue = hub.subscribe(run_id, audience, attempt_id)
        try:
            yield f"retry: {RETRY_MS}\n\n"
            with anyio.move_on_after(seconds):
                while True:
                    try:
                        name, data = await asyncio.wait_for(queue.get(), HEARTBEAT_SECONDS)
                    except TimeoutError:
                        yield ": still here\n\n"
                        continue
                    yield sse_event(name, data)
        finally:
            hub.unsubscribe(run_id, audience, queue, attempt_id)

    headers: dict[str, Any] = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    return StreamingResponse(events(), media_type="text/event-stream", headers=headers)


def sse_event(name: str, data: str) -> str:
    """Return one server-sent event: its data on as many "data:" lines as it has lines."""
    lines = "".join(f"data: {line}\n" for line in data.split("\n"))
    return f"event: {name}\n{lines}\n"
