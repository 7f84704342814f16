"""The platforms (LMS registrations) the admin registered, their deployments, and their public
keys, fetched from the platform's JWKS URL and cached in the database for every process."""

import ipaddress
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx2
import jwt
from sqlalchemy.orm import Session

from quiz_app import store
from quiz_app.inputs import url_parts
from quiz_app.lti.tables import LtiPlatform

JWKS_DEFAULT_TTL = timedelta(hours=1)  # when the platform sends no Cache-Control max-age
JWKS_MIN_TTL = timedelta(minutes=5)
JWKS_MAX_TTL = timedelta(hours=24)
# A token naming a key we do not know refetches the JWKS, at most this often: a stream of
# made-up key ids must not turn the app into a flood of requests to the platform.
JWKS_MIN_REFETCH = timedelta(seconds=10)
MAX_FIELD = 255  # characters of an issuer, client id or deployment id
MAX_URL = 2000
LOOPBACK_NAMES = {"localhost"}
DEFAULT_PORTS = {"https": 443, "http": 80}
SERVICE_HOST = re.compile(r"^[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?(?::[0-9]{1,5})?$")


class PlatformProblems(ValueError):
    """A registration the admin typed has problems, one message per field."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class KeysUnavailable(Exception):
    """The platform's JWKS could not be fetched or read."""


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def url_problem(name: str, url: str) -> str | None:
    """Return why a platform URL is not acceptable: https, or http on this machine only."""
    parts = url_parts(url)
    if not url or len(url) > MAX_URL or not parts or not parts.netloc:
        return f"{name}: give the full address, like https://lms.school.example/…"
    if parts.scheme not in ("https", "http"):
        return f"{name}: give the full address, like https://lms.school.example/…"
    if parts.scheme == "http" and not _is_loopback(parts.hostname or ""):
        return f"{name}: use https (plain http is only allowed for this machine, for testing)"
    return None


def host_of(url: str) -> str:
    """Return a URL's host in normal form (lower case, with its port unless the default), or
    "" when it has none."""
    parts = url_parts(url)
    if parts is None:
        return ""
    host, port = (parts.hostname or "").lower(), parts.port
    if not host or port is None or port == DEFAULT_PORTS.get(parts.scheme):
        return host
    return f"{host}:{port}"


def service_host(typed: str) -> str:
    """Return a host the admin typed for --service-host in normal form (a full address is
    cut to its host)."""
    text = typed.strip().lower()
    return host_of(text) if "://" in text else text


def registered_hosts(platform: LtiPlatform) -> set[str]:
    """Return the hosts the platform was registered with: those of its issuer, its URLs and
    the service hosts the admin added."""
    urls = (platform.issuer, platform.auth_url, platform.token_url, platform.jwks_url)
    hosts = {host_of(url) for url in (*urls, platform.token_audience or "")}
    return (hosts | set(platform.service_hosts or [])) - {""}


def service_url_problem(platform: LtiPlatform, url: str) -> str | None:
    """Return why the platform's access token must not be sent to `url`, or None.

    Security: a launch names where its grades go (the AGS line item); the tool's bearer token
    for the platform goes only to a host the admin registered for that platform, over https."""
    host = host_of(url)
    if url_problem("url", url) is None and host in registered_hosts(platform):
        return None
    hosts = ", ".join(sorted(registered_hosts(platform)))
    return (
        f"The LMS “{platform.issuer}” names a grade service at “{url[:200]}”, whose host "
        f"“{host or '?'}” is not one registered for it ({hosts}), so Claim Check will not "
        "send it the LMS's access token. If that host is the LMS's own (as a school's Canvas "
        "domain is), the admin adds it: `quiz-app lti add-platform --issuer "
        f"{platform.issuer} --client-id {platform.client_id} --service-host {host or 'HOST'} "
        "…` (with the platform's other options as registered)."
    )


def _text_problem(name: str, value: str) -> str | None:
    if not value.strip():
        return f"{name}: must not be empty"
    if len(value) > MAX_FIELD or re.search(r"\s", value):
        return f"{name}: at most {MAX_FIELD} characters, without spaces"
    return None


@dataclass(frozen=True)
class Registration:
    """What the admin types to register a platform."""

    issuer: str
    client_id: str
    deployment_ids: list[str]
    auth_url: str
    token_url: str
    jwks_url: str
    name: str = ""
    token_audience: str = ""
    service_hosts: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        found = [
            _text_problem("--issuer", self.issuer),
            _text_problem("--client-id", self.client_id),
            url_problem("--auth-url", self.auth_url),
            url_problem("--token-url", self.token_url),
            url_problem("--jwks-url", self.jwks_url),
            url_problem("--token-audience", self.token_audience) if self.token_audience else None,
        ]
        if not self.deployment_ids:
            found.append("--deployment-id: give at least one (the LMS shows it after install)")
        found += [_text_problem("--deployment-id", d) for d in self.deployment_ids]
        found += [
            f"--service-host: “{h}” is not a host name (like lms.school.example)"
            for h in self.service_hosts
            if not SERVICE_HOST.match(service_host(h))
        ]
        if len(self.name) > 120:
            found.append("--name: at most 120 characters")
        return [p for p in found if p]


def register(session: Session, registration: Registration) -> tuple[LtiPlatform, bool]:
    """Store a platform, or update the one with the same issuer and client id (its URLs are
    replaced and new deployment ids added). Returns it and whether it is new."""
    problems = registration.problems()
    if problems:
        raise PlatformProblems(problems)
    known = store.platforms.get_platform(
        session, issuer=registration.issuer, client_id=registration.client_id
    )
    platform = store.platforms.save_platform(
        session,
        platform=known,
        issuer=registration.issuer,
        client_id=registration.client_id,
        deployment_ids=registration.deployment_ids,
        name=registration.name or (known.name if known else "") or "",
        auth_url=registration.auth_url,
        token_url=registration.token_url,
        jwks_url=registration.jwks_url,
        token_audience=registration.token_audience,
        service_hosts=[service_host(h) for h in registration.service_hosts],
    )
    return platform, known is None


def has_deployment(platform: LtiPlatform, deployment_id: str) -> bool:
    return any(d.deployment_id == deployment_id for d in platform.deployments)


# --- the platform's public keys ---------------------------------------------------------


def _max_age(response: httpx2.Response) -> timedelta:
    match = re.search(r"max-age=(\d+)", response.headers.get("cache-control", ""))
    ttl = timedelta(seconds=int(match.group(1))) if match else JWKS_DEFAULT_TTL
    return min(max(ttl, JWKS_MIN_TTL), JWKS_MAX_TTL)


def fetch_jwks(
    session: Session, http: httpx2.Client, platform: LtiPlatform, *, now: datetime
) -> dict[str, Any]:
    """Fetch the platform's JWKS, store it with its expiry, and return it."""
    try:
        response = http.get(platform.jwks_url, headers={"Accept": "application/json"})
    except httpx2.TimeoutException as exc:
        raise KeysUnavailable(f"{platform.jwks_url} did not answer in time") from exc
    except httpx2.HTTPError as exc:
        raise KeysUnavailable(f"{platform.jwks_url} could not be reached ({exc})") from exc
    if response.status_code != 200:
        raise KeysUnavailable(f"{platform.jwks_url} answered {response.status_code}")
    try:
        keys = response.json()
    except ValueError as exc:
        raise KeysUnavailable(f"{platform.jwks_url} did not answer with JSON") from exc
    if not isinstance(keys, dict) or not isinstance(keys.get("keys"), list):
        raise KeysUnavailable(f"{platform.jwks_url} did not answer with a JWKS (no 'keys' list)")
    store.platforms.save_jwks(
        session, platform=platform, keys=keys, now=now, expires=now + _max_age(response)
    )
    return keys


def _find_key(keys: dict[str, Any], kid: str | None) -> jwt.PyJWK | None:
    candidates = [
        k
        for k in keys.get("keys", [])
        if isinstance(k, dict) and k.get("kty") == "RSA" and k.get("use", "sig") == "sig"
    ]
    if kid is None:
        # A token without a kid can only be checked against a platform with a single key.
        candidates = candidates if len(candidates) == 1 else []
    else:
        candidates = [k for k in candidates if k.get("kid") == kid]
    if not candidates:
        return None
    try:
        return jwt.PyJWK(candidates[0], algorithm="RS256")
    except jwt.PyJWTError:
        return None


def signing_key(
    session: Session, http: httpx2.Client, platform: LtiPlatform, kid: str | None, *, now: datetime
) -> jwt.PyJWK | None:
    """Return the platform's public key with this kid, from the cache while it is fresh.

    An unknown kid refetches the JWKS once (the platform may have rotated its keys), unless it
    was fetched moments ago. Raises KeysUnavailable when the JWKS cannot be fetched."""
    fresh = platform.jwks is not None and (
        platform.jwks_expires_at is not None and platform.jwks_expires_at > now
    )
    fetched_now = False
    keys = platform.jwks if fresh and platform.jwks is not None else None
    if keys is None:
        keys = fetch_jwks(session, http, platform, now=now)
        fetched_now = True
    key = _find_key(keys, kid)
    recently = platform.jwks_fetched_at is not None and (
        now - platform.jwks_fetched_at < JWKS_MIN_REFETCH
    )
    if key is None and not fetched_now and not recently:
        key = _find_key(fetch_jwks(session, http, platform, now=now), kid)
    return key
