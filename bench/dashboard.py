"""Benchmark: one poll of the teacher's dashboard for a class of 300 students × 40 answers.

Run: python bench/dashboard.py [--students 300] [--answers 40] [--polls 20] [--profile]

Builds the class in a temporary SQLite database (and, when QUIZ_TEST_DATABASE_URL is set, in a
throw-away schema of that PostgreSQL database too), then measures the dashboard's htmx poll in
the app's own process (FastAPI's TestClient: no network, so the time is the server's):
- database queries per poll, counted with SQLAlchemy's "before_cursor_execute" event;
- server time per poll (median and worst of --polls).
Two polls are measured: one after a new answer (the whole fragment is rendered) and one of an
unchanged class (answered 204 from one version query). The issue's target: at most 5 queries
and 50 ms per poll. --profile prints a pyinstrument profile of the changed poll.
"""

import argparse
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
from quiz_app.config import Settings  # noqa: E402
from quiz_app.learning import grading  # noqa: E402
from quiz_app.main import create_app  # noqa: E402
from quiz_app.models import Answer, Assignment, Attempt, Teacher, utcnow  # noqa: E402

HTMX = {"HX-Request": "true"}
TARGET_QUERIES = 5
TARGET_MS = 50.0


def build_class(app: Any, students: int, answers: int) -> tuple[TestClient, int]:
    """Store a teacher, an assignment of `answers` questions and `students` attempts that
    answered them all; return the teacher's logged-in client and the assignment's id."""
    bank = app.state.bank
    pool = sorted(q.id for q in bank.questions.values())[:answers]
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
            source={"ids": pool},
            pool=pool,
            question_count=len(pool),
            shuffle=False,
            feedback_mode="immediate",
            attempts_allowed=1,
            identity="name",
        )
        for n in range(students):
            attempt = store.assignments.new_assignment_attempt(
                assignment, student_name=f"Student {n:03d}", question_ids=pool, seed=n
            )
            session.add(attempt)
            session.flush()
            session.add_all(_answers(bank, attempt, pool, rng))
        session.commit()
        token, _csrf = store.teachers.create_session(session, teacher=teacher, hours=1)
        assignment_id = assignment.id
    client = TestClient(app, follow_redirects=False)
    client.cookies.set(auth.SESSION_COOKIE, token)
    return client, assignment_id


def _answers(bank: Any, attempt: Attempt, pool: list[str], rng: random.Random) -> list[Answer]:
    rows = []
    for qid in pool:
        question = bank.questions[qid]
        if isinstance(question, ClassifyQuestion):
            given = rng.choice(["research", "hypothesis", "unsupported"])
            reason = rng.choice(question.reason_options)
        else:
            given, reason = rng.choice(question.options).id, None
        feedback = grading.grade(question, given, reason=reason, confidence="unsure")
        rows.append(
            Answer(
                attempt_id=attempt.id,
                question_id=qid,
                answer=given,
                correct=feedback.correct,
                reason=feedback.reason,
                reason_correct=feedback.reason_correct,
                confidence="unsure",
                created_at=utcnow(),
            )
        )
    return rows


def poll(app: Any, client: TestClient, url: str, version: str | None) -> tuple[int, float, Any]:
    """Return (queries, milliseconds, response) of one htmx poll."""
    counted = [0]

    def count(*_args: object) -> None:
        counted[0] += 1

    event.listen(app.state.engine, "before_cursor_execute", count)
    try:
        start = time.perf_counter()
        response = client.get(url, params={"v": version} if version else None, headers=HTMX)
        elapsed = (time.perf_counter() - start) * 1000
    finally:
        event.remove(app.state.engine, "before_cursor_execute", count)
    return counted[0], elapsed, response


def measure(database_url: str, args: argparse.Namespace, label: str) -> None:
    # The background grade sender would add its own queries to the count: off.
    app = create_app(Settings(database_url=database_url, lti_grade_poll_seconds=0))
    with TestClient(app):
        client, assignment_id = build_class(app, args.students, args.answers)
        url = f"/teacher/assignments/{assignment_id}"
        client.get(url, headers=HTMX)  # warm the templates and the bank's caches
        changed, unchanged = [], []
        for _ in range(args.polls):
            queries, ms, response = poll(app, client, url, None)
            assert response.status_code == 200, response.status_code
            changed.append((queries, ms))
            version = response.text.split('hx-vals=\'{"v": "', 1)[1].split('"', 1)[0]
            queries, ms, response = poll(app, client, url, version)
            assert response.status_code == 204, response.status_code
            unchanged.append((queries, ms))
        if args.profile:
            _profile(app, assignment_id)
    app.state.engine.dispose()
    answers = args.students * args.answers
    print(f"{label}: {args.students} students × {args.answers} answers = {answers} answers")
    for name, runs in (
        ("changed class (200, whole fragment)", changed),
        ("unchanged (204)", unchanged),
    ):
        queries = max(q for q, _ in runs)
        times = [ms for _, ms in runs]
        ok = (
            "meets"
            if queries <= TARGET_QUERIES and statistics.median(times) <= TARGET_MS
            else "misses"
        )
        print(
            f"  {name}: {queries} queries, median {statistics.median(times):.1f} ms, "
            f"worst {max(times):.1f} ms over {len(times)} polls ({ok} the target of "
            f"{TARGET_QUERIES} queries and {TARGET_MS:.0f} ms)"
        )


def _profile(app: Any, assignment_id: int) -> None:
    """Print where a changed poll's time goes: the dashboard's context and its fragment,
    called in this thread (the request itself runs in a worker thread pyinstrument skips)."""
    from pyinstrument import Profiler  # installed only to profile: pip install pyinstrument

    from quiz_app.classroom import dashboard

    templates = app.state.templates.env.get_template("teacher/_live.html")
    profiler = Profiler()
    with app.state.sessions() as session, profiler:
        assignment = session.get(Assignment, assignment_id)
        teacher = assignment.teacher
        context = dashboard.dashboard_context(session, app.state.bank, teacher, assignment)
        context["url_for"] = lambda *_a, **_k: "/"
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
