"""What happens when a student completes an attempt: the one step the routes take after saving
the answer that completed it, or after the student handed it in.

Saving stays only saving (store.attempts.save_answer, store.assignments.submit_attempt); whoever
needs to know that an attempt is complete is told here, and record_answer is the one way an
answer is saved and checked for completion. Today that is the LMS: the attempt's
grade is queued for the grade sender (lti.grades).
"""

from sqlalchemy.orm import Session

from quiz_app import store
from quiz_app.learning import grading, progress
from quiz_app.lti import grades
from quiz_app.models import Answer, Attempt


def attempt_completed(session: Session, *, attempt: Attempt) -> None:
    """An attempt was completed: tell whoever needs to know (queue its LMS grade, if any)."""
    grades.queue_if_complete(session, attempt=attempt)


def record_answer(
    session: Session, *, attempt: Attempt, feedback: grading.Feedback
) -> tuple[Answer, bool, list[str]]:
    """Save a graded answer (a question's first answer stands) and, when it completed the
    attempt, say so (attempt_completed); return the saved answer, whether this call saved it,
    and the ids of the attempt's answered questions. They are read after the answer's commit:
    of two last answers saved at once, the later reader sees both and completes the attempt.
    The quiz's answers and class mode's first votes both go through here."""
    saved, created = store.attempts.save_answer(
        session,
        attempt=attempt,
        question_id=feedback.question.id,
        answer=feedback.answer,
        correct=feedback.correct,
        reason=feedback.reason,
        reason_correct=feedback.reason_correct,
        confidence=feedback.confidence,
    )
    answered = store.attempts.answered_question_ids(session, attempt=attempt)
    if created and progress.is_complete(attempt, answered=len(answered)):
        attempt_completed(session, attempt=attempt)
    return saved, created, answered
