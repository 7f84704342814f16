"""What a student reads on a phone, on the bundled bank: feedback short first with the way on
within one screen of its heading, results led by the score and one tendency with the rest
under a closed "Details", and no page that scrolls sideways at 320 or 390 px."""

import re
from collections.abc import Callable

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Locator, Page, expect

from tests.support import set_walk
from tests.support.live_server import LiveServer
from tests.support.student_pages import QUESTION_URL, question_at

pytestmark = pytest.mark.browser

OpenPage = Callable[..., Page]
PHONE = {"width": 390, "height": 844}  # CSS pixels
NARROWEST = 320  # the narrowest phone width a page must fit without sideways scrolling
# The short part of the feedback, in order; a classify answer with reasons adds .reason-line.
SHORT_FIRST = ["feedback-heading", "why-short", "deciding", "settle"]
# Then the reason (classify) or the choice, one or two lines (the best choice too when wrong).
AFTER_SHORT = ["reason-line", "next", "more"]


def top(locator: Locator) -> float:
    """Return an element's top edge in CSS pixels from the top of the document."""
    return float(locator.evaluate("e => e.getBoundingClientRect().top + window.scrollY"))


def bottom_on_screen(locator: Locator) -> float:
    """Return an element's bottom edge in CSS pixels from the top of the viewport."""
    return float(locator.evaluate("e => e.getBoundingClientRect().bottom"))


def scrolls_sideways(page: Page) -> bool:
    return bool(
        page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")
    )


def scan(page: Page) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def expect_short_feedback_first(page: Page, server: LiveServer) -> float:
    """Check the feedback's shape on the page; return how far below its heading Next starts.

    Heading, one sentence of why, the deciding words, what would settle it, the reason or
    choice in a line or two, then the way on, and everything else under a closed disclosure.
    """
    match = QUESTION_URL.search(page.url)
    assert match, f"not a question page: {page.url}"
    question = server.bank.questions[question_at(server, match[1], int(match[2]))]
    body = page.locator("#feedback > .feedback-body")
    shape = body.evaluate("b => [...b.children].map(c => c.id || c.classList[0] || c.tagName)")
    assert shape[:4] == SHORT_FIRST, shape
    assert shape[4:] in (AFTER_SHORT, AFTER_SHORT[1:], ["reason-line", *AFTER_SHORT]), shape
    why = " ".join(body.locator(".why-short").inner_text().split())
    explanation = " ".join(question.explanation.split())
    assert explanation.startswith(why) and (why == explanation or why[-1] in ".?!"), why
    expect(body.locator(".deciding")).to_have_text(f"The words that decide it: “{question.cue}”")
    expect(body.locator(".settle")).to_contain_text(question.needed_evidence)
    more = body.locator("details.more")
    expect(more).not_to_have_attribute("open", "")
    expect(more.locator("summary")).to_have_text("More about this claim")
    expect(more.locator("p").filter(has_text=question.explanation)).to_be_hidden()
    expect(page.locator("#claim mark.cue")).to_be_visible()
    heading = page.locator("#feedback-heading")
    expect(heading).to_be_visible()
    return top(set_walk.next_control(page)) - top(heading)


@pytest.mark.parametrize("classify", [True, False], ids=["classify", "options"])
def test_take_ten_questions_at_phone_width_reads_short_first_with_next_within_a_screen(
    live_server: LiveServer, open_page: OpenPage, classify: bool
) -> None:
    qset = set_walk.ten_question_sets(live_server, classify=classify)[0]
    page = open_page(viewport=PHONE)
    set_walk.start(page, live_server, qset)
    scan(page)
    distances = []
    for position in range(1, set_walk.SET_SIZE + 1):
        if position > 1:  # the next question swapped in: focus is on its heading
            expect(page.locator("#question-heading")).to_be_focused()
        right, right_reason = position % 3 == 0, position % 4 != 2
        set_walk.answer(page, live_server, right=right, right_reason=right_reason)
        expect(page.locator("#feedback-heading")).to_be_focused()
        distances.append(expect_short_feedback_first(page, live_server))
        assert not scrolls_sideways(page), f"question {position}'s feedback scrolls sideways"
        if position == 1:  # a wrong answer
            scan(page)
        set_walk.go_on(page)
    print(f"Next below the feedback heading, px: {distances}")  # the report's measure
    assert max(distances) <= PHONE["height"], distances

    # The first screen says the score, the one tendency, and what to practise.
    expect(page).to_have_url(re.compile(r"/a/[\w-]+/results$"))
    assert page.evaluate("window.scrollY") == 0
    for lead in (page.locator(".score"), page.locator(".tendency")):
        expect(lead).to_be_visible()
        assert bottom_on_screen(lead) <= PHONE["height"]
    expect(page.locator(".practice, .practise-line").first).to_be_visible()
    details = page.locator("details.details")
    expect(details).not_to_have_attribute("open", "")
    expect(page.locator("table").first).to_be_hidden()
    scan(page)

    # The details open from the keyboard, and nothing on the page scrolls sideways.
    details.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(details).to_have_attribute("open", "")
    expect(
        page.get_by_role("table", name="How you did on each section of the article")
    ).to_be_visible()
    scan(page)
    for width in (PHONE["width"], NARROWEST):
        page.set_viewport_size({"width": width, "height": PHONE["height"]})
        assert not scrolls_sideways(page), f"the results scroll sideways at {width} px"
        expect_wide_tables_scroll_by_keyboard(page)


def expect_wide_tables_scroll_by_keyboard(page: Page) -> None:
    """Check every table too wide for the page sits in a named, focusable scroll region with a
    visible edge cue, and scrolls with the arrow keys."""
    for table in page.locator("details.details table").all():
        wide = table.evaluate("t => t.scrollWidth > t.parentElement.clientWidth + 1")
        if not wide:
            continue
        region = table.locator("xpath=..")
        expect(region).to_have_attribute("role", "region")
        expect(region).to_have_attribute("tabindex", "0")
        expect(region).to_have_attribute(
            "aria-labelledby", str(table.locator("caption").get_attribute("id"))
        )
        assert "gradient" in region.evaluate("r => getComputedStyle(r).backgroundImage")
        region.focus()
        page.keyboard.press("ArrowRight")
        region.evaluate("r => new Promise(done => setTimeout(done, 300))")  # smooth scrolling
        assert region.evaluate("r => r.scrollLeft") > 0, "a wide table does not scroll by keys"


def test_answer_without_javascript_shows_the_same_short_feedback_on_the_page_it_redirects_to(
    live_server: LiveServer, open_page: OpenPage
) -> None:
    qset = set_walk.ten_question_sets(live_server, classify=True)[0]
    page = open_page(java_script_enabled=False, viewport=PHONE)
    set_walk.start(page, live_server, qset)
    set_walk.answer(page, live_server, right=False, right_reason=False)
    expect(page).to_have_url(re.compile(r"/q/1#feedback$"))
    assert expect_short_feedback_first(page, live_server) <= PHONE["height"]
    more = page.locator("#feedback details.more")
    more.locator("summary").click()  # a native disclosure: it opens without JavaScript
    expect(more.locator(".ladder")).to_be_visible()
    set_walk.go_on(page)
    expect(page).to_have_url(re.compile(r"/q/2$"))
