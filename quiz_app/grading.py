"""Grading and scoring: pure functions, an answer in and a verdict and a score out; no I/O."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from quiz_app.bank import THEMES, VERDICTS, ClassifyQuestion


@dataclass(frozen=True)
class Feedback:
    """What a student is told after answering one question."""

    question: ClassifyQuestion
    answer: str
    correct: bool


def grade(question: ClassifyQuestion, answer: str) -> Feedback:
    """Return the feedback for one answer; the answer must be one of VERDICTS."""
    if answer not in VERDICTS:
        raise ValueError(f"answer must be one of {', '.join(VERDICTS)}")
    return Feedback(question=question, answer=answer, correct=answer == question.verdict)


@dataclass
class Tally:
    correct: int = 0
    total: int = 0

    @property
    def percent(self) -> int:
        """Return the share correct as a whole percentage (0 when nothing was answered)."""
        return round(100 * self.correct / self.total) if self.total else 0


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
        return round(100 * self.correct / self.answered) if self.answered else 0


def summarize(feedback: Iterable[Feedback], *, questions: int) -> Summary:
    """Score an attempt's feedback: totals, accuracy per true verdict and per theme, the misses."""
    summary = Summary(questions=questions)
    for item in feedback:
        summary.answered += 1
        summary.correct += item.correct
        for key, table in (
            (item.question.verdict, summary.by_verdict),
            (item.question.theme, summary.by_theme),
        ):
            tally = table.setdefault(key, Tally())
            tally.total += 1
            tally.correct += item.correct
        if not item.correct:
            summary.missed.append(item)
    order = {key: i for i, key in enumerate([*VERDICTS, *THEMES])}
    summary.by_verdict = dict(sorted(summary.by_verdict.items(), key=lambda kv: order[kv[0]]))
    summary.by_theme = dict(sorted(summary.by_theme.items(), key=lambda kv: order[kv[0]]))
    return summary
