"""Class runs (an assignment run in class), the students in them and their second votes, as
keyword-only functions over a session."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from quiz_app.models import Answer, Assignment, Attempt, ClassRun, ClassRunStudent, Revote, utcnow


def active_run(session: Session, *, assignment_id: int) -> ClassRun | None:
    """Return the assignment's class run that has not finished, or None."""
    return session.scalar(
        select(ClassRun)
        .where(ClassRun.assignment_id == assignment_id, ClassRun.finished_at.is_(None))
        .order_by(ClassRun.id.desc())
        .limit(1)
    )


def latest_run(session: Session, *, assignment_id: int) -> ClassRun | None:
    """Return the assignment's most recent class run, finished or not, or None."""
    return session.scalar(
        select(ClassRun)
        .where(ClassRun.assignment_id == assignment_id)
        .order_by(ClassRun.id.desc())
        .limit(1)
    )


def latest_run_of(
    session: Session, *, assignment_id: int, attempt_id: int
) -> tuple[ClassRun | None, bool]:
    """Return the assignment's most recent class run (or None) and whether the attempt is one
    of its students, in one query (a class page asks at every fetch)."""
    row = session.execute(
        select(ClassRun, ClassRunStudent.attempt_id)
        .outerjoin(
            ClassRunStudent,
            and_(ClassRunStudent.run_id == ClassRun.id, ClassRunStudent.attempt_id == attempt_id),
        )
        .where(ClassRun.assignment_id == assignment_id)
        .order_by(ClassRun.id.desc())
        .limit(1)
    ).first()
    return (None, False) if row is None else (row[0], row[1] is not None)


def get_run(session: Session, *, run_id: int) -> ClassRun | None:
    return session.get(ClassRun, run_id)


def start_run(
    session: Session,
    *,
    assignment: Assignment,
    question_ids: Sequence[str],
    check_in_count: int,
    check_out_count: int,
) -> ClassRun:
    """Return the assignment's unfinished run, or store a new one in the lobby."""
    found = active_run(session, assignment_id=assignment.id)
    if found is not None:
        return found
    run = ClassRun(
        assignment_id=assignment.id,
        question_ids=list(question_ids),
        check_in_count=check_in_count,
        check_out_count=check_out_count,
        position=0,
        step="lobby",
    )
    session.add(run)
    session.commit()
    return run


def move_run(
    session: Session, *, run: ClassRun, step_from: str, position_from: int, step: str, position: int
) -> bool:
    """Move the run to `step` at `position` if it is still at (step_from, position_from);
    return whether this call moved it (two presenter windows pressing at once move it once)."""
    now = utcnow()
    moved = session.execute(
        update(ClassRun)
        .where(
            ClassRun.id == run.id,
            ClassRun.step == step_from,
            ClassRun.position == position_from,
            ClassRun.finished_at.is_(None),
        )
        .values(
            step=step,
            position=position,
            step_at=now,
            finished_at=now if step == "finished" else None,
        )
        .execution_options(synchronize_session=False)
    )
    session.commit()
    session.refresh(run)
    return bool(getattr(moved, "rowcount", 0))


def join_run(session: Session, *, run: ClassRun, attempt: Attempt) -> None:
    """Make the attempt one of the run's students (once). An attempt with no answer yet takes
    the run's order of claims, so everyone in the room sees the same claim."""
    if is_member(session, run=run, attempt=attempt):
        return
    answered = session.scalar(
        select(func.count()).select_from(Answer).where(Answer.attempt_id == attempt.id)
    )
    if not answered and attempt.question_ids != run.question_ids:
        attempt.question_ids = list(run.question_ids)
        attempt.check_in_count = run.check_in_count
        attempt.check_out_count = run.check_out_count
    session.add(ClassRunStudent(run_id=run.id, attempt_id=attempt.id))
    try:
        session.commit()
    except IntegrityError:  # the same student's other tab joined first
        session.rollback()


def is_member(session: Session, *, run: ClassRun, attempt: Attempt) -> bool:
    found = session.get(ClassRunStudent, (run.id, attempt.id))
    return found is not None


def member_attempt_ids(session: Session, *, run: ClassRun) -> list[int]:
    rows = session.scalars(
        select(ClassRunStudent.attempt_id).where(ClassRunStudent.run_id == run.id)
    )
    return list(rows)


@dataclass(frozen=True)
class Counts:
    """How many students joined the run, answered the current claim, and voted again on it."""

    joined: int
    answered: int
    revoted: int


def counts(session: Session, *, run: ClassRun) -> Counts:
    """Return the run's counts for its current claim (never what anyone answered)."""
    return counts_of(session, runs=[run])[run.id]


def counts_of(session: Session, *, runs: Sequence[ClassRun]) -> dict[int, Counts]:
    """Return the counts of several runs, in two queries whatever their number (the event
    poller reads every watched run of a process at once)."""
    ids = [r.id for r in runs]
    joined = dict(
        session.execute(
            select(ClassRunStudent.run_id, func.count())
            .where(ClassRunStudent.run_id.in_(ids))
            .group_by(ClassRunStudent.run_id)
        ).all()
    )
    current = [
        and_(ClassRunStudent.run_id == r.id, Answer.question_id == r.question_ids[r.position])
        for r in runs
        if r.position < len(r.question_ids)
    ]
    answered: dict[int, tuple[int, int]] = {}
    if current:
        rows = session.execute(
            select(ClassRunStudent.run_id, func.count(Answer.id), func.count(Revote.answer_id))
            .join(Answer, Answer.attempt_id == ClassRunStudent.attempt_id)
            .outerjoin(Revote, Revote.answer_id == Answer.id)
            .where(or_(*current))
            .group_by(ClassRunStudent.run_id)
        ).all()
        answered = {run_id: (first, second) for run_id, first, second in rows}
    return {i: Counts(joined.get(i, 0), *answered.get(i, (0, 0))) for i in ids}


def runs_by_id(session: Session, *, run_ids: Sequence[int]) -> list[ClassRun]:
    """Return those of the runs that exist (finished or not), fresh from the database."""
    if not run_ids:
        return []
    rows = session.scalars(select(ClassRun).where(ClassRun.id.in_(list(run_ids))))
    return list(rows)


def votes(
    session: Session, *, run: ClassRun, question_id: str
) -> list[tuple[Answer, Revote | None]]:
    """Return the run's students' answers to a claim, each with its revote or None."""
    return [
        (answer, revote)
        for _, answer, revote in member_votes(session, run=run, question_id=question_id)
    ]


def members_answering(
    session: Session, *, run: ClassRun, question_id: str
) -> list[tuple[Attempt, bool]]:
    """Return the run's students' attempts, each with whether it has answered the claim."""
    rows = session.execute(
        select(Attempt, Answer.id)
        .join(ClassRunStudent, ClassRunStudent.attempt_id == Attempt.id)
        .outerjoin(Answer, and_(Answer.attempt_id == Attempt.id, Answer.question_id == question_id))
        .where(ClassRunStudent.run_id == run.id)
    ).all()
    return [(attempt, answer_id is not None) for attempt, answer_id in rows]


def member_votes(
    session: Session, *, run: ClassRun, question_id: str
) -> list[tuple[int, Answer, Revote | None]]:
    """Return the run's students' answers to a claim, each with the attempt's seed (the order
    its device shows the choices in) and the revote or None."""
    rows = session.execute(
        select(Attempt.seed, Answer, Revote)
        .join(ClassRunStudent, ClassRunStudent.attempt_id == Answer.attempt_id)
        .join(Attempt, Attempt.id == Answer.attempt_id)
        .outerjoin(Revote, Revote.answer_id == Answer.id)
        .where(ClassRunStudent.run_id == run.id, Answer.question_id == question_id)
        .order_by(Answer.id)
    ).all()
    return [(seed, answer, revote) for seed, answer, revote in rows]


def revote_of(session: Session, *, answer: Answer) -> Revote | None:
    return session.get(Revote, answer.id)


def save_revote(
    session: Session,
    *,
    answer: Answer,
    choice: str,
    correct: bool,
    reason: str | None,
    reason_correct: bool | None,
    confidence: str | None,
) -> tuple[Revote, bool]:
    """Save a second vote beside a scored answer once; return it and whether this call
    created it (a double submit stores one: the primary key decides)."""
    existing = revote_of(session, answer=answer)
    if existing is not None:
        return existing, False
    row = Revote(
        answer_id=answer.id,
        answer=choice,
        correct=correct,
        reason=reason,
        reason_correct=reason_correct,
        confidence=confidence,
    )
    session.add(row)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        winner = revote_of(session, answer=answer)
        if winner is None:
            raise
        return winner, False
    return row, True


def revotes_of(session: Session, *, answer_ids: Sequence[int]) -> dict[int, Revote]:
    """Return the revotes of the given answers, by answer id."""
    found: dict[int, Revote] = {}
    ids = list(answer_ids)
    for start in range(0, len(ids), 500):
        rows = session.scalars(select(Revote).where(Revote.answer_id.in_(ids[start : start + 500])))
        found.update({row.answer_id: row for row in rows})
    return found


def vote_of(
    session: Session, *, attempt: Attempt, question_id: str
) -> tuple[Answer | None, Revote | None]:
    """Return the attempt's scored answer to a question and its revote (each or None), in one
    query."""
    row = session.execute(
        select(Answer, Revote)
        .outerjoin(Revote, Revote.answer_id == Answer.id)
        .where(Answer.attempt_id == attempt.id, Answer.question_id == question_id)
    ).first()
    return (None, None) if row is None else (row[0], row[1])


def revote_counts(session: Session, *, assignment_id: int) -> list[Any]:
    """Return, per question of the assignment that had second votes in class, in one query:
    `question_id`, `votes` (second votes), `changed` (a different verdict or option),
    `first_right` and `second_right` (of those students, right at each vote)."""
    changed = case((Revote.answer != Answer.answer, 1), else_=0)
    return list(
        session.execute(
            select(
                Answer.question_id,
                func.count().label("votes"),
                func.sum(changed).label("changed"),
                func.sum(case((Answer.correct, 1), else_=0)).label("first_right"),
                func.sum(case((Revote.correct, 1), else_=0)).label("second_right"),
            )
            .join(Revote, Revote.answer_id == Answer.id)
            .join(Attempt, Attempt.id == Answer.attempt_id)
            .where(Attempt.assignment_id == assignment_id)
            .group_by(Answer.question_id)
            .order_by(Answer.question_id)
        )
    )
