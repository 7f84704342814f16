"""Security headers on every response, and which pages other sites may frame."""

import re
from collections.abc import Mapping
from typing import Any

from fastapi import HTTPException, Request
from fastapi.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from quiz_app import auth
from quiz_app.classroom.class_events import SSE_CDN_URL
from quiz_app.config import HTMX_CDN_URL, Settings
from quiz_app.inputs import url_parts

FRAME_ANCESTORS = "frame_ancestors"  # request.state key a route sets to allow framing
FORM_TARGET = "form_target"  # request.state key: another origin this page's form posts to
ORIGIN = re.compile(r"^https?://[A-Za-z0-9.\-]+(:\d{1,5})?$")
NO_FRAMING = "'none'"  # the default: a page not meant for a course page refuses to be framed
TEACHER_PATHS = "/teacher"
# Security: teacher pages show the answer key and class results, so besides frame-ancestors
# 'none', old browsers get X-Frame-Options too, and no shared cache may keep them.
TEACHER_HEADERS = [(b"x-frame-options", b"DENY"), (b"cache-control", b"no-store")]
# A student's attempt pages and the join page (which remembers who was here) hold one
# student's answers: no shared computer's cache or school proxy may keep them either.
STUDENT_PRIVATE_PATHS = ("/a/", "/j/")
NO_STORE = [(b"cache-control", b"no-store")]
# Over https, browsers keep to https for a year (no includeSubDomains: a district's other hosts
# are not ours to decide). Behind a proxy, the scheme comes from its trusted forwarded headers.
HSTS = [(b"strict-transport-security", b"max-age=31536000")]


def _policy(settings: Settings) -> str:
    # Security: in CDN mode, scripts may come from the one pinned htmx file on the CDN (a source
    # with a full path matches only that path), never from anything else on that shared host.
    # The class pages' SSE extension likewise: its one pinned file (classroom/class_events.py).
    cdn = f" {HTMX_CDN_URL} {SSE_CDN_URL}"
    script_src = "'self'" + (cdn if settings.htmx_source == "cdn" else "")
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
                elif scope["path"].startswith(STUDENT_PRIVATE_PATHS):
                    headers += NO_STORE
                if scope.get("scheme") == "https":
                    headers += HSTS
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in headers if k not in present]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)


STALE_FORM = (
    "This form's security token is missing or out of date, so nothing was changed. "
    "Reload the page and try again."
)


def check_csrf(
    request: Request,
    form: Mapping[str, Any],
    expected: str | None,
    message: str = STALE_FORM,
) -> None:
    """Refuse (403) a state-changing request that does not carry the `expected` CSRF token,
    in htmx's X-CSRF-Token header or the form's csrf_token field.

    Security: a browser sends cookies (and an LMS frame's URL token) whatever page made the
    request, so a POST must also prove it came from one of our pages: a token another site
    cannot read. The teacher pages, the login forms and the LMS pages all check it here.
    """
    if request.method in ("GET", "HEAD"):
        return
    given = request.headers.get(auth.CSRF_HEADER) or form.get(auth.CSRF_FIELD)
    if not auth.csrf_matches(expected, given if isinstance(given, str) else None):
        raise HTTPException(403, message)


def set_cookie(
    response: Response,
    request: Request,
    name: str,
    value: str,
    *,
    path: str,
    max_age: int | None = None,
) -> None:
    """Set one of the app's own cookies (a session, a login form's token, a join to resume).

    Security: httponly, so no script reads it; SameSite=Lax, so no other site's form POST
    carries it; Secure over https.
    """
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path=path,
    )


def set_session_cookie(response: Response, request: Request, token: str, hours: int) -> None:
    """Set a teacher's login cookie, for every page, for `hours`."""
    set_cookie(response, request, auth.SESSION_COOKIE, token, path="/", max_age=hours * 3600)


def allow_framing(request: Request) -> None:
    """Let the sites in the frame_ancestors setting embed this page (a dependency)."""
    settings: Settings = request.app.state.settings
    setattr(request.state, FRAME_ANCESTORS, settings.frame_ancestors)


async def framing_allowed(request: Request) -> None:
    """allow_framing as a router's dependency: async, so it runs without a thread hop."""
    allow_framing(request)


def is_embedded(request: Request) -> bool:
    """Return whether the page is being loaded inside a frame (minimal chrome then)."""
    return (
        request.headers.get("sec-fetch-dest") == "iframe"
        or request.headers.get("x-claim-check-embedded") == "1"  # htmx requests from a frame
        or bool(getattr(request.state, "embedded", False))
    )


# --- which sites may frame one teacher's assignment -------------------------------------
#
# Security: a teacher's list goes into the Content-Security-Policy header, so every origin is
# parsed strictly (scheme, host, optional port; a leading "*." at most) and written back in its
# normal form; nothing a teacher types reaches the header unchecked.

MAX_EMBED_ORIGINS = 10  # sites per assignment: a course platform, its test copy, a blog…
MAX_EMBED_ORIGINS_CHARS = 1000  # the size of Assignment.embed_origins
DEFAULT_PORTS = {"http": "80", "https": "443"}
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_HOST = re.compile(rf"^{_LABEL}(?:\.{_LABEL})*$")
_PORT = re.compile(r"^[0-9]{1,5}$")
_SCHEME_SOURCE = re.compile(r"^([a-z][a-z0-9+.-]*):$")
_HOST_SOURCE = re.compile(
    r"^(?:([a-z][a-z0-9+.-]*)://)?(\*|(?:\*\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*)(?::([0-9]+|\*))?(?:/.*)?$"
)
EXAMPLE_ORIGIN = "https://canvas.school.edu"


def _origin_problem(typed: str) -> tuple[str | None, str]:
    """Return one typed origin in normal form, or None and what is wrong with it."""
    text = typed.lower()
    if text == "*" or text.startswith("*:"):
        return None, (
            f"“{typed}” would let every site frame this assignment: list the sites, like "
            f"{EXAMPLE_ORIGIN}, or leave the field empty to use this server's setting"
        )
    if text in ("https:", "http:"):
        return None, (
            f"“{typed}” alone would let every {text[:-1]} site frame this assignment: give "
            f"whole origins, like {EXAMPLE_ORIGIN}"
        )
    scheme, separator, rest = text.partition("://")
    if not separator:
        if re.fullmatch(r"[a-z][a-z0-9+.-]*:.*", text) and not _PORT.match(text.partition(":")[2]):
            return None, f"“{typed}” is not a web site: an origin starts with https:// or http://"
        return None, f"“{typed}” needs its scheme: write https://{typed}"
    if scheme not in DEFAULT_PORTS:
        return None, f"“{typed}” is not a web site: an origin starts with https:// or http://"
    end = min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))
    authority, tail = rest[:end], rest[end:]
    if "@" in authority:
        return None, f"“{typed}” has a user name (before “@”): give only the site's address"
    if authority.startswith("["):
        return None, f"“{typed}”: IPv6 addresses cannot be listed; use the site's name"
    host, colon, port = authority.rpartition(":") if ":" in authority else (authority, "", "")
    origin = f"{scheme}://{authority}"
    if tail not in ("", "/"):
        return None, (
            f"“{typed}” has more than an origin (“{tail}”): give only the scheme, host and "
            f"port, like {origin}"
        )
    if colon and (not _PORT.match(port) or not 1 <= int(port) <= 65535):
        return None, f"“{typed}” has no valid port after “:”: give a number from 1 to 65535"
    wildcard = host.startswith("*.")
    name = host[2:] if wildcard else host
    if "*" in name:
        return None, (
            f"“{typed}”: a * may only stand for subdomains, at the start: like https://*.school.edu"
        )
    if not _HOST.match(name) or len(name) > 253:
        return None, f"“{typed}” has no valid host name (letters, digits, dashes and dots)"
    if wildcard and "." not in name:
        return None, (
            f"“{typed}” would allow a whole top-level domain: name your own domain, "
            "like https://*.school.edu"
        )
    port_part = f":{port}" if colon else ""
    return f"{scheme}://{host}{port_part}", ""


def parse_embed_origins(typed: str, site_setting: str = "*") -> tuple[str, list[str]]:
    """Return the space-separated origins a teacher typed, in normal form, and every problem.

    An origin the server's own frame_ancestors setting does not allow is a problem too, so a
    teacher can narrow who frames an assignment but never widen it.
    """
    text = typed.strip(" \t\r\n")
    if not text:
        return "", []
    if len(text) > MAX_EMBED_ORIGINS_CHARS:
        return "", [f"use at most {MAX_EMBED_ORIGINS_CHARS} characters"]
    if any(ord(c) < 32 or ord(c) == 127 or (c.isspace() and c != " ") for c in text):
        return "", [
            "put the origins on one line, separated by plain spaces "
            "(no line breaks, tabs or other spacing characters)"
        ]
    if not text.isascii():
        return "", [
            "use only plain letters, digits and : / . - *; "
            "write an international domain name in its xn-- form"
        ]
    bad = sorted({c for c in text if c in ";,'\"`\\<>"})
    if bad:
        shown = " ".join(f"“{c}”" for c in bad)
        return "", [
            f"remove {shown}: type each origin without quotes, separated by spaces only, "
            f"like {EXAMPLE_ORIGIN} https://moodle.school.edu"
        ]
    origins: list[str] = []
    problems: list[str] = []
    for typed_origin in text.split():
        origin, problem = _origin_problem(typed_origin)
        if origin is None:
            problems.append(problem)
        elif not origin_allowed(origin, site_setting):
            problems.append(
                f"this server lets only these sites frame its quiz: {site_setting}. "
                f"Ask its admin to add {origin} to the QUIZ_FRAME_ANCESTORS setting"
            )
        elif origin not in origins:
            origins.append(origin)
    if len(origins) > MAX_EMBED_ORIGINS:
        problems.append(f"list at most {MAX_EMBED_ORIGINS} sites")
    return (" ".join(origins), []) if not problems else ("", problems)


def _split_origin(origin: str) -> tuple[str, str, str]:
    scheme, _, authority = origin.partition("://")
    host, colon, port = authority.rpartition(":") if ":" in authority else (authority, "", "")
    return scheme, host, port if colon else ""


def origin_allowed(origin: str, setting: str) -> bool:
    """Return whether a frame_ancestors setting (CSP source expressions) allows an origin.

    Only what a setting can usefully say is understood (`*`, `https:`, hosts with an optional
    scheme, `*.` and port); anything else ('self', 'none') allows no teacher's origin.
    """
    scheme, host, port = _split_origin(origin)
    for source in setting.lower().split():
        if source == "*":
            return True
        if match := _SCHEME_SOURCE.match(source):
            if match[1] == scheme or (match[1] == "http" and scheme == "https"):
                return True
            continue
        match = _HOST_SOURCE.match(source)
        if match is None:
            continue
        source_scheme, source_host, source_port = match.groups()
        if source_scheme and not (
            source_scheme == scheme or (source_scheme == "http" and scheme == "https")
        ):
            continue
        if source_host.startswith("*."):
            host_ok = host == source_host or host.endswith(source_host[1:])
        else:
            host_ok = source_host in ("*", host)
        default = DEFAULT_PORTS.get(scheme, "")
        if source_port == "*":
            port_ok = True
        elif source_port is None:
            port_ok = port in ("", default)
        else:
            port_ok = (port or default) == source_port
        if host_ok and port_ok:
            return True
    return False


def frame_ancestors_for(setting: str, embed_origins: str) -> str:
    """Return the frame-ancestors of an assignment's pages: its origins the setting allows, or
    the setting itself when the teacher listed none."""
    if not embed_origins.strip():
        return setting
    allowed = [o for o in embed_origins.split() if origin_allowed(o, setting)]
    return " ".join(allowed) or NO_FRAMING


def allow_assignment_framing(request: Request, embed_origins: str) -> None:
    """Let only an assignment's listed sites (or the setting's, when none) frame this page."""
    settings: Settings = request.app.state.settings
    ancestors = frame_ancestors_for(settings.frame_ancestors, embed_origins)
    setattr(request.state, FRAME_ANCESTORS, ancestors)


def allow_form_target(request: Request, url: str) -> bool:
    """Let this page's form post to url's origin (CSP form-action), such as the LMS address a
    deep-linking choice returns to. Returns False for an address that is not a plain origin."""
    parts = url_parts(url)
    origin = f"{parts.scheme}://{parts.netloc}" if parts else ""
    if not ORIGIN.match(origin):
        return False
    setattr(request.state, FORM_TARGET, origin)
    return True
