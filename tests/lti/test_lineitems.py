"""Issue 13, points 8, 10 and 6: a link the LMS gave no gradebook column still gets its grades
(its line item found in, or made in, the line-item container); grade errors say what happened
in plain words; a stale access token is dropped; the token goes only to the LMS's own hosts."""

from datetime import timedelta

from fastapi import FastAPI
from sqlalchemy import select, update

from quiz_app.lti import ags, platforms, vocab
from quiz_app.lti.tables import LtiAccessToken, LtiGrade, LtiResourceLink
from quiz_app.models import utcnow
from tests.support.lti_platform import OTHER_STUDENT, STUDENT, FakePlatform, LmsUser
from tests.support.lti_steps import (
    answer_all,
    attempt_token,
    browser,
    grade_rows,
    launch,
    set_up_link,
)

BOTH_SCOPES = [vocab.SCORE_SCOPE, vocab.LINEITEM_SCOPE]


def _finish(app: FastAPI, lms: FakePlatform, user: LmsUser = STUDENT) -> None:
    client = browser(app)
    answer_all(client, app, attempt_token(launch(client, lms, user)), right=6)


def _send(app: FastAPI, minutes: float = 0) -> dict[str, int]:
    now = utcnow() + timedelta(minutes=minutes)
    return dict(ags.send_due(app.state.sessions, app.state.lti_http, now=now))


def _grade(app: FastAPI) -> LtiGrade:
    (grade,) = grade_rows(app)
    return grade


def _only_container(lms: FakePlatform, scopes: list[str]) -> None:
    """The LMS's links carry the line-item container but no line item (made by hand)."""
    lms.ags_claim = {"scope": scopes, "lineitems": lms.issuer + "/lineitems"}


def _link_lineitem(app: FastAPI) -> str:
    with app.state.sessions() as session:
        return session.scalars(select(LtiResourceLink.lineitem_url)).one()


def test_a_link_without_a_line_item_finds_its_own_in_the_container_and_gets_the_grade(
    app: FastAPI, platform: FakePlatform
) -> None:
    _only_container(platform, BOTH_SCOPES)
    ours = platform.issuer + "/lineitems/column-7/lineitem"
    platform.lineitems = {
        item["id"]: item
        for item in (
            {"id": platform.issuer + "/lineitems/column-6/lineitem", "resourceLinkId": "link-0"},
            {"id": ours, "resourceLinkId": "link-1", "label": "Quiz", "scoreMaximum": 10},
        )
    }
    set_up_link(app, platform)
    _finish(app, platform)
    assert _send(app) == {"sent": 1}
    (score,) = platform.scores
    assert score.lineitem == ours and score.payload["scoreGiven"] == 6
    assert platform.lineitem_requests == ["GET ?resource_link_id=link-1"]
    assert _link_lineitem(app) == ours  # kept: the next grade goes straight there
    _finish(app, platform, OTHER_STUDENT)
    assert _send(app) == {"sent": 1}
    assert len(platform.lineitem_requests) == 1 and platform.scores[1].lineitem == ours


def test_a_link_without_a_line_item_makes_one_titled_as_the_activity_when_none_is_there(
    app: FastAPI, platform: FakePlatform
) -> None:
    _only_container(platform, BOTH_SCOPES)
    set_up_link(app, platform)
    _finish(app, platform)
    assert _send(app) == {"sent": 1}
    assert platform.lineitem_requests == ["GET ?resource_link_id=link-1", "POST"]
    ((made_id, made),) = platform.lineitems.items()
    assert made["label"] == "Claim Check quiz"  # the activity's title in the LMS
    assert (made["scoreMaximum"], made["resourceLinkId"], made["tag"]) == (
        10,
        "link-1",
        "claim-check",
    )
    assert platform.scores[0].lineitem == made_id == _link_lineitem(app)


def test_a_link_without_a_line_item_or_the_line_item_scope_fails_saying_what_to_do(
    app: FastAPI, platform: FakePlatform
) -> None:
    _only_container(platform, [vocab.SCORE_SCOPE])
    set_up_link(app, platform)
    _finish(app, platform)
    assert _send(app) == {"failed": 1}
    error = _grade(app).last_error
    assert "did not allow Claim Check to make one (the AGS line-item scope)" in error
    assert "press Resend" in error
    assert platform.lineitem_requests == [] and platform.token_requests == 0


def test_an_outage_of_the_token_endpoint_says_the_lms_was_unavailable_and_is_retried(
    app: FastAPI, platform: FakePlatform
) -> None:
    set_up_link(app, platform)
    _finish(app, platform)
    platform.token_statuses = [503]
    assert _send(app) == {"pending": 1}
    error = _grade(app).last_error
    assert "The LMS was unavailable when Claim Check asked it for an access token" in error
    assert "503 Service Unavailable" in error and "will try again" in error
    assert "public key URL" not in error  # no advice to change a registration that is right
    assert _send(app, minutes=1) == {"sent": 1}


def test_an_lms_error_page_in_html_is_shown_as_a_status_line_only(
    app: FastAPI, platform: FakePlatform
) -> None:
    set_up_link(app, platform)
    _finish(app, platform)
    platform.forced_html = True
    platform.token_statuses = [500]
    assert _send(app) == {"pending": 1}
    error = _grade(app).last_error
    assert error == (
        "The LMS was unavailable when Claim Check asked it for an access token "
        "(500 Internal Server Error). Claim Check will try again."
    )
    platform.score_statuses = [502]
    assert _send(app, minutes=1) == {"pending": 1}
    error = _grade(app).last_error
    assert error == "The LMS did not accept the score: 502 Bad Gateway. Claim Check will try again."


def test_a_token_whose_score_posts_keep_failing_is_dropped_and_a_new_one_fetched(
    app: FastAPI, platform: FakePlatform
) -> None:
    set_up_link(app, platform)
    _finish(app, platform)
    platform.score_status = 503
    assert _send(app) == {"pending": 1}
    assert _send(app, minutes=1) == {"pending": 1}
    assert platform.token_requests == 1  # the same token, failed twice in a row
    with app.state.sessions() as session:
        assert session.scalars(select(LtiAccessToken)).all() == []  # dropped
    platform.score_status = None
    assert _send(app, minutes=3) == {"sent": 1}
    assert platform.token_requests == 2


def test_a_stored_line_item_on_a_foreign_host_never_gets_the_token(
    app: FastAPI, platform: FakePlatform
) -> None:
    set_up_link(app, platform)
    _finish(app, platform)
    with app.state.sessions() as session:  # stored before the launch check existed
        foreign = "https://grades.attacker.example/lineitems/1/lineitem"
        session.execute(update(LtiResourceLink).values(lineitem_url=foreign))
        session.commit()
    assert _send(app) == {"failed": 1}  # the loopback-only client would fail the test otherwise
    error = _grade(app).last_error
    assert "“grades.attacker.example” is not one registered for it" in error
    assert platform.score_requests == 0


def test_a_grade_service_on_a_host_the_admin_added_gets_the_grade(
    app: FastAPI, platform: FakePlatform
) -> None:
    other = FakePlatform(tool_jwks=platform.tool_jwks)  # the school's own grade host
    other.start()
    try:
        with app.state.sessions() as session:
            registered = platform.registration(service_hosts=[f"HTTP://127.0.0.1:{other.port}/"])
            assert platforms.register(session, registered)[0].service_hosts == [
                f"127.0.0.1:{other.port}"
            ]
        platform.ags_claim = {
            "scope": [vocab.SCORE_SCOPE],
            "lineitem": other.lineitem_url("link-1"),
        }
        set_up_link(app, platform)
        _finish(app, platform)
        other._tokens, other._scopes = platform._tokens, platform._scopes  # the LMS's tokens
        assert _send(app) == {"sent": 1}
        assert len(other.scores) == 1 and platform.token_requests == 1
    finally:
        other.stop()


def test_a_service_host_that_is_not_a_host_is_refused_at_registration(
    platform: FakePlatform,
) -> None:
    problems = platform.registration(service_hosts=["not a host", "lms.school.example"]).problems()
    assert problems == ["--service-host: “not a host” is not a host name (like lms.school.example)"]
