"""One student of an assignment as a teacher manages them: what they are allowed beyond the
assignment's settings (another attempt, a later closing time), and the assignment's log of what
the teacher did, as keyword-only functions over a session.

A student who joined with the code is the name they typed, compared casefolded
(classroom.assignments.name_key), as the join page counts their attempts; a student who came from
an LMS is their LMS user (lms_student_key), whatever name the LMS sends.
"""

from datetime import UTC, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, selectinload

from quiz_app.lti.tables import LtiAttempt, LtiUser
from quiz_app.models import Assignment, AssignmentEvent, Attempt, StudentAllowance, Teacher
from quiz_app.store.assignments import count_student_attempts
from quiz_app.store.attempts import delete_attempt, delete_attempts

# An LMS user's student key. A typed name never holds a tab (clean_name drops control
# characters), so no student who joins with the code can take an LMS student's allowance.
LMS_KEY = "lti\t{}"


def lms_student_key(user: LtiUser) -> str:
    return LMS_KEY.format(user.id)


def student_key_of(session: Session, *, attempt: Attempt) -> str | None:
    """Return the key of the student who made the attempt: their LMS user, or their name."""
    user_id = session.scalar(
        select(LtiAttempt.lti_user_id).where(LtiAttempt.attempt_id == attempt.id)
    )
    if user_id is not None:
        return LMS_KEY.format(user_id)
    return None if attempt.student_name is None else attempt.student_name.casefold()


def count_attempts_of(session: Session, *, assignment: Assignment, student_key: str) -> int:
    """Return how many attempts of the assignment the student (by student key) started."""
    if not student_key.startswith(LMS_KEY.format("")):
        return count_student_attempts(session, assignment=assignment, student_key=student_key)
    user_id = int(student_key.removeprefix(LMS_KEY.format("")))
    return (
        session.scalar(
            select(func.count())
            .select_from(LtiAttempt)
            .where(LtiAttempt.lti_user_id == user_id, LtiAttempt.assignment_id == assignment.id)
        )
        or 0
    )


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
    if attempt.assignment is None:
        return None
    key = student_key_of(session, attempt=attempt)
    if key is None:
        return None
    return get_allowance(session, assignment=attempt.assignment, student_key=key)


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
    student_key: str,
    student_name: str,
    details: str,
) -> StudentAllowance:
    """Allow the student one more attempt than before, and log it; return the allowance."""
    allowance = _allowance(session, assignment, student_key)
    allowance.extra_attempts = (allowance.extra_attempts or 0) + 1
    _log(session, assignment, teacher, "another-attempt", student_name, details)
    session.commit()
    return allowance


def set_closing_time(
    session: Session,
    *,
    assignment: Assignment,
    teacher: Teacher,
    student_key: str,
    student_name: str,
    closes_at: datetime,
    details: str,
) -> StudentAllowance:
    """Give the student their own closing time, and log it; return the allowance."""
    allowance = _allowance(session, assignment, student_key)
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


def student_rows(
    session: Session, *, assignment: Assignment, student_key: str
) -> tuple[list[int], list[int], list[int]]:
    """Return the ids of one student's attempts, log lines and allowance in an assignment
    (the student is their name casefolded, as the join page counts their attempts)."""
    attempts = session.execute(
        select(Attempt.id, Attempt.student_name).where(Attempt.assignment_id == assignment.id)
    )
    events = session.execute(
        select(AssignmentEvent.id, AssignmentEvent.student_name).where(
            AssignmentEvent.assignment_id == assignment.id
        )
    )
    allowance = get_allowance(session, assignment=assignment, student_key=student_key)
    return (
        [row.id for row in attempts if (row.student_name or "").casefold() == student_key],
        [row.id for row in events if row.student_name.casefold() == student_key],
        [allowance.id] if allowance is not None else [],
    )


def delete_student(session: Session, *, assignment: Assignment, student_key: str) -> None:
    """Delete everything of one student in an assignment: their attempts (delete_attempts),
    the log's lines about them and their allowance, in one commit. Nothing is logged, as a
    log line would keep their name."""
    attempts, events, allowances = student_rows(
        session, assignment=assignment, student_key=student_key
    )
    session.execute(delete(AssignmentEvent).where(AssignmentEvent.id.in_(events)))
    session.execute(delete(StudentAllowance).where(StudentAllowance.id.in_(allowances)))
    delete_attempts(session, attempt_ids=attempts)


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
