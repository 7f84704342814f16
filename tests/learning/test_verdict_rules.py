"""The rules a student's report and a class's report share: what counts as a missed answer,
and the verdict confusion table."""

from datetime import UTC, datetime

import pytest

from quiz_app.bank.catalog import Bank, load_bank
from quiz_app.bank.items import ClassifyQuestion
from quiz_app.bank.vocabulary import VERDICTS
from quiz_app.learning import class_report, student_report
from quiz_app.learning.grading import Feedback, was_missed
from quiz_app.models import Answer, Attempt
from quiz_app.paths import bundled

NOW = datetime(2026, 3, 14, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def bank() -> Bank:
    return load_bank(bundled("questions"))


@pytest.mark.parametrize(
    ("correct", "reason_correct", "missed"),
    [
        (True, True, False),
        (True, None, False),  # no reason asked is not a wrong reason
        (True, False, True),  # right for the wrong reason
        (False, True, True),
        (False, None, True),
    ],
)
def test_was_missed_counts_a_wrong_answer_or_a_wrong_reason(
    correct: bool, reason_correct: bool | None, missed: bool
) -> None:
    assert was_missed(correct, reason_correct) is missed


def _answers(bank: Bank) -> list[tuple[ClassifyQuestion, str]]:
    """Return one classify question of each verdict answered with each verdict (9 answers)."""
    classify = [q for q in bank.questions.values() if isinstance(q, ClassifyQuestion)]
    firsts = [next(q for q in classify if q.verdict == v) for v in VERDICTS]
    return [(q, answer) for q in firsts for answer in VERDICTS]


def test_confusion_of_a_student_and_of_their_class_is_the_same_table(bank: Bank) -> None:
    given = _answers(bank)
    attempt = Attempt(question_ids=[q.id for q, _a in given], created_at=NOW)
    attempt.answers = [
        Answer(question_id=q.id, answer=a, correct=a == q.verdict, created_at=NOW) for q, a in given
    ]
    questions = {q.id: q for q, _a in given}
    feedback = [Feedback(question=q, answer=a, correct=a == q.verdict) for q, a in given]
    student = student_report.profile_of(feedback).confusion
    teacher = class_report.class_report([attempt], questions, attempt.question_ids).confusion
    assert student == teacher == {t: dict.fromkeys(VERDICTS, 1) for t in VERDICTS}


def test_trust_of_a_student_and_of_their_row_in_the_class_is_the_same(bank: Bank) -> None:
    given = _answers(bank)
    attempt = Attempt(question_ids=[q.id for q, _a in given], created_at=NOW)
    attempt.answers = [
        Answer(question_id=q.id, answer=a, correct=a == q.verdict, created_at=NOW) for q, a in given
    ]
    feedback = [Feedback(question=q, answer=a, correct=a == q.verdict) for q, a in given]
    student = student_report.profile_of(feedback).trust
    questions = {q.id: q for q, _a in given}
    row = class_report.class_report([attempt], questions, attempt.question_ids).students[0]
    assert row.trust == student
    # Each verdict answered once as each verdict: 2 of 6 weak claims taken as research, and
    # 2 of 3 research claims doubted.
    assert (student.over_trust.right, student.over_trust.total) == (2, 6)
    assert (student.over_doubt.right, student.over_doubt.total) == (2, 3)


def test_confusion_of_a_class_leaves_out_answers_it_cannot_place(bank: Bank) -> None:
    """An answer to a question since deleted, or to a kind without a verdict, is not counted."""
    other = next(q for q in bank.questions.values() if not isinstance(q, ClassifyQuestion))
    attempt = Attempt(question_ids=["t1.gone", other.id], created_at=NOW)
    attempt.answers = [
        Answer(question_id="t1.gone", answer="research", correct=False, created_at=NOW),
        Answer(question_id=other.id, answer="a", correct=True, created_at=NOW),
    ]
    report = class_report.class_report([attempt], {other.id: other}, attempt.question_ids)
    assert report.confusion == {t: dict.fromkeys(VERDICTS, 0) for t in VERDICTS}
