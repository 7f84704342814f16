"""What an assignment's dashboard and a student's answers page show, the same for the teacher
pages (cookie login) and the LMS pages (a launch's token): the class's results, gathered from
the store and scored by learning.class_report. Each route adds its own links."""

from typing import Any

from sqlalchemy.orm import Session

from quiz_app import store
from quiz_app.bank import lookup
from quiz_app.bank.catalog import AnyQuestion, Bank
from quiz_app.bank.vocabulary import VERDICTS
from quiz_app.classroom import assignments
from quiz_app.learning import class_report
from quiz_app.lti import grades
from quiz_app.models import Assignment, Attempt, Teacher, utcnow

POLL_SECONDS = 3  # how often the dashboard asks for fresh results


def class_results(
    session: Session, bank: Bank, assignment: Assignment
) -> tuple[class_report.ClassReport, dict[str, AnyQuestion]]:
    """Return the assignment's class report and every question it names, by id."""
    attempts = store.assignments.attempts_with_answers(session, assignment=assignment)
    asked = [q for a in attempts for q in a.question_ids]
    found = lookup.resolve_many(session, bank, [*assignment.pool, *asked])
    return class_report.class_report(attempts, found, assignment.pool), found


def dashboard_context(
    session: Session, bank: Bank, teacher: Teacher, assignment: Assignment
) -> dict[str, Any]:
    """Return what the dashboard of an assignment shows, whoever opens it."""
    report, _found = class_results(session, bank, assignment)
    return {
        "teacher": teacher,
        "assignment": assignment,
        "report": report,
        "verdicts": VERDICTS,
        "status": assignments.status(assignment, utcnow()),
        "code": assignments.format_code(assignment.join_code),
        "source": assignments.summary_of_source(assignment.source, bank),
        "show_time": assignments.show_time,
        "clock": assignments.show_clock,
        "updated": utcnow(),
        "poll_seconds": POLL_SECONDS,
        "feedback_modes": assignments.FEEDBACK_MODES,
        "identities": assignments.IDENTITIES,
        "grades": grades.board(session, assignment=assignment),  # None: not in an LMS
    }


def student_answers_context(
    session: Session, bank: Bank, teacher: Teacher, assignment: Assignment, attempt: Attempt
) -> dict[str, Any]:
    """Return what the page of one student's answers shows, whoever opens it."""
    found = lookup.resolve_many(session, bank, attempt.question_ids)
    answers = {a.question_id: a for a in attempt.answers}
    return {
        "assignment": assignment,
        "attempt": attempt,
        "items": [(qid, found.get(qid), answers.get(qid)) for qid in attempt.question_ids],
        "show_time": assignments.show_time,
        "clock": assignments.show_clock,
        "teacher": teacher,
        "summary": class_report.class_report([attempt], found, attempt.question_ids).students[0],
    }
