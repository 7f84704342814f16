"""One student of an assignment as a teacher manages them: what they are allowed beyond the
assignment's settings (another attempt, a later closing time), and the assignment's log of what
the teacher did, as keyword-only functions over a session.

A student is the name they joined with, compared casefolded (classroom.assignments.name_key),
as the join page counts their attempts.
"""

from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from quiz_app.models import Assignment, AssignmentEvent, Attempt, StudentAllowance, Teacher
from quiz_app.store.attempts import delete_attempt


def get_allowance(
    session: Session, *, assignment: Assignment, student_key: str
) -> StudentAllowance | None:
    return session.scalar(
        select(StudentAllowance).where(
            StudentAllowance.assignment_id == assignment.id,
            StudentAllowance.student_key == student_key,
        )
    )


def allowance_of(session: Session, *, attempt: Attempt) -> StudentAllowance | None:
    """Return the allowance of the student who made an assignment's attempt, if any."""
    if attempt.assignment is None or attempt.student_name is None:
        return None
    return get_allowance(
        session, assignment=attempt.assignment, student_key=attempt.student_name.casefold()
    )


def latest_closing(session: Session, *, assignment: Assignment) -> datetime | None:
    """Return the latest closing time any student of the assignment was given, or None."""
    latest: datetime | None = session.scalar(
        select(func.max(StudentAllowance.closes_at)).where(
            StudentAllowance.assignment_id == assignment.id
        )
    )
    # SQLite hands an aggregate back naive (it skips the column type): it is stored as UTC.
    if latest is not None and latest.tzinfo is None:
        latest = latest.replace(tzinfo=UTC)
    return latest


def _allowance(session: Session, assignment: Assignment, student_key: str) -> StudentAllowance:
    found = get_allowance(session, assignment=assignment, student_key=student_key)
    if found is None:
        found = StudentAllowance(
            assignment_id=assignment.id, student_key=student_key, extra_attempts=0
        )
        session.add(found)
    return found


def _log(
    session: Session,
    assignment: Assignment,
    teacher: Teacher,
    action: str,
    student_name: str,
    details: str,
) -> None:
    session.add(
        AssignmentEvent(
            assignment_id=assignment.id,
            teacher_id=teacher.id,
            action=action,
            student_name=student_name,
            details=details[:500],
        )
    )


def give_another_attempt(
    session: Session,
    *,
    assignment: Assignment,
    teacher: Teacher,
    student_name: str,
    details: str,
) -> StudentAllowance:
    """Allow the student one more attempt than before, and log it; return the allowance."""
    allowance = _allowance(session, assignment, student_name.casefold())
    allowance.extra_attempts = (allowance.extra_attempts or 0) + 1
    _log(session, assignment, teacher, "another-attempt", student_name, details)
    session.commit()
    return allowance


def set_closing_time(
    session: Session,
    *,
    assignment: Assignment,
    teacher: Teacher,
    student_name: str,
    closes_at: datetime,
    details: str,
) -> StudentAllowance:
    """Give the student their own closing time, and log it; return the allowance."""
    allowance = _allowance(session, assignment, student_name.casefold())
    allowance.closes_at = closes_at
    _log(session, assignment, teacher, "extra-time", student_name, details)
    session.commit()
    return allowance


def readmit(
    session: Session,
    *,
    assignment: Assignment,
    teacher: Teacher,
    attempt: Attempt,
    resume_code: str,
    details: str,
) -> None:
    """Give the attempt a new resume code (the old one stops working), and log it."""
    attempt.resume_code = resume_code
    _log(session, assignment, teacher, "re-admit", attempt.student_name or "", details)
    session.commit()


def delete_student_attempt(
    session: Session, *, assignment: Assignment, teacher: Teacher, attempt: Attempt, details: str
) -> None:
    """Delete one attempt of the assignment with its answers, and log it, in one commit."""
    _log(session, assignment, teacher, "delete-attempt", attempt.student_name or "", details)
    delete_attempt(session, attempt=attempt)


def list_events(session: Session, *, assignment: Assignment) -> list[AssignmentEvent]:
    """Return the assignment's log, newest first, with the teacher of each line."""
    return list(
        session.scalars(
            select(AssignmentEvent)
            .options(selectinload(AssignmentEvent.teacher))
            .where(AssignmentEvent.assignment_id == assignment.id)
            .order_by(AssignmentEvent.id.desc())
        )
    )
