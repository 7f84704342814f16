"""One attempt scored for its class's report: the student's own numbers (score, profile,
check-in → check-out change) and what each of their answers adds to the class's rows, worked
out once from plain answer rows. The class report adds these up; the dashboard keeps them per
attempt while its answers stay the same (quiz_app/classroom/results_cache.py). Pure; no I/O."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from quiz_app.bank.catalog import AnyQuestion
from quiz_app.learning import progress
from quiz_app.learning.change import Change
from quiz_app.learning.scoring import CONFIDENCE_LEVELS, Judgement, Profile, Trust, trust
from quiz_app.learning.student_report import (
    SavedAnswer,
    checks_of_pairs,
    options_of,
    profile_of_pairs,
)
from quiz_app.models import Attempt

# The two check forms: A is the set's `check_in` list, B its `check_out` list. An even seed
# takes A first, an odd seed B first (docs/scoring.md, 11).
FORMS = ("A", "B")


class Counted(NamedTuple):
    """What one answer adds to its question's row of the class report."""

    question_id: str
    correct: bool
    answer: str
    reason: str | None
    reason_correct: bool | None
    chance: float | None  # the chance its confidence states (None: none given, or no question)
    rest: float | None  # the share right of the student's other answers (None: no others)


class FormRow(NamedTuple):
    """One student's row of a check form's KR-20 grid: the form's items and right or wrong."""

    form: str
    items: frozenset[str]
    right: tuple[bool, ...]  # by sorted item id


@dataclass(frozen=True)
class AttemptScore:
    """Everything the class report takes from one attempt, whoever it belongs to."""

    answers: tuple[SavedAnswer, ...]  # the answer rows it was scored from, oldest first
    correct: int
    finished_at: datetime | None  # when the last question was answered, or submitted
    trust: Trust  # over-trust and over-doubt of their classify answers (docs/scoring.md, 6)
    profile: Profile
    change: Change | None  # check-out minus check-in, once both forms are finished
    judgements: tuple[Judgement, ...]  # their classify answers, for the class's confusion
    counted: tuple[Counted, ...]
    forms: tuple[FormRow, ...]  # each check form they answered in full


def has_forms(attempt: Attempt) -> bool:
    """Return whether the attempt has both check forms (attempts built in memory, not yet
    saved, may hold None for the form counts)."""
    return bool(attempt.check_in_count and attempt.check_out_count)


def form_of(attempt: Attempt, question_id: str) -> str | None:
    """Return the check form ("A" or "B") a question was in for this attempt, or None."""
    if not has_forms(attempt):
        return None
    return _forms_by_index(attempt)[attempt.question_ids.index(question_id)]


def _forms_by_index(attempt: Attempt) -> list[str | None]:
    """Return the check form of each of the attempt's questions, in order (None: practice)."""
    check_in, practice, check_out = attempt.phase_counts
    first, second = FORMS if attempt.seed % 2 == 0 else FORMS[::-1]
    return [
        first if index < check_in else second if index >= check_in + practice else None
        for index in range(len(attempt.question_ids))
    ]


def score_attempt(
    attempt: Attempt, answers: Sequence[SavedAnswer], questions: Mapping[str, AnyQuestion]
) -> AttemptScore:
    """Score one attempt's answers (rows with an Answer's attributes, oldest first)."""
    pairs = {
        a.question_id: (q, a) for a in answers if (q := questions.get(a.question_id)) is not None
    }
    own = profile_of_pairs(pairs.values())
    judgements = tuple(
        Judgement(q.verdict, a.answer, a.reason_correct)
        for a in answers
        if (q := questions.get(a.question_id)) is not None and q.kind == "classify"
    )
    checks = checks_of_pairs(attempt, pairs) if has_forms(attempt) else None
    correct = sum(a.correct for a in answers)
    return AttemptScore(
        answers=tuple(answers),
        correct=correct,
        finished_at=progress.completed_at(attempt, answers),
        trust=trust(judgements),
        profile=own,
        change=checks.change if checks is not None and checks.finished else None,
        judgements=judgements,
        counted=_counted(answers, questions, correct),
        forms=_form_rows(attempt, answers) if has_forms(attempt) else (),
    )


def _counted(
    answers: Sequence[SavedAnswer], questions: Mapping[str, AnyQuestion], correct: int
) -> tuple[Counted, ...]:
    others = len(answers) - 1
    found = []
    for a in answers:
        level = CONFIDENCE_LEVELS.get(a.confidence or "")
        question = questions.get(a.question_id)
        chance = None
        if level is not None and question is not None:
            chance = level.chance(options_of(question))
        rest = (correct - a.correct) / others if others > 0 else None
        found.append(
            Counted(a.question_id, a.correct, a.answer, a.reason, a.reason_correct, chance, rest)
        )
    return tuple(found)


def _form_rows(attempt: Attempt, answers: Sequence[SavedAnswer]) -> tuple[FormRow, ...]:
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
