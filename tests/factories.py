"""Plain helpers that act as a student would, for the route tests."""

from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response

from quiz_app.bank import ClassifyQuestion

HTMX = {"HX-Request": "true"}


def start_attempt(client: TestClient, set_id: str = "full-check") -> str:
    """Start a quiz on a set and return the attempt's token."""
    response = client.post(f"/sets/{set_id}/attempts")
    assert response.status_code == 303, response.text
    return response.headers["location"].rsplit("/", 1)[-1]


def question_ids(app: FastAPI, client: TestClient, token: str) -> list[str]:
    """Return the attempt's questions in order, as stored."""
    from quiz_app import store

    with app.state.sessions() as session:
        attempt = store.get_attempt(session, token=token)
        assert attempt is not None
        return list(attempt.question_ids)


def question(app: FastAPI, question_id: str) -> ClassifyQuestion:
    q: ClassifyQuestion = app.state.bank.questions[question_id]
    return q


def wrong_verdict(q: ClassifyQuestion) -> str:
    return next(v for v in ("research", "hypothesis", "unsupported") if v != q.verdict)


def answer(
    client: TestClient, token: str, question_id: str, verdict: str, *, htmx: bool = False
) -> Response:
    return client.post(
        f"/a/{token}/q/{question_id}",
        data={"answer": verdict},
        headers=HTMX if htmx else {},
    )


def answer_rows(app: FastAPI, token: str) -> list[tuple[str, str, bool]]:
    """Return the stored answers of an attempt as (question id, answer, correct)."""
    from quiz_app import store

    with app.state.sessions() as session:
        attempt = store.get_attempt(session, token=token)
        assert attempt is not None
        rows = store.answers_by_question(session, attempt=attempt).values()
        return [(r.question_id, r.answer, r.correct) for r in rows]
