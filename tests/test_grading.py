"""Grading and scoring are plain functions of answers."""

import pytest

from quiz_app.bank import Bank, ClassifyQuestion, load_bank
from quiz_app.grading import grade, summarize
from quiz_app.paths import bundled


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


def test_grade_right_and_wrong(bank: Bank) -> None:
    q = _first(bank, "hypothesis")
    assert grade(q, "hypothesis").correct
    assert not grade(q, "research").correct


def test_grade_unknown_answer_is_rejected(bank: Bank) -> None:
    with pytest.raises(ValueError, match="must be one of"):
        grade(_first(bank, "research"), "true")


def test_summarize_counts_per_true_verdict_and_theme(bank: Bank) -> None:
    research = _first(bank, "research", "science")
    hypothesis = _first(bank, "hypothesis", "science")
    unsupported = _first(bank, "unsupported", "legal")
    summary = summarize(
        [
            grade(research, "research"),
            grade(hypothesis, "unsupported"),
            grade(unsupported, "unsupported"),
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


def test_summarize_empty_attempt_is_zero_not_an_error() -> None:
    summary = summarize([], questions=10)
    assert (summary.answered, summary.correct, summary.percent) == (0, 0, 0)
    assert summary.missed == []
