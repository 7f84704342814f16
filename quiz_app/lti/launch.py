"""Launching the tool: the id_token the platform posts after the OIDC login (login.py), checked
in full.

The login stored a state and a nonce in the database (an LMS frame may lose cookies, and any
app process may receive the launch). The launch is accepted only when every rule of LTI 1.3
holds, step by step: the state, the token's signature and times, then its claims; otherwise
LaunchError says which rule failed, and nothing is created.
"""

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx2
import jwt
from sqlalchemy.orm import Session

from quiz_app import inputs, store
from quiz_app.lti import deep_linking, platforms, vocab
from quiz_app.lti.platforms import KeysUnavailable
from quiz_app.lti.tables import LtiLaunchState, LtiPlatform

STATE_LIFETIME = timedelta(minutes=10)  # from the login redirect to the launch
CLOCK_LEEWAY = timedelta(seconds=60)  # clock difference allowed on exp and iat
STATE_COOKIE_PREFIX = "cc_lti_state_"
NAME_CLAIMS = ("name", "given_name")
MAX_NAME = 80  # characters, as attempts store a student's name


class LaunchError(Exception):
    """A login or launch that must be refused: the status, and what exactly is wrong."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Launch:
    """A validated launch: who, from where, and what they asked for."""

    platform: LtiPlatform
    claims: dict[str, Any]
    message_type: str
    deployment_id: str
    sub: str
    name: str
    roles: list[str]
    resource_link: dict[str, Any] = field(default_factory=dict)
    context: dict[str, Any] = field(default_factory=dict)
    custom: dict[str, Any] = field(default_factory=dict)
    ags: dict[str, Any] = field(default_factory=dict)
    deep_linking: dict[str, Any] = field(default_factory=dict)

    @property
    def instructor(self) -> bool:
        return vocab.is_instructor(self.roles)


def state_cookie_name(state: str) -> str:
    """Return the name of the cookie that holds one launch's state (one cookie per launch, so
    two links launched at once on one course page do not overwrite each other's)."""
    return STATE_COOKIE_PREFIX + hashlib.sha256(state.encode()).hexdigest()[:16]


def unknown_deployment(platform: LtiPlatform, deployment_id: str) -> str:
    return (
        f"The deployment “{deployment_id}” of the LMS “{platform.issuer}” is not registered "
        "with Claim Check. The admin adds it with `quiz-app lti add-platform --issuer "
        f"{platform.issuer} --client-id {platform.client_id} --deployment-id {deployment_id} …`."
    )


def _consume_state(session: Session, state: str, now: datetime) -> LtiLaunchState:
    row = store.lti.get_launch_state(session, state=state)
    if row is None or row.expires_at <= now:
        raise LaunchError(
            400,
            "This launch's state is unknown or has expired (a launch must finish within "
            f"{int(STATE_LIFETIME.total_seconds() // 60)} minutes of starting). Start the "
            "activity from the LMS again.",
        )
    if not store.lti.use_launch_state(session, row=row, now=now):
        raise LaunchError(
            400,
            "This launch was already used: a launch can be used once, so it was sent again "
            "(replayed). Start the activity from the LMS again.",
        )
    return row


def _check_state_cookie(state: str, cookies: Mapping[str, str]) -> None:
    """Security: an extra check where the browser kept our cookies. A browser that started
    launches here but not this one was sent someone else's launch (login CSRF)."""
    ours = {name for name in cookies if name.startswith(STATE_COOKIE_PREFIX)}
    if ours and cookies.get(state_cookie_name(state)) != state:
        raise LaunchError(
            400,
            "The launch's state does not match the one this browser started with. Start the "
            "activity from the LMS again, in this browser.",
        )


def _when(timestamp: Any) -> str:
    try:
        return f"{datetime.fromtimestamp(int(timestamp), UTC):%Y-%m-%d %H:%M:%S} UTC"
    except (TypeError, ValueError, OverflowError):
        return str(timestamp)


def _read_unverified(platform: LtiPlatform, id_token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return the id_token's header and claims, unverified, once it is an RS256 JWT that says
    it comes from the launch's platform."""
    try:
        header = jwt.get_unverified_header(id_token)
        unverified = jwt.decode(id_token, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise LaunchError(400, f"The id_token is not a readable JWT ({exc}).") from exc
    if header.get("alg") != "RS256":
        raise LaunchError(
            401, f"The id_token is signed with “{header.get('alg')}”; LTI 1.3 requires RS256."
        )
    if unverified.get("iss") != platform.issuer:
        raise LaunchError(
            401,
            f"The id_token was issued by “{unverified.get('iss')}”, not by the LMS this launch "
            f"started with (“{platform.issuer}”).",
        )
    return header, unverified


def _platform_key(
    session: Session, http: httpx2.Client, platform: LtiPlatform, kid: str | None, now: datetime
) -> jwt.PyJWK:
    """Return the platform's public key that signed the id_token (by its kid)."""
    try:
        key = platforms.signing_key(session, http, platform, kid, now=now)
    except KeysUnavailable as exc:
        raise LaunchError(
            502, f"Claim Check could not get the LMS's public keys to check the launch: {exc}."
        ) from exc
    if key is None:
        raise LaunchError(
            401,
            f"The id_token is signed with a key (kid “{kid}”) that is not among the LMS's "
            f"public keys at {platform.jwks_url}, so its signature cannot be trusted.",
        )
    return key


def _verified_claims(
    platform: LtiPlatform,
    id_token: str,
    key: jwt.PyJWK,
    header: Mapping[str, Any],
    unverified: Mapping[str, Any],
    now: datetime,
) -> dict[str, Any]:
    """Return the id_token's claims once its signature, audience and times hold; each failed
    check is told in words (whose key, which clock, which audience)."""
    kid = header.get("kid")
    try:
        claims: dict[str, Any] = jwt.decode(
            id_token,
            key.key,
            algorithms=["RS256"],
            audience=platform.client_id,
            issuer=platform.issuer,
            leeway=CLOCK_LEEWAY,
            options={"require": ["exp", "iat", "iss", "aud", "nonce"]},
        )
    except jwt.InvalidSignatureError as exc:
        raise LaunchError(
            401,
            f"The id_token's signature does not match the LMS's public key “{kid}”: it was not "
            "signed by the LMS, or it was changed on the way.",
        ) from exc
    except jwt.ExpiredSignatureError as exc:
        raise LaunchError(
            401,
            f"The id_token expired at {_when(unverified.get('exp'))}; this server's clock says "
            f"{now:%Y-%m-%d %H:%M:%S} UTC (allowing {int(CLOCK_LEEWAY.total_seconds())} s). "
            "Launch again; if it keeps happening, check the clocks of both servers.",
        ) from exc
    except jwt.ImmatureSignatureError as exc:
        raise LaunchError(
            401,
            f"The id_token says it was issued at {_when(unverified.get('iat'))}, in the future "
            f"for this server ({now:%Y-%m-%d %H:%M:%S} UTC). Check the clocks of both servers.",
        ) from exc
    except jwt.InvalidAudienceError as exc:
        raise LaunchError(
            401,
            f"The id_token is addressed to {unverified.get('aud')!r}, not to this tool's "
            f"client id “{platform.client_id}” (aud).",
        ) from exc
    except jwt.MissingRequiredClaimError as exc:
        raise LaunchError(400, f"The id_token lacks the required claim “{exc.claim}”.") from exc
    except jwt.PyJWTError as exc:
        raise LaunchError(401, f"The id_token is not valid: {exc}.") from exc
    return claims


def _check_authorized_party(platform: LtiPlatform, claims: Mapping[str, Any]) -> None:
    """Security: a token for several audiences must name this tool as its authorized party."""
    audience = claims["aud"]
    azp = claims.get("azp")
    if isinstance(audience, list) and len(audience) > 1 and azp is None:
        raise LaunchError(401, "The id_token has several audiences but no “azp” naming this tool.")
    if azp is not None and azp != platform.client_id:
        raise LaunchError(
            401,
            f"The id_token's authorized party (azp) is “{azp}”, not this tool's client id "
            f"“{platform.client_id}”.",
        )


def _decode(
    session: Session,
    http: httpx2.Client,
    platform: LtiPlatform,
    id_token: str,
    now: datetime,
) -> dict[str, Any]:
    """Return the id_token's claims once its signature, issuer, audience and times hold."""
    header, unverified = _read_unverified(platform, id_token)
    key = _platform_key(session, http, platform, header.get("kid"), now)
    claims = _verified_claims(platform, id_token, key, header, unverified, now)
    _check_authorized_party(platform, claims)
    return claims


def _display_name(claims: Mapping[str, Any], sub: str) -> str:
    for name in NAME_CLAIMS:
        value = claims.get(name)
        if isinstance(value, str) and value.strip():
            text = " ".join(value.split())
            if name == "given_name" and isinstance(claims.get("family_name"), str):
                text = " ".join(f"{text} {claims['family_name']}".split())
            return "".join(c for c in text if c.isprintable())[:MAX_NAME]
    return sub[:MAX_NAME]


def _required(claims: Mapping[str, Any], claim: str, short: str) -> Any:
    value = claims.get(claim)
    if value is None or value == "" or value == {}:
        raise LaunchError(400, f"The id_token lacks the required claim “{short}” ({claim}).")
    return value


def _posted_response(form: Mapping[str, str]) -> tuple[str, str]:
    """Return the state and id_token the platform posted, unless it posted a refusal."""
    if form.get("error"):
        detail = form.get("error_description", "")
        raise LaunchError(
            400,
            f"The LMS refused the login: {form['error']}{': ' + detail if detail else ''}. "
            "Start the activity from the LMS again, logged in.",
        )
    state, id_token = form.get("state", ""), form.get("id_token", "")
    if not state or not id_token:
        missing = " and ".join(f"“{n}”" for n in ("id_token", "state") if not form.get(n))
        raise LaunchError(
            400, f"The launch lacks {missing}. Start the activity from the LMS, not by address."
        )
    return state, id_token


def _check_claims(platform: LtiPlatform, claims: Mapping[str, Any], row: LtiLaunchState) -> None:
    """Check the LTI claims every launch carries against the login that started it: nonce,
    deployment, version, message type, subject, roles and target; and that no claim's text
    holds a NUL byte."""
    if problem := inputs.nul_claim_problem(claims):
        raise LaunchError(400, problem)
    if not secrets.compare_digest(str(claims["nonce"]).encode(), row.nonce.encode()):
        raise LaunchError(
            401,
            "The id_token's nonce does not belong to this launch: the token was replayed from "
            "an earlier launch, or made for another one.",
        )
    deployment_id = str(_required(claims, vocab.DEPLOYMENT_ID, "deployment_id"))
    if not platforms.has_deployment(platform, deployment_id):
        raise LaunchError(403, unknown_deployment(platform, deployment_id))
    version = _required(claims, vocab.VERSION, "version")
    if version != vocab.LTI_VERSION:
        raise LaunchError(
            400, f"The launch is LTI version “{version}”; Claim Check speaks LTI 1.3.0."
        )
    message_type = _required(claims, vocab.MESSAGE_TYPE, "message_type")
    if message_type not in vocab.MESSAGE_TYPES:
        raise LaunchError(
            400,
            f"The launch's message type is “{message_type}”; Claim Check accepts "
            + " and ".join(vocab.MESSAGE_TYPES)
            + ".",
        )
    _required(claims, "sub", "sub")
    roles = claims.get(vocab.ROLES)  # may be an empty list, but must be there
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        raise LaunchError(400, f"The id_token lacks the required claim “roles” ({vocab.ROLES}).")
    target = _required(claims, vocab.TARGET_LINK_URI, "target_link_uri")
    if target != row.target_link_uri:
        raise LaunchError(
            400,
            f"The id_token opens “{target}”, not “{row.target_link_uri}” as the login asked.",
        )


def _build_launch(platform: LtiPlatform, claims: dict[str, Any]) -> Launch:
    """Return the Launch of checked claims, with its resource link or deep-linking settings."""
    sub = str(claims["sub"])
    message_type = claims[vocab.MESSAGE_TYPE]
    launch = Launch(
        platform=platform,
        claims=claims,
        message_type=message_type,
        deployment_id=str(claims[vocab.DEPLOYMENT_ID]),
        sub=sub,
        name=_display_name(claims, sub),
        roles=claims[vocab.ROLES],
        context=_mapping(claims.get(vocab.CONTEXT)),
        custom=_mapping(claims.get(vocab.CUSTOM)),
        ags=_mapping(claims.get(vocab.AGS_ENDPOINT)),
    )
    if message_type == vocab.RESOURCE_LINK_REQUEST:
        link = _mapping(_required(claims, vocab.RESOURCE_LINK, "resource_link"))
        if not link.get("id"):
            raise LaunchError(
                400,
                f"The id_token lacks the required claim “resource_link.id” "
                f"({vocab.RESOURCE_LINK}).",
            )
        launch.resource_link = link
    else:
        settings = _mapping(_required(claims, vocab.DL_SETTINGS, "deep_linking_settings"))
        return_url = settings.get("deep_link_return_url")
        if not isinstance(return_url, str) or platforms.url_problem("url", return_url):
            raise LaunchError(
                400,
                "The deep-linking request lacks a usable “deep_link_return_url” "
                f"({vocab.DL_SETTINGS}).",
            )
        launch.deep_linking = settings
    return launch


def _check_request(launch: Launch) -> None:
    """Refuse what this launch asks for when it cannot be given, before anything is stored:
    deep linking by a learner or where links are not accepted; grades sent to a host that is
    not the platform's."""
    if launch.message_type == vocab.DEEP_LINKING_REQUEST and not launch.instructor:
        raise LaunchError(
            403,
            "Only teachers can add Claim Check to a course. Your LMS says you are not a "
            "teacher (instructor) here.",
        )
    if launch.deep_linking and not deep_linking.accepts_links(launch.deep_linking):
        raise LaunchError(
            400,
            "The LMS does not accept links to activities at this place (its deep-linking "
            "request does not accept “ltiResourceLink”). Add Claim Check as an activity.",
        )
    for name in ("lineitem", "lineitems"):
        url = launch.ags.get(name)
        if isinstance(url, str) and url:
            if problem := platforms.service_url_problem(launch.platform, url):
                raise LaunchError(400, problem)


def complete_launch(
    session: Session,
    http: httpx2.Client,
    *,
    form: Mapping[str, str],
    cookies: Mapping[str, str],
    now: datetime,
) -> Launch:
    """Validate the authentication response (id_token + state) the platform posted: check the
    state, decode and verify the token, check its claims and what the launch asks for, and
    build the Launch."""
    state, id_token = _posted_response(form)
    row = _consume_state(session, state, now)
    _check_state_cookie(state, cookies)
    platform = store.platforms.get_platform_by_id(session, platform_id=row.platform_id)
    assert platform is not None  # the state's platform: deleting it deletes the state
    claims = _decode(session, http, platform, id_token, now)
    _check_claims(platform, claims, row)
    launch = _build_launch(platform, claims)
    _check_request(launch)
    return launch


def _mapping(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, dict) else {}
