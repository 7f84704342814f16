"""What a student is told about an attempt beyond each answer: the phase of each question, the
score against the set's marks, the profile, and the change from check-in to check-out.

Pure functions of the bank and the saved answers; the routes fetch, these compute.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal, Protocol

from quiz_app.bank.catalog import AnyQuestion, QuestionSet
from quiz_app.bank.items import ClassifyQuestion
from quiz_app.learning.attempt_row import AttemptFacts
from quiz_app.learning.change import Change
from quiz_app.learning.grading import Feedback, Summary, saved_feedback
from quiz_app.learning.scoring import CLASSIFY_OPTIONS, Judgement, Outcome, Profile, profile
from quiz_app.models import Attempt

PhaseName = Literal["check-in", "practice", "check-out"]
PHASE_LABELS: dict[str, str] = {
    "check-in": "Check-in",
    "practice": "Practice",
    "check-out": "Check-out",
}


class SavedAnswer(Protocol):
    question_id: str
    answer: str
    correct: bool
    reason: str | None
    reason_correct: bool | None
    confidence: str | None


def feedback_of(
    questions: Mapping[str, AnyQuestion], answers: Mapping[str, SavedAnswer]
) -> dict[str, Feedback]:
    """Return the feedback of saved answers by question id, as graded when they were saved.

    `questions` holds the questions the answers are about (the bank's, or a teacher's own,
    resolved by quiz_app.bank.lookup); answers to questions since removed are left out.
    """
    return {
        qid: saved_feedback(questions[qid], row) for qid, row in answers.items() if qid in questions
    }


def profile_of(feedback: Iterable[Feedback]) -> Profile:
    """Return the profile: trust and agreement over classify answers, calibration over all."""
    return profile_of_pairs((item.question, item) for item in feedback)


def profile_of_pairs(pairs: Iterable[tuple[AnyQuestion, SavedAnswer | Feedback]]) -> Profile:
    """Return the profile of (question, saved answer or feedback) pairs: what profile_of says,
    without a Feedback made for each answer (the class report scores many at once)."""
    judgements = []
    outcomes = []
    for question, item in pairs:
        if isinstance(question, ClassifyQuestion):
            judgements.append(Judgement(question.verdict, item.answer, item.reason_correct))
        outcomes.append(Outcome(item.correct, item.confidence, options_of(question)))
    return profile(judgements, outcomes)


def options_of(question: AnyQuestion) -> int:
    """Return how many answers a question offers: the three verdicts, or its options."""
    if isinstance(question, ClassifyQuestion):
        return CLASSIFY_OPTIONS
    return len(question.options)


@dataclass(frozen=True)
class Phase:
    name: PhaseName
    position: int  # 1-based, within the phase
    total: int

    @property
    def label(self) -> str:
        return PHASE_LABELS[self.name]


def phase_of(attempt: AttemptFacts, question_id: str) -> Phase | None:
    """Return the phase of a question in an attempt with check forms (None without them)."""
    check_in, practice, check_out = attempt.phase_counts
    if not (check_in or check_out):
        return None
    index = attempt.question_ids.index(question_id)
    if index < check_in:
        return Phase("check-in", index + 1, check_in)
    if index < check_in + practice:
        return Phase("practice", index - check_in + 1, practice)
    return Phase("check-out", index - check_in - practice + 1, check_out)


@dataclass(frozen=True)
class Checks:
    """The check-in and check-out forms of an attempt, side by side."""

    before: Profile
    after: Profile
    size: int  # questions in each form

    @property
    def change(self) -> Change:
        return Change(self.before, self.after)

    @property
    def finished(self) -> bool:
        return self.before.answered == self.size and self.after.answered == self.size


def checks_of(attempt: Attempt, feedback: Mapping[str, Feedback]) -> Checks | None:
    """Return the profiles of the two check forms, or None when the attempt has none."""
    return checks_of_pairs(attempt, {qid: (item.question, item) for qid, item in feedback.items()})


def checks_of_pairs(
    attempt: AttemptFacts, pairs: Mapping[str, tuple[AnyQuestion, SavedAnswer | Feedback]]
) -> Checks | None:
    """Return checks_of's profiles from (question, saved answer) pairs by question id."""
    check_in, _practice, check_out = attempt.phase_counts
    if not (check_in and check_out):
        return None
    ids = attempt.question_ids
    before = [pairs[q] for q in ids[:check_in] if q in pairs]
    after = [pairs[q] for q in ids[len(ids) - check_out :] if q in pairs]
    return Checks(profile_of_pairs(before), profile_of_pairs(after), check_in)


@dataclass(frozen=True)
class Marks:
    """The set's pass and mastery marks, and where a finished attempt stands against them."""

    pass_mark: int
    mastery_mark: int
    status: Literal["mastered", "passed", "not-yet"] | None  # None until the set is finished


def marks_of(qset: QuestionSet, summary: Summary, *, finished: bool) -> Marks:
    status: Literal["mastered", "passed", "not-yet"] | None = None
    if finished:
        if summary.reaches(qset.mastery_mark):
            status = "mastered"
        elif summary.reaches(qset.pass_mark):
            status = "passed"
        else:
            status = "not-yet"
    return Marks(qset.pass_mark, qset.mastery_mark, status)
