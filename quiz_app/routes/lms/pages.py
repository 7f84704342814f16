"""The pages a launch opens inside the LMS: the instructor's dashboard of the linked assignment,
each student's answers, grade resends, and a student's choice of another attempt (the picker of
what a link opens is in picker.py). Also the teacher's LMS settings page and the dashboard's
grade resend (/teacher, cookie login).

Security: an LMS frame may get no cookies (third-party cookie blocking), so these pages carry
their access in the URL: /lti/s/<token>/…, a random 256-bit token made at launch, of which the
database keeps only a hash. It is not a teacher login: it reaches only its own resource link's
assignment (or its own deep-linking request), never the /teacher pages, and ends after
store.lti.SESSION_LIFETIME (quiz_app/lms_access.py checks it). The pages are not cached
(no-store), send no Referer to other sites (Referrer-Policy: same-origin) and load nothing from
elsewhere, so the token does not leak out of the frame; forms carry a CSRF token as well. A
teacher who wants the full teacher pages presses "Edit, close or download in a new tab": a
top-level tab, where the usual login cookie works.
"""

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from quiz_app import lms_access, messages, store
from quiz_app.bank.catalog import Bank
from quiz_app.classroom import assignments, dashboard, students
from quiz_app.classroom.lms_attempts import start_next_attempt
from quiz_app.deps import (
    BankDep,
    CurrentTeacher,
    IsHtmx,
    RowId,
    SessionDep,
    TemplatesDep,
)
from quiz_app.links import tool_urls
from quiz_app.lms_access import CurrentLti
from quiz_app.lti import ags, grades, vocab
from quiz_app.lti.tables import LtiSession
from quiz_app.models import Assignment, utcnow
from quiz_app.security import allow_framing, set_session_cookie
from quiz_app.templating import page_or_fragment, path_for, path_maker

router = APIRouter(prefix="/lti/s/{token}", dependencies=[Depends(allow_framing)])
teacher_router = APIRouter(prefix="/teacher")

RESEND_NOTICES = {
    grades.SENT: "The grade was sent to the LMS.",
    grades.PENDING: "The LMS did not take the grade yet; Claim Check keeps trying.",
    grades.FAILED: "The LMS refused the grade; see the reason in the table.",
}


# --- the instructor's pages ------------------------------------------------------------


def _dashboard_context(
    request: Request, session: Session, bank: Bank, row: LtiSession, assignment: Assignment
) -> dict[str, Any]:
    token = request.path_params["token"]
    teacher = lms_access.lti_teacher(session, row)
    return {
        **dashboard.dashboard_context(session, bank, teacher, assignment),
        "owner": assignment.teacher_id == teacher.id,
        "link": row.resource_link,
        "platform": row.platform,
        "live_url": path_for(request, "show_lti_dashboard", token=token),
        "student_url": path_maker(request, "show_lti_student", "attempt_id", token=token),
        "resend_url": path_maker(request, "resend_lti_grade", "attempt_id", token=token),
        "notice": RESEND_NOTICES.get(request.query_params.get("resent", "")),
    }


@router.get("/dashboard")
def show_lti_dashboard(
    request: Request,
    lti: CurrentLti,
    session: SessionDep,
    bank: BankDep,
    templates: TemplatesDep,
    htmx: IsHtmx,
) -> Response:
    """The instructor's dashboard of the assignment the link opens."""
    assignment = lms_access.linked_assignment(lti)
    if assignment is None:
        return RedirectResponse(
            path_for(request, "show_lti_link_picker", token=lms_access.lti_token(request)), 303
        )
    if htmx and dashboard.unchanged(session, assignment, request.query_params.get("v")):
        return lms_access.private(Response(status_code=204, headers={"Vary": "HX-Request"}))
    context = _dashboard_context(request, session, bank, lti, assignment)
    names = ("lti/dashboard.html", "teacher/_live.html")
    return lms_access.private(
        page_or_fragment(templates, request, htmx, names, lms_access.with_token(request, context))
    )


@router.get("/attempts/{attempt_id}")
def show_lti_student(
    request: Request,
    attempt_id: RowId,
    lti: CurrentLti,
    session: SessionDep,
    bank: BankDep,
    templates: TemplatesDep,
) -> Response:
    """One student's answers, for the instructor."""
    assignment = lms_access.linked_assignment(lti)
    attempt = (
        store.assignments.get_assignment_attempt(
            session, assignment=assignment, attempt_id=attempt_id
        )
        if assignment
        else None
    )
    if assignment is None or attempt is None:
        raise HTTPException(404, messages.NO_SUCH_ATTEMPT.format(noun="activity"))
    teacher = lms_access.lti_teacher(session, lti)
    context = {
        **dashboard.student_answers_context(session, bank, teacher, assignment, attempt),
        "layout": "lti/layout.html",
        "back_url": path_for(request, "show_lti_dashboard", token=lms_access.lti_token(request)),
    }
    return lms_access.render(request, templates, "teacher/student.html", context)


def _resend(request: Request, session: Session, assignment: Assignment, attempt_id: int) -> str:
    grade = store.grades.grade_of(session, assignment=assignment, attempt_id=attempt_id)
    if grade is None:
        raise HTTPException(
            404, "This student has no grade for the LMS yet: it is queued when they finish."
        )
    if grade.status == grades.SENT:
        raise HTTPException(409, "This grade was already sent to the LMS; it is never sent twice.")
    now = utcnow()
    grades.make_due(session, grade=grade, now=now)
    state = request.app.state
    outcome = ags.send_now(state.sessions, state.lti_http, grade.id, now=now)
    return outcome or grades.PENDING


@router.post("/attempts/{attempt_id}/resend")
def resend_lti_grade(
    request: Request, attempt_id: RowId, lti: CurrentLti, session: SessionDep
) -> Response:
    """Send a pending or failed grade again, now."""
    assignment = lms_access.linked_assignment(lti)
    if assignment is None:
        raise HTTPException(404, messages.NO_SUCH_ATTEMPT.format(noun="activity"))
    outcome = _resend(request, session, assignment, attempt_id)
    url = path_for(request, "show_lti_dashboard", token=lms_access.lti_token(request))
    return RedirectResponse(f"{url}?resent={outcome}", 303)


@router.post("/full")
def open_full_dashboard(request: Request, lti: CurrentLti, session: SessionDep) -> Response:
    """Log the instructor in to the teacher pages, in a new top-level tab (a first-party
    cookie there), at the assignment's full dashboard. Only for the assignment's owner."""
    assignment = lms_access.linked_assignment(lti)
    teacher = lms_access.lti_teacher(session, lti)
    if assignment is None or assignment.teacher_id != teacher.id:
        raise HTTPException(
            403, "Only the teacher who made this assignment can open it in Claim Check."
        )
    hours = request.app.state.settings.session_hours
    token, _csrf = store.teachers.create_session(session, teacher=teacher, hours=hours)
    url = path_for(request, "show_assignment", assignment_id=assignment.id)
    response = RedirectResponse(url, 303)
    set_session_cookie(response, request, token, hours)
    return response


# --- a student's further attempts ---------------------------------------------------------


@router.get("/attempts")
def show_lti_attempts(
    request: Request, lti: CurrentLti, session: SessionDep, templates: TemplatesDep
) -> Response:
    """A student who finished may see their results or, if allowed, start again."""
    lms_access.need_kind(lti, "learner")
    link = lti.resource_link
    assignment = link.assignment if link else None
    if assignment is None:
        raise HTTPException(404, messages.NO_QUESTIONS_CHOSEN)
    latest = store.lti.latest_attempt(session, user=lti.lti_user, assignment=assignment)
    limits = students.lms_limits(session, assignment, lti.lti_user)
    context = {
        "assignment": assignment,
        "latest": latest,
        "left": limits.attempts - (latest.number if latest else 0),
        "blocked": assignments.unavailable(
            assignment, utcnow(), noun="activity", closes_at=limits.closes_at
        ),
    }
    return lms_access.render(request, templates, "lti/attempts.html", context)


@router.post("/attempts")
def start_lti_attempt(request: Request, lti: CurrentLti, session: SessionDep) -> Response:
    lms_access.need_kind(lti, "learner")
    link = lti.resource_link
    assignment = link.assignment if link else None
    if link is None or assignment is None:
        raise HTTPException(404, messages.NO_QUESTIONS_CHOSEN)
    latest = store.lti.latest_attempt(session, user=lti.lti_user, assignment=assignment)
    number = (latest.number if latest else 0) + 1
    if latest is not None and not store.attempts.is_complete(session, attempt=latest.attempt):
        token = latest.attempt.token  # still unfinished: carry on with it
        return RedirectResponse(path_for(request, "resume_attempt", token=token), 303)
    limits = students.lms_limits(session, assignment, lti.lti_user)
    if number > limits.attempts:
        raise HTTPException(409, "You have used every attempt this activity allows.")
    blocked = assignments.unavailable(
        assignment, utcnow(), noun="activity", closes_at=limits.closes_at
    )
    if blocked:
        raise HTTPException(403, blocked)
    token = start_next_attempt(
        session, request.app.state.bank, lti.lti_user, assignment, link, number
    )
    return RedirectResponse(path_for(request, "resume_attempt", token=token), 303)


# --- teacher pages (cookie login) ---------------------------------------------------------


@teacher_router.get("/lti")
def show_lti_settings(
    request: Request, teacher: CurrentTeacher, session: SessionDep, templates: TemplatesDep
) -> Response:
    """The tool's addresses for the LMS admin, and the LMSs registered here."""
    context = {
        "teacher": teacher,
        "urls": tool_urls(request),
        "platforms": store.platforms.list_platforms(session),
        "keys": store.keys.published_keys(session, now=utcnow()),
        "score_scope": vocab.SCORE_SCOPE,
    }
    return templates.TemplateResponse(request, "lti/settings.html", context)


@teacher_router.post("/assignments/{assignment_id}/attempts/{attempt_id}/resend-grade")
def resend_teacher_grade(
    request: Request,
    assignment_id: RowId,
    attempt_id: RowId,
    teacher: CurrentTeacher,
    session: SessionDep,
) -> Response:
    """Send a student's pending or failed LMS grade again, from the teacher's dashboard."""
    assignment = store.assignments.get_assignment(
        session, teacher=teacher, assignment_id=assignment_id
    )
    if assignment is None:
        raise HTTPException(404, messages.NOT_YOUR_ASSIGNMENT)
    outcome = _resend(request, session, assignment, attempt_id)
    url = path_for(request, "show_assignment", assignment_id=assignment.id)
    return RedirectResponse(f"{url}?resent={outcome}", 303)
