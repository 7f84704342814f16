"""The background grade sender across app processes (issue 14): every process runs one, and
each grade reaches the LMS once however many send at the same moment; while no LMS is
registered, a sender asks the database nothing between its once-a-minute looks."""

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import httpx2
import pytest
from fastapi import FastAPI
from sqlalchemy import event

from quiz_app.lti import ags, platforms
from quiz_app.lti.ags import GradeSender
from tests.lti.conftest import tool_jwks
from tests.support.lti_platform import OTHER_STUDENT, STUDENT, FakePlatform, LmsUser
from tests.support.lti_steps import (
    answer_all,
    attempt_token,
    browser,
    grade_rows,
    launch,
    set_up_link,
)

POLL_SECONDS = 0.01  # the sender's interval in these tests (3 s in production)
WRITES = ("UPDATE", "INSERT", "DELETE")
THIRD_STUDENT = LmsUser("student-45", "Lea Park", STUDENT.roles)


@pytest.fixture
def statements(app: FastAPI) -> Iterator[list[str]]:
    """Record every SQL statement the grade sender's thread runs on the app's database."""
    seen: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if threading.current_thread().name == "lti-grade-sender":
            seen.append(statement)

    event.listen(app.state.engine, "before_cursor_execute", record)
    yield seen
    event.remove(app.state.engine, "before_cursor_execute", record)


def _run_sender(app: FastAPI, passes: int) -> GradeSender:
    """Run the app's background sender for `passes` passes, then stop it."""
    sender = GradeSender(app.state, POLL_SECONDS)
    done: list[bool] = []
    run_once = sender.run_once

    def counted(*, sweep: bool) -> object:
        outcome = run_once(sweep=sweep)
        done.append(sweep)
        return outcome

    sender.run_once = counted  # type: ignore[method-assign]
    sender.start()
    deadline = time.monotonic() + 20
    while len(done) < passes and time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
    sender.stop()
    assert len(done) >= passes, f"the sender made {len(done)} passes"
    return sender


def test_the_sender_with_no_lms_registered_queries_nothing_between_sweeps(
    app: FastAPI, statements: list[str]
) -> None:
    sender = _run_sender(app, passes=40)
    assert not sender.lms_registered
    # The first pass is the minute's sweep: it looks for a registered LMS, finds none, and
    # every later pass of the minute asks nothing.
    assert len(statements) == 1, statements
    assert "lti_platforms" in statements[0]


def test_an_idle_sender_sends_a_grade_this_process_queued_at_its_next_pass(app: FastAPI) -> None:
    sender = GradeSender(app.state, POLL_SECONDS)
    assert sender.run_once(sweep=True) == {}  # no LMS yet: idle until the next minute's sweep
    lms = FakePlatform(tool_jwks=lambda: tool_jwks(app))
    lms.start()
    try:
        with app.state.sessions() as session:
            platforms.register(session, lms.registration())
        set_up_link(app, lms)
        assert sender.run_once(sweep=False) == {}  # registered elsewhere: not known here yet
        client = browser(app)
        answer_all(client, app, attempt_token(launch(client, lms, STUDENT)))
        assert sender.run_once(sweep=False) == {"sent": 1}  # queued here: it looked, and sent
    finally:
        lms.stop()
    assert [score.payload["userId"] for score in lms.scores] == [STUDENT.sub]


def test_the_sender_with_an_lms_sends_a_finished_attempts_grade_once(
    app: FastAPI, platform: FakePlatform, statements: list[str]
) -> None:
    set_up_link(app, platform)
    client = browser(app)
    answer_all(client, app, attempt_token(launch(client, platform, STUDENT)))
    sender = _run_sender(app, passes=40)
    assert sender.lms_registered
    assert [g.status for g in grade_rows(app)] == ["sent"]
    assert [score.payload["userId"] for score in platform.scores] == [STUDENT.sub]
    # Once the grade is sent (its outcome the last write), every later pass only reads: one
    # SELECT of the grades due, no write at every poll.
    writes = [i for i, sql in enumerate(statements) if sql.lstrip().startswith(WRITES)]
    assert "sent_at" in statements[writes[-1]], [statements[i] for i in writes]
    later = statements[writes[-1] + 1 :]
    assert later and all("FROM lti_grades" in sql for sql in later), later


def test_senders_in_two_processes_post_each_grade_once(
    app: FastAPI, platform: FakePlatform, database_url: str, loopback_http: httpx2.Client
) -> None:
    set_up_link(app, platform)
    for user in (STUDENT, OTHER_STUDENT, THIRD_STUDENT):
        client = browser(app)
        answer_all(client, app, attempt_token(launch(client, platform, user)))
    platform.slow_seconds = 0.3  # so that the senders overlap
    loopback_http.timeout = httpx2.Timeout(10.0)
    env = {**os.environ, "QUIZ_DATABASE_URL": database_url, "QUIZ_LTI_HTTP_TIMEOUT": "10"}
    command = [sys.executable, "-m", "quiz_app.cli", "lti", "send-grades"]
    other = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    # This process joins in once another is sending (its first grade at the LMS), so that
    # they hold the same due grades at the same time.
    deadline = time.monotonic() + 60
    while platform.score_requests == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    here = ags.send_due(app.state.sessions, app.state.lti_http)
    printed = other.communicate(timeout=60)[0].decode()
    assert other.returncode == 0, printed
    assert sorted(score.payload["userId"] for score in platform.scores) == sorted(
        [STUDENT.sub, OTHER_STUDENT.sub, THIRD_STUDENT.sub]
    ), (dict(here), printed)
    assert {g.status for g in grade_rows(app)} == {"sent"}
