"""Dependency aliases the routes share."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Path, Request, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from quiz_app import auth, db, inputs, store
from quiz_app.bank.catalog import Bank
from quiz_app.models import Attempt, Teacher
from quiz_app.security import allow_assignment_framing, check_csrf
from quiz_app.templating import path_for


# The dependencies that do no I/O are async: FastAPI runs a sync one in its thread pool, a hop
# that costs more than the work. The session too: it connects only at its first query (in a
# thread), and closing it here, on the event loop, needs no thread.
#
# release_between: a sync dependency that queries runs in one thread of the pool and the route
# in another, so a dependency ends its transaction (giving its connection back) before it
# returns. Otherwise a request would hold a connection while it waits for a thread, and with
# more requests in flight than connections, every thread could be waiting for a connection held
# by a request that waits for a thread: stuck until the pool's timeout, then a 500.
async def _session(request: Request) -> AsyncIterator[Session]:
    with request.app.state.sessions() as session:
        yield session


async def _bank(request: Request) -> Bank:
    bank: Bank = request.app.state.bank
    return bank


async def _templates(request: Request) -> Jinja2Templates:
    templates: Jinja2Templates = request.app.state.templates
    return templates


def is_htmx(request: Request) -> bool:
    """Return whether htmx made the request and wants a fragment back (the IsHtmx dependency;
    the error pages ask it too)."""
    headers = request.headers
    # A history restore wants the whole page back, not a fragment.
    return (
        headers.get("hx-request") == "true" and headers.get("hx-history-restore-request") != "true"
    )


async def _is_htmx(request: Request) -> bool:
    return is_htmx(request)


SessionDep = Annotated[Session, Depends(_session)]
BankDep = Annotated[Bank, Depends(_bank)]
TemplatesDep = Annotated[Jinja2Templates, Depends(_templates)]
IsHtmx = Annotated[bool, Depends(_is_htmx)]


IN_CLASS = "Your class is doing this quiz together: follow it on the class page."


def _found_attempt(request: Request, attempt: Attempt | None) -> Attempt:
    """Return the attempt found by the URL's token, or refuse (404) when there is none; an
    assignment's attempt may be framed only by the sites its teacher listed (the pages of
    bundled sets keep the server's setting)."""
    if attempt is None:
        raise HTTPException(
            404,
            "We could not find this quiz. Check that the link is complete, "
            "or start a new quiz from the home page.",
        )
    if attempt.assignment is not None:
        allow_assignment_framing(request, attempt.assignment.embed_origins)
    return attempt


def _leave_for_class(request: Request, session: Session, attempt: Attempt) -> None:
    """While the class runs the attempt's assignment together (class mode), lead a student's
    own quiz page to the class page (303). Security: the quiz pages show each answer's
    feedback at once, and the results and the practice round say what was missed, so the key
    of the claim the class is still discussing would reach the student before the reveal."""
    if attempt.assignment_id is not None and store.class_runs.active_run(
        session, assignment_id=attempt.assignment_id
    ):
        url = path_for(request, "show_class_step", token=attempt.token)
        raise HTTPException(303, IN_CLASS, headers={"Location": url})


def student_attempt(request: Request, token: str, session: Session) -> tuple[Attempt, int]:
    """Return the attempt of a student's own quiz page (what CurrentAttempt gives) and its
    practice root's id (store.attempts.practice_root_id), read together, for a route that
    looks the attempt up itself, in its own thread."""
    found, root_id = store.attempts.get_attempt_with_root(session, token=token) or (None, 0)
    attempt = _found_attempt(request, found)
    _leave_for_class(request, session, attempt)
    return attempt, root_id


def _attempt(request: Request, token: str, session: SessionDep) -> Attempt:
    """Return the attempt of a student's own quiz page (its class page while the class runs
    it: _leave_for_class)."""
    attempt = _found_attempt(request, store.attempts.get_attempt(session, token=token))
    _leave_for_class(request, session, attempt)
    db.end_transaction(session)  # its connection back to the pool: see release_between
    return attempt


def _class_attempt(request: Request, token: str, session: SessionDep) -> Attempt:
    """Return the attempt of a class page (class mode)."""
    attempt = _found_attempt(request, store.attempts.get_attempt(session, token=token))
    db.end_transaction(session)  # its connection back to the pool: see release_between
    return attempt


CurrentAttempt = Annotated[Attempt, Depends(_attempt)]  # a student's own quiz pages
ClassAttempt = Annotated[Attempt, Depends(_class_attempt)]  # the class page (class mode)


class LoginRequired(Exception):
    """A teacher page was asked for without a live session (main.py sends them to log in)."""


MAX_FORM_BYTES = 2_000_000  # a form with the largest upload (1 MB) and its fields fits


async def _form(request: Request) -> AsyncIterator[FormData]:
    """Yield the request's form (empty for GET), closing its uploaded files afterwards.

    A body larger than MAX_FORM_BYTES is refused before it is read, so a 50 MB upload is not
    spooled to disk first only to be cut at 1 MB."""
    if request.method in ("GET", "HEAD"):
        yield FormData()
        return
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_FORM_BYTES:
        raise HTTPException(
            413,
            f"This form is larger than {MAX_FORM_BYTES // 1_000_000} MB, so it was not read. "
            "A question file may be at most 1 MB: split it into parts and upload each.",
        )
    async with request.form() as form:
        yield form


FormDataDep = Annotated[FormData, Depends(_form)]


async def _refuse_nul_text(request: Request, form: FormDataDep) -> None:
    """Refuse (422) a request with a NUL byte in its address, its query or its form fields:
    the app-wide dependency at the one place text comes in (uploaded files are not text, and
    the fields whose own check names control characters beside the field keep that check)."""
    problem = inputs.nul_problem(
        [
            *request.path_params.items(),
            *request.query_params.multi_items(),
            *(
                (k, v)
                for k, v in form.multi_items()
                if isinstance(v, str) and k not in inputs.CHECKED_BY_THEIR_FORM
            ),
        ]
    )
    if problem:
        raise HTTPException(422, problem)


NoNulText = Depends(_refuse_nul_text)

# A row's id in an address: from 1 to what the database can hold, else a 422 (not a 500).
RowId = Annotated[int, Path(ge=1, le=inputs.MAX_ID)]


def _teacher(request: Request, session: SessionDep, form: FormDataDep) -> Teacher:
    """Return the logged-in teacher; on a state-changing request, check its CSRF token first.

    Not async: it queries the database, so FastAPI runs it in its threadpool, off the event
    loop (the form it checks was read by the async _form).

    Security: the session cookie is sent by the browser whatever page made the request, so a
    POST must also carry the session's CSRF token (a form field or htmx's X-CSRF-Token header),
    which another site cannot read.
    """
    token = request.cookies.get(auth.SESSION_COOKIE)
    row = store.teachers.get_session(session, token=token) if token else None
    if row is None:
        raise LoginRequired()
    request.state.csrf_token = row.csrf_token
    check_csrf(request, form, row.csrf_token)
    teacher = row.teacher
    db.end_transaction(session)  # its connection back to the pool: see release_between
    return teacher


CurrentTeacher = Annotated[Teacher, Depends(_teacher)]


@dataclass
class TeacherPage:
    """What a logged-in teacher's page works with, as one dependency: the request, the teacher
    (their CSRF token checked on a POST), the database session, the bank and the templates."""

    request: Request
    teacher: CurrentTeacher
    session: SessionDep
    bank: BankDep
    templates: TemplatesDep

    def render(self, name: str, context: dict[str, Any], status: int = 200) -> Response:
        return self.templates.TemplateResponse(self.request, name, context, status_code=status)


TeacherPageDep = Annotated[TeacherPage, Depends()]


@dataclass
class StudentPage:
    """What a student's question page and answer work with, as one dependency: the request,
    a database session, the bank, the templates, whether htmx asked, and the form (empty for
    GET). FastAPI's cost grows with every dependency it solves (a generator's most), and these
    are the requests a class sends most. The route looks the attempt up itself
    (student_attempt) in the thread it runs in, so no thread hop comes before it and no
    transaction ends early; and it closes the session itself: `with page.session:` around its
    whole body (the session connects only at its first query)."""

    request: Request
    session: Session
    bank: Bank
    templates: Jinja2Templates
    htmx: bool
    form: FormData

    def render(self, name: str, context: dict[str, Any]) -> Response:
        return self.templates.TemplateResponse(self.request, name, context)


async def _student_page(request: Request, form: FormDataDep) -> StudentPage:
    state = request.app.state
    session = state.sessions()
    return StudentPage(request, session, state.bank, state.templates, is_htmx(request), form)


StudentPageDep = Annotated[StudentPage, Depends(_student_page)]
