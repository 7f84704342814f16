"""A class's results for the teacher's dashboard and the exports: the roster with each
student's profile and change, each question with its item statistics, the verdict confusion,
the concepts most missed and the mean change. Pure functions over attempts and questions; no
I/O (the statistics themselves are in learning.item_stats)."""

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import chain
from typing import Generic, TypeAlias, TypeVar

from quiz_app.bank import lookup
from quiz_app.bank.catalog import AnyQuestion
from quiz_app.bank.items import ClassifyQuestion
from quiz_app.bank.vocabulary import VERDICTS
from quiz_app.learning import item_stats
from quiz_app.learning.attempt_row import AttemptRow
from quiz_app.learning.attempt_score import (
    AttemptScore,
    FormRow,
    form_of,
    score_attempt,
)
from quiz_app.learning.change import Change
from quiz_app.learning.class_totals import ClassTotals, totals_of
from quiz_app.learning.item_stats import ConceptMiss, MeanChange
from quiz_app.learning.percentages import percent
from quiz_app.learning.scoring import (
    Profile,
    Trust,
    profile,
    trust,
)
from quiz_app.learning.student_report import options_of
from quiz_app.models import Attempt

__all__ = [
    "ClassReport",
    "ClassReportOf",
    "QuestionRow",
    "StudentRow",
    "StudentRowOf",
    "class_report",
    "form_of",
    "scored_report",
]

# The attempts a report is made of: ORM Attempts (the exports, a student's page), or the plain
# rows the dashboard reads (store.assignments.AttemptRow); each row holds its own.
A = TypeVar("A", Attempt, AttemptRow)


@dataclass
class StudentRowOf(Generic[A]):
    """One attempt of one student."""

    attempt: A
    name: str
    number: int  # 1 for the student's first attempt, 2 for the second…
    questions: int
    answered: int
    correct: int
    started_at: datetime
    finished_at: datetime | None  # when the last question was answered, or submitted
    trust: Trust  # over-trust and over-doubt of their classify answers (docs/scoring.md, 6)
    # Their whole profile (reasons, calibration…), as on their own results page.
    profile: Profile = field(default_factory=lambda: profile([], []))
    change: Change | None = None  # check-out minus check-in, once both forms are finished
    # What the row was made from (the dashboard keeps each row's HTML beside its score).
    score: AttemptScore | None = None

    @property
    def percent(self) -> int:
        return percent(self.correct, self.answered) or 0

    @property
    def wrong_reason(self) -> int:
        """Return how often the verdict was right but the reason wrong."""
        return self.profile.reason_breakdown["wrong-reason"]

    @property
    def finished(self) -> bool:
        return self.finished_at is not None


def _mean(counts: Mapping[float, int]) -> float | None:
    """Return the mean of values counted, exactly, rounded once (every float is an integer
    over a power of two, so over the largest such power every sum is an exact integer)."""
    ratios = [(value.as_integer_ratio(), count) for value, count in counts.items() if count]
    if not ratios:
        return None
    d = max(bottom for (_top, bottom), _count in ratios)
    total = sum(top * (d // bottom) * count for (top, bottom), count in ratios)
    return total / (d * sum(count for _ratio, count in ratios))  # ints: rounded once


@dataclass
class QuestionRow:
    question_id: str
    question: AnyQuestion | None  # None when a teacher has since deleted their question
    answered: int = 0
    correct: int = 0
    wrong: Counter[str] = field(default_factory=Counter)
    reasons_asked: int = 0
    reasons_right: int = 0
    wrong_reasons: Counter[str] = field(default_factory=Counter)
    # The chance of being right each stated confidence means (scoring.CONFIDENCE): how many
    # answers stated each, split by whether the answer was right.
    confidence_right: Counter[float] = field(default_factory=Counter)
    confidence_wrong: Counter[float] = field(default_factory=Counter)
    discrimination: float | None = None  # point-biserial against the rest (item_stats)
    options: int | None = None  # how many answers it offers (set by _count, once)

    @property
    def percent(self) -> int:
        return percent(self.correct, self.answered) or 0

    @property
    def enough(self) -> bool:
        """Whether the question has MIN_ITEM_ANSWERS answers, so its statistics show."""
        return self.answered >= item_stats.MIN_ITEM_ANSWERS

    @property
    def facility(self) -> float | None:
        return self.correct / self.answered if self.answered else None

    @property
    def reason_percent(self) -> int | None:
        return percent(self.reasons_right, self.reasons_asked)

    @property
    def most_common_wrong_reason(self) -> tuple[str, int] | None:
        """Return the wrong reason given most often and how often (ties: concept id)."""
        if not self.wrong_reasons:
            return None
        best = max(self.wrong_reasons.values())
        return min(r for r, n in self.wrong_reasons.items() if n == best), best

    @property
    def mean_confidence_right(self) -> float | None:
        return _mean(self.confidence_right)

    @property
    def mean_confidence_wrong(self) -> float | None:
        return _mean(self.confidence_wrong)

    @property
    def truth(self) -> str | None:
        """Return the verdict of a classify question (the other kinds have none)."""
        # Not getattr with a default: a pydantic model's missing attribute raises, slowly.
        return self.question.verdict if isinstance(self.question, ClassifyQuestion) else None

    @property
    def most_common_wrong(self) -> tuple[str, int] | None:
        """Return the wrong answer given most often and how often (ties: verdict order)."""
        if not self.wrong:
            return None
        best = max(self.wrong.values())
        answer = next(v for v in (*VERDICTS, *sorted(self.wrong)) if self.wrong.get(v) == best)
        return answer, best


StudentRow: TypeAlias = StudentRowOf[Attempt]


@dataclass
class ClassReportOf(Generic[A]):
    students: list[StudentRowOf[A]]
    questions: list[QuestionRow]
    # confusion[truth][answered] = how many answers to questions whose verdict is `truth`
    # were `answered`; the diagonal is the right answers.
    confusion: dict[str, dict[str, int]]
    trust: Trust = field(default_factory=lambda: trust([]))  # over every classify answer
    concepts_missed: list[ConceptMiss] = field(default_factory=list)
    teach_next: list[tuple[ConceptMiss, str]] = field(default_factory=list)
    change: MeanChange | None = None  # hidden below MIN_CHANGE_STUDENTS students
    changes: int = 0  # students with both forms finished (first attempts only)
    kr20: dict[str, float | None] = field(default_factory=dict)  # by form; None: too few

    @property
    def answers(self) -> int:
        return sum(q.answered for q in self.questions)

    @property
    def finished(self) -> int:
        return sum(s.finished for s in self.students)

    @property
    def has_forms(self) -> bool:
        """Whether any attempt has check forms (then the roster shows each change)."""
        return any(s.attempt.check_in_count for s in self.students)


ClassReport: TypeAlias = ClassReportOf[Attempt]


def _count(
    rows: dict[str, QuestionRow],
    questions: Mapping[str, AnyQuestion],
    scores: Sequence[AttemptScore],
    totals: ClassTotals,
) -> None:
    """Set every question's row from the class's totals, and each question's discrimination:
    the point-biserial against the share right of the student's other answers."""
    if totals.answered.keys() - rows.keys():  # answers to questions not asked, first met first
        for qid in dict.fromkeys(chain.from_iterable(s.tally.asked for s in scores)):
            if qid not in rows:
                rows[qid] = QuestionRow(qid, questions.get(qid))
    for counter, field_name in (
        (totals.answered, "answered"),
        (totals.right, "correct"),
        (totals.reasoned, "reasons_asked"),
        (totals.reasoned_right, "reasons_right"),
    ):
        for qid, count in counter.items():
            setattr(rows[qid], field_name, count)
    for (qid, answer), count in totals.wrong.items():
        rows[qid].wrong[answer] = count
    for (qid, reason), count in totals.wrong_reasons.items():
        rows[qid].wrong_reasons[reason] = count
    for (qid, right, chance), count in totals.confidence.items():
        row = rows[qid]
        (row.confidence_right if right else row.confidence_wrong)[chance] = count
    for qid, row in rows.items():
        if row.confidence_right or row.confidence_wrong:
            row.options = options_of(row.question) if row.question is not None else None
        if row.enough and qid in totals.pairs:
            row.discrimination = item_stats.point_biserial_of_counts(totals.pairs[qid])


def _kr20(scores: Sequence[AttemptScore]) -> dict[str, float | None]:
    """Return each form's KR-20 over the students who answered all of it (the same items)."""
    grids: dict[tuple[str, frozenset[str]], list[tuple[bool, ...]]] = {}
    for score in scores:
        row: FormRow
        for row in score.forms:
            grids.setdefault((row.form, row.items), []).append(row.right)
    found: dict[str, float | None] = {}
    for (form, _ids), grid in sorted(grids.items(), key=lambda g: (g[0][0], -len(g[1]))):
        if form not in found:  # the items most of the class took, should a form have changed
            enough = len(grid) >= item_stats.MIN_KR20_STUDENTS
            found[form] = item_stats.kr20(grid) if enough else None
    return found


def _concepts(
    rows: Mapping[str, QuestionRow],
) -> tuple[list[ConceptMiss], list[tuple[ConceptMiss, str]]]:
    tested = {qid: list(r.question.concepts) for qid, r in rows.items() if r.question}
    results = {qid: (r.answered, r.answered - r.correct) for qid, r in rows.items()}
    missed = item_stats.concepts_missed(tested, results)
    bundled = {qid for qid in tested if lookup.owner_of(qid) is None}  # not a teacher's own
    return missed, item_stats.teach_next(missed, bundled)


def _students(attempts: Sequence[A], scores: Sequence[AttemptScore]) -> list[StudentRowOf[A]]:
    """Return the roster: each attempt with its student's name and attempt number."""
    students = []
    seen: Counter[str] = Counter()
    for attempt, score in zip(attempts, scores, strict=True):
        name = attempt.student_name or "(no name)"
        seen[name.casefold()] += 1
        students.append(
            StudentRowOf(
                attempt=attempt,
                name=name,
                number=seen[name.casefold()],
                questions=len(attempt.question_ids),
                answered=score.answered,
                correct=score.correct,
                started_at=attempt.created_at,
                finished_at=score.finished_at,
                trust=score.trust,
                profile=score.profile,
                change=score.change,
                score=score,
            )
        )
    return students


def class_report(
    attempts: Sequence[Attempt],
    questions: Mapping[str, AnyQuestion],
    order: Sequence[str],
    scores: Sequence[AttemptScore] | None = None,
    totals: ClassTotals | None = None,
) -> ClassReport:
    """Score every attempt of an assignment; `order` lists the question ids as the teacher
    sees them (questions nobody got are left out). `scores` holds each attempt's
    attempt_score.score_attempt, in the same order, when the caller kept them; without them
    every attempt is scored from its loaded answers. `totals` holds
    class_totals.totals_of(scores), when the caller kept and moved it on; without it the
    scores are added up from scratch."""
    if scores is None:
        scores = [score_attempt(a, list(a.answers), questions) for a in attempts]
    return scored_report(attempts, questions, order, scores, totals)


def scored_report(
    attempts: Sequence[A],
    questions: Mapping[str, AnyQuestion],
    order: Sequence[str],
    scores: Sequence[AttemptScore],
    totals: ClassTotals | None = None,
) -> ClassReportOf[A]:
    """Return class_report's report from each attempt's score (the dashboard keeps them, and
    reads its attempts as plain rows, without their answers)."""
    if totals is None:
        totals = totals_of(scores)
    rows: dict[str, QuestionRow] = {}
    asked: set[str] = set().union(*(attempt.question_ids for attempt in attempts))
    for qid in [*order, *sorted(asked - set(order))]:
        if qid in asked:
            rows[qid] = QuestionRow(qid, questions.get(qid))
    _count(rows, questions, scores, totals)
    students = _students(attempts, scores)
    missed, teach = _concepts(rows)
    changes = [
        s.change.accuracy
        for s in students
        if s.number == 1 and s.change is not None and s.change.accuracy is not None
    ]
    return ClassReportOf(
        students=students,
        questions=list(rows.values()),
        confusion=totals.confusion_table,
        trust=totals.trust_of_class,
        concepts_missed=missed,
        teach_next=teach,
        change=item_stats.mean_change(changes),
        changes=len(changes),
        kr20=_kr20(scores),
    )
