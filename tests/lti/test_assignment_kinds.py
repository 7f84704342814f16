"""A "Before and after" activity in an LMS, by a resource link or deep-linked: the learner's
attempt has the set's check-in and check-out forms around the practice, counterbalanced by
seed as the public set, option questions included, and the grade counts every answer."""

import re

import jwt
from fastapi import FastAPI
from sqlalchemy import select

from quiz_app.lti import vocab
from quiz_app.models import Attempt
from tests.support.factories import answer_as_student
from tests.support.lti_platform import STUDENT, TEACHER, FakePlatform
from tests.support.lti_steps import (
    attempt_token,
    browser,
    csrf_of,
    follow,
    grade_rows,
    launch,
    set_up_link,
)

SET_ID = "before-and-after"


def _attempt(app: FastAPI, token: str) -> Attempt:
    with app.state.sessions() as session:
        attempt = session.scalar(select(Attempt).where(Attempt.token == token))
        assert attempt is not None
        return attempt


def _check_forms(app: FastAPI, token: str) -> Attempt:
    """Check the attempt is the public set's for its seed: check-in, practice, check-out."""
    attempt = _attempt(app, token)
    qset = app.state.bank.sets[SET_ID]
    phases = app.state.bank.phases(qset, attempt.seed)
    assert attempt.question_ids == phases.all
    assert (
        (attempt.check_in_count, attempt.check_out_count)
        == (9, 9)
        == (
            len(qset.check_in),
            len(qset.check_out),
        )
    )
    return attempt


def test_a_linked_before_and_after_activity_gives_the_check_forms_and_grades_them(
    app: FastAPI, platform: FakePlatform
) -> None:
    set_up_link(app, platform, set_id=SET_ID)
    student = browser(app)
    response = launch(student, platform, STUDENT)
    token = attempt_token(response)
    page = follow(student, response).text
    assert re.search(r"<strong>Check-in</strong>: question 1 of 9", page), page
    attempt = _check_forms(app, token)
    kinds = {app.state.bank.questions[q].kind for q in attempt.question_ids}
    assert kinds - {"classify"}, kinds  # the practice draws option questions too
    for qid in attempt.question_ids:
        assert answer_as_student(app, student, token, qid).status_code == 303
    results = student.get(f"/a/{token}/results").text
    assert "From check-in to check-out, your accuracy stayed the same" in results
    (grade,) = grade_rows(app)
    assert (grade.payload["scoreGiven"], grade.payload["scoreMaximum"]) == (26, 26)


def test_a_deep_linked_before_and_after_activity_gives_the_check_forms(
    app: FastAPI, platform: FakePlatform
) -> None:
    teacher = browser(app)
    url = launch(teacher, platform, TEACHER, message="deep_link").headers["location"]
    page = teacher.get(url).text
    data = {"csrf_token": csrf_of(page), "choice": f"set:{SET_ID}", "feedback_mode": "immediate"}
    returned = teacher.post(url, data=data)
    assert returned.status_code == 200, returned.text
    token_jwt = re.search(r'name="JWT" value="([^"]+)"', returned.text)
    assert token_jwt
    claims = jwt.decode(token_jwt.group(1), options={"verify_signature": False})
    custom = claims[vocab.DL_CONTENT_ITEMS][0]["custom"]
    student = browser(app)
    token = attempt_token(launch(student, platform, STUDENT, link_id="placed-1", custom=custom))
    _check_forms(app, token)
