"""The rules of managing one student: whose closing time applies, and what a new one may be."""

from datetime import UTC, datetime, timedelta

from quiz_app.classroom import assignments, students
from quiz_app.models import Assignment, StudentAllowance, Teacher

NOW = datetime(2026, 3, 14, 9, 0, tzinfo=UTC)


def _assignment(closes_at: datetime | None, closed: bool = False) -> Assignment:
    return Assignment(
        attempts_allowed=2,
        closes_at=closes_at,
        opens_at=None,
        closed=closed,
        teacher=Teacher(timezone="UTC"),
    )


def test_a_student_s_later_closing_time_extends_but_never_shortens() -> None:
    ended = _assignment(NOW - timedelta(hours=1))
    later, earlier = NOW + timedelta(hours=1), NOW - timedelta(hours=2)
    assert assignments.status(ended, NOW) == "ended"
    assert assignments.status(ended, NOW, closes_at=later) == "open"
    assert assignments.status(ended, NOW, closes_at=earlier) == "ended"
    # Extra time never gives an assignment without a closing time one.
    assert assignments.status(_assignment(None), NOW, closes_at=earlier) == "open"
    # Closing the assignment by hand closes it for everyone.
    assert assignments.status(_assignment(None, closed=True), NOW, closes_at=later) == "closed"
    message = assignments.unavailable(ended, NOW + timedelta(hours=2), closes_at=later)
    assert message is not None
    assert message.startswith("This assignment closed on Sat 14 Mar 2026, 10:00 UTC.")


def test_attempts_allowed_adds_the_student_s_extra_attempts() -> None:
    assignment = _assignment(None)
    assert students.attempts_allowed(assignment, None) == 2
    assert students.attempts_allowed(assignment, StudentAllowance(extra_attempts=3)) == 5


def test_a_new_closing_time_is_read_in_the_teacher_s_zone() -> None:
    assignment = _assignment(NOW + timedelta(hours=1))
    when, problem = students.parse_closing_time("2026-03-14T12:30", "Europe/Paris", assignment, NOW)
    assert problem is None
    assert when == datetime(2026, 3, 14, 11, 30, tzinfo=UTC)


def test_a_new_closing_time_must_be_to_come_and_after_the_assignment_s() -> None:
    assignment = _assignment(NOW + timedelta(hours=1))
    cases = {
        "2026-03-14T08:00": "in the past",
        "2026-03-14T09:30": "later than the assignment's own, Sat 14 Mar 2026, 10:00 UTC",
        "soon": "as a date and time",
    }
    for typed, words in cases.items():
        when, problem = students.parse_closing_time(typed, "UTC", assignment, NOW)
        assert when is None and problem is not None and words in problem
    when, problem = students.parse_closing_time("2026-03-14T12:00", "Mars/Base", assignment, NOW)
    assert when is None and problem is not None and "time zone" in problem
    when, problem = students.parse_closing_time("2026-03-15T12:00", "UTC", _assignment(None), NOW)
    assert when is None and problem is not None and "no closing time" in problem
