"""What happens when a student completes an attempt: the one step the routes take after saving
the answer that completed it, or after the student handed it in.

Saving stays only saving (store.attempts.save_answer, store.assignments.submit_attempt); whoever
needs to know that an attempt is complete is told here. Today that is the LMS: the attempt's
grade is queued for the grade sender (lti.grades).
"""

from sqlalchemy.orm import Session

from quiz_app.lti import grades
from quiz_app.models import Attempt


def attempt_completed(session: Session, *, attempt: Attempt) -> None:
    """An attempt was completed: tell whoever needs to know (queue its LMS grade, if any)."""
    grades.queue_if_complete(session, attempt=attempt)
