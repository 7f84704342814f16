"""quiz_app/completion.py: saving an answer or handing in only saves; the route that completed an
attempt tells completion.attempt_completed, which queues the LMS grade (its one listener today,
so these tests run with the LTI fixtures)."""

from fastapi import FastAPI

from quiz_app import completion, store
from tests.support.factories import answer, question
from tests.support.lti_platform import STUDENT, FakePlatform
from tests.support.lti_steps import (
    answer_all,
    attempt_token,
    browser,
    grade_rows,
    launch,
    launch_to_hand_in,
    set_up_link,
)


def _attempt_ids(app: FastAPI, token: str) -> list[str]:
    with app.state.sessions() as session:
        attempt = store.attempts.get_attempt(session, token=token)
        assert attempt is not None
        return list(attempt.question_ids)


def test_saving_the_last_answer_through_the_route_queues_exactly_one_grade(
    app: FastAPI, platform: FakePlatform
) -> None:
    set_up_link(app, platform)
    client = browser(app)
    token = attempt_token(launch(client, platform, STUDENT))
    answer_all(client, app, token)
    last = _attempt_ids(app, token)[-1]
    answer(client, token, last, question(app, last).verdict)  # a double click on the last one
    (grade,) = grade_rows(app)
    assert grade.status == "pending"


def test_saving_every_answer_in_the_store_queues_no_grade_until_completion_is_told(
    app: FastAPI, platform: FakePlatform
) -> None:
    set_up_link(app, platform)
    token = attempt_token(launch(browser(app), platform, STUDENT))
    with app.state.sessions() as session:
        attempt = store.attempts.get_attempt(session, token=token)
        assert attempt is not None
        for qid in attempt.question_ids:
            truth = question(app, qid).verdict
            store.attempts.save_answer(
                session, attempt=attempt, question_id=qid, answer=truth, correct=True
            )
        assert store.attempts.is_complete(session, attempt=attempt)
        assert grade_rows(app) == []
        completion.attempt_completed(session, attempt=attempt)
    (grade,) = grade_rows(app)
    assert grade.payload["scoreGiven"] == grade.payload["scoreMaximum"]


def test_handing_in_queues_one_grade_through_the_route_and_none_in_the_store(
    app: FastAPI, platform: FakePlatform
) -> None:
    client, token = launch_to_hand_in(app, platform, STUDENT, answered=1)
    with app.state.sessions() as session:
        attempt = store.attempts.get_attempt(session, token=token)
        assert attempt is not None
        assert store.assignments.submit_attempt(session, attempt=attempt) is True
        assert store.assignments.submit_attempt(session, attempt=attempt) is False  # only once
    assert grade_rows(app) == []
    assert client.post(f"/a/{token}/submit").status_code == 303  # already handed in: no news
    assert grade_rows(app) == []


def test_handing_in_early_through_the_route_queues_exactly_one_grade(
    app: FastAPI, platform: FakePlatform
) -> None:
    client, token = launch_to_hand_in(app, platform, STUDENT, answered=1)
    assert grade_rows(app) == []
    assert client.post(f"/a/{token}/submit").status_code == 303
    assert client.post(f"/a/{token}/submit").status_code == 303  # pressed twice
    (grade,) = grade_rows(app)
    assert (grade.payload["scoreGiven"], grade.payload["scoreMaximum"]) == (1, 10)
