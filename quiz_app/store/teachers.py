"""Teacher accounts, their logged-in sessions and the login throttle, as keyword-only functions
over a session. Their assignments are in store/assignments.py, their own questions in
store/teacher_questions.py."""

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from quiz_app import auth
from quiz_app.models import LoginThrottle, Teacher, TeacherSession, utcnow

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
