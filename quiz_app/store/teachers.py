"""Every query of the teacher features (accounts, sessions, login slowdown, assignments,
teachers' own questions), as keyword-only functions over a session. store.py holds the
student quiz's queries.

Functions that take a `teacher` only ever return that teacher's rows: isolation between
teachers is enforced here, in the WHERE clauses, not in the routes.
"""

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from quiz_app import auth
from quiz_app.lti import grades
from quiz_app.models import (
    Answer,
    Assignment,
    Attempt,
    LoginThrottle,
    Teacher,
    TeacherQuestion,
    TeacherSession,
    utcnow,
)
from quiz_app.store.attempts import new_token

# --- accounts ---------------------------------------------------------------------------


def get_teacher_by_email(session: Session, *, email: str) -> Teacher | None:
    return session.scalar(select(Teacher).where(Teacher.email == auth.normalize_email(email)))


def create_teacher(session: Session, *, email: str, password: str) -> Teacher | None:
    """Store a new teacher; return None when the email already has an account."""
    teacher = Teacher(email=auth.normalize_email(email), password_hash=auth.hash_password(password))
    session.add(teacher)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return None
    return teacher


def set_password(session: Session, *, teacher: Teacher, password: str) -> None:
    """Change a teacher's password and log out every browser they were logged in on."""
    teacher.password_hash = auth.hash_password(password)
    session.execute(delete(TeacherSession).where(TeacherSession.teacher_id == teacher.id))
    session.execute(delete(LoginThrottle).where(LoginThrottle.key == account_key(teacher.email)))
    session.commit()


def set_timezone(session: Session, *, teacher: Teacher, timezone: str) -> None:
    if teacher.timezone != timezone:
        teacher.timezone = timezone
        session.commit()


# --- sessions ---------------------------------------------------------------------------


def create_session(session: Session, *, teacher: Teacher, hours: int) -> tuple[str, str]:
    """Log a teacher in: store a new session and return (cookie token, CSRF token)."""
    now = utcnow()
    session.execute(delete(TeacherSession).where(TeacherSession.expires_at <= now))
    token, csrf = auth.new_session_token(), auth.new_csrf_token()
    session.add(
        TeacherSession(
            token_hash=auth.token_hash(token),
            teacher_id=teacher.id,
            csrf_token=csrf,
            expires_at=now + timedelta(hours=hours),
        )
    )
    session.commit()
    return token, csrf


def get_session(session: Session, *, token: str) -> TeacherSession | None:
    """Return the live session of a cookie token, with its teacher, or None."""
    row = session.scalar(
        select(TeacherSession)
        .options(selectinload(TeacherSession.teacher))
        .where(TeacherSession.token_hash == auth.token_hash(token))
    )
    if row is None or row.expires_at <= utcnow():
        return None
    return row


def end_session(session: Session, *, token: str) -> None:
    session.execute(
        delete(TeacherSession).where(TeacherSession.token_hash == auth.token_hash(token))
    )
    session.commit()


# --- login slowdown ---------------------------------------------------------------------


def account_key(email: str) -> str:
    return f"account:{auth.normalize_email(email)}"[:320]


def address_key(address: str) -> str:
    return f"address:{address}"[:320]


def _throttle_state(row: LoginThrottle | None) -> auth.ThrottleState | None:
    if row is None:
        return None
    return auth.ThrottleState(row.failures, row.window_start, row.locked_until, row.locks)


def login_locked_until(session: Session, *, keys: list[str], now: datetime) -> datetime | None:
    """Return the latest time any of the keys is locked until, or None when none is locked."""
    rows = session.scalars(select(LoginThrottle).where(LoginThrottle.key.in_(keys)))
    times = [t for row in rows if (t := auth.locked_until(_throttle_state(row), now))]
    return max(times, default=None)


def record_login_failure(session: Session, *, keys: list[str], now: datetime) -> None:
    """Count one failed login against each key (an account and an address)."""
    for key in keys:
        for _ in range(2):  # a concurrent first failure may insert the row first: read it back
            row = session.get(LoginThrottle, key, populate_existing=True)
            state = auth.after_failure(_throttle_state(row), now)
            if row is None:
                row = LoginThrottle(key=key)
                session.add(row)
            row.failures, row.window_start = state.failures, state.window_start
            row.locked_until, row.locks = state.locked_until, state.locks
            try:
                session.commit()
                break
            except IntegrityError:
                session.rollback()


def clear_login_failures(session: Session, *, key: str) -> None:
    session.execute(delete(LoginThrottle).where(LoginThrottle.key == key))
    session.commit()


# --- assignments ------------------------------------------------------------------------


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
    """Return the assignment's attempts, oldest first, with their answers loaded."""
    return list(
        session.scalars(
            select(Attempt)
            .options(selectinload(Attempt.answers))
            .where(Attempt.assignment_id == assignment.id)
            .order_by(Attempt.id)
        )
    )


def get_assignment_attempt(
    session: Session, *, assignment: Assignment, attempt_id: int
) -> Attempt | None:
    return session.scalar(
        select(Attempt)
        .options(selectinload(Attempt.answers))
        .where(Attempt.id == attempt_id, Attempt.assignment_id == assignment.id)
    )


def count_student_attempts(session: Session, *, assignment: Assignment, student_key: str) -> int:
    """Return how many attempts of this assignment a student (by normalized name) started."""
    names = session.scalars(
        select(Attempt.student_name).where(Attempt.assignment_id == assignment.id)
    )
    return sum(1 for name in names if name is not None and name.casefold() == student_key)


def assignment_set_id(assignment: Assignment) -> str:
    """Return the set_id an assignment's attempts carry (bundled sets' ids have no such form)."""
    return f"assignment-{assignment.id}"


def create_assignment_attempt(
    session: Session,
    *,
    assignment: Assignment,
    student_name: str,
    question_ids: list[str],
    seed: int,
) -> Attempt:
    attempt = Attempt(
        token=new_token(),
        set_id=assignment_set_id(assignment),
        seed=seed,
        question_ids=list(question_ids),
        assignment_id=assignment.id,
        student_name=student_name,
    )
    session.add(attempt)
    session.commit()
    return attempt


def submit_attempt(session: Session, *, attempt: Attempt) -> None:
    """Mark an attempt as submitted (its results are shown from now on); only once."""
    if attempt.submitted_at is None:
        attempt.submitted_at = utcnow()
        session.commit()
        grades.queue_if_complete(session, attempt=attempt)  # an LMS student's hand-in


def answer_count(session: Session, *, attempt: Attempt) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(Answer).where(Answer.attempt_id == attempt.id)
        )
        or 0
    )


# --- teachers' own questions ------------------------------------------------------------


def list_questions(session: Session, *, teacher: Teacher) -> list[TeacherQuestion]:
    return list(
        session.scalars(
            select(TeacherQuestion)
            .where(TeacherQuestion.teacher_id == teacher.id)
            .order_by(TeacherQuestion.local_id)
        )
    )


def get_question(session: Session, *, teacher: Teacher, local_id: str) -> TeacherQuestion | None:
    return session.scalar(
        select(TeacherQuestion).where(
            TeacherQuestion.teacher_id == teacher.id, TeacherQuestion.local_id == local_id
        )
    )


def get_question_by_question_id(session: Session, *, question_id: str) -> TeacherQuestion | None:
    """Return a teacher question by its namespaced id (for the quiz; owner not checked)."""
    return session.scalar(select(TeacherQuestion).where(TeacherQuestion.question_id == question_id))


def save_questions(
    session: Session, *, teacher: Teacher, questions: dict[str, dict[str, Any]], ids: dict[str, str]
) -> None:
    """Insert or replace the teacher's questions (local id -> data) in one transaction."""
    existing = {q.local_id: q for q in list_questions(session, teacher=teacher)}
    now = utcnow()
    for local_id, data in questions.items():
        row = existing.get(local_id)
        if row is None:
            session.add(
                TeacherQuestion(
                    teacher_id=teacher.id,
                    local_id=local_id,
                    question_id=ids[local_id],
                    data=data,
                    updated_at=now,
                )
            )
        else:
            row.data, row.updated_at = data, now
    session.commit()


def delete_question(session: Session, *, question: TeacherQuestion) -> None:
    session.delete(question)
    session.commit()
