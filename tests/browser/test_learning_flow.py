"""A whole set with reasons and confidence in headless Chromium, with JavaScript on and off:
check-in, practice (all three kinds), check-out, the evidence ladder after every answer, the
results profile, and a practice round on the concepts missed."""

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from quiz_app import store
from quiz_app.bank.items import ClassifyQuestion
from quiz_app.bank.vocabulary import CERTAINTY_LABELS, RUNG_LABELS, VERDICT_LABELS
from quiz_app.config import Settings
from tests.support.learning_bank import write_learning_bank
from tests.support.live_server import LiveServer
from tests.support.student_pages import (
    QUESTION_URL,
    open_details,
    post_answer,
    presentation_in,
    question_at,
)

pytestmark = pytest.mark.browser

OpenPage = Callable[..., Page]
CONFIDENCE_LABELS = {
    "certain": "Certain",
    "fairly-sure": "Fairly sure",
    "unsure": "Unsure",
    None: "I'd rather not say",
}


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'quiz.db'}",
        htmx_source="local",
        data_dir=tmp_path,
        questions_dir=write_learning_bank(tmp_path / "bank"),
    )
    live = LiveServer(settings)
    live.start()
    yield live
    live.stop()


def plan_answer(position: int, qid: str, server: LiveServer) -> tuple[str, bool, str | None]:
    """Return (verdict or option, right reason?, confidence) for question `position` (1-20).

    Check-in: everything "Research", certain. Practice: right verdicts, sure, but the wrong
    reason once; the best-evidence question wrong, the fix-claim one right without confidence.
    Check-out: all right, certain.
    """
    q = server.bank.questions[qid]
    if position <= 6:
        return "research", True, "certain"
    if position > 14:
        assert isinstance(q, ClassifyQuestion)
        return q.verdict, True, "certain"
    if isinstance(q, ClassifyQuestion):
        return q.verdict, position != 7, "fairly-sure"
    if q.kind == "best-evidence":
        return next(o.id for o in q.options if not o.correct), True, "unsure"
    return q.correct_option.id, True, None


def here(page: Page, server: LiveServer) -> tuple[str, str]:
    """Return the attempt's token and the id of the question the browser is on."""
    match = QUESTION_URL.search(page.url)
    assert match, f"not a question page: {page.url}"
    return match[1], question_at(server, match[1], int(match[2]))


def expected_heading(
    server: LiveServer, token: str, qid: str, answer: str, reason_right: bool
) -> str:
    q = server.bank.questions[qid]
    if not isinstance(q, ClassifyQuestion):
        best = presentation_in(server, token, qid).letter_of(q.correct_option.id)
        return (
            f"Right: {best} is the best choice"
            if answer == q.correct_option.id
            else (f"Not quite: the best choice is {best}")
        )
    truth = VERDICT_LABELS[q.verdict]
    if answer == q.verdict:
        prefix = "Right" if reason_right else "Right for the wrong reason"
    else:
        prefix = "Wrong verdict, right reason" if reason_right else "Not quite"
    return f"{prefix}: this is {truth}"


def answer_on_page(
    page: Page, server: LiveServer, qid: str, plan: tuple[str, bool, str | None]
) -> None:
    answer, reason_right, confidence = plan
    q = server.bank.questions[qid]
    form = page.locator("#answer-form")
    if isinstance(q, ClassifyQuestion):
        form.get_by_role("radio", name=re.compile(f"^{VERDICT_LABELS[answer]}")).check()
        reason = next(r for r in q.reason_options if (r in q.right_reasons) == reason_right)
        name = server.bank.concepts[reason].name
        form.get_by_role("radio", name=name, exact=True).check()
    else:
        letter = presentation_in(server, here(page, server)[0], qid).letter_of(answer)
        form.get_by_role("radio", name=re.compile(f"^{letter}\\. ")).check()
    form.get_by_role("radio", name=CONFIDENCE_LABELS[confidence], exact=True).check()
    form.get_by_role("button", name="Check my answer").click()


def expect_ladder(page: Page, server: LiveServer, qid: str) -> None:
    """Check the feedback's ladder: five rungs weakest first, the best one marked in words.

    The ladder folds under "More about this claim"; what would settle it is said before that.
    """
    ladder = server.bank.questions[qid].ladder
    open_more(page)
    box = page.locator("#feedback .ladder")
    expect(box.get_by_role("heading", name="The evidence ladder")).to_be_visible()
    expect(box.locator("ol > li .rung-label")).to_have_text(
        [label for rung, label in RUNG_LABELS.items() if rung != "none"]
    )
    if ladder.best == "none":
        expect(box).to_contain_text("No studies apply.")
        expect(box.locator("li.is-best")).to_have_count(0)
    else:
        best = box.locator("li.is-best")
        expect(best).to_have_text(re.compile(f"{RUNG_LABELS[ladder.best]}\\s+best evidence so far"))
    expect(box).to_contain_text(
        f"How sure we can be: {CERTAINTY_LABELS[ladder.certainty]} certainty"
    )
    expect(page.locator("#feedback .settle")).to_contain_text(
        server.bank.questions[qid].needed_evidence
    )


def open_more(page: Page) -> None:
    """Open the feedback's "More about this claim" disclosure."""
    more = page.locator("#feedback details.more")
    if more.get_attribute("open") is None:
        more.locator("summary").click()
    expect(more).to_have_attribute("open", "")


def table_rows(page: Page, caption: str | re.Pattern[str]) -> list[list[str]]:
    table = page.get_by_role("table", name=caption)
    return [
        [" ".join(cell.split()) for cell in row.locator("th, td").all_inner_texts()]
        for row in table.locator("tbody tr").all()
    ]


def go_on(page: Page, server: LiveServer, name: str) -> None:
    """Follow the feedback's link and wait until the browser shows where it leads."""
    link = page.locator("#feedback").get_by_role("link", name=name)
    target = server.url + str(link.get_attribute("href"))
    link.click()
    expect(page).to_have_url(target)
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def scan(page: Page) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize(
    ("javascript", "scheme"), [(True, "light"), (False, "dark")], ids=["js-light", "nojs-dark"]
)
def test_take_check_set_with_reasons_and_confidence_then_practise_what_was_missed(
    server: LiveServer, open_page: OpenPage, javascript: bool, scheme: str
) -> None:
    page = open_page(java_script_enabled=javascript, color_scheme=scheme)
    page.goto(server.url + "/")
    card = page.locator(".set-list > li").filter(
        has=page.get_by_role("heading", name="Check in, practise, check out", exact=True)
    )
    expect(card).to_contain_text("20 questions, starting with a check-in of 6")
    card.get_by_role("button", name="Start").click()
    page.wait_for_load_state()
    if javascript:
        page.evaluate("window.__marker = 1")

    phases = ["Check-in"] * 6 + ["Practice"] * 8 + ["Check-out"] * 6
    starts = {"Check-in": 0, "Practice": 6, "Check-out": 14}
    for position in range(1, 21):
        token, qid = here(page, server)
        phase = phases[position - 1]
        in_phase = position - starts[phase]
        size = phases.count(phase)
        expect(page.locator(".phase")).to_contain_text(f"{phase}: question {in_phase} of {size}")
        expect(page.locator("#progress")).to_contain_text(f"Question {position} of 20")
        plan = plan_answer(position, qid, server)
        answer_on_page(page, server, qid, plan)
        heading = page.locator("#feedback-heading")
        expect(heading).to_have_text(expected_heading(server, token, qid, plan[0], plan[1]))
        if javascript:
            expect(heading).to_be_focused()
            assert page.evaluate("window.__marker") == 1, "the answer reloaded the page"
        else:
            expect(page).to_have_url(re.compile(f"/q/{position}#feedback$"))
        expect_ladder(page, server, qid)
        if plan[2]:
            expect(page.locator("#feedback")).to_contain_text(
                f"You were {CONFIDENCE_LABELS[plan[2]].lower()}."
            )
        if position == 7:  # right verdict, wrong reason, shown as such with the right one
            expect(page.locator("#feedback")).to_contain_text(
                "That is not what decides this claim."
            )
            expect(page.locator("#answer-form .tag-right")).to_have_text(
                ["the evidence says", "the right reason"]
            )
            if javascript:  # axe runs inside the page, so it needs JavaScript
                scan(page)
        if position == 13:  # best-evidence, wrong: both options' feedback
            shown = presentation_in(server, token, qid)
            q = server.bank.questions[qid]
            assert not isinstance(q, ClassifyQuestion)
            chosen, best = shown.letter_of(plan[0]), shown.letter_of(q.correct_option.id)
            expect(page.locator("#feedback .option-feedback")).to_contain_text(
                f"You chose {chosen}:"
            )
            expect(page.locator("#feedback .option-feedback")).to_contain_text(
                f"The best choice, {best}:"
            )
        go_on(page, server, "Next question" if position < 20 else "See your results")

    expect(page).to_have_url(re.compile(r"/results$"))
    root_results = page.url
    expect(page.locator(".score")).to_contain_text("15 of 20 right (75%)")
    expect(page.locator(".change-line")).to_have_text(
        "From check-in to check-out, your accuracy went up by 67 points."
    )
    expect(page.locator(".tendency")).to_contain_text("You tend to over-trust:")
    open_details(page)
    marks = page.locator(".marks")
    expect(marks).to_contain_text("This set's pass mark is 60% of questions right")
    expect(marks).to_contain_text("Passed: you scored 75%. Mastery needs 85%.")
    assert table_rows(page, "Check-in and check-out compared") == [
        ["Accuracy", "33%", "100%", "+67 points"],
        ["Unsupported or open taken as research", "4 of 4", "0 of 4", "−4"],
        ["Research taken as open or unsupported", "0 of 2", "0 of 2", "0"],
        ["Overconfidence", "+0.62", "−0.05", "−0.67"],
        ["Brier score", "0.60", "0.00", "−0.60"],
    ]
    assert table_rows(page, re.compile("^Each row is what the claims really were")) == [
        ["Research", "6 (right)", "0", "0", "6 of 6 (100%)"],
        ["Hypothesis", "2", "4 (right)", "0", "4 of 6 (67%)"],
        ["Unsupported", "2", "0", "4 (right)", "4 of 6 (67%)"],
    ]
    profile = page.locator(".profile")
    expect(profile).to_contain_text("4 of 12 unsupported or open claims taken as research")
    expect(profile).to_contain_text("0 of 6 research claims taken as open or unsupported")
    expect(profile).to_contain_text("Weighted kappa: 0.62 (substantial agreement).")
    expect(profile).to_contain_text("You picked the right reason 17 of 18 times (94%).")
    expect(profile).to_contain_text("Right for the wrong reason: 1")
    expect(profile).to_contain_text("When you were certain, you were right 8 times out of 12.")
    practice = page.locator(".practice")
    expect(practice.locator("li")).to_have_text(
        [
            re.compile("^A question being studied is not an answer yet: still to practise"),
            re.compile("^How something acts in the brain .*: no unseen questions are left"),
            re.compile("^One person's story is not a fair comparison: still to practise"),
            re.compile("^A small amount is not thereby safe: no unseen questions are left"),
            re.compile("^A fair comparison under supervision .*: no unseen questions are left"),
        ]
    )
    if javascript:
        scan(page)
    practice.get_by_role("button", name="Practise what you missed (2 questions)").click()

    for position in (1, 2):
        expect(page.locator(".set-title")).to_have_text(
            "Check in, practise, check out: practice round"
        )
        token, qid = here(page, server)
        q = server.bank.questions[qid]
        assert isinstance(q, ClassifyQuestion) and qid.endswith("-4")
        answer_on_page(page, server, qid, (q.verdict, True, "fairly-sure"))
        expect(page.locator("#feedback-heading")).to_have_text(
            expected_heading(server, token, qid, q.verdict, True)
        )
        go_on(page, server, "Next question" if position < 2 else "See your results")

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Your practice round: Check in, practise, check out"
    )
    expect(
        page.locator(".practice li").filter(has_text="answered right in practice")
    ).to_have_count(2)
    expect(page.locator(".practice").get_by_role("button")).to_have_count(0)
    page.goto(root_results)
    expect(
        page.locator(".practice li").filter(has_text="answered right in practice")
    ).to_have_count(2)


def test_scan_learning_pages_in_dark_mode_with_axe_finds_no_violations(
    server: LiveServer, open_page: OpenPage
) -> None:
    """The question with reasons, feedback with its ladder (both kinds), and the results."""
    page = open_page(color_scheme="dark")
    page.goto(server.url + "/")
    card = page.locator(".set-list > li").filter(
        has=page.get_by_role("heading", name="Check in, practise, check out", exact=True)
    )
    card.get_by_role("button", name="Start").click()
    page.wait_for_load_state()
    token = re.search(r"/a/([\w-]+)/", page.url)[1]  # type: ignore[index]
    scan(page)
    assert server.app is not None
    with server.app.state.sessions() as session:
        attempt = store.attempts.get_attempt(session, token=token)
        assert attempt is not None
        ids = list(attempt.question_ids)
    for position, qid in enumerate(ids, 1):
        answer, reason_right, confidence = plan_answer(position, qid, server)
        q = server.bank.questions[qid]
        form = {"answer": answer, "confidence": confidence or ""}
        if isinstance(q, ClassifyQuestion):
            form["reason"] = next(
                r for r in q.reason_options if (r in q.right_reasons) == reason_right
            )
        assert post_answer(page, server, token, qid, form)
    for position in (7, 13, 14):  # wrong reason; best-evidence; fix-claim
        page.goto(f"{server.url}/a/{token}/q/{position}")
        open_more(page)
        expect(page.locator("#feedback .ladder")).to_be_visible()
        scan(page)
    page.goto(f"{server.url}/a/{token}/results")
    open_details(page)
    expect(page.locator(".checks")).to_be_visible()
    scan(page)
