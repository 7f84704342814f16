"""In headless Chromium: a teacher assigns "Before and after", two students join it on their
own devices and answer everything (check-in, practice of every kind, check-out), and each
student's results page shows the change from check-in to check-out, and the teacher's dashboard,
left open all along, shows each student's change as it happens."""

import re
from collections.abc import Callable

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from quiz_app import store
from quiz_app.bank.items import ClassifyQuestion
from quiz_app.bank.vocabulary import VERDICTS
from quiz_app.learning import presentation
from tests.browser.conftest import LiveServer
from tests.support.teacher_browser import sign_up

pytestmark = pytest.mark.browser

PRACTICE = 2  # practice questions per student, between the two check forms of 9
POLL_MS = 10_000  # the dashboard polls every 3 s: three polls and some slack


def _axe_violations(page: Page) -> list[str]:
    return [v["id"] for v in Axe().run(page).response["violations"]]


def _make_assignment(teacher: Page, base: str) -> str:
    """Sign up, assign "Before and after"; return the join code."""
    sign_up(teacher, base)
    teacher.get_by_role("link", name="New assignment").click()
    teacher.get_by_label("Title").fill("Year 9 before and after")
    teacher.get_by_label("A question set").check()
    teacher.get_by_label("Set", exact=True).select_option("before-and-after")
    teacher.get_by_label("Number of questions per student").fill(str(PRACTICE))
    teacher.get_by_role("button", name="Make the assignment").click()
    expect(teacher.get_by_role("heading", name="Year 9 before and after")).to_be_visible()
    return teacher.locator(".join-code").inner_text().replace("-", "")


def _choices(server: LiveServer, token: str, qid: str, right: bool) -> tuple[str, str | None]:
    """Return the values this student's page carries for a right (or a wrong) answer."""
    bank = server.bank
    q = bank.questions[qid]
    assert server.app is not None
    with server.app.state.sessions() as session:
        attempt = store.attempts.get_attempt(session, token=token)
        assert attempt is not None
        seed = attempt.seed
    shown = presentation.present(q, seed=seed, concepts=bank.concepts)
    if isinstance(q, ClassifyQuestion):
        verdict = q.verdict if right else next(v for v in VERDICTS if v != q.verdict)
        reason = next(c.value for c in shown.reasons if c.id in q.right_reasons)
        return verdict, reason
    return next(c.value for c in shown.options if c.item.correct == right), None


def _take(server: LiveServer, page: Page, code: str, name: str, *, miss_check_in: bool) -> str:
    """Join, answer every question (the check-in wrong if asked, all else right); return the
    attempt's token."""
    base = server.url
    page.goto(f"{base}/j/{code}")
    page.get_by_label("Your name").fill(name)
    page.get_by_role("button", name="Start the quiz").click()
    expect(page.get_by_text("Check-in", exact=True)).to_be_visible()
    token = re.search(r"/a/([^/]+)/q/1", page.url)
    assert token, page.url
    assert server.app is not None
    with server.app.state.sessions() as session:
        attempt = store.attempts.get_attempt(session, token=token.group(1))
        assert attempt is not None
        ids, check_in = list(attempt.question_ids), attempt.check_in_count
    assert (len(ids), check_in) == (9 + PRACTICE + 9, 9)
    for index, qid in enumerate(ids):
        if index:
            page.goto(f"{base}/a/{token.group(1)}/q/{index + 1}")
        answer, reason = _choices(server, token.group(1), qid, not (miss_check_in and index < 9))
        page.locator(f'#answer-form input[name=answer][value="{answer}"]').check()
        if reason is not None:
            page.locator(f'#answer-form input[name=reason][value="{reason}"]').check()
        page.get_by_role("button", name="Check my answer").click()
        expect(page.locator("#feedback-heading")).to_be_visible()
    return token.group(1)


def test_two_students_take_an_assigned_before_and_after_and_see_their_change(
    live_server: LiveServer, open_page: Callable[..., Page]
) -> None:
    teacher = open_page()
    code = _make_assignment(teacher, live_server.url)
    ana, ben = open_page(), open_page()
    ana_token = _take(live_server, ana, code, "Ana", miss_check_in=True)
    ben_token = _take(live_server, ben, code, "Ben", miss_check_in=False)
    ana.goto(f"{live_server.url}/a/{ana_token}/results")
    expect(ana.locator(".change-line")).to_have_text(
        "From check-in to check-out, your accuracy went up by 100 points."
    )
    expect(ana.locator(".score")).to_contain_text("11 of 20")  # the 9 check-in answers missed
    assert _axe_violations(ana) == []
    ben.goto(f"{live_server.url}/a/{ben_token}/results")
    expect(ben.locator(".change-line")).to_have_text(
        "From check-in to check-out, your accuracy stayed the same."
    )
    expect(ben.locator(".score")).to_contain_text("20 of 20")
    _dashboard_shows_each_change(teacher, live_server)


def _dashboard_shows_each_change(teacher: Page, server: LiveServer) -> None:
    """The assignment page the teacher left open has polled in both students' change; the class
    mean waits for more students."""
    roster = teacher.get_by_role("region", name=re.compile("progress, score"))
    heading = roster.get_by_role("columnheader").all_inner_texts()
    column = heading.index("Check-in → check-out")
    for name, change in (("Ana", "+100 points"), ("Ben", "0 points")):
        row = roster.locator("tr", has=teacher.get_by_role("link", name=name))
        expect(row.locator("td").nth(column - 1)).to_have_text(change, timeout=POLL_MS)
    expect(teacher.locator("#live-summary")).to_contain_text("2 started, 2 finished")
    expect(teacher.locator("#class-change")).to_contain_text("Needs at least 5 students")
    expect(teacher.locator("#class-change")).to_contain_text("(2 so far)")
    assert _axe_violations(teacher) == []
