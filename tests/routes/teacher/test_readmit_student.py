"""A teacher lets a student back into their own unfinished attempt from the student's page: the
page shows the resume code to tell them, a new code stops the old one working (logged), a
finished attempt is not reopened, and deleting the attempt takes its code with it."""

import html

from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response

from quiz_app.models import Attempt
from tests.support.resume_steps import attempt_of, mark_submitted, resume_code_of
from tests.support.teacher_factories import (
    create_assignment,
    get_assignment,
    join_token,
    row_count,
    student_client,
    teacher_client,
)


def _class(app: FastAPI, **overrides: str) -> tuple[TestClient, str, int, str, str]:
    """Return a teacher (client, CSRF), their assignment's id and code, and Sam's token."""
    teacher, csrf, _ = teacher_client(app)
    assignment = get_assignment(app, create_assignment(teacher, csrf, **overrides))
    token = join_token(student_client(app), assignment.join_code, "Sam")
    return teacher, csrf, assignment.id, assignment.join_code, token


def _student_page(assignment_id: int, app: FastAPI, token: str) -> str:
    return f"/teacher/assignments/{assignment_id}/attempts/{attempt_of(app, token).id}"


def _rejoin(app: FastAPI, code: str, resume_code: str) -> Response:
    return student_client(app).post(f"/j/{code}", data={"name": "Sam", "resume_code": resume_code})


def test_student_page_shows_resume_code_to_let_student_back_in(app: FastAPI) -> None:
    teacher, _csrf, assignment_id, _code, token = _class(app)
    page = html.unescape(teacher.get(_student_page(assignment_id, app, token)).text)
    assert "Let Sam back in" in page
    assert resume_code_of(app, token) in page
    assert "Give a new resume code" in page


def test_readmit_gives_new_code_that_opens_same_attempt_and_old_one_stops(app: FastAPI) -> None:
    teacher, csrf, assignment_id, code, token = _class(app)
    old = resume_code_of(app, token)
    url = _student_page(assignment_id, app, token)
    response = teacher.post(f"{url}/re-admit", data={"csrf_token": csrf})
    assert response.status_code == 303
    assert response.headers["location"] == f"{url}#manage-heading"
    new = resume_code_of(app, token)
    assert new != old
    assert new in html.unescape(teacher.get(url).text)
    assert _rejoin(app, code, old).status_code == 403
    back = _rejoin(app, code, new)
    assert back.status_code == 303 and back.headers["location"] == f"/a/{token}"
    assert row_count(app, Attempt) == 1
    log = html.unescape(teacher.get(f"/teacher/assignments/{assignment_id}").text)
    assert "Let back in" in log and "new resume code" in log


def test_readmit_without_csrf_token_is_403_and_keeps_code(app: FastAPI) -> None:
    teacher, _csrf, assignment_id, _code, token = _class(app)
    old = resume_code_of(app, token)
    response = teacher.post(f"{_student_page(assignment_id, app, token)}/re-admit")
    assert response.status_code == 403
    assert resume_code_of(app, token) == old


def test_readmit_finished_attempt_is_409_and_points_to_another_attempt(app: FastAPI) -> None:
    teacher, csrf, assignment_id, _code, token = _class(app, feedback_mode="after_submit")
    mark_submitted(app, token)
    url = _student_page(assignment_id, app, token)
    assert "Let Sam back in" not in teacher.get(url).text
    response = teacher.post(f"{url}/re-admit", data={"csrf_token": csrf})
    assert response.status_code == 409
    assert "allow one more attempt" in html.unescape(response.text)


def test_readmit_another_teachers_student_is_404(app: FastAPI) -> None:
    _teacher, _csrf, assignment_id, _code, token = _class(app)
    other, other_csrf, _ = teacher_client(app, "bea@school.org")
    old = resume_code_of(app, token)
    url = _student_page(assignment_id, app, token)
    assert other.post(f"{url}/re-admit", data={"csrf_token": other_csrf}).status_code == 404
    assert resume_code_of(app, token) == old


def test_delete_attempt_takes_its_resume_code_with_it(app: FastAPI) -> None:
    teacher, csrf, assignment_id, code, token = _class(app)
    old = resume_code_of(app, token)
    url = _student_page(assignment_id, app, token)
    assert teacher.post(f"{url}/delete", data={"csrf_token": csrf}).status_code == 303
    assert row_count(app, Attempt) == 0
    assert _rejoin(app, code, old).status_code == 403
