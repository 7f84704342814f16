"""In headless Chromium: a teacher signs up and makes an assignment, two students join it with
the code on their own devices and answer, and the teacher's dashboard shows their progress and
results without a reload."""

import re
from collections.abc import Callable

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer
from tests.support.teacher_browser import create_account, log_in

pytestmark = pytest.mark.browser

DASHBOARD_MS = 10_000  # the dashboard polls every 3 s: two polls and some slack


@pytest.fixture
def server(live_server: LiveServer) -> LiveServer:
    return live_server


@pytest.fixture
def new_device(open_page: Callable[..., Page]) -> Callable[..., Page]:
    """Open a page in a new browser context: a device of its own."""
    return open_page


def _axe_violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [v["id"] for v in results.response["violations"]]


def _sign_up(page: Page, base: str) -> None:
    page.goto(f"{base}/teacher/signup")
    assert _axe_violations(page) == []
    create_account(page, base)
    assert _axe_violations(page) == []  # the login page that says the account is ready
    log_in(page)


def _student_answers(page: Page, base: str, code: str, name: str, answers: int) -> None:
    page.goto(f"{base}/join")
    assert _axe_violations(page) == []
    page.get_by_label("Join code").fill(f"{code[:3].lower()}-{code[3:].lower()}")
    page.get_by_role("button", name="Join").click()
    page.get_by_label("Your name").fill(name)
    page.get_by_role("button", name="Start the quiz").click()
    expect(page.get_by_text("Question 1 of 3")).to_be_visible()
    for number in range(1, answers + 1):
        page.get_by_role("radio", name=re.compile("^Research")).check()
        page.locator("#answer-form input[name=reason]").first.check()  # any of the reasons
        page.get_by_role("button", name="Check my answer").click()
        expect(page.locator("#feedback-heading")).to_be_visible()
        if number < 3:
            page.get_by_role("link", name="Next question").click()
            expect(page.get_by_text(f"Question {number + 1} of 3")).to_be_visible()


def test_teacher_watches_two_students_answer_without_reloading(
    server: LiveServer, new_device: Callable[[], Page]
) -> None:
    base = server.url
    teacher = new_device()
    _sign_up(teacher, base)

    teacher.get_by_role("link", name="New assignment").click()
    teacher.get_by_label("Title").fill("Year 9 evidence check")
    teacher.get_by_label("A question set").check()
    teacher.get_by_label("Set", exact=True).select_option("micro-not-safe")
    teacher.get_by_label("Number of questions per student").fill("3")
    teacher.get_by_role("button", name="Make the assignment").click()
    expect(teacher.get_by_role("heading", name="Year 9 evidence check")).to_be_visible()
    code = teacher.locator(".join-code").inner_text().replace("-", "")
    assert re.fullmatch(r"[A-Z2-9]{6}", code)
    expect(teacher.get_by_text("No student has joined yet")).to_be_visible()
    assert _axe_violations(teacher) == []
    # A marker that a reload would wipe: the dashboard must update in place.
    teacher.evaluate("window.stillTheSamePage = true")

    ana, ben = new_device(), new_device()
    _student_answers(ana, base, code, "Ana", answers=3)
    _student_answers(ben, base, code, "Ben", answers=1)
    expect(ana.get_by_role("link", name="See your results")).to_be_visible()
    assert _axe_violations(ben) == []

    roster = teacher.locator("#live table").first
    expect(roster.locator("tr", has_text="Ana")).to_contain_text("3/3", timeout=DASHBOARD_MS)
    expect(roster.locator("tr", has_text="Ben")).to_contain_text("1/3", timeout=DASHBOARD_MS)
    expect(roster.locator("tr", has_text="Ben")).to_contain_text("working")
    expect(teacher.get_by_text("2 started, 1 finished")).to_be_visible()
    expect(
        teacher.get_by_role("heading", name="What each kind of claim was taken for")
    ).to_be_visible()
    assert teacher.evaluate("window.stillTheSamePage") is True
    assert _axe_violations(teacher) == []

    teacher.locator("#live").get_by_role("link", name="Ben").click()
    expect(teacher.get_by_role("heading", name="Ben's answers")).to_be_visible()
    expect(teacher.get_by_text("Not answered.").first).to_be_visible()


def test_question_editor_shows_problems_as_the_teacher_types(
    server: LiveServer, new_device: Callable[[], Page]
) -> None:
    teacher = new_device()
    _sign_up(teacher, server.url)
    teacher.get_by_role("link", name="My questions").click()
    teacher.get_by_role("link", name="Write a question").click()
    teacher.get_by_label(re.compile("^Id")).fill("cousin-legal")
    teacher.get_by_label(re.compile("^Claim")).fill(
        "My cousin says 5 mg is legal because it is too small."
    )
    claim_errors = teacher.locator("#err-claim")
    expect(claim_errors).to_contain_text("dose amounts and units are not allowed")
    expect(teacher.locator("#problems")).to_contain_text("to fix before saving")
    assert _axe_violations(teacher) == []
    teacher.get_by_label(re.compile("^Claim")).fill(
        "My cousin says a tiny amount is legal because it is small."
    )
    expect(claim_errors).to_be_empty()
    teacher.get_by_label(re.compile("^Cue")).fill("a tiny amount is legal")
    teacher.get_by_label(re.compile("^Verdict")).select_option("unsupported")
    teacher.get_by_label(re.compile("^Explanation")).fill("The law does not change with dose size.")
    teacher.get_by_label("What evidence would make it stronger").fill("The law where you live.")
    teacher.get_by_label(re.compile("^Theme")).select_option("legal")
    teacher.get_by_label("Article section").select_option("Legal and Regulatory Status")
    concepts = teacher.get_by_role("group", name=re.compile("^What it teaches"))
    concepts.get_by_label(re.compile("legal", re.IGNORECASE)).first.check()
    reasons = teacher.get_by_role("group", name=re.compile("^Reasons offered"))
    for value in ("legal-not-dose", "small-not-safe", "authority"):
        reasons.locator(f'input[value="{value}"]').check()
    teacher.get_by_label("Best evidence that exists").select_option("anecdote")
    teacher.get_by_label("How sure we can be").select_option("very-low")
    teacher.locator('input[name="ladder_rated_down"][value="no-study"]').check()
    teacher.get_by_label("Check the evidence again by").fill("2027-09-01")
    expect(teacher.locator("#problems")).to_contain_text("No problems found")
    teacher.get_by_role("button", name="Save the question").click()
    expect(teacher.get_by_role("heading", name="My questions")).to_be_visible()
    expect(teacher.get_by_text("My cousin says a tiny amount is legal")).to_be_visible()


def test_teacher_who_mistypes_five_times_sees_when_to_try_again(
    server: LiveServer, new_device: Callable[..., Page]
) -> None:
    teacher = new_device()
    _sign_up(teacher, server.url)
    teacher.get_by_role("button", name="Log out").click()
    for _ in range(5):
        teacher.get_by_label("Email").fill("ada@school.org")
        teacher.get_by_label("Password").fill("a walk by the lake")
        teacher.get_by_role("button", name="Log in").click()
    alert = teacher.get_by_role("alert")
    expect(alert).to_contain_text("Too many failed logins for this email from your network.")
    expect(alert).to_contain_text(re.compile(r"Try again after \d\d:\d\d UTC \(in about \d+ "))
    assert _axe_violations(teacher) == []
    expect(teacher.get_by_label("Email")).to_have_value("ada@school.org")
