"""A class's totals moved on by the attempts that changed (what the dashboard does between
polls) count exactly what totals added up from scratch do, and the class report made from
them says exactly what a report from scratch says."""

import random
from dataclasses import fields
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from typing import Any

import pytest

from quiz_app.bank.catalog import AnyQuestion, Bank, load_bank
from quiz_app.bank.items import ClassifyQuestion
from quiz_app.learning import class_report, grading
from quiz_app.learning.attempt_score import AttemptScore, score_attempt
from quiz_app.learning.class_totals import ClassTotals, totals_of
from quiz_app.models import Answer, Attempt
from quiz_app.paths import bundled

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
VERDICTS = ("research", "hypothesis", "unsupported")
CONFIDENCES = (None, "guessing", "unsure", "fairly-sure", "certain")


@pytest.fixture(scope="module")
def bank() -> Bank:
    return load_bank(bundled("questions"))


def _questions(bank: Bank) -> dict[str, AnyQuestion]:
    """Return eight classify questions and four of the other kinds, by id."""
    every = sorted(bank.questions.values(), key=lambda q: q.id)
    classify = [q for q in every if isinstance(q, ClassifyQuestion)][:8]
    others = [q for q in every if not isinstance(q, ClassifyQuestion)][:4]
    return {q.id: q for q in [*classify, *others]}


def _attempt(n: int, questions: dict[str, AnyQuestion], answered: int, seed: int) -> Attempt:
    """Return attempt `n`, asked every question and answering the first `answered` at random
    (the same `seed`, the same answers: an attempt scored again with one more)."""
    rng = random.Random(seed)
    attempt = Attempt(id=n, question_ids=list(questions), created_at=NOW, seed=n)
    attempt.student_name = f"Student {n % 7}"  # some share a name: attempts 1, 2…
    attempt.check_in_count = attempt.check_out_count = 0
    answers = []
    for i, question in enumerate(list(questions.values())[:answered]):
        if isinstance(question, ClassifyQuestion):
            given, reason = rng.choice(VERDICTS), rng.choice(question.reason_options)
        else:
            given, reason = rng.choice(question.options).id, None
        confidence = rng.choice(CONFIDENCES)
        feedback = grading.grade(question, given, reason=reason, confidence=confidence)
        answers.append(
            Answer(
                id=100 * n + i,
                question_id=question.id,
                answer=given,
                correct=feedback.correct,
                reason=feedback.reason,
                reason_correct=feedback.reason_correct,
                confidence=confidence,
                created_at=NOW + timedelta(seconds=30 * i),
            )
        )
    attempt.answers = answers
    return attempt


def _scored(attempts: list[Attempt], questions: dict[str, AnyQuestion]) -> list[AttemptScore]:
    return [score_attempt(a, list(a.answers), questions) for a in attempts]


def _counts(totals: ClassTotals) -> dict[str, Any]:
    """Return every count of the totals (the members by the scores they hold)."""
    found = {f.name: getattr(totals, f.name) for f in fields(totals) if f.name != "members"}
    found["members"] = sorted((id(s), n) for s, n in totals.members.values())
    return found


def _said(report: class_report.ClassReport) -> dict[str, Any]:
    rest = {k: v for k, v in vars(report).items() if k not in ("students", "questions")}
    students = [{k: v for k, v in vars(s).items() if k != "attempt"} for s in report.students]
    return {**rest, "students": students, "questions": [vars(q) for q in report.questions]}


def test_move_totals_after_answers_a_deletion_and_new_attempts_counts_as_from_scratch(
    bank: Bank,
) -> None:
    questions = _questions(bank)
    attempts = [_attempt(n, questions, answered=n % 13, seed=n) for n in range(1, 41)]
    before = _scored(attempts, questions)
    totals = totals_of(before)
    # Five students answer more, one attempt is deleted and two students join.
    later = [_attempt(a.id, questions, len(a.answers) + 2, a.id) for a in attempts[:5]]
    after = [*_scored(later, questions), *before[5:39], *_scored(
        [_attempt(n, questions, 3, n) for n in (41, 42)], questions
    )]  # fmt: skip
    moved = totals.copy()
    assert moved.moved_to(after)
    assert _counts(moved) == _counts(totals_of(after))
    assert _counts(totals) == _counts(totals_of(before))  # the copy moved, not the original
    # The class report made from the moved totals says what a report from scratch says.
    everyone = [*later, *attempts[5:39], _attempt(41, questions, 3, 41)]
    everyone.append(_attempt(42, questions, 3, 42))
    shown = class_report.class_report(everyone, questions, list(questions), after, moved)
    assert _said(shown) == _said(class_report.class_report(everyone, questions, list(questions)))
    assert shown.answers == sum(len(a.answers) for a in everyone)


def test_move_totals_when_most_of_the_class_changed_leaves_them_to_be_added_up_again(
    bank: Bank,
) -> None:
    questions = _questions(bank)
    attempts = [_attempt(n, questions, answered=6, seed=n) for n in range(1, 11)]
    totals = totals_of(_scored(attempts, questions))
    counted = _counts(totals)
    assert not totals.moved_to(_scored(attempts, questions))  # ten new scores of ten
    assert _counts(totals) == counted


def test_move_totals_taking_every_answer_out_leaves_no_count_behind(bank: Bank) -> None:
    questions = _questions(bank)
    scores = _scored([_attempt(n, questions, 12, n) for n in range(1, 4)], questions)
    totals = totals_of(scores)
    totals.remove(scores)
    assert _counts(totals) == _counts(totals_of([]))
    assert not totals.answered and not totals.wrong and not totals.pairs and not totals.trust


def test_mean_confidence_of_counted_chances_is_the_exact_mean_rounded_once() -> None:
    counts = {0.1: 3, 0.7: 1, 0.95: 5}
    exact = sum(Fraction(v) * n for v, n in counts.items()) / sum(counts.values())
    row = class_report.QuestionRow("q", None)
    row.confidence_right.update(counts)
    assert row.mean_confidence_right == float(exact)
    assert row.mean_confidence_wrong is None
