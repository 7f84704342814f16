"""One attempt scored for its class's report: the student's own numbers (score, profile,
check-in → check-out change) and what each of their answers adds to the class's rows, worked
out once from plain answer rows. The class report adds these up; the dashboard keeps them per
attempt while its answers stay the same (quiz_app/classroom/results_cache.py). Pure; no I/O."""

import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple, Protocol

from quiz_app.bank.catalog import AnyQuestion
from quiz_app.learning import progress
from quiz_app.learning.attempt_row import AttemptFacts
from quiz_app.learning.change import Change
from quiz_app.learning.scoring import (
    CONFIDENCE_LEVELS,
    Judgement,
    Profile,
    Trust,
    confusion,
    trust,
)
from quiz_app.learning.student_report import (
    SavedAnswer,
    checks_of_pairs,
    options_of,
    profile_of_pairs,
)

# The two check forms: A is the set's `check_in` list, B its `check_out` list. An even seed
# takes A first, an odd seed B first (docs/scoring.md, 11).
FORMS = ("A", "B")


class StoredAnswer(SavedAnswer, Protocol):
    """An answer row as the store reads it: what the student said, and when."""

    created_at: datetime


class Tally(NamedTuple):
    """What one attempt's answers add to its questions' rows of the class report, as tuples
    that Counters add up for the whole class in one go (question ids are interned, so a kept
    tally holds no copies of them)."""

    asked: tuple[str, ...]  # the question of each answer
    right: tuple[str, ...]  # the question of each right answer
    wrong: tuple[tuple[str, str], ...]  # (question, answer) of each wrong answer
    reasoned: tuple[str, ...]  # the question of each answer whose reason was checked
    reasoned_right: tuple[str, ...]  # … and was right
    wrong_reasons: tuple[tuple[str, str], ...]  # (question, reason) of each wrong reason given
    # (question, right, the chance its confidence states), in the order answered; only the
    # answers that gave a confidence, to a question that still exists.
    confidence: tuple[tuple[str, bool, float], ...]
    # The share right of the student's other answers, beside a wrong answer and beside a right
    # one (the same for each of their questions); None with fewer than two answers.
    rest: tuple[float, float] | None


class FormRow(NamedTuple):
    """One student's row of a check form's KR-20 grid: the form's items and right or wrong."""

    form: str
    items: frozenset[str]
    right: tuple[bool, ...]  # by sorted item id


@dataclass(frozen=True)
class AttemptScore:
    """Everything the class report takes from one attempt, whoever it belongs to."""

    answered: int  # how many answers it was scored from
    correct: int
    finished_at: datetime | None  # when the last question was answered, or submitted
    trust: Trust  # over-trust and over-doubt of their classify answers (docs/scoring.md, 6)
    profile: Profile
    change: Change | None  # check-out minus check-in, once both forms are finished
    confusion: dict[str, dict[str, int]]  # of their classify answers, for the class's
    tally: Tally
    forms: tuple[FormRow, ...]  # each check form they answered in full


def has_forms(attempt: AttemptFacts) -> bool:
    """Return whether the attempt has both check forms (attempts built in memory, not yet
    saved, may hold None for the form counts)."""
    return bool(attempt.check_in_count and attempt.check_out_count)


def form_of(attempt: AttemptFacts, question_id: str) -> str | None:
    """Return the check form ("A" or "B") a question was in for this attempt, or None."""
    if not has_forms(attempt):
        return None
    return _forms_by_index(attempt)[attempt.question_ids.index(question_id)]


def _forms_by_index(attempt: AttemptFacts) -> list[str | None]:
    """Return the check form of each of the attempt's questions, in order (None: practice)."""
    check_in, practice, check_out = attempt.phase_counts
    first, second = FORMS if attempt.seed % 2 == 0 else FORMS[::-1]
    return [
        first if index < check_in else second if index >= check_in + practice else None
        for index in range(len(attempt.question_ids))
    ]


def score_attempt(
    attempt: AttemptFacts, answers: Sequence[StoredAnswer], questions: Mapping[str, AnyQuestion]
) -> AttemptScore:
    """Score one attempt's answers (rows with an Answer's attributes, oldest first)."""
    pairs = {
        a.question_id: (q, a) for a in answers if (q := questions.get(a.question_id)) is not None
    }
    own = profile_of_pairs(pairs.values())
    judgements = [
        Judgement(q.verdict, a.answer, a.reason_correct)
        for a in answers
        if (q := questions.get(a.question_id)) is not None and q.kind == "classify"
    ]
    checks = checks_of_pairs(attempt, pairs) if has_forms(attempt) else None
    correct = sum(a.correct for a in answers)
    return AttemptScore(
        answered=len(answers),
        correct=correct,
        finished_at=progress.completed_at(attempt, answers),
        trust=trust(judgements),
        profile=own,
        change=checks.change if checks is not None and checks.finished else None,
        confusion=confusion(judgements),
        tally=_tally(answers, questions, correct),
        forms=_form_rows(attempt, answers) if has_forms(attempt) else (),
    )


def _tally(
    answers: Sequence[SavedAnswer], questions: Mapping[str, AnyQuestion], correct: int
) -> Tally:
    others = len(answers) - 1
    pairs = [(sys.intern(a.question_id), a) for a in answers]
    checked = [(qid, a) for qid, a in pairs if a.reason_correct is not None]
    confidence = []
    for qid, a in pairs:
        level = CONFIDENCE_LEVELS.get(a.confidence or "")
        if level is not None and (question := questions.get(qid)) is not None:
            confidence.append((qid, a.correct, level.chance(options_of(question))))
    return Tally(
        asked=tuple(qid for qid, _a in pairs),
        right=tuple(qid for qid, a in pairs if a.correct),
        wrong=tuple((qid, sys.intern(a.answer)) for qid, a in pairs if not a.correct),
        reasoned=tuple(qid for qid, _a in checked),
        reasoned_right=tuple(qid for qid, a in checked if a.reason_correct),
        wrong_reasons=tuple(
            (qid, sys.intern(a.reason)) for qid, a in checked if not a.reason_correct and a.reason
        ),
        confidence=tuple(confidence),
        rest=(correct / others, (correct - 1) / others) if others > 0 else None,
    )


def _form_rows(attempt: AttemptFacts, answers: Sequence[SavedAnswer]) -> tuple[FormRow, ...]:
    """Return the KR-20 grid rows of the forms this attempt answered every item of."""
    right = {a.question_id: a.correct for a in answers}
    by_form: dict[str, list[str]] = {}
    for qid, form in zip(attempt.question_ids, _forms_by_index(attempt), strict=True):
        if form is not None:
            by_form.setdefault(form, []).append(qid)
    return tuple(
        FormRow(form, frozenset(ids), tuple(right[q] for q in sorted(ids)))
        for form, ids in by_form.items()
        if all(q in right for q in ids)
    )
