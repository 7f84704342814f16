"""The answer form as the route reads it: a field too long is a 422 that names what to fix,
and an address that leads nowhere is a 404 whatever the form holds."""

import html

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from quiz_app import messages
from tests.support.factories import HTMX, answer_rows, question_ids, question_url, start_attempt

TOO_LONG = "x" * 65  # one over the form's 64 characters a field


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"answer": TOO_LONG}, messages.CHOOSE_A_VERDICT),
        ({"answer": "research", "reason": TOO_LONG}, "The field “reason” is not valid"),
        ({"answer": "research", "confidence": TOO_LONG}, "The field “confidence” is not valid"),
    ],
)
def test_submit_answer_with_a_field_too_long_is_422_naming_it_and_saves_nothing(
    app: FastAPI, client: TestClient, data: dict[str, str], message: str
) -> None:
    token = start_attempt(client)
    qid = question_ids(app, client, token)[0]
    response = client.post(question_url(client, token, qid), data=data, headers=HTMX)
    assert response.status_code == 422
    assert message in html.unescape(response.text)
    assert answer_rows(app, token) == []


@pytest.mark.parametrize("data", [{"answer": TOO_LONG}, {"answer": "research"}])
def test_submit_answer_to_a_quiz_that_does_not_exist_is_404(
    client: TestClient, data: dict[str, str]
) -> None:
    response = client.post("/a/no-such-token/q/1", data=data)
    assert response.status_code == 404
    assert "We could not find this quiz" in response.text


def test_submit_answer_to_a_position_past_the_end_is_404_before_the_form(
    app: FastAPI, client: TestClient
) -> None:
    token = start_attempt(client)
    total = len(question_ids(app, client, token))
    response = client.post(f"/a/{token}/q/{total + 1}", data={"answer": TOO_LONG})
    assert response.status_code == 404
    assert f"Your quiz has {total} questions" in response.text
    assert answer_rows(app, token) == []
