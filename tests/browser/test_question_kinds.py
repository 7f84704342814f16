"""In headless Chromium: a teacher writes a "Which study would settle it?" question in the
editor, which shows the fields of that kind and checks them as she types, assigns it, and a
student answers it on another device and sees the feedback."""

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer
from tests.support.browser_steps import axe_violations
from tests.support.question_forms import BEST_EVIDENCE_FORM as FORM
from tests.support.teacher_browser import sign_up

pytestmark = pytest.mark.browser


def _write_best_evidence_question(teacher: Page) -> None:
    teacher.get_by_role("link", name="My questions").click()
    teacher.get_by_role("link", name="Write a question").click()
    expect(teacher.get_by_label(re.compile("^Verdict"))).to_be_visible()
    expect(teacher.get_by_label("Text of option A")).to_be_hidden()
    teacher.get_by_label("Which study would settle it?").check()
    expect(teacher.get_by_label(re.compile("^Verdict"))).to_be_hidden()
    expect(teacher.get_by_label("Text of option A")).to_be_visible()
    for field in ("id", "claim", "cue", "explanation", "needed_evidence", "review_by"):
        teacher.locator(f"#{field}").fill(FORM[field])
    teacher.locator("#theme").select_option(FORM["theme"])
    teacher.locator("#source_section").select_option(FORM["source_section"])
    concepts = teacher.get_by_role("group", name=re.compile("^What it teaches"))
    concepts.locator(f'input[value="{FORM["concepts"][0]}"]').check()
    teacher.locator("#ladder_best").select_option(FORM["ladder_best"])
    teacher.locator("#ladder_certainty").select_option(FORM["ladder_certainty"])
    teacher.locator('input[name="ladder_rated_down"][value="no-study"]').check()
    for letter in "abc":
        teacher.get_by_label(f"Text of option {letter.upper()}").fill(FORM[f"option_{letter}_text"])
        feedback = teacher.get_by_label(f"Feedback on option {letter.upper()}")
        feedback.fill("Too short" if letter == "b" else FORM[f"option_{letter}_feedback"])
        rung = teacher.get_by_label(f"Where the study of option {letter.upper()} sits")
        rung.select_option(FORM[f"option_{letter}_rung"])
    teacher.get_by_label("Option C is the right answer").check()
    expect(teacher.locator("#err-option_b_feedback")).to_contain_text("at least 10 characters")
    expect(teacher.locator("#problems")).to_contain_text("1 field to fix before saving")
    assert axe_violations(teacher) == []
    teacher.emulate_media(color_scheme="dark")
    assert axe_violations(teacher) == []
    teacher.emulate_media(color_scheme="light")
    teacher.get_by_label("Feedback on option B").fill(FORM["option_b_feedback"])
    expect(teacher.locator("#problems")).to_contain_text("No problems found")
    teacher.get_by_role("button", name="Save the question").click()
    expect(teacher.get_by_role("heading", name="My questions")).to_be_visible()
    expect(teacher.get_by_text(FORM["claim"])).to_be_visible()


def _assign_it(teacher: Page) -> str:
    """Pick the teacher's question in the bank and assign it; return the join code."""
    teacher.get_by_role("link", name="Question bank").click()
    teacher.get_by_label(re.compile(f"Pick t\\d+\\.{FORM['id']}")).check()
    teacher.get_by_role("button", name="Make an assignment of the ticked questions").first.click()
    teacher.get_by_label("Title").fill("Year 9: which study?")
    teacher.get_by_role("button", name="Make the assignment").click()
    expect(teacher.get_by_role("heading", name="Year 9: which study?")).to_be_visible()
    return teacher.locator(".join-code").inner_text().replace("-", "")


def test_teacher_writes_a_best_evidence_question_and_a_student_answers_it(
    live_server: LiveServer, open_page: Callable[..., Page]
) -> None:
    base = live_server.url
    teacher = open_page()
    sign_up(teacher, base)
    _write_best_evidence_question(teacher)
    code = _assign_it(teacher)

    student = open_page()
    student.goto(f"{base}/join")
    student.get_by_label("Join code").fill(code)
    student.get_by_role("button", name="Join").click()
    student.get_by_label("Your name").fill("Sam")
    student.get_by_role("button", name="Start the quiz").click()
    expect(
        student.get_by_role("heading", name="Which study would settle this claim?")
    ).to_be_visible()
    student.get_by_role("radio", name=re.compile(re.escape(FORM["option_a_text"]))).check()
    student.get_by_role("button", name="Check my answer").click()
    feedback = student.locator("#feedback")
    expect(feedback).to_contain_text("Not quite: the best choice is")
    expect(feedback).to_contain_text(FORM["option_a_feedback"])
    expect(feedback).to_contain_text(FORM["explanation"])
    assert axe_violations(student) == []
