"""Security headers on every response, and which pages other sites may frame."""

import re
from urllib.parse import urlsplit

from fastapi import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from quiz_app.config import Settings

FRAME_ANCESTORS = "frame_ancestors"  # request.state key a route sets to allow framing
FORM_TARGET = "form_target"  # request.state key: another origin this page's form posts to
ORIGIN = re.compile(r"^https?://[A-Za-z0-9.\-]+(:\d{1,5})?$")
NO_FRAMING = "'none'"  # the default: a page not meant for a course page refuses to be framed
TEACHER_PATHS = "/teacher"
# Security: teacher pages show the answer key and class results, so besides frame-ancestors
# 'none', old browsers get X-Frame-Options too, and no shared cache may keep them.
TEACHER_HEADERS = [(b"x-frame-options", b"DENY"), (b"cache-control", b"no-store")]


def _policy(settings: Settings) -> str:
    script_src = "'self'" + (" https://cdn.jsdelivr.net" if settings.htmx_source == "cdn" else "")
    return (
        f"default-src 'self'; script-src {script_src}; style-src 'self'; "
        "img-src 'self' data:; base-uri 'none'; form-action 'self'; object-src 'none'"
    )


class SecurityHeaders:
    """Add the security headers to every response that does not set its own.

    Content-Security-Policy ends with `frame-ancestors`, taken from request.state when a route
    allowed framing (see allow_framing), else 'none'.
    """

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.policy = _policy(settings)
        self.headers = [
            (b"x-content-type-options", b"nosniff"),
            # Attempt tokens travel in URLs: never leak them to another site in a Referer.
            (b"referrer-policy", b"same-origin"),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                ancestors = scope.get("state", {}).get(FRAME_ANCESTORS, NO_FRAMING)
                policy = self.policy
                if target := scope.get("state", {}).get(FORM_TARGET):
                    policy = policy.replace("form-action 'self'", f"form-action 'self' {target}")
                csp = f"{policy}; frame-ancestors {ancestors}".encode()
                headers = [*self.headers, (b"content-security-policy", csp)]
                if scope["path"].startswith(TEACHER_PATHS):
                    headers += TEACHER_HEADERS
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in headers if k not in present]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def allow_framing(request: Request) -> None:
    """Let the sites in the frame_ancestors setting embed this page (a dependency)."""
    settings: Settings = request.app.state.settings
    setattr(request.state, FRAME_ANCESTORS, settings.frame_ancestors)


def is_embedded(request: Request) -> bool:
    """Return whether the page is being loaded inside a frame (minimal chrome then)."""
    return (
        request.headers.get("sec-fetch-dest") == "iframe"
        or request.headers.get("x-claim-check-embedded") == "1"  # htmx requests from a frame
        or bool(getattr(request.state, "embedded", False))
    )


def allow_form_target(request: Request, url: str) -> bool:
    """Let this page's form post to url's origin (CSP form-action), such as the LMS address a
    deep-linking choice returns to. Returns False for an address that is not a plain origin."""
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}"
    if not ORIGIN.match(origin):
        return False
    setattr(request.state, FORM_TARGET, origin)
    return True
