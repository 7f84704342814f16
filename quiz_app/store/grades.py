"""The LMS grade queue's rows (lti_grades), as keyword-only functions over a session: queuing a
grade once per attempt and the grade sender's claims and
outcomes. What is queued and when, and how a grade is sent, are lti/grades.py and lti/ags.py."""

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from quiz_app.learning import progress
from quiz_app.lti.tables import PENDING, SENDING, LtiAttempt, LtiGrade, LtiPlatform
from quiz_app.models import Answer, Assignment, Attempt


def grade_of_attempt(session: Session, *, attempt_id: int) -> LtiGrade | None:
    return session.scalar(select(LtiGrade).where(LtiGrade.attempt_id == attempt_id))


def queue_grade(
    session: Session,
    *,
    attempt: Attempt,
    resource_link_id: int,
    payload: dict[str, Any],
    now: datetime,
) -> LtiGrade | None:
    """Store the attempt's grade, due now; the unique attempt id keeps it to one row, so an
    attempt queued at the same moment by another request or the sweep returns that row."""
    grade = LtiGrade(
        attempt_id=attempt.id,
        resource_link_id=resource_link_id,
        payload=payload,
        status=PENDING,
        tries=0,
        next_attempt_at=now,
        last_error="",
        created_at=now,
    )
    session.add(grade)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return grade_of_attempt(session, attempt_id=attempt.id)
    return grade


def complete_ungraded(session: Session, *, limit: int) -> list[Attempt]:
    """Return up to `limit` complete LMS attempts (from a link) that have no grade row yet,
    oldest first; unfinished ones, however many, are passed over."""
    answered = (
        select(Answer.attempt_id, func.count().label("n")).group_by(Answer.attempt_id).subquery()
    )
    rows = session.execute(
        select(Attempt, answered.c.n)
        .join(LtiAttempt, LtiAttempt.attempt_id == Attempt.id)
        .outerjoin(LtiGrade, LtiGrade.attempt_id == Attempt.id)
        .outerjoin(answered, answered.c.attempt_id == Attempt.id)
        .where(LtiGrade.id.is_(None), LtiAttempt.resource_link_id.is_not(None))
        .order_by(Attempt.id)
    ).all()
    complete = [a for a, n in rows if progress.is_complete(a, answered=n or 0)]
    return complete[:limit]


def grade_of(session: Session, *, assignment: Assignment, attempt_id: int) -> LtiGrade | None:
    """Return the grade of one of the assignment's attempts (another assignment's is None)."""
    return session.scalar(
        select(LtiGrade)
        .join(LtiAttempt, LtiAttempt.attempt_id == LtiGrade.attempt_id)
        .where(LtiGrade.attempt_id == attempt_id, LtiAttempt.assignment_id == assignment.id)
    )


def requeue(session: Session, *, grade: LtiGrade, now: datetime) -> None:
    """Put a grade back in the queue, due now, with no claim."""
    grade.status, grade.next_attempt_at, grade.claim = PENDING, now, None
    session.commit()


# --- the grade sender -------------------------------------------------------------------


def any_platform(session: Session) -> bool:
    """Return whether any LMS is registered: without one, no grade can be queued or sent."""
    return session.scalar(select(LtiPlatform.id).limit(1)) is not None


def due_grade_ids(session: Session, *, now: datetime, limit: int) -> list[int]:
    """Return the ids of pending grades that are due, the longest waiting first."""
    return list(
        session.scalars(
            select(LtiGrade.id)
            .where(LtiGrade.status == PENDING, LtiGrade.next_attempt_at <= now)
            .order_by(LtiGrade.next_attempt_at, LtiGrade.id)
            .limit(limit)
        )
    )


def claim_grade(session: Session, *, grade_id: int, claim: str, now: datetime) -> bool:
    """Claim a due pending grade for one sender, in one UPDATE … WHERE status = 'pending', so
    of several senders at once only one succeeds; return whether this one did."""
    result = session.execute(
        update(LtiGrade)
        .where(
            LtiGrade.id == grade_id,
            LtiGrade.status == PENDING,
            LtiGrade.next_attempt_at <= now,
        )
        .values(status=SENDING, claim=claim, claimed_at=now)
    )
    session.commit()
    return int(result.rowcount) == 1  # type: ignore[attr-defined]


def get_grade(session: Session, *, grade_id: int) -> LtiGrade | None:
    return session.get(LtiGrade, grade_id)


def record_outcome(
    session: Session, *, grade_id: int, claim: str, tries: int, values: dict[str, Any]
) -> None:
    """Store how a claimed grade's send ended, and release the claim; a grade whose claim was
    taken over meanwhile (after CLAIM_TIMEOUT) is left to its new sender."""
    session.rollback()  # whatever the send left in the session is not part of the outcome
    session.execute(
        update(LtiGrade)
        .where(LtiGrade.id == grade_id, LtiGrade.claim == claim)
        .values(tries=tries, claim=None, **values)
    )
    session.commit()


def release_stale_claims(session: Session, *, now: datetime, timeout: timedelta) -> int:
    """Put back in the queue grades claimed longer than `timeout` ago (their sender stopped
    while sending); return how many."""
    result = session.execute(
        update(LtiGrade)
        .where(LtiGrade.status == SENDING, LtiGrade.claimed_at < now - timeout)
        .values(status=PENDING, claim=None, next_attempt_at=now)
    )
    session.commit()
    return int(result.rowcount)  # type: ignore[attr-defined]
