"""In headless Chromium on a phone-sized screen: the teacher's dashboard takes in students'
answers while it is open, the keyboard focus stays on the student link the teacher tabbed to
across the polls that bring them, nothing scrolls sideways at 390 px, and axe finds nothing in
light and dark. One student's page, opened from it, shows their profile and every answer."""

import re
from collections.abc import Callable

import pytest
from axe_playwright_python.sync_playwright import Axe
from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect

from quiz_app import auth
from quiz_app.models import Attempt
from tests.browser.conftest import LiveServer
from tests.support.dashboard_class import before_after_class
from tests.support.factories import answer
from tests.support.teacher_factories import (
    create_assignment,
    get_assignment,
    join_token,
    teacher_client,
)

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
PICKED = ["legal-03", "definition-01", "risks-02"]
POLL_MS = 10_000  # the dashboard polls every 3 s: two polls and some slack


def _violations(page: Page) -> list[str]:
    return [v["id"] for v in Axe().run(page).response["violations"]]


def _sideways(page: Page) -> int:
    """Return how many CSS pixels the page scrolls sideways (0: it fits)."""
    return int(
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    )


def _focused_id(page: Page) -> str:
    return str(page.evaluate("document.activeElement ? document.activeElement.id : ''"))


def _tab_to(page: Page, element_id: str) -> None:
    """Press Tab from the top of the page until the element has the focus."""
    page.locator("body").focus()
    for _ in range(80):
        page.keyboard.press("Tab")
        if _focused_id(page) == element_id:
            return
    raise AssertionError(f"Tab never reached #{element_id}")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_dashboard_updates_live_and_keeps_the_focus_on_a_phone(
    live_server: LiveServer, open_page: Callable[..., Page], scheme: str
) -> None:
    app = live_server.app
    assert app is not None
    teacher, csrf, _ = teacher_client(app)
    assignment_id = create_assignment(teacher, csrf, source="ids", ids=PICKED, shuffle=None)
    code = get_assignment(app, assignment_id).join_code
    students = {}
    for name in ("Ana", "Ben"):
        client = TestClient(app, follow_redirects=False)
        students[name] = (client, join_token(client, code, name))
        answer(client, students[name][1], PICKED[0], "research")
    with app.state.sessions() as session:
        ben = session.query(Attempt).filter_by(student_name="Ben").one().id

    page = open_page(viewport=PHONE, color_scheme=scheme)
    page.context.add_cookies(
        [
            {
                "name": auth.SESSION_COOKIE,
                "value": teacher.cookies[auth.SESSION_COOKIE],
                "url": live_server.url,
            }
        ]
    )
    polls: list[int] = []
    page.on("response", lambda r: polls.append(r.status) if "?v=" in r.url else None)
    page.goto(f"{live_server.url}/teacher/assignments/{assignment_id}")
    live = page.locator("#live")
    expect(page.locator("#live-summary")).to_have_text("2 started, 0 finished, 2 answers.")
    assert _sideways(page) == 0
    assert _violations(page) == []

    _tab_to(page, f"student-{ben}")
    # While nobody answers, a poll is answered 204 and the page is left alone.
    page.wait_for_event("response", lambda r: "?v=" in r.url, timeout=POLL_MS)
    assert polls and polls[-1] == 204
    # A new student answers: the next poll brings her in, and the focus stays on Ben's link.
    cleo = TestClient(app, follow_redirects=False)
    cleo_token = join_token(cleo, code, "Cleo")
    answer(cleo, cleo_token, PICKED[0], "hypothesis")
    expect(live.get_by_role("link", name="Cleo")).to_be_visible(timeout=POLL_MS)
    assert _focused_id(page) == f"student-{ben}"
    # Ben answers again: a second poll swaps the roster, and the focus is still his link.
    client, token = students["Ben"]
    answer(client, token, PICKED[1], "research")
    ben_row = live.locator("tr", has=page.locator(f"#student-{ben}"))
    expect(ben_row.locator("td").first).to_have_text("2/3", timeout=POLL_MS)
    assert _focused_id(page) == f"student-{ben}"
    expect(page.locator("#live-summary")).to_have_text("3 started, 0 finished, 4 answers.")
    # Enter follows the link the focus stayed on.
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Ben's answers")).to_be_visible()
    expect(page.get_by_role("heading", name="Every answer")).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Confidence:")).first).to_be_visible()
    assert _sideways(page) == 0
    assert _violations(page) == []


def test_wide_tables_scroll_in_their_own_labelled_region(
    live_server: LiveServer, open_page: Callable[..., Page]
) -> None:
    app = live_server.app
    assert app is not None
    teacher, csrf, _ = teacher_client(app)
    assignment_id = create_assignment(teacher, csrf, source="ids", ids=PICKED, shuffle=None)
    code = get_assignment(app, assignment_id).join_code
    client = TestClient(app, follow_redirects=False)
    answer(client, join_token(client, code, "Dara Okonkwo-Fitzgerald"), PICKED[0], "research")
    page = open_page(viewport=PHONE)
    page.context.add_cookies(
        [
            {
                "name": auth.SESSION_COOKIE,
                "value": teacher.cookies[auth.SESSION_COOKIE],
                "url": live_server.url,
            }
        ]
    )
    page.goto(f"{live_server.url}/teacher/assignments/{assignment_id}")
    roster = page.get_by_role("region", name=re.compile("progress, score"))
    assert roster.evaluate("e => e.scrollWidth > e.clientWidth"), "the roster is wider than 390 px"
    assert _sideways(page) == 0
    expect(page.get_by_text("Scroll the table sideways").first).to_be_visible()
    roster.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    # The arrow keys scroll the focused region (smoothly: wait for it).
    for _ in range(30):
        if roster.evaluate("e => e.scrollLeft") > 0:
            break
        page.wait_for_timeout(100)
    assert roster.evaluate("e => e.scrollLeft") > 0, "the arrow keys scroll the region"
    assert _sideways(page) == 0


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_number_of_a_before_after_class_fits_a_phone_and_its_meanings_stay_open(
    live_server: LiveServer, open_page: Callable[..., Page], scheme: str
) -> None:
    app = live_server.app
    assert app is not None
    teacher, assignment_id, picked = before_after_class(app, 20)
    page = open_page(viewport=PHONE, color_scheme=scheme)
    page.context.add_cookies(
        [
            {
                "name": auth.SESSION_COOKIE,
                "value": teacher.cookies[auth.SESSION_COOKIE],
                "url": live_server.url,
            }
        ]
    )
    page.goto(f"{live_server.url}/teacher/assignments/{assignment_id}")
    expect(page.get_by_role("heading", name="What to teach next")).to_be_visible()
    expect(page.locator("#teach-next li")).to_have_count(2)
    expect(page.locator("#kr20-A")).to_contain_text(re.compile(r"Form A: −?\d\.\d\d"))
    expect(page.locator("#class-change")).to_contain_text("On average the class changed")
    assert _sideways(page) == 0
    # The teacher opens what the question numbers mean: it stays open, with the focus, when a
    # new answer swaps the results in.
    _tab_to(page, "questions-meanings-summary")
    page.keyboard.press("Enter")
    meanings = page.locator("#questions-meanings")
    expect(meanings).to_have_attribute("open", "")
    expect(meanings.get_by_text("point-biserial", exact=False)).to_be_visible()
    assert _violations(page) == []
    late = TestClient(app, follow_redirects=False)
    code = get_assignment(app, assignment_id).join_code
    answer(late, join_token(late, code, "Late"), picked[0].id, picked[0].verdict)
    expect(page.locator("#live-summary")).to_have_text(
        "21 started, 20 finished, 121 answers.", timeout=POLL_MS
    )
    expect(meanings).to_have_attribute("open", "")
    assert _focused_id(page) == "questions-meanings-summary"
    assert _sideways(page) == 0
