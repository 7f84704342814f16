"""In headless Chromium: a course page's frame that keeps no cookie but keeps the tab's storage
(as browsers that partition storage and block third-party cookies do) never hands the next
student at a shared computer the previous student's attempt: reloading asks "Continue as
<name>?", and "I'm someone else" starts afresh."""

from collections.abc import Callable

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, Route, expect

from tests.browser.conftest import LiveServer
from tests.support.course_site import CourseSite
from tests.support.resume_browser import (
    answer_shown_question,
    make_assignment,
    quiz_frame,
    token_and_position,
)

pytestmark = pytest.mark.browser


def _without_cookies(route: Route) -> None:
    """Pass the quiz's responses on with no Set-Cookie: the frame keeps no cookie."""
    response = route.fetch(max_redirects=0)
    headers = {k: v for k, v in response.headers.items() if k.lower() != "set-cookie"}
    route.fulfill(response=response, headers=headers)


def _join(quiz: Page, name: str) -> None:
    quiz.get_by_label("Your name").fill(name)
    quiz.get_by_role("button", name="Start the quiz").click()
    expect(quiz.get_by_text("Question 1 of 3")).to_be_visible()


def test_a_reload_in_a_shared_tab_asks_continue_as_and_someone_else_starts_fresh(
    live_server: LiveServer, open_page: Callable[..., Page]
) -> None:
    assert live_server.app is not None
    code = make_assignment(live_server.app, live_server.url)
    page = open_page()
    page.route(f"{live_server.url}/**", _without_cookies)
    with CourseSite() as site:
        frame = (
            f'<iframe data-claim-check src="{live_server.url}/embed/j/{code}" '
            'title="Claim Check quiz" width="640" height="900"></iframe>'
        )
        # On the quiz's own site, so Chromium keeps the frame's storage; the route drops its
        # cookies, as a browser that partitions storage but blocks third-party cookies does.
        page.goto(site.add("/week-5", frame, same_site=True))
        quiz = page.frame_locator("iframe[data-claim-check]")
        _join(quiz, "Ana Tab")
        ana, _ = token_and_position(quiz_frame(page).url)
        answer_shown_question(quiz)

        # Ana leaves; Ben reloads the course page in the same tab: he is asked, not sent in.
        page.reload()
        prompt = quiz.locator("#frame-continue")
        expect(prompt.get_by_role("heading")).to_have_text("Continue as Ana Tab?")
        assert "/a/" not in quiz_frame(page).url
        assert Axe().run(quiz_frame(page)).violations_count == 0
        prompt.get_by_role("button", name="I'm someone else").click()
        expect(prompt).to_be_hidden()
        expect(quiz.get_by_label("Your name")).to_be_focused()
        _join(quiz, "Ben Tab")
        ben, _ = token_and_position(quiz_frame(page).url)
        assert ben != ana

        # Ben's own reload offers Ben's attempt, and continuing lands on it.
        page.reload()
        expect(prompt.get_by_role("heading")).to_have_text("Continue as Ben Tab?")
        prompt.get_by_role("link", name="Continue as Ben Tab").click()
        expect(quiz.get_by_text("Question 1 of 3")).to_be_visible()
        assert token_and_position(quiz_frame(page).url)[0] == ben
