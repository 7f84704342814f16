"""Claim Check launched from an LMS course page (the fake LMS of tests/support/lti_platform.py) in
headless Chromium that blocks third-party cookies: the teacher adds a set by Deep Linking, a
student takes it inside the LMS frame under their LMS name, the grade reaches the LMS by
itself, and the teacher sees it sent on the framed dashboard."""

import time
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Frame, Page, expect
from sqlalchemy import select

from quiz_app.config import Settings
from quiz_app.lti import platforms
from quiz_app.models import Assignment
from tests.support.course_site import OpenCoursePage
from tests.support.live_server import LiveServer
from tests.support.lti_platform import STUDENT, TEACHER, FakePlatform
from tests.support.student_pages import QUESTION_URL, question_at, smallest_set, submit_answer

pytestmark = pytest.mark.browser

FRAME = "#tool"
GRADE_WAIT = 10.0  # seconds: the app's background sender runs every 0.2 s here


@pytest.fixture
def lti_server(tmp_path: Path) -> Iterator[LiveServer]:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'quiz.db'}",
        htmx_source="local",
        data_dir=tmp_path,
        lti_grade_poll_seconds=0.2,
    )
    server = LiveServer(settings)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def lms(lti_server: LiveServer) -> Iterator[FakePlatform]:
    """The LMS, registered with the app. Its course pages are reached at localhost, another
    site than the app's 127.0.0.1, as a school's LMS is another site than Claim Check."""
    platform = FakePlatform(
        tool_jwks=lambda: httpx2.get(lti_server.url + "/lti/jwks.json").json(),
        tool=lti_server.url,
    )
    platform.start()
    assert lti_server.app is not None
    with lti_server.app.state.sessions() as session:
        platforms.register(session, platform.registration())
    yield platform
    platform.stop()


def course_page(lms: FakePlatform, user: str, *, message: str = "resource", link: str = "") -> str:
    return f"http://localhost:{lms.port}/course?user={user}&message={message}&link={link}"


def tool_frame(page: Page) -> Frame:
    frame = page.locator(FRAME).element_handle().content_frame()
    assert frame is not None
    return frame


def expect_no_axe_violations(frame: Frame) -> None:
    results = Axe().run(frame)
    assert results.violations_count == 0, results.generate_report()


def test_deep_link_a_set_take_it_in_the_lms_frame_and_the_grade_reaches_the_lms(
    lti_server: LiveServer,
    lms: FakePlatform,
    open_course_page: OpenCoursePage,
) -> None:
    title, total = smallest_set(lti_server)

    # The teacher adds content: our picker opens inside the LMS's frame.
    teacher = open_course_page()
    teacher.goto(course_page(lms, TEACHER.sub, message="deep_link"))
    tool = teacher.frame_locator(FRAME)
    expect(tool.get_by_role("heading", level=1)).to_have_text("Add Claim Check to Year 9 Biology")
    expect_no_axe_violations(tool_frame(teacher))
    card = tool.locator(".set-list > li").filter(
        has=tool.get_by_role("heading", name=title, exact=True)
    )
    card.get_by_role("button", name="Add this set").click()
    # The signed choice goes back to the LMS by itself, which places the link.
    expect(tool.get_by_role("heading", name="Content added to the course")).to_be_visible()
    assert list(lms.placed) == ["placed-1"]
    (origin,) = lms.deep_link_origins  # our origin, not "null": an LMS may check it
    assert origin is not None and origin != "null" and lti_server.url.startswith(origin)

    # A student opens it: no name to type, straight into the first question, in the frame.
    student = open_course_page()
    student.goto(course_page(lms, STUDENT.sub, link="placed-1"))
    quiz = student.frame_locator(FRAME)
    frame = tool_frame(student)
    frame.wait_for_url(QUESTION_URL)
    frame.wait_for_load_state()
    assert frame.evaluate("() => document.cookie") == ""  # the frame keeps no cookie of ours
    for position in range(1, total + 1):
        match = QUESTION_URL.search(frame.url)
        assert match
        question = lti_server.bank.questions[question_at(lti_server, match[1], int(match[2]))]
        expect(quiz.locator("#progress")).to_contain_text(f"Question {position} of {total}")
        submit_answer(quiz, question, question.verdict)
        expect(quiz.locator("#feedback-heading")).to_be_focused()
        if position < total:
            next_link = quiz.locator("#feedback").get_by_role("link", name="Next question")
            next_path = str(next_link.get_attribute("href"))
            next_link.click()
            frame.wait_for_url(lti_server.url + next_path)
    # The grade goes to the LMS without anyone pressing anything.
    deadline = time.monotonic() + GRADE_WAIT
    while not lms.scores and time.monotonic() < deadline:
        time.sleep(0.1)
    (score,) = lms.received()
    assert score["userId"] == STUDENT.sub
    assert (score["scoreGiven"], score["scoreMaximum"]) == (total, total)

    # The teacher opens the placed link: the dashboard, in the frame, shows the grade sent.
    teacher.goto(course_page(lms, TEACHER.sub, link="placed-1"))
    tool = teacher.frame_locator(FRAME)
    expect(tool.get_by_role("heading", level=1)).to_have_text(title)
    row = tool.get_by_role("row", name="Sam Rivera")
    expect(row).to_contain_text(f"{total}/{total}")
    expect(row).to_contain_text("Sent")
    expect_no_axe_violations(tool_frame(teacher))

    # The teacher opens the student: every answer, in the frame.
    row.get_by_role("link", name="Sam Rivera").click()
    expect(tool.get_by_role("heading", level=1)).to_contain_text("Sam Rivera")
    expect_no_axe_violations(tool_frame(teacher))
    _student_may_start_again(lti_server, lms, student)
    _teacher_opens_an_unplaced_link(lms, teacher)
    _teacher_runs_it_in_class(lms, teacher)


def _student_may_start_again(server: LiveServer, lms: FakePlatform, student: Page) -> None:
    """With a second attempt allowed, the student's next launch offers it."""
    assert server.app is not None
    with server.app.state.sessions() as session:
        (assignment,) = session.scalars(select(Assignment))
        assignment.attempts_allowed = 2
        session.commit()
    student.goto(course_page(lms, STUDENT.sub, link="placed-1"))
    quiz = student.frame_locator(FRAME)
    expect(quiz.get_by_role("button", name="Start attempt 2")).to_be_visible()
    expect_no_axe_violations(tool_frame(student))


def _teacher_runs_it_in_class(lms: FakePlatform, teacher: Page) -> None:
    """From the LMS dashboard, Run in class opens the presenter in the frame: its lobby."""
    teacher.goto(course_page(lms, TEACHER.sub, link="placed-1"))
    tool = teacher.frame_locator(FRAME)
    tool.get_by_role("button", name="Run in class").click()
    expect(tool.get_by_role("heading", level=1)).to_contain_text("Join")
    expect(tool.locator(".join-code")).to_be_visible()
    expect_no_axe_violations(tool_frame(teacher))


def _teacher_opens_an_unplaced_link(lms: FakePlatform, teacher: Page) -> None:
    """A link made by hand in the LMS, with no set yet: the teacher picks one for it."""
    teacher.goto(course_page(lms, TEACHER.sub, link="by-hand-1"))
    tool = teacher.frame_locator(FRAME)
    expect(tool.get_by_role("button", name="Use this set").first).to_be_visible()
    expect_no_axe_violations(tool_frame(teacher))
