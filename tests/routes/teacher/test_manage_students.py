"""A teacher manages one student from their page: another attempt, extra time (a later closing
time), deleting an attempt after a confirmation; each change is logged on the assignment."""

import html
import re
from datetime import UTC, datetime, timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from quiz_app.models import Answer, Assignment, AssignmentEvent, Attempt, StudentAllowance
from tests.support.factories import answer, question_ids
from tests.support.teacher_factories import (
    create_assignment,
    get_assignment,
    join,
    join_token,
    student_client,
    teacher_client,
)


def _attempt(app: FastAPI, token: str) -> Attempt:
    with app.state.sessions() as session:
        found = session.scalar(select(Attempt).where(Attempt.token == token))
        assert found is not None
        return found


def _events(app: FastAPI, assignment_id: int) -> list[tuple[str, str, str]]:
    with app.state.sessions() as session:
        rows = session.scalars(
            select(AssignmentEvent)
            .where(AssignmentEvent.assignment_id == assignment_id)
            .order_by(AssignmentEvent.id)
        )
        return [(e.action, e.student_name, e.details) for e in rows]


def _allowance(app: FastAPI, assignment_id: int, key: str) -> StudentAllowance | None:
    with app.state.sessions() as session:
        return session.scalar(
            select(StudentAllowance).where(
                StudentAllowance.assignment_id == assignment_id,
                StudentAllowance.student_key == key,
            )
        )


def _close_now(app: FastAPI, assignment_id: int) -> datetime:
    """Move the assignment's closing time to a minute ago, as if the time had come."""
    closed = datetime.now(UTC) - timedelta(minutes=1)
    with app.state.sessions() as session:
        session.execute(
            update(Assignment).where(Assignment.id == assignment_id).values(closes_at=closed)
        )
        session.commit()
    return closed


def _student_page(assignment_id: int, attempt_id: int) -> str:
    return f"/teacher/assignments/{assignment_id}/attempts/{attempt_id}"


def _text(response: object) -> str:
    """Return the words of a page as a person reads them: no tags, spaces collapsed."""
    words = re.sub(r"<[^>]+>", "", getattr(response, "text", ""))
    return html.unescape(re.sub(r"\s+", " ", words))


def _set_up(app: FastAPI, **settings: str) -> tuple[TestClient, str, int, TestClient, str]:
    teacher, csrf, _ = teacher_client(app)
    assignment_id = create_assignment(teacher, csrf, **settings)
    student = student_client(app)
    token = join_token(student, get_assignment(app, assignment_id).join_code, "Sam Lee")
    return teacher, csrf, assignment_id, student, token


def _in_an_hour() -> str:
    return (datetime.now(UTC) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")


# --- another attempt -----------------------------------------------------------------------


def test_another_attempt_lets_the_student_join_again_and_is_logged(app: FastAPI) -> None:
    teacher, csrf, assignment_id, student, token = _set_up(app)
    code = get_assignment(app, assignment_id).join_code
    assert join(student_client(app), code, "sam lee").status_code == 409  # one attempt allowed
    attempt = _attempt(app, token)
    page = _text(teacher.get(_student_page(assignment_id, attempt.id)))
    assert "Manage this student" in page
    assert "has started 1 of the 1 attempt they may start" in page

    url = _student_page(assignment_id, attempt.id) + "/another-attempt"
    response = teacher.post(url, data={"csrf_token": csrf})
    assert response.status_code == 303
    allowance = _allowance(app, assignment_id, "sam lee")
    assert allowance is not None and allowance.extra_attempts == 1
    assert _events(app, assignment_id) == [
        ("another-attempt", "Sam Lee", "May now start 2 attempts (the assignment allows 1).")
    ]
    again = join(student_client(app), code, "Sam Lee")
    assert again.status_code == 303
    assert join(student_client(app), code, "Sam Lee").status_code == 409  # only one more
    # Someone else of the class still has the assignment's one attempt.
    assert join(student_client(app), code, "Ana").status_code == 303
    assert join(student_client(app), code, "Ana").status_code == 409

    dashboard = _text(teacher.get(f"/teacher/assignments/{assignment_id}"))
    assert "Changes for single students" in dashboard
    assert "Another attempt: Sam Lee. May now start 2 attempts" in dashboard
    assert "by ada@school.org" in dashboard


# --- extra time ----------------------------------------------------------------------------


def test_extra_time_lets_the_student_answer_after_the_closing_time(app: FastAPI) -> None:
    teacher, csrf, assignment_id, student, token = _set_up(app, closes_at=_in_an_hour())
    other = student_client(app)
    other_token = join_token(other, get_assignment(app, assignment_id).join_code, "Ana")
    attempt = _attempt(app, token)
    _close_now(app, assignment_id)
    first, second = question_ids(app, student, token)[:2]
    refused = answer(student, token, first, "research")
    assert refused.status_code == 409
    assert "assignment is closed" in _text(refused)

    later = (datetime.now(UTC) + timedelta(hours=2)).replace(second=0, microsecond=0)
    url = _student_page(assignment_id, attempt.id) + "/extra-time"
    form = {"csrf_token": csrf, "closes_at": later.strftime("%Y-%m-%dT%H:%M"), "timezone": "UTC"}
    assert teacher.post(url, data=form).status_code == 303
    allowance = _allowance(app, assignment_id, "sam lee")
    assert allowance is not None and allowance.closes_at == later
    [(action, name, details)] = _events(app, assignment_id)
    assert (action, name) == ("extra-time", "Sam Lee")
    assert f"Closes for them on {later:%a %d %b %Y, %H:%M} UTC" in details

    assert answer(student, token, first, "research").status_code == 303
    assert answer(student, token, second, "research").status_code == 303
    with app.state.sessions() as session:
        saved = session.scalars(select(Answer).where(Answer.attempt_id == attempt.id)).all()
    assert {a.question_id for a in saved} == {first, second}
    # The rest of the class keeps the assignment's closing time.
    assert (
        answer(other, other_token, question_ids(app, other, other_token)[0], "research").status_code
        == 409
    )
    page = _text(teacher.get(_student_page(assignment_id, attempt.id)))
    assert f"closes for them on {later:%a %d %b %Y, %H:%M} UTC (extra time)" in page


def test_extra_time_opens_the_join_page_to_that_student_only(app: FastAPI) -> None:
    teacher, csrf, assignment_id, _student_client, token = _set_up(
        app, closes_at=_in_an_hour(), attempts_allowed="2"
    )
    code = get_assignment(app, assignment_id).join_code
    _close_now(app, assignment_id)
    assert join(student_client(app), code, "Sam Lee").status_code == 403
    url = _student_page(assignment_id, _attempt(app, token).id) + "/extra-time"
    form = {"csrf_token": csrf, "closes_at": _in_an_hour(), "timezone": "UTC"}
    assert teacher.post(url, data=form).status_code == 303
    assert student_client(app).get(f"/j/{code}").status_code == 200
    assert join(student_client(app), code, "Sam Lee").status_code == 303
    refused = join(student_client(app), code, "Ana")
    assert refused.status_code == 403
    assert "This assignment closed on" in _text(refused)


def test_extra_time_in_the_past_or_unreadable_is_422_with_a_message(app: FastAPI) -> None:
    teacher, csrf, assignment_id, _s, token = _set_up(app, closes_at=_in_an_hour())
    url = _student_page(assignment_id, _attempt(app, token).id) + "/extra-time"
    past = (datetime.now(UTC) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    cases = {
        past: "The new closing time is in the past",
        "next week": "Enter the new closing time as a date and time",
        (datetime.now(UTC) + timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M"): (
            "must be later than the assignment's own"
        ),
    }
    for typed, message in cases.items():
        response = teacher.post(url, data={"csrf_token": csrf, "closes_at": typed})
        assert response.status_code == 422
        page = _text(response)
        assert message in page
        assert 'aria-invalid="true"' in response.text
        assert f'value="{typed}"' in response.text
    assert _allowance(app, assignment_id, "sam lee") is None
    assert _events(app, assignment_id) == []


def test_extra_time_without_a_closing_time_is_422(app: FastAPI) -> None:
    teacher, csrf, assignment_id, _s, token = _set_up(app)
    url = _student_page(assignment_id, _attempt(app, token).id) + "/extra-time"
    response = teacher.post(url, data={"csrf_token": csrf, "closes_at": _in_an_hour()})
    assert response.status_code == 422
    assert "This assignment has no closing time" in _text(response)
    assert _events(app, assignment_id) == []


# --- deleting an attempt -------------------------------------------------------------------


def test_delete_asks_first_then_removes_only_that_attempt(app: FastAPI) -> None:
    teacher, csrf, assignment_id, student, token = _set_up(app)
    other = student_client(app)
    other_token = join_token(other, get_assignment(app, assignment_id).join_code, "Ana")
    for client, tok in ((student, token), (other, other_token)):
        for qid in question_ids(app, client, tok)[:2]:
            assert answer(client, tok, qid, "research").status_code == 303
    attempt, kept = _attempt(app, token), _attempt(app, other_token)
    url = _student_page(assignment_id, attempt.id) + "/delete"

    confirm = teacher.get(url)
    assert confirm.status_code == 200
    text = _text(confirm)
    assert "Delete Sam Lee's attempt?" in text
    assert "its 2 answers" in text
    with app.state.sessions() as session:
        assert session.get(Attempt, attempt.id) is not None  # asking deletes nothing

    response = teacher.post(url, data={"csrf_token": csrf})
    assert response.status_code == 303
    assert response.headers["location"] == f"/teacher/assignments/{assignment_id}"
    with app.state.sessions() as session:
        assert session.get(Attempt, attempt.id) is None
        left = session.scalars(select(Answer)).all()
        assert {a.attempt_id for a in left} == {kept.id}
        assert len(left) == 2
    [(action, name, details)] = _events(app, assignment_id)
    assert (action, name) == ("delete-attempt", "Sam Lee")
    assert "and its 2 answers" in details
    dashboard = _text(teacher.get(f"/teacher/assignments/{assignment_id}"))
    assert "Attempt deleted: Sam Lee." in dashboard
    # The student's link now leads nowhere, and the attempt they used is free again.
    assert student.get(f"/a/{token}").status_code == 404
    code = get_assignment(app, assignment_id).join_code
    assert join(student_client(app), code, "Sam Lee").status_code == 303


def test_a_missing_attempt_is_404_with_a_message(app: FastAPI) -> None:
    teacher, csrf, assignment_id, _s, token = _set_up(app)
    missing = _attempt(app, token).id + 100
    for method, end in (("GET", "/delete"), ("POST", "/delete"), ("POST", "/another-attempt")):
        url = _student_page(assignment_id, missing) + end
        response = (
            teacher.get(url) if method == "GET" else teacher.post(url, data={"csrf_token": csrf})
        )
        assert response.status_code == 404
        assert "no such student attempt" in _text(response)
    assert _events(app, assignment_id) == []


def test_every_change_needs_the_csrf_token(app: FastAPI) -> None:
    teacher, _csrf, assignment_id, _s, token = _set_up(app, closes_at=_in_an_hour())
    attempt_id = _attempt(app, token).id
    later = (datetime.now(UTC) + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    for end in ("/another-attempt", "/extra-time", "/delete"):
        url = _student_page(assignment_id, attempt_id) + end
        response = teacher.post(url, data={"csrf_token": "forged", "closes_at": later})
        assert response.status_code == 403
    with app.state.sessions() as session:
        assert session.get(Attempt, attempt_id) is not None
    assert _allowance(app, assignment_id, "sam lee") is None
    assert _events(app, assignment_id) == []
