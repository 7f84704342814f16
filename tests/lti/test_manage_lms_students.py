"""A teacher manages a student who came from their LMS as one who joined with the code: another
attempt and extra time belong to that LMS user, whatever name the LMS sends, and the launch and
the answers honour them."""

import re
from datetime import timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient

from quiz_app import store
from quiz_app.models import Assignment, utcnow
from tests.support.lti_platform import STUDENT, FakePlatform, LmsUser
from tests.support.lti_steps import (
    answer_all,
    attempt_token,
    browser,
    csrf_of,
    follow,
    launch,
    set_up_link,
)
from tests.support.teacher_factories import log_in_as

NAMESAKE = LmsUser("student-99", STUDENT.name, STUDENT.roles)  # another user, the same name


def _owner(app: FastAPI, assignment_id: int) -> tuple[TestClient, str]:
    """The teacher who owns the LMS link's assignment, logged in on the tool's own pages."""
    with app.state.sessions() as session:
        assignment = session.get(Assignment, assignment_id)
        assert assignment is not None
        teacher = assignment.teacher
    client = browser(app)
    return client, log_in_as(app, client, teacher)


def _attempt_id(app: FastAPI, token: str) -> int:
    with app.state.sessions() as session:
        attempt = store.attempts.get_attempt(session, token=token)
        assert attempt is not None
        return attempt.id


def test_another_attempt_for_an_lms_student_lets_that_user_and_no_namesake_start_again(
    app: FastAPI, platform: FakePlatform
) -> None:
    assignment_id = set_up_link(app, platform)
    sam, namesake = browser(app), browser(app)
    first = attempt_token(launch(sam, platform, STUDENT))
    answer_all(sam, app, first)
    other = attempt_token(launch(namesake, platform, NAMESAKE))
    answer_all(namesake, app, other)
    # One attempt allowed: the next launch shows the results, with no way to start again.
    assert "Start attempt 2" not in follow(sam, launch(sam, platform, STUDENT)).text

    teacher, csrf = _owner(app, assignment_id)
    base = f"/teacher/assignments/{assignment_id}/attempts/{_attempt_id(app, first)}"
    page = teacher.get(base).text
    assert "has started 1 of the 1 attempt they may start" in page
    response = teacher.post(f"{base}/another-attempt", data={"csrf_token": csrf})
    assert response.status_code == 303
    assert "has started 1 of the 2 attempts they may start" in teacher.get(base).text

    offer = follow(sam, launch(sam, platform, STUDENT))
    assert "Your teacher allows 1 more attempt." in offer.text
    action = re.search(r'<form method="post" action="([^"]+)"', offer.text)
    assert action
    started = sam.post(action.group(1), data={"csrf_token": csrf_of(offer.text)})
    assert started.status_code == 303
    assert attempt_token(started) != first
    # The other "Sam Rivera" is another LMS user: still one attempt.
    assert "Start attempt 2" not in follow(namesake, launch(namesake, platform, NAMESAKE)).text


def test_extra_time_for_an_lms_student_reopens_the_activity_for_them_alone(
    app: FastAPI, platform: FakePlatform
) -> None:
    assignment_id = set_up_link(app, platform)
    sam, namesake = browser(app), browser(app)
    token = attempt_token(launch(sam, platform, STUDENT))
    with app.state.sessions() as session:
        assignment = session.get(Assignment, assignment_id)
        assert assignment is not None
        assignment.closes_at = utcnow() - timedelta(minutes=5)
        session.commit()
    refused = follow(namesake, launch(namesake, platform, NAMESAKE))
    assert refused.status_code == 403, refused.text

    teacher, csrf = _owner(app, assignment_id)
    base = f"/teacher/assignments/{assignment_id}/attempts/{_attempt_id(app, token)}"
    later = (utcnow() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = teacher.post(
        f"{base}/extra-time", data={"csrf_token": csrf, "closes_at": later, "timezone": "UTC"}
    )
    assert response.status_code == 303, response.text
    assert "(extra time)" in teacher.get(base).text

    # Sam answers on (the answer is saved), the namesake is still refused.
    answered = answer_all(sam, app, token)
    assert answered > 0
    with app.state.sessions() as session:
        attempt = store.attempts.get_attempt(session, token=token)
        assert attempt is not None and len(attempt.answers) == answered
    assert follow(namesake, launch(namesake, platform, NAMESAKE)).status_code == 403
