"""Plain helpers that act as the LMS and its users do, for the LTI tests."""

import re
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import func, select

from quiz_app import store
from quiz_app.lti.tables import LtiAttempt, LtiGrade, LtiResourceLink, LtiSession, LtiUser
from quiz_app.models import Attempt, Teacher
from tests.support.factories import answer, question
from tests.support.lti_platform import TEACHER, FakePlatform, LmsUser


def login(client: TestClient, lms: FakePlatform, user: LmsUser, **params: Any) -> str:
    """Open a link as the LMS does (login initiation); return the tool's authentication
    request (where the tool sends the browser)."""
    extra = {k: v for k, v in params.items() if k not in ("message", "link_id")}
    query = lms.login_params(
        user,
        message=params.get("message", "resource"),
        link_id=params.get("link_id", "link-1"),
        **extra,
    )
    response = client.get("/lti/login", params=query)
    assert response.status_code == 302, response.text
    location: str = response.headers["location"]
    return location


def launch(client: TestClient, lms: FakePlatform, user: LmsUser, **launch: Any) -> Response:
    """The whole launch: login initiation, authentication, and the form post to the tool."""
    auth = login(
        client, lms, user, **{k: v for k, v in launch.items() if k in ("message", "link_id")}
    )
    return client.post("/lti/launch", data=lms.authenticate(auth, user, **launch))


def follow(client: TestClient, response: Response) -> Response:
    """Follow redirects (the TestClient is made not to)."""
    while response.status_code in (302, 303):
        response = client.get(response.headers["location"])
    return response


def counts(app: FastAPI) -> dict[str, int]:
    """How many rows the launch tables hold: a refused launch must leave them as they were."""
    with app.state.sessions() as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
            for model in (
                Attempt,
                LtiAttempt,
                LtiSession,
                LtiUser,
                LtiResourceLink,
                Teacher,
                LtiGrade,
            )
        }


def attempt_token(response: Response) -> str:
    """Return the attempt token a learner's launch redirected to (/a/<token>)."""
    location = response.headers["location"]
    assert location.startswith("/a/"), location
    return location.removeprefix("/a/")


def answer_all(client: TestClient, app: FastAPI, token: str, *, right: int | None = None) -> int:
    """Answer every question of the attempt, the first `right` of them rightly (all if None);
    return how many were right."""
    with app.state.sessions() as session:
        attempt = store.attempts.get_attempt(session, token=token)
        assert attempt is not None
        ids = list(attempt.question_ids)
    good = 0
    for index, qid in enumerate(ids):
        truth = question(app, qid).verdict
        correct = right is None or index < right
        verdict = (
            truth
            if correct
            else next(v for v in ("research", "hypothesis", "unsupported") if v != truth)
        )
        response = answer(client, token, qid, verdict)  # with the question's right reason
        assert response.status_code == 303, response.text
        good += correct
    return good


def grade_rows(app: FastAPI) -> list[LtiGrade]:
    with app.state.sessions() as session:
        return list(session.scalars(select(LtiGrade).order_by(LtiGrade.id)))


def browser(app: FastAPI) -> TestClient:
    """A new browser (its own cookies), which does not follow redirects by itself."""
    return TestClient(app, follow_redirects=False)


def csrf_of(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, page
    return match.group(1)


def set_up_link(
    app: FastAPI,
    lms: FakePlatform,
    *,
    link_id: str = "link-1",
    set_id: str = "micro-not-safe",
    grades: bool = True,
    **form: str,
) -> int:
    """The teacher opens a new link (no deep linking) and picks a set for it; return the id
    of the assignment made for it."""
    teacher = browser(app)
    response = launch(teacher, lms, TEACHER, link_id=link_id, grades=grades)
    picker = response.headers["location"]
    assert picker.endswith("/link"), picker
    page = teacher.get(picker)
    data = {
        "csrf_token": csrf_of(page.text),
        "choice": f"set:{set_id}",
        "feedback_mode": "immediate",
        "attempts_allowed": "1",
        **form,
    }
    response = teacher.post(picker, data=data)
    assert response.status_code == 303, response.text
    with app.state.sessions() as session:
        link = session.scalar(
            select(LtiResourceLink).where(LtiResourceLink.resource_link_id == link_id)
        )
        assert link is not None and link.assignment_id is not None
        return link.assignment_id


def launch_to_hand_in(
    app: FastAPI, lms: FakePlatform, user: LmsUser, *, answered: int
) -> tuple[TestClient, str]:
    """Launch a learner into a linked activity whose feedback waits for hand-in, answer its
    first `answered` questions right, and return the learner's client and attempt token."""
    set_up_link(app, lms, feedback_mode="after_submit")
    client = browser(app)
    token = attempt_token(launch(client, lms, user))
    with app.state.sessions() as session:
        attempt = store.attempts.get_attempt(session, token=token)
        assert attempt is not None
        ids = list(attempt.question_ids)
    for qid in ids[:answered]:
        answer(client, token, qid, question(app, qid).verdict)
    return client, token
