"""The dashboard's poll stays cheap: however many students, one poll costs at most
MAX_QUERIES database queries (issue 11; bench/dashboard.py measures the time for 300)."""

import re
from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event

from quiz_app.config import Settings
from quiz_app.main import create_app
from tests.support.factories import HTMX, answer, question
from tests.support.teacher_factories import (
    create_assignment,
    get_assignment,
    join_token,
    teacher_client,
)

MAX_QUERIES = 5  # the login, the assignment, the version, the attempts and grades, the answers
PICKED = ["legal-03", "definition-01", "risks-02"]


@contextmanager
def counted(app: FastAPI) -> Iterator[list[str]]:
    """Collect the SQL statements the app's engine runs meanwhile."""
    statements: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    event.listen(app.state.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(app.state.engine, "before_cursor_execute", count)


def _class(app: FastAPI, students: int) -> tuple[TestClient, str, str]:
    """A teacher's assignment that `students` students answered; return the teacher's
    client, the dashboard's URL and its join code."""
    teacher, csrf, _ = teacher_client(app)
    assignment_id = create_assignment(teacher, csrf, source="ids", ids=PICKED, shuffle=None)
    code = get_assignment(app, assignment_id).join_code
    for n in range(students):
        _answer_all(app, code, f"Student {n}")
    return teacher, f"/teacher/assignments/{assignment_id}", code


def _answer_all(app: FastAPI, code: str, name: str) -> None:
    student = TestClient(app, follow_redirects=False)
    token = join_token(student, code, name)
    for qid in PICKED:
        answer(student, token, qid, question(app, qid).verdict)


def _version(page: str) -> str:
    found = re.search(r"hx-vals='\{\"v\": \"([^\"]+)\"\}'", page)
    assert found is not None, "the dashboard names no results version to poll with"
    return found.group(1)


def test_a_poll_after_new_answers_costs_at_most_five_queries(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"lti_grade_poll_seconds": 0}))
    try:
        teacher, url, code = _class(app, students=4)
        shown = teacher.get(url, headers=HTMX)
        assert shown.status_code == 200
        _answer_all(app, code, "Late Lia")  # the class changes after the teacher's last poll
        with counted(app) as statements:
            polled = teacher.get(url, params={"v": _version(shown.text)}, headers=HTMX)
        assert polled.status_code == 200
        assert "Late Lia" in polled.text
        assert len(statements) <= MAX_QUERIES, "\n\n".join(statements)
        with counted(app) as statements:
            again = teacher.get(url, params={"v": _version(polled.text)}, headers=HTMX)
        assert again.status_code == 204
        assert len(statements) <= MAX_QUERIES, "\n\n".join(statements)
    finally:
        app.state.engine.dispose()
