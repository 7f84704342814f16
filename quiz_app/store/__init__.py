"""Every database query of the app, one module per area, as keyword-only functions over a session.

Callers write `store.attempts.save_answer(session, attempt=..., ...)`: the module says which
area a query belongs to.
"""

from quiz_app.store import (
    assignments,
    attempts,
    class_runs,
    grades,
    keys,
    leases,
    lti,
    platforms,
    rate_limits,
    retention,
    students,
    teacher_questions,
    teachers,
)

__all__ = [
    "assignments",
    "attempts",
    "class_runs",
    "grades",
    "keys",
    "leases",
    "lti",
    "platforms",
    "rate_limits",
    "retention",
    "students",
    "teacher_questions",
    "teachers",
]
