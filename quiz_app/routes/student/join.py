"""Students join a teacher's assignment with its code or link, and give a name or nickname, on
the assignment's page or inside a course page's frame."""

import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from quiz_app import rate_limits, store
from quiz_app.bank import lookup
from quiz_app.classroom import assignments, seeds, students
from quiz_app.deps import SessionDep, TemplatesDep
from quiz_app.links import oembed_link
from quiz_app.models import Assignment, Attempt, utcnow
from quiz_app.security import allow_assignment_framing, allow_framing, set_cookie
from quiz_app.templating import path_for

router = APIRouter()

RESUME_COOKIE = "cc_join_{id}"  # this browser's attempt at an assignment, to carry on later
RESUME_DAYS = 30
NICKNAME_WORDS = (
    ("Curious", "Careful", "Sharp", "Patient", "Brave", "Calm", "Clever", "Steady"),
    ("Otter", "Falcon", "Badger", "Heron", "Lynx", "Panda", "Robin", "Fox"),
)


def _suggest_nickname() -> str:
    first, second = (secrets.choice(words) for words in NICKNAME_WORDS)
    return f"{first} {second} {secrets.randbelow(90) + 10}"


def _not_found(request: Request, templates: TemplatesDep, typed: str, message: str) -> Response:
    context = {"typed": typed, "error": message}
    return templates.TemplateResponse(request, "join/join.html", context, status_code=404)


def _find(request: Request, session: SessionDep, typed: str) -> tuple[Assignment | None, str]:
    """Return the assignment a typed code names, or None and a message that helps.

    The pages of an assignment may be framed only by the sites its teacher listed. Security:
    wrong codes are limited per network, and a network over the limit learns nothing, not
    even whether its code was right.
    """
    code = assignments.normalize_code(typed)
    problem = assignments.code_problem(code)
    if problem:
        return None, problem
    rate_limits.check(request, session, rate_limits.WRONG_CODE)  # refused even if right
    found = store.assignments.get_assignment_by_code(session, code=code)
    if found is None:
        rate_limits.note(request, session, rate_limits.WRONG_CODE)
        return None, (
            f"No assignment has the code {assignments.format_code(code)}. Check it with your "
            "teacher: codes are 6 letters and digits, and never use 0, O, 1, I or L."
        )
    allow_assignment_framing(request, found.embed_origins)
    return found, ""


def _resumable(request: Request, session: SessionDep, assignment: Assignment) -> Attempt | None:
    """Return this browser's unfinished attempt at the assignment, if it has one."""
    token = request.cookies.get(RESUME_COOKIE.format(id=assignment.id))
    attempt = store.attempts.get_attempt(session, token=token) if token else None
    if attempt is None or attempt.assignment_id != assignment.id:
        return None
    if store.attempts.is_complete(session, attempt=attempt):
        return None
    return attempt


def _page(
    request: Request,
    templates: TemplatesDep,
    session: SessionDep,
    assignment: Assignment,
    extra: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    context = {
        "assignment": assignment,
        "code": assignments.format_code(assignment.join_code),
        "resume": _resumable(request, session, assignment),
        "suggestion": _suggest_nickname(),
        "name": "",
        "error": None,
        "blocked": None,
        **(extra or {}),
    }
    return templates.TemplateResponse(request, "join/name.html", context, status_code=status_code)


def _blocked(
    request: Request, templates: TemplatesDep, session: SessionDep, assignment: Assignment
) -> Response | None:
    """Return the page saying why students cannot take the assignment now, or None.

    Past its closing time, the form stays open while a student given extra time still has
    some: their name decides (join_assignment)."""
    later = store.students.latest_closing(session, assignment=assignment)
    blocked = assignments.unavailable(assignment, utcnow(), closes_at=later)
    if blocked is None:
        return None
    return _page(request, templates, session, assignment, {"blocked": blocked}, 403)


def _joinable(
    request: Request, session: SessionDep, templates: TemplatesDep, typed: str
) -> Assignment | Response:
    """Return the open assignment a typed code names, or the page that says why not."""
    assignment, message = _find(request, session, typed)
    if assignment is None:
        return _not_found(request, templates, typed, message)
    return _blocked(request, templates, session, assignment) or assignment


@router.get("/join")
def show_join(request: Request, templates: TemplatesDep) -> Response:
    return templates.TemplateResponse(request, "join/join.html", {"typed": "", "error": None})


@router.post("/join")
def find_assignment(
    request: Request,
    session: SessionDep,
    templates: TemplatesDep,
    code: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    assignment, message = _find(request, session, code)
    if assignment is None:
        return _not_found(request, templates, code, message)
    return RedirectResponse(path_for(request, "show_join_code", code=assignment.join_code), 303)


@router.get("/j/{code}")
def show_join_code(
    request: Request, code: str, session: SessionDep, templates: TemplatesDep
) -> Response:
    assignment = _joinable(request, session, templates, code[:40])
    if isinstance(assignment, Response):
        return assignment
    page_path = path_for(request, "show_join_code", code=assignment.join_code)
    extra = {"oembed_url": oembed_link(request, page_path)}
    return _page(request, templates, session, assignment, extra)


@router.get("/embed/j/{code}")
def embed_join(
    request: Request, code: str, session: SessionDep, templates: TemplatesDep
) -> Response:
    """The page a course page frames: the assignment's name form, with minimal chrome."""
    request.state.embedded = True
    try:
        assignment, message = _find(request, session, code[:40])
    except HTTPException:  # too many wrong codes: the course page's frame shows the wait
        allow_framing(request)
        raise
    if assignment is None:
        allow_framing(request)  # the course page's frame shows what is wrong
        raise HTTPException(404, message)
    if blocked := _blocked(request, templates, session, assignment):
        return blocked
    # Reloading the course page carries on with this tab's attempt (static/app.js).
    extra = {"resume_set": store.assignments.assignment_set_id(assignment)}
    return _page(request, templates, session, assignment, extra)


@router.post("/j/{code}")
def join_assignment(
    request: Request,
    code: str,
    session: SessionDep,
    templates: TemplatesDep,
    name: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    assignment = _joinable(request, session, templates, code[:40])
    if isinstance(assignment, Response):
        return assignment
    student = assignments.clean_name(name)
    what = "name" if assignment.identity == "name" else "nickname"
    if not student or len(student) > assignments.MAX_NAME:
        error = f"Type your {what}, from 1 to {assignments.MAX_NAME} characters."
        return _page(request, templates, session, assignment, {"error": error, "name": name}, 422)
    key = assignments.name_key(student)
    allowance = store.students.get_allowance(session, assignment=assignment, student_key=key)
    own_closing = students.extra_closing(allowance)
    if blocked := assignments.unavailable(assignment, utcnow(), closes_at=own_closing):
        return _page(request, templates, session, assignment, {"blocked": blocked}, 403)
    used = store.assignments.count_student_attempts(session, assignment=assignment, student_key=key)
    allowed = students.attempts_allowed(assignment, allowance)
    if used >= allowed:
        times = "once" if allowed == 1 else f"{allowed} times"
        error = (
            f"Someone called “{student}” has already taken this assignment {times}, "
            "which is all it allows. If that was you, open your quiz link to see your answers. "
            f"If it was not you, add something to your {what} (like an initial)."
        )
        extra = {"error": error, "name": student}
        return _page(request, templates, session, assignment, extra, 409)
    rate_limits.spend(request, session, rate_limits.START)
    seed = seeds.new_seed()
    verdicts = lookup.verdicts_of(session, request.app.state.bank, assignment.pool)
    phases = assignments.phases_for_student(assignment, seed, verdicts)
    attempt = store.assignments.create_assignment_attempt(
        session,
        assignment=assignment,
        student_name=student,
        question_ids=phases.all,
        seed=seed,
        check_in_count=len(phases.check_in),
        check_out_count=len(phases.check_out),
    )
    response = RedirectResponse(path_for(request, "resume_attempt", token=attempt.token), 303)
    cookie = RESUME_COOKIE.format(id=assignment.id)
    set_cookie(response, request, cookie, attempt.token, path="/j", max_age=RESUME_DAYS * 86400)
    return response
