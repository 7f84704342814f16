"""Grading and scoring: pure functions, an answer in and a verdict and a score out; no I/O."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from quiz_app.bank.catalog import AnyQuestion
from quiz_app.bank.items import ClassifyQuestion, Option
from quiz_app.bank.vocabulary import THEMES, VERDICT_LABELS, VERDICTS
from quiz_app.learning.percentages import percent
from quiz_app.learning.scoring import CONFIDENCE_LEVELS, ReasonOutcome, reason_outcome
from quiz_app.messages import CHOOSE_A_VERDICT


class AnswerError(ValueError):
    """An answer the question cannot accept; the message tells the student what to do."""


def was_missed(correct: bool, reason_correct: bool | None) -> bool:
    """Return whether an answer was missed: a wrong answer, or the right one for a wrong reason
    (None, no reason asked, is not a wrong one). Missed answers are listed on the results page,
    retried by "Try the missed ones again" and practised by concept."""
    return not correct or reason_correct is False


@dataclass(frozen=True)
class Feedback:
    """What a student is told after answering one question.

    `answer` is the verdict of a classify question, or the option id of the other kinds.
    `reason_correct` is None when no reason was asked: the other kinds, and classify answers
    saved before questions asked why.
    """

    question: AnyQuestion
    answer: str
    correct: bool
    reason: str | None = None
    reason_correct: bool | None = None
    confidence: str | None = None

    @property
    def fully_correct(self) -> bool:
        """Right answer, and the right reason where a reason was asked."""
        return not was_missed(self.correct, self.reason_correct)

    @property
    def reason_outcome(self) -> ReasonOutcome | None:
        if self.reason_correct is None:
            return None
        return reason_outcome(self.correct, self.reason_correct)

    @property
    def right_reason(self) -> str | None:
        """Return the concept id that is the right reason, when the question asks why."""
        q = self.question
        return next(iter(q.right_reasons)) if isinstance(q, ClassifyQuestion) else None

    @property
    def chosen_option(self) -> Option | None:
        options: list[Option] = getattr(self.question, "options", [])
        return next((o for o in options if o.id == self.answer), None)

    @property
    def right_option(self) -> Option | None:
        options: list[Option] = getattr(self.question, "options", [])
        return next((o for o in options if o.correct), None)

    @property
    def answer_label(self) -> str:
        """Return the answer as the student saw it: "Research", or an option's letter."""
        if isinstance(self.question, ClassifyQuestion):
            return VERDICT_LABELS.get(self.answer, self.answer)
        return self.answer.upper()


def grade(
    question: AnyQuestion,
    answer: str,
    *,
    reason: str | None = None,
    confidence: str | None = None,
) -> Feedback:
    """Return the feedback for one answer, or raise AnswerError saying what is missing.

    A classify question takes a verdict and one of its reason_options; the other kinds take
    one of their option ids. Confidence is optional; when given it must be
    one of the levels in scoring.CONFIDENCE.
    """
    if confidence is not None and confidence not in CONFIDENCE_LEVELS:
        raise AnswerError("Choose how sure you are from the list, or “I'd rather not say”.")
    if isinstance(question, ClassifyQuestion):
        return _grade_classify(question, answer, reason, confidence)
    ids = [o.id for o in question.options]
    if answer not in ids:
        letters = ", ".join(i.upper() for i in ids)
        raise AnswerError(f"Choose one of the options ({letters}).")
    if reason is not None:
        raise AnswerError("This question does not ask why. Choose one of the options.")
    return Feedback(
        question=question,
        answer=answer,
        correct=answer == question.correct_option.id,
        confidence=confidence,
    )


class Graded(Protocol):
    """An answer as it was saved, graded (an Answer or a Revote row, or a plain row)."""

    @property
    def answer(self) -> str: ...
    @property
    def correct(self) -> bool: ...
    @property
    def reason(self) -> str | None: ...
    @property
    def reason_correct(self) -> bool | None: ...
    @property
    def confidence(self) -> str | None: ...


def saved_feedback(question: AnyQuestion, row: Graded) -> Feedback:
    """Return the feedback of a saved answer, as it was graded when it was saved."""
    return Feedback(
        question=question,
        answer=row.answer,
        correct=row.correct,
        reason=row.reason,
        reason_correct=row.reason_correct,
        confidence=row.confidence,
    )


def _grade_classify(
    question: ClassifyQuestion, answer: str, reason: str | None, confidence: str | None
) -> Feedback:
    if answer not in VERDICTS:
        raise AnswerError(CHOOSE_A_VERDICT)
    if reason is None:
        raise AnswerError("Choose a reason under “Why?”, then check your answer.")
    if reason not in question.reason_options:
        raise AnswerError(
            "That reason is not one of this question's choices. "
            "Pick one of the reasons listed under “Why?”."
        )
    return Feedback(
        question=question,
        answer=answer,
        correct=answer == question.verdict,
        reason=reason,
        reason_correct=reason in question.right_reasons,
        confidence=confidence,
    )


@dataclass
class Tally:
    correct: int = 0
    total: int = 0

    @property
    def percent(self) -> int:
        """Return the share correct as a whole percentage (0 when nothing was answered)."""
        return percent(self.correct, self.total) or 0


@dataclass
class Summary:
    """A finished (or partly finished) attempt, scored."""

    questions: int
    answered: int = 0
    correct: int = 0
    by_verdict: dict[str, Tally] = field(default_factory=dict)
    by_theme: dict[str, Tally] = field(default_factory=dict)
    missed: list[Feedback] = field(default_factory=list)

    @property
    def percent(self) -> int:
        """Return the share answered right as a whole percentage (0 when nothing was answered)."""
        return percent(self.correct, self.answered) or 0

    def reaches(self, mark: int) -> bool:
        """Whether the percentage shown (a whole number) reaches `mark`.

        Compared as shown, so a student who reads "67%" against a mark of 67% has reached it.
        """
        return self.answered > 0 and self.percent >= mark


def summarize(feedback: Iterable[Feedback], *, questions: int) -> Summary:
    """Score an attempt's feedback: totals, accuracy per true verdict and per theme, the misses.

    A question counts as right when its answer is right; a wrong reason does not take the point
    away (reasons are scored on their own) but does put the question among the missed ones.
    """
    summary = Summary(questions=questions)
    for item in feedback:
        summary.answered += 1
        summary.correct += item.correct
        tables: list[tuple[str, dict[str, Tally]]] = [(item.question.theme, summary.by_theme)]
        if isinstance(item.question, ClassifyQuestion):
            tables.append((item.question.verdict, summary.by_verdict))
        for key, table in tables:
            tally = table.setdefault(key, Tally())
            tally.total += 1
            tally.correct += item.correct
        if not item.fully_correct:
            summary.missed.append(item)
    order = {key: i for i, key in enumerate([*VERDICTS, *THEMES])}
    summary.by_verdict = dict(sorted(summary.by_verdict.items(), key=lambda kv: order[kv[0]]))
    summary.by_theme = dict(sorted(summary.by_theme.items(), key=lambda kv: order[kv[0]]))
    return summary
