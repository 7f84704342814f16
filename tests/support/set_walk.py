"""Walking a whole set in the browser on whatever bank the server has, by what the page shows.

Shared by tests/browser/test_reading_length.py and tests/browser/screenshots.py. Nothing here
knows the wording of a bundled claim: the question on the page is looked up in the bank.
"""

import re

from playwright.sync_api import Locator, Page, expect

from quiz_app.bank.catalog import QuestionSet
from quiz_app.bank.items import ClassifyQuestion
from quiz_app.bank.vocabulary import VERDICT_LABELS, VERDICTS
from tests.support.live_server import LiveServer
from tests.support.student_pages import QUESTION_URL, presentation_in, question_at

SET_SIZE = 10  # questions in the sets a student meets first


def ten_question_sets(server: LiveServer, *, classify: bool) -> list[QuestionSet]:
    """Return the bank's sets of SET_SIZE questions, of classify questions or of the others."""
    bank = server.bank
    found = []
    for qset in bank.sets.values():
        questions = [bank.questions[qid] for qid in bank.select(qset, seed=0)]
        kinds = {isinstance(q, ClassifyQuestion) for q in questions}
        if len(questions) == SET_SIZE and kinds == {classify} and not qset.check_in:
            found.append(qset)
    return found


def start(page: Page, server: LiveServer, qset: QuestionSet) -> None:
    """Press Start on a set's card and wait for its first question."""
    page.goto(server.url + "/")
    heading = page.get_by_role("heading", name=qset.title, exact=True)
    page.locator(".set-list > li").filter(has=heading).get_by_role("button", name="Start").click()
    expect(page).to_have_url(QUESTION_URL)
    page.wait_for_load_state()  # htmx loads deferred: a click before it posts the plain form


def answer(page: Page, server: LiveServer, *, right: bool, right_reason: bool = True) -> None:
    """Answer the question on the page, rightly or wrongly, with the right reason or a wrong
    one (for classify questions), and press "Check my answer"."""
    match = QUESTION_URL.search(page.url)
    assert match, f"not a question page: {page.url}"
    token, qid = match[1], question_at(server, match[1], int(match[2]))
    question = server.bank.questions[qid]
    form = page.locator("#answer-form")
    if isinstance(question, ClassifyQuestion):
        verdict = question.verdict if right else next(v for v in VERDICTS if v != question.verdict)
        form.get_by_role("radio", name=re.compile(f"^{VERDICT_LABELS[verdict]}")).check()
        reasons = [
            r for r in question.reason_options if (r in question.right_reasons) == right_reason
        ]
        if reasons:
            name = server.bank.concepts[reasons[0]].name
            form.get_by_role("radio", name=name, exact=True).check()
    else:
        option = next(o for o in question.options if o.correct == right)
        letter = presentation_in(server, token, qid).letter_of(option.id)
        form.get_by_role("radio", name=re.compile(f"^{letter}\\. ")).check()
    sure = form.get_by_role("radio", name="Fairly sure", exact=True)
    if sure.count():
        sure.check()
    form.get_by_role("button", name="Check my answer").click()
    expect(page.locator("#feedback-heading")).to_be_visible()


def next_control(page: Page) -> Locator:
    """Return the feedback's link onward: the next question, or the results."""
    return page.locator("#feedback").get_by_role(
        "link", name=re.compile("^(Next question|See your results)$")
    )


def go_on(page: Page) -> None:
    """Follow the feedback's link onward and wait for the page it leads to."""
    link = next_control(page)
    href = str(link.get_attribute("href"))
    link.click()
    expect(page).to_have_url(re.compile(re.escape(href) + "$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
