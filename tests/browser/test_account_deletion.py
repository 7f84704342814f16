"""In headless Chromium, with the keyboard: a teacher with a class reads when its data will be
deleted, opens their account, sees what deleting it takes, is refused with a wrong password
(said next to the field), deletes it with the right one and is logged out; the student's quiz
link then leads nowhere. axe finds nothing on these pages, light or dark."""

from collections.abc import Callable

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer
from tests.support.teacher_browser import PASSWORD, sign_up

pytestmark = pytest.mark.browser


def _axe_violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [v["id"] for v in results.response["violations"]]


def _teacher_with_a_class(page: Page, base: str) -> str:
    """Sign up, make an assignment, and return its join code."""
    sign_up(page, base, "ada@school.org", PASSWORD)
    page.get_by_role("link", name="New assignment").click()
    page.get_by_label("Title").fill("Year 9 evidence check")
    page.get_by_label("A question set").check()
    page.get_by_label("Set", exact=True).select_option("micro-not-safe")
    page.get_by_role("button", name="Make the assignment").click()
    expect(page.get_by_role("heading", name="Year 9 evidence check")).to_be_visible()
    return page.locator(".join-code").inner_text()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_teacher_deletes_their_account_with_the_keyboard(
    live_server: LiveServer, open_page: Callable[..., Page], scheme: str
) -> None:
    base = live_server.url
    teacher, student = open_page(color_scheme=scheme), open_page()
    code = _teacher_with_a_class(teacher, base)
    student.goto(f"{base}/j/{code.replace('-', '')}")
    student.get_by_label("Your name").fill("Ana")
    student.get_by_role("button", name="Start the quiz").click()
    quiz_link = student.url
    teacher.reload()
    expect(teacher.locator("#data-deletion")).to_contain_text(
        "student data (attempts, answers and the log) will be deleted on"
    )

    teacher.get_by_role("link", name="Account").focus()
    teacher.keyboard.press("Enter")
    expect(teacher.get_by_role("heading", name="Your account", exact=True)).to_be_visible()
    assert _axe_violations(teacher) == []
    teacher.get_by_role("link", name="Delete my account…").focus()
    teacher.keyboard.press("Enter")
    expect(teacher.get_by_role("heading", name="Delete your account?", exact=True)).to_be_visible()
    expect(teacher.get_by_text("1 assignment, with 1 student attempt")).to_be_visible()
    assert _axe_violations(teacher) == []

    field = teacher.get_by_label("Type your password to confirm")
    field.fill("not my password")
    field.press("Enter")
    expect(teacher.get_by_role("alert")).to_have_text(
        "That is not your password. Type the password you log in with to confirm."
    )
    expect(field).to_have_attribute("aria-invalid", "true")
    assert _axe_violations(teacher) == []

    field.fill(PASSWORD)
    teacher.get_by_role("button", name="Delete my account and everything in it").focus()
    teacher.keyboard.press("Enter")
    expect(teacher.get_by_role("heading", name="Your account is deleted")).to_be_visible()
    assert _axe_violations(teacher) == []
    teacher.goto(f"{base}/teacher")
    expect(teacher.get_by_role("heading", name="Teacher login")).to_be_visible()
    assert student.goto(quiz_link).status == 404  # type: ignore[union-attr]
