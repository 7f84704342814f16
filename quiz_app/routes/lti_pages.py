"""The pages a launch opens inside the LMS: the instructor's dashboard of the linked assignment,
each student's answers, grade resends, choosing what a link opens, the deep-linking picker, and
a student's choice of another attempt. Also the teacher's LMS settings page and the dashboard's
grade resend (/teacher, cookie login).

Security: an LMS frame may get no cookies (third-party cookie blocking), so these pages carry
their access in the URL: /lti/s/<token>/…, a random 256-bit token made at launch, of which the
database keeps only a hash. It is not a teacher login: it reaches only its own resource link's
assignment (or its own deep-linking request), never the /teacher pages, and ends after
lti_store.SESSION_LIFETIME. The pages are not cached (no-store), send no Referer to other
sites (Referrer-Policy: same-origin) and load nothing from elsewhere, so the token does not
leak out of the frame; forms carry a CSRF token as well. A teacher who wants the full teacher
pages presses "Open in a new tab": a top-level tab, where the usual login cookie works.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from quiz_app import assignments, auth, questions, reports, teacher_store
from quiz_app.bank import Bank
from quiz_app.deps import (
    BankDep,
    CurrentTeacher,
    FormDataDep,
    IsHtmx,
    SessionDep,
    TemplatesDep,
)
from quiz_app.lti import ags, deep_linking, grades, keys, vocab
from quiz_app.lti import platforms as lti_platforms
from quiz_app.lti import store as lti_store
from quiz_app.models import Assignment, LtiSession, Teacher, utcnow
from quiz_app.routes.lti import start_next_attempt, tool_urls, unavailable
from quiz_app.routes.teacher import CODE_CANDIDATES, POLL_SECONDS
from quiz_app.security import allow_form_target, allow_framing
from quiz_app.templating import path_for
from quiz_app.themes import VERDICTS

router = APIRouter(prefix="/lti/s/{token}", dependencies=[Depends(allow_framing)])
teacher_router = APIRouter(prefix="/teacher")

EXPIRED = (
    "This page's access from your LMS has ended (it lasts a few hours) or its address is "
    "incomplete. Open the activity from your LMS again."
)
RESEND_NOTICES = {
    grades.SENT: "The grade was sent to the LMS.",
    grades.PENDING: "The LMS did not take the grade yet; Claim Check keeps trying.",
    grades.FAILED: "The LMS refused the grade; see the reason in the table.",
}


def _lti_session(
    request: Request, token: str, session: SessionDep, form: FormDataDep
) -> LtiSession:
    """Return the LTI session named in the URL; a POST must carry its CSRF token too."""
    row = lti_store.get_session(session, token=token)
    if row is None:
        raise HTTPException(401, EXPIRED)
    request.state.csrf_token = row.csrf_token
    if request.method not in ("GET", "HEAD"):
        given = request.headers.get(auth.CSRF_HEADER) or form.get(auth.CSRF_FIELD)
        if not auth.csrf_matches(row.csrf_token, given if isinstance(given, str) else None):
            raise HTTPException(
                403,
                "This form's security token is missing or out of date, so nothing was changed. "
                "Reload the page and try again.",
            )
    return row


CurrentLti = Annotated[LtiSession, Depends(_lti_session)]


def _need(row: LtiSession, kind: str) -> None:
    if row.kind != kind:
        raise HTTPException(
            403, "This page is not part of what you opened from your LMS. Open it again there."
        )


def _private(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


def _render(
    request: Request, templates: TemplatesDep, name: str, context: dict[str, Any], status: int = 200
) -> Response:
    context = {"lti_token": request.path_params.get("token"), **context}
    return _private(templates.TemplateResponse(request, name, context, status_code=status))


def _teacher(session: Session, row: LtiSession) -> Teacher:
    return lti_store.teacher_for(session, user=row.lti_user)


def _linked_assignment(row: LtiSession) -> Assignment | None:
    _need(row, "instructor")
    link = row.resource_link
    return link.assignment if link is not None else None


# --- the instructor's pages ------------------------------------------------------------


def _dashboard_context(
    request: Request, session: Session, bank: Bank, row: LtiSession, assignment: Assignment
) -> dict[str, Any]:
    attempts = teacher_store.attempts_with_answers(session, assignment=assignment)
    asked = [q for a in attempts for q in a.question_ids]
    found = questions.resolve_many(session, bank, [*assignment.pool, *asked])
    token = request.path_params["token"]
    teacher = _teacher(session, row)
    return {
        "teacher": teacher,
        "owner": assignment.teacher_id == teacher.id,
        "link": row.resource_link,
        "platform": row.platform,
        "assignment": assignment,
        "report": reports.class_report(attempts, found, assignment.pool),
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
        "live_url": path_for(request, "show_lti_dashboard", token=token),
        "student_url": lambda attempt_id: path_for(
            request, "show_lti_student", token=token, attempt_id=attempt_id
        ),
        "resend_url": lambda attempt_id: path_for(
            request, "resend_lti_grade", token=token, attempt_id=attempt_id
        ),
        "grades": grades.board(session, assignment=assignment),
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
    assignment = _linked_assignment(lti)
    if assignment is None:
        return RedirectResponse(
            path_for(request, "show_lti_link_picker", token=lti_token(request)), 303
        )
    context = _dashboard_context(request, session, bank, lti, assignment)
    name = "teacher/_live.html" if htmx else "lti/dashboard.html"
    response = _render(request, templates, name, context)
    response.headers["Vary"] = "HX-Request"
    return response


def lti_token(request: Request) -> str:
    token: str = request.path_params["token"]
    return token


@router.get("/attempts/{attempt_id}")
def show_lti_student(
    request: Request,
    attempt_id: int,
    lti: CurrentLti,
    session: SessionDep,
    bank: BankDep,
    templates: TemplatesDep,
) -> Response:
    """One student's answers, for the instructor."""
    assignment = _linked_assignment(lti)
    attempt = (
        teacher_store.get_assignment_attempt(session, assignment=assignment, attempt_id=attempt_id)
        if assignment
        else None
    )
    if assignment is None or attempt is None:
        raise HTTPException(404, "This activity has no such student attempt.")
    found = questions.resolve_many(session, bank, attempt.question_ids)
    answers = {a.question_id: a for a in attempt.answers}
    context = {
        "layout": "lti/layout.html",
        "back_url": path_for(request, "show_lti_dashboard", token=lti_token(request)),
        "assignment": assignment,
        "attempt": attempt,
        "items": [(qid, found.get(qid), answers.get(qid)) for qid in attempt.question_ids],
        "show_time": assignments.show_time,
        "clock": assignments.show_clock,
        "teacher": _teacher(session, lti),
        "summary": reports.class_report([attempt], found, attempt.question_ids).students[0],
    }
    return _render(request, templates, "teacher/student.html", context)


def _resend(request: Request, session: Session, assignment: Assignment, attempt_id: int) -> str:
    grade = grades.grade_of(session, assignment=assignment, attempt_id=attempt_id)
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
    request: Request, attempt_id: int, lti: CurrentLti, session: SessionDep
) -> Response:
    """Send a pending or failed grade again, now."""
    assignment = _linked_assignment(lti)
    if assignment is None:
        raise HTTPException(404, "This activity has no such student attempt.")
    outcome = _resend(request, session, assignment, attempt_id)
    url = path_for(request, "show_lti_dashboard", token=lti_token(request))
    return RedirectResponse(f"{url}?resent={outcome}", 303)


@router.post("/full")
def open_full_dashboard(request: Request, lti: CurrentLti, session: SessionDep) -> Response:
    """Log the instructor in to the teacher pages, in a new top-level tab (a first-party
    cookie there), at the assignment's full dashboard. Only for the assignment's owner."""
    assignment = _linked_assignment(lti)
    teacher = _teacher(session, lti)
    if assignment is None or assignment.teacher_id != teacher.id:
        raise HTTPException(
            403, "Only the teacher who made this assignment can open it in Claim Check."
        )
    hours = request.app.state.settings.session_hours
    token, _csrf = teacher_store.create_session(session, teacher=teacher, hours=hours)
    url = path_for(request, "show_assignment", assignment_id=assignment.id)
    response = RedirectResponse(url, 303)
    response.set_cookie(
        auth.SESSION_COOKIE,
        token,
        max_age=hours * 3600,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )
    return response


# --- choosing what a link opens -----------------------------------------------------------


def _picker_context(
    session: Session, bank: Bank, teacher: Teacher, values: dict[str, Any], errors: list[str]
) -> dict[str, Any]:
    return {
        "sets": [(qset, len(bank.select(qset, seed=0))) for qset in bank.sets.values()],
        "own": [a for a, _n in teacher_store.list_assignments(session, teacher=teacher)],
        "feedback_modes": assignments.FEEDBACK_MODES,
        "values": {"feedback_mode": "immediate", "attempts_allowed": "1", "title": "", **values},
        "errors": errors,
    }


def _chosen(
    session: Session, bank: Bank, teacher: Teacher, form: FormDataDep
) -> tuple[Assignment | None, dict[str, Any], list[str]]:
    """Return the assignment the picker's form chose (making a new one from a set), the form's
    values, and the problems found."""

    def text(name: str) -> str:
        value = form.get(name, "")
        return value if isinstance(value, str) else ""

    values = {k: text(k) for k in ("title", "feedback_mode", "attempts_allowed")}
    kind, _, value = text("choice").partition(":")
    if kind == "assignment" and value.isdigit():
        found = teacher_store.get_assignment(session, teacher=teacher, assignment_id=int(value))
        if found is None:
            raise HTTPException(404, "There is no assignment with this number among yours.")
        return found, values, []
    if kind != "set" or value not in bank.sets:
        return None, values, ["Choose one of the question sets or of your assignments."]
    parsed = assignments.parse_form(
        {
            "title": values["title"] or bank.sets[value].title,
            "source": "set",
            "set_id": value,
            "question_count": "",
            "shuffle": "on",
            "feedback_mode": values["feedback_mode"],
            "attempts_allowed": values["attempts_allowed"] or "1",
            "identity": "name",
            "timezone": teacher.timezone,
        },
        bank,
        {},
    )
    if parsed.problems:
        problems = [f"{field}: {'; '.join(p)}" for field, p in parsed.problems.items()]
        return None, values, problems
    fields = dict(parsed.fields)
    fields.pop("timezone")
    codes = [assignments.new_join_code() for _ in range(CODE_CANDIDATES)]
    created = teacher_store.create_assignment(session, teacher=teacher, codes=codes, **fields)
    return created, values, []


@router.get("/link")
def show_lti_link_picker(
    request: Request, lti: CurrentLti, session: SessionDep, bank: BankDep, templates: TemplatesDep
) -> Response:
    """Choose what a link opens, on its first instructor launch (when not deep-linked)."""
    if _linked_assignment(lti) is not None:
        return RedirectResponse(
            path_for(request, "show_lti_dashboard", token=lti_token(request)), 303
        )
    context = _picker_context(session, bank, _teacher(session, lti), {}, [])
    context["mode"] = "link"
    return _render(request, templates, "lti/pick.html", context)


@router.post("/link")
def link_lti_assignment(
    request: Request,
    lti: CurrentLti,
    session: SessionDep,
    bank: BankDep,
    templates: TemplatesDep,
    form: FormDataDep,
) -> Response:
    teacher = _teacher(session, lti)
    if _linked_assignment(lti) is not None:
        return RedirectResponse(
            path_for(request, "show_lti_dashboard", token=lti_token(request)), 303
        )
    chosen, values, errors = _chosen(session, bank, teacher, form)
    if chosen is None:
        context = {**_picker_context(session, bank, teacher, values, errors), "mode": "link"}
        return _render(request, templates, "lti/pick.html", context, 422)
    assert lti.resource_link is not None
    lti_store.link_assignment(session, link=lti.resource_link, assignment=chosen)
    return RedirectResponse(path_for(request, "show_lti_dashboard", token=lti_token(request)), 303)


@router.get("/pick")
def show_lti_picker(
    request: Request, lti: CurrentLti, session: SessionDep, bank: BankDep, templates: TemplatesDep
) -> Response:
    """The deep-linking picker: a bundled set (a new assignment) or one of the teacher's own."""
    _need(lti, "deep_link")
    context = _picker_context(session, bank, _teacher(session, lti), {}, [])
    context.update(mode="deep_link", course=(lti.deep_link or {}).get("context_title", ""))
    return _render(request, templates, "lti/pick.html", context)


def _return_page(
    request: Request,
    session: Session,
    templates: TemplatesDep,
    lti: LtiSession,
    items: list[dict[str, Any]],
    message: str,
) -> Response:
    """Answer with the form that takes the signed response back to the LMS."""
    settings = dict(lti.deep_link or {})
    return_url = str(settings["return_url"])
    request_settings = {"data": settings["data"]} if settings.get("has_data") else {}
    jwt = deep_linking.response_jwt(
        session,
        platform=lti.platform,
        deployment_id=str(settings["deployment_id"]),
        settings=request_settings,
        items=items,
        message=message,
    )
    if lti_platforms.url_problem("url", return_url) or not allow_form_target(request, return_url):
        raise HTTPException(400, "The LMS's return address cannot be used; add the activity again.")
    context = {"return_url": return_url, "jwt": jwt, "items": items}
    return _render(request, templates, "lti/deep_link_return.html", context)


@router.post("/pick")
def pick_lti_content(
    request: Request,
    lti: CurrentLti,
    session: SessionDep,
    bank: BankDep,
    templates: TemplatesDep,
    form: FormDataDep,
) -> Response:
    _need(lti, "deep_link")
    teacher = _teacher(session, lti)
    chosen, values, errors = _chosen(session, bank, teacher, form)
    if chosen is None:
        context = _picker_context(session, bank, teacher, values, errors)
        context.update(mode="deep_link", course=(lti.deep_link or {}).get("context_title", ""))
        return _render(request, templates, "lti/pick.html", context, 422)
    grant = lti_store.create_grant(session, platform=lti.platform, assignment=chosen)
    item = deep_linking.content_item(
        chosen,
        launch_url=tool_urls(request)["launch"],
        grant=grant,
        summary=f"{chosen.question_count} claims: "
        + assignments.summary_of_source(chosen.source, bank),
    )
    return _return_page(request, session, templates, lti, [item], f"Added “{chosen.title}”.")


@router.post("/pick/cancel")
def cancel_lti_pick(
    request: Request, lti: CurrentLti, session: SessionDep, templates: TemplatesDep
) -> Response:
    """Go back to the LMS without adding anything."""
    _need(lti, "deep_link")
    return _return_page(request, session, templates, lti, [], "")


# --- a student's further attempts ---------------------------------------------------------


@router.get("/attempts")
def show_lti_attempts(
    request: Request, lti: CurrentLti, session: SessionDep, templates: TemplatesDep
) -> Response:
    """A student who finished may see their results or, if allowed, start again."""
    _need(lti, "learner")
    link = lti.resource_link
    assignment = link.assignment if link else None
    if assignment is None:
        raise HTTPException(404, "This activity has no questions chosen yet.")
    latest = lti_store.latest_attempt(session, user=lti.lti_user, assignment=assignment)
    context = {
        "assignment": assignment,
        "latest": latest,
        "left": assignment.attempts_allowed - (latest.number if latest else 0),
        "blocked": unavailable(assignment),
    }
    return _render(request, templates, "lti/attempts.html", context)


@router.post("/attempts")
def start_lti_attempt(request: Request, lti: CurrentLti, session: SessionDep) -> Response:
    _need(lti, "learner")
    link = lti.resource_link
    assignment = link.assignment if link else None
    if link is None or assignment is None:
        raise HTTPException(404, "This activity has no questions chosen yet.")
    latest = lti_store.latest_attempt(session, user=lti.lti_user, assignment=assignment)
    number = (latest.number if latest else 0) + 1
    if (
        latest is not None
        and teacher_store.answer_count(session, attempt=latest.attempt)
        < len(latest.attempt.question_ids)
        and latest.attempt.submitted_at is None
    ):
        token = latest.attempt.token  # still unfinished: carry on with it
        return RedirectResponse(path_for(request, "resume_attempt", token=token), 303)
    if number > assignment.attempts_allowed:
        raise HTTPException(409, "You have used every attempt this activity allows.")
    blocked = unavailable(assignment)
    if blocked:
        raise HTTPException(403, blocked)
    token = start_next_attempt(session, lti.lti_user, assignment, link, number)
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
        "platforms": lti_platforms.list_platforms(session),
        "keys": keys.published_keys(session),
        "score_scope": vocab.SCORE_SCOPE,
    }
    return templates.TemplateResponse(request, "lti/settings.html", context)


@teacher_router.post("/assignments/{assignment_id}/attempts/{attempt_id}/resend-grade")
def resend_teacher_grade(
    request: Request,
    assignment_id: int,
    attempt_id: int,
    teacher: CurrentTeacher,
    session: SessionDep,
) -> Response:
    """Send a student's pending or failed LMS grade again, from the teacher's dashboard."""
    assignment = teacher_store.get_assignment(session, teacher=teacher, assignment_id=assignment_id)
    if assignment is None:
        raise HTTPException(404, "There is no assignment with this number among yours.")
    outcome = _resend(request, session, assignment, attempt_id)
    url = path_for(request, "show_assignment", assignment_id=assignment.id)
    return RedirectResponse(f"{url}?resent={outcome}", 303)
