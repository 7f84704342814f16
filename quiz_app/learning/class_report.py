"""A class's results for the teacher's dashboard: the roster, each question, and the verdict
confusion. Pure functions over attempts and questions; no I/O."""

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from quiz_app.bank.catalog import AnyQuestion
from quiz_app.bank.vocabulary import VERDICTS
from quiz_app.learning import progress
from quiz_app.learning.percentages import percent
from quiz_app.learning.scoring import Judgement, Trust, confusion, trust
from quiz_app.models import Attempt


@dataclass
class StudentRow:
    """One attempt of one student."""

    attempt: Attempt
    name: str
    number: int  # 1 for the student's first attempt, 2 for the second…
    questions: int
    answered: int
    correct: int
    started_at: datetime
    finished_at: datetime | None  # when the last question was answered, or submitted
    trust: Trust  # over-trust and over-doubt of their classify answers (docs/scoring.md, 6)

    @property
    def percent(self) -> int:
        return percent(self.correct, self.answered) or 0

    @property
    def finished(self) -> bool:
        return self.finished_at is not None


@dataclass
class QuestionRow:
    question_id: str
    question: AnyQuestion | None  # None when a teacher has since deleted their question
    answered: int = 0
    correct: int = 0
    wrong: Counter[str] = field(default_factory=Counter)

    @property
    def percent(self) -> int:
        return percent(self.correct, self.answered) or 0

    @property
    def truth(self) -> str | None:
        return getattr(self.question, "verdict", None)

    @property
    def most_common_wrong(self) -> tuple[str, int] | None:
        """Return the wrong answer given most often and how often (ties: verdict order)."""
        if not self.wrong:
            return None
        best = max(self.wrong.values())
        answer = next(v for v in (*VERDICTS, *sorted(self.wrong)) if self.wrong.get(v) == best)
        return answer, best


@dataclass
class ClassReport:
    students: list[StudentRow]
    questions: list[QuestionRow]
    # confusion[truth][answered] = how many answers to questions whose verdict is `truth`
    # were `answered`; the diagonal is the right answers.
    confusion: dict[str, dict[str, int]]

    @property
    def answers(self) -> int:
        return sum(q.answered for q in self.questions)

    @property
    def finished(self) -> int:
        return sum(s.finished for s in self.students)


def class_report(
    attempts: Sequence[Attempt], questions: Mapping[str, AnyQuestion], order: Sequence[str]
) -> ClassReport:
    """Score every attempt of an assignment; `order` lists the question ids as the teacher
    sees them (questions nobody got are left out)."""
    students = []
    seen: Counter[str] = Counter()
    rows: dict[str, QuestionRow] = {}
    judgements: list[Judgement] = []
    asked = {qid for attempt in attempts for qid in attempt.question_ids}
    for qid in [*order, *sorted(asked - set(order))]:
        if qid in asked:
            rows[qid] = QuestionRow(qid, questions.get(qid))
    for attempt in attempts:
        name = attempt.student_name or "(no name)"
        seen[name.casefold()] += 1
        answers = list(attempt.answers)
        own: list[Judgement] = []
        for answer in answers:
            row = rows.setdefault(
                answer.question_id,
                QuestionRow(answer.question_id, questions.get(answer.question_id)),
            )
            row.answered += 1
            row.correct += answer.correct
            if not answer.correct:
                row.wrong[answer.answer] += 1
            if row.truth is not None:
                own.append(Judgement(row.truth, answer.answer))
        students.append(
            StudentRow(
                attempt=attempt,
                name=name,
                number=seen[name.casefold()],
                questions=len(attempt.question_ids),
                answered=len(answers),
                correct=sum(a.correct for a in answers),
                started_at=attempt.created_at,
                finished_at=progress.completed_at(attempt, answers),
                trust=trust(own),
            )
        )
        judgements.extend(own)
    return ClassReport(
        students=students, questions=list(rows.values()), confusion=confusion(judgements)
    )
