"""When an attempt is complete: the one definition the dashboard, the student's pages, the
LMS grade and the resume links all use. Pure functions; no I/O."""

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from quiz_app.learning.attempt_row import AttemptFacts


class Timed(Protocol):
    @property
    def created_at(self) -> datetime: ...


def is_complete(attempt: AttemptFacts, *, answered: int) -> bool:
    """Return whether the attempt is complete: handed in, or every question answered."""
    return attempt.submitted_at is not None or answered >= len(attempt.question_ids)


def completed_at(attempt: AttemptFacts, answers: Sequence[Timed]) -> datetime | None:
    """Return when the attempt was completed (handed in, or its last answer saved), or None
    while it is not complete."""
    if attempt.submitted_at is not None:
        return attempt.submitted_at
    if answers and is_complete(attempt, answered=len(answers)):
        return max(a.created_at for a in answers)
    return None
