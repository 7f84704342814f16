"""Browser helpers for what crosses the network: only the app answers, every request is seen,
and a teacher's session is carried into a browser context."""

from fastapi import FastAPI
from playwright.sync_api import BrowserContext, Page, Request, Route

from quiz_app import auth, store
from quiz_app.models import Teacher

HTMX_STARTED = "() => !!(window.htmx && document.body && document.body['htmx-internal-data'])"


def only_the_app(context: BrowserContext, app_url: str) -> list[str]:
    """Abort every request of the context that is not to app_url (as a network that blocks the
    CDN would); return the list the refused addresses are added to."""
    refused: list[str] = []

    def handle(route: Route) -> None:
        if route.request.url.startswith(app_url + "/"):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    context.route("**/*", handle)
    return refused


def every_request(context: BrowserContext) -> list[str]:
    """Return the list the address of every request the context makes is added to."""
    seen: list[str] = []

    def record(request: Request) -> None:
        seen.append(request.url)

    context.on("request", record)
    return seen


def sign_in(context: BrowserContext, app: FastAPI, app_url: str, teacher: Teacher) -> None:
    """Give the browser context a live session for the teacher, as a login would."""
    with app.state.sessions() as session:
        token, _ = store.teachers.create_session(session, teacher=teacher, hours=12)
    context.add_cookies([{"name": auth.SESSION_COOKIE, "value": token, "url": app_url}])


def wait_for_htmx(page: Page) -> None:
    """Wait until htmx has started on the page (processed its body), wherever it came from."""
    page.wait_for_function(HTMX_STARTED)
