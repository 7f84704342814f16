"""Plain helpers for getting back into an attempt at an assignment: the attempt a token names,
its resume code, and a teacher's form on a student's page (route and browser tests)."""

from datetime import timedelta

from fastapi import FastAPI
from sqlalchemy import update

from quiz_app import store
from quiz_app.classroom.assignments import format_code
from quiz_app.models import Attempt


def attempt_of(app: FastAPI, token: str) -> Attempt:
    with app.state.sessions() as session:
        found = store.attempts.get_attempt(session, token=token)
        assert found is not None, token
        return found


def resume_code_of(app: FastAPI, token: str) -> str:
    """Return the attempt's resume code as its pages show it (ABC-DEF)."""
    code = attempt_of(app, token).resume_code
    assert code, f"the attempt {token} has no resume code"
    return format_code(code)


def started_ago(app: FastAPI, token: str, hours: float) -> None:
    """Move the attempt's start `hours` into the past, as if the time had gone by."""
    when = attempt_of(app, token).created_at - timedelta(hours=hours)
    with app.state.sessions() as session:
        session.execute(update(Attempt).where(Attempt.token == token).values(created_at=when))
        session.commit()


def mark_submitted(app: FastAPI, token: str) -> None:
    """Hand the attempt in, as "Submit my answers" does: it is finished."""
    with app.state.sessions() as session:
        attempt = store.attempts.get_attempt(session, token=token)
        assert attempt is not None
        store.assignments.submit_attempt(session, attempt=attempt)
