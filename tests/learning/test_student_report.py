"""What a student's report computes from their answers: the profile takes each question's own
number of options as what "guessing" means on it."""

import pytest

from quiz_app.bank.catalog import Bank, load_bank
from quiz_app.bank.items import ClassifyQuestion
from quiz_app.learning import student_report
from quiz_app.learning.grading import Feedback
from quiz_app.paths import bundled


@pytest.fixture(scope="module")
def bank() -> Bank:
    return load_bank(bundled("questions"))


def test_profile_of_guess_on_a_four_option_question_states_one_in_four(bank: Bank) -> None:
    options = next(q for q in bank.questions.values() if not isinstance(q, ClassifyQuestion))
    classify = next(q for q in bank.questions.values() if isinstance(q, ClassifyQuestion))
    assert student_report.options_of(options) == len(options.options) == 4
    assert student_report.options_of(classify) == 3
    guessed = [
        Feedback(
            question=options, answer=options.correct_option.id, correct=True, confidence="guessing"
        )
    ]
    cal = student_report.profile_of(guessed).calibration
    assert cal.mean_confidence == pytest.approx(0.25)
    assert cal.brier == pytest.approx(0.75**2)
