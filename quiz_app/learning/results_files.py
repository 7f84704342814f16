"""An assignment's results as CSV and JSON files with stable, documented columns (see
docs/teacher-guide.md). Pure functions; no I/O."""

import csv
import io
import json
from datetime import UTC, datetime
from typing import Any

from quiz_app.bank.catalog import AnyQuestion
from quiz_app.learning.class_report import ClassReport, StudentRow
from quiz_app.models import Assignment

# Column names are a promise to whoever reads the files: add columns at the end, never rename.
ANSWER_COLUMNS = (
    "assignment_id",
    "assignment_title",
    "attempt_id",
    "student",
    "attempt_number",
    "question_position",
    "question_id",
    "theme",
    "difficulty",
    "claim",
    "correct_verdict",
    "answer",
    "correct",
    "answered_at",
)
STUDENT_COLUMNS = (
    "assignment_id",
    "assignment_title",
    "attempt_id",
    "student",
    "attempt_number",
    "started_at",
    "finished_at",
    "submitted_at",
    "questions",
    "answered",
    "correct",
    "percent",
)
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Return a CSV cell value a spreadsheet will show as text, never run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def iso(when: datetime | None) -> str:
    """Return a time as ISO 8601 in UTC (2026-03-14T09:30:00Z), or '' for none."""
    if when is None:
        return ""
    return when.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _student(assignment: Assignment, row: StudentRow) -> dict[str, Any]:
    return {
        "assignment_id": assignment.id,
        "assignment_title": assignment.title,
        "attempt_id": row.attempt.id,
        "student": row.name,
        "attempt_number": row.number,
        "started_at": iso(row.started_at),
        "finished_at": iso(row.finished_at),
        "submitted_at": iso(row.attempt.submitted_at),
        "questions": row.questions,
        "answered": row.answered,
        "correct": row.correct,
        "percent": row.percent,
    }


def _answers(
    assignment: Assignment, row: StudentRow, questions: dict[str, AnyQuestion]
) -> list[dict[str, Any]]:
    order = {qid: i + 1 for i, qid in enumerate(row.attempt.question_ids)}
    found = []
    for answer in row.attempt.answers:
        question = questions.get(answer.question_id)
        found.append(
            {
                "assignment_id": assignment.id,
                "assignment_title": assignment.title,
                "attempt_id": row.attempt.id,
                "student": row.name,
                "attempt_number": row.number,
                "question_position": order.get(answer.question_id, ""),
                "question_id": answer.question_id,
                "theme": question.theme if question else "",
                "difficulty": question.difficulty if question else "",
                "claim": question.claim if question else "",
                "correct_verdict": getattr(question, "verdict", "") if question else "",
                "answer": answer.answer,
                "correct": "true" if answer.correct else "false",
                "answered_at": iso(answer.created_at),
            }
        )
    return found


def _csv(columns: tuple[str, ...], rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: safe_cell(value) for key, value in row.items()})
    return out.getvalue()


def answers_csv(
    assignment: Assignment, report: ClassReport, questions: dict[str, AnyQuestion]
) -> str:
    """Return one CSV row per answer a student gave."""
    rows = [a for s in report.students for a in _answers(assignment, s, questions)]
    return _csv(ANSWER_COLUMNS, rows)


def students_csv(assignment: Assignment, report: ClassReport) -> str:
    """Return one CSV row per student attempt."""
    return _csv(STUDENT_COLUMNS, [_student(assignment, s) for s in report.students])


def results_json(
    assignment: Assignment, report: ClassReport, questions: dict[str, AnyQuestion]
) -> str:
    """Return everything in one JSON document: the assignment, each question, each student
    with their answers, and the verdict confusion table."""
    document = {
        "assignment": {
            "id": assignment.id,
            "title": assignment.title,
            "join_code": assignment.join_code,
            "feedback_mode": assignment.feedback_mode,
            "identity": assignment.identity,
            "attempts_allowed": assignment.attempts_allowed,
            "opens_at": iso(assignment.opens_at) or None,
            "closes_at": iso(assignment.closes_at) or None,
            "closed": assignment.closed,
            "created_at": iso(assignment.created_at),
        },
        "questions": [
            {
                "question_id": q.question_id,
                "claim": q.question.claim if q.question else None,
                "correct_verdict": q.truth,
                "answered": q.answered,
                "correct": q.correct,
                "percent": q.percent,
                "most_common_wrong": q.most_common_wrong[0] if q.most_common_wrong else None,
            }
            for q in report.questions
        ],
        "students": [
            {
                **{k: v for k, v in _student(assignment, s).items() if not k.startswith("assign")},
                "answers": [
                    {
                        k: (v == "true" if k == "correct" else v)
                        for k, v in a.items()
                        if not k.startswith(("assign", "attempt", "student"))
                    }
                    for a in _answers(assignment, s, questions)
                ],
            }
            for s in report.students
        ],
        "confusion": report.confusion,
    }
    return json.dumps(document, indent=2, ensure_ascii=False)
