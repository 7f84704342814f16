"""Students join a teacher's assignment with its code or link: the code typed any way, the name
or nickname asked, how many attempts are allowed, and an assignment that is closed or not open."""

import html
from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from quiz_app.models import Attempt
from tests.support.teacher_factories import (
    create_assignment,
    get_assignment,
    join,
    join_token,
    row_count,
    student_client,
    teacher_client,
)


def test_join_with_typed_code_any_case_and_dashes_reaches_name_page(app: FastAPI) -> None:
    teacher, csrf, _ = teacher_client(app)
    code = get_assignment(app, create_assignment(teacher, csrf)).join_code
    student = student_client(app)
    typed = f" {code[:3].lower()}-{code[3:].lower()} "
    response = student.post("/join", data={"code": typed})
    assert response.status_code == 303
    assert response.headers["location"] == f"/j/{code}"
    page = student.get(f"/j/{code.lower()}")
    assert page.status_code == 200
    assert "Your name" in page.text
    assert "Year 9: micro is not safe" in page.text


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("ABCDE", "has 5"),
        ("ABC-10O", "never use"),
        ("ZZZZZZ", "No assignment has the code ZZZ-ZZZ"),
    ],
)
def test_join_mistyped_code_is_404_with_help_and_the_form_again(
    client: TestClient, typed: str, message: str
) -> None:
    for response in (client.post("/join", data={"code": typed}), client.get(f"/j/{typed}")):
        assert response.status_code == 404
        assert message in html.unescape(response.text)
        assert 'name="code"' in response.text
        assert 'role="alert"' in response.text


def test_join_starts_attempt_with_name_and_goes_to_quiz(app: FastAPI) -> None:
    teacher, csrf, _ = teacher_client(app)
    assignment = get_assignment(app, create_assignment(teacher, csrf))
    student = student_client(app)
    response = join(student, assignment.join_code, "  Sam   Lee ")
    assert response.status_code == 303
    token = response.headers["location"].rsplit("/", 1)[-1]
    with app.state.sessions() as session:
        attempt = session.scalar(select(Attempt).where(Attempt.token == token))
        assert attempt is not None
        assert attempt.student_name == "Sam Lee"
        assert attempt.assignment_id == assignment.id
        assert len(attempt.question_ids) == assignment.question_count
    first = student.get(f"/a/{token}")
    assert first.status_code == 303
    page = student.get(first.headers["location"]).text
    assert "Year 9: micro is not safe" in page
    assert f"Question 1 of {assignment.question_count}" in page


def test_join_nickname_mode_asks_for_nickname_not_name(app: FastAPI) -> None:
    teacher, csrf, _ = teacher_client(app)
    code = get_assignment(app, create_assignment(teacher, csrf, identity="nickname")).join_code
    page = student_client(app).get(f"/j/{code}").text
    assert "A nickname (not your real name" in page
    assert 'autocomplete="name"' not in page


@pytest.mark.parametrize("name", ["", "   ", "x" * 41, "\u0000\u0007"])
def test_join_without_usable_name_is_422_and_starts_nothing(app: FastAPI, name: str) -> None:
    teacher, csrf, _ = teacher_client(app)
    code = get_assignment(app, create_assignment(teacher, csrf)).join_code
    response = join(student_client(app), code, name)
    assert response.status_code == 422
    assert "Type your name, from 1 to 40 characters" in response.text
    assert row_count(app, Attempt) == 0


def test_join_more_than_attempts_allowed_is_409_with_advice(app: FastAPI) -> None:
    teacher, csrf, _ = teacher_client(app)
    code = get_assignment(app, create_assignment(teacher, csrf, attempts_allowed="2")).join_code
    join_token(student_client(app), code, "Sam")
    join_token(student_client(app), code, "sam ")
    response = join(student_client(app), code, "SAM")
    assert response.status_code == 409
    text = html.unescape(response.text)
    assert "already taken this assignment 2 times" in text
    assert "add something to your name" in text
    assert row_count(app, Attempt) == 2
    assert join(student_client(app), code, "Sam K.").status_code == 303


def test_join_again_in_same_browser_asks_continue_as_name_and_shows_no_name_form(
    app: FastAPI,
) -> None:
    teacher, csrf, _ = teacher_client(app)
    code = get_assignment(app, create_assignment(teacher, csrf)).join_code
    student = student_client(app)
    token = join_token(student, code, "Sam")
    page = html.unescape(student.get(f"/j/{code}").text)
    assert "Continue as Sam?" in page
    assert f'href="/a/{token}"' in page
    assert "I'm someone else" in page
    assert 'name="name"' not in page
    elsewhere = html.unescape(student_client(app).get(f"/j/{code}").text)
    assert "Continue as" not in elsewhere and token not in elsewhere
    assert 'name="name"' in elsewhere


def test_join_closed_assignment_is_403_with_message(app: FastAPI) -> None:
    teacher, csrf, _ = teacher_client(app)
    assignment_id = create_assignment(teacher, csrf)
    code = get_assignment(app, assignment_id).join_code
    teacher.post(f"/teacher/assignments/{assignment_id}/close", data={"csrf_token": csrf})
    for response in (student_client(app).get(f"/j/{code}"), join(student_client(app), code, "Sam")):
        assert response.status_code == 403
        assert "Your teacher has closed this assignment" in response.text
        assert 'name="name"' not in response.text
    assert row_count(app, Attempt) == 0


def test_join_before_opening_time_is_403_saying_when(app: FastAPI) -> None:
    teacher, csrf, _ = teacher_client(app)
    opens = (datetime.now(UTC) + timedelta(days=2)).replace(second=0, microsecond=0)
    assignment_id = create_assignment(teacher, csrf, opens_at=opens.strftime("%Y-%m-%dT%H:%M"))
    code = get_assignment(app, assignment_id).join_code
    response = join(student_client(app), code, "Sam")
    assert response.status_code == 403
    assert f"This assignment opens on {opens:%a %d %b %Y, %H:%M} UTC" in response.text
    assert row_count(app, Attempt) == 0


def test_join_after_closing_time_is_403(app: FastAPI) -> None:
    teacher, csrf, _ = teacher_client(app)
    closes = datetime.now(UTC) - timedelta(hours=1)
    assignment_id = create_assignment(teacher, csrf, closes_at=closes.strftime("%Y-%m-%dT%H:%M"))
    response = student_client(app).get(f"/j/{get_assignment(app, assignment_id).join_code}")
    assert response.status_code == 403
    assert "This assignment closed on" in response.text
