"""Teacher accounts and their logged-in sessions, as keyword-only functions over a session.
Their assignments are in store/assignments.py, their own questions in
store/teacher_questions.py, the counters that slow down failed logins in store/rate_limits.py."""

from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from quiz_app import auth
from quiz_app.models import Teacher, TeacherSession, utcnow

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
        .options(joinedload(TeacherSession.teacher))  # one query, not two
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
