"""A teacher deletes their account from the account page: a confirmation that says what goes,
their password, the session's CSRF token; then they are logged out and nothing of theirs is
left, while another teacher's assignments stay. Each assignment page says when its student
data will be deleted."""

import html
import re

import pytest
from fastapi import FastAPI

from quiz_app import auth
from quiz_app.models import Assignment, Attempt, Teacher
from tests.support.teacher_factories import (
    PASSWORD,
    create_assignment,
    get_assignment,
    join,
    row_count,
    student_client,
    teacher_client,
)


def _class_with_a_student(app: FastAPI, email: str, name: str) -> tuple[object, str, int]:
    client, csrf, _teacher = teacher_client(app, email)
    assignment_id = create_assignment(client, csrf, title=f"{name}'s class")
    join(student_client(app), get_assignment(app, assignment_id).join_code, name)
    return client, csrf, assignment_id


def test_confirm_delete_account_says_what_goes_and_asks_for_the_password(app: FastAPI) -> None:
    client, _csrf, _id = _class_with_a_student(app, "ada@school.org", "Sam")
    page = client.get("/teacher/account/delete")
    assert page.status_code == 200
    text = html.unescape(re.sub(r"\s+", " ", page.text))
    assert "1 assignment, with 1 student attempt and 0 answers" in text
    assert 'name="password" type="password"' in page.text
    assert client.get("/teacher/account").text.count("/teacher/account/delete") == 1


def test_delete_account_with_the_password_deletes_everything_and_logs_out(app: FastAPI) -> None:
    client, csrf, _ada_class = _class_with_a_student(app, "ada@school.org", "Sam")
    _bob, _bob_csrf, bob_class = _class_with_a_student(app, "bob@school.org", "Ana")

    response = client.post(
        "/teacher/account/delete", data={"csrf_token": csrf, "password": PASSWORD}
    )

    assert response.status_code == 303
    assert response.headers["location"] == "/teacher/account/deleted"
    assert f'{auth.SESSION_COOKIE}=""' in response.headers["set-cookie"]
    assert "Your account is deleted" in client.get("/teacher/account/deleted").text
    assert client.get("/teacher").status_code == 303  # logged out: to the login page
    with app.state.sessions() as session:
        assert [t.email for t in session.query(Teacher)] == ["bob@school.org"]
        assert [a.id for a in session.query(Assignment)] == [bob_class]
        assert [a.student_name for a in session.query(Attempt)] == ["Ana"]


@pytest.mark.parametrize(
    ("form", "status", "says"),
    [
        ({"password": PASSWORD}, 403, "security token"),  # no CSRF token
        ({"password": PASSWORD, "csrf_token": "forged"}, 403, "security token"),
        ({"password": "not my password"}, 422, "That is not your password"),
        ({}, 422, "That is not your password"),
    ],
)
def test_delete_account_without_its_confirmation_deletes_nothing(
    app: FastAPI, form: dict[str, str], status: int, says: str
) -> None:
    client, csrf, _id = _class_with_a_student(app, "ada@school.org", "Sam")
    if status == 422:
        form = {**form, "csrf_token": csrf}
    response = client.post("/teacher/account/delete", data=form)
    assert response.status_code == status
    assert says in html.unescape(response.text)
    assert row_count(app, Teacher) == 1 and row_count(app, Attempt) == 1


def test_delete_account_logged_out_goes_to_the_login_page(app: FastAPI) -> None:
    client = student_client(app)
    assert client.get("/teacher/account/delete").status_code == 303
    assert client.post("/teacher/account/delete", data={"password": "x"}).status_code == 401


def test_show_assignment_says_when_its_student_data_will_be_deleted(app: FastAPI) -> None:
    client, csrf, _teacher = teacher_client(app)
    empty = create_assignment(client, csrf, title="Nobody yet")
    assert "No student data is stored here yet" in client.get(f"/teacher/assignments/{empty}").text
    assignment_id = create_assignment(client, csrf, title="Week 1", closes_at="2031-03-14T09:00")
    join(student_client(app), get_assignment(app, assignment_id).join_code, "Sam")
    page = html.unescape(client.get(f"/teacher/assignments/{assignment_id}").text)
    assert (  # 2032 is a leap year: 365 days after 14 March 2031 is the 13th
        "will be deleted on 13 March 2032, 365 days after it closes. "
        "Download the results before then to keep them." in page
    )
