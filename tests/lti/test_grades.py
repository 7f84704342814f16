"""Point 4: grades back to the LMS (AGS). A completed attempt's score is queued once and posted
to its line item with a client-credentials token (cached); when the LMS fails, the grade waits
in the database and is retried with back-off; it is never lost and never sent twice."""

import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import httpx2
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import delete, select, update

from quiz_app.cli import main
from quiz_app.config import Settings
from quiz_app.lti import ags, grades
from quiz_app.lti.tables import LtiAccessToken, LtiGrade
from quiz_app.main import create_app
from quiz_app.models import Answer, Attempt, utcnow
from tests.lti.conftest import HTTP_TIMEOUT, tool_jwks
from tests.support.factories import answer, question, start_attempt
from tests.support.lti_platform import OTHER_STUDENT, STUDENT, FakePlatform, LmsUser
from tests.support.lti_steps import (
    answer_all,
    attempt_token,
    browser,
    grade_rows,
    launch,
    launch_to_hand_in,
    set_up_link,
)
from tests.support.teacher_factories import get_assignment, join_token

THIRD_STUDENT = LmsUser("student-44", "Lea Park", STUDENT.roles)


def _finish(app: FastAPI, lms: FakePlatform, user: LmsUser = STUDENT, right: int = 3) -> str:
    """The student opens the activity and answers every question, `right` of them rightly."""
    client = browser(app)
    token = attempt_token(launch(client, lms, user))
    answer_all(client, app, token, right=right)
    return token


def _send(app: FastAPI, now: datetime | None = None) -> dict[str, int]:
    return dict(ags.send_due(app.state.sessions, app.state.lti_http, now=now))


def _grade(app: FastAPI) -> LtiGrade:
    (grade,) = grade_rows(app)
    return grade


def test_finishing_an_attempt_queues_one_grade_with_its_score(
    app: FastAPI, platform: FakePlatform
) -> None:
    set_up_link(app, platform)
    client = browser(app)
    token = attempt_token(launch(client, platform, STUDENT))
    with app.state.sessions() as session:
        ids = session.scalars(select(Attempt.question_ids).where(Attempt.token == token)).one()
    for qid in ids[:-1]:
        answer(client, token, qid, question(app, qid).verdict)
    assert grade_rows(app) == []  # not finished yet
    answer(
        client,
        token,
        ids[-1],
        "research" if question(app, ids[-1]).verdict != "research" else "hypothesis",
    )
    grade = _grade(app)
    with app.state.sessions() as session:
        last = session.scalars(select(Answer.created_at).order_by(Answer.id.desc())).first()
    assert grade.status == "pending" and grade.tries == 0
    assert grade.payload == {
        "userId": STUDENT.sub,
        "scoreGiven": 9,
        "scoreMaximum": 10,
        "activityProgress": "Completed",
        "gradingProgress": "FullyGraded",
        "timestamp": grade.payload["timestamp"],
        "comment": "9 of 10 claims judged right in Claim Check.",
    }
    stamp = datetime.fromisoformat(grade.payload["timestamp"])
    assert last is not None and abs(stamp.timestamp() - last.timestamp()) < 0.01


def test_the_grade_is_posted_to_the_line_items_scores_with_a_bearer_token(
    app: FastAPI, platform: FakePlatform
) -> None:
    set_up_link(app, platform)
    _finish(app, platform, right=7)
    assert _send(app) == {"sent": 1}
    (score,) = platform.scores
    assert score.lineitem == platform.lineitem_url("link-1")
    assert score.payload["userId"] == STUDENT.sub
    assert (score.payload["scoreGiven"], score.payload["scoreMaximum"]) == (7, 10)
    assert score.payload["activityProgress"] == "Completed"
    assert score.payload["gradingProgress"] == "FullyGraded"
    grade = _grade(app)
    assert grade.status == "sent" and grade.tries == 1 and grade.sent_at is not None
    assert platform.token_requests == 1
    assert _send(app, utcnow() + timedelta(days=1)) == {}  # nothing is ever sent again
    assert len(platform.scores) == 1


def test_attempts_not_from_the_lms_queue_no_grade(app: FastAPI, platform: FakePlatform) -> None:
    assignment_id = set_up_link(app, platform)
    public = TestClient(app, follow_redirects=False)
    token = start_attempt(public, "micro-not-safe")
    answer_all(public, app, token)
    joined = browser(app)
    code_token = join_token(joined, get_assignment(app, assignment_id).join_code, "Kim")
    answer_all(joined, app, code_token)
    with app.state.sessions() as session:
        assert grades.queue_missing(session) == 0
    assert grade_rows(app) == []


def test_handing_in_early_queues_the_grade_with_unanswered_questions_counted_as_wrong(
    app: FastAPI, platform: FakePlatform
) -> None:
    client, token = launch_to_hand_in(app, platform, STUDENT, answered=2)
    assert grade_rows(app) == []
    assert client.post(f"/a/{token}/submit").status_code == 303
    assert (_grade(app).payload["scoreGiven"], _grade(app).payload["scoreMaximum"]) == (2, 10)


def test_the_access_token_is_cached_until_it_nearly_expires(
    app: FastAPI, platform: FakePlatform
) -> None:
    set_up_link(app, platform)
    _finish(app, platform, STUDENT)
    _finish(app, platform, OTHER_STUDENT)
    assert _send(app) == {"sent": 2}
    assert platform.token_requests == 1
    with app.state.sessions() as session:  # shared by every process: it is in the database
        (cached,) = session.scalars(select(LtiAccessToken)).all()
        assert cached.expires_at - utcnow() > timedelta(minutes=59)
        session.execute(update(LtiAccessToken).values(expires_at=utcnow() + timedelta(seconds=30)))
        session.commit()
    _finish(app, platform, THIRD_STUDENT)
    assert _send(app) == {"sent": 1}
    assert platform.token_requests == 2  # renewed before it ran out


def test_an_lms_server_error_keeps_the_grade_pending_and_it_is_sent_after_the_back_off(
    app: FastAPI, platform: FakePlatform
) -> None:
    set_up_link(app, platform)
    _finish(app, platform)
    platform.score_statuses = [503]
    before = utcnow()
    assert _send(app) == {"pending": 1}
    grade = _grade(app)
    assert grade.status == "pending" and grade.tries == 1
    assert "The LMS did not accept the score: 503 Service Unavailable" in grade.last_error
    wait = grade.next_attempt_at - before
    assert timedelta(seconds=29) < wait < timedelta(seconds=32)
    assert _send(app) == {}  # not due yet
    assert _send(app, utcnow() + timedelta(seconds=31)) == {"sent": 1}
    assert _grade(app).status == "sent" and _grade(app).last_error == ""
    assert len(platform.scores) == 1


def test_back_off_doubles_up_to_six_hours() -> None:
    waits = [ags.retry_delay(n).total_seconds() for n in (1, 2, 3, 4, 10, 50)]
    assert waits == [30, 60, 120, 240, 15360, 21600]


def test_an_lms_that_keeps_failing_is_tried_less_and_less_often_and_the_grade_kept(
    app: FastAPI, platform: FakePlatform
) -> None:
    set_up_link(app, platform)
    _finish(app, platform)
    platform.score_status = 500
    now = utcnow()
    waits = []
    for _ in range(4):
        assert _send(app, now) == {"pending": 1}
        grade = _grade(app)
        waits.append(round((grade.next_attempt_at - now).total_seconds()))
        now = grade.next_attempt_at
    assert waits == [30, 60, 120, 240]
    assert _grade(app).tries == 4 and "500 Internal Server Error" in _grade(app).last_error
    platform.score_status = None
    assert _send(app, now) == {"sent": 1}


def test_a_slow_lms_times_out_and_the_grade_is_sent_on_a_later_try(
    app: FastAPI, platform: FakePlatform
) -> None:
    set_up_link(app, platform)
    _finish(app, platform, OTHER_STUDENT)
    assert _send(app) == {"sent": 1}  # the access token is cached from here on
    _finish(app, platform, STUDENT)
    platform.slow_seconds = HTTP_TIMEOUT + 0.5  # longer than the app waits
    assert _send(app) == {"pending": 1}
    pending = [g for g in grade_rows(app) if g.status == "pending"]
    assert "The LMS did not answer in time (score" in pending[0].last_error
    platform.slow_seconds = 0
    assert _send(app, utcnow() + timedelta(seconds=31)) == {"sent": 1}
    # The slow LMS did take the first post, after the app had stopped waiting for its answer:
    # the one case where a score arrives twice. The repeat is the same score with the same
    # timestamp, so the gradebook is unchanged.
    deadline = time.monotonic() + 5
    while len(platform.scores) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    sam = [s.payload for s in platform.scores if s.payload["userId"] == STUDENT.sub]
    assert len(sam) == 2 and sam[0] == sam[1]


def test_an_lms_that_is_down_gets_the_grade_when_it_is_back(
    app: FastAPI, platform: FakePlatform
) -> None:
    set_up_link(app, platform)
    _finish(app, platform)
    platform.stop()
    assert _send(app) == {"pending": 1}
    assert "The LMS could not be reached (access token" in _grade(app).last_error
    platform.start()  # back, on the same address
    assert _send(app, utcnow() + timedelta(seconds=31)) == {"sent": 1}
    assert len(platform.scores) == 1


def test_a_pending_grade_survives_a_restart_of_the_app(
    app: FastAPI, platform: FakePlatform, settings: Settings
) -> None:
    set_up_link(app, platform)
    _finish(app, platform)
    platform.score_statuses = [502]
    assert _send(app) == {"pending": 1}
    restarted = create_app(settings)
    try:
        outcome = ags.send_due(
            restarted.state.sessions, app.state.lti_http, now=utcnow() + timedelta(minutes=1)
        )
    finally:
        restarted.state.engine.dispose()
    assert dict(outcome) == {"sent": 1}
    assert len(platform.scores) == 1


def test_an_lms_refusing_the_data_marks_the_grade_failed_and_it_is_not_retried(
    app: FastAPI, platform: FakePlatform
) -> None:
    set_up_link(app, platform)
    _finish(app, platform)
    platform.score_statuses = [400]
    assert _send(app) == {"failed": 1}
    grade = _grade(app)
    assert grade.status == "failed"
    assert "The LMS did not accept the score: 400 Bad Request: reason: forced 400" in (
        grade.last_error
    )
    assert _send(app, utcnow() + timedelta(days=2)) == {}
    assert platform.score_requests == 1


def test_a_revoked_token_is_renewed_once_and_the_grade_sent(
    app: FastAPI, platform: FakePlatform
) -> None:
    set_up_link(app, platform)
    _finish(app, platform, OTHER_STUDENT)
    assert _send(app) == {"sent": 1}
    platform.revoke_tokens()  # the cached token is now refused as expired
    _finish(app, platform, STUDENT)
    assert _send(app) == {"sent": 1}
    assert platform.token_requests == 2
    assert [s.payload["userId"] for s in platform.scores] == [OTHER_STUDENT.sub, STUDENT.sub]


def test_a_refused_access_token_keeps_the_grade_pending_with_the_reason(
    app: FastAPI, platform: FakePlatform
) -> None:
    set_up_link(app, platform)
    _finish(app, platform)
    platform.token_statuses = [401]
    assert _send(app) == {"pending": 1}
    assert "The LMS refused an access token (401 Unauthorized" in _grade(app).last_error
    assert "public key URL" in _grade(app).last_error
    assert _send(app, utcnow() + timedelta(seconds=31)) == {"sent": 1}


def test_a_link_without_a_grade_column_marks_the_grade_failed_with_what_to_do(
    app: FastAPI, platform: FakePlatform
) -> None:
    set_up_link(app, platform, grades=False)
    client = browser(app)
    token = attempt_token(launch(client, platform, STUDENT, grades=False))
    answer_all(client, app, token)
    assert _send(app) == {"failed": 1}
    assert "The LMS gave no grade column (line item) for this link" in _grade(app).last_error
    assert platform.score_requests == 0


def test_two_senders_at_once_post_each_grade_once(
    app: FastAPI, platform: FakePlatform, loopback_http: httpx2.Client
) -> None:
    set_up_link(app, platform)
    for user in (STUDENT, OTHER_STUDENT, THIRD_STUDENT):
        _finish(app, platform, user)
    platform.slow_seconds = 0.2  # so that the senders overlap
    # Six slow answers in a row can pass the usual 1 s timeout on a loaded machine; this test is
    # about senders overlapping, not about timeouts (those have tests of their own).
    loopback_http.timeout = httpx2.Timeout(10.0)
    results: list[dict[str, int]] = []
    senders = [threading.Thread(target=lambda: results.append(_send(app))) for _ in range(3)]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join()
    assert sum(r.get("sent", 0) for r in results) == 3
    assert sorted(s.payload["userId"] for s in platform.scores) == sorted(
        [STUDENT.sub, OTHER_STUDENT.sub, THIRD_STUDENT.sub]
    )
    assert {g.status for g in grade_rows(app)} == {"sent"}


def test_a_grade_is_queued_once_however_often_completion_is_seen(
    app: FastAPI, platform: FakePlatform
) -> None:
    set_up_link(app, platform)
    token = _finish(app, platform)
    with app.state.sessions() as session:
        attempt = session.scalars(select(Attempt).where(Attempt.token == token)).one()
        first = grades.queue_if_complete(session, attempt=attempt)
        again = grades.queue_if_complete(session, attempt=attempt)
        assert grades.queue_missing(session) == 0
    assert first is not None and again is not None and first.id == again.id
    assert len(grade_rows(app)) == 1


def test_a_grade_left_by_a_sender_that_stopped_mid_send_is_sent_later(
    app: FastAPI, platform: FakePlatform
) -> None:
    set_up_link(app, platform)
    _finish(app, platform)
    with app.state.sessions() as session:  # a sender claimed it, then its process died
        session.execute(
            update(LtiGrade).values(status="sending", claim="dead", claimed_at=utcnow())
        )
        session.commit()
    assert _send(app) == {}  # a recent claim is left to its sender
    assert _send(app, utcnow() + ags.CLAIM_TIMEOUT + timedelta(seconds=1)) == {"sent": 1}
    assert len(platform.scores) == 1


def test_the_sweep_queues_a_completed_attempt_whose_grade_was_missed(
    app: FastAPI, platform: FakePlatform
) -> None:
    set_up_link(app, platform)
    _finish(app, platform)
    with app.state.sessions() as session:  # as if the request had stopped before queuing
        session.execute(delete(LtiGrade))
        session.commit()
        assert grades.queue_missing(session) == 1
    assert _send(app) == {"sent": 1}


def test_the_sweep_finds_a_missed_grade_among_many_unfinished_attempts(
    app: FastAPI, platform: FakePlatform
) -> None:
    set_up_link(app, platform)
    _finish(app, platform, STUDENT)
    with app.state.sessions() as session:
        session.execute(delete(LtiGrade))
        session.commit()
    for user in (OTHER_STUDENT, THIRD_STUDENT):  # newer attempts, not finished
        launch(browser(app), platform, user)
    with app.state.sessions() as session:
        assert grades.queue_missing(session, limit=1) == 1
    assert [g.payload["userId"] for g in grade_rows(app)] == [STUDENT.sub]


def test_the_app_sends_grades_in_the_background(
    platform: FakePlatform, settings: Settings, app: FastAPI
) -> None:
    set_up_link(app, platform)
    _finish(app, platform)
    background = create_app(settings.model_copy(update={"lti_grade_poll_seconds": 0.1}))
    background.state.lti_http = app.state.lti_http
    try:
        with TestClient(background):
            deadline = time.monotonic() + 10
            while not platform.scores and time.monotonic() < deadline:
                time.sleep(0.05)
    finally:
        background.state.engine.dispose()
    assert [s.payload["userId"] for s in platform.scores] == [STUDENT.sub]
    assert _grade(app).status == "sent"


def test_send_grades_command_sends_what_is_due(
    app: FastAPI,
    platform: FakePlatform,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    set_up_link(app, platform)
    _finish(app, platform, STUDENT)
    _finish(app, platform, OTHER_STUDENT)
    platform.score_statuses = [500]
    monkeypatch.setenv("QUIZ_DATABASE_URL", database_url)
    monkeypatch.setenv("QUIZ_DATA_DIR", str(tmp_path))
    assert main(["lti", "send-grades"]) == 0
    assert "sent 1, 1 to retry later, 0 refused by the LMS" in capsys.readouterr().out
    assert len(platform.scores) == 1
    assert tool_jwks(app)["keys"]
