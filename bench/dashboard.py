"""Benchmark: one poll of the teacher's dashboard for a class of 300 students × 40 answers.

Run: python bench/dashboard.py [--students 300] [--answers 40] [--polls 20] [--profile]

Builds the class in a temporary SQLite database (and, when QUIZ_TEST_DATABASE_URL is set, in a
throw-away schema of that PostgreSQL database too), then measures the dashboard's htmx poll in
the app's own process (FastAPI's TestClient: no network, so the time is the server's):
- database queries per poll, counted with SQLAlchemy's "before_cursor_execute" event;
- server time per poll, from the request reaching the app to its last byte (the test client's
  own work left out): wall time, and CPU time, which on a shared machine does not count the
  waits for a free core that the wall time does.
Four polls are measured, each --polls times, one case after the other (median, 95th
percentile and best; a p95 far above the median is most often a full garbage collection, and
on a loaded machine the best CPU time is the one least inflated by the other processes):
- cold: the whole fragment with nothing kept from earlier polls (a server just started: every
  attempt is read and scored, classroom/results_cache.py emptied first);
- one new answer: a student answers one more question, then the teacher's poll (the live case:
  one attempt is read and scored again, the class added up, the fragment rendered);
- whole fragment, nothing new: a poll without a version (a page opened again), all kept;
- unchanged: a poll with the version it showed, answered 204 from one version query.
The issue's target: at most 5 queries and 50 ms per poll. --profile prints a pyinstrument
profile of the one-new-answer poll's context and fragment.
"""

import argparse
import gc
import math
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from quiz_app import auth, store  # noqa: E402
from quiz_app.bank.items import ClassifyQuestion  # noqa: E402
from quiz_app.classroom import results_cache  # noqa: E402
from quiz_app.config import Settings  # noqa: E402
from quiz_app.learning import grading  # noqa: E402
from quiz_app.main import create_app  # noqa: E402
from quiz_app.models import Answer, Assignment, Attempt, Teacher, utcnow  # noqa: E402

HTMX = {"HX-Request": "true"}
TARGET_QUERIES = 5
TARGET_MS = 50.0


def build_class(
    app: Any, students: int, answers: int, late: int = 0
) -> tuple[TestClient, int, list[tuple[int, str]]]:
    """Store a teacher, an assignment of `answers` questions and `students` attempts that
    answered them all; the first `late` students have one more question, not yet answered.
    Return the teacher's logged-in client, the assignment's id and the late students' (attempt
    id, question id)."""
    bank = app.state.bank
    ids = sorted(q.id for q in bank.questions.values())
    pool, extra = ids[:answers], ids[answers]
    rng = random.Random(11)
    with app.state.sessions() as session:
        teacher = Teacher(email="bench@school.org", password_hash=auth.hash_password("x" * 12))
        session.add(teacher)
        session.commit()
        assignment = store.assignments.create_assignment(
            session,
            teacher=teacher,
            codes=["BENCH1"],
            title="Bench",
            source={"ids": [*pool, extra]},
            pool=[*pool, extra],
            question_count=len(pool),
            shuffle=False,
            feedback_mode="immediate",
            attempts_allowed=1,
            identity="name",
        )
        waiting = []
        for n in range(students):
            asked = [*pool, extra] if n < late else pool
            attempt = store.assignments.new_assignment_attempt(
                assignment, student_name=f"Student {n:03d}", question_ids=asked, seed=n
            )
            session.add(attempt)
            session.flush()
            session.add_all(_answers(bank, attempt, pool, rng))
            if n < late:
                waiting.append((attempt.id, extra))
        session.commit()
        token, _csrf = store.teachers.create_session(session, teacher=teacher, hours=1)
        assignment_id = assignment.id
    client = TestClient(Timed(app), follow_redirects=False)
    client.cookies.set(auth.SESSION_COOKIE, token)
    return client, assignment_id, waiting


def _answers(bank: Any, attempt: Attempt, pool: list[str], rng: random.Random) -> list[Answer]:
    return [_answer(bank, attempt.id, qid, rng) for qid in pool]


def _answer(bank: Any, attempt_id: int, qid: str, rng: random.Random) -> Answer:
    question = bank.questions[qid]
    if isinstance(question, ClassifyQuestion):
        given = rng.choice(["research", "hypothesis", "unsupported"])
        reason = rng.choice(question.reason_options)
    else:
        given, reason = rng.choice(question.options).id, None
    confidence = rng.choice(["guessing", "unsure", "fairly-sure", "certain"])
    feedback = grading.grade(question, given, reason=reason, confidence=confidence)
    return Answer(
        attempt_id=attempt_id,
        question_id=qid,
        answer=given,
        correct=feedback.correct,
        reason=feedback.reason,
        reason_correct=feedback.reason_correct,
        confidence=confidence,
        created_at=utcnow(),
    )


class Timed:
    """The app, timed from the moment a request reaches it to its last byte sent: the
    server's own time, without the test client's (the client waits meanwhile, so the
    process's CPU time in that span is the server's)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.wall_ms = self.cpu_ms = 0.0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        start, cpu = time.perf_counter(), time.process_time()
        try:
            await self.app(scope, receive, send)
        finally:
            self.wall_ms = (time.perf_counter() - start) * 1000
            self.cpu_ms = (time.process_time() - cpu) * 1000


def poll(
    app: Any, client: TestClient, url: str, version: str | None
) -> tuple[int, float, float, Any]:
    """Return (queries, the server's wall and CPU milliseconds, response) of one htmx poll."""
    counted = [0]

    def count(*_args: object) -> None:
        counted[0] += 1

    event.listen(app.state.engine, "before_cursor_execute", count)
    try:
        response = client.get(url, params={"v": version} if version else None, headers=HTMX)
    finally:
        event.remove(app.state.engine, "before_cursor_execute", count)
    timed: Timed = client.app  # type: ignore[assignment]
    return counted[0], timed.wall_ms, timed.cpu_ms, response


Run = tuple[int, float, float]  # queries, wall ms, CPU ms


def _version_of(response: Any) -> str:
    return str(response.text.split('hx-vals=\'{"v": "', 1)[1].split('"', 1)[0])


def _forget(app: Any) -> None:
    """Empty the kept scores, as in a server just started."""
    with app.state.sessions() as session:
        kept = results_cache.kept_scores(session)
        kept.clear()


def _measured(
    app: Any, client: TestClient, url: str, waiting: list[tuple[int, str]], polls: int
) -> dict[str, list[Run]]:
    """Measure each case `polls` times, one case after the other (a cold poll leaves much
    garbage behind, and the collection it brings on would land in the next case)."""
    runs: dict[str, list[Run]] = {name: [] for name, _ in CASES}
    rng = random.Random(7)
    for _ in range(polls):
        _forget(app)
        queries, ms, cpu, response = poll(app, client, url, None)
        assert response.status_code == 200, response.status_code
        runs["cold"].append((queries, ms, cpu))
    gc.collect()
    version = _version_of(poll(app, client, url, None)[3])
    for attempt_id, qid in waiting[:polls]:
        with app.state.sessions() as session:
            session.add(_answer(app.state.bank, attempt_id, qid, rng))
            session.commit()
        queries, ms, cpu, response = poll(app, client, url, version)
        assert response.status_code == 200, response.status_code
        runs["new answer"].append((queries, ms, cpu))
        version = _version_of(response)
    for name, since, status in (("warm", None, 200), ("unchanged", version, 204)):
        for _ in range(polls):
            queries, ms, cpu, response = poll(app, client, url, since)
            assert response.status_code == status, response.status_code
            runs[name].append((queries, ms, cpu))
    return runs


CASES = (
    ("cold", "cold: whole fragment, nothing kept (200)"),
    ("new answer", "one new answer, then the poll (200)"),
    ("warm", "whole fragment, nothing new (200)"),
    ("unchanged", "unchanged (204)"),
)


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]


def measure(database_url: str, args: argparse.Namespace, label: str) -> None:
    # The background grade sender and retention sweep would add their own queries to the
    # count: off.
    app = create_app(
        Settings(database_url=database_url, lti_grade_poll_seconds=0, retention_sweep_minutes=0)
    )
    with TestClient(app):
        client, assignment_id, waiting = build_class(
            app, args.students, args.answers, late=args.polls + 1
        )
        url = f"/teacher/assignments/{assignment_id}"
        client.get(url, headers=HTMX)  # warm the templates and the bank's caches
        runs = _measured(app, client, url, waiting, args.polls)
        if args.profile:
            _profile(app, assignment_id, waiting[-1])
    app.state.engine.dispose()
    answers = args.students * args.answers
    print(f"{label}: {args.students} students × {args.answers} answers = {answers} answers")
    for name, title in CASES:
        queries = max(q for q, _, _ in runs[name])
        wall = [ms for _, ms, _ in runs[name]]
        cpu = [c for _, _, c in runs[name]]
        ok = (
            "meets"
            if queries <= TARGET_QUERIES and statistics.median(cpu) <= TARGET_MS
            else "misses"
        )
        print(
            f"  {title}: {queries} queries; CPU median {statistics.median(cpu):.1f} ms, "
            f"p95 {_p95(cpu):.1f} ms, best {min(cpu):.1f} ms; "
            f"wall median {statistics.median(wall):.1f} ms, "
            f"p95 {_p95(wall):.1f} ms; {len(cpu)} polls ({ok} {TARGET_QUERIES} queries and "
            f"{TARGET_MS:.0f} ms)"
        )


def _profile(app: Any, assignment_id: int, late: tuple[int, str]) -> None:
    """Print where a poll after one new answer spends its time: the dashboard's context and
    its fragment, called in this thread (the request itself runs in a worker thread
    pyinstrument skips)."""
    from pyinstrument import Profiler  # installed only to profile: pip install pyinstrument

    from quiz_app.classroom import dashboard

    templates = app.state.templates.env.get_template("teacher/_live.html")
    with app.state.sessions() as session:
        session.add(_answer(app.state.bank, *late, random.Random(3)))
        session.commit()
    profiler = Profiler()
    with app.state.sessions() as session, profiler:
        assignment = session.get(Assignment, assignment_id)
        teacher = assignment.teacher
        context = dashboard.dashboard_context(session, app.state.bank, teacher, assignment)
        context["url_for"] = lambda *_a, **_k: "/"
        # The links the route gives the roster (so its kept rows are found, as in a poll).
        context["student_url"] = lambda attempt: (
            f"/teacher/assignments/{assignment_id}/attempts/{attempt}"
        )
        templates.render(context)
    print(profiler.output_text(unicode=True, color=False))


@contextmanager
def postgres_schema(url: str) -> Iterator[str]:
    """Yield the URL of a fresh schema of the PostgreSQL database, dropped afterwards."""
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        scoped = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
        yield scoped.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--answers", type=int, default=40)
    parser.add_argument("--polls", type=int, default=20)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        measure(f"sqlite:///{Path(folder) / 'bench.db'}", args, "SQLite")
    postgres = os.environ.get("QUIZ_TEST_DATABASE_URL", "")
    if postgres:
        with postgres_schema(postgres) as url:
            measure(url, args, "PostgreSQL")


if __name__ == "__main__":
    main()
