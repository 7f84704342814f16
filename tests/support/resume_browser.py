"""Browser steps for getting back into an attempt at an assignment: a teacher's assignment made
without a browser, a course page on another site that frames it, answering whatever question
is shown, and what a frame may keep (cookies, storage)."""

import re

import httpx2
from fastapi import FastAPI
from playwright.sync_api import Frame, FrameLocator, Page, expect

from quiz_app import auth, store
from tests.support.course_site import CourseSite
from tests.support.teacher_factories import assignment_form, get_assignment, make_teacher

QUESTION_PATH = re.compile(r"/a/([\w-]+)/q/([0-9]+)$")


def make_assignment(app: FastAPI, base_url: str, *, questions: int = 3) -> str:
    """Make an assignment of a bundled set as a new teacher; return its join code."""
    teacher = make_teacher(app)
    with app.state.sessions() as session:
        token, csrf = store.teachers.create_session(session, teacher=teacher, hours=1)
    with httpx2.Client(base_url=base_url, cookies={auth.SESSION_COOKIE: token}) as client:
        form = assignment_form(title="Week 5: evidence", question_count=str(questions))
        made = client.post("/teacher/assignments", data={**form, "csrf_token": csrf})
        assert made.status_code == 303, made.text
    return get_assignment(app, int(made.headers["location"].rsplit("/", 1)[-1])).join_code


def open_course_page(page: Page, site: CourseSite, base_url: str, code: str) -> FrameLocator:
    """Show a course page of `site` whose iframe holds the assignment; return the frame."""
    frame = (
        f'<iframe data-claim-check src="{base_url}/embed/j/{code}" title="Claim Check quiz" '
        'width="640" height="900"></iframe>'
    )
    page.goto(site.add("/week-5", frame))
    return page.frame_locator("iframe[data-claim-check]")


def quiz_frame(page: Page) -> Frame:
    frame = page.locator("iframe[data-claim-check]").element_handle().content_frame()
    assert frame is not None, "the quiz's iframe has no document"
    return frame


def what_frame_keeps(frame: Frame) -> dict[str, bool]:
    """Return whether the frame's document may keep a cookie and use its sessionStorage."""
    return dict(
        frame.evaluate(
            """() => {
            document.cookie = "probe=1; SameSite=None; Secure; Path=/";
            let storage = true;
            try { sessionStorage.setItem("probe", "1"); sessionStorage.removeItem("probe"); }
            catch (error) { storage = false; }
            return {cookie: document.cookie.includes("probe=1"), storage};
        }"""
        )
    )


def answer_shown_question(quiz: Page | FrameLocator) -> None:
    """Choose the first choice of every group of the shown question, press "Check my answer",
    and wait for the feedback."""
    form = quiz.locator("#answer-form")
    for group in form.locator("fieldset").all():
        group.get_by_role("radio").first.check()
    form.get_by_role("button", name="Check my answer").click()
    expect(quiz.locator("#feedback-heading")).to_be_focused()


def token_and_position(url: str) -> tuple[str, int]:
    match = QUESTION_PATH.search(url)
    assert match, f"not a question page: {url}"
    return match[1], int(match[2])
