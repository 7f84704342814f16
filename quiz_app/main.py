"""The application factory."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
import httpx2
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException

from quiz_app import db, messages, outages
from quiz_app.bank.catalog import load_bank
from quiz_app.config import Settings
from quiz_app.deps import LoginRequired, NoNulText, is_htmx
from quiz_app.head_requests import HeadAsGet
from quiz_app.lti.ags import GradeSender
from quiz_app.models import utcnow
from quiz_app.paths import bundled
from quiz_app.retention import Sweeper
from quiz_app.routes import about
from quiz_app.routes.lms import class_runs as lms_class_runs
from quiz_app.routes.lms import launch, pages, picker
from quiz_app.routes.student import class_mode, embed, join, practice, quiz
from quiz_app.routes.teacher import (
    account,
    assignments,
    class_runs,
    questions,
    set_files,
    students,
)
from quiz_app.security import SecurityHeaders
from quiz_app.templating import make_templates

GZIP_MIN_BYTES = 500  # smaller responses are not worth compressing
LOG = logging.getLogger("quiz_app")
ROUTERS = (
    quiz.router,
    practice.router,
    embed.router,
    set_files.router,
    join.router,
    account.router,
    assignments.router,
    questions.router,
    students.router,
    launch.router,
    pages.router,
    picker.router,
    pages.teacher_router,
    about.router,
    class_runs.router,
    class_mode.router,
    lms_class_runs.router,
)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app: load and validate the bank, upgrade the database, mount the routes."""
    settings = settings or Settings()
    bank = load_bank(settings.questions_dir)
    engine = db.engine_for(settings)
    outages.open_database(engine)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Each process (of `quiz-app serve --workers N`, or on each host) sends the LMS grades
        # that are due; claims keep them from sending twice, and without an LMS it idles. Each
        # process also tries the retention sweep; a lease lets one of them run it.
        background: list[GradeSender | Sweeper] = []
        if settings.lti_grade_poll_seconds > 0:
            background.append(GradeSender(app.state, settings.lti_grade_poll_seconds))
        if settings.retention_sweep_minutes > 0:
            background.append(Sweeper(app.state.sessions, settings))
        for thread in background:
            thread.start()
        try:
            yield
        finally:
            for thread in background:
                await anyio.to_thread.run_sync(thread.stop)

    app = FastAPI(
        title="Claim Check",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=lifespan,
        dependencies=[NoNulText],  # no NUL byte in any address, query or form field
    )
    app.state.settings = settings
    # The one HTTP client that talks to LMSs (their keys, tokens and grade endpoints); tests
    # replace it to watch or refuse what it sends.
    app.state.lti_http = httpx2.Client(
        timeout=settings.lti_http_timeout,
        follow_redirects=False,
        headers={"User-Agent": "Claim Check LTI tool"},
    )
    app.state.bank = bank
    app.state.clock = utcnow  # what the rate limits count by; tests set their own
    app.state.engine = engine
    app.state.sessions = db.session_factory(engine)
    app.state.templates = templates = make_templates(settings)

    _add_routes(app)
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MIN_BYTES)
    app.add_middleware(SecurityHeaders, settings=settings)
    app.add_middleware(HeadAsGet)  # outermost: HEAD is a GET whose body is dropped
    _add_error_pages(app, templates)
    return app


def _add_routes(app: FastAPI) -> None:
    for router in ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=bundled("static")), name="static")


def _add_error_pages(app: FastAPI, templates: Jinja2Templates) -> None:
    """Answer every error with a page a person can act on (a fragment for htmx)."""

    def error_page(
        request: Request, status: int, message: str, headers: dict[str, str] | None = None
    ) -> Response:
        name = "_error.html" if is_htmx(request) else "error.html"
        context = {"status": status, "message": message}
        return templates.TemplateResponse(
            request, name, context, status_code=status, headers=headers
        )

    @app.exception_handler(DBAPIError)
    async def database_error(request: Request, exc: DBAPIError) -> Response:
        what = outages.outage_of(exc)
        if what is None:
            raise exc  # a bug in a query, not an outage: the server error it is
        LOG.error("The database is %s: %s", what, exc.orig)
        retry = {"Retry-After": str(outages.RETRY_AFTER_SECONDS)}
        return error_page(request, 503, outages.STUDENT_MESSAGE, retry)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else "Something was wrong."
        if exc.status_code == 404 and exc.detail == "Not Found":
            message = "There is no page at this address. Check the link, or go to the home page."
        elif exc.status_code == 405:
            message = "This address does not accept that kind of request. Use the page's buttons."
        response = error_page(request, exc.status_code, message)
        response.headers.update(exc.headers or {})  # a 429's Retry-After
        return response

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        if request.method in ("GET", "HEAD") and not is_htmx(request):
            login = request.url_for("show_login").path
            return RedirectResponse(f"{login}?next={request.url.path}", status_code=303)
        return error_page(request, 401, "You are not logged in, or your session has ended.")

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        return error_page(request, 422, _describe(exc))


def _describe(exc: RequestValidationError) -> str:
    """Return a sentence a person can act on for a form that failed validation."""
    parts = []
    for error in exc.errors():
        field = str(error["loc"][-1]) if error["loc"] else "form"
        if field == "answer":
            parts.append(messages.CHOOSE_A_VERDICT)
        elif error["type"] == "missing":
            parts.append(f"The form is missing the field “{field}”.")
        else:
            parts.append(f"The field “{field}” is not valid: {error['msg']}.")
    return " ".join(dict.fromkeys(parts)) or "The form could not be read. Please try again."
