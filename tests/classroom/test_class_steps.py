"""The steps of a class run: which button leads where, and what is refused."""

import pytest

from quiz_app.classroom import class_steps
from quiz_app.classroom.class_steps import StepError, advance


def test_advance_through_one_claim_with_a_second_vote_reaches_the_reveal() -> None:
    step, position = "lobby", 0
    for action in ("start", "spread", "revote", "compare", "reveal"):
        step, position = advance(step, action, position=position, total=2)  # type: ignore[arg-type]
    assert (step, position) == ("revealed", 0)


def test_advance_next_after_a_reveal_moves_to_the_next_claim() -> None:
    assert advance("revealed", "next", position=0, total=2) == ("answering", 1)


def test_advance_next_after_the_last_claim_is_refused_with_what_to_press() -> None:
    with pytest.raises(StepError, match="End and show the class summary"):
        advance("revealed", "next", position=1, total=2)
    assert advance("revealed", "finish", position=1, total=2) == ("finished", 1)


@pytest.mark.parametrize(
    ("step", "action"),
    [("lobby", "reveal"), ("answering", "reveal"), ("revote", "reveal"), ("finished", "start")],
)
def test_advance_out_of_order_raises_step_error(step: class_steps.Step, action: str) -> None:
    with pytest.raises(StepError):
        advance(step, action, position=0, total=3)


def test_key_shown_only_from_the_reveal_on() -> None:
    shown = [s for s in class_steps.STEPS if class_steps.key_shown(s)]
    assert shown == ["revealed", "finished"]


def test_parse_step_unknown_value_reads_as_finished() -> None:
    assert class_steps.parse_step("spread") == "spread"
    assert class_steps.parse_step("dancing") == "finished"


@pytest.mark.parametrize(
    ("step", "answered", "revoted", "shown"),
    [
        ("lobby", False, False, "waiting"),
        ("answering", False, False, "answer"),
        ("answering", True, False, "stored"),
        ("spread", False, False, "waiting"),  # too late for this claim
        ("revote", True, False, "revote"),
        ("revote", True, True, "revoted"),
        ("revealed", False, False, "waiting"),  # joined after the reveal
        ("revealed", True, True, "revealed"),
        ("finished", False, False, "finished"),
    ],
)
def test_student_view_at_each_step_shows_what_the_student_can_do(
    step: class_steps.Step, answered: bool, revoted: bool, shown: str
) -> None:
    assert class_steps.student_view(step, asked=True, answered=answered, revoted=revoted) == shown
