"""Plain helpers that act as a teacher or a student joining an assignment, for route tests."""

import re
from functools import cache
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import func, select

from quiz_app import auth, store
from quiz_app.bank import lookup
from quiz_app.classroom import assignments
from quiz_app.models import Assignment, Teacher

PASSWORD = "correct horse battery"


@cache
def _hash(password: str) -> str:
    """Hash once per test run: argon2id is slow on purpose."""
    return auth.hash_password(password)


def make_teacher(app: FastAPI, email: str = "ada@school.org") -> Teacher:
    """Store a teacher whose password is PASSWORD."""
    with app.state.sessions() as session:
        teacher = Teacher(email=email, password_hash=_hash(PASSWORD))
        session.add(teacher)
        session.commit()
        return teacher


def log_in_as(app: FastAPI, client: TestClient, teacher: Teacher) -> str:
    """Give the client a live session for the teacher (as a login would); return its CSRF token.

    The login form itself is tested in test_teacher_auth.py; this skips argon2's cost.
    """
    with app.state.sessions() as session:
        token, csrf = store.teachers.create_session(session, teacher=teacher, hours=12)
    client.cookies.set(auth.SESSION_COOKIE, token)
    return csrf


def teacher_client(app: FastAPI, email: str = "ada@school.org") -> tuple[TestClient, str, Teacher]:
    """Return a new client logged in as a new teacher, with its CSRF token."""
    client = TestClient(app, follow_redirects=False)
    teacher = make_teacher(app, email)
    csrf = log_in_as(app, client, teacher)
    return client, csrf, teacher


def login_csrf(client: TestClient, path: str = "/teacher/login") -> str:
    """Open the login (or signup) page and return the form's CSRF token."""
    page = client.get(path).text
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, page
    return match.group(1)


def assignment_form(**overrides: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "title": "Year 9: micro is not safe",
        "source": "set",
        "set_id": "micro-not-safe",
        "question_count": "",
        "shuffle": "on",
        "feedback_mode": "immediate",
        "attempts_allowed": "1",
        "identity": "name",
        "opens_at": "",
        "closes_at": "",
        "timezone": "UTC",
    }
    form.update(overrides)
    return {k: v for k, v in form.items() if v is not None}


def create_assignment(client: TestClient, csrf: str, **overrides: Any) -> int:
    """Make an assignment through the form; return its id."""
    response = client.post(
        "/teacher/assignments", data={**assignment_form(**overrides), "csrf_token": csrf}
    )
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[-1])


def assignment_of(app: FastAPI, ids: list[str]) -> tuple[str, int, Teacher]:
    """Make a new teacher's assignment of the questions `ids`, in that order; return its join
    code, its id and the teacher."""
    client, csrf, teacher = teacher_client(app)
    assignment_id = create_assignment(client, csrf, source="ids", ids=ids, shuffle=None)
    return get_assignment(app, assignment_id).join_code, assignment_id, teacher


def get_assignment(app: FastAPI, assignment_id: int) -> Assignment:
    with app.state.sessions() as session:
        found = session.get(Assignment, assignment_id)
        assert found is not None
        return found


def questions_for(app: FastAPI, assignment: Assignment, seed: int) -> list[str]:
    """Return the questions a student of `assignment` with `seed` gets (the balanced draw)."""
    with app.state.sessions() as session:
        verdicts = lookup.verdicts_of(session, app.state.bank, assignment.pool)
    return assignments.questions_for_student(assignment, seed, verdicts)


def join(client: TestClient, code: str, name: str) -> Response:
    return client.post(f"/j/{code}", data={"name": name})


def join_token(client: TestClient, code: str, name: str) -> str:
    """Join an assignment as a student; return the attempt token."""
    response = join(client, code, name)
    assert response.status_code == 303, response.text
    return response.headers["location"].rsplit("/", 1)[-1]


# A teacher's question form filled in right: every test of the form changes one field of it.
GOOD_QUESTION_FORM: dict[str, Any] = {
    "id": "cousin-legal",
    "theme": "legal",
    "source_section": "Legal and Regulatory Status",
    "difficulty": "2",
    "register": "casual",
    "claim": "My cousin says a tiny amount is legal because it is too small to count.",
    "cue": "a tiny amount is legal",
    "verdict": "unsupported",
    "explanation": "The law does not change with dose size. A cousin's word is not evidence.",
    "needed_evidence": "The actual law where you live.",
    # The concepts and the evidence ladder, as the bank's files carry them.
    "concepts": ["legal-not-dose"],
    "reason_options": ["legal-not-dose", "small-not-safe", "authority"],
    "ladder_best": "anecdote",
    "ladder_certainty": "very-low",
    "ladder_rated_down": ["no-study"],
    "review_by": "2027-09-01",
}


def row_count(app: FastAPI, model: type) -> int:
    """Return how many rows the table of `model` holds."""
    with app.state.sessions() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def student_client(app: FastAPI) -> TestClient:
    """Return a browser of its own for one student, which does not follow redirects."""
    return TestClient(app, follow_redirects=False)
