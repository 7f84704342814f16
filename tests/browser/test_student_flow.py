"""A student's whole quiz in headless Chromium: with and without JavaScript, by keyboard."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from markupsafe import escape
from playwright.sync_api import Page, expect

from quiz_app.bank.items import ClassifyQuestion
from quiz_app.bank.vocabulary import SECTIONS, VERDICTS
from tests.support.live_server import LiveServer
from tests.support.student_pages import (
    Answers,
    OpenPage,
    attempt_question_ids,
    classify_question,
    expect_feedback,
    expect_question,
    expect_results,
    expect_retry_has,
    pick,
    post_answer,
    reason_radio,
    right_reason,
    shown_question,
    smallest_set,
    start_set,
    submit_answer,
    verdict_radio,
)

pytestmark = pytest.mark.browser


def test_take_set_with_javascript_swaps_feedback_in_place_and_scores_it(
    live_server: LiveServer, open_page: OpenPage
) -> None:
    title, total = smallest_set(live_server)
    page = open_page()
    token = start_set(page, live_server, title)
    expect(page.locator("#feedback")).to_have_attribute("aria-live", "polite")
    # A full page load would drop this; htmx swaps keep it.
    page.evaluate("window.__marker = 1")
    answers: Answers = []
    for position in range(1, total + 1):
        question = shown_question(page, live_server)
        expect_question(page, question, position=position, total=total)
        answer = pick(question, right=position % 3 != 2, turn=position)
        submit_answer(page, question, answer)
        expect_feedback(page, question, answer, position=position, total=total)
        expect(page.locator("#feedback-heading")).to_be_focused()
        assert page.evaluate("document.activeElement.id") == "feedback-heading"
        answers.append((question, answer))
        if position < total:
            next_link = page.locator("#feedback").get_by_role("link", name="Next question")
            next_url = live_server.url + str(next_link.get_attribute("href"))
            next_link.click()
            expect(page).to_have_url(next_url)
            expect(page.locator("#question-heading")).to_be_focused()
        assert page.evaluate("window.__marker") == 1, f"question {position} reloaded the page"

    page.locator("#feedback").get_by_role("link", name="See your results").click()
    expect_results(page, answers)
    expect_retry_has(page, live_server, answers, old_token=token)


def test_take_set_without_javascript_shows_feedback_after_redirect_and_scores_it(
    live_server: LiveServer, open_page: OpenPage
) -> None:
    title, total = smallest_set(live_server)
    page = open_page(java_script_enabled=False)
    token = start_set(page, live_server, title)
    answers: Answers = []
    for position in range(1, total + 1):
        question = shown_question(page, live_server)
        expect_question(page, question, position=position, total=total)
        answer = pick(question, right=position % 4 != 1, turn=position)
        submit_answer(page, question, answer)
        expect(page).to_have_url(re.compile(f"/q/{position}#feedback$"))
        expect_feedback(page, question, answer, position=position, total=total)
        answers.append((question, answer))
        if position == 1:
            page.locator("#feedback").get_by_role("link", name=question.source_section).click()
            section_id = SECTIONS[question.source_section]
            expect(page.locator(f"#{section_id} h2")).to_have_text(question.source_section)
            page.go_back()
            expect_feedback(page, question, answer, position=position, total=total)
        next_name = "Next question" if position < total else "See your results"
        page.locator("#feedback").get_by_role("link", name=next_name).click()

    expect_results(page, answers)
    expect_retry_has(page, live_server, answers, old_token=token)


def test_answer_with_keyboard_only_moves_focus_to_feedback_then_next_question(
    live_server: LiveServer, open_page: OpenPage
) -> None:
    title, total = smallest_set(live_server)
    page = open_page()
    start_set(page, live_server, title)
    first = shown_question(page, live_server)

    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()
    answer_by_keyboard(page, live_server, first, first.verdict)
    expect(page.locator("#feedback-heading")).to_be_focused()
    expect_feedback(page, first, first.verdict, position=1, total=total)

    # The way on comes straight after the short feedback, before "More about this claim".
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Next question")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("#feedback summary")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("#feedback").get_by_role("link", name=first.source_section)).to_be_focused()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    expect(page.get_by_role("link", name="Next question")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#question-heading")).to_be_focused()
    second = shown_question(page, live_server)
    assert second.id != first.id
    expect_question(page, second, position=2, total=total)

    answer_by_keyboard(page, live_server, second, VERDICTS[0])
    expect(page.locator("#feedback-heading")).to_be_focused()
    expect_feedback(page, second, VERDICTS[0], position=2, total=total)


def answer_by_keyboard(
    page: Page, server: LiveServer, question: ClassifyQuestion, verdict: str
) -> None:
    """From the main landmark, answer with Tab and arrow keys only, then press Enter.

    Tab enters each radio group, arrows move (and choose) within it, as in any radio group.
    The claim's glossary terms come first: each is a stop on the way.
    """
    for _ in range(page.locator("#claim details.term > summary").count()):
        page.keyboard.press("Tab")
        expect(page.locator("#claim summary:focus")).to_have_count(1)
    page.keyboard.press("Tab")
    expect(verdict_radio(page, VERDICTS[0])).to_be_focused()
    page.keyboard.press("Space")
    for _ in range(VERDICTS.index(verdict)):
        page.keyboard.press("ArrowDown")
    expect(verdict_radio(page, verdict)).to_be_focused()
    expect(verdict_radio(page, verdict)).to_be_checked()
    page.keyboard.press("Tab")
    reasons = page.locator("#answer-form input[name=reason]")
    expect(reasons.first).to_be_focused()
    page.keyboard.press("Space")
    target = reason_radio(page, server, right_reason(question))
    for _ in range(reasons.count()):
        if target.evaluate("el => el.checked"):
            break
        page.keyboard.press("ArrowDown")
    expect(target).to_be_checked()
    page.keyboard.press("Tab")
    confidence = page.locator("#answer-form input[name=confidence]")
    expect(confidence.first).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Check my answer")).to_be_focused()
    page.keyboard.press("Enter")


def test_open_attempt_link_after_two_answers_resumes_at_third_question(
    live_server: LiveServer, open_page: OpenPage
) -> None:
    title, total = smallest_set(live_server)
    page = open_page()
    token = start_set(page, live_server, title)
    first = shown_question(page, live_server)
    for position in (1, 2):
        question = shown_question(page, live_server)
        submit_answer(page, question, question.verdict)
        expect_feedback(page, question, question.verdict, position=position, total=total)
        next_link = page.get_by_role("link", name="Next question")
        next_url = live_server.url + str(next_link.get_attribute("href"))
        next_link.click()
        expect(page).to_have_url(next_url)
    third = shown_question(page, live_server)
    page.close()

    for restarted in (False, True):
        if restarted:
            port = live_server.port
            live_server.restart()
            assert live_server.port == port, "the saved link must still work after a restart"
        page = open_page()
        page.goto(f"{live_server.url}/a/{token}")
        expect(page).to_have_url(f"{live_server.url}/a/{token}/q/3")
        expect_question(page, third, position=3, total=total)
        page.goto(f"{live_server.url}/a/{token}/q/1")
        expect_feedback(page, first, first.verdict, position=1, total=total, answered=2)
        page.close()


def test_show_question_before_answering_hides_answer_key(
    live_server: LiveServer, open_page: OpenPage
) -> None:
    title, _total = smallest_set(live_server)
    page = open_page()
    token = start_set(page, live_server, title)
    for position, question_id in enumerate(attempt_question_ids(live_server, token), 1):
        question = classify_question(live_server, question_id)
        url = f"{live_server.url}/a/{token}/q/{position}"
        page.goto(url)
        fragment = page.request.get(url, headers={"HX-Request": "true"})
        assert fragment.ok
        for html in (page.content(), fragment.text()):
            assert not contains(html, question.explanation), question_id
            assert not contains(html, question.needed_evidence), question_id
            assert 'class="cue"' not in html, question_id

    # The check can see the key once it is on the page.
    submit_answer(page, question, question.verdict)
    expect(page.locator("#feedback-heading")).to_be_visible()
    assert contains(page.content(), question.explanation)
    assert contains(page.content(), question.needed_evidence)


def contains(html: str, text: str) -> bool:
    """Return whether html holds text, as written or HTML-escaped."""
    return text in html or str(escape(text)) in html


def test_go_to_next_question_with_javascript_updates_page_title(
    live_server: LiveServer, open_page: OpenPage
) -> None:
    title, total = smallest_set(live_server)
    page = open_page()
    start_set(page, live_server, title)
    expect(page).to_have_title(f"Question 1 of {total} · Claim Check")
    question = shown_question(page, live_server)
    submit_answer(page, question, question.verdict)
    page.get_by_role("link", name="Next question").click()
    expect(page.locator("#progress")).to_contain_text(f"Question 2 of {total}")
    # Screen readers announce the title, and browser history lists it.
    expect(page).to_have_title(f"Question 2 of {total} · Claim Check")


# "not-found" fails until the error pages have an <h1> (axe rule page-has-heading-one).
AXE_PAGES = [
    "home",
    "question",
    "feedback-right",
    "feedback-wrong",
    "results",
    "sources",
    "not-found",
]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", AXE_PAGES)
def test_scan_page_with_axe_finds_no_violations(
    live_server: LiveServer, open_page: OpenPage, name: str, scheme: str
) -> None:
    page = open_page(color_scheme=scheme)
    visit(page, live_server, name)
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def visit(page: Page, server: LiveServer, name: str) -> None:
    """Bring the page to the state the axe scan `name` checks."""
    if name in ("home", "sources"):
        page.goto(server.url + ("/" if name == "home" else "/sources"))
        return
    if name == "not-found":
        response = page.goto(server.url + "/no-such-page")
        assert response is not None and response.status == 404
        expect(page.locator(".error-box")).to_be_visible()
        return
    title, _total = smallest_set(server)
    token = start_set(page, server, title)
    if name.startswith("feedback"):
        question = shown_question(page, server)
        submit_answer(page, question, pick(question, right=name == "feedback-right"))
        expect(page.locator("#feedback-heading")).to_be_focused()
    elif name == "results":
        for turn, question_id in enumerate(attempt_question_ids(server, token)):
            question = classify_question(server, question_id)
            answer = pick(question, right=turn % 2 == 0, turn=turn)
            form = {"answer": answer, "reason": right_reason(question)}
            assert post_answer(page, server, token, question_id, form)
        page.goto(f"{server.url}/a/{token}/results")
        expect(page.locator("ol.missed > li").first).to_be_visible()
