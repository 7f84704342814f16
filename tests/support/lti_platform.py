"""A fake LMS for the LTI tests: an LTI 1.3 platform served on a loopback port.

It makes its own RSA keys and serves their JWKS, runs the OIDC authentication step (answering
the tool's login redirect with a signed id_token, as a form post), signs launches and
deep-linking requests, issues access tokens (checking the tool's signed client assertion
against the tool's JWKS), and records the scores the tool posts. Switches make it misbehave:
answer 5xx (or any status), answer slowly, go down, sign with the wrong key, revoke the access
tokens it gave out.
"""

import html
import json
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from quiz_app.lti import vocab
from quiz_app.lti.platforms import Registration

LIS = "http://purl.imsglobal.org/vocab/lis/v2/"
INSTRUCTOR = LIS + "membership#Instructor"
LEARNER = LIS + "membership#Learner"
TOOL = "http://testserver"  # the TestClient's address of the app
REMOVE = object()  # a claim override that deletes the claim


@dataclass(frozen=True)
class LmsUser:
    sub: str
    name: str
    roles: tuple[str, ...]


TEACHER = LmsUser("teacher-7", "Tess Okafor", (INSTRUCTOR,))
STUDENT = LmsUser("student-42", "Sam Rivera", (LEARNER,))
OTHER_STUDENT = LmsUser("student-43", "Ana Lopez", (LEARNER,))


@dataclass
class Score:
    lineitem: str
    payload: dict[str, Any]
    token: str


@dataclass
class PlatformKey:
    kid: str
    private: rsa.RSAPrivateKey

    def public_jwk(self) -> dict[str, Any]:
        jwk: dict[str, Any] = json.loads(RSAAlgorithm.to_jwk(self.private.public_key()))
        return {**jwk, "kid": self.kid, "alg": "RS256", "use": "sig"}


KEY_POOL: dict[int, rsa.RSAPrivateKey] = {}  # made once per test run: RSA generation is slow


def pooled_key(index: int) -> rsa.RSAPrivateKey:
    """Return the index-th RSA key of the run (two different indexes, two different keys),
    made when first asked for."""
    if index not in KEY_POOL:
        KEY_POOL[index] = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return KEY_POOL[index]


PLATFORM_KEYS = 100  # the pool's first keys are the tool's, the rest the platforms'
_platform_keys = iter(range(PLATFORM_KEYS, PLATFORM_KEYS + 10_000))


def new_key(kid: str) -> PlatformKey:
    """Return a key for a platform, never one the tool or another platform key uses."""
    return PlatformKey(kid, pooled_key(next(_platform_keys) % 20 + PLATFORM_KEYS))


@dataclass
class FakePlatform:
    """The LMS. `tool_jwks` returns the tool's public JWKS (as the LMS would fetch it)."""

    tool_jwks: Callable[[], dict[str, Any]]
    tool: str = TOOL
    client_id: str = "10000000000042"
    deployment_id: str = "1:deployment-a"
    # --- switches ---
    jwks_status: int = 200
    token_statuses: list[int] = field(default_factory=list)  # answered to the next requests
    score_statuses: list[int] = field(default_factory=list)  # answered to the next score posts
    score_status: int | None = None  # answered to every score post while set
    slow_seconds: float = 0.0  # each token and score answer waits this long (then goes ahead)
    token_lifetime: int = 3600
    forced_html: bool = False  # forced answers are an HTML error page, as a proxy sends
    ags_claim: dict[str, Any] | None = None  # the AGS claim of resource launches, if set
    browser_key: "PlatformKey | None" = None  # signs the launches a browser makes, if set
    # --- records ---
    scores: list[Score] = field(default_factory=list)
    score_requests: int = 0
    token_requests: int = 0
    jwks_fetches: int = 0
    deep_link_returns: list[str] = field(default_factory=list)
    deep_link_origins: list[str | None] = field(default_factory=list)  # their Origin headers
    lineitems: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> line item
    lineitem_requests: list[str] = field(default_factory=list)  # "GET ?query", "POST"
    placed: dict[str, dict[str, str]] = field(default_factory=dict)  # link id -> custom
    users: dict[str, LmsUser] = field(
        default_factory=lambda: {u.sub: u for u in (TEACHER, STUDENT, OTHER_STUDENT)}
    )

    def __post_init__(self) -> None:
        self.key = new_key("lms-key-1")
        self.rogue_key = new_key("lms-key-1")  # same kid, never published: a forger's key
        self.published = [self.key]
        self._tokens: dict[str, float] = {}  # access token -> expiry (epoch seconds)
        self._scopes: dict[str, str] = {}  # access token -> its scope
        self._jtis: set[str] = set()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    # --- serving ------------------------------------------------------------------------

    def start(self) -> None:
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                platform._handle(self, "GET")

            def do_POST(self) -> None:
                platform._handle(self, "POST")

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Go down: connections are refused until start() again (on the same port)."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def auth_url(self) -> str:
        return self.issuer + "/auth"

    @property
    def token_url(self) -> str:
        return self.issuer + "/token"

    @property
    def jwks_url(self) -> str:
        return self.issuer + "/jwks"

    def lineitem_url(self, link_id: str) -> str:
        return f"{self.issuer}/lineitems/{link_id}/lineitem"

    def registration(self, **changes: Any) -> Registration:
        fields: dict[str, Any] = {
            "issuer": self.issuer,
            "client_id": self.client_id,
            "deployment_ids": [self.deployment_id],
            "auth_url": self.auth_url,
            "token_url": self.token_url,
            "jwks_url": self.jwks_url,
            "name": "Test Canvas",
        }
        return Registration(**{**fields, **changes})

    # --- the LMS's side of a launch ------------------------------------------------------

    def login_params(
        self, user: LmsUser, *, message: str = "resource", link_id: str = "link-1", **extra: str
    ) -> dict[str, str]:
        """The OIDC login initiation the LMS sends the tool when the user opens a link."""
        return {
            "iss": self.issuer,
            "login_hint": user.sub,
            "target_link_uri": f"{self.tool}/lti/launch",
            "lti_message_hint": f"{message}:{link_id}",
            "client_id": self.client_id,
            "lti_deployment_id": self.deployment_id,
            **extra,
        }

    def claims_for(
        self,
        user: LmsUser,
        *,
        nonce: str,
        message: str = "resource",
        link_id: str = "link-1",
        target: str | None = None,
        custom: dict[str, str] | None = None,
        grades: bool = True,
    ) -> dict[str, Any]:
        """The id_token claims of a launch of this user."""
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.client_id,
            "sub": user.sub,
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            "name": user.name,
            vocab.VERSION: "1.3.0",
            vocab.DEPLOYMENT_ID: self.deployment_id,
            vocab.TARGET_LINK_URI: target or f"{self.tool}/lti/launch",
            vocab.ROLES: list(user.roles),
            vocab.CONTEXT: {"id": "course-9", "label": "BIO9", "title": "Year 9 Biology"},
        }
        if message == "deep_link":
            claims[vocab.MESSAGE_TYPE] = vocab.DEEP_LINKING_REQUEST
            claims[vocab.DL_SETTINGS] = {
                "deep_link_return_url": self.issuer + "/deep-link-return",
                "accept_types": ["ltiResourceLink"],
                "accept_presentation_document_targets": ["iframe", "window"],
                "accept_multiple": False,
                "data": "lms-opaque-data-77",
            }
        else:
            claims[vocab.MESSAGE_TYPE] = vocab.RESOURCE_LINK_REQUEST
            claims[vocab.RESOURCE_LINK] = {"id": link_id, "title": "Claim Check quiz"}
            if grades and self.ags_claim is not None:
                claims[vocab.AGS_ENDPOINT] = dict(self.ags_claim)
            elif grades:
                claims[vocab.AGS_ENDPOINT] = {
                    "scope": [vocab.SCORE_SCOPE],
                    "lineitems": self.issuer + "/lineitems",
                    "lineitem": self.lineitem_url(link_id),
                }
            claims[vocab.CUSTOM] = dict(custom or {})
        return claims

    def sign(
        self, claims: dict[str, Any], *, key: PlatformKey | None = None, kid: str | None = ""
    ) -> str:
        """Sign claims with the platform's key (or another), kid in the header."""
        key = key or self.key
        headers = {"kid": key.kid if kid == "" else kid} if kid is not None else {}
        return jwt.encode(claims, key.private, algorithm="RS256", headers=headers)

    def authenticate(
        self,
        auth_request: str,
        user: LmsUser,
        *,
        claims: dict[str, Any] | None = None,
        key: PlatformKey | None = None,
        kid: str | None = "",
        **launch: Any,
    ) -> dict[str, str]:
        """Answer the tool's authentication request: the form the browser posts to the tool.

        `claims` overrides claims (REMOVE deletes one); `key`/`kid` sign otherwise."""
        query = {k: v[0] for k, v in parse_qs(urlsplit(auth_request).query).items()}
        assert auth_request.startswith(self.auth_url + "?"), auth_request
        assert query["scope"] == "openid" and query["response_type"] == "id_token"
        assert query["response_mode"] == "form_post" and query["prompt"] == "none"
        assert query["client_id"] == self.client_id
        assert query["redirect_uri"] == f"{self.tool}/lti/launch"
        assert query["login_hint"] == user.sub
        body = self.claims_for(user, nonce=query["nonce"], **launch)
        for name, value in (claims or {}).items():
            if value is REMOVE:
                body.pop(name, None)
            else:
                body[name] = value
        return {"id_token": self.sign(body, key=key, kid=kid), "state": query["state"]}

    def rotate_key(self) -> None:
        """Publish a new key and sign with it (the old one stays published)."""
        self.key = new_key(f"lms-key-{len(self.published) + 1}")
        self.published.append(self.key)

    def revoke_tokens(self) -> None:
        """Make every access token given so far expired (as if the LMS's clock moved on)."""
        with self._lock:
            self._tokens = {token: 0.0 for token in self._tokens}

    def received(self) -> list[dict[str, Any]]:
        with self._lock:
            return [score.payload for score in self.scores]

    # --- HTTP ---------------------------------------------------------------------------

    def _handle(self, request: BaseHTTPRequestHandler, method: str) -> None:
        parts = urlsplit(request.path)
        length = int(request.headers.get("Content-Length") or 0)
        body = request.rfile.read(length) if length else b""
        status, headers, payload = self._route(
            method, parts.path, parts.query, request.headers, body
        )
        data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        try:
            request.send_response(status)
            for name, value in headers.items():
                request.send_header(name, value)
            request.send_header("Content-Length", str(len(data)))
            request.end_headers()
            request.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the tool gave up waiting

    def _route(
        self, method: str, path: str, query: str, headers: Any, body: bytes
    ) -> tuple[int, dict[str, str], Any]:
        json_type = {"Content-Type": "application/json"}
        if method == "GET" and path == "/jwks":
            with self._lock:
                self.jwks_fetches += 1
            keys = {"keys": [k.public_jwk() for k in self.published]}
            return self.jwks_status, {**json_type, "Cache-Control": "max-age=3600"}, keys
        if method == "POST" and path == "/token":
            return self._token(parse_qs(body.decode()))
        if method == "POST" and path.startswith("/lineitems/") and path.endswith("/scores"):
            return self._score(path.removesuffix("/scores"), headers, body)
        if path == "/lineitems" and method in ("GET", "POST"):
            return self._lineitems(method, query, headers, body)
        if method == "POST" and path == "/deep-link-return":
            with self._lock:
                self.deep_link_origins.append(headers.get("Origin"))
            return self._deep_link_return(parse_qs(body.decode()).get("JWT", [""])[0])
        if method == "GET" and path == "/auth":
            return self._browser_auth(parse_qs(query))
        if method == "GET" and path == "/course":
            return self._course_page(parse_qs(query))
        return 404, json_type, {"error": "not_found"}

    def _token(self, form: dict[str, list[str]]) -> tuple[int, dict[str, str], Any]:
        json_type = {"Content-Type": "application/json"}
        with self._lock:
            self.token_requests += 1
            forced = self.token_statuses.pop(0) if self.token_statuses else None
        if self.slow_seconds:
            time.sleep(self.slow_seconds)
        if forced is not None:
            return self._forced(forced, {"error": "server_error", "error_description": "forced"})
        value = {k: v[0] for k, v in form.items()}
        if (
            value.get("grant_type") != "client_credentials"
            or value.get("client_assertion_type") != vocab.CLIENT_ASSERTION_TYPE
        ):
            return 400, json_type, {"error": "unsupported_grant_type"}
        assertion = value.get("client_assertion", "")
        try:
            kid = jwt.get_unverified_header(assertion).get("kid")
            jwks = self.tool_jwks()
            jwk = next(k for k in jwks["keys"] if k["kid"] == kid)
            claims = jwt.decode(
                assertion,
                jwt.PyJWK(jwk).key,
                algorithms=["RS256"],
                audience=self.token_url,
                options={"require": ["exp", "iat", "jti", "iss", "sub"]},
            )
        except (jwt.PyJWTError, StopIteration) as exc:
            return 401, json_type, {"error": "invalid_client", "error_description": str(exc)}
        if claims["iss"] != self.client_id or claims["sub"] != self.client_id:
            return 401, json_type, {"error": "invalid_client", "error_description": "iss/sub"}
        with self._lock:
            if claims["jti"] in self._jtis:
                return (
                    401,
                    json_type,
                    {"error": "invalid_client", "error_description": "jti reused"},
                )
            self._jtis.add(claims["jti"])
        scope = value.get("scope")
        if scope not in (vocab.SCORE_SCOPE, vocab.LINEITEM_SCOPE):
            return 400, json_type, {"error": "invalid_scope"}
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._tokens[token] = time.time() + self.token_lifetime
            self._scopes[token] = scope
        answer = {"access_token": token, "token_type": "Bearer", "expires_in": self.token_lifetime}
        return 200, json_type, {**answer, "scope": scope}

    def _forced(self, status: int, error: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
        """A forced answer: the LMS's JSON error, or a proxy's HTML page (forced_html)."""
        if not self.forced_html:
            return status, {"Content-Type": "application/json"}, error
        page = (
            f"<html><head><title>{status} Error</title></head><body><h1>{status} Error</h1>"
            "<p>upstream connect error <script>alert(1)</script></p><hr>nginx</body></html>"
        )
        return status, {"Content-Type": "text/html"}, page.encode()

    def _unauthorized(self, headers: Any, scope: str) -> tuple[int, dict[str, str], Any] | None:
        """Refuse (401) a request whose bearer token is unknown, expired or for another scope."""
        token = (headers.get("Authorization") or "").removeprefix("Bearer ")
        with self._lock:
            expires, granted = self._tokens.get(token), self._scopes.get(token)
        if expires is None or expires <= time.time() or granted != scope:
            invalid = {"WWW-Authenticate": 'Bearer error="invalid_token"'}
            return 401, {"Content-Type": "application/json", **invalid}, {}
        return None

    def _lineitems(
        self, method: str, query: str, headers: Any, body: bytes
    ) -> tuple[int, dict[str, str], Any]:
        """The line-item container: list (filtered by resource_link_id) or make line items."""
        with self._lock:
            self.lineitem_requests.append(f"{method} ?{query}" if method == "GET" else method)
        if refused := self._unauthorized(headers, vocab.LINEITEM_SCOPE):
            return refused
        if method == "GET":
            wanted = parse_qs(query).get("resource_link_id", [None])[0]
            with self._lock:
                items = [
                    i for i in self.lineitems.values() if wanted in (None, i.get("resourceLinkId"))
                ]
            return 200, {"Content-Type": vocab.LINEITEMS_MEDIA_TYPE}, items
        if headers.get("Content-Type") != vocab.LINEITEM_MEDIA_TYPE:
            return 415, {"Content-Type": "application/json"}, {"error": "wrong media type"}
        item = json.loads(body)
        if not isinstance(item.get("scoreMaximum"), int | float) or not item.get("label"):
            return 400, {"Content-Type": "application/json"}, {"error": "label, scoreMaximum"}
        with self._lock:
            item["id"] = f"{self.issuer}/lineitems/made-{len(self.lineitems) + 1}/lineitem"
            self.lineitems[item["id"]] = item
        return 201, {"Content-Type": vocab.LINEITEM_MEDIA_TYPE}, item

    def _score(self, lineitem: str, headers: Any, body: bytes) -> tuple[int, dict[str, str], Any]:
        json_type = {"Content-Type": "application/json"}
        with self._lock:
            self.score_requests += 1
            forced = self.score_statuses.pop(0) if self.score_statuses else self.score_status
        if self.slow_seconds:
            time.sleep(self.slow_seconds)
        if forced is not None:
            return self._forced(forced, {"errors": {"reason": f"forced {forced}"}})
        if refused := self._unauthorized(headers, vocab.SCORE_SCOPE):
            return refused
        token = (headers.get("Authorization") or "").removeprefix("Bearer ")
        if headers.get("Content-Type") != vocab.SCORE_MEDIA_TYPE:
            return 415, json_type, {"errors": {"reason": "wrong media type"}}
        payload = json.loads(body)
        needed = {
            "userId",
            "scoreGiven",
            "scoreMaximum",
            "activityProgress",
            "gradingProgress",
            "timestamp",
        }
        if not needed <= payload.keys() or payload["scoreGiven"] > payload["scoreMaximum"]:
            return 400, json_type, {"errors": {"reason": "bad score"}}
        with self._lock:
            self.scores.append(Score(self.issuer + lineitem, payload, token))
        return 204, {}, b""

    def _deep_link_return(self, token: str) -> tuple[int, dict[str, str], Any]:
        """Take the tool's deep-linking response: check its signature against the tool's JWKS
        and place each resource link in the course (as links placed-1, placed-2…)."""
        with self._lock:
            self.deep_link_returns.append(token)
        try:
            kid = jwt.get_unverified_header(token).get("kid")
            jwk = next(k for k in self.tool_jwks()["keys"] if k["kid"] == kid)
            claims = jwt.decode(
                token, jwt.PyJWK(jwk).key, algorithms=["RS256"], audience=self.issuer
            )
        except (jwt.PyJWTError, StopIteration) as exc:
            page = f"<!doctype html><title>LMS</title><h1>Refused: {html.escape(str(exc))}</h1>"
            return 400, {"Content-Type": "text/html"}, page.encode()
        for item in claims.get(vocab.DL_CONTENT_ITEMS, []):
            with self._lock:
                self.placed[f"placed-{len(self.placed) + 1}"] = dict(item.get("custom", {}))
        page = "<!doctype html><title>LMS</title><main><h1>Content added to the course</h1></main>"
        return 200, {"Content-Type": "text/html"}, page.encode()

    # --- for a real browser -------------------------------------------------------------

    def _browser_auth(self, query: dict[str, list[str]]) -> tuple[int, dict[str, str], Any]:
        """The LMS's authentication endpoint, as a browser reaches it: an auto-posting form."""
        q = {k: v[0] for k, v in query.items()}
        user = self.users[q["login_hint"]]
        message, _, link_id = q.get("lti_message_hint", "resource:link-1").partition(":")
        url = f"{self.auth_url}?{urlencode(q)}"
        custom = self.placed.get(link_id)
        form = self.authenticate(
            url, user, message=message, link_id=link_id, custom=custom, key=self.browser_key
        )
        fields = "".join(
            f'<input type="hidden" name="{k}" value="{html.escape(v)}">' for k, v in form.items()
        )
        page = (
            "<!doctype html><title>LMS login</title><body>"
            f'<form method="post" action="{html.escape(q["redirect_uri"])}">{fields}'
            '<button type="submit">Continue</button></form>'
            "<script>document.forms[0].submit()</script></body>"
        )
        return 200, {"Content-Type": "text/html"}, page.encode()

    def _course_page(self, query: dict[str, list[str]]) -> tuple[int, dict[str, str], Any]:
        """A course page that frames the tool: the frame starts at the tool's login URL."""
        q = {k: v[0] for k, v in query.items()}
        user = self.users[q["user"]]
        params = self.login_params(
            user, message=q.get("message", "resource"), link_id=q.get("link", "link-1")
        )
        src = f"{self.tool}/lti/login?{urlencode(params)}"
        # Like Canvas, the page sizes the frame to the height the tool reports (lti.frameResize).
        page = (
            "<!doctype html><title>Year 9 Biology</title><body><h1>Year 9 Biology</h1>"
            f'<iframe id="tool" title="Claim Check" src="{html.escape(src)}" '
            'width="800" height="900"></iframe><script>'
            'addEventListener("message", function (e) { var d = e.data || {};'
            ' if (d.subject === "lti.frameResize" && d.height > 0)'
            ' document.getElementById("tool").height = d.height; });'
            "</script></body>"
        )
        return 200, {"Content-Type": "text/html"}, page.encode()
