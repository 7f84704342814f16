"""The grade queue: when an LMS student's attempt is complete, its score is queued here, once
per attempt (a unique row), for ags.py to send. Queuing and status only; no HTTP.

An attempt is complete as learning.progress defines it: every question answered, or handed in.
The routes tell quiz_app.completion when an answer or a hand-in completed an attempt, which
calls queue_if_complete; a sweep (queue_missing, run by the grade sender) catches any
completion those calls missed, such as two last answers saved at the same moment.
"""

import logging
import threading
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from quiz_app import store
from quiz_app.learning import progress
from quiz_app.lti.tables import FAILED as FAILED
from quiz_app.lti.tables import PENDING as PENDING
from quiz_app.lti.tables import SENDING as SENDING
from quiz_app.lti.tables import SENT as SENT
from quiz_app.lti.tables import LtiGrade
from quiz_app.models import Answer, Attempt, utcnow

log = logging.getLogger(__name__)

SWEEP_LIMIT = 500  # complete attempts queued per sweep (the rest at the next one)


class QueuedHere:
    """How many grades this process has queued: the grade sender, which asks the database
    nothing while no LMS is registered, sees at its next pass that one was (no query)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.count = 0

    def note(self) -> None:
        with self._lock:
            self.count += 1


QUEUED_HERE = QueuedHere()


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
        "timestamp": finished.isoformat(timespec="milliseconds"),
        "comment": f"{correct} of {total} claims judged right in Claim Check.",
    }


def _queue(session: Session, attempt: Attempt) -> LtiGrade | None:
    owner = store.lti.lti_attempt(session, attempt_id=attempt.id)
    if owner is None or owner.resource_link_id is None:
        return None
    existing = store.grades.grade_of_attempt(session, attempt_id=attempt.id)
    if existing is not None:
        return existing
    answers = list(store.attempts.answers_by_question(session, attempt=attempt).values())
    finished = progress.completed_at(attempt, answers)
    if finished is None:
        return None
    grade = store.grades.queue_grade(
        session,
        attempt=attempt,
        resource_link_id=owner.resource_link_id,
        payload=score_payload(attempt, answers, owner.lti_user.sub, finished),
        now=utcnow(),
    )
    QUEUED_HERE.note()
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
    found = store.grades.complete_ungraded(session, limit=limit)
    return sum(1 for attempt in found if _queue(session, attempt) is not None)


@dataclass
class GradeBoard:
    """An assignment's LMS grades, for the dashboard's grade column."""

    lms_attempts: set[int]  # the attempts made through an LMS launch (others joined by code)
    grades: dict[int, store.assignments.GradeRow]  # by attempt id

    def get(self, attempt_id: int) -> store.assignments.GradeRow | None:
        return self.grades.get(attempt_id)


def board(rows: store.assignments.ClassRows) -> GradeBoard | None:
    """Return the assignment's LMS grades (loaded with its attempts), or None when no LMS link
    opens it and no LMS student took it (then the dashboard shows no grade column)."""
    if not rows.linked and not rows.lms_attempts:
        return None
    return GradeBoard(rows.lms_attempts, rows.grades)


def make_due(session: Session, *, grade: LtiGrade, now: datetime) -> bool:
    """Put a pending or failed grade back in the queue, due now (a teacher's Resend).

    A sent grade is never sent again, and one being sent is left to its sender."""
    if grade.status not in (PENDING, FAILED):
        return False
    store.grades.requeue(session, grade=grade, now=now)
    return True
