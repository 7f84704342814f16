"""In headless Chromium: when the network fails, people are told. An answer that cannot reach
the server says "Not saved" (announced), keeps the student's choices and hides "Your answers
are saved"; pressing the button again stores exactly one answer, even when the first post
reached the server and only its reply was lost. A slow answer shows that it is working. The
teacher's dashboard says "Reconnecting…" while its polls fail, and the question form says it
could not check. "Next question" says when it did not load."""

import re
from collections.abc import Callable

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, Route, expect

from quiz_app.models import Answer
from tests.browser.conftest import LiveServer
from tests.support.network import sign_in, wait_for_htmx
from tests.support.teacher_factories import assignment_of, row_count

pytestmark = pytest.mark.browser

PICKED = ["legal-03", "definition-01", "risks-02"]
POLL_MS = 10_000  # the dashboard polls every 3 s: two polls and some slack
ANSWER_POST = re.compile(r"/a/[\w-]+/q/[0-9]+$")
NOT_SAVED = "Not saved: check your connection and press the button again."
SAVED_HINT = "Your answers are saved"
# htmx writes every failed request to the console; here they are the point of the test, and
# so are the browser's own "Failed to load resource" lines.
EXPECTED_CONSOLE = re.compile(
    r"^(htmx:(afterRequest|sendError|responseError), |Failed to load resource)"
)


@pytest.fixture
def expected_console() -> re.Pattern[str]:
    return EXPECTED_CONSOLE


def _violations(page: Page) -> list[str]:
    return [v["id"] for v in Axe().run(page).response["violations"]]


def _on_first_question(page: Page, server: LiveServer, name: str = "Ana") -> None:
    """Join the assignment as a student, stop on question 1 with a verdict and reason picked."""
    assert server.app is not None
    code, _, _ = assignment_of(server.app, PICKED)
    page.goto(f"{server.url}/j/{code}")
    page.get_by_label("Your name").fill(name)
    page.get_by_role("button", name="Start the quiz").click()
    expect(page.get_by_text("Question 1 of 3")).to_be_visible()
    wait_for_htmx(page)
    page.get_by_role("radio", name=re.compile("^Research")).check()
    page.locator("#answer-form input[name=reason]").first.check()


def test_answer_post_fails_says_not_saved_keeps_choices_and_retry_stores_one_answer(
    live_server: LiveServer, open_page: Callable[..., Page]
) -> None:
    app = live_server.app
    assert app is not None
    page = open_page()
    _on_first_question(page, live_server)
    # Each post meets the next network in turn: none at all; one that delivers the answer but
    # loses the reply; a working one.
    networks = ["down", "reply lost", "up"]

    def network(route: Route) -> None:
        if route.request.method != "POST":
            route.continue_()
        elif (state := networks.pop(0)) == "down":
            route.abort("internetdisconnected")
        elif state == "reply lost":
            route.fetch()
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route(ANSWER_POST, network)
    feedback = page.locator("#feedback")
    button = page.get_by_role("button", name="Check my answer")
    research = page.get_by_role("radio", name=re.compile("^Research"))

    button.click()
    expect(feedback).to_have_text(NOT_SAVED)
    assert feedback.get_attribute("aria-live") == "polite"
    expect(feedback).not_to_have_attribute("aria-busy", "true")
    expect(research).to_be_checked()
    expect(page.locator("#answer-form input[name=reason]").first).to_be_checked()
    expect(page.get_by_text(SAVED_HINT)).to_be_hidden()
    expect(button).to_be_enabled()
    expect(button).to_be_focused()  # one key away from trying again
    assert row_count(app, Answer) == 0
    assert _violations(page) == []

    page.keyboard.press("Enter")
    expect(feedback).to_have_text(NOT_SAVED)
    expect(research).to_be_checked()
    assert row_count(app, Answer) == 1  # it arrived; only the reply was lost

    page.keyboard.press("Enter")
    expect(page.locator("#feedback-heading")).to_be_visible()
    expect(feedback).not_to_contain_text("Not saved")
    expect(page.get_by_text(SAVED_HINT)).to_be_visible()
    assert row_count(app, Answer) == 1
    assert networks == []

    # Offline, "Next question" says it did not load; online again, it does.
    page.context.set_offline(True)
    page.get_by_role("link", name="Next question").click()
    expect(page.locator("#next-status")).to_have_text(
        "Not loaded: check your connection and press Next question again."
    )
    expect(page.get_by_text(SAVED_HINT)).to_be_visible()  # the answer itself is saved
    page.context.set_offline(False)
    page.get_by_role("link", name="Next question").click()
    expect(page.get_by_text("Question 2 of 3")).to_be_visible()


def test_slow_answer_shows_it_is_saving_with_a_busy_region_and_a_disabled_button(
    live_server: LiveServer, open_page: Callable[..., Page]
) -> None:
    page = open_page(color_scheme="dark")
    _on_first_question(page, live_server)
    held: list[Route] = []
    page.route(
        ANSWER_POST,
        lambda route: held.append(route) if route.request.method == "POST" else route.continue_(),
    )
    feedback = page.locator("#feedback")
    button = page.get_by_role("button", name="Check my answer")
    enabled_look = button.evaluate("b => getComputedStyle(b).backgroundColor")

    button.click()
    # The request is held (a slow network) until the test lets it through.
    expect(feedback).to_have_text("Saving your answer…")
    expect(feedback).to_have_attribute("aria-busy", "true")
    expect(button).to_be_disabled()
    assert button.evaluate("b => getComputedStyle(b).backgroundColor") != enabled_look
    assert _violations(page) == []
    assert len(held) == 1

    held[0].continue_()
    expect(page.locator("#feedback-heading")).to_be_visible()
    expect(feedback).not_to_have_attribute("aria-busy", "true")
    expect(feedback).not_to_contain_text("Saving your answer")


def test_teacher_offline_dashboard_says_reconnecting_and_question_form_says_not_checked(
    live_server: LiveServer, open_page: Callable[..., Page]
) -> None:
    app = live_server.app
    assert app is not None
    _, assignment_id, teacher = assignment_of(app, PICKED)
    page = open_page()
    sign_in(page.context, app, live_server.url, teacher)
    page.goto(f"{live_server.url}/teacher/assignments/{assignment_id}")
    wait_for_htmx(page)
    connection = page.locator("#live-connection")
    expect(connection).to_be_empty()

    page.context.set_offline(True)
    expect(connection).to_have_text("Reconnecting…", timeout=POLL_MS)
    assert connection.get_attribute("role") == "status"
    page.context.set_offline(False)
    expect(connection).to_be_empty(timeout=POLL_MS)

    page.goto(f"{live_server.url}/teacher/questions/new")
    wait_for_htmx(page)
    problems = page.locator("#problems")
    page.context.set_offline(True)
    page.get_by_label(re.compile("^Claim")).fill("My cousin says 5 mg is legal.")
    expect(problems).to_contain_text("Not checked: no connection.")
    assert problems.get_attribute("aria-live") == "polite"
    page.context.set_offline(False)
    page.get_by_label(re.compile("^Claim")).fill("My cousin says 5 mg is legal, honestly.")
    expect(problems).to_contain_text("to fix before saving")
    expect(problems).not_to_contain_text("Not checked")
