"""The pages an LMS launch opens: the instructor's dashboard with each student's grade status
and Resend, a student's answers, another attempt for a student, the way into the full teacher
pages, and what an LTI session may not reach."""

import html
import re
from datetime import timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from quiz_app import auth
from quiz_app.learning import item_stats
from quiz_app.lti import ags
from quiz_app.lti.tables import LtiSession
from quiz_app.models import Attempt, utcnow
from tests.support.factories import HTMX
from tests.support.lti_platform import (
    INSTRUCTOR,
    OTHER_STUDENT,
    STUDENT,
    TEACHER,
    FakePlatform,
    LmsUser,
)
from tests.support.lti_steps import (
    answer_all,
    attempt_token,
    browser,
    csrf_of,
    follow,
    grade_rows,
    launch,
    set_up_link,
)
from tests.support.teacher_factories import create_assignment, teacher_client

THIRD = LmsUser("student-44", "Lea Park", STUDENT.roles)
FOURTH = LmsUser("student-45", "Noor Haddad", STUDENT.roles)
CO_TEACHER = LmsUser("teacher-8", "Ravi Menon", (INSTRUCTOR,))


def _dashboard(app: FastAPI, lms: FakePlatform, user: LmsUser = TEACHER) -> tuple[TestClient, str]:
    teacher = browser(app)
    response = launch(teacher, lms, user)
    assert response.headers["location"].endswith("/dashboard"), response.text
    return teacher, response.headers["location"]


def _row(page: str, name: str) -> str:
    for row in re.findall(r"<tr>(.*?)</tr>", page, re.S):
        if f">{name}</a>" in row:
            return " ".join(re.sub(r"<[^>]+>", " ", row).split())
    raise AssertionError(f"no row for {name}")


def _finish(app: FastAPI, lms: FakePlatform, user: LmsUser) -> str:
    client = browser(app)
    token = attempt_token(launch(client, lms, user))
    answer_all(client, app, token, right=4)
    return token


def _send(app: FastAPI) -> None:
    ags.send_due(app.state.sessions, app.state.lti_http)


def _class(app: FastAPI, lms: FakePlatform) -> None:
    """Sam's grade was sent; Ana's waits (the LMS answered 503); Lea's was refused (400);
    Noor is still working."""
    set_up_link(app, lms)
    _finish(app, lms, STUDENT)
    _send(app)
    _finish(app, lms, OTHER_STUDENT)
    lms.score_statuses = [503]
    _send(app)
    _finish(app, lms, THIRD)
    lms.score_statuses = [400]
    _send(app)
    launch(browser(app), lms, FOURTH)


def test_dashboard_shows_each_students_grade_status_with_the_lms_error(
    app: FastAPI, platform: FakePlatform
) -> None:
    _class(app, platform)
    teacher, url = _dashboard(app, platform)
    page = teacher.get(url).text
    assert "Grade in the LMS" in page
    assert "Sent" in _row(page, "Sam Rivera") and "Resend" not in _row(page, "Sam Rivera")
    ana = _row(page, "Ana Lopez")
    assert "Pending" in ana and "after 1 try" in ana
    assert "The LMS did not accept the score: 503 Service Unavailable" in ana and "Resend" in ana
    lea = _row(page, "Lea Park")
    assert "Failed" in lea and "400 Bad Request" in lea and "Resend" in lea
    assert "when finished" in _row(page, "Noor Haddad")


def _resend_form(page: str, name: str) -> tuple[str, str]:
    row = next(r for r in re.findall(r"<tr>(.*?)</tr>", page, re.S) if f">{name}</a>" in r)
    action = re.search(r'<form class="inline" method="post" action="([^"]+)">', row)
    assert action
    return action.group(1), csrf_of(row)


def test_resend_sends_a_refused_grade_again_now(app: FastAPI, platform: FakePlatform) -> None:
    _class(app, platform)
    teacher, url = _dashboard(app, platform)
    action, csrf = _resend_form(teacher.get(url).text, "Lea Park")
    response = teacher.post(action, data={"csrf_token": csrf})
    assert response.status_code == 303
    assert response.headers["location"] == f"{url}?resent=sent"
    page = teacher.get(response.headers["location"]).text
    assert "The grade was sent to the LMS." in page
    assert "Sent" in _row(page, "Lea Park")
    assert [s.payload["userId"] for s in platform.scores] == [STUDENT.sub, THIRD.sub]


def test_resend_while_the_lms_still_fails_says_it_keeps_trying(
    app: FastAPI, platform: FakePlatform
) -> None:
    _class(app, platform)
    teacher, url = _dashboard(app, platform)
    action, csrf = _resend_form(teacher.get(url).text, "Ana Lopez")
    platform.score_statuses = [500]
    response = follow(teacher, teacher.post(action, data={"csrf_token": csrf}))
    assert "The LMS did not take the grade yet; Claim Check keeps trying." in response.text
    assert "after 2 tries" in _row(response.text, "Ana Lopez")


def test_resend_without_its_csrf_token_sends_nothing(app: FastAPI, platform: FakePlatform) -> None:
    _class(app, platform)
    teacher, url = _dashboard(app, platform)
    action, _csrf = _resend_form(teacher.get(url).text, "Lea Park")
    assert teacher.post(action, data={}).status_code == 403
    assert teacher.post(action, data={"csrf_token": "forged"}).status_code == 403
    assert len(platform.scores) == 1


def test_a_sent_grade_is_never_resent(app: FastAPI, platform: FakePlatform) -> None:
    _class(app, platform)
    teacher, url = _dashboard(app, platform)
    csrf = csrf_of(teacher.get(url).text)
    with app.state.sessions() as session:
        sam = session.scalars(select(Attempt.id).where(Attempt.student_name == "Sam Rivera")).one()
    token_path = url.removesuffix("/dashboard")
    response = teacher.post(f"{token_path}/attempts/{sam}/resend", data={"csrf_token": csrf})
    assert response.status_code == 409
    assert "already sent to the LMS; it is never sent twice" in response.text
    assert len(platform.scores) == 1


def test_resend_of_another_assignments_student_is_not_found(
    app: FastAPI, platform: FakePlatform
) -> None:
    _class(app, platform)
    set_up_link(app, platform, link_id="other-link")
    teacher = browser(app)
    response = launch(teacher, platform, TEACHER, link_id="other-link")
    other = response.headers["location"]
    csrf = csrf_of(teacher.get(other).text)
    with app.state.sessions() as session:
        lea = session.scalars(select(Attempt.id).where(Attempt.student_name == "Lea Park")).one()
    token_path = other.removesuffix("/dashboard")
    scores_before = len(platform.scores)
    post = teacher.post(f"{token_path}/attempts/{lea}/resend", data={"csrf_token": csrf})
    assert post.status_code == 404
    assert "This student has no grade for the LMS yet" in post.text  # none in this activity
    assert len(platform.scores) == scores_before  # nothing was sent
    page = teacher.get(f"{token_path}/attempts/{lea}")
    assert page.status_code == 404
    assert "This activity has no such student attempt." in page.text


def test_the_lms_dashboard_shows_the_same_numbers_and_what_they_need(
    app: FastAPI, platform: FakePlatform
) -> None:
    """The LMS twin shares the teacher dashboard's partials: the same numbers and meanings."""
    _class(app, platform)
    teacher, url = _dashboard(app, platform)
    page = html.unescape(teacher.get(url).text)
    for heading in ("Right reason", "Right for the wrong reason", "Confidence", "Discrimination"):
        assert f'<th scope="col">{heading}</th>' in page
    assert "What to teach next" in page
    needs = rf"Needs at least {item_stats.MIN_ITEM_ANSWERS} answers</span> <span[^>]*>\(\d so far"
    assert re.search(needs, page)  # three students: too few for any question's statistics
    assert item_stats.MEANINGS["discrimination"] in page


def test_dashboard_refreshes_as_an_htmx_fragment(app: FastAPI, platform: FakePlatform) -> None:
    _class(app, platform)
    teacher, url = _dashboard(app, platform)
    fragment = teacher.get(url, headers=HTMX)
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert f'hx-get="{url}"' in fragment.text and "Grade in the LMS" in fragment.text


def test_instructor_reads_a_students_answers_in_the_lms_frame(
    app: FastAPI, platform: FakePlatform
) -> None:
    _class(app, platform)
    teacher, url = _dashboard(app, platform)
    page = teacher.get(url).text
    link = re.search(r'<a id="student-\d+" href="([^"]+)">Sam Rivera</a>', page)
    assert link and link.group(1).startswith(url.removesuffix("/dashboard") + "/attempts/")
    answers = teacher.get(link.group(1))
    assert answers.status_code == 200
    assert "Sam Rivera's answers" in answers.text
    assert f'href="{url}"' in answers.text  # back to the framed dashboard, not /teacher
    assert "/teacher/" not in answers.text


def test_a_co_teacher_of_the_course_sees_the_dashboard_but_cannot_take_it_over(
    app: FastAPI, platform: FakePlatform
) -> None:
    set_up_link(app, platform, title="Tess's check")
    colleague, url = _dashboard(app, platform, CO_TEACHER)
    page = colleague.get(url).text
    assert "<h1>Tess&#39;s check</h1>" in page
    assert "in a new tab" not in page and "csrf_token" not in page  # not theirs to edit
    with app.state.sessions() as session:
        csrf = session.scalars(select(LtiSession.csrf_token).order_by(LtiSession.id.desc())).first()
    response = colleague.post(url.removesuffix("/dashboard") + "/full", data={"csrf_token": csrf})
    assert response.status_code == 403
    assert auth.SESSION_COOKIE not in colleague.cookies


def test_the_owner_opens_the_full_teacher_pages_in_a_new_tab(
    app: FastAPI, platform: FakePlatform
) -> None:
    assignment_id = set_up_link(app, platform)
    _finish(app, platform, STUDENT)
    platform.score_statuses = [400]
    _send(app)
    teacher, url = _dashboard(app, platform)
    page = teacher.get(url).text
    assert 'target="_blank"' in page
    tab = teacher.post(url.removesuffix("/dashboard") + "/full", data={"csrf_token": csrf_of(page)})
    assert tab.status_code == 303
    assert tab.headers["location"] == f"/teacher/assignments/{assignment_id}"
    assert auth.SESSION_COOKIE in teacher.cookies
    full = teacher.get(tab.headers["location"])
    assert full.status_code == 200 and "Grade in the LMS" in full.text
    assert "Failed" in _row(full.text, "Sam Rivera")
    action, csrf = _resend_form(full.text, "Sam Rivera")
    assert (
        action == f"/teacher/assignments/{assignment_id}/attempts/{_attempt_id(app)}/resend-grade"
    )
    done = teacher.post(action, data={"csrf_token": csrf})
    assert done.status_code == 303 and done.headers["location"].startswith(tab.headers["location"])
    assert [s.payload["userId"] for s in platform.scores] == [STUDENT.sub]


def _attempt_id(app: FastAPI) -> int:
    with app.state.sessions() as session:
        return session.scalars(select(Attempt.id)).one()


def test_an_assignment_outside_any_lms_has_no_grade_column(app: FastAPI) -> None:
    teacher, csrf, _ = teacher_client(app)
    assignment_id = create_assignment(teacher, csrf)
    assert "Grade in the LMS" not in teacher.get(f"/teacher/assignments/{assignment_id}").text


def test_an_expired_or_unknown_lti_page_address_says_to_open_it_again(
    app: FastAPI, platform: FakePlatform
) -> None:
    set_up_link(app, platform)
    teacher, url = _dashboard(app, platform)
    assert browser(app).get("/lti/s/not-a-token/dashboard").status_code == 401
    with app.state.sessions() as session:
        session.execute(update(LtiSession).values(expires_at=utcnow() - timedelta(seconds=1)))
        session.commit()
    response = teacher.get(url)
    assert response.status_code == 401
    assert "Open the activity from your LMS again" in response.text


def test_a_student_session_reaches_no_teacher_page(app: FastAPI, platform: FakePlatform) -> None:
    set_up_link(app, platform, attempts_allowed="2")
    _finish(app, platform, STUDENT)
    student = browser(app)
    landing = launch(student, platform, STUDENT)
    url = landing.headers["location"]
    assert url.endswith("/attempts")
    token_path = url.removesuffix("/attempts")
    for path in ("/dashboard", "/link", "/pick", f"/attempts/{_attempt_id(app)}"):
        assert student.get(token_path + path).status_code == 403, path


def test_a_student_may_take_another_attempt_when_allowed_and_each_is_graded(
    app: FastAPI, platform: FakePlatform
) -> None:
    set_up_link(app, platform, attempts_allowed="2")
    first = _finish(app, platform, STUDENT)
    student = browser(app)
    landing = student.get(launch(student, platform, STUDENT).headers["location"])
    assert "You finished attempt 1" in landing.text
    assert f'href="/a/{first}/results"' in landing.text
    assert "Your teacher allows 1 more attempt." in landing.text
    action = re.search(r'<form method="post" action="([^"]+)">', landing.text)
    assert action
    second = attempt_token(
        student.post(action.group(1), data={"csrf_token": csrf_of(landing.text)})
    )
    assert second != first
    answer_all(student, app, second, right=8)
    _send(app)
    assert [s.payload["scoreGiven"] for s in platform.scores] == [4, 8]
    again = launch(browser(app), platform, STUDENT)  # no attempts left: the latest results
    assert again.headers["location"] == f"/a/{second}"
    assert len(grade_rows(app)) == 2


def test_a_student_cannot_start_more_attempts_than_allowed(
    app: FastAPI, platform: FakePlatform
) -> None:
    set_up_link(app, platform, attempts_allowed="2")
    _finish(app, platform, STUDENT)
    student = browser(app)
    landing = student.get(launch(student, platform, STUDENT).headers["location"])
    action = re.search(r'<form method="post" action="([^"]+)">', landing.text)
    assert action
    csrf = csrf_of(landing.text)
    second = attempt_token(student.post(action.group(1), data={"csrf_token": csrf}))
    assert (
        student.post(action.group(1), data={"csrf_token": csrf}).headers["location"]
        == f"/a/{second}"
    )
    answer_all(student, app, second)
    third = student.post(action.group(1), data={"csrf_token": csrf})
    assert third.status_code == 409
    assert "You have used every attempt this activity allows." in third.text


def test_a_closed_activity_tells_a_new_student_and_keeps_earlier_work_readable(
    app: FastAPI, platform: FakePlatform
) -> None:
    assignment_id = set_up_link(app, platform)
    sam = _finish(app, platform, STUDENT)
    with app.state.sessions() as session:
        from quiz_app.models import Assignment

        session.execute(
            update(Assignment).where(Assignment.id == assignment_id).values(closed=True)
        )
        session.commit()
    refused = launch(browser(app), platform, OTHER_STUDENT)
    assert refused.status_code == 403
    assert "Your teacher has closed this activity" in refused.text
    assert launch(browser(app), platform, STUDENT).headers["location"] == f"/a/{sam}"


def test_lms_dashboard_poll_of_an_unchanged_class_is_204_until_a_grade_moves(
    app: FastAPI, platform: FakePlatform
) -> None:
    _class(app, platform)
    teacher, url = _dashboard(app, platform)
    page = teacher.get(url).text
    version = re.search(r"hx-vals='\{&#34;v&#34;: &#34;([^&]+)&#34;\}'|\"v\": \"([^\"]+)\"", page)
    assert version
    since = version.group(1) or version.group(2)
    same = teacher.get(url, params={"v": since}, headers={"HX-Request": "true"})
    assert same.status_code == 204 and same.headers["cache-control"] == "no-store"
    _finish(app, platform, FOURTH)  # Noor answers: the next poll brings the roster again
    again = teacher.get(url, params={"v": since}, headers={"HX-Request": "true"})
    assert again.status_code == 200 and '<div id="live"' in again.text
