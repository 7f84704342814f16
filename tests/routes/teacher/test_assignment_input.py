"""Values in a teacher's assignment pages that used to be 500s: each is a 4xx that says what
to fix, or (a blank number of attempts) the default the form promises."""

import html

import pytest
from fastapi import FastAPI

from tests.support.teacher_factories import assignment_form, get_assignment, teacher_client


@pytest.mark.parametrize("number", ["0", str(2**31), str(2**63), "9" * 30])
@pytest.mark.parametrize(
    "path",
    [
        "/teacher/assignments/{n}",
        "/teacher/assignments/{n}/edit",
        "/teacher/assignments/1/attempts/{n}",
        "/teacher/assignments/{n}/attempts/1/delete",
    ],
)
def test_open_assignment_with_id_out_of_range_is_refused(
    app: FastAPI, number: str, path: str
) -> None:
    teacher, _csrf, _ = teacher_client(app)
    response = teacher.get(path.format(n=number))
    assert response.status_code == 422, response.text[-500:]
    assert "is not valid" in html.unescape(response.text)


def test_post_to_assignment_with_id_out_of_range_is_refused(app: FastAPI) -> None:
    teacher, csrf, _ = teacher_client(app)
    response = teacher.post(f"/teacher/assignments/{2**63}/close", data={"csrf_token": csrf})
    assert response.status_code == 422


def test_create_assignment_with_blank_attempts_allows_one(app: FastAPI) -> None:
    teacher, csrf, _ = teacher_client(app)
    response = teacher.post(
        "/teacher/assignments", data={**assignment_form(attempts_allowed=" "), "csrf_token": csrf}
    )
    assert response.status_code == 303, html.unescape(response.text)[-800:]
    made = get_assignment(app, int(response.headers["location"].rsplit("/", 1)[-1]))
    assert made.attempts_allowed == 1


@pytest.mark.parametrize("zone", ["é" * 200, "Europe/" + "x" * 300, "x" * 65])
def test_create_assignment_with_overlong_time_zone_says_so(app: FastAPI, zone: str) -> None:
    teacher, csrf, _ = teacher_client(app)
    response = teacher.post(
        "/teacher/assignments", data={**assignment_form(timezone=zone), "csrf_token": csrf}
    )
    assert response.status_code == 422
    assert "enter a time zone like Europe/London" in html.unescape(response.text)


@pytest.mark.parametrize("when", ["0001-01-01T00:00", "9999-12-31T23:59"])
def test_create_assignment_opening_at_calendar_edge_says_so(app: FastAPI, when: str) -> None:
    teacher, csrf, _ = teacher_client(app)
    form = assignment_form(opens_at=when, timezone="Asia/Tokyo" if when < "5" else "Pacific/Niue")
    response = teacher.post("/teacher/assignments", data={**form, "csrf_token": csrf})
    assert response.status_code == 422
    assert "enter a date and time like" in html.unescape(response.text)


@pytest.mark.parametrize("difficulty", ["x", "²", " "])
def test_browse_bank_with_unknown_difficulty_shows_no_question(
    app: FastAPI, difficulty: str
) -> None:
    teacher, _csrf, _ = teacher_client(app)
    response = teacher.get("/teacher/bank", params={"difficulties": difficulty})
    assert response.status_code == 200
    assert 'name="ids"' not in response.text
