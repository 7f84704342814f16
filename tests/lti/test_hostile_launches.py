"""Point 5: wrong or hostile launches get a clear error page that says what is wrong, and
nothing is created: no LMS user, no session, no attempt, no teacher account."""

import html
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


def test_bad_signature_is_refused(
    app: FastAPI, platform: FakePlatform, linked: dict[str, int]
) -> None:
    response = _hostile(app, platform, key=platform.rogue_key)  # same kid, a forger's key
    _refused(response, 401, "signature does not match the LMS's public key “lms-key-1”")
    assert counts(app) == linked


def test_key_the_platform_never_published_is_refused(
    app: FastAPI, platform: FakePlatform, linked: dict[str, int]
) -> None:
    response = _hostile(app, platform, key=new_key("made-up-key"))
    _refused(response, 401, "signed with a key (kid “made-up-key”) that is not among the LMS's")
    assert platform.jwks_fetches == 1  # fetched moments ago: an unknown kid does not refetch
    assert counts(app) == linked


def test_wrong_audience_is_refused(
    app: FastAPI, platform: FakePlatform, linked: dict[str, int]
) -> None:
    response = _hostile(app, platform, claims={"aud": "another-tool"})
    _refused(
        response,
        401,
        f"addressed to 'another-tool', not to this tool's client id “{platform.client_id}”",
    )
    assert counts(app) == linked


def test_several_audiences_without_azp_are_refused(
    app: FastAPI, platform: FakePlatform, linked: dict[str, int]
) -> None:
    response = _hostile(app, platform, claims={"aud": [platform.client_id, "another-tool"]})
    _refused(response, 401, "several audiences but no “azp”")
    assert counts(app) == linked


def test_azp_naming_another_tool_is_refused(
    app: FastAPI, platform: FakePlatform, linked: dict[str, int]
) -> None:
    response = _hostile(app, platform, claims={"azp": "another-tool"})
    _refused(response, 401, "authorized party (azp) is “another-tool”")
    assert counts(app) == linked


def test_expired_launch_is_refused(
    app: FastAPI, platform: FakePlatform, linked: dict[str, int]
) -> None:
    now = _now()
    response = _hostile(app, platform, claims={"exp": now - 120, "iat": now - 420})
    text = _refused(response, 401, "The id_token expired at")
    assert "allowing 60 s" in text
    assert counts(app) == linked


def test_launch_issued_in_the_future_is_refused(
    app: FastAPI, platform: FakePlatform, linked: dict[str, int]
) -> None:
    now = _now()
    response = _hostile(app, platform, claims={"iat": now + 600, "exp": now + 900})
    _refused(response, 401, "in the future for this server")
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


def test_unknown_deployment_is_refused(
    app: FastAPI, platform: FakePlatform, linked: dict[str, int]
) -> None:
    response = _hostile(app, platform, claims={vocab.DEPLOYMENT_ID: "9:not-installed"})
    text = _refused(response, 403, "The deployment “9:not-installed”")
    assert "--deployment-id 9:not-installed" in text  # how the admin fixes it
    assert counts(app) == linked


def test_unknown_deployment_is_refused_at_login_already(
    app: FastAPI, platform: FakePlatform, linked: dict[str, int]
) -> None:
    params = platform.login_params(STUDENT, lti_deployment_id="9:not-installed")
    response = browser(app).get("/lti/login", params=params)
    _refused(response, 403, "The deployment “9:not-installed”")
    assert counts(app) == linked


@pytest.mark.parametrize(
    ("claim", "name"),
    [
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
    ],
)
def test_launch_missing_a_required_claim_is_refused(
    app: FastAPI, platform: FakePlatform, linked: dict[str, int], claim: str, name: str
) -> None:
    response = _hostile(app, platform, claims={claim: REMOVE})
    _refused(response, 400, f"lacks the required claim “{name}”")
    assert counts(app) == linked


def test_resource_link_without_an_id_is_refused(
    app: FastAPI, platform: FakePlatform, linked: dict[str, int]
) -> None:
    response = _hostile(app, platform, claims={vocab.RESOURCE_LINK: {"title": "no id"}})
    _refused(response, 400, "lacks the required claim “resource_link.id”")
    assert counts(app) == linked


def test_wrong_message_type_is_refused(
    app: FastAPI, platform: FakePlatform, linked: dict[str, int]
) -> None:
    response = _hostile(app, platform, claims={vocab.MESSAGE_TYPE: "LtiSubmissionReviewRequest"})
    _refused(response, 400, "message type is “LtiSubmissionReviewRequest”")
    assert counts(app) == linked


def test_wrong_lti_version_is_refused(
    app: FastAPI, platform: FakePlatform, linked: dict[str, int]
) -> None:
    response = _hostile(app, platform, claims={vocab.VERSION: "1.1"})
    _refused(response, 400, "LTI version “1.1”; Claim Check speaks LTI 1.3.0")
    assert counts(app) == linked


def test_unknown_issuer_is_refused_at_login(
    app: FastAPI, platform: FakePlatform, linked: dict[str, int]
) -> None:
    params = {**platform.login_params(STUDENT), "iss": "https://lms.attacker.example"}
    response = browser(app).get("/lti/login", params=params)
    _refused(response, 400, "No LMS with the issuer “https://lms.attacker.example” is registered")
    assert counts(app) == linked


def test_token_from_another_issuer_is_refused_at_launch(
    app: FastAPI, platform: FakePlatform, linked: dict[str, int]
) -> None:
    response = _hostile(app, platform, claims={"iss": "https://lms.attacker.example"})
    _refused(response, 401, "issued by “https://lms.attacker.example”, not by the LMS")
    assert counts(app) == linked


def test_unregistered_client_id_is_refused_at_login(
    app: FastAPI, platform: FakePlatform, linked: dict[str, int]
) -> None:
    params = {**platform.login_params(STUDENT), "client_id": "999"}
    response = browser(app).get("/lti/login", params=params)
    _refused(response, 400, "The client id “999” is not registered")
    assert counts(app) == linked


def test_login_for_another_site_is_refused(
    app: FastAPI, platform: FakePlatform, linked: dict[str, int]
) -> None:
    params = {**platform.login_params(STUDENT), "target_link_uri": "https://evil.example/x"}
    _refused(
        browser(app).get("/lti/login", params=params),
        400,
        "not an address of this Claim Check server",
    )
    assert counts(app) == linked


def test_login_missing_its_parameters_is_refused(app: FastAPI, linked: dict[str, int]) -> None:
    response = browser(app).get("/lti/login", params={"iss": "x"})
    _refused(response, 400, "lacks “login_hint”, “target_link_uri”")
    assert counts(app) == linked


def test_token_opening_another_address_than_the_login_asked_is_refused(
    app: FastAPI, platform: FakePlatform, linked: dict[str, int]
) -> None:
    target = "http://testserver/lti/launch?other"
    response = _hostile(app, platform, claims={vocab.TARGET_LINK_URI: target})
    _refused(response, 400, f"opens “{target}”, not “http://testserver/lti/launch”")
    assert counts(app) == linked


def test_unknown_state_is_refused(
    app: FastAPI, platform: FakePlatform, linked: dict[str, int]
) -> None:
    client = browser(app)
    form = platform.authenticate(login(client, platform, STUDENT), STUDENT)
    response = client.post("/lti/launch", data={**form, "state": "made-up-state"})
    _refused(response, 400, "This launch's state is unknown or has expired")
    assert counts(app) == linked


def test_state_that_this_browser_did_not_start_is_refused(
    app: FastAPI, platform: FakePlatform, linked: dict[str, int]
) -> None:
    victim = browser(app)
    login(victim, platform, STUDENT)  # the victim's browser started a launch of its own
    attacker = browser(app)
    forged = platform.authenticate(login(attacker, platform, TEACHER), TEACHER)
    response = victim.post("/lti/launch", data=forged)  # login CSRF: the attacker's launch
    _refused(response, 400, "state does not match the one this browser started with")
    assert counts(app) == linked


def test_expired_state_is_refused(
    app: FastAPI, platform: FakePlatform, linked: dict[str, int]
) -> None:
    client = browser(app)
    form = platform.authenticate(login(client, platform, STUDENT), STUDENT)
    with app.state.sessions() as session:
        session.execute(update(LtiLaunchState).values(expires_at=utcnow()))
        session.commit()
    _refused(client.post("/lti/launch", data=form), 400, "state is unknown or has expired")
    assert counts(app) == linked


@pytest.mark.parametrize("missing", ["id_token", "state"])
def test_launch_without_id_token_or_state_is_refused(
    app: FastAPI, platform: FakePlatform, linked: dict[str, int], missing: str
) -> None:
    client = browser(app)
    form = platform.authenticate(login(client, platform, STUDENT), STUDENT)
    del form[missing]
    _refused(client.post("/lti/launch", data=form), 400, f"The launch lacks “{missing}”")
    assert counts(app) == linked


def test_lms_login_error_is_shown(app: FastAPI, linked: dict[str, int]) -> None:
    form = {"error": "login_required", "error_description": "No session", "state": "s"}
    response = browser(app).post("/lti/launch", data=form)
    _refused(response, 400, "The LMS refused the login: login_required: No session")
    assert counts(app) == linked


def test_token_signed_with_a_shared_secret_is_refused(
    app: FastAPI, platform: FakePlatform, linked: dict[str, int]
) -> None:
    client = browser(app)
    auth = login(client, platform, STUDENT)
    form = platform.authenticate(auth, STUDENT)
    claims = jwt.decode(form["id_token"], options={"verify_signature": False})
    forged = jwt.encode(claims, "a-guessed-secret-of-32-bytes-....", algorithm="HS256")
    response = client.post("/lti/launch", data={**form, "id_token": forged})
    _refused(response, 401, "signed with “HS256”; LTI 1.3 requires RS256")
    assert counts(app) == linked


def test_unreadable_token_is_refused(
    app: FastAPI, platform: FakePlatform, linked: dict[str, int]
) -> None:
    client = browser(app)
    form = platform.authenticate(login(client, platform, STUDENT), STUDENT)
    response = client.post("/lti/launch", data={**form, "id_token": "not-a-jwt"})
    _refused(response, 400, "The id_token is not a readable JWT")
    assert counts(app) == linked


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
