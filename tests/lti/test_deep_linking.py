"""Point 3: Deep Linking. From the LMS's "add content", the instructor picks a bundled set (a new
assignment) or one of their assignments, and the choice goes back to the LMS as a signed
LtiDeepLinkingResponse with a resource link and a line item."""

import html
import re
from typing import Any

import httpx2
import jwt
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response
from markupsafe import escape
from sqlalchemy import select

from quiz_app.lti import platforms, vocab
from quiz_app.lti.tables import LtiResourceLink, LtiSession
from quiz_app.models import Assignment
from tests.support.lti_platform import STUDENT, TEACHER, FakePlatform
from tests.support.lti_steps import attempt_token, browser, counts, csrf_of, launch, set_up_link
from tests.support.teacher_factories import create_assignment, teacher_client

ITEMS = vocab.DL_CONTENT_ITEMS


def _picker(app: FastAPI, lms: FakePlatform) -> tuple[TestClient, str, str]:
    """The instructor chooses "add content" in the LMS: return their browser, the picker's
    address and page."""
    teacher = browser(app)
    response = launch(teacher, lms, TEACHER, message="deep_link")
    assert response.status_code == 303, response.text
    url = response.headers["location"]
    assert url.endswith("/pick")
    page = teacher.get(url)
    assert page.status_code == 200
    return teacher, url, page.text


def _pick(client: TestClient, url: str, page: str, choice: str, **form: str) -> Response:
    data = {"csrf_token": csrf_of(page), "choice": choice, "feedback_mode": "immediate", **form}
    return client.post(url, data=data)


def _returned(
    client: TestClient, response: Response, lms: FakePlatform
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Check the page that takes the choice back to the LMS; return the response JWT's header
    and claims, verified against the tool's published keys."""
    assert response.status_code == 200, response.text
    page = response.text
    action = re.search(r'<form method="post" action="([^"]+)" data-auto-submit>', page)
    assert action and html.unescape(action.group(1)) == lms.issuer + "/deep-link-return"
    token = re.search(r'<input type="hidden" name="JWT" value="([^"]+)">', page)
    assert token
    header = jwt.get_unverified_header(token.group(1))
    published = {k["kid"]: k for k in client.get("/lti/jwks.json").json()["keys"]}
    claims = jwt.decode(
        token.group(1),
        jwt.PyJWK(published[header["kid"]]).key,
        algorithms=["RS256"],
        audience=lms.issuer,
        issuer=lms.client_id,
    )
    return header, claims


def test_picker_shows_the_bundled_sets_and_the_teachers_own_assignments(
    app: FastAPI, platform: FakePlatform
) -> None:
    set_up_link(app, platform, title="Last term's check")
    _teacher, _url, page = _picker(app, platform)
    assert "Add Claim Check to Year 9 Biology" in page
    for qset in app.state.bank.sets.values():
        assert f'value="set:{qset.id}"' in page and str(escape(qset.title)) in page
    assert "Last term&#39;s check" in page


def test_picking_a_set_makes_an_assignment_and_returns_a_signed_resource_link_with_line_item(
    app: FastAPI, platform: FakePlatform
) -> None:
    teacher, url, page = _picker(app, platform)
    response = _pick(teacher, url, page, "set:micro-not-safe", title="", attempts_allowed="2")
    header, claims = _returned(teacher, response, platform)
    with app.state.sessions() as session:
        (assignment,) = session.scalars(select(Assignment)).all()
    qset = app.state.bank.sets["micro-not-safe"]
    assert (assignment.title, assignment.attempts_allowed) == (qset.title, 2)
    assert header["alg"] == "RS256" and header["kid"]
    assert claims[vocab.MESSAGE_TYPE] == "LtiDeepLinkingResponse"
    assert claims[vocab.VERSION] == "1.3.0"
    assert claims[vocab.DEPLOYMENT_ID] == platform.deployment_id
    assert claims[vocab.DL_DATA] == "lms-opaque-data-77"  # echoed as the LMS sent it
    assert claims["nonce"] and claims["exp"] > claims["iat"]
    (item,) = claims[ITEMS]
    assert item["type"] == "ltiResourceLink"
    assert item["title"] == qset.title
    assert item["url"] == "http://testserver/lti/launch"
    assert set(item["custom"]) == {"claim_check_link"}
    assert item["lineItem"]["scoreMaximum"] == assignment.question_count == 10
    assert item["lineItem"]["label"] == qset.title
    csp = response.headers["content-security-policy"]
    assert f"form-action 'self' {platform.issuer};" in csp
    assert '<script src="/static/lti.js" defer></script>' in response.text
    assert ">Add it to the course</button>" in response.text  # without JavaScript


def test_the_return_page_lets_the_browser_send_its_origin_to_the_lms(
    app: FastAPI, platform: FakePlatform
) -> None:
    teacher, url, page = _picker(app, platform)
    for response in (
        _pick(teacher, url, page, "set:evidence-gaps"),
        teacher.post(url + "/cancel", data={"csrf_token": csrf_of(page)}),
    ):
        _returned(teacher, response, platform)  # the auto-posting page, with its signed JWT
        # same-origin made the browser post `Origin: null`; another site gets only our origin
        assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
        assert response.headers["cache-control"] == "no-store"
    assert teacher.get(url).headers["referrer-policy"] == "same-origin"  # the picker keeps it


def test_the_page_posts_the_choice_to_the_lms(
    app: FastAPI, platform: FakePlatform, loopback_http: httpx2.Client
) -> None:
    teacher, url, page = _picker(app, platform)
    response = _pick(teacher, url, page, "set:evidence-gaps")
    token = re.search(r'name="JWT" value="([^"]+)"', response.text)
    assert token
    answer = loopback_http.post(platform.issuer + "/deep-link-return", data={"JWT": token.group(1)})
    assert "Content added to the course" in answer.text
    assert platform.deep_link_returns == [token.group(1)]


def test_the_deep_linked_activity_opens_the_new_assignment(
    app: FastAPI, platform: FakePlatform
) -> None:
    teacher, url, page = _picker(app, platform)
    _header, claims = _returned(
        teacher, _pick(teacher, url, page, "set:evidence-gaps", title="Law quiz"), platform
    )
    custom = claims[ITEMS][0]["custom"]
    student = browser(app)
    token = attempt_token(launch(student, platform, STUDENT, link_id="placed-1", custom=custom))
    dashboard = launch(teacher, platform, TEACHER, link_id="placed-1", custom=custom)
    assert dashboard.headers["location"].endswith("/dashboard")
    assert "<h1>Law quiz</h1>" in teacher.get(dashboard.headers["location"]).text
    with app.state.sessions() as session:
        assignment = session.scalars(select(Assignment)).one()
        link = session.scalars(
            select(LtiResourceLink).where(LtiResourceLink.resource_link_id == "placed-1")
        ).one()
        assert link.assignment_id == assignment.id
        assert link.lineitem_url == platform.lineitem_url("placed-1")
    assert token


def test_picking_an_own_assignment_adds_it_without_making_another(
    app: FastAPI, platform: FakePlatform
) -> None:
    assignment_id = set_up_link(app, platform, title="Shared check")
    teacher, url, page = _picker(app, platform)
    _header, claims = _returned(
        teacher, _pick(teacher, url, page, f"assignment:{assignment_id}"), platform
    )
    assert claims[ITEMS][0]["title"] == "Shared check"
    assert counts(app)["lti_users"] == 1
    with app.state.sessions() as session:
        assert len(session.scalars(select(Assignment)).all()) == 1


def test_another_teachers_assignment_cannot_be_picked(app: FastAPI, platform: FakePlatform) -> None:
    other, csrf, _ = teacher_client(app, "other@school.org")
    theirs = create_assignment(other, csrf, title="Not yours")
    teacher, url, page = _picker(app, platform)
    response = _pick(teacher, url, page, f"assignment:{theirs}")
    assert response.status_code == 404
    assert "JWT" not in response.text and "Not yours" not in response.text


def test_picker_without_a_choice_says_what_to_do(app: FastAPI, platform: FakePlatform) -> None:
    teacher, url, page = _picker(app, platform)
    response = teacher.post(url, data={"csrf_token": csrf_of(page)})
    assert response.status_code == 422
    assert "Choose one of the question sets or of your assignments." in response.text
    # No word "JWT" (a library's message); a random token in the page may hold the letters.
    assert re.search(r"\bJWT\b", response.text) is None


def test_picker_with_a_bad_setting_keeps_what_was_typed(
    app: FastAPI, platform: FakePlatform
) -> None:
    teacher, url, page = _picker(app, platform)
    response = _pick(
        teacher, url, page, "set:evidence-gaps", title="Kept title", attempts_allowed="0"
    )
    assert response.status_code == 422
    assert "attempts_allowed: enter a number from 1 to 10" in response.text
    assert 'value="Kept title"' in response.text
    with app.state.sessions() as session:
        assert session.scalars(select(Assignment)).all() == []


def test_picker_form_without_its_csrf_token_changes_nothing(
    app: FastAPI, platform: FakePlatform
) -> None:
    teacher, url, _page = _picker(app, platform)
    response = teacher.post(url, data={"choice": "set:evidence-gaps", "feedback_mode": "immediate"})
    assert response.status_code == 403
    with app.state.sessions() as session:
        assert session.scalars(select(Assignment)).all() == []


def test_cancel_goes_back_to_the_lms_with_nothing(app: FastAPI, platform: FakePlatform) -> None:
    teacher, url, page = _picker(app, platform)
    response = teacher.post(url + "/cancel", data={"csrf_token": csrf_of(page)})
    _header, claims = _returned(teacher, response, platform)
    assert claims[ITEMS] == []
    assert ">Back to the LMS</button>" in response.text


def test_a_learner_cannot_add_content(app: FastAPI, platform: FakePlatform) -> None:
    before = counts(app)
    response = launch(browser(app), platform, STUDENT, message="deep_link")
    assert response.status_code == 403
    assert "Only teachers can add Claim Check to a course" in html.unescape(response.text)
    after = counts(app)
    assert after["lti_sessions"] == before["lti_sessions"] and after["teachers"] == 0


def test_a_place_that_takes_no_links_is_told(app: FastAPI, platform: FakePlatform) -> None:
    settings = platform.claims_for(TEACHER, nonce="", message="deep_link")[vocab.DL_SETTINGS]
    claims = {vocab.DL_SETTINGS: {**settings, "accept_types": ["file", "html"]}}
    response = launch(browser(app), platform, TEACHER, message="deep_link", claims=claims)
    assert response.status_code == 400
    assert "does not accept “ltiResourceLink”" in html.unescape(response.text)


def test_a_hand_made_custom_parameter_links_nothing(app: FastAPI, platform: FakePlatform) -> None:
    set_up_link(app, platform)  # an assignment exists; a guessed parameter must not reach it
    custom = {"claim_check_link": "guessed-token"}
    student = launch(browser(app), platform, STUDENT, link_id="hand-made", custom=custom)
    assert student.status_code == 409
    teacher = launch(browser(app), platform, TEACHER, link_id="hand-made", custom=custom)
    assert teacher.headers["location"].endswith("/link")  # the instructor picks instead


def test_a_grant_from_another_lms_is_ignored(app: FastAPI, platform: FakePlatform) -> None:
    teacher, url, page = _picker(app, platform)
    _header, claims = _returned(teacher, _pick(teacher, url, page, "set:evidence-gaps"), platform)
    custom = claims[ITEMS][0]["custom"]
    other = FakePlatform(tool_jwks=platform.tool_jwks, client_id="other-client")
    other.start()
    try:
        with app.state.sessions() as session:
            platforms.register(session, other.registration())
        attempts_before = counts(app)["attempts"]
        response = launch(browser(app), other, STUDENT, custom=custom)
    finally:
        other.stop()
    assert response.status_code == 409  # not linked: the grant belongs to the first LMS
    assert "Your teacher has not chosen the questions for this activity yet" in response.text
    assert counts(app)["attempts"] == attempts_before  # the student started nothing


def test_deep_linking_pages_are_for_the_deep_linking_session_only(
    app: FastAPI, platform: FakePlatform
) -> None:
    teacher, url, _page = _picker(app, platform)
    token_path = url.removesuffix("/pick")
    assert teacher.get(token_path + "/dashboard").status_code == 403
    with app.state.sessions() as session:
        assert session.scalars(select(LtiSession.kind)).all() == ["deep_link"]


@pytest.mark.parametrize("kind", ["deep_link"])
def test_picker_is_framable_and_private(app: FastAPI, platform: FakePlatform, kind: str) -> None:
    teacher, url, _page = _picker(app, platform)
    response = teacher.get(url)
    assert response.headers["content-security-policy"].endswith("frame-ancestors *")
    assert response.headers["cache-control"] == "no-store"
    assert kind == "deep_link"
