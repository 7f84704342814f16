"""Getting back into your own attempt at an assignment, and nobody else's: the join page's
memory of this browser's attempt (how long it lasts), and the resume code a student types with
their name when they have lost their quiz page. Pure functions; no I/O.

Security: a resume code is random per attempt (31^6 codes, the join codes' alphabet) and
compared in constant time; it opens only an unfinished attempt of the name typed with it, and
every wrong one goes through record_wrong_code, where limits on guessing belong.
"""

import hmac
import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from quiz_app.classroom.assignments import new_join_code, normalize_code
from quiz_app.models import Assignment, Attempt

LOG = logging.getLogger(__name__)
MEMORY_COOKIE = "cc_join_{id}"  # this browser's attempt at an assignment, to carry on later


def new_resume_code() -> str:
    """Return a fresh resume code (the join codes' alphabet and length)."""
    return new_join_code()


def memory_is_fresh(attempt: Attempt, *, now: datetime, hours: int) -> bool:
    """Return whether the join page may still offer this browser's attempt: for `hours` after
    the student started it (a school day), never longer."""
    return now - attempt.created_at < timedelta(hours=hours)


def matching_attempt(candidates: Iterable[Attempt], typed: str) -> Attempt | None:
    """Return the attempt among one student's candidates whose resume code is the typed one.

    Every candidate is compared, each in constant time, so the time taken does not say how
    much of a code was right."""
    code = normalize_code(typed).encode()
    found = None
    for attempt in candidates:
        stored = (attempt.resume_code or "").encode()
        if hmac.compare_digest(stored, code) and stored:
            found = attempt
    return found


def record_wrong_code(what: str, assignment: Assignment | None = None) -> None:
    """Record one wrong code typed to join (`what` "join") or to get back into an attempt of
    `assignment` ("resume").

    The one place a wrong code is counted: limits on guessing hook in here. The code typed is
    never logged."""
    LOG.info("wrong %s code (assignment %s)", what, assignment.id if assignment else "-")
