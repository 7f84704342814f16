"""Talking to a platform's services (AGS): the requests, their failures told in plain words, and
the access tokens (OAuth2 client credentials with a JWT assertion signed by the tool's key),
cached in the database until shortly before they expire, or until they failed twice in a row.

Security: every request that carries the platform's access token goes through `request`, which
refuses a host the platform was not registered with (lti/platforms.py service_url_problem).
"""

import secrets
import time
from datetime import datetime, timedelta
from http import HTTPStatus
from typing import Any

import httpx2
from sqlalchemy.orm import Session

from quiz_app import db, store
from quiz_app.lti import keys, platforms, vocab
from quiz_app.lti.tables import LtiPlatform

TOKEN_MARGIN = timedelta(seconds=60)  # renew a cached access token this long before it expires
DEFAULT_TOKEN_LIFETIME = 3600  # seconds, when the token answer gives no expires_in
ASSERTION_LIFETIME = 300  # seconds a client assertion is valid
STALE_TOKEN_FAILURES = 2  # score posts failed in a row (5xx, 401) before a token is dropped
MAX_ERROR = 500  # characters of an error kept for the teacher
MAX_EXCERPT = 160  # characters of the LMS's own words shown with a status
PLAIN_TYPES = ("application/json", "text/plain")  # bodies whose words may be shown (escaped)
BUSY = frozenset({408, 429})  # the LMS is busy or slow: retried like an outage
# LMS answers that mean the data itself, or its line item, is wrong: retrying cannot help.
DATA_ERRORS = frozenset({400, 404, 405, 409, 410, 413, 415, 422})
RETRIED = " Claim Check will try again."


class SendFailure(Exception):
    """A grade could not be sent; permanent when retrying the same data cannot help."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.message = message[:MAX_ERROR]
        self.permanent = permanent


def _excerpt(response: httpx2.Response) -> str:
    """Return a few of the LMS's own words from a JSON or plain-text answer; never from HTML
    (an error page's markup tells a teacher nothing)."""
    kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in PLAIN_TYPES and not kind.endswith("+json"):
        return ""
    try:
        body: Any = response.json()
    except (ValueError, UnicodeDecodeError):
        body = response.text
    if isinstance(body, dict):
        found = [body.get(k) for k in ("error_description", "error", "errors", "message")]
        body = next((f for f in found if f), "")
    if isinstance(body, dict):
        body = "; ".join(f"{k}: {v}" for k, v in body.items())
    elif isinstance(body, list):
        body = "; ".join(str(item) for item in body)
    text = " ".join("".join(c for c in str(body) if c.isprintable() or c.isspace()).split())
    if text.startswith("<"):
        return ""  # markup sent as plain text: not words to show
    return text[:MAX_EXCERPT] + ("…" if len(text) > MAX_EXCERPT else "")


def answer_text(response: httpx2.Response) -> str:
    """Return the LMS's answer in a short status line: its code, the reason in plain words,
    and a short excerpt of its own words when it answered in JSON or plain text."""
    try:
        reason = HTTPStatus(response.status_code).phrase
    except ValueError:
        reason = response.reason_phrase or "an unknown status"
    detail = _excerpt(response)
    return f"{response.status_code} {reason}" + (f": {detail}" if detail else "")


def refusal(response: httpx2.Response, what: str) -> SendFailure:
    """Return the failure of a service request the LMS did not accept: permanent when the data
    is wrong, else retried."""
    permanent = response.status_code in DATA_ERRORS
    retried = "" if permanent else RETRIED
    return SendFailure(
        f"The LMS did not accept {what}: {answer_text(response)}.{retried}", permanent=permanent
    )


def request(
    http: httpx2.Client,
    platform: LtiPlatform,
    what: str,
    method: str,
    url: str,
    **kwargs: Any,
) -> httpx2.Response:
    """Send one request to the platform's service at url; raise SendFailure (to be retried)
    when it cannot be reached in time, and (permanent) when url is not the platform's."""
    if problem := platforms.service_url_problem(platform, url):
        raise SendFailure(problem, permanent=True)
    try:
        return http.request(method, url, **kwargs)
    except httpx2.TimeoutException as exc:
        raise SendFailure(f"The LMS did not answer in time ({what}, {url}).{RETRIED}") from exc
    except httpx2.HTTPError as exc:
        raise SendFailure(f"The LMS could not be reached ({what}, {url}): {exc}.{RETRIED}") from exc


def json_body(response: httpx2.Response, what: str) -> Any:
    """Return an answer's JSON, or raise SendFailure (retried) when it is not JSON."""
    try:
        return response.json()
    except (ValueError, UnicodeDecodeError) as exc:
        raise SendFailure(f"The LMS's answer ({what}) is not JSON.{RETRIED}") from exc


# --- access tokens ----------------------------------------------------------------------


def client_assertion(session: Session, platform: LtiPlatform) -> str:
    """Return the signed JWT that authenticates the tool at the platform's token URL."""
    issued = int(time.time())
    return keys.sign(
        session,
        {
            "iss": platform.client_id,
            "sub": platform.client_id,
            "aud": platform.token_audience or platform.token_url,
            "iat": issued,
            "exp": issued + ASSERTION_LIFETIME,
            "jti": secrets.token_urlsafe(16),
        },
    )


def _token_refused(response: httpx2.Response, scope: str) -> SendFailure:
    """Return the failure of a token request the LMS did not grant, with what to do."""
    status = answer_text(response)
    if response.status_code >= 500 or response.status_code in BUSY:
        return SendFailure(
            f"The LMS was unavailable when Claim Check asked it for an access token ({status})."
            + RETRIED
        )
    name = "line-item" if scope == vocab.LINEITEM_SCOPE else "score"
    return SendFailure(
        f"The LMS refused an access token ({status}). Check that its registration of Claim "
        f"Check has the tool's public key URL and the {name} scope ({scope})."
    )


def access_token(
    session: Session,
    http: httpx2.Client,
    platform: LtiPlatform,
    *,
    scope: str = vocab.SCORE_SCOPE,
    now: datetime,
    renew: bool = False,
) -> str:
    """Return an access token for the scope: the cached one while it lasts, else a new one."""
    if not renew:
        cached = store.platforms.cached_access_token(session, platform_id=platform.id, scope=scope)
        if cached is not None and cached.expires_at - TOKEN_MARGIN > now:
            return cached.access_token
    assertion = client_assertion(session, platform)
    db.end_transaction(session)  # no transaction stays open while waiting for the LMS
    form = {
        "grant_type": "client_credentials",
        "client_assertion_type": vocab.CLIENT_ASSERTION_TYPE,
        "client_assertion": assertion,
        "scope": scope,
    }
    headers = {"Accept": "application/json"}
    response = request(
        http, platform, "access token", "POST", platform.token_url, data=form, headers=headers
    )
    if response.status_code != 200:
        raise _token_refused(response, scope)
    try:
        body = response.json()
        token = str(body["access_token"])
        lifetime = int(body.get("expires_in") or DEFAULT_TOKEN_LIFETIME)
    except (ValueError, KeyError, TypeError) as exc:
        raise SendFailure("The LMS's token answer has no access_token." + RETRIED) from exc
    store.platforms.save_access_token(
        session,
        platform_id=platform.id,
        scope=scope,
        token=token,
        expires=now + timedelta(seconds=lifetime),
    )
    return token


def token_outcome(
    session: Session, platform: LtiPlatform, token: str, *, failed: bool, scope: str
) -> None:
    """Count a failed post (5xx, 401) against the cached token, dropping it after
    STALE_TOKEN_FAILURES in a row, so the next try gets a new one; a success resets the count."""
    store.platforms.count_token_failure(
        session,
        platform_id=platform.id,
        scope=scope,
        token=token,
        failed=failed,
        limit=STALE_TOKEN_FAILURES,
    )
