"""Plain helpers that act as a student would, for the route tests."""

from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response

from quiz_app.bank.items import ClassifyQuestion
from quiz_app.learning.presentation import Presentation

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


def question_url(client: TestClient, token: str, question_id: str) -> str:
    """Return the student's address of a question: its position in the attempt (a question
    not in it keeps its id, which the app answers with a 404)."""
    app: FastAPI = client.app  # type: ignore[assignment]
    ids = question_ids(app, client, token)
    return f"/a/{token}/q/{ids.index(question_id) + 1 if question_id in ids else question_id}"


def presentation_of(client: TestClient, token: str, question_id: str) -> Presentation:
    """Return the question as this attempt shows it: choices in order, with values and letters."""
    from quiz_app import store
    from quiz_app.bank import lookup
    from quiz_app.learning import presentation

    app: FastAPI = client.app  # type: ignore[assignment]
    with app.state.sessions() as session:
        attempt = store.attempts.get_attempt(session, token=token)
        assert attempt is not None
        q = lookup.resolve(session, app.state.bank, question_id)
        assert q is not None
        return presentation.present(q, seed=attempt.seed, concepts=app.state.bank.concepts)


def form_values(
    client: TestClient, token: str, question_id: str, answer: str, reason: str | None = None
) -> dict[str, str]:
    """Return the form a student sends for an answer given by ids (verdict or option id, and
    concept id): the opaque values this attempt's page carries for them."""
    from quiz_app.bank import lookup

    app: FastAPI = client.app  # type: ignore[assignment]
    with app.state.sessions() as session:
        q = lookup.resolve(session, app.state.bank, question_id)
    if q is None:
        return {"answer": answer, **({"reason": reason} if reason is not None else {})}
    shown = presentation_of(client, token, question_id)
    by_id = {c.id: c.value for c in [*shown.options, *shown.reasons]}
    data = {"answer": answer if isinstance(q, ClassifyQuestion) else by_id.get(answer, answer)}
    if reason is not None:
        data["reason"] = by_id.get(reason, reason)
    return data


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
    """Post an answer form to the question's address: a verdict (or option id) with, for a
    classify question, its right reason unless `reason` says otherwise (None sends no reason),
    and a confidence if given. Ids are sent as the page's opaque values; a value that is not
    one of the question's choices is sent as given."""
    if reason == RIGHT_REASON:
        reason = _right_reason_of(client, question_id)
    data = form_values(client, token, question_id, verdict, reason)
    if confidence is not None:
        data["confidence"] = confidence
    url = question_url(client, token, question_id)
    return client.post(url, data=data, headers=HTMX if htmx else {})


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
