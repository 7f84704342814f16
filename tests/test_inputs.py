"""Text as it comes in: a NUL byte anywhere in an address, a query or a form field is refused
with a 422 that names the field, on SQLite and PostgreSQL alike (PostgreSQL cannot store one,
so it used to be a 500), and nothing is stored; addresses that do not parse are not a crash."""

import html

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from quiz_app.inputs import nul_problem, url_parts, without_nul
from quiz_app.models import Attempt, Teacher
from tests.support.teacher_factories import assignment_form, teacher_client


def _says_nul(response: object, field: str) -> None:
    text = html.unescape(response.text)  # type: ignore[attr-defined]
    assert response.status_code == 422, text[-500:]  # type: ignore[attr-defined]
    assert f"The field “{field}” contains a NUL character" in text


def _rows(app: FastAPI) -> tuple[int, int]:
    with app.state.sessions() as session:
        attempts = session.scalar(select(func.count()).select_from(Attempt)) or 0
        teachers = session.scalar(select(func.count()).select_from(Teacher)) or 0
    return attempts, teachers


@pytest.mark.parametrize(
    ("method", "path", "fields", "field"),
    [
        ("GET", "/a/abc%00def", {}, "token"),
        ("GET", "/j/ABC%00DE", {}, "code"),
        ("POST", "/join", {"data": {"code": "ABC\x00DEF"}}, "code"),
        ("POST", "/teacher/login", {"data": {"email": "a\x00@b.org", "password": "x"}}, "email"),
        ("POST", "/teacher/signup", {"data": {"email": "a\x00@b.org"}}, "email"),
        ("GET", "/lti/login", {"params": {"iss": "https://lms\x00", "login_hint": "x"}}, "iss"),
        ("POST", "/lti/launch", {"data": {"id_token": "x.y.z", "state": "s\x00"}}, "state"),
        ("GET", "/oembed", {"params": {"url": "http://testserver/j/AB\x00"}}, "url"),
    ],
)
def test_request_with_nul_byte_is_refused_naming_the_field(
    app: FastAPI, client: TestClient, method: str, path: str, fields: dict, field: str
) -> None:
    before = _rows(app)
    _says_nul(client.request(method, path, **fields), field)
    assert _rows(app) == before


def test_assignment_form_with_nul_in_title_is_refused_and_nothing_made(app: FastAPI) -> None:
    teacher, csrf, _ = teacher_client(app)
    response = teacher.post(
        "/teacher/assignments", data={**assignment_form(title="Year\x009"), "csrf_token": csrf}
    )
    _says_nul(response, "title")
    assert "Year" not in teacher.get("/teacher").text


def test_question_form_with_nul_in_id_is_refused(app: FastAPI) -> None:
    teacher, csrf, _ = teacher_client(app)
    response = teacher.post("/teacher/questions", data={"id": "q\x001", "csrf_token": csrf})
    _says_nul(response, "id")


def test_nul_problem_names_only_a_field_with_a_nul_byte() -> None:
    assert nul_problem([("name", "Sam"), ("code", "")]) is None
    problem = nul_problem([("name", "Sam"), ("code", "A\x00")])
    assert problem is not None and "“code”" in problem


def test_cookie_with_nul_byte_reads_as_absent() -> None:
    assert without_nul("a\x00b") is None
    assert without_nul(None) is None
    assert without_nul("abc") == "abc"


@pytest.mark.parametrize(
    "url", ["http://[", "https://[::1", "http://host:port/x", "http://h:99999"]
)
def test_url_that_does_not_parse_has_no_parts(url: str) -> None:
    assert url_parts(url) is None


def test_url_that_parses_has_its_parts() -> None:
    parts = url_parts("https://lms.example:8443/x?y=1")
    assert parts is not None and parts.hostname == "lms.example" and parts.port == 8443


def test_signup_with_nul_in_password_keeps_the_form_and_says_why(client: TestClient) -> None:
    page = client.get("/teacher/signup")
    csrf = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    form = {"email": "new@school.org", "password": "\x00" * 10, "csrf_token": csrf}
    response = client.post("/teacher/signup", data={**form, "password_again": "\x00" * 10})
    assert response.status_code == 422
    assert "no control characters" in html.unescape(response.text)
    assert 'value="new@school.org"' in response.text
