"""Point 5: wrong or hostile launches get a clear error page that says what is wrong, and
nothing is created: no LMS user, no session, no attempt, no teacher account. That includes a
launch asking for what cannot be given (deep linking by a learner, grades sent to a host that
is not the LMS's): it is refused before anything is stored."""

import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jwt
import pytest
from fastapi import FastAPI
from httpx2 import Response
from sqlalchemy import update

from quiz_app.lti import vocab
from quiz_app.lti.tables import LtiLaunchState
from quiz_app.models import utcnow
from tests.support.lti_platform import REMOVE, STUDENT, TEACHER, FakePlatform, LmsUser, new_key
from tests.support.lti_steps import browser, counts, launch, login, set_up_link


@pytest.fixture
def linked(app: FastAPI, platform: FakePlatform) -> dict[str, int]:
    """A link with questions, so that a launch that got through would start an attempt; and
    the row counts before the hostile launch."""
    set_up_link(app, platform)
    return counts(app)


def _refused(response: Response, status: int, says: str) -> str:
    text = html.unescape(response.text)
    assert response.status_code == status, text[-800:]
    assert "Claim Check could not accept this launch" in text
    assert says in text, text[-800:]
    return text


def _hostile(
    app: FastAPI, platform: FakePlatform, user: LmsUser = STUDENT, **authenticate: Any
) -> Response:
    client = browser(app)
    auth = login(client, platform, user)
    return client.post("/lti/launch", data=platform.authenticate(auth, user, **authenticate))


def _now() -> int:
    return int(utcnow().timestamp())


Send = Callable[[FastAPI, FakePlatform], Response]


@dataclass(frozen=True)
class Hostile:
    """One wrong or hostile launch: how it is sent, and the refusal the person must see.

    `says` and `also` may name {client_id}, filled in from the fake LMS."""

    id: str
    send: Send
    status: int
    says: str
    also: tuple[str, ...] = ()
    then: Callable[[FakePlatform], bool] = lambda platform: True  # a last check of the LMS


def _claims(**claims: Any) -> Send:
    """A launch whose id_token's claims are changed (REMOVE drops one)."""
    return lambda app, platform: _hostile(app, platform, claims=claims)


def _login(**params: Any) -> Send:
    """A login initiation from the LMS with changed parameters."""

    def send(app: FastAPI, platform: FakePlatform) -> Response:
        query = {**platform.login_params(STUDENT), **params}
        return browser(app).get("/lti/login", params=query)

    return send


def _form(change: Callable[[dict[str, str]], dict[str, str]]) -> Send:
    """A launch whose form, as the LMS posts it back, is changed on the way."""

    def send(app: FastAPI, platform: FakePlatform) -> Response:
        client = browser(app)
        form = platform.authenticate(login(client, platform, STUDENT), STUDENT)
        return client.post("/lti/launch", data=change(form))

    return send


def _without(field: str) -> Callable[[dict[str, str]], dict[str, str]]:
    return lambda form: {k: v for k, v in form.items() if k != field}


def _signed_with_a_shared_secret(form: dict[str, str]) -> dict[str, str]:
    claims = jwt.decode(form["id_token"], options={"verify_signature": False})
    forged = jwt.encode(claims, "a-guessed-secret-of-32-bytes-....", algorithm="HS256")
    return {**form, "id_token": forged}


def _several_audiences(app: FastAPI, platform: FakePlatform) -> Response:
    return _hostile(app, platform, claims={"aud": [platform.client_id, "another-tool"]})


def _expired(app: FastAPI, platform: FakePlatform) -> Response:
    now = _now()
    return _hostile(app, platform, claims={"exp": now - 120, "iat": now - 420})


def _issued_in_the_future(app: FastAPI, platform: FakePlatform) -> Response:
    now = _now()
    return _hostile(app, platform, claims={"iat": now + 600, "exp": now + 900})


def _state_this_browser_did_not_start(app: FastAPI, platform: FakePlatform) -> Response:
    victim = browser(app)
    login(victim, platform, STUDENT)  # the victim's browser started a launch of its own
    attacker = browser(app)
    forged = platform.authenticate(login(attacker, platform, TEACHER), TEACHER)
    return victim.post("/lti/launch", data=forged)  # login CSRF: the attacker's launch


def _expired_state(app: FastAPI, platform: FakePlatform) -> Response:
    client = browser(app)
    form = platform.authenticate(login(client, platform, STUDENT), STUDENT)
    with app.state.sessions() as session:
        session.execute(update(LtiLaunchState).values(expires_at=utcnow()))
        session.commit()
    return client.post("/lti/launch", data=form)


def _lms_login_error(app: FastAPI, platform: FakePlatform) -> Response:
    form = {"error": "login_required", "error_description": "No session", "state": "s"}
    return browser(app).post("/lti/launch", data=form)


def _deep_link(user: LmsUser, **claims: Any) -> Send:
    """A deep-linking request ("add content") of this user, its claims changed."""

    def send(app: FastAPI, platform: FakePlatform) -> Response:
        client = browser(app)
        auth = login(client, platform, user, message="deep_link")
        form = platform.authenticate(auth, user, message="deep_link", claims=claims)
        return client.post("/lti/launch", data=form)

    return send


def _takes_no_links(app: FastAPI, platform: FakePlatform) -> Response:
    settings = platform.claims_for(TEACHER, nonce="", message="deep_link")[vocab.DL_SETTINGS]
    claims = {vocab.DL_SETTINGS: {**settings, "accept_types": ["file", "html"]}}
    return _deep_link(TEACHER, **claims)(app, platform)


def _grades_to(**urls: str) -> Send:
    """A launch whose AGS claim names these line item / container addresses."""

    def send(app: FastAPI, platform: FakePlatform) -> Response:
        ags = {"scope": [vocab.SCORE_SCOPE, vocab.LINEITEM_SCOPE], **urls}
        return _hostile(app, platform, claims={vocab.AGS_ENDPOINT: ags})

    return send


def _login_missing_its_parameters(app: FastAPI, platform: FakePlatform) -> Response:
    return browser(app).get("/lti/login", params={"iss": "x"})


REQUIRED_CLAIMS = [
    ("sub", "sub"),
    (vocab.ROLES, "roles"),
    (vocab.RESOURCE_LINK, "resource_link"),
    (vocab.DEPLOYMENT_ID, "deployment_id"),
    (vocab.MESSAGE_TYPE, "message_type"),
    (vocab.VERSION, "version"),
    (vocab.TARGET_LINK_URI, "target_link_uri"),
    ("nonce", "nonce"),
    ("exp", "exp"),
    ("iat", "iat"),
]
OTHER_TARGET = "http://testserver/lti/launch?other"
ATTACKER_ISSUER = "https://lms.attacker.example"

FOREIGN_LINEITEM = "https://grades.attacker.example/lineitems/1/lineitem"
OTHER_PORT = "http://127.0.0.1:9/lineitems"  # this machine, but not the LMS's port

HOSTILE = [
    Hostile(
        "learner-sending-a-deep-linking-request",
        _deep_link(STUDENT),
        403,
        "Only teachers can add Claim Check to a course",
    ),
    Hostile(
        "deep-linking-where-no-links-are-accepted",
        _takes_no_links,
        400,
        "does not accept “ltiResourceLink”",
    ),
    Hostile(
        "line-item-on-a-host-the-lms-was-not-registered-with",
        _grades_to(lineitem=FOREIGN_LINEITEM),
        400,
        "whose host “grades.attacker.example” is not one registered for it",
        also=("will not send it the LMS's access token", "--service-host grades.attacker.example"),
        then=lambda platform: platform.token_requests == 0,
    ),
    Hostile(
        "line-item-container-on-another-port",
        _grades_to(lineitems=OTHER_PORT),
        400,
        "whose host “127.0.0.1:9” is not one registered for it",
    ),
    Hostile(
        "bad-signature",  # same kid, a forger's key
        lambda app, platform: _hostile(app, platform, key=platform.rogue_key),
        401,
        "signature does not match the LMS's public key “lms-key-1”",
    ),
    Hostile(
        "key-the-platform-never-published",
        lambda app, platform: _hostile(app, platform, key=new_key("made-up-key")),
        401,
        "signed with a key (kid “made-up-key”) that is not among the LMS's",
        # fetched moments ago: an unknown kid does not refetch
        then=lambda platform: platform.jwks_fetches == 1,
    ),
    Hostile(
        "wrong-audience",
        _claims(aud="another-tool"),
        401,
        "addressed to 'another-tool', not to this tool's client id “{client_id}”",
    ),
    Hostile(
        "several-audiences-without-azp",
        _several_audiences,
        401,
        "several audiences but no “azp”",
    ),
    Hostile(
        "azp-naming-another-tool",
        _claims(azp="another-tool"),
        401,
        "authorized party (azp) is “another-tool”",
    ),
    Hostile("expired-launch", _expired, 401, "The id_token expired at", also=("allowing 60 s",)),
    Hostile(
        "launch-issued-in-the-future", _issued_in_the_future, 401, "in the future for this server"
    ),
    Hostile(
        "unknown-deployment",
        _claims(**{vocab.DEPLOYMENT_ID: "9:not-installed"}),
        403,
        "The deployment “9:not-installed”",
        also=("--deployment-id 9:not-installed",),  # how the admin fixes it
    ),
    Hostile(
        "unknown-deployment-at-login-already",
        _login(lti_deployment_id="9:not-installed"),
        403,
        "The deployment “9:not-installed”",
    ),
    *(
        Hostile(
            f"missing-claim-{name}",
            _claims(**{claim: REMOVE}),
            400,
            f"lacks the required claim “{name}”",
        )
        for claim, name in REQUIRED_CLAIMS
    ),
    Hostile(
        "resource-link-without-an-id",
        _claims(**{vocab.RESOURCE_LINK: {"title": "no id"}}),
        400,
        "lacks the required claim “resource_link.id”",
    ),
    Hostile(
        "wrong-message-type",
        _claims(**{vocab.MESSAGE_TYPE: "LtiSubmissionReviewRequest"}),
        400,
        "message type is “LtiSubmissionReviewRequest”",
    ),
    Hostile(
        "wrong-lti-version",
        _claims(**{vocab.VERSION: "1.1"}),
        400,
        "LTI version “1.1”; Claim Check speaks LTI 1.3.0",
    ),
    Hostile(
        "unknown-issuer-at-login",
        _login(iss=ATTACKER_ISSUER),
        400,
        f"No LMS with the issuer “{ATTACKER_ISSUER}” is registered",
    ),
    Hostile(
        "token-from-another-issuer-at-launch",
        _claims(iss=ATTACKER_ISSUER),
        401,
        f"issued by “{ATTACKER_ISSUER}”, not by the LMS",
    ),
    Hostile(
        "unregistered-client-id-at-login",
        _login(client_id="999"),
        400,
        "The client id “999” is not registered",
    ),
    Hostile(
        "login-for-another-site",
        _login(target_link_uri="https://evil.example/x"),
        400,
        "not an address of this Claim Check server",
    ),
    Hostile(
        "login-missing-its-parameters",
        _login_missing_its_parameters,
        400,
        "lacks “login_hint”, “target_link_uri”",
    ),
    Hostile(
        "token-opening-another-address-than-the-login-asked",
        _claims(**{vocab.TARGET_LINK_URI: OTHER_TARGET}),
        400,
        f"opens “{OTHER_TARGET}”, not “http://testserver/lti/launch”",
    ),
    Hostile(
        "unknown-state",
        _form(lambda form: {**form, "state": "made-up-state"}),
        400,
        "This launch's state is unknown or has expired",
    ),
    Hostile(
        "state-that-this-browser-did-not-start",
        _state_this_browser_did_not_start,
        400,
        "state does not match the one this browser started with",
    ),
    Hostile("expired-state", _expired_state, 400, "state is unknown or has expired"),
    *(
        Hostile(f"launch-without-{missing}", _form(_without(missing)), 400, f"lacks “{missing}”")
        for missing in ("id_token", "state")
    ),
    Hostile(
        "lms-login-error",
        _lms_login_error,
        400,
        "The LMS refused the login: login_required: No session",
    ),
    Hostile(
        "token-signed-with-a-shared-secret",
        _form(_signed_with_a_shared_secret),
        401,
        "signed with “HS256”; LTI 1.3 requires RS256",
    ),
    Hostile(
        "nul-in-the-name",
        _claims(name="Ana\x00Lopez"),
        400,
        "claim “name” contains a NUL character",
    ),
    Hostile(
        "nul-in-the-course-title",
        _claims(**{vocab.CONTEXT: {"id": "c1", "title": "Year 9\x00"}}),
        400,
        f"claim “{vocab.CONTEXT}.title” contains a NUL character",
    ),
    Hostile(
        "nul-in-a-custom-claim-name",
        _claims(**{vocab.CUSTOM: {"set\x00": "full-check"}}),
        400,
        f"claim “{vocab.CUSTOM}.set\\0” contains a NUL character",
    ),
    Hostile(
        "unreadable-token",
        _form(lambda form: {**form, "id_token": "not-a-jwt"}),
        400,
        "The id_token is not a readable JWT",
    ),
]


@pytest.mark.parametrize("case", HOSTILE, ids=[case.id for case in HOSTILE])
def test_hostile_launch_is_refused_saying_why_and_creates_nothing(
    app: FastAPI, platform: FakePlatform, linked: dict[str, int], case: Hostile
) -> None:
    response = case.send(app, platform)
    text = _refused(response, case.status, case.says.format(client_id=platform.client_id))
    for more in case.also:
        assert more in text
    assert case.then(platform)
    assert counts(app) == linked


def test_replayed_launch_is_refused_and_starts_nothing_more(
    app: FastAPI, platform: FakePlatform, linked: dict[str, int]
) -> None:
    client = browser(app)
    form = platform.authenticate(login(client, platform, STUDENT), STUDENT)
    assert client.post("/lti/launch", data=form).status_code == 303
    after_first = counts(app)
    replay = browser(app).post("/lti/launch", data=form)
    _refused(replay, 400, "This launch was already used")
    assert counts(app) == after_first
    assert after_first["attempts"] == linked["attempts"] + 1


def test_replayed_nonce_under_a_fresh_state_is_refused(
    app: FastAPI, platform: FakePlatform, linked: dict[str, int]
) -> None:
    client = browser(app)
    captured = platform.authenticate(login(client, platform, STUDENT), STUDENT)
    assert client.post("/lti/launch", data=captured).status_code == 303
    after_first = counts(app)
    attacker = browser(app)
    fresh = platform.authenticate(login(attacker, platform, STUDENT), STUDENT)
    replay = {"id_token": captured["id_token"], "state": fresh["state"]}
    _refused(attacker.post("/lti/launch", data=replay), 401, "nonce does not belong to this launch")
    assert counts(app) == after_first


def test_lms_keys_unavailable_refuses_with_502_and_says_so(
    app: FastAPI, platform: FakePlatform
) -> None:
    before = counts(app)
    platform.jwks_status = 500
    response = launch(browser(app), platform, STUDENT)
    _refused(
        response,
        502,
        "could not get the LMS's public keys to check the launch: "
        f"{platform.jwks_url} answered 500",
    )
    assert counts(app) == before
