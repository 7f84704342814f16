"""Benchmark (issue 15): 40 classes × 30 students in class mode on one `quiz-app serve`
process, every student's device holding its event stream open, and how fast a reveal reaches
every student.

Run: python bench/class_streams.py [--classes 40] [--students 30] [--clients 2]
                                   [--databases sqlite,postgresql] [--spread 5]
     python bench/class_streams.py --quick   (4 classes on SQLite, under a minute; fails only
                                              on errors or a student who never saw a reveal)

The app runs as production runs it (bench/_server.py: `quiz-app serve`, rate limits on, the
SQLite default in a temporary data dir, or a PostgreSQL database made on the server of
QUIZ_TEST_DATABASE_URL and dropped). Each class's teacher (a row and a login session made in
the database, as `quiz-app teacher create` and a login would) makes an assignment of two
claims over HTTP and presses Run in class; its 30 students join with the code from their
school's address (X-Forwarded-For through the trusted loopback proxy, one school per class),
and open the class page's event stream. Client processes (--clients), each an asyncio loop
with a small HTTP/1.1 client, then play two claims: the teacher shows the claim, every student
answers it on the form their device fetched, the teacher shows the spread and then presses
Reveal at a planned time (open loop): claim 1 the classes one after the other over --spread
seconds, claim 2 all at once. Each device does what the page does: on each "changed" event it
fetches /a/<token>/class/now with the version it shows; on the "reveal" event a student who
voted gets at the reveal, it shows the reveal and fetches the whole step at a random moment
within the seconds the event gives; and it polls now and then as the page does (_devices.py).
Per student, from the press's response: (a) the reveal's event, (b) the reveal shown (the
target: p99 within 1 s), (c) the whole step fetched after it; p50/p95/p99/max.
Also the server's CPU and RSS before the streams, with them open, after; memory per stream;
the database queries of one poll tick (the hub's read of every watched run, counted here with
SQLAlchemy's cursor event); PostgreSQL's connections to the database while the streams are open.
"""

import argparse
import asyncio
import multiprocessing as mp
import os
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _devices, _server  # noqa: E402
from bench._devices import Student, listen, request  # noqa: E402

CLAIMS = ["micro-not-safe-01", "micro-not-safe-02"]
TARGET_P99 = 1.0  # seconds, at the clients


@dataclass
class Room:
    index: int  # the class's number, over every client process
    assignment_id: int
    cookie: str
    csrf: str
    address: str
    students: list[Student]
    offsets: list[float]  # when its teacher presses Reveal on each claim, from the epoch
    step: str = "lobby"
    position: int = 0


async def press(base: tuple[str, int], room: Room, action: str) -> float:
    """Press a presenter button (with CSRF, at the step it is at); return when it answered."""
    data = urlencode({"csrf_token": room.csrf, "step": room.step, "position": room.position})
    headers = {"Cookie": f"cc_session={room.cookie}", "X-Forwarded-For": room.address}
    path = f"/teacher/assignments/{room.assignment_id}/class/{action}"
    status, _, body = await request(base, "POST", path, headers, data.encode())
    if status != 303:
        raise SystemExit(f"{action} for class {room.index} answered {status}: {body[:300]!r}")
    room.step, room.position = _NEXT[action](room.position)
    return time.time()


_NEXT: dict[str, Any] = {
    "start": lambda p: ("answering", p),
    "spread": lambda p: ("spread", p),
    "reveal": lambda p: ("revealed", p),
    "next": lambda p: ("answering", p + 1),
}


async def _prepare(base: tuple[str, int], room: Room, claim: int) -> None:
    """Show the claim, let every student answer it, and show the spread."""
    for s in room.students:
        s.seen.clear()
        s.body = b""  # the form to answer is the one fetched after this press
    await press(base, room, "start" if claim == 0 else "next")
    await asyncio.gather(*(_devices.answer(base, s) for s in room.students))
    await press(base, room, "spread")


async def _reveal(base: tuple[str, int], room: Room, at: float) -> dict[str, Any]:
    """Press Reveal at `at`; return each student's two latencies (None: never saw it)."""
    await asyncio.sleep(max(0.0, at - time.time()))
    late = time.time() - at
    done = await press(base, room, "reveal")
    deadline = time.monotonic() + 15
    mark = f".revealed.{room.position}."  # this claim's reveal, not a late fetch of the last

    def shown(s: Student) -> list[float]:
        return [t for t, version in s.seen if mark in f"{version}."]

    while any(not shown(s) for s in room.students) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    while any(not _fetched(s, mark) for s in room.students) and time.monotonic() < deadline + 30:
        await asyncio.sleep(0.1)  # the whole steps, fetched within the window the event gave
    event, page, whole = [], [], []
    for s in room.students:
        first = [t for t, data in s.events if mark in f"{data}."]
        event.append(first[0] - done if first else None)
        page.append(shown(s)[0] - done if shown(s) else None)
        whole.append(_fetched(s, mark)[0] - done if _fetched(s, mark) else None)
    return {"event": event, "page": page, "whole": whole, "late": late, "press": done - at - late}


def _fetched(s: Student, mark: str) -> list[float]:
    return [t for t, version in s.fetched if mark in f"{version}."]


def _client(rooms: list[Room], base: tuple[str, int], barrier: Any, epoch: Any, out: Any) -> None:
    """A client process: its classes' streams and presses, phase by phase with the others."""
    try:
        out.put(asyncio.run(_play(rooms, base, barrier, epoch)))
    except BaseException:
        barrier.abort()  # the main process stops waiting, with this traceback printed
        raise


async def _play(rooms: list[Room], base: tuple[str, int], barrier: Any, epoch: Any) -> Any:
    loop = asyncio.get_running_loop()
    fetches: set[asyncio.Task[None]] = set()
    students = [s for room in rooms for s in room.students]
    listeners = [asyncio.create_task(listen(base, s, fetches)) for s in students]
    await asyncio.gather(*(s.opened.wait() for s in students))
    settled = time.monotonic() + 60  # each stream's first "changed" event and its fetch
    while any(not s.body for s in students) and time.monotonic() < settled:
        await asyncio.sleep(0.1)
    await asyncio.sleep(1.0)
    await loop.run_in_executor(None, barrier.wait)  # every stream open: the server measured
    await loop.run_in_executor(None, barrier.wait)
    results = []
    for claim in range(len(CLAIMS)):
        began = time.monotonic()
        await asyncio.gather(*(_prepare(base, room, claim) for room in rooms))
        while fetches and time.monotonic() < began + 120:  # the devices' fetches answered
            await asyncio.sleep(0.05)
        settled = time.monotonic() - began
        await asyncio.sleep(1.0)
        await loop.run_in_executor(None, barrier.wait)  # every class ready...
        await loop.run_in_executor(None, barrier.wait)  # ...and the main process set the epoch
        at = epoch.value
        reveals = (_reveal(base, room, at + room.offsets[claim]) for room in rooms)
        results.append([{**r, "settled": settled} for r in await asyncio.gather(*reveals)])
    errors = [e for s in students for e in s.errors]
    for task in listeners:
        task.cancel()
    return results, errors


def make_teachers(url: str, count: int) -> list[tuple[str, str]]:
    """Store `count` teachers and a login session each; return their (cookie, CSRF) pairs."""
    from sqlalchemy import create_engine

    from quiz_app import auth, db, store
    from quiz_app.models import Teacher

    engine = create_engine(url)
    password = auth.hash_password("correct horse battery")  # argon2 once: slow on purpose
    pairs = []
    with db.session_factory(engine)() as session:
        for i in range(count):
            teacher = Teacher(email=f"teacher{i}@school{i}.example", password_hash=password)
            session.add(teacher)
            session.flush()
            pairs.append(store.teachers.create_session(session, teacher=teacher, hours=12))
        session.commit()
    engine.dispose()
    return pairs


async def _open_room(
    base: tuple[str, int], index: int, teacher: tuple[str, str], students: int, url: str
) -> Room:
    """The teacher makes the assignment and presses Run in class; the students join."""
    cookie, csrf = teacher
    address = f"10.{index // 250}.{index % 250}.1"  # the class's school, behind its NAT
    headers = {"Cookie": f"cc_session={cookie}", "X-Forwarded-For": address}
    form = {"title": f"Class {index}", "source": "ids", "ids": CLAIMS, "csrf_token": csrf}
    form |= {"feedback_mode": "immediate", "attempts_allowed": "1", "identity": "name"}
    form |= {"timezone": "UTC", "opens_at": "", "closes_at": "", "question_count": ""}
    body = urlencode(form, doseq=True).encode()
    status, found, text = await request(base, "POST", "/teacher/assignments", headers, body)
    if status != 303:
        raise SystemExit(f"making class {index}'s assignment answered {status}: {text[:300]!r}")
    assignment_id = int(found["location"].rsplit("/", 1)[-1])
    path = f"/teacher/assignments/{assignment_id}/class"
    status, _, text = await request(
        base, "POST", path, headers, urlencode({"csrf_token": csrf}).encode()
    )
    if status != 303:
        raise SystemExit(f"Run in class for class {index} answered {status}: {text[:300]!r}")
    code = _join_code(url, assignment_id)
    room = Room(index, assignment_id, cookie, csrf, address, [], offsets=[])
    for n in range(students):
        sent = urlencode({"name": f"Student {n} of class {index}"}).encode()
        status, found, text = await request(
            base, "POST", f"/j/{code}", {"X-Forwarded-For": address}, sent
        )
        if status != 303:
            raise SystemExit(f"joining class {index} answered {status}: {text[:300]!r}")
        student = Student(found["location"].rsplit("/", 1)[-1], address)
        status, _, _ = await request(
            base, "GET", f"/a/{student.token}/class", {"X-Forwarded-For": address}
        )
        if status != 200:
            raise SystemExit(f"class {index}'s page answered {status}")
        room.students.append(student)
    return room


def _join_code(url: str, assignment_id: int) -> str:
    from sqlalchemy import create_engine, select

    from quiz_app.models import Assignment

    engine = create_engine(url)
    with engine.connect() as connection:
        code = connection.scalar(select(Assignment.join_code).where(Assignment.id == assignment_id))
    engine.dispose()
    return str(code)


def percentiles(values: list[float]) -> str:
    ordered = sorted(values)
    if not ordered:
        return "none"
    at = [ordered[min(len(ordered) - 1, int(f * len(ordered)))] for f in (0.5, 0.95, 0.99)]
    return "p50 {:.0f}  p95 {:.0f}  p99 {:.0f}  max {:.0f} ms".format(
        *(1000 * v for v in [*at, ordered[-1]])
    )


@dataclass
class Measure:
    cpu: float
    rss: float
    at: float = field(default_factory=time.monotonic)


def _measure(server: _server.Server) -> Measure:
    return Measure(server.cpu_seconds(), server.rss_mib())


def _report_reveals(results: list[Any], modes: list[str], rooms: int) -> bool:
    """Print each reveal's latencies; return whether every student saw every reveal."""
    ok = True
    for claim, mode in enumerate(modes):
        reveals = [r for client in results for r in client[0][claim]]
        event = [v for r in reveals for v in r["event"] if v is not None]
        page = [v for r in reveals for v in r["page"] if v is not None]
        never = sum(v is None for r in reveals for v in r["page"])
        late = max(r["late"] for r in reveals)
        press = sorted(r["press"] for r in reveals)
        settled = max(r["settled"] for r in reveals)
        print(f"  reveal {claim + 1}, {mode} ({rooms} classes):")
        print(f"    before it: the claim shown, answered by all, the spread shown, and every "
              f"device's fetch answered, in {settled:.1f} s")  # fmt: skip
        whole = [v for r in reveals for v in r["whole"] if v is not None]
        print(f'    (a) the event (the reveal itself, or "changed"): {percentiles(event)}')
        print(f"    (b) the reveal shown on the device:           {percentiles(page)}")
        print(f"    (c) then the whole step fetched (spread out): {percentiles(whole)}")
        p99 = sorted(page)[min(len(page) - 1, int(0.99 * len(page)))] if page else float("inf")
        verdict = "met" if p99 <= TARGET_P99 and not never else "MISSED"
        print(f"    students who never saw it: {never}; target p99 ≤ {TARGET_P99:.0f} s {verdict}")
        answered = f"p50 {1000 * press[len(press) // 2]:.0f} ms, max {1000 * press[-1]:.0f} ms"
        print(f"    the presses answered in {answered}; sent late by {1000 * late:.0f} ms at most")
        ok = ok and never == 0
    return ok


def _spawn(
    rooms: list[Room], base: tuple[str, int], clients: int
) -> tuple[list[Any], Any, Any, Any]:
    context = mp.get_context("fork")
    barrier, epoch, out = context.Barrier(clients + 1), context.Value("d", 0.0), context.Queue()
    shares = [rooms[i::clients] for i in range(clients)]
    processes = [context.Process(target=_client, args=(share, base, barrier, epoch, out))
                 for share in shares if share]  # fmt: skip
    for process in processes:
        process.start()
    return processes, barrier, epoch, out


def _offsets(count: int, spread: float) -> list[list[float]]:
    """Each class's Reveal times per claim: one after the other over `spread` s, then at once."""
    return [[spread * i / max(1, count), 0.0] for i in range(count)]


def run(kind: str, url: str, env: dict[str, str], args: argparse.Namespace) -> bool:
    """Run the benchmark on one database; print what it measured; return whether it passed."""
    modes = [f"one class after the other over {args.spread:g} s", "every class at once"]
    with _server.running(env) as server:
        host, port = server.base.removeprefix("http://").split(":")
        base = (host, int(port))
        teachers = make_teachers(url, args.classes)
        started = time.monotonic()
        opening = (_open_room(base, i, t, args.students, url) for i, t in enumerate(teachers))
        rooms = asyncio.run(_gathered(opening))
        for room, offsets in zip(rooms, _offsets(len(rooms), args.spread), strict=True):
            room.offsets = offsets
        print(f"  {len(rooms)} classes × {args.students} students joined in "
              f"{time.monotonic() - started:.0f} s")  # fmt: skip
        time.sleep(1.0)
        before = _measure(server)
        processes, barrier, epoch, out = _spawn(rooms, base, min(args.clients, len(rooms)))
        barrier.wait(timeout=300)  # every stream open
        opened = _measure(server)
        time.sleep(args.idle)
        idle = _measure(server)
        connections = _server.Connections(url) if kind == "postgresql" else None
        held = connections.count() if connections else None
        sampler = None
        if connections:
            import threading

            sampler = threading.Thread(target=connections.sample, daemon=True)
            sampler.start()
        queries = _server.tick_queries(url, [_run_id(url, r.assignment_id) for r in rooms])
        barrier.wait(timeout=300)  # play
        for _ in modes:
            barrier.wait(timeout=300)
            epoch.value = time.time() + 1.0
            barrier.wait(timeout=300)
        results = [out.get() for _ in processes]
        played = _measure(server)
        for process in processes:
            process.join()
        if connections and sampler:
            connections.stop = True
            sampler.join()
        time.sleep(2.0)
        after = _measure(server)
    streams = len(rooms) * args.students
    errors = Counter(e for r in results for e in r[1])
    print(f"  open streams: {streams} (students'); errors: {dict(errors) or 0}")
    print(f"  server RSS: before the streams {before.rss:.1f} MiB, with them open "
          f"{idle.rss:.1f} MiB, after they closed {after.rss:.1f} MiB; per open stream "
          f"{1024 * (idle.rss - before.rss) / streams:.1f} KiB")  # fmt: skip
    share = 100 * (idle.cpu - opened.cpu) / (idle.at - opened.at)
    played_cpu = played.cpu - idle.cpu
    print(f"  server CPU: opening the streams {opened.cpu - before.cpu:.1f} s; idle with them "
          f"open {share:.0f} % of a core; the two claims played {played_cpu:.1f} s")  # fmt: skip
    print(f"  database queries per poll tick ({len(rooms)} watched runs): {queries}")
    if connections:
        print(f"  PostgreSQL connections to the database: {held} with every stream open and "
              f"idle, at most {max(connections.samples)} while the claims played")  # fmt: skip
    return _report_reveals(results, modes, len(rooms)) and not any(r[1] for r in results)


async def _gathered(coroutines: Any) -> list[Room]:
    limit = asyncio.Semaphore(4)

    async def one(coroutine: Any) -> Room:
        async with limit:
            room: Room = await coroutine
            return room

    return list(await asyncio.gather(*(one(c) for c in coroutines)))


def _run_id(url: str, assignment_id: int) -> int:
    from sqlalchemy import create_engine

    from quiz_app import db
    from quiz_app.store import class_runs

    engine = create_engine(url)
    with db.session_factory(engine)() as session:
        found = class_runs.latest_run(session, assignment_id=assignment_id)
        assert found is not None
        run_id = found.id
    engine.dispose()
    return run_id


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="4 classes, under a minute")
    parser.add_argument("--classes", type=int, default=40)
    parser.add_argument("--students", type=int, default=30, help="per class")
    parser.add_argument("--clients", type=int, default=2, help="client processes")
    parser.add_argument("--spread", type=float, default=5.0, help="seconds, the first reveal")
    parser.add_argument("--idle", type=float, default=5.0, help="seconds idle with streams open")
    parser.add_argument("--databases", help="default sqlite,postgresql; --quick: sqlite")
    parser.add_argument("--postgresql-url", default=os.environ.get("QUIZ_TEST_DATABASE_URL", ""))
    args = parser.parse_args()
    if args.quick:
        args.classes, args.spread, args.idle = 4, 1.0, 2.0
    args.databases = args.databases or ("sqlite" if args.quick else "sqlite,postgresql")
    ok = True
    for kind in [k for k in args.databases.split(",") if k]:
        if kind == "postgresql" and not args.postgresql_url:
            print("PostgreSQL skipped: set QUIZ_TEST_DATABASE_URL or --postgresql-url")
            continue
        print(f"\n{kind}, one `quiz-app serve` process (load average {os.getloadavg()[0]:.2f}):")
        with _server.database(kind, args.postgresql_url) as (url, env):
            ok = run(kind, url, env, args) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    began = time.monotonic()
    status = main()
    print(f"\nbench/class_streams.py took {time.monotonic() - began:.0f} s")
    sys.exit(status)
