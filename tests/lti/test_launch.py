"""Point 2: the launch (OIDC login initiation, authentication response, the id_token checked in
full), where instructors land on their dashboard and learners in their own attempt, with the
launch state kept server-side."""

import html
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from quiz_app import auth
from quiz_app.classroom import seeds
from quiz_app.lti import vocab
from quiz_app.lti.tables import LtiLaunchState, LtiPlatform, LtiUser
from quiz_app.models import Attempt, Teacher, utcnow
from quiz_app.store.lti import NO_PASSWORD
from tests.support.factories import answer
from tests.support.lti_platform import (
    INSTRUCTOR,
    OTHER_STUDENT,
    STUDENT,
    TEACHER,
    FakePlatform,
    LmsUser,
)
from tests.support.lti_steps import (
    attempt_token,
    browser,
    counts,
    follow,
    launch,
    login,
    set_up_link,
)
from tests.support.teacher_factories import login_csrf, questions_for


def test_login_initiation_sends_the_browser_to_the_lms_with_a_state_and_nonce_kept_here(
    app: FastAPI, client: TestClient, platform: FakePlatform
) -> None:
    response = client.get("/lti/login", params=platform.login_params(STUDENT))
    assert response.status_code == 302
    url = urlsplit(response.headers["location"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == platform.auth_url
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert query["scope"] == "openid" and query["response_type"] == "id_token"
    assert query["response_mode"] == "form_post" and query["prompt"] == "none"
    assert query["client_id"] == platform.client_id
    assert query["redirect_uri"] == "http://testserver/lti/launch"
    assert query["login_hint"] == STUDENT.sub and query["lti_message_hint"] == "resource:link-1"
    with app.state.sessions() as session:
        (row,) = session.scalars(select(LtiLaunchState)).all()
    assert (row.state, row.nonce) == (query["state"], query["nonce"])
    assert row.expires_at - utcnow() <= timedelta(minutes=10)
    assert row.used_at is None


def test_login_initiation_by_form_post_works_as_well(
    client: TestClient, platform: FakePlatform
) -> None:
    response = client.post("/lti/login", data=platform.login_params(STUDENT))
    assert response.status_code == 302
    assert response.headers["location"].startswith(platform.auth_url + "?")


def test_learner_lands_in_their_own_attempt_under_their_lms_name_without_a_name_prompt(
    app: FastAPI, platform: FakePlatform
) -> None:
    assignment_id = set_up_link(app, platform)
    student = browser(app)
    response = launch(student, platform, STUDENT)
    token = attempt_token(response)
    page = follow(student, response)
    assert page.status_code == 200 and 'id="quiz"' in page.text
    assert "Your name (your teacher sees it" not in page.text
    assert "Is this claim research, a hypothesis, or unsupported?" in page.text
    with app.state.sessions() as session:
        attempt = session.scalar(select(Attempt).where(Attempt.token == token))
        assert attempt is not None
        assert (attempt.student_name, attempt.assignment_id) == ("Sam Rivera", assignment_id)


def test_learner_resumes_their_attempt_on_a_later_launch_even_from_another_browser(
    app: FastAPI, platform: FakePlatform
) -> None:
    set_up_link(app, platform)
    first = browser(app)
    token = attempt_token(launch(first, platform, STUDENT))
    with app.state.sessions() as session:
        attempt = session.scalar(select(Attempt).where(Attempt.token == token))
        assert attempt is not None
        ids = list(attempt.question_ids)
    answer(first, token, ids[0], "research")
    later = browser(app)  # another day, another computer: no cookie of ours
    response = launch(later, platform, STUDENT)
    assert attempt_token(response) == token
    assert later.get(response.headers["location"]).headers["location"] == f"/a/{token}/q/2"


def test_learner_launch_takes_the_attempts_seed_from_the_source(
    app: FastAPI, platform: FakePlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_up_link(app, platform)
    monkeypatch.setattr(seeds, "source", lambda: 31337)
    token = attempt_token(launch(browser(app), platform, STUDENT))
    with app.state.sessions() as session:
        attempt = session.scalar(select(Attempt).where(Attempt.token == token))
        assert attempt is not None
        assert attempt.seed == 31337
        assignment = attempt.assignment
        assert assignment is not None
        assert list(attempt.question_ids) == questions_for(app, assignment, 31337)


def test_each_learner_gets_their_own_attempt(app: FastAPI, platform: FakePlatform) -> None:
    set_up_link(app, platform)
    sam = attempt_token(launch(browser(app), platform, STUDENT))
    ana = attempt_token(launch(browser(app), platform, OTHER_STUDENT))
    assert sam != ana
    with app.state.sessions() as session:
        names = {a.token: a.student_name for a in session.scalars(select(Attempt))}
    assert names == {sam: "Sam Rivera", ana: "Ana Lopez"}


def test_learner_name_comes_from_given_and_family_name_or_else_the_lms_id(
    app: FastAPI, platform: FakePlatform
) -> None:
    set_up_link(app, platform)
    nameless = LmsUser("student-99", "", STUDENT.roles)
    given = LmsUser("student-98", "", STUDENT.roles)
    claims = {"name": "", "given_name": "Kai", "family_name": "Ng"}
    kai = attempt_token(launch(browser(app), platform, given, claims=claims))
    anonymous = attempt_token(launch(browser(app), platform, nameless, claims={"name": ""}))
    with app.state.sessions() as session:
        names = {a.token: a.student_name for a in session.scalars(select(Attempt))}
    assert names[kai] == "Kai Ng"
    assert names[anonymous] == "student-99"


def test_learner_launch_of_a_link_without_questions_says_it_is_not_ready(
    app: FastAPI, platform: FakePlatform
) -> None:
    response = launch(browser(app), platform, STUDENT, link_id="new-link")
    assert response.status_code == 409
    assert "Your teacher has not chosen the questions for this activity yet" in response.text
    assert counts(app)["attempts"] == 0


def test_launch_works_when_the_frame_keeps_no_cookies(app: FastAPI, platform: FakePlatform) -> None:
    set_up_link(app, platform)
    starts = browser(app)
    auth_request = login(starts, platform, STUDENT)
    assert any(name.startswith("cc_lti_state_") for name in starts.cookies)
    cookieless = browser(app)  # the launch arrives without the state cookie
    response = cookieless.post("/lti/launch", data=platform.authenticate(auth_request, STUDENT))
    assert response.status_code == 303
    assert response.headers["location"].startswith("/a/")


def test_instructor_lands_on_the_dashboard_with_a_teacher_account_made_for_them(
    app: FastAPI, platform: FakePlatform
) -> None:
    assignment_id = set_up_link(app, platform, title="Year 9: micro is not safe")
    teacher = browser(app)
    response = launch(teacher, platform, TEACHER)
    assert response.status_code == 303
    assert response.headers["location"].endswith("/dashboard")
    page = teacher.get(response.headers["location"])
    assert page.status_code == 200
    assert "<h1>Year 9: micro is not safe</h1>" in page.text
    assert "Opened from Year 9 Biology" in page.text
    with app.state.sessions() as session:
        user = session.scalar(select(LtiUser).where(LtiUser.sub == TEACHER.sub))
        assert user is not None and user.teacher is not None
        assert user.teacher.password_hash == NO_PASSWORD
        teachers = session.scalars(select(Teacher)).all()
        owner = session.get(Teacher, user.teacher_id)
    assert len(teachers) == 1  # the second launch reused the account
    assert owner is not None and owner.email.endswith("@lti.invalid")
    assert app.state.bank and assignment_id


def test_the_lms_teacher_account_cannot_be_logged_into_with_a_password(
    app: FastAPI, platform: FakePlatform
) -> None:
    set_up_link(app, platform)
    with app.state.sessions() as session:
        email = session.scalars(select(Teacher.email)).one()
    visitor = browser(app)
    for password in ("", NO_PASSWORD, "!lti-no-password", "anything at all"):
        response = visitor.post(
            "/teacher/login",
            data={"email": email, "password": password, "csrf_token": login_csrf(visitor)},
        )
        assert response.status_code == 401
    assert auth.SESSION_COOKIE not in visitor.cookies


def test_teaching_assistants_and_admins_are_instructors_and_learners_are_not() -> None:
    assert vocab.is_instructor([INSTRUCTOR])
    assert vocab.is_instructor([vocab.LIS + "membership/Instructor#TeachingAssistant"])
    assert vocab.is_instructor([vocab.LIS + "institution/person#Administrator"])
    assert vocab.is_instructor(["Instructor"])
    assert not vocab.is_instructor([vocab.LIS + "membership#Learner"])
    assert not vocab.is_instructor([vocab.LIS + "institution/person#Student"])
    assert not vocab.is_instructor([])


def test_the_platforms_keys_are_fetched_once_and_cached(
    app: FastAPI, platform: FakePlatform
) -> None:
    set_up_link(app, platform)
    for user in (STUDENT, OTHER_STUDENT, TEACHER):
        assert launch(browser(app), platform, user).status_code == 303
    assert platform.jwks_fetches == 1
    with app.state.sessions() as session:
        stored = session.scalars(select(LtiPlatform)).one()
    assert stored.jwks_expires_at is not None
    assert stored.jwks_expires_at - utcnow() > timedelta(minutes=55)  # the LMS said 1 hour


def test_a_platform_key_rotation_is_picked_up_by_refetching_once(
    app: FastAPI, platform: FakePlatform
) -> None:
    set_up_link(app, platform)
    with app.state.sessions() as session:  # the keys were fetched a while ago
        session.execute(update(LtiPlatform).values(jwks_fetched_at=utcnow() - timedelta(minutes=5)))
        session.commit()
    platform.rotate_key()
    response = launch(browser(app), platform, STUDENT)
    assert response.status_code == 303, response.text
    assert platform.jwks_fetches == 2


def test_expired_key_cache_is_refetched(app: FastAPI, platform: FakePlatform) -> None:
    set_up_link(app, platform)
    with app.state.sessions() as session:
        session.execute(update(LtiPlatform).values(jwks_expires_at=utcnow() - timedelta(seconds=1)))
        session.commit()
    assert launch(browser(app), platform, STUDENT).status_code == 303
    assert platform.jwks_fetches == 2


def test_launch_pages_may_be_framed_by_the_lms(app: FastAPI, platform: FakePlatform) -> None:
    set_up_link(app, platform)
    teacher = browser(app)
    login_response = teacher.get("/lti/login", params=platform.login_params(TEACHER))
    response = teacher.post(
        "/lti/launch",
        data=platform.authenticate(login_response.headers["location"], TEACHER),
    )
    dashboard = teacher.get(response.headers["location"])
    refused = browser(app).post("/lti/launch", data={"id_token": "x", "state": "y"})
    for page in (login_response, response, dashboard, refused):
        assert page.headers["content-security-policy"].endswith("frame-ancestors *")
        assert "x-frame-options" not in page.headers
    assert dashboard.headers["cache-control"] == "no-store"


def _assert_in_own_attempt(app: FastAPI, token: str) -> None:
    """The launch got through: the learner has an attempt of their own, under their LMS name."""
    with app.state.sessions() as session:
        attempt = session.scalar(select(Attempt).where(Attempt.token == token))
        assert attempt is not None
        assert attempt.student_name == "Sam Rivera"


def test_several_audiences_with_azp_naming_the_tool_is_accepted(
    app: FastAPI, platform: FakePlatform
) -> None:
    set_up_link(app, platform)
    claims = {"aud": [platform.client_id, "another-tool"], "azp": platform.client_id}
    response = launch(browser(app), platform, STUDENT, claims=claims)
    assert response.status_code == 303
    _assert_in_own_attempt(app, attempt_token(response))


def test_a_launch_a_few_seconds_past_expiry_is_accepted_within_the_clock_leeway(
    app: FastAPI, platform: FakePlatform
) -> None:
    set_up_link(app, platform)
    now = int(utcnow().timestamp())
    claims = {"exp": now - 30, "iat": now - 330}
    response = launch(browser(app), platform, STUDENT, claims=claims)
    assert response.status_code == 303
    _assert_in_own_attempt(app, attempt_token(response))


def test_html_in_an_lms_name_is_shown_as_text(app: FastAPI, platform: FakePlatform) -> None:
    set_up_link(app, platform)
    sneaky = LmsUser("student-77", "<b>Bo</b>", STUDENT.roles)
    launch(browser(app), platform, sneaky)
    teacher = browser(app)
    page = teacher.get(launch(teacher, platform, TEACHER).headers["location"]).text
    assert html.escape("<b>Bo</b>") in page and "<b>Bo</b>" not in page
