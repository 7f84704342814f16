"""Students join a teacher's assignment with its code or link, and give a name or nickname, on
the assignment's page or inside a course page's frame."""

import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from quiz_app import rate_limits, store
from quiz_app.bank import lookup
from quiz_app.classroom import assignments, resume, seeds, students
from quiz_app.deps import SessionDep, TemplatesDep
from quiz_app.inputs import without_nul
from quiz_app.links import oembed_link
from quiz_app.models import Assignment, Attempt, StudentAllowance, utcnow
from quiz_app.security import allow_assignment_framing, allow_framing, set_cookie
from quiz_app.templating import path_for

router = APIRouter()

MEMORY_PATH = "/j"  # the memory cookie goes only to the join pages (not to /embed/j: no frame)
WRONG_RESUME_CODE = (
    "That resume code does not match an unfinished quiz by “{name}”. Check that you typed your "
    "name as you did when you started, and the code shown under each of your questions (6 "
    "letters and digits). If you cannot find it, ask your teacher to let you back in."
)
RESUMED_ATTEMPT_FINISHED = (
    "You have finished this quiz, so there is nothing to carry on: your teacher has your "
    "answers. If you need another try, ask your teacher."
)
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
        resume.record_wrong_code("join")
        rate_limits.note(request, session, rate_limits.WRONG_CODE)
        return None, (
            f"No assignment has the code {assignments.format_code(code)}. Check it with your "
            "teacher: codes are 6 letters and digits, and never use 0, O, 1, I or L."
        )
    allow_assignment_framing(request, found.embed_origins)
    return found, ""


def _remembered(request: Request, session: SessionDep, assignment: Assignment) -> Attempt | None:
    """Return the attempt this browser started at the assignment, while the join page may
    still offer it: unfinished, and started less than a school day ago (resume_hours)."""
    token = without_nul(request.cookies.get(resume.MEMORY_COOKIE.format(id=assignment.id)))
    attempt = store.attempts.get_attempt(session, token=token) if token else None
    if attempt is None or attempt.assignment_id != assignment.id:
        return None
    hours = request.app.state.settings.resume_hours
    if not resume.memory_is_fresh(attempt, now=utcnow(), hours=hours):
        return None
    if store.attempts.is_complete(session, attempt=attempt):
        return None
    return attempt


def _forget(response: Response, assignment: Assignment) -> None:
    response.delete_cookie(resume.MEMORY_COOKIE.format(id=assignment.id), path=MEMORY_PATH)


def _page(
    request: Request,
    templates: TemplatesDep,
    session: SessionDep,
    assignment: Assignment,
    extra: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    """Render the assignment's name page; a memory that has ended is forgotten on the way."""
    remembered = _remembered(request, session, assignment)
    context = {
        "assignment": assignment,
        "code": assignments.format_code(assignment.join_code),
        "resume": remembered,
        "suggestion": _suggest_nickname(),
        "name": "",
        "resume_typed": "",
        "error": None,
        "blocked": None,
        **(extra or {}),
    }
    response = templates.TemplateResponse(
        request, "join/name.html", context, status_code=status_code
    )
    if remembered is None and resume.MEMORY_COOKIE.format(id=assignment.id) in request.cookies:
        _forget(response, assignment)
    return response


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


@router.post("/j/{code}/forget")
def forget_attempt(
    request: Request, code: str, session: SessionDep, templates: TemplatesDep
) -> Response:
    """ "I'm someone else": forget this browser's attempt, and show the name form afresh.

    It only deletes a cookie of this browser, so it needs no CSRF token: another site's form
    could at worst make the student press "Continue" again."""
    assignment, message = _find(request, session, code[:40])
    if assignment is None:
        return _not_found(request, templates, code[:40], message)
    response = RedirectResponse(path_for(request, "show_join_code", code=assignment.join_code), 303)
    _forget(response, assignment)
    return response


def _go_to(request: Request, assignment: Assignment, attempt: Attempt) -> Response:
    """Send the student into their attempt, and remember it in this browser for a school day."""
    response = RedirectResponse(path_for(request, "resume_attempt", token=attempt.token), 303)
    cookie = resume.MEMORY_COOKIE.format(id=assignment.id)
    hours = request.app.state.settings.resume_hours
    set_cookie(response, request, cookie, attempt.token, path=MEMORY_PATH, max_age=hours * 3600)
    return response


def _rejoin(
    request: Request,
    session: SessionDep,
    templates: TemplatesDep,
    assignment: Assignment,
    student: str,
    typed_code: str,
) -> Response:
    """Send a student back into their own unfinished attempt, named and proved by its code.
    Wrong codes count as wrong join codes do (rate_limits.WRONG_CODE)."""
    rate_limits.check(request, session, rate_limits.WRONG_CODE)
    key = assignments.name_key(student)
    candidates = store.assignments.student_attempts(session, assignment=assignment, student_key=key)
    attempt = resume.matching_attempt(candidates, typed_code)
    extra = {"name": student, "resume_typed": typed_code}
    if attempt is None:
        resume.record_wrong_code("resume", assignment)
        rate_limits.note(request, session, rate_limits.WRONG_CODE)
        extra["error"] = WRONG_RESUME_CODE.format(name=student)
        return _page(request, templates, session, assignment, extra, 403)
    if store.attempts.is_complete(session, attempt=attempt):
        extra["error"] = RESUMED_ATTEMPT_FINISHED
        return _page(request, templates, session, assignment, extra, 409)
    return _go_to(request, assignment, attempt)


def _start(request: Request, session: SessionDep, assignment: Assignment, student: str) -> Response:
    """Start the student's new attempt at the assignment, and send them into it."""
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
        resume_code=resume.new_resume_code(),
    )
    return _go_to(request, assignment, attempt)


def _used_up(
    session: SessionDep, assignment: Assignment, allowance: StudentAllowance | None, student: str
) -> str | None:
    """Return what to tell a student whose name has started every attempt it may, or None."""
    key = assignments.name_key(student)
    used = store.assignments.count_student_attempts(session, assignment=assignment, student_key=key)
    allowed = students.attempts_allowed(assignment, allowance)
    if used < allowed:
        return None
    times = "once" if allowed == 1 else f"{allowed} times"
    what = "name" if assignment.identity == "name" else "nickname"
    return (
        f"Someone called “{student}” has already taken this assignment {times}, "
        "which is all it allows. If that was you and your quiz is not finished, type the "
        "resume code shown under each of your questions, below your name. "
        f"If it was not you, add something to your {what} (like an initial)."
    )


@router.post("/j/{code}")
def join_assignment(
    request: Request,
    code: str,
    session: SessionDep,
    templates: TemplatesDep,
    name: Annotated[str, Form(max_length=200)] = "",
    resume_code: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """Start a new attempt with a name, or, with a resume code too, get back into one."""
    assignment = _joinable(request, session, templates, code[:40])
    if isinstance(assignment, Response):
        return assignment
    student = assignments.clean_name(name)
    what = "name" if assignment.identity == "name" else "nickname"
    if not student or len(student) > assignments.MAX_NAME:
        error = f"Type your {what}, from 1 to {assignments.MAX_NAME} characters."
        extra: dict[str, Any] = {"error": error, "name": name, "resume_typed": resume_code}
        return _page(request, templates, session, assignment, extra, 422)
    key = assignments.name_key(student)
    allowance = store.students.get_allowance(session, assignment=assignment, student_key=key)
    own_closing = students.extra_closing(allowance)
    if blocked := assignments.unavailable(assignment, utcnow(), closes_at=own_closing):
        return _page(request, templates, session, assignment, {"blocked": blocked}, 403)
    if resume_code.strip():
        return _rejoin(request, session, templates, assignment, student, resume_code)
    if used_up := _used_up(session, assignment, allowance, student):
        extra = {"error": used_up, "name": student, "resume_open": True}
        return _page(request, templates, session, assignment, extra, 409)
    return _start(request, session, assignment, student)
