"""Grading and scoring are plain functions of answers."""

import pytest

from quiz_app.bank.catalog import Bank, load_bank
from quiz_app.bank.items import BestEvidenceQuestion, ClassifyQuestion, FixClaimQuestion
from quiz_app.learning.grading import AnswerError, grade, summarize
from quiz_app.paths import bundled
from tests.support.factories import right_reason, wrong_reason


@pytest.fixture(scope="module")
def bank() -> Bank:
    return load_bank(bundled("questions"))


def _first(bank: Bank, verdict: str, theme: str | None = None) -> ClassifyQuestion:
    return next(
        q
        for q in bank.questions.values()
        if isinstance(q, ClassifyQuestion)
        and q.verdict == verdict
        and (theme is None or q.theme == theme)
    )


def _options(bank: Bank, kind: str) -> BestEvidenceQuestion | FixClaimQuestion:
    q = next(q for q in bank.questions.values() if q.kind == kind)
    assert isinstance(q, BestEvidenceQuestion | FixClaimQuestion)
    return q


def test_grade_right_and_wrong(bank: Bank) -> None:
    q = _first(bank, "hypothesis")
    assert grade(q, "hypothesis", reason=right_reason(q)).correct
    assert not grade(q, "research", reason=right_reason(q)).correct


def test_grade_scores_the_reason_separately_from_the_verdict(bank: Bank) -> None:
    q = _first(bank, "research")
    right_wrong = grade(q, "research", reason=wrong_reason(q))
    assert (right_wrong.correct, right_wrong.reason_correct) == (True, False)
    assert right_wrong.reason_outcome == "wrong-reason" and not right_wrong.fully_correct
    wrong_right = grade(q, "unsupported", reason=right_reason(q))
    assert (wrong_right.correct, wrong_right.reason_correct) == (False, True)
    assert wrong_right.reason_outcome == "right-reason"
    both = grade(q, "research", reason=right_reason(q), confidence="certain")
    assert both.fully_correct and both.reason_outcome == "both-right"
    assert both.confidence == "certain" and both.right_reason == right_reason(q)


@pytest.mark.parametrize(
    ("answer", "reason", "confidence", "message"),
    [
        ("true", "RIGHT", None, "Choose one of the three answers"),
        ("", "RIGHT", None, "Choose one of the three answers"),
        ("research", None, None, "Choose a reason"),
        ("research", "popularity-not-an-option", None, "not one of this question's choices"),
        ("research", "RIGHT", "very", "how sure you are"),
    ],
)
def test_grade_classify_bad_answer_says_what_to_do(
    bank: Bank, answer: str, reason: str | None, confidence: str | None, message: str
) -> None:
    q = _first(bank, "research")
    with pytest.raises(AnswerError, match=message):
        grade(
            q,
            answer,
            reason=right_reason(q) if reason == "RIGHT" else reason,
            confidence=confidence,
        )


def test_grade_reason_of_another_question_is_rejected(bank: Bank) -> None:
    q = _first(bank, "research")
    foreign = next(c for c in bank.concepts if c not in q.reason_options)
    with pytest.raises(AnswerError, match="not one of this question's choices"):
        grade(q, "research", reason=foreign)


@pytest.mark.parametrize("kind", ["best-evidence", "fix-claim"])
def test_grade_option_kinds_by_option_id(bank: Bank, kind: str) -> None:
    q = _options(bank, kind)
    best = q.correct_option
    other = next(o for o in q.options if not o.correct)
    right = grade(q, best.id, confidence="fairly-sure")
    assert right.correct and right.chosen_option == best and right.right_option == best
    assert right.reason_correct is None and right.fully_correct
    wrong = grade(q, other.id)
    assert not wrong.correct and wrong.chosen_option == other and wrong.right_option == best
    assert wrong.answer_label == other.id.upper()
    with pytest.raises(AnswerError, match="Choose one of the options"):
        grade(q, "research")
    with pytest.raises(AnswerError, match="does not ask why"):
        grade(q, best.id, reason=next(iter(bank.concepts)))


def test_summarize_counts_per_true_verdict_and_theme(bank: Bank) -> None:
    research = _first(bank, "research", "science")
    hypothesis = _first(bank, "hypothesis", "science")
    unsupported = _first(bank, "unsupported", "legal")
    summary = summarize(
        [
            grade(research, "research", reason=right_reason(research)),
            grade(hypothesis, "unsupported", reason=right_reason(hypothesis)),
            grade(unsupported, "unsupported", reason=right_reason(unsupported)),
        ],
        questions=5,
    )
    assert (summary.answered, summary.correct, summary.percent) == (3, 2, 67)
    assert {k: (t.correct, t.total) for k, t in summary.by_verdict.items()} == {
        "research": (1, 1),
        "hypothesis": (0, 1),
        "unsupported": (1, 1),
    }
    assert {k: (t.correct, t.total) for k, t in summary.by_theme.items()} == {
        "science": (1, 2),
        "legal": (1, 1),
    }
    assert [f.question.id for f in summary.missed] == [hypothesis.id]


def test_summarize_right_for_the_wrong_reason_scores_but_is_listed_as_missed(bank: Bank) -> None:
    q = _first(bank, "hypothesis")
    summary = summarize([grade(q, "hypothesis", reason=wrong_reason(q))], questions=1)
    assert (summary.correct, summary.percent) == (1, 100)
    assert [f.question.id for f in summary.missed] == [q.id]


def test_summarize_option_kinds_count_by_theme_not_by_verdict(bank: Bank) -> None:
    q = _options(bank, "fix-claim")
    summary = summarize([grade(q, q.correct_option.id)], questions=1)
    assert summary.by_verdict == {}
    assert {k: (t.correct, t.total) for k, t in summary.by_theme.items()} == {q.theme: (1, 1)}


@pytest.mark.parametrize(
    ("right", "answered", "mark", "reached"),
    [(6, 10, 60, True), (5, 10, 60, False), (17, 20, 85, True), (2, 3, 67, True)]
    + [(2, 3, 68, False)],
)
def test_summary_reaches_mark_as_the_percentage_shown(
    bank: Bank, right: int, answered: int, mark: int, reached: bool
) -> None:
    q = _first(bank, "research")
    answers = [grade(q, "research", reason=right_reason(q))] * right
    answers += [grade(q, "hypothesis", reason=right_reason(q))] * (answered - right)
    assert summarize(answers, questions=answered).reaches(mark) is reached


def test_summarize_empty_attempt_is_zero_not_an_error() -> None:
    summary = summarize([], questions=10)
    assert (summary.answered, summary.correct, summary.percent) == (0, 0, 0)
    assert summary.missed == []
    assert not summary.reaches(0 + 1)
