"""One rounding of percentages everywhere: whole numbers, a half rounded up, 0 of 0 is none."""

import pytest

from quiz_app.config import Settings
from quiz_app.learning.class_report import QuestionRow
from quiz_app.learning.grading import Summary, Tally
from quiz_app.learning.percentages import percent, whole_percent
from quiz_app.learning.scoring import Rate
from quiz_app.templating import make_templates

EDGES = [(2, 3, 67), (1, 3, 33), (1, 8, 13), (3, 8, 38), (5, 8, 63), (1, 200, 1), (57, 200, 29)]


@pytest.mark.parametrize(("part", "whole", "shown"), EDGES)
def test_percent_of_a_half_or_more_rounds_up(part: int, whole: int, shown: int) -> None:
    assert percent(part, whole) == shown
    assert whole_percent(part / whole) == shown


def test_percent_of_nothing_is_none() -> None:
    assert percent(0, 0) is None
    assert percent(0, 5) == 0


def test_whole_percent_of_a_negative_half_rounds_away_from_zero() -> None:
    assert whole_percent(-0.125) == -13
    assert whole_percent(-0.124) == -12


@pytest.mark.parametrize(("part", "whole", "shown"), EDGES)
def test_every_percentage_shown_rounds_the_same(part: int, whole: int, shown: int) -> None:
    """The student's score and tallies, the profile's rates, the dashboard's rows (and so the
    CSV and JSON exports, which read them) and the templates' filter agree."""
    student = Summary(questions=whole, answered=whole, correct=part)
    teacher = QuestionRow("q", None, answered=whole, correct=part)
    templates = make_templates(Settings(htmx_source="local"))
    assert student.percent == shown
    assert Tally(correct=part, total=whole).percent == shown
    assert Rate(part, whole).percent == shown
    assert teacher.percent == shown
    assert templates.env.filters["percent"](part / whole) == shown


def test_every_percentage_of_nothing_answered() -> None:
    assert Rate(0, 0).percent is None  # the profile says "none asked"
    assert Summary(questions=4).percent == 0
    assert Tally().percent == 0
    assert QuestionRow("q", None).percent == 0


@pytest.mark.parametrize("whole", range(1, 41))
def test_student_and_teacher_read_the_same_percentage(whole: int) -> None:
    for part in range(whole + 1):
        student = Summary(questions=whole, answered=whole, correct=part).percent
        assert QuestionRow("q", None, answered=whole, correct=part).percent == student
        assert student == (200 * part + whole) // (2 * whole)  # half up, in whole numbers
