"""Run in class from an LMS: the link's instructors drive the presenter on their launch's
token, with its CSRF token; learners who open the activity land on the class page."""

import html

from fastapi import FastAPI
from sqlalchemy import select

from quiz_app.lti.tables import LtiSession
from quiz_app.models import ClassRun
from tests.support.lti_platform import INSTRUCTOR, STUDENT, TEACHER, FakePlatform, LmsUser
from tests.support.lti_steps import attempt_token, browser, csrf_of, launch, set_up_link
from tests.support.teacher_factories import row_count

CO_TEACHER = LmsUser("teacher-8", "Ravi Menon", (INSTRUCTOR,))


def _presenter(app: FastAPI, lms: FakePlatform) -> tuple[object, str, str]:
    set_up_link(app, lms)
    teacher = browser(app)
    dashboard = launch(teacher, lms, TEACHER).headers["location"]
    page = teacher.get(dashboard).text
    assert "Run in class</button>" in page
    base = dashboard.removesuffix("/dashboard")
    started = teacher.post(f"{base}/class", data={"csrf_token": csrf_of(page)})
    assert started.status_code == 303, started.text
    return teacher, f"{base}/class", csrf_of(page)


def test_instructor_runs_the_linked_activity_in_class(app: FastAPI, platform: FakePlatform) -> None:
    teacher, presenter, csrf = _presenter(app, platform)
    learner = browser(app)
    token = attempt_token(launch(learner, platform, STUDENT))
    assert learner.get(f"/a/{token}").headers["location"] == f"/a/{token}/class"
    assert learner.get(f"/a/{token}/class").status_code == 200
    page = html.unescape(teacher.get(presenter).text)  # type: ignore[attr-defined]
    assert "1 student joined" in page.replace("<strong>", "").replace("</strong>", "")
    data = {"csrf_token": csrf, "step": "lobby", "position": "0"}
    moved = teacher.post(f"{presenter}/start", data=data)  # type: ignore[attr-defined]
    assert moved.status_code == 303
    assert "Check my answer" in learner.get(f"/a/{token}/class").text


def test_instructor_press_without_the_csrf_token_is_refused(
    app: FastAPI, platform: FakePlatform
) -> None:
    teacher, presenter, _csrf = _presenter(app, platform)
    data = {"step": "lobby", "position": "0"}
    assert teacher.post(f"{presenter}/start", data=data).status_code == 403  # type: ignore[attr-defined]
    assert row_count(app, ClassRun) == 1


def test_a_co_teacher_of_the_course_cannot_run_it_in_class(
    app: FastAPI, platform: FakePlatform
) -> None:
    _teacher, presenter, _csrf = _presenter(app, platform)
    colleague = browser(app)
    dashboard = launch(colleague, platform, CO_TEACHER).headers["location"]
    assert "Run in class" not in colleague.get(dashboard).text
    theirs = dashboard.removesuffix("/dashboard") + "/class"
    assert colleague.get(theirs).status_code == 403
    with app.state.sessions() as session:
        csrf = session.scalars(select(LtiSession.csrf_token).order_by(LtiSession.id.desc())).first()
    data = {"csrf_token": csrf, "step": "lobby", "position": "0"}
    assert colleague.post(f"{theirs}/start", data=data).status_code == 403
