"""Teachers sign up, log in, log out, and delete their account with everything it owns."""

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from quiz_app import auth, rate_limits, store
from quiz_app.deps import (
    CurrentTeacher,
    FormDataDep,
    SessionDep,
    TeacherPage,
    TeacherPageDep,
    TemplatesDep,
)
from quiz_app.security import check_csrf, set_cookie, set_session_cookie
from quiz_app.templating import path_for

router = APIRouter(prefix="/teacher")

MISMATCH = "That email and password do not match an account."


class AccountForm(BaseModel):
    """The login and signup forms as typed; auth.py says what a good email and password are."""

    email: str = Field(default="", max_length=300)
    password: str = Field(default="", max_length=1000)
    csrf_token: str = ""


class LoginForm(AccountForm):
    next: str = "/teacher"  # where to go once logged in (only a teacher page: _safe_next)


class SignupForm(AccountForm):
    password_again: str = Field(default="", max_length=1000)


def _login_csrf(request: Request) -> tuple[str, bool]:
    """Return the browser's pre-login CSRF token, and whether it is new (to be set)."""
    token = request.cookies.get(auth.LOGIN_CSRF_COOKIE)
    if token and len(token) >= 32:
        return token, False
    return auth.new_csrf_token(), True


def _render_form(
    request: Request,
    templates: TemplatesDep,
    name: str,
    context: dict[str, Any],
    status_code: int = 200,
) -> Response:
    """Render the login or signup form with a double-submit CSRF token (cookie + field)."""
    token, new = _login_csrf(request)
    context = {"login_csrf": token, "errors": {}, "values": {}, **context}
    response = templates.TemplateResponse(request, name, context, status_code=status_code)
    if new:
        set_cookie(response, request, auth.LOGIN_CSRF_COOKIE, token, path="/teacher")
    return response


def _check_login_csrf(request: Request, given: str) -> None:
    """Security: a login or signup form must come from our own page (login CSRF)."""
    check_csrf(
        request,
        {auth.CSRF_FIELD: given},
        request.cookies.get(auth.LOGIN_CSRF_COOKIE),
        "This form's security token is missing or out of date (are cookies turned off?). "
        "Reload the login page and try again.",
    )


def _safe_next(next_path: str) -> str:
    """Return where to go after logging in: only a teacher page of this site."""
    if next_path.startswith("/teacher") and not next_path.startswith("//"):
        return next_path
    return "/teacher"


def _log_in(request: Request, session: SessionDep, teacher: Any, next_path: str) -> Response:
    settings = request.app.state.settings
    token, _csrf = store.teachers.create_session(
        session, teacher=teacher, hours=settings.session_hours
    )
    response = RedirectResponse(_safe_next(next_path), status_code=303)
    set_session_cookie(response, request, token, settings.session_hours)
    return response


@router.get("/login")
def show_login(request: Request, templates: TemplatesDep, next: str = "/teacher") -> Response:
    return _render_form(request, templates, "teacher/login.html", {"next": _safe_next(next)})


def _login_refused(
    request: Request, templates: TemplatesDep, context: dict[str, Any], refused: HTTPException
) -> Response:
    """Render the login form with a 429: when this email may be tried again from here."""
    context = {**context, "error": refused.detail}
    response = _render_form(request, templates, "teacher/login.html", context, 429)
    response.headers.update(refused.headers or {})
    return response


@router.post("/login")
def login(
    request: Request,
    session: SessionDep,
    templates: TemplatesDep,
    form: Annotated[LoginForm, Form()],
) -> Response:
    _check_login_csrf(request, form.csrf_token)
    email, password, next = form.email, form.password, form.next
    network = rate_limits.client_network(request)
    # Security: failed logins are slowed per (email, network) and per network, never per
    # account alone, so nobody can lock a teacher out from elsewhere.
    subjects = [
        (rate_limits.LOGIN_PAIR, rate_limits.pair(email, network)),
        (rate_limits.LOGIN_ADDRESS, network),
    ]
    context = {"next": _safe_next(next), "values": {"email": email}}
    if refused := rate_limits.refusal(request, session, subjects):
        return _login_refused(request, templates, context, refused)
    teacher = store.teachers.get_teacher_by_email(session, email=email)
    if not auth.verify_password(teacher.password_hash if teacher else None, password):
        now = rate_limits.now_for(request)
        for rule, subject in subjects:
            rate_limits.record(session, rule=rule, subject=subject, now=now)
        if refused := rate_limits.refusal(request, session, subjects):  # that was the last try
            refused.detail = f"{MISMATCH} {refused.detail}"
            return _login_refused(request, templates, context, refused)
        message = f"{MISMATCH} Check both and try again."
        return _render_form(
            request, templates, "teacher/login.html", {**context, "error": message}, 401
        )
    assert teacher is not None
    if auth.needs_rehash(teacher.password_hash):
        store.teachers.set_password(session, teacher=teacher, password=password)
    rate_limits.clear(session, rule=rate_limits.LOGIN_PAIR, subject=subjects[0][1])
    return _log_in(request, session, teacher, next)


@router.get("/signup")
def show_signup(request: Request, templates: TemplatesDep) -> Response:
    if not request.app.state.settings.open_signup:
        return _render_form(request, templates, "teacher/signup_closed.html", {}, 403)
    return _render_form(request, templates, "teacher/signup.html", {})


@router.post("/signup")
def signup(
    request: Request,
    session: SessionDep,
    templates: TemplatesDep,
    form: Annotated[SignupForm, Form()],
) -> Response:
    """Create the account, or (security) say exactly the same when the email has one: the
    reply never tells whether an email is known, and the existing account stays as it was."""
    if not request.app.state.settings.open_signup:
        return _render_form(request, templates, "teacher/signup_closed.html", {}, 403)
    _check_login_csrf(request, form.csrf_token)
    email, password, password_again = form.email, form.password, form.password_again
    email = auth.normalize_email(email)
    errors: dict[str, list[str]] = {}
    if problem := auth.email_problem(email):
        errors["email"] = [problem]
    if problems := auth.password_problems(password, email):
        errors["password"] = problems
    elif password != password_again:
        errors["password_again"] = ["The two passwords are not the same."]
    if errors:
        context = {"errors": errors, "values": {"email": email}}
        return _render_form(request, templates, "teacher/signup.html", context, 422)
    rate_limits.spend(request, session, rate_limits.SIGNUP)
    # Hashes the password whether or not the email is taken, so both take the same time.
    store.teachers.create_teacher(session, email=email, password=password)
    context = {"next": "/teacher", "values": {"email": email}, "signed_up": True}
    return _render_form(request, templates, "teacher/login.html", context)


@router.post("/logout")
def logout(request: Request, teacher: CurrentTeacher, session: SessionDep) -> Response:
    token = request.cookies.get(auth.SESSION_COOKIE, "")
    store.teachers.end_session(session, token=token)
    return _log_out(RedirectResponse(path_for(request, "show_login"), status_code=303))


def _log_out(response: Response) -> Response:
    response.delete_cookie(auth.SESSION_COOKIE, path="/", httponly=True, samesite="lax")
    return response


@router.get("/account")
def show_account(page: TeacherPageDep) -> Response:
    keep_days = page.request.app.state.settings.keep_assignment_days
    return page.render("teacher/account.html", {"teacher": page.teacher, "keep_days": keep_days})


def _confirm_delete(page: TeacherPage, error: str | None = None) -> Response:
    """Show what deleting the account takes, and the form that asks for the password."""
    counts = store.retention.teacher_rows(page.session, teacher=page.teacher)
    context = {"teacher": page.teacher, "counts": counts, "error": error}
    return page.render("teacher/account_delete.html", context, 422 if error else 200)


@router.get("/account/delete")
def confirm_delete_account(page: TeacherPageDep) -> Response:
    return _confirm_delete(page)


@router.post("/account/delete")
def delete_account(page: TeacherPageDep, form: FormDataDep) -> Response:
    """Delete the teacher's account and everything it owns, once their password confirms it
    (the session's CSRF token was checked by the teacher dependency)."""
    password = str(form.get("password") or "")[:1000]
    if not auth.verify_password(page.teacher.password_hash, password):
        return _confirm_delete(
            page, "That is not your password. Type the password you log in with to confirm."
        )
    email = page.teacher.email
    store.retention.delete_teacher(page.session, teacher=page.teacher)
    rate_limits.clear_account(page.session, email=email)  # its failed logins, from anywhere
    return _log_out(RedirectResponse(path_for(page.request, "show_account_deleted"), 303))


@router.get("/account/deleted")
def show_account_deleted(request: Request, templates: TemplatesDep) -> Response:
    return templates.TemplateResponse(request, "teacher/account_deleted.html", {})
