"""In headless Chromium: back into your own attempt at an assignment, and nobody else's. On a
shared browser, student A carries on as A, then B presses "I'm someone else" and starts fresh;
inside a course page's cross-site frame with storage blocked, a reload shows the join page and
the student's name with the resume code from their question page brings them back to their
current question with their answers kept; a teacher lets a student back in. axe finds nothing
on the new pages, light or dark."""

from collections.abc import Callable

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from quiz_app import store
from tests.browser.conftest import LiveServer
from tests.support.course_site import CourseSite
from tests.support.resume_browser import (
    answer_shown_question,
    make_assignment,
    open_course_page,
    quiz_frame,
    token_and_position,
    what_frame_keeps,
)
from tests.support.resume_steps import attempt_of, resume_code_of
from tests.support.teacher_factories import PASSWORD

pytestmark = pytest.mark.browser

OpenPage = Callable[..., Page]


def _axe_violations(page: Page) -> str | None:
    results = Axe().run(page)
    return results.generate_report() if results.violations_count else None


def _axe_violations_in(page: Page) -> str | None:
    results = Axe().run(quiz_frame(page))
    return results.generate_report() if results.violations_count else None


def _answered(server: LiveServer, token: str) -> int:
    assert server.app is not None
    with server.app.state.sessions() as session:
        attempt = store.attempts.get_attempt(session, token=token)
        assert attempt is not None
        return store.attempts.answer_count(session, attempt=attempt)


def _start(page: Page, server: LiveServer, code: str, name: str) -> str:
    page.goto(f"{server.url}/j/{code}")
    page.get_by_label("Your name").fill(name)
    page.get_by_role("button", name="Start the quiz").click()
    expect(page.get_by_text("Question 1 of 3")).to_be_visible()
    return token_and_position(page.url)[0]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_shared_browser_asks_continue_as_name_and_someone_else_starts_fresh(
    live_server: LiveServer, open_page: OpenPage, scheme: str
) -> None:
    assert live_server.app is not None
    code = make_assignment(live_server.app, live_server.url)
    page = open_page(color_scheme=scheme)
    ana = _start(page, live_server, code, "Ana")
    answer_shown_question(page)
    expect(page.locator("#resume-code-hint")).to_contain_text(resume_code_of(live_server.app, ana))

    # The same browser comes back: it asks, and "Continue as Ana" carries on at question 2.
    page.goto(f"{live_server.url}/j/{code}")
    expect(page.get_by_role("heading", name="Continue as Ana?")).to_be_visible()
    expect(page.get_by_label("Your name")).to_have_count(0)
    assert _axe_violations(page) is None, _axe_violations(page)
    page.get_by_role("link", name="Continue as Ana").click()
    expect(page.get_by_text("Question 2 of 3")).to_be_visible()
    assert token_and_position(page.url) == (ana, 2)
    assert _axe_violations(page) is None, _axe_violations(page)

    # Ben sits down at the same computer: with the keyboard, "I'm someone else".
    page.goto(f"{live_server.url}/j/{code}")
    page.get_by_role("button", name="I'm someone else").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Continue as Ana?")).to_have_count(0)
    expect(page.get_by_text("Ana")).to_have_count(0)
    ben = _start(page, live_server, code, "Ben")
    assert ben != ana
    assert (_answered(live_server, ana), _answered(live_server, ben)) == (1, 0)
    page.goto(f"{live_server.url}/j/{code}")
    expect(page.get_by_role("heading", name="Continue as Ben?")).to_be_visible()


def test_reload_in_frame_with_storage_blocked_then_name_and_code_return_to_question(
    live_server: LiveServer, open_page: OpenPage
) -> None:
    assert live_server.app is not None
    code = make_assignment(live_server.app, live_server.url)
    with CourseSite() as site:
        _reload_frame_and_come_back(live_server, open_page(), site, code)


def _reload_frame_and_come_back(
    live_server: LiveServer, page: Page, site: CourseSite, code: str
) -> None:
    assert live_server.app is not None
    quiz = open_course_page(page, site, live_server.url, code)
    course = page.url
    quiz.get_by_label("Your name").fill("Sam Frame")
    quiz.get_by_role("button", name="Start the quiz").click()
    expect(quiz.get_by_text("Question 1 of 3")).to_be_visible()
    frame = quiz_frame(page)
    assert what_frame_keeps(frame) == {"cookie": False, "storage": False}
    token, _ = token_and_position(frame.url)
    answer_shown_question(quiz)
    shown = quiz.locator(".resume-code-value").inner_text()
    assert shown == resume_code_of(live_server.app, token)
    quiz.locator("#feedback").get_by_role("link", name="Next question").click()
    expect(quiz.get_by_text("Question 2 of 3 · 1 answered")).to_be_visible()

    # The course page reloads: nothing in the frame remembers the attempt.
    page.reload()
    expect(quiz.get_by_label("Your name")).to_be_visible()
    quiz.get_by_label("Your name").fill("Sam Frame")
    quiz.get_by_text("Started already and lost your quiz page?").click()
    quiz.get_by_label("Your resume code").fill("ZZZ-ZZZ" if shown != "ZZZ-ZZZ" else "YYY-YYY")
    quiz.get_by_role("button", name="Carry on with my code").click()
    expect(quiz.get_by_role("alert")).to_contain_text("That resume code does not match")
    assert _axe_violations_in(page) is None, _axe_violations_in(page)

    quiz.get_by_label("Your resume code").fill(shown.lower())
    quiz.get_by_role("button", name="Carry on with my code").click()
    expect(quiz.get_by_text("Question 2 of 3 · 1 answered")).to_be_visible()
    assert token_and_position(quiz_frame(page).url) == (token, 2)
    assert page.url == course
    assert _answered(live_server, token) == 1
    assert _axe_violations_in(page) is None, _axe_violations_in(page)
    quiz_frame(page).goto(f"{live_server.url}/a/{token}/q/1")
    expect(quiz.locator("#answer-form .tag", has_text="your answer")).to_have_count(1)
    assert len(attempt_of(live_server.app, token).question_ids) == 3


def test_teacher_lets_student_back_in_with_new_code_axe_clean(
    live_server: LiveServer, open_page: OpenPage
) -> None:
    assert live_server.app is not None
    code = make_assignment(live_server.app, live_server.url)
    student = open_page()
    token = _start(student, live_server, code, "Ana")
    old = resume_code_of(live_server.app, token)

    teacher = open_page()
    teacher.goto(f"{live_server.url}/teacher/login")
    teacher.get_by_label("Email").fill("ada@school.org")
    teacher.get_by_label("Password").fill(PASSWORD)
    teacher.get_by_role("button", name="Log in").click()
    attempt_id = attempt_of(live_server.app, token).id
    assignment_id = attempt_of(live_server.app, token).assignment_id
    teacher.goto(f"{live_server.url}/teacher/assignments/{assignment_id}/attempts/{attempt_id}")
    manage = teacher.get_by_role("region", name="Manage this student")
    expect(manage).to_contain_text(f"the resume code {old}")
    assert _axe_violations(teacher) is None, _axe_violations(teacher)
    teacher.get_by_role("button", name="Give a new resume code").click()
    new = resume_code_of(live_server.app, token)
    assert new != old
    expect(manage).to_contain_text(f"the resume code {new}")

    lost = open_page()
    lost.goto(f"{live_server.url}/j/{code}")
    lost.get_by_label("Your name").fill("Ana")
    lost.get_by_text("Started already and lost your quiz page?").click()
    lost.get_by_label("Your resume code").fill(new)
    lost.get_by_role("button", name="Carry on with my code").click()
    expect(lost.get_by_text("Question 1 of 3")).to_be_visible()
    assert token_and_position(lost.url) == (token, 1)
