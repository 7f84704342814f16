"""What an assignment's dashboard and a student's answers page show, the same for the teacher
pages (cookie login) and the LMS pages (a launch's token): the class's results, gathered from
the store and scored by learning.class_report. Each route adds its own links."""

import functools
from collections.abc import Sequence
from itertools import chain
from typing import Any

from sqlalchemy.orm import Session

from quiz_app import store
from quiz_app.bank import lookup
from quiz_app.bank.catalog import AnyQuestion, Bank
from quiz_app.bank.vocabulary import VERDICTS
from quiz_app.classroom import assignments, results_cache
from quiz_app.learning import class_report, item_stats, presentation, student_report
from quiz_app.learning.attempt_row import AttemptFacts
from quiz_app.lti import grades
from quiz_app.models import Assignment, Attempt, Teacher, utcnow

POLL_SECONDS = 3  # how often the dashboard asks for fresh results
# The roster shows two times per student at every poll; each is formatted once per process
# (about 10 µs each: a class of 300 would spend 6 ms a poll on them). Times of day kept:
CLOCKS_KEPT = 8192
_clock = functools.lru_cache(maxsize=CLOCKS_KEPT)(assignments.show_clock)


def unchanged(session: Session, assignment: Assignment, since: str | None) -> bool:
    """Return whether the class's results are still those of version `since` (the version the
    dashboard's poll last showed), so the poll can answer 204 and leave the page as it is."""
    return since is not None and since == _version(session, assignment)


def _version(session: Session, assignment: Assignment) -> str:
    """Return the class's results version, queried once per request (the poll's check and the
    fragment it then renders share it)."""
    key = ("results_version", assignment.id)
    if key not in session.info:
        session.info[key] = store.assignments.results_version(session, assignment=assignment)
    return str(session.info[key])


def class_results(
    session: Session, bank: Bank, assignment: Assignment
) -> tuple[class_report.ClassReport, dict[str, AnyQuestion]]:
    """Return the assignment's class report and every question it names, by id."""
    return _report(
        session,
        bank,
        assignment,
        store.assignments.attempts_with_answers(session, assignment=assignment),
    )


def _report(
    session: Session, bank: Bank, assignment: Assignment, attempts: list[Attempt]
) -> tuple[class_report.ClassReport, dict[str, AnyQuestion]]:
    found = _questions(session, bank, assignment, attempts)
    return class_report.class_report(attempts, found, assignment.every_question), found


def _questions(
    session: Session, bank: Bank, assignment: Assignment, attempts: Sequence[AttemptFacts]
) -> dict[str, AnyQuestion]:
    """Return every question the assignment names or its attempts were asked, by id."""
    every = (assignment.every_question, *(attempt.question_ids for attempt in attempts))
    return lookup.resolve_many(session, bank, dict.fromkeys(chain.from_iterable(every)))


def dashboard_context(
    session: Session, bank: Bank, teacher: Teacher, assignment: Assignment
) -> dict[str, Any]:
    """Return what the dashboard of an assignment shows, whoever opens it."""
    version = _version(session, assignment)
    rows = store.assignments.class_rows(session, assignment=assignment)  # with the grades
    found = _questions(session, bank, assignment, rows.attempts)
    # Each attempt's score, kept from an earlier poll while its answers are the same: only
    # the attempts that changed are read and scored again (classroom/results_cache.py).
    scores = results_cache.scores(session, assignment, rows, found)
    # The class's totals, kept too and moved on by the scores that changed.
    totals = results_cache.class_totals(session, assignment, scores)
    report = class_report.scored_report(
        rows.attempts, found, assignment.every_question, scores, totals
    )
    return {
        "version": version,
        "class_trust": report.trust,  # every student's over-trust and over-doubt added up
        "teacher": teacher,
        "assignment": assignment,
        "report": report,
        # The item statistics' minimum counts and one-line meanings, the concepts by id (for
        # their names) and the class's questions by id (for the concepts most missed).
        "stats": item_stats,
        "concepts": bank.concepts,
        "by_id": {row.question_id: row for row in report.questions},
        "verdicts": VERDICTS,
        "status": assignments.status(assignment, utcnow()),
        "code": assignments.format_code(assignment.join_code),
        "source": assignments.summary_of_source(assignment.source, bank),
        "show_time": assignments.show_time,
        "clock": _clock,
        "updated": utcnow(),
        "poll_seconds": POLL_SECONDS,
        "feedback_modes": assignments.FEEDBACK_MODES,
        "identities": assignments.IDENTITIES,
        "grades": grades.board(rows),  # None: not in an LMS
        # Each roster row's HTML, kept while its attempt's score is (results_cache.py).
        "kept_rows": results_cache.roster_keeper(
            session, assignment, teacher.timezone, report.has_forms
        ),
    }


def student_answers_context(
    session: Session, bank: Bank, teacher: Teacher, assignment: Assignment, attempt: Attempt
) -> dict[str, Any]:
    """Return what the page of one student's answers shows, whoever opens it: each answer with
    the feedback it got, and the profile and check-in/check-out of their own results page."""
    found = lookup.resolve_many(session, bank, attempt.question_ids)
    answers = {a.question_id: a for a in attempt.answers}
    feedback = student_report.feedback_of(found, answers)
    ordered = [feedback[q] for q in attempt.question_ids if q in feedback]
    # Class mode's second votes, shown beside the scored first vote.
    second = store.class_runs.revotes_of(session, answer_ids=[a.id for a in answers.values()])
    items = [
        {
            "id": qid,
            "question": found.get(qid),
            "answer": answers.get(qid),
            "feedback": feedback.get(qid),
            "phase": student_report.phase_of(attempt, qid),
            "revote": second.get(a.id) if (a := answers.get(qid)) is not None else None,
            "shown": (
                presentation.present(q, seed=attempt.seed, concepts=bank.concepts)
                if (q := found.get(qid)) is not None
                else None
            ),
        }
        for qid in attempt.question_ids
    ]
    return {
        "assignment": assignment,
        "attempt": attempt,
        "items": items,
        "show_time": assignments.show_time,
        "clock": assignments.show_clock,
        "teacher": teacher,
        "summary": class_report.class_report([attempt], found, attempt.question_ids).students[0],
        "profile": student_report.profile_of(ordered),
        "checks": student_report.checks_of(attempt, feedback),
        "concepts": bank.concepts,
    }
