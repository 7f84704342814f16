"""Managing one student of an assignment: letting them back in, another attempt, a later
closing time (extra time), deleting an attempt. The rules and the log's words; the rows are in
store/students.py. A student who came from an LMS is managed the same way, by their LMS user
(LmsLimits)."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.orm import Session

from quiz_app import store
from quiz_app.classroom.assignments import closing_time, show_time
from quiz_app.lti.tables import LtiUser
from quiz_app.models import Assignment, Attempt, StudentAllowance, utcnow

# What the assignment's log calls each action.
ACTIONS = {
    "re-admit": "Let back in",
    "another-attempt": "Another attempt",
    "extra-time": "Extra time",
    "delete-attempt": "Attempt deleted",
}

READMIT_DETAILS = "Gave their unfinished attempt a new resume code; the old one stopped working."
FINISHED_CANNOT_REOPEN = (
    "This attempt is finished, so there is nothing to let them back into. To let them try "
    "again, allow one more attempt."
)


def attempts_allowed(assignment: Assignment, allowance: StudentAllowance | None) -> int:
    """Return how many attempts one student may start: the assignment's, plus their extra."""
    return assignment.attempts_allowed + (allowance.extra_attempts if allowance else 0)


def extra_closing(allowance: StudentAllowance | None) -> datetime | None:
    """Return the student's own closing time, or None when they have none."""
    return allowance.closes_at if allowance else None


@dataclass(frozen=True)
class LmsLimits:
    """What one LMS student may do in the assignment their course's link opens."""

    attempts: int  # attempts they may start: the assignment's, plus any their teacher gave
    closes_at: datetime | None  # their own later closing time, or None


def lms_limits(session: Session, assignment: Assignment, user: LtiUser) -> LmsLimits:
    key = store.students.lms_student_key(user)
    allowance = store.students.get_allowance(session, assignment=assignment, student_key=key)
    return LmsLimits(attempts_allowed(assignment, allowance), extra_closing(allowance))


def parse_closing_time(
    typed: str, zone_name: str, assignment: Assignment, now: datetime
) -> tuple[datetime | None, str | None]:
    """Return a student's new closing time typed in a zone (as UTC), or why it cannot be one:
    it must read as a time, be in the future and be later than the assignment's own."""
    try:
        zone = ZoneInfo(zone_name.strip() or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return None, "Enter a time zone like Europe/London or America/New_York."
    try:
        local = datetime.fromisoformat(typed.strip())
    except ValueError:
        return None, "Enter the new closing time as a date and time, like 2026-03-14 09:00."
    when = (local if local.tzinfo else local.replace(tzinfo=zone)).astimezone(ZoneInfo("UTC"))
    if assignment.closes_at is None:
        return None, (
            "This assignment has no closing time, so students can already answer whenever it "
            "is open: there is no time to extend."
        )
    if when <= now:
        return None, "The new closing time is in the past: choose a time still to come."
    if when <= assignment.closes_at:
        return None, (
            "The new closing time must be later than the assignment's own, "
            f"{show_time(assignment.closes_at, zone.key)}."
        )
    return when, None


def another_attempt_details(assignment: Assignment, allowance: StudentAllowance | None) -> str:
    """Return the log's words for one more attempt, given the allowance before it."""
    allowed = attempts_allowed(assignment, allowance) + 1
    return (
        f"May now start {allowed} attempts (the assignment allows {assignment.attempts_allowed})."
    )


def extra_time_details(assignment: Assignment, when: datetime, zone: str) -> str:
    return (
        f"Closes for them on {show_time(when, zone)} "
        f"(the assignment closes on {show_time(assignment.closes_at, zone)})."
    )


def delete_details(attempt: Attempt, zone: str) -> str:
    answers = len(attempt.answers)
    return (
        f"Deleted the attempt started {show_time(attempt.created_at, zone)} "
        f"and its {answers} answer{'s' if answers != 1 else ''}."
    )


def manage_context(session: Session, assignment: Assignment, attempt: Attempt) -> dict[str, Any]:
    """Return what the "Manage this student" controls of a student's page show."""
    allowance = store.students.allowance_of(session, attempt=attempt)
    key = store.students.student_key_of(session, attempt=attempt) or ""
    used = store.students.count_attempts_of(session, assignment=assignment, student_key=key)
    closes = closing_time(assignment, extra_closing(allowance))
    return {
        "manage": {
            "finished": store.attempts.is_complete(session, attempt=attempt),
            "resume_code": attempt.resume_code,
            "allowed": attempts_allowed(assignment, allowance),
            "used": used,
            "closes_at": closes,
            "extra_time": closes is not None and closes != assignment.closes_at,
            "ended": closes is not None and closes <= utcnow(),
        }
    }
