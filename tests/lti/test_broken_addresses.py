"""Addresses from an LMS that do not parse (a broken IPv6 host, `http://[`) and NUL bytes in
what it sends: each is refused with a page that says what is wrong, never a 500, and the
refused launch stores nothing."""

import html

from fastapi import FastAPI

from quiz_app.lti import vocab
from tests.support.lti_platform import STUDENT, TEACHER, FakePlatform
from tests.support.lti_steps import browser, counts, login


def test_login_naming_target_that_does_not_parse_is_refused(
    app: FastAPI, platform: FakePlatform
) -> None:
    query = {**platform.login_params(STUDENT), "target_link_uri": "http://["}
    response = browser(app).get("/lti/login", params=query)
    assert response.status_code == 400
    assert "which is not an address of this Claim Check server" in html.unescape(response.text)


def test_deep_linking_return_address_that_does_not_parse_is_refused(
    app: FastAPI, platform: FakePlatform
) -> None:
    before = counts(app)
    client = browser(app)
    auth = login(client, platform, TEACHER, message="deep_link")
    settings = platform.claims_for(TEACHER, nonce="", message="deep_link")[vocab.DL_SETTINGS]
    claims = {vocab.DL_SETTINGS: {**settings, "deep_link_return_url": "http://["}}
    form = platform.authenticate(auth, TEACHER, message="deep_link", claims=claims)
    response = client.post("/lti/launch", data=form)
    assert response.status_code == 400, html.unescape(response.text)[-800:]
    assert "usable “deep_link_return_url”" in html.unescape(response.text)
    assert counts(app) == before


def test_login_with_nul_in_issuer_is_refused_naming_it(
    app: FastAPI, platform: FakePlatform
) -> None:
    query = {**platform.login_params(STUDENT), "iss": platform.issuer + "\x00"}
    response = browser(app).get("/lti/login", params=query)
    assert response.status_code == 422
    assert "The field “iss” contains a NUL character" in html.unescape(response.text)
