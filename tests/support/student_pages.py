"""A student's quiz as the browser tests drive and check it: starting a set, answering, and what
the question, feedback and results pages must show. Shared by the tests in tests/browser/."""

import re
from collections.abc import Callable
from functools import cache

from playwright.sync_api import FrameLocator, Locator, Page, expect

from quiz_app import store
from quiz_app.bank.catalog import load_bank
from quiz_app.bank.items import ClassifyQuestion
from quiz_app.bank.vocabulary import SECTIONS, THEMES, VERDICT_LABELS, VERDICTS
from quiz_app.learning import presentation
from quiz_app.learning.presentation import Presentation
from quiz_app.paths import bundled
from tests.support.live_server import LiveServer

OpenPage = Callable[..., Page]
Answers = list[tuple[ClassifyQuestion, str]]

# Unnamed groups: Playwright hands the pattern to JavaScript. Groups: token, position.
QUESTION_URL = re.compile(r"/a/([\w-]+)/q/([0-9]+)(#feedback)?$")
QUESTION_HEADING = "Is this claim research, a hypothesis, or unsupported?"


def smallest_set(server: LiveServer) -> tuple[str, int]:
    """Return the title and question count of the smallest set of classify questions only."""
    bank = server.bank
    counts = {
        qset.title: len(bank.select(qset, seed=0))
        for qset in bank.sets.values()
        if all(isinstance(q, ClassifyQuestion) for q in bank.matching(qset.selection))
    }
    assert counts, "the bank has no set of classify questions only"
    title = min(counts, key=lambda t: counts[t])
    return title, counts[title]


def start_set(page: Page, server: LiveServer, title: str) -> str:
    """Press Start on the set called title; return the new attempt's token."""
    page.goto(server.url + "/")
    heading = page.get_by_role("heading", name=title, exact=True)
    page.locator(".set-list > li").filter(has=heading).get_by_role("button", name="Start").click()
    expect(page).to_have_url(QUESTION_URL)
    # htmx loads deferred: a click before "load" could submit the plain form instead.
    page.wait_for_load_state()
    return token_of(page)


def token_of(page: Page) -> str:
    match = QUESTION_URL.search(page.url)
    assert match, f"not a question page: {page.url}"
    return match[1]


def shown_question(page: Page, server: LiveServer) -> ClassifyQuestion:
    """Return the question whose page the browser is on."""
    match = QUESTION_URL.search(page.url)
    assert match, f"not a question page: {page.url}"
    return classify_question(server, question_at(server, match[1], int(match[2])))


def question_at(server: LiveServer, token: str, position: int) -> str:
    """Return the id of the question at a position (from 1) of an attempt."""
    return attempt_question_ids(server, token)[position - 1]


def presentation_in(server: LiveServer, token: str, question_id: str) -> Presentation:
    """Return the question as this attempt shows it: its choices, values and letters."""
    assert server.app is not None
    with server.app.state.sessions() as session:
        attempt = store.attempts.get_attempt(session, token=token)
        assert attempt is not None
        seed = attempt.seed
    question = server.bank.questions[question_id]
    return presentation.present(question, seed=seed, concepts=server.bank.concepts)


def post_answer(
    page: Page, server: LiveServer, token: str, question_id: str, form: dict[str, str]
) -> bool:
    """Post an answer given by ids (option id, concept id) as the page's form would send it."""
    shown = presentation_in(server, token, question_id)
    values = {c.id: c.value for c in [*shown.options, *shown.reasons]}
    sent = {k: values.get(v, v) if k in ("answer", "reason") else v for k, v in form.items()}
    url = f"{server.url}/a/{token}/q/{attempt_question_ids(server, token).index(question_id) + 1}"
    return page.request.post(url, form=sent).ok


def classify_question(server: LiveServer, question_id: str) -> ClassifyQuestion:
    question = server.bank.questions[question_id]
    assert isinstance(question, ClassifyQuestion), f"{question_id} is not a classify question"
    return question


def attempt_question_ids(server: LiveServer, token: str) -> list[str]:
    assert server.app is not None
    with server.app.state.sessions() as session:
        attempt = store.attempts.get_attempt(session, token=token)
        assert attempt is not None
        return list(attempt.question_ids)


def pick(question: ClassifyQuestion, *, right: bool, turn: int = 0) -> str:
    """Return the right verdict, or one of the two wrong ones (which one changes with turn)."""
    if right:
        return question.verdict
    wrong = [v for v in VERDICTS if v != question.verdict]
    return wrong[turn % 2]


def label(verdict: str) -> str:
    return VERDICT_LABELS[verdict]


def verdict_radio(page: Page, verdict: str) -> Locator:
    # A radio's name is its label and its hint ("Research what supervised studies ...").
    return page.locator("#answer-form").get_by_role("radio", name=re.compile(f"^{label(verdict)}"))


def reason_radio(page: Page, server: LiveServer, concept_id: str) -> Locator:
    name = server.bank.concepts[concept_id].name
    return page.locator("#answer-form").get_by_role("radio", name=re.compile(f"^{re.escape(name)}"))


def right_reason(question: ClassifyQuestion) -> str:
    return next(iter(question.right_reasons))


@cache
def _concept_names() -> dict[str, str]:
    """Return the bundled concepts' names by id: a reason is picked by what it says."""
    return {c.id: c.name for c in load_bank(bundled("questions")).concepts.values()}


def submit_answer(page: Page | FrameLocator, question: ClassifyQuestion, verdict: str) -> None:
    """Choose a verdict and the right reason, and press "Check my answer"."""
    form = page.locator("#answer-form")
    form.get_by_role("radio", name=re.compile(f"^{label(verdict)}")).check()
    name = _concept_names()[right_reason(question)]
    form.get_by_role("radio", name=re.compile(f"^{re.escape(name)}")).check()
    form.get_by_role("button", name="Check my answer").click()


def expect_question(page: Page, question: ClassifyQuestion, *, position: int, total: int) -> None:
    """Check the page shows question `position` of `total`, unanswered."""
    answered = position - 1
    expect(page.get_by_role("heading", level=1)).to_have_text(QUESTION_HEADING)
    expect(page.locator("#progress")).to_contain_text(
        f"Question {position} of {total} · {answered} answered"
    )
    expect(page.locator("#progress progress")).to_have_attribute("value", str(answered))
    # The claim itself, as it reads with its glossary terms closed; a "Seen in" card may come
    # before it in the same quote.
    claim = page.locator("#claim > .claim-text")
    expect(claim).to_have_text(question.claim, use_inner_text=True)
    expect(page.locator("#feedback-heading")).to_have_count(0)
    for verdict in VERDICTS:
        expect(verdict_radio(page, verdict)).to_be_enabled()
        expect(verdict_radio(page, verdict)).not_to_be_checked()
    expect(page.get_by_role("button", name="Check my answer")).to_be_enabled()


def expect_feedback(
    page: Page,
    question: ClassifyQuestion,
    answer: str,
    *,
    position: int,
    total: int,
    answered: int | None = None,
) -> None:
    """Check #feedback explains the answer to question `position`, and the form is locked.

    `answered` is how many questions the progress counts; by default, all up to this one.
    """
    answered = position if answered is None else answered
    feedback = page.locator("#feedback")
    verdict = label(question.verdict)
    # The tests give the right reason, so a wrong verdict is "wrong verdict, right reason".
    outcome = "Right" if answer == question.verdict else "Wrong verdict, right reason"
    expect(feedback.locator("#feedback-heading")).to_have_text(f"{outcome}: this is {verdict}")
    expect(feedback).to_contain_text(f"You said {label(answer)}. The evidence makes it {verdict}.")
    # Short first: what would settle it shows at once; the full explanation and the article
    # link fold under "More about this claim".
    expect(feedback.locator(".settle")).to_be_visible()
    expect(feedback.locator(".settle")).to_contain_text(
        f"What evidence would settle it: {question.needed_evidence}"
    )
    more = feedback.locator("details.more")
    more.evaluate("details => { details.open = true; }")  # as a click would, but focus stays
    expect(more).to_have_attribute("open", "")
    expect(feedback).to_contain_text(question.explanation)
    source = feedback.get_by_role("link", name=question.source_section, exact=True)
    expect(source).to_have_attribute("href", f"/sources#{SECTIONS[question.source_section]}")
    expect(page.locator("#progress")).to_contain_text(
        f"Question {position} of {total} · {answered} answered"
    )
    expect(page.locator("#progress progress")).to_have_attribute("value", str(answered))
    cue = re.compile(re.escape(question.cue), re.I)
    expect(page.locator("#claim mark.cue")).to_have_text(cue, use_inner_text=True)
    expect(verdict_radio(page, answer)).to_be_checked()
    for verdict_value in VERDICTS:
        expect(verdict_radio(page, verdict_value)).to_be_disabled()
    expect(page.get_by_role("button", name="Check my answer")).to_have_count(0)


def expect_results(page: Page, answers: Answers) -> None:
    """Check the results page scores `answers` and explains every miss, in order."""
    right = sum(answer == q.verdict for q, answer in answers)
    expect(page).to_have_url(re.compile(r"/a/[\w-]+/results$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Your results")
    expect(page.locator(".score")).to_contain_text(f"{right} of {len(answers)} right")
    open_details(page)

    by_verdict = {v: [0, 0] for v in VERDICTS}
    by_theme = {t: [0, 0] for t in THEMES}
    for question, answer in answers:
        for tally in (by_verdict[question.verdict], by_theme[question.theme]):
            tally[0] += answer == question.verdict
            tally[1] += 1
    expect_tally(
        page,
        "How often you spotted each kind of claim",
        {f"{label(v)} claims": tally for v, tally in by_verdict.items()},
    )
    expect_tally(
        page,
        "How you did on each section of the article",
        {THEMES[t].section: tally for t, tally in by_theme.items()},
    )

    missed = [(q, answer) for q, answer in answers if answer != q.verdict]
    items = page.locator("ol.missed > li")
    expect(items.locator("blockquote")).to_have_text([q.claim for q, _ in missed])
    for question, answer in missed:
        item = items.filter(has_text=question.explanation)
        expect(item).to_have_count(1)
        expect(item).to_contain_text(
            f"You said {label(answer)}. The evidence makes it {label(question.verdict)}."
        )
        expect(item).to_contain_text(question.needed_evidence)


def open_details(page: Page) -> None:
    """Open the results' "Details" disclosure, where the tables are."""
    details = page.locator("details.details")
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    expect(details).to_have_attribute("open", "")


def expect_tally(page: Page, caption: str, tallies: dict[str, list[int]]) -> None:
    """Check the table captioned `caption` has one row per answered key, in order."""
    table = page.get_by_role("table", name=caption)
    rows = {name: f"{right} of {total}" for name, (right, total) in tallies.items() if total}
    expect(table.locator("tbody th")).to_have_text(list(rows))
    expect(table.locator("tbody td:first-of-type")).to_have_text(list(rows.values()))


def expect_retry_has(page: Page, server: LiveServer, answers: Answers, *, old_token: str) -> None:
    """Press "Try the missed ones again" and check the new attempt asks exactly the misses."""
    missed = {q.id for q, answer in answers if answer != q.verdict}
    page.get_by_role("button", name="Try the missed ones again").click()
    expect(page).to_have_url(QUESTION_URL)
    token = token_of(page)
    assert token != old_token
    expect(page.locator("#progress")).to_contain_text(f"Question 1 of {len(missed)} · 0 answered")
    assert set(attempt_question_ids(server, token)) == missed
