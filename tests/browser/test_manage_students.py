"""In headless Chromium, with the keyboard: a teacher opens one student's page, allows them
another attempt, gives them extra time (a time in the past is refused, said next to the field),
deletes an attempt after a confirmation, and reads each change in the assignment's log. axe
finds nothing on any of these pages."""

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer
from tests.support.teacher_browser import sign_up

pytestmark = pytest.mark.browser


def _axe_violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [v["id"] for v in results.response["violations"]]


def _local(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M")


def _make_assignment(page: Page, base: str) -> str:
    sign_up(page, base)
    page.get_by_role("link", name="New assignment").click()
    page.get_by_label("Title").fill("Year 9 evidence check")
    page.get_by_label("A question set").check()
    page.get_by_label("Set", exact=True).select_option("micro-not-safe")
    page.get_by_label("Number of questions per student").fill("3")
    page.get_by_label("Closes at").fill(_local(datetime.now(UTC) + timedelta(days=1)))
    page.get_by_role("button", name="Make the assignment").click()
    expect(page.get_by_role("heading", name="Year 9 evidence check")).to_be_visible()
    return page.locator(".join-code").inner_text()


def _join(page: Page, base: str, code: str, name: str) -> None:
    page.goto(f"{base}/join")
    page.get_by_label("Join code").fill(code)
    page.get_by_role("button", name="Join").click()
    page.get_by_label("Your name").fill(name)
    page.get_by_role("button", name="Start the quiz").click()


def test_teacher_manages_one_student_with_the_keyboard(
    live_server: LiveServer, open_page: Callable[..., Page]
) -> None:
    base = live_server.url
    teacher, ana = open_page(), open_page()
    code = _make_assignment(teacher, base)
    _join(ana, base, code, "Ana")
    expect(ana.get_by_text("Question 1 of 3")).to_be_visible()
    # Ana joins again on another computer (this browser would ask "Continue as Ana?").
    ana = open_page()
    _join(ana, base, code, "Ana")
    expect(ana.get_by_text(re.compile("already taken this assignment once"))).to_be_visible()

    teacher.reload()
    teacher.locator("#live").get_by_role("link", name="Ana").click()
    manage = teacher.get_by_role("region", name="Manage this student")
    expect(manage).to_contain_text("has started 1 of the 1 attempt they may start")
    assert _axe_violations(teacher) == []

    teacher.get_by_role("button", name="Allow one more attempt").focus()
    teacher.keyboard.press("Enter")
    expect(manage).to_contain_text("has started 1 of the 2 attempts they may start")
    _join(ana, base, code, "Ana")
    expect(ana.get_by_text("Question 1 of 3")).to_be_visible()

    field = teacher.get_by_label(re.compile("A later closing time for Ana"))
    field.fill(_local(datetime.now(UTC) - timedelta(days=1)))
    field.press("Enter")
    expect(teacher.get_by_role("alert")).to_contain_text("The new closing time is in the past")
    assert (
        teacher.get_by_label(re.compile("A later closing time")).get_attribute("aria-invalid")
        == "true"
    )
    assert _axe_violations(teacher) == []
    later = datetime.now(UTC) + timedelta(days=3)
    teacher.get_by_label(re.compile("A later closing time for Ana")).fill(_local(later))
    teacher.get_by_role("button", name="Give extra time").press("Enter")
    expect(manage).to_contain_text(f"{later:%a %d %b %Y, %H:%M} UTC (extra time)")

    teacher.get_by_role("link", name="Delete this attempt…").press("Enter")
    expect(teacher.get_by_role("heading", name="Delete Ana's attempt?")).to_be_visible()
    assert _axe_violations(teacher) == []
    teacher.get_by_role("button", name="Delete the attempt and its answers").press("Enter")
    log = teacher.get_by_role("region", name="Changes for single students")
    expect(log).to_contain_text("Attempt deleted: Ana.")
    expect(log).to_contain_text("Extra time: Ana.")
    expect(log).to_contain_text("Another attempt: Ana. May now start 2 attempts")
    assert _axe_violations(teacher) == []
