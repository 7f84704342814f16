"""Back into your own attempt at an assignment, and nobody else's: a shared browser asks
"Continue as <name>?" and forgets on "I'm someone else", its memory ends when the attempt is
finished or after resume_hours, and a student who lost their page types their name and the
resume code shown under each question."""

import html
import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response

from quiz_app.classroom import resume
from quiz_app.config import Settings
from quiz_app.main import create_app
from quiz_app.models import Assignment, Attempt
from tests.support.factories import answer_as_student, answer_rows, question_ids
from tests.support.resume_steps import (
    attempt_of,
    mark_submitted,
    resume_code_of,
    started_ago,
)
from tests.support.teacher_factories import (
    create_assignment,
    get_assignment,
    join,
    join_token,
    row_count,
    student_client,
    teacher_client,
)


def _code(app: FastAPI, email: str = "ada@school.org", **overrides: str) -> str:
    teacher, csrf, _ = teacher_client(app, email)
    return get_assignment(app, create_assignment(teacher, csrf, **overrides)).join_code


def _rejoin(client: TestClient, code: str, name: str, resume_code: str) -> Response:
    return client.post(f"/j/{code}", data={"name": name, "resume_code": resume_code})


@pytest.fixture
def wrong_codes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record what each call of the one function that counts wrong codes was told."""
    calls: list[str] = []

    def record(what: str, assignment: Assignment | None = None) -> None:
        calls.append(what)

    monkeypatch.setattr(resume, "record_wrong_code", record)
    return calls


def test_someone_else_on_shared_browser_forgets_memory_and_starts_own_attempt(
    app: FastAPI,
) -> None:
    code = _code(app)
    shared = student_client(app)
    sam = join_token(shared, code, "Sam")
    forgot = shared.post(f"/j/{code}/forget")
    assert forgot.status_code == 303
    assert forgot.headers["location"] == f"/j/{code}"
    page = html.unescape(shared.get(f"/j/{code}").text)
    assert "Continue as" not in page and sam not in page
    assert 'name="name"' in page
    bo = join_token(shared, code, "Bo")
    assert bo != sam
    assert attempt_of(app, sam).student_name == "Sam"
    assert "Continue as Bo?" in html.unescape(shared.get(f"/j/{code}").text)


def test_join_memory_lasts_resume_hours_not_30_days(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"resume_hours": 3}))
    try:
        response = join(student_client(app), _code(app), "Sam")
        cookie = response.headers["set-cookie"]
        assert re.search(r"Max-Age=10800\b", cookie), cookie
        assert "Path=/j" in cookie and "HttpOnly" in cookie
    finally:
        app.state.engine.dispose()


def test_join_memory_older_than_resume_hours_is_not_offered_and_is_forgotten(
    app: FastAPI,
) -> None:
    code = _code(app)
    shared = student_client(app)
    token = join_token(shared, code, "Sam")
    started_ago(app, token, hours=8.1)
    response = shared.get(f"/j/{code}")
    assert response.status_code == 200
    assert "Continue as" not in response.text and token not in response.text
    assert 'name="name"' in response.text
    assert re.search(r"cc_join_\d+=\"?\"?;.*Max-Age=0", response.headers["set-cookie"])


def test_join_memory_of_finished_attempt_is_not_offered(app: FastAPI) -> None:
    code = _code(app, feedback_mode="after_submit")
    shared = student_client(app)
    token = join_token(shared, code, "Sam")
    mark_submitted(app, token)
    page = shared.get(f"/j/{code}").text
    assert "Continue as" not in page and token not in page


def test_question_page_shows_resume_code_of_assignment_attempt_only(app: FastAPI) -> None:
    code = _code(app)
    student = student_client(app)
    token = join_token(student, code, "Sam")
    page = html.unescape(student.get(f"/a/{token}/q/1").text)
    assert resume_code_of(app, token) in page
    assert "type your name and your resume code" in page
    public = student.post("/sets/full-check/attempts").headers["location"]
    assert "resume code" not in student.get(f"{public}/q/1").text


def test_rejoin_with_name_and_resume_code_in_new_browser_reopens_same_attempt(
    app: FastAPI,
) -> None:
    code = _code(app)
    first = student_client(app)
    token = join_token(first, code, "Sam Lee")
    ids = question_ids(app, first, token)
    assert answer_as_student(app, first, token, ids[0]).status_code == 303
    typed = f" {resume_code_of(app, token).lower().replace('-', ' ')} "

    lost = student_client(app)  # a reloaded frame or another computer: no cookie, no link
    response = _rejoin(lost, code, "sam  lee", typed)
    assert response.status_code == 303
    assert response.headers["location"] == f"/a/{token}"
    assert lost.get(f"/a/{token}").headers["location"] == f"/a/{token}/q/2"
    assert row_count(app, Attempt) == 1
    assert [row[0] for row in answer_rows(app, token)] == ids[:1]


@pytest.mark.parametrize("who", ["wrong code", "wrong name", "another assignment's code"])
def test_rejoin_with_wrong_name_or_code_is_403_records_it_and_opens_nothing(
    app: FastAPI, wrong_codes: list[str], who: str
) -> None:
    code = _code(app)
    token = join_token(student_client(app), code, "Sam")
    right = resume_code_of(app, token)
    other = join_token(student_client(app), _code(app, "bea@school.org"), "Sam")
    name, typed = {
        "wrong code": ("Sam", "ABCDEF" if right != "ABC-DEF" else "ABCDEG"),
        "wrong name": ("Bo", right),
        "another assignment's code": ("Sam", resume_code_of(app, other)),
    }[who]
    lost = student_client(app)
    response = _rejoin(lost, code, name, typed)
    assert response.status_code == 403
    text = html.unescape(response.text)
    assert f"That resume code does not match an unfinished quiz by “{name}”" in text
    assert "ask your teacher to let you back in" in text
    assert 'role="alert"' in text and token not in text
    assert wrong_codes == ["resume"]
    assert "set-cookie" not in response.headers
    assert row_count(app, Attempt) == 2


def test_rejoin_finished_attempt_is_409_and_opens_nothing(app: FastAPI) -> None:
    code = _code(app, feedback_mode="after_submit")
    token = join_token(student_client(app), code, "Sam")
    mark_submitted(app, token)
    response = _rejoin(student_client(app), code, "Sam", resume_code_of(app, token))
    assert response.status_code == 409
    assert "You have finished this quiz" in html.unescape(response.text)
    assert token not in response.text


def test_join_again_by_name_when_attempts_used_points_to_resume_code(app: FastAPI) -> None:
    code = _code(app)
    join_token(student_client(app), code, "Sam")
    response = join(student_client(app), code, "Sam")
    assert response.status_code == 409
    text = html.unescape(response.text)
    assert "type the resume code shown under each of your questions" in text
    assert re.search(r'<details class="resume-code" open>', text)


def test_join_with_unknown_code_is_recorded_as_wrong_code(
    client: TestClient, wrong_codes: list[str]
) -> None:
    assert client.post("/join", data={"code": "ZZZ-ZZZ"}).status_code == 404
    assert wrong_codes == ["join"]
