"""Plain helpers that act as a student would, for the route tests."""

from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response

from quiz_app.bank.items import ClassifyQuestion

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
        attempt = store.attempts.get_attempt(session, token=token)
        assert attempt is not None
        return list(attempt.question_ids)


def question(app: FastAPI, question_id: str) -> ClassifyQuestion:
    q: ClassifyQuestion = app.state.bank.questions[question_id]
    return q


def wrong_verdict(q: ClassifyQuestion) -> str:
    return next(v for v in ("research", "hypothesis", "unsupported") if v != q.verdict)


def right_reason(q: ClassifyQuestion) -> str:
    """Return the concept id among the question's reason options that is the right reason."""
    return next(iter(q.right_reasons))


def wrong_reason(q: ClassifyQuestion) -> str:
    return next(r for r in q.reason_options if r not in q.right_reasons)


RIGHT_REASON = "(the question's right reason)"  # answer()'s default: a valid, right reason


def answer(
    client: TestClient,
    token: str,
    question_id: str,
    verdict: str,
    *,
    reason: str | None = RIGHT_REASON,
    confidence: str | None = None,
    htmx: bool = False,
) -> Response:
    """Post an answer form: a verdict (or option id) with, for a classify question, its right
    reason unless `reason` says otherwise (None sends no reason), and a confidence if given."""
    data = {"answer": verdict}
    if reason == RIGHT_REASON:
        reason = _right_reason_of(client, question_id)
    if reason is not None:
        data["reason"] = reason
    if confidence is not None:
        data["confidence"] = confidence
    return client.post(f"/a/{token}/q/{question_id}", data=data, headers=HTMX if htmx else {})


def _right_reason_of(client: TestClient, question_id: str) -> str | None:
    """Return the right reason of a classify question (bundled or a teacher's), else None."""
    from quiz_app.bank import lookup

    app: FastAPI = client.app  # type: ignore[assignment]
    with app.state.sessions() as session:
        q = lookup.resolve(session, app.state.bank, question_id)
    return right_reason(q) if isinstance(q, ClassifyQuestion) else None


def answer_as_student(
    app: FastAPI,
    client: TestClient,
    token: str,
    question_id: str,
    *,
    right: bool = True,
    reason_right: bool = True,
    confidence: str | None = None,
    htmx: bool = False,
) -> Response:
    """Answer a question of any kind rightly or wrongly, as a student would with the form."""
    q = app.state.bank.questions[question_id]
    if isinstance(q, ClassifyQuestion):
        verdict = q.verdict if right else wrong_verdict(q)
        reason = right_reason(q) if reason_right else wrong_reason(q)
        return answer(
            client, token, question_id, verdict, reason=reason, confidence=confidence, htmx=htmx
        )
    option = next(o.id for o in q.options if o.correct == right)
    return answer(client, token, question_id, option, confidence=confidence, htmx=htmx)


def answer_rows(app: FastAPI, token: str) -> list[tuple[str, str, bool]]:
    """Return the stored answers of an attempt as (question id, answer, correct)."""
    from quiz_app import store

    with app.state.sessions() as session:
        attempt = store.attempts.get_attempt(session, token=token)
        assert attempt is not None
        rows = store.attempts.answers_by_question(session, attempt=attempt).values()
        return [(r.question_id, r.answer, r.correct) for r in rows]


def answer_details(
    app: FastAPI, token: str
) -> list[tuple[str, str | None, bool | None, str | None]]:
    """Return the stored (question id, reason, reason right, confidence) of an attempt."""
    from quiz_app import store

    with app.state.sessions() as session:
        attempt = store.attempts.get_attempt(session, token=token)
        assert attempt is not None
        rows = store.attempts.answers_by_question(session, attempt=attempt).values()
        return [(r.question_id, r.reason, r.reason_correct, r.confidence) for r in rows]
