"""Every database query of the app, as keyword-only functions over a session."""

import secrets

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from quiz_app.lti import grades
from quiz_app.models import Answer, Attempt

TOKEN_BYTES = 18  # 144 random bits: an attempt's token is its only key, so it must be unguessable


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def create_attempt(
    session: Session,
    *,
    set_id: str,
    question_ids: list[str],
    seed: int,
    retry_of: Attempt | None = None,
) -> Attempt:
    """Store and return a new attempt with a fresh token."""
    attempt = Attempt(
        token=new_token(),
        set_id=set_id,
        seed=seed,
        question_ids=list(question_ids),
        retry_of_id=retry_of.id if retry_of else None,
    )
    session.add(attempt)
    session.commit()
    return attempt


def get_attempt(session: Session, *, token: str) -> Attempt | None:
    return session.scalar(select(Attempt).where(Attempt.token == token))


def answers_by_question(session: Session, *, attempt: Attempt) -> dict[str, Answer]:
    """Return the attempt's saved answers keyed by question id."""
    rows = session.scalars(
        select(Answer).where(Answer.attempt_id == attempt.id).order_by(Answer.id)
    )
    return {row.question_id: row for row in rows}


def save_answer(
    session: Session, *, attempt: Attempt, question_id: str, answer: str, correct: bool
) -> tuple[Answer, bool]:
    """Save an answer once; return the stored answer and whether this call created it.

    A double click or a retry races the first request: the unique constraint decides, and the
    loser reads back the winner's row instead of failing or writing a second one.
    """
    existing = session.scalar(
        select(Answer).where(Answer.attempt_id == attempt.id, Answer.question_id == question_id)
    )
    if existing is not None:
        return existing, False
    row = Answer(attempt_id=attempt.id, question_id=question_id, answer=answer, correct=correct)
    session.add(row)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        winner = session.scalar(
            select(Answer).where(Answer.attempt_id == attempt.id, Answer.question_id == question_id)
        )
        if winner is None:
            raise
        return winner, False
    grades.queue_if_complete(session, attempt=attempt)  # an LMS student's last answer
    return row, True
