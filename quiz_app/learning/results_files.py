"""An assignment's results as CSV and JSON files with stable, documented columns (see
docs/teacher-guide.md). Pure functions; no I/O."""

import csv
import hashlib
import hmac
import io
import json
from datetime import UTC, datetime
from typing import Any

from quiz_app.bank.catalog import AnyQuestion
from quiz_app.learning import item_stats, revotes
from quiz_app.learning.class_report import ClassReport, QuestionRow, StudentRow, form_of
from quiz_app.learning.student_report import phase_of
from quiz_app.models import Answer, Assignment, Attempt

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
    "kind",
    "concepts",
    "phase",
    "form",
    "reason",
    "reason_correct",
    "confidence",
    "seconds_since_previous",
    *revotes.REVOTE_COLUMNS,
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
    "reasons_asked",
    "reasons_right",
    "reason_percent",
    "wrong_reason",
    "calibration",
    "overconfidence",
    "over_trust",
    "over_trust_of",
    "over_doubt",
    "over_doubt_of",
    "tendency",
    "change_points",
    "change_low",
    "change_high",
)
ITEM_COLUMNS = (
    "assignment_id",
    "question_id",
    "kind",
    "theme",
    "concepts",
    "form",
    "correct_verdict",
    "answered",
    "correct",
    "percent",
    "reasons_asked",
    "reason_percent",
    "most_common_wrong",
    "most_common_wrong_reason",
    "mean_confidence_right",
    "mean_confidence_wrong",
    "facility",
    "discrimination",
    "form_kr20",
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
        **_profile(row),
    }


def _rounded(value: float | None, places: int = 3) -> float | str:
    return "" if value is None else round(value, places)


def _profile(row: StudentRow) -> dict[str, Any]:
    """Return a student's numbers beyond the score (docs/scoring.md, 6, 8, 9 and 11)."""
    own, change = row.profile, row.change
    interval = change.accuracy_interval if change is not None else None
    accuracy = change.accuracy if change is not None else None
    return {
        "reasons_asked": own.reasons.total,
        "reasons_right": own.reasons.right,
        "reason_percent": "" if own.reasons.percent is None else own.reasons.percent,
        "wrong_reason": row.wrong_reason,
        "calibration": own.calibration_label or "",
        "overconfidence": _rounded(own.calibration.overconfidence),
        "over_trust": row.trust.over_trust.right,
        "over_trust_of": row.trust.over_trust.total,
        "over_doubt": row.trust.over_doubt.right,
        "over_doubt_of": row.trust.over_doubt.total,
        "tendency": row.trust.label or "",
        "change_points": "" if accuracy is None else round(accuracy * 100),
        "change_low": "" if interval is None else round(interval[0] * 100),
        "change_high": "" if interval is None else round(interval[1] * 100),
    }


def pseudonym(attempt: Attempt, first: Attempt) -> str:
    """Return a student's stable pseudonymous id: an HMAC of the assignment and the student's
    name, keyed with the secret token of their first attempt (never shown to a teacher)."""
    message = f"{attempt.assignment_id}:{(attempt.student_name or '').casefold()}"
    digest = hmac.new(first.token.encode(), message.encode(), hashlib.sha256).hexdigest()
    return "s-" + digest[:12]


def hide_names(report: ClassReport) -> ClassReport:
    """Return the report with each student's name replaced by their pseudonym (?names=off)."""
    firsts: dict[str, Attempt] = {}
    for row in report.students:
        firsts.setdefault(row.name.casefold(), row.attempt)
    for row in report.students:
        row.name = pseudonym(row.attempt, firsts[row.name.casefold()])
    return report


def _answers(
    assignment: Assignment, row: StudentRow, questions: dict[str, AnyQuestion]
) -> list[dict[str, Any]]:
    order = {qid: i + 1 for i, qid in enumerate(row.attempt.question_ids)}
    found = []
    previous: datetime | None = None
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
                **_answer_extras(row.attempt, answer, question, previous),
            }
        )
        previous = answer.created_at
    return found


def _answer_extras(
    attempt: Attempt, answer: Answer, question: AnyQuestion | None, previous: datetime | None
) -> dict[str, Any]:
    """Return the columns added for issue 11: kind, concepts, phase, form, reason…"""
    phase = phase_of(attempt, answer.question_id) if _listed(attempt, answer) else None
    since = previous or attempt.created_at
    return {
        "kind": question.kind if question else "",
        "concepts": ";".join(question.concepts) if question else "",
        "phase": phase.name if phase else "practice",
        "form": (form_of(attempt, answer.question_id) or "") if _listed(attempt, answer) else "",
        "reason": answer.reason or "",
        "reason_correct": ""
        if answer.reason_correct is None
        else str(answer.reason_correct).lower(),
        "confidence": answer.confidence or "",
        "seconds_since_previous": round((answer.created_at - since).total_seconds()),
        **revotes.revote_cells(answer),
    }


def _listed(attempt: Attempt, answer: Answer) -> bool:
    return answer.question_id in attempt.question_ids and bool(
        attempt.check_in_count or attempt.check_out_count
    )


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


def _forms(report: ClassReport) -> dict[str, str]:
    found: dict[str, str] = {}
    for row in report.students:
        for qid in row.attempt.question_ids:
            if (form := form_of(row.attempt, qid)) is not None:
                found.setdefault(qid, form)
    return found


def _item(assignment: Assignment, q: QuestionRow, form: str, report: ClassReport) -> dict[str, Any]:
    """Return one question's statistics; those below MIN_ITEM_ANSWERS answers are left empty."""
    shown = q.enough
    wrong, wrong_reason = q.most_common_wrong, q.most_common_wrong_reason
    kr20 = report.kr20.get(form) if form else None
    return {
        "assignment_id": assignment.id,
        "question_id": q.question_id,
        "kind": q.question.kind if q.question else "",
        "theme": q.question.theme if q.question else "",
        "concepts": ";".join(q.question.concepts) if q.question else "",
        "form": form,
        "correct_verdict": q.truth or "",
        "answered": q.answered,
        "correct": q.correct,
        "percent": q.percent if shown else "",
        "reasons_asked": q.reasons_asked,
        "reason_percent": q.reason_percent if shown and q.reason_percent is not None else "",
        "most_common_wrong": wrong[0] if shown and wrong else "",
        "most_common_wrong_reason": wrong_reason[0] if shown and wrong_reason else "",
        "mean_confidence_right": _rounded(q.mean_confidence_right) if shown else "",
        "mean_confidence_wrong": _rounded(q.mean_confidence_wrong) if shown else "",
        "facility": _rounded(q.facility) if shown else "",
        "discrimination": _rounded(q.discrimination),
        "form_kr20": _rounded(kr20),
    }


def _items(assignment: Assignment, report: ClassReport) -> list[dict[str, Any]]:
    forms = _forms(report)
    return [_item(assignment, q, forms.get(q.question_id, ""), report) for q in report.questions]


def items_csv(
    assignment: Assignment, report: ClassReport, _questions: dict[str, AnyQuestion]
) -> str:
    """Return one CSV row per question with its statistics (docs/scoring.md, 14)."""
    return _csv(ITEM_COLUMNS, _items(assignment, report))


def _class(report: ClassReport) -> dict[str, Any]:
    change = report.change
    return {
        "over_trust": report.trust.over_trust.right,
        "over_trust_of": report.trust.over_trust.total,
        "over_doubt": report.trust.over_doubt.right,
        "over_doubt_of": report.trust.over_doubt.total,
        "concepts_missed": [
            {
                "concept": m.concept,
                "answered": m.answered,
                "missed": m.missed,
                "question_ids": list(m.question_ids),
            }
            for m in report.concepts_missed
        ],  # fmt: skip
        "teach_next": [{"concept": m.concept, "question_id": q} for m, q in report.teach_next],
        "change_students": report.changes,
        "mean_change": None
        if change is None
        else {
            "points": round(change.mean * 100, 1),
            "low": round(change.low * 100, 1),
            "high": round(change.high * 100, 1),
            "students": change.students,
            "words": change.words,
        },
        "kr20": {form: None if v is None else round(v, 3) for form, v in report.kr20.items()},
        "minimums": {
            "item_answers": item_stats.MIN_ITEM_ANSWERS,
            "kr20_students": item_stats.MIN_KR20_STUDENTS,
            "change_students": item_stats.MIN_CHANGE_STUDENTS,
            "concept_answers": item_stats.MIN_CONCEPT_ANSWERS,
        },
    }


def students_csv(assignment: Assignment, report: ClassReport) -> str:
    """Return one CSV row per student attempt."""
    return _csv(STUDENT_COLUMNS, [_student(assignment, s) for s in report.students])


def _json_value(key: str, value: Any) -> Any:
    """Return a CSV cell as JSON gives it: true/false as booleans, an empty cell as null."""
    if key in ("correct", "reason_correct"):
        return None if value == "" else value == "true"
    return None if value == "" and key != "claim" else value


# The items.csv columns results.json already gives each question under the names it had.
_SAID = {"assignment_id", "question_id", "correct_verdict", "answered", "correct", "percent",
         "most_common_wrong"}  # fmt: skip


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
                **{k: None if v == "" else v for k, v in item.items() if k not in _SAID},
            }
            for q, item in zip(report.questions, _items(assignment, report), strict=True)
        ],
        "students": [
            {
                **{k: v for k, v in _student(assignment, s).items() if not k.startswith("assign")},
                "answers": [
                    {
                        k: _json_value(k, v)
                        for k, v in a.items()
                        if not k.startswith(("assign", "attempt", "student"))
                    }
                    for a in _answers(assignment, s, questions)
                ],
            }
            for s in report.students
        ],
        "confusion": report.confusion,
        "class": _class(report),
    }
    return json.dumps(document, indent=2, ensure_ascii=False)
