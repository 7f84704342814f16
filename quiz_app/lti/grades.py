"""The grade queue: when an LMS student's attempt is complete, its score is queued here, once
per attempt (a unique row), for ags.py to send. Queuing and status only; no HTTP.

An attempt is complete as the dashboard counts it (class_report.finished_at): every question
answered, or submitted. store.save_answer and teacher_store.submit_attempt call
queue_if_complete after saving; a sweep (queue_missing, run by the grade sender) catches any
completion those calls missed, such as two last answers saved at the same moment.
"""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from quiz_app.learning import class_report
from quiz_app.lti.tables import LtiAttempt, LtiGrade, LtiResourceLink
from quiz_app.models import Answer, Assignment, Attempt, utcnow

log = logging.getLogger(__name__)

PENDING = "pending"  # waiting to be sent, now or after a back-off
SENDING = "sending"  # claimed by one grade sender
SENT = "sent"
FAILED = "failed"  # the LMS refused the data itself; only a resend tries again
SWEEP_LIMIT = 500  # complete attempts queued per sweep (the rest at the next one)


def _aware(when: datetime) -> datetime:
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def finished_at(attempt: Attempt, answers: list[Answer]) -> datetime | None:
    """Return when the attempt was completed (as the dashboard counts it), or None."""
    if attempt.submitted_at is None and len(answers) < len(attempt.question_ids):
        return None
    # SQLite hands back naive times, while an answer saved in this session is still aware.
    return class_report.finished_at(
        attempt, [Answer(created_at=_aware(a.created_at)) for a in answers]
    )


def score_payload(
    attempt: Attempt, answers: list[Answer], user_id: str, finished: datetime
) -> dict[str, object]:
    """Return the AGS score of a finished attempt: right answers out of its questions (a
    question left out when submitting counts as not right)."""
    correct = sum(1 for a in answers if a.correct)
    total = len(attempt.question_ids)
    return {
        "userId": user_id,
        "scoreGiven": correct,
        "scoreMaximum": total,
        "activityProgress": "Completed",
        "gradingProgress": "FullyGraded",
        "timestamp": _aware(finished).isoformat(timespec="milliseconds"),
        "comment": f"{correct} of {total} claims judged right in Claim Check.",
    }


def _queue(session: Session, attempt: Attempt) -> LtiGrade | None:
    owner = session.scalar(
        select(LtiAttempt)
        .options(selectinload(LtiAttempt.lti_user))
        .where(LtiAttempt.attempt_id == attempt.id)
    )
    if owner is None or owner.resource_link_id is None:
        return None
    existing = session.scalar(select(LtiGrade).where(LtiGrade.attempt_id == attempt.id))
    if existing is not None:
        return existing
    answers = list(session.scalars(select(Answer).where(Answer.attempt_id == attempt.id)))
    finished = finished_at(attempt, answers)
    if finished is None:
        return None
    now = utcnow()
    grade = LtiGrade(
        attempt_id=attempt.id,
        resource_link_id=owner.resource_link_id,
        payload=score_payload(attempt, answers, owner.lti_user.sub, finished),
        status=PENDING,
        tries=0,
        next_attempt_at=now,
        last_error="",
        created_at=now,
    )
    session.add(grade)
    try:
        session.commit()
    except IntegrityError:  # queued at the same moment by another request or the sweep
        session.rollback()
        return session.scalar(select(LtiGrade).where(LtiGrade.attempt_id == attempt.id))
    return grade


def queue_if_complete(session: Session, *, attempt: Attempt) -> LtiGrade | None:
    """Queue the attempt's grade for its LMS if it came from an LMS launch and is complete now.

    Never raises: the student's answer is already saved, and a grade missed here is queued by
    the next sweep."""
    if attempt.assignment_id is None:
        return None  # a public set: never from an LMS
    try:
        return _queue(session, attempt)
    except Exception:  # whatever went wrong, the student's request must not fail for it
        session.rollback()
        log.exception("could not queue the LMS grade of attempt %s; the sweep will", attempt.id)
        return None


def queue_missing(session: Session, *, limit: int = SWEEP_LIMIT) -> int:
    """Queue the grade of every complete LMS attempt that has none (at most `limit` per call);
    return how many were queued. Unfinished attempts, however many, are passed over."""
    answered = (
        select(Answer.attempt_id, func.count().label("n")).group_by(Answer.attempt_id).subquery()
    )
    rows = session.execute(
        select(Attempt.id, Attempt.question_ids, Attempt.submitted_at, answered.c.n)
        .join(LtiAttempt, LtiAttempt.attempt_id == Attempt.id)
        .outerjoin(LtiGrade, LtiGrade.attempt_id == Attempt.id)
        .outerjoin(answered, answered.c.attempt_id == Attempt.id)
        .where(LtiGrade.id.is_(None), LtiAttempt.resource_link_id.is_not(None))
        .order_by(Attempt.id)
    ).all()
    complete = [
        attempt_id
        for attempt_id, question_ids, submitted_at, count in rows
        if submitted_at is not None or (count or 0) >= len(question_ids)
    ]
    queued = 0
    for attempt_id in complete[:limit]:
        attempt = session.get(Attempt, attempt_id)
        if attempt is not None and _queue(session, attempt) is not None:
            queued += 1
    return queued


@dataclass
class GradeBoard:
    """An assignment's LMS grades, for the dashboard's grade column."""

    lms_attempts: set[int]  # the attempts made through an LMS launch (others joined by code)
    grades: dict[int, LtiGrade]  # by attempt id

    def get(self, attempt_id: int) -> LtiGrade | None:
        return self.grades.get(attempt_id)


def board(session: Session, *, assignment: Assignment) -> GradeBoard | None:
    """Return the assignment's LMS grades, or None when no LMS link opens it and no LMS student
    took it (then the dashboard shows no grade column)."""
    linked = session.scalar(
        select(LtiResourceLink.id).where(LtiResourceLink.assignment_id == assignment.id).limit(1)
    )
    lms_attempts = set(
        session.scalars(
            select(LtiAttempt.attempt_id).where(LtiAttempt.assignment_id == assignment.id)
        )
    )
    if linked is None and not lms_attempts:
        return None
    rows = session.scalars(select(LtiGrade).where(LtiGrade.attempt_id.in_(lms_attempts))).all()
    return GradeBoard(lms_attempts, {row.attempt_id: row for row in rows})


def grade_of(session: Session, *, assignment: Assignment, attempt_id: int) -> LtiGrade | None:
    """Return the grade of one of the assignment's attempts (another assignment's is None)."""
    return session.scalar(
        select(LtiGrade)
        .join(LtiAttempt, LtiAttempt.attempt_id == LtiGrade.attempt_id)
        .where(LtiGrade.attempt_id == attempt_id, LtiAttempt.assignment_id == assignment.id)
    )


def make_due(session: Session, *, grade: LtiGrade, now: datetime) -> bool:
    """Put a pending or failed grade back in the queue, due now (a teacher's Resend).

    A sent grade is never sent again, and one being sent is left to its sender."""
    if grade.status not in (PENDING, FAILED):
        return False
    grade.status, grade.next_attempt_at, grade.claim = PENDING, now, None
    session.commit()
    return True
