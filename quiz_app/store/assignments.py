"""Teachers' assignments, the attempts students make at them, and handing an attempt in, as
keyword-only functions over a session.

Functions that take a `teacher` only ever return that teacher's rows: isolation between
teachers is enforced here, in the WHERE clauses, not in the routes.
"""

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import (
    BindParameter,
    Integer,
    Select,
    Text,
    bindparam,
    cast,
    delete,
    func,
    literal,
    select,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from quiz_app.learning.attempt_row import AttemptRow
from quiz_app.lti.tables import LtiAttempt, LtiGrade, LtiResourceLink
from quiz_app.models import Answer, Assignment, Attempt, Revote, Teacher, utcnow
from quiz_app.store.attempts import new_token


def create_assignment(
    session: Session, *, teacher: Teacher, codes: list[str], **fields: Any
) -> Assignment:
    """Store a new assignment with the first of `codes` no other assignment uses."""
    for code in codes:
        assignment = Assignment(teacher_id=teacher.id, join_code=code, **fields)
        session.add(assignment)
        try:
            session.commit()
            return assignment
        except IntegrityError:
            session.rollback()
    raise RuntimeError("no free join code among the candidates")


def list_assignments(session: Session, *, teacher: Teacher) -> list[tuple[Assignment, int]]:
    """Return the teacher's assignments, newest first, each with its number of attempts."""
    counts = (
        select(Attempt.assignment_id, func.count().label("n"))
        .group_by(Attempt.assignment_id)
        .subquery()
    )
    rows = session.execute(
        select(Assignment, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.assignment_id == Assignment.id)
        .where(Assignment.teacher_id == teacher.id)
        .order_by(Assignment.id.desc())
    )
    return [(a, n) for a, n in rows]


def get_assignment(session: Session, *, teacher: Teacher, assignment_id: int) -> Assignment | None:
    """Return the teacher's own assignment with that id; another teacher's is None."""
    return session.scalar(
        select(Assignment).where(
            Assignment.id == assignment_id, Assignment.teacher_id == teacher.id
        )
    )


def any_assignment(session: Session, *, assignment_id: int) -> Assignment | None:
    """Return the assignment of this id whoever's it is (for the admin's commands only)."""
    return session.get(Assignment, assignment_id)


def get_assignment_by_code(session: Session, *, code: str) -> Assignment | None:
    return session.scalar(select(Assignment).where(Assignment.join_code == code))


def update_assignment(session: Session, *, assignment: Assignment, **fields: Any) -> None:
    for name, value in fields.items():
        setattr(assignment, name, value)
    session.commit()


def delete_assignment(session: Session, *, assignment: Assignment) -> None:
    """Delete an assignment; the database deletes its attempts and their answers with it."""
    session.execute(delete(Assignment).where(Assignment.id == assignment.id))
    session.commit()
    session.expire_all()


def attempts_with_answers(session: Session, *, assignment: Assignment) -> list[Attempt]:
    """Return the assignment's attempts, oldest first, with their answers loaded, in two
    queries. The answers are plain column rows (each with an Answer's attributes), set as
    each attempt's loaded `answers`: read-only, for reports (ORM objects cost 7× as much)."""
    attempts = list(
        session.scalars(
            select(Attempt).where(Attempt.assignment_id == assignment.id).order_by(Attempt.id)
        )
    )
    _load_answers(session, assignment, attempts)
    return attempts


class GradeRow(NamedTuple):
    """An attempt's LMS grade as the dashboard shows it (its columns, not an ORM object)."""

    attempt_id: int
    status: str
    tries: int
    next_attempt_at: datetime
    last_error: str
    sent_at: datetime | None


@dataclass
class ClassRows:
    """Everything an assignment's dashboard reads before its answers, from one query."""

    attempts: list[AttemptRow]  # oldest first; their answers not read (answers_of reads them)
    linked: bool  # whether an LMS link opens the assignment
    lms_attempts: set[int]  # the ids of the attempts made through an LMS launch
    grades: dict[int, GradeRow]  # their LMS grades, by attempt id
    # By attempt id: how many answers it has and the id of its last one (None: no answer yet).
    # Answers are only ever added to an attempt, so these change whenever its answers do.
    answered: dict[int, tuple[int, int | None]]


# The question ids of an attempt are read as their JSON text and decoded once per process:
# they never change, and a class's 300 lists decoded at every poll cost 3 ms. Lists kept:
KEPT_QUESTION_LISTS = 4096


@functools.lru_cache(maxsize=KEPT_QUESTION_LISTS)
def _question_ids(text: str) -> tuple[str, ...]:
    return tuple(json.loads(text))


# What the dashboard reads of an attempt, in AttemptRow's order (the question ids as text).
ATTEMPT_COLUMNS = (
    Attempt.id,
    Attempt.token,
    Attempt.seed,
    cast(Attempt.question_ids, Text),
    Attempt.check_in_count,
    Attempt.check_out_count,
    Attempt.created_at,
    Attempt.student_name,
    Attempt.submitted_at,
)


# What the dashboard shows of an LMS grade, in GradeRow's order.
GRADE_COLUMNS = (
    LtiGrade.attempt_id,
    LtiGrade.status,
    LtiGrade.tries,
    LtiGrade.next_attempt_at,
    LtiGrade.last_error,
    LtiGrade.sent_at,
)
# The dashboard's queries, built once (building and keying them cost each poll more than
# running them); each takes the assignment's id as the parameter "assignment_id".
_ASSIGNMENT_ID: BindParameter[int] = bindparam("assignment_id", type_=Integer)
_ATTEMPT_ANSWERS = (Answer.attempt_id == Attempt.id,)
_CLASS_ROWS = (
    select(
        select(func.count())
        .select_from(LtiResourceLink)
        .where(LtiResourceLink.assignment_id == _ASSIGNMENT_ID)
        .scalar_subquery(),
        *ATTEMPT_COLUMNS,
        LtiAttempt.attempt_id,
        *GRADE_COLUMNS,
        select(func.count()).where(*_ATTEMPT_ANSWERS).correlate(Attempt).scalar_subquery(),
        select(func.max(Answer.id)).where(*_ATTEMPT_ANSWERS).correlate(Attempt).scalar_subquery(),
    )
    .select_from(select(literal(1).label("one")).subquery())  # one row, even with no attempts
    .outerjoin(Attempt, Attempt.assignment_id == _ASSIGNMENT_ID)
    .outerjoin(LtiAttempt, LtiAttempt.attempt_id == Attempt.id)
    .outerjoin(LtiGrade, LtiGrade.attempt_id == Attempt.id)
    .order_by(Attempt.id)
)


def class_rows(session: Session, *, assignment: Assignment) -> ClassRows:
    """Return the assignment's attempts with their LMS grades and how far each got, in one
    query: the attempts, their LMS launches and grades, whether a link opens the assignment,
    and each attempt's answer count and last answer id (counted in the index, not read)."""
    rows = session.execute(_CLASS_ROWS, {"assignment_id": assignment.id}).all()
    attempts = [_attempt_row(row) for row in rows if row[1] is not None]
    lms = len(ATTEMPT_COLUMNS) + 1
    grade = slice(lms + 1, lms + 1 + len(GRADE_COLUMNS))
    return ClassRows(
        attempts=attempts,
        linked=bool(rows and rows[0][0]),
        lms_attempts={row[lms] for row in rows if row[lms] is not None},
        grades={row[lms + 1]: GradeRow(*row[grade]) for row in rows if row[lms + 1] is not None},
        answered={row[1]: (row[-2], row[-1]) for row in rows if row[1] is not None},
    )


def _attempt_row(row: Any) -> AttemptRow:
    found, token, seed, ids, check_in, check_out, created, name, submitted = row[1:10]
    return AttemptRow(
        found, token, seed, _question_ids(ids), check_in, check_out, created, name, submitted
    )


# Above this many attempts, answers_of reads the whole assignment's answers rather than
# naming each attempt in the query (an IN list that long costs more than the rows it skips).
ANSWERS_BY_ID = 100


def answers_of(
    session: Session, *, assignment: Assignment, attempts: Sequence[Attempt | AttemptRow]
) -> dict[int, list[Any]]:
    """Return the answers of some of the assignment's attempts as plain column rows, by
    attempt id, oldest first, in one query (no query when `attempts` is empty)."""
    by_attempt: dict[int, list[Any]] = {a.id: [] for a in attempts}
    if not attempts:
        return by_attempt
    if len(by_attempt) <= ANSWERS_BY_ID:
        rows = session.execute(_ANSWERS_BY_ID, {"attempt_ids": list(by_attempt)})
    else:
        rows = session.execute(_ANSWERS_OF_CLASS, {"assignment_id": assignment.id})
    for row in rows:
        if (found := by_attempt.get(row.attempt_id)) is not None:
            found.append(row)
    return by_attempt


def _load_answers(session: Session, assignment: Assignment, attempts: list[Attempt]) -> None:
    """Set each attempt's loaded `answers` to its answers' column rows, in one query."""
    by_attempt = answers_of(session, assignment=assignment, attempts=attempts)
    for attempt in attempts:
        set_committed_value(attempt, "answers", by_attempt[attempt.id])


# What a report reads of an answer (everything but the relationship back to its attempt).
ANSWER_COLUMNS = (
    Answer.id,
    Answer.attempt_id,
    Answer.question_id,
    Answer.answer,
    Answer.correct,
    Answer.reason,
    Answer.reason_correct,
    Answer.confidence,
    Answer.created_at,
)
# The second vote in class beside it (learning/revotes.py), NULL without one.
REVOTE_COLUMNS = (
    Revote.answer.label("revote_answer"),
    Revote.correct.label("revote_correct"),
    Revote.reason.label("revote_reason"),
    Revote.reason_correct.label("revote_reason_correct"),
    Revote.confidence.label("revote_confidence"),
)
_ANSWERS = (
    select(*ANSWER_COLUMNS, *REVOTE_COLUMNS)
    .outerjoin(Revote, Revote.answer_id == Answer.id)  # class mode's second vote, if any
    .order_by(Answer.attempt_id, Answer.id)
)
_ANSWERS_BY_ID = _ANSWERS.where(Answer.attempt_id.in_(bindparam("attempt_ids", expanding=True)))
_ANSWERS_OF_CLASS = _ANSWERS.join(Attempt, Attempt.id == Answer.attempt_id).where(
    Attempt.assignment_id == _ASSIGNMENT_ID
)


def get_assignment_attempt(
    session: Session, *, assignment: Assignment, attempt_id: int
) -> Attempt | None:
    return session.scalar(
        select(Attempt)
        .options(selectinload(Attempt.answers))
        .where(Attempt.id == attempt_id, Attempt.assignment_id == assignment.id)
    )


def student_attempts(
    session: Session, *, assignment: Assignment, student_key: str
) -> list[Attempt]:
    """Return a student's attempts at this assignment (by normalized name), oldest first."""
    attempts = session.scalars(
        select(Attempt).where(Attempt.assignment_id == assignment.id).order_by(Attempt.id)
    )
    return [a for a in attempts if (a.student_name or "").casefold() == student_key]


def count_student_attempts(session: Session, *, assignment: Assignment, student_key: str) -> int:
    """Return how many attempts of this assignment a student (by normalized name) started."""
    return len(student_attempts(session, assignment=assignment, student_key=student_key))


def assignment_set_id(assignment: Assignment) -> str:
    """Return the set_id an assignment's attempts carry (bundled sets' ids have no such form)."""
    return f"assignment-{assignment.id}"


def new_assignment_attempt(
    assignment: Assignment,
    *,
    student_name: str,
    question_ids: list[str],
    seed: int,
    check_in_count: int = 0,
    check_out_count: int = 0,
) -> Attempt:
    """Return a new attempt of a student at the assignment, with a fresh token (not stored).

    The first check_in_count and last check_out_count questions are the check forms."""
    return Attempt(
        token=new_token(),
        set_id=assignment_set_id(assignment),
        seed=seed,
        question_ids=list(question_ids),
        check_in_count=check_in_count,
        check_out_count=check_out_count,
        assignment_id=assignment.id,
        student_name=student_name,
    )


def create_assignment_attempt(
    session: Session,
    *,
    assignment: Assignment,
    student_name: str,
    question_ids: list[str],
    seed: int,
    check_in_count: int = 0,
    check_out_count: int = 0,
    resume_code: str | None = None,
) -> Attempt:
    attempt = new_assignment_attempt(
        assignment,
        student_name=student_name,
        question_ids=question_ids,
        seed=seed,
        check_in_count=check_in_count,
        check_out_count=check_out_count,
    )
    attempt.resume_code = resume_code
    session.add(attempt)
    session.commit()
    return attempt


def submit_attempt(session: Session, *, attempt: Attempt) -> bool:
    """Mark an attempt as submitted (its results are shown from now on), only once; return
    whether this call submitted it."""
    if attempt.submitted_at is not None:
        return False
    attempt.submitted_at = utcnow()
    session.commit()
    return True


def _results_version_query() -> Select[Any]:
    attempts = select(Attempt.id).where(Attempt.assignment_id == _ASSIGNMENT_ID)
    of_class = Attempt.assignment_id == _ASSIGNMENT_ID
    return select(
        select(func.count()).where(of_class).scalar_subquery(),
        select(func.coalesce(func.max(Attempt.id), 0)).where(of_class).scalar_subquery(),
        select(func.count(Attempt.submitted_at)).where(of_class).scalar_subquery(),
        select(func.count()).where(Answer.attempt_id.in_(attempts)).scalar_subquery(),
        select(func.coalesce(func.max(Answer.id), 0))
        .where(Answer.attempt_id.in_(attempts))
        .scalar_subquery(),
        select(func.count(LtiGrade.sent_at))
        .where(LtiGrade.attempt_id.in_(attempts))
        .scalar_subquery(),
        select(func.coalesce(func.sum(LtiGrade.tries), 0))
        .where(LtiGrade.attempt_id.in_(attempts))
        .scalar_subquery(),
    )


_RESULTS_VERSION = _results_version_query()


def results_version(session: Session, *, assignment: Assignment) -> str:
    """Return a short text that changes whenever anything the dashboard counts changes: an
    attempt started, submitted or deleted, an answer saved or deleted, an LMS grade moved on.
    One query; the dashboard's poll compares it to skip an unchanged class."""
    row = session.execute(_RESULTS_VERSION, {"assignment_id": assignment.id}).one()
    return "-".join(str(value) for value in row)
