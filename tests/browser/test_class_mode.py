"""In headless Chromium: a teacher runs an assignment in class with three students on their
own devices, through one claim with a second vote; one student refreshes in the middle. Every
device follows the presenter's buttons without reloading (server-sent events, or the poll),
the key appears only at the reveal, and axe finds nothing on the presenter or a device."""

import re
from collections.abc import Callable

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from quiz_app import auth
from tests.browser.conftest import LiveServer
from tests.support.class_room import CLAIMS
from tests.support.teacher_factories import create_assignment, get_assignment, teacher_client

pytestmark = pytest.mark.browser

NAMES = ("Ana", "Ben", "Cleo")


def axe_violations(page: Page) -> list[str]:
    return [v["id"] for v in Axe().run(page).response["violations"]]


def _join(page: Page, base: str, code: str, name: str) -> None:
    page.goto(f"{base}/j/{code}")
    page.get_by_label("Your name").fill(name)
    page.get_by_role("button", name="Start the quiz").click()
    expect(page.get_by_role("heading", name="You're in")).to_be_visible()


def _vote(page: Page, verdict: str, reason: str, button: str = "Check my answer") -> None:
    page.get_by_role("radio", name=re.compile(f"^{verdict}")).check()
    page.locator("#answer-form label.choice", has_text=reason).locator("input").check()
    page.get_by_role("button", name=button).click()


def test_class_runs_one_claim_with_a_second_vote_and_a_refresh_in_the_middle(
    live_server: LiveServer, open_page: Callable[..., Page]
) -> None:
    app = live_server.app
    assert app is not None
    base = live_server.url
    question = app.state.bank.questions[CLAIMS[0]]
    reason = app.state.bank.concepts[next(iter(question.right_reasons))].name
    wrong = "Research" if question.verdict != "research" else "Hypothesis"
    right = question.verdict.capitalize()
    teacher, csrf, _ = teacher_client(app)
    assignment_id = create_assignment(teacher, csrf, source="ids", ids=CLAIMS, shuffle=None)
    code = get_assignment(app, assignment_id).join_code

    presenter = open_page()
    streams: list[str] = []
    presenter.context.on("request", lambda r: streams.append(r.url) if "/events" in r.url else None)
    presenter.context.add_cookies(
        [{"name": auth.SESSION_COOKIE, "value": teacher.cookies[auth.SESSION_COOKIE], "url": base}]
    )
    presenter.goto(f"{base}/teacher/assignments/{assignment_id}")
    presenter.get_by_role("button", name="Run in class").click()
    expect(presenter.locator(".join-code")).to_have_text(f"{code[:3]}-{code[3:]}")
    students = [open_page() for _ in NAMES]
    for page in students:
        page.context.on("request", lambda r: streams.append(r.url) if "/events" in r.url else None)
    for page, name in zip(students, NAMES, strict=True):
        _join(page, base, code, name)
    expect(presenter.get_by_text("3 students joined")).to_be_visible()
    expect(presenter.locator("#live")).to_have_attribute("sse-connect", re.compile("/events$"))
    assert any("/teacher/" in url for url in streams)  # the presenter's event stream
    assert sum("/a/" in url for url in streams) >= len(NAMES)  # one per device
    assert axe_violations(presenter) == []
    assert axe_violations(students[0]) == []

    presenter.get_by_role("button", name="Show the first claim").click()
    for page in students:  # no reload: the device follows the presenter
        expect(page.get_by_role("button", name="Check my answer")).to_be_visible()
        _vote(page, wrong, reason)
        expect(page.get_by_text("Your answer is stored.")).to_be_visible()
    expect(presenter.get_by_text("3 of 3 answered")).to_be_visible()
    presenter.get_by_role("button", name="Show the spread").click()
    expect(presenter.get_by_text("Answers (3)")).to_be_visible()
    assert question.explanation not in presenter.content()

    presenter.get_by_role("button", name="Discuss and vote again").click()
    for page in students:
        expect(page.get_by_role("heading", name="Vote again, after the discussion")).to_be_visible()
    students[1].reload()  # Ben refreshes in the middle: he lands on the second vote
    expect(
        students[1].get_by_role("heading", name="Vote again, after the discussion")
    ).to_be_visible()
    for page in students:
        _vote(page, right, reason)
        expect(page.get_by_text("Your second vote is stored.")).to_be_visible()
        assert question.explanation not in page.content()
    expect(presenter.get_by_text("3 of 3 voted again")).to_be_visible()
    presenter.get_by_role("button", name="Show both votes").click()
    expect(presenter.get_by_text("3 of 3 who voted again changed their answer")).to_be_visible()
    assert axe_violations(presenter) == []

    presenter.get_by_role("button", name="Reveal the answer").click()
    expect(presenter.get_by_text(question.explanation)).to_be_visible()
    for page in students:
        expect(
            page.get_by_role("heading", name=re.compile("^Your first vote was not it"))
        ).to_be_visible()
        expect(page.get_by_text(question.explanation)).to_be_visible()
    assert axe_violations(students[2]) == []
