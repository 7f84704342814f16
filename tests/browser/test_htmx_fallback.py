"""In headless Chromium with the default settings (htmx from the CDN): on a network that
refuses the CDN, the bundled copy takes over and every htmx part works (an answer swaps in
place, the dashboard updates, the question form checks as the teacher types); when the CDN
answers with the file it is pinned to, its integrity check passes and no local copy is
fetched."""

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from quiz_app.config import HTMX_CDN_URL, HTMX_VERSION, Settings
from quiz_app.paths import bundled
from tests.browser.conftest import LiveServer
from tests.support.network import every_request, only_the_app, sign_in, wait_for_htmx
from tests.support.teacher_factories import assignment_of

pytestmark = pytest.mark.browser

PICKED = ["legal-03", "definition-01", "risks-02"]
POLL_MS = 10_000  # the dashboard polls every 3 s: two polls and some slack
LOCAL_HTMX = f"/static/htmx-{HTMX_VERSION}.min.js"
MARK = "window.claimCheckMark"  # set on the page: a full page load would drop it


@pytest.fixture
def cdn_server(tmp_path: Path) -> Iterator[LiveServer]:
    """The app with the default htmx_source, "cdn"."""
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'quiz.db'}", data_dir=tmp_path)
    assert settings.htmx_source == "cdn"
    server = LiveServer(settings)
    server.start()
    yield server
    server.stop()


def _answer_first_question(page: Page) -> None:
    """Answer the question on the page and check the feedback swapped in without a reload."""
    wait_for_htmx(page)
    page.evaluate(f"{MARK} = 'still here'")
    page.get_by_role("radio", name=re.compile("^Research")).check()
    page.locator("#answer-form input[name=reason]").first.check()
    page.get_by_role("button", name="Check my answer").click()
    expect(page.locator("#feedback-heading")).to_be_visible()
    assert page.evaluate(MARK) == "still here"


def test_cdn_refused_local_htmx_swaps_answers_updates_dashboard_and_checks_questions(
    cdn_server: LiveServer, open_page: Callable[..., Page]
) -> None:
    app = cdn_server.app
    assert app is not None
    code, assignment_id, teacher = assignment_of(app, PICKED)

    dashboard = open_page()
    refused = only_the_app(dashboard.context, cdn_server.url)
    sign_in(dashboard.context, app, cdn_server.url, teacher)
    dashboard.goto(f"{cdn_server.url}/teacher/assignments/{assignment_id}")
    wait_for_htmx(dashboard)
    expect(dashboard.locator("#live-summary")).to_have_text("Nobody has joined yet.")
    assert HTMX_CDN_URL in refused

    student = open_page()
    only_the_app(student.context, cdn_server.url)
    fetched: list[str] = []
    student.on("request", lambda r: fetched.append(r.url))
    student.goto(f"{cdn_server.url}/j/{code}")
    student.get_by_label("Your name").fill("Ana")
    student.get_by_role("button", name="Start the quiz").click()
    _answer_first_question(student)
    assert f"{cdn_server.url}{LOCAL_HTMX}" in fetched
    # htmx started in full (its history too): the next question swaps in, Back restores.
    student.get_by_role("link", name="Next question").click()
    expect(student.get_by_text("Question 2 of 3")).to_be_visible()
    assert student.evaluate(MARK) == "still here"
    student.go_back()
    expect(student.get_by_text("Question 1 of 3")).to_be_visible()
    expect(student.locator("#feedback-heading")).to_be_visible()
    # The poll brings the answer in while the teacher watches.
    expect(dashboard.locator("#live-summary")).to_have_text(
        "1 started, 0 finished, 1 answer.", timeout=POLL_MS
    )

    dashboard.goto(f"{cdn_server.url}/teacher/questions/new")
    wait_for_htmx(dashboard)
    dashboard.get_by_label(re.compile("^Claim")).fill("My cousin says 5 mg is legal.")
    expect(dashboard.locator("#err-claim")).to_contain_text("dose amounts and units")
    expect(dashboard.locator("#problems")).to_contain_text("to fix before saving")


def test_cdn_serving_the_pinned_file_passes_integrity_and_skips_the_local_copy(
    cdn_server: LiveServer, open_page: Callable[..., Page]
) -> None:
    body = (bundled("static") / f"htmx-{HTMX_VERSION}.min.js").read_bytes()
    page = open_page()
    refused = only_the_app(page.context, cdn_server.url)
    # Registered last, so it answers first: the CDN's address gets the vendored file.
    page.context.route(
        HTMX_CDN_URL,
        lambda route: route.fulfill(
            status=200,
            body=body,
            headers={
                "content-type": "application/javascript; charset=utf-8",
                "access-control-allow-origin": "*",
            },
        ),
    )
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url))
    page.goto(cdn_server.url + "/")
    page.locator(".set-list > li").first.get_by_role("button", name="Start").click()
    _answer_first_question(page)
    assert HTMX_CDN_URL in fetched
    assert refused == []
    assert not any(url.endswith(LOCAL_HTMX) for url in fetched)


def _first_party(seen: list[str], app_url: str) -> list[str]:
    """Return the requests of `seen` to anywhere but the app."""
    return [url for url in seen if not url.startswith(app_url + "/")]


def test_local_mode_pages_and_swaps_request_nothing_from_another_origin(
    live_server: LiveServer, open_page: Callable[..., Page]
) -> None:
    assert live_server.settings.htmx_source == "local"
    base = live_server.url
    app = live_server.app
    assert app is not None
    code, assignment_id, teacher = assignment_of(app, PICKED)

    student = open_page()
    seen = every_request(student.context)
    for path in ("/", "/sources", "/join", "/embed/sets/micro-not-safe", f"/embed/j/{code}"):
        student.goto(base + path)
    student.goto(f"{base}/j/{code}")
    student.get_by_label("Your name").fill("Ana")
    student.get_by_role("button", name="Start the quiz").click()
    for number in range(1, 4):
        expect(student.get_by_text(f"Question {number} of 3")).to_be_visible()
        wait_for_htmx(student)
        student.get_by_role("radio", name=re.compile("^Research")).check()
        student.locator("#answer-form input[name=reason]").first.check()
        student.get_by_role("button", name="Check my answer").click()
        expect(student.locator("#feedback-heading")).to_be_visible()
        student.locator("#feedback").get_by_role("link").first.click()
    expect(student.get_by_role("heading", name=re.compile("results", re.I)).first).to_be_visible()

    pages = open_page()
    seen_by_teacher = every_request(pages.context)
    sign_in(pages.context, app, base, teacher)
    for path in (
        "/teacher",
        "/teacher/assignments/new",
        "/teacher/bank",
        "/teacher/questions",
        f"/teacher/assignments/{assignment_id}",
    ):
        pages.goto(base + path)
    pages.get_by_role("link", name="Ana").first.click()
    expect(pages.get_by_role("heading", name="Ana's answers")).to_be_visible()
    pages.goto(f"{base}/teacher/questions/new")
    wait_for_htmx(pages)
    pages.get_by_label(re.compile("^Claim")).fill("My cousin says 5 mg is legal.")
    expect(pages.locator("#err-claim")).to_contain_text("dose amounts and units")

    assert len(seen) > 20 and len(seen_by_teacher) > 10
    assert _first_party(seen + seen_by_teacher, base) == []
