"""Rows of a given age, written straight to the store, for the retention and deletion tests:
a teacher, an assignment, attempts with answers and practice rounds, log lines, allowances,
LMS users with their attempts and sessions."""

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from quiz_app import store
from quiz_app.lti.tables import LtiAttempt, LtiPlatform, LtiSession, LtiUser
from quiz_app.models import (
    Assignment,
    AssignmentEvent,
    Attempt,
    StudentAllowance,
    Teacher,
    utcnow,
)

QUESTIONS = ["q1", "q2"]


def days_ago(days: float) -> datetime:
    return utcnow() - timedelta(days=days)


def teacher(session: Session, email: str) -> Teacher:
    row = Teacher(email=email, password_hash="not-a-hash")
    session.add(row)
    session.commit()
    return row


def assignment(
    session: Session, owner: Teacher, code: str, *, age: float = 0, **fields: Any
) -> Assignment:
    """Store an assignment made `age` days ago (closes_at and closed as given)."""
    row = store.assignments.create_assignment(
        session,
        teacher=owner,
        codes=[code],
        title=f"Class {code}",
        source={"ids": QUESTIONS},
        pool=QUESTIONS,
        question_count=2,
        shuffle=False,
        feedback_mode="immediate",
        attempts_allowed=1,
        identity="name",
        **fields,
    )
    row.created_at = days_ago(age)
    session.commit()
    return row


def attempt(
    session: Session,
    *,
    age: float,
    answered: float | None = None,
    of: Assignment | None = None,
    name: str = "Sam",
    practice_of: Attempt | None = None,
) -> Attempt:
    """Store an attempt started `age` days ago, with one answer `answered` days ago (if any):
    public, an assignment's (of) or a practice round of another attempt."""
    if of is not None:
        row = store.assignments.create_assignment_attempt(
            session, assignment=of, student_name=name, question_ids=QUESTIONS, seed=1
        )
    else:
        row = store.attempts.create_attempt(
            session, set_id="full-check", question_ids=QUESTIONS, seed=1, practice_of=practice_of
        )
    row.created_at = days_ago(age)
    session.commit()
    if answered is not None:
        answer, _ = store.attempts.save_answer(
            session, attempt=row, question_id="q1", answer="research", correct=True
        )
        answer.created_at = days_ago(answered)
        session.commit()
    return row


def event(session: Session, of: Assignment, name: str, *, age: float) -> AssignmentEvent:
    row = AssignmentEvent(
        assignment_id=of.id,
        teacher_id=of.teacher_id,
        action="extra-time",
        student_name=name,
        details=f"Gave {name} more time.",
        created_at=days_ago(age),
    )
    session.add(row)
    session.commit()
    return row


def allowance(session: Session, of: Assignment, name: str) -> StudentAllowance:
    row = StudentAllowance(assignment_id=of.id, student_key=name.casefold(), extra_attempts=1)
    session.add(row)
    session.commit()
    return row


def platform(session: Session) -> LtiPlatform:
    row = LtiPlatform(
        issuer="https://lms.example",
        client_id="tool",
        auth_url="https://lms.example/auth",
        token_url="https://lms.example/token",
        jwks_url="https://lms.example/jwks",
    )
    session.add(row)
    session.commit()
    return row


def lms_user(
    session: Session,
    lms: LtiPlatform,
    sub: str,
    *,
    age: float,
    teacher_of: Teacher | None = None,
    session_expired: float | None = None,
) -> LtiUser:
    """Store an LMS user first seen `age` days ago; with a session that expired
    `session_expired` days ago (negative: still live)."""
    row = LtiUser(
        issuer=lms.issuer,
        sub=sub,
        name=f"Learner {sub}",
        teacher_id=teacher_of.id if teacher_of else None,
        created_at=days_ago(age),
    )
    session.add(row)
    session.commit()
    if session_expired is not None:
        session.add(
            LtiSession(
                token_hash=f"hash-{sub}",
                kind="learner",
                lti_user_id=row.id,
                platform_id=lms.id,
                csrf_token="csrf",
                expires_at=days_ago(session_expired),
            )
        )
        session.commit()
    return row


def lms_attempt(session: Session, user: LtiUser, of: Assignment, *, age: float) -> Attempt:
    """Store an LMS user's attempt at an assignment, started `age` days ago and answered then."""
    row = attempt(session, age=age, answered=age, of=of, name=user.name)
    session.add(LtiAttempt(attempt_id=row.id, lti_user_id=user.id, assignment_id=of.id, number=1))
    session.commit()
    return row
