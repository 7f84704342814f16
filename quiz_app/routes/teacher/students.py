"""Managing one student of an assignment, from their page: letting them back into their attempt
(a new resume code), another attempt, extra time (a later closing time), deleting an attempt
after a confirmation. Each is logged on the assignment."""

from fastapi import APIRouter, HTTPException
from fastapi.responses import RedirectResponse, Response

from quiz_app import messages, store
from quiz_app.classroom import dashboard, resume, students
from quiz_app.deps import FormDataDep, RowId, TeacherPage, TeacherPageDep
from quiz_app.models import Assignment, Attempt, utcnow
from quiz_app.templating import path_for

router = APIRouter(prefix="/teacher/assignments/{assignment_id}/attempts/{attempt_id}")


def _find(page: TeacherPage, assignment_id: int, attempt_id: int) -> tuple[Assignment, Attempt]:
    """Return the teacher's own assignment and its attempt; anything else is a 404."""
    assignment = store.assignments.get_assignment(
        page.session, teacher=page.teacher, assignment_id=assignment_id
    )
    if assignment is None:
        raise HTTPException(404, messages.NOT_YOUR_ASSIGNMENT)
    attempt = store.assignments.get_assignment_attempt(
        page.session, assignment=assignment, attempt_id=attempt_id
    )
    if attempt is None:
        raise HTTPException(404, messages.NO_SUCH_ATTEMPT.format(noun="assignment"))
    return assignment, attempt


def _key(page: TeacherPage, attempt: Attempt) -> str:
    return store.students.student_key_of(page.session, attempt=attempt) or ""


def _back(page: TeacherPage, assignment: Assignment, attempt: Attempt) -> Response:
    url = path_for(
        page.request, "show_student_answers", assignment_id=assignment.id, attempt_id=attempt.id
    )
    return RedirectResponse(url + "#manage-heading", 303)


@router.post("/re-admit")
def readmit_student(page: TeacherPageDep, assignment_id: RowId, attempt_id: RowId) -> Response:
    """Let the student back into this same unfinished attempt with a new resume code (the old
    one stops working); their page then shows the code to tell them."""
    assignment, attempt = _find(page, assignment_id, attempt_id)
    if store.attempts.is_complete(page.session, attempt=attempt):
        raise HTTPException(409, students.FINISHED_CANNOT_REOPEN)
    store.students.readmit(
        page.session,
        assignment=assignment,
        teacher=page.teacher,
        attempt=attempt,
        resume_code=resume.new_resume_code(),
        details=students.READMIT_DETAILS,
    )
    return _back(page, assignment, attempt)


@router.post("/another-attempt")
def give_another_attempt(page: TeacherPageDep, assignment_id: RowId, attempt_id: RowId) -> Response:
    """Let this student start one more attempt than the assignment allows."""
    assignment, attempt = _find(page, assignment_id, attempt_id)
    before = store.students.allowance_of(page.session, attempt=attempt)
    store.students.give_another_attempt(
        page.session,
        assignment=assignment,
        teacher=page.teacher,
        student_key=_key(page, attempt),
        student_name=attempt.student_name or "",
        details=students.another_attempt_details(assignment, before),
    )
    return _back(page, assignment, attempt)


@router.post("/extra-time")
def give_extra_time(
    page: TeacherPageDep,
    form: FormDataDep,
    assignment_id: RowId,
    attempt_id: RowId,
) -> Response:
    """Give this student a later closing time than the assignment's (typed in a time zone)."""
    assignment, attempt = _find(page, assignment_id, attempt_id)
    closes_at = str(form.get("closes_at") or "")[:40]
    zone = str(form.get("timezone") or "")[:64] or page.teacher.timezone
    when, problem = students.parse_closing_time(closes_at, zone, assignment, utcnow())
    if when is None:
        context = {
            **dashboard.student_answers_context(
                page.session, page.bank, page.teacher, assignment, attempt
            ),
            **students.manage_context(page.session, assignment, attempt),
            "manage_error": problem,
            "manage_typed": closes_at,
        }
        return page.render("teacher/student.html", context, 422)
    store.students.set_closing_time(
        page.session,
        assignment=assignment,
        teacher=page.teacher,
        student_key=_key(page, attempt),
        student_name=attempt.student_name or "",
        closes_at=when,
        details=students.extra_time_details(assignment, when, zone),
    )
    return _back(page, assignment, attempt)


@router.get("/delete")
def confirm_delete_attempt(
    page: TeacherPageDep, assignment_id: RowId, attempt_id: RowId
) -> Response:
    assignment, attempt = _find(page, assignment_id, attempt_id)
    context = {"assignment": assignment, "attempt": attempt, "answers": len(attempt.answers)}
    return page.render("teacher/attempt_delete.html", context)


@router.post("/delete")
def delete_attempt(page: TeacherPageDep, assignment_id: RowId, attempt_id: RowId) -> Response:
    """Delete this one attempt and its answers; every other attempt stays."""
    assignment, attempt = _find(page, assignment_id, attempt_id)
    store.students.delete_student_attempt(
        page.session,
        assignment=assignment,
        teacher=page.teacher,
        attempt=attempt,
        details=students.delete_details(attempt, page.teacher.timezone),
    )
    url = path_for(page.request, "show_assignment", assignment_id=assignment.id)
    return RedirectResponse(url, 303)
