"""The one definition of "this attempt is complete": handed in, or every question answered."""

from datetime import UTC, datetime, timedelta

from quiz_app.learning import progress
from quiz_app.models import Answer, Attempt

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _attempt(questions: int = 3, submitted_at: datetime | None = None) -> Attempt:
    return Attempt(question_ids=[f"q{n}" for n in range(questions)], submitted_at=submitted_at)


def _answers(count: int) -> list[Answer]:
    return [Answer(created_at=START + timedelta(minutes=n)) for n in range(count)]


def test_is_complete_with_a_question_left_is_false() -> None:
    assert progress.is_complete(_attempt(3), answered=2) is False


def test_is_complete_with_every_question_answered_is_true() -> None:
    assert progress.is_complete(_attempt(3), answered=3) is True


def test_is_complete_once_handed_in_is_true_however_few_were_answered() -> None:
    assert progress.is_complete(_attempt(3, submitted_at=START), answered=0) is True


def test_completed_at_is_the_last_answers_time_when_every_question_is_answered() -> None:
    assert progress.completed_at(_attempt(3), _answers(3)) == START + timedelta(minutes=2)


def test_completed_at_is_the_hand_in_time_when_handed_in() -> None:
    handed_in = START + timedelta(hours=1)
    attempt = _attempt(3, submitted_at=handed_in)
    assert progress.completed_at(attempt, _answers(3)) == handed_in
    assert progress.completed_at(attempt, []) == handed_in


def test_completed_at_of_an_unfinished_attempt_is_none() -> None:
    assert progress.completed_at(_attempt(3), _answers(2)) is None
    assert progress.completed_at(_attempt(0), []) is None  # nothing answered: never completed
