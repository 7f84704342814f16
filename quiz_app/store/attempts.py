"""Attempts at a question set and their answers, as keyword-only functions over a session."""

import secrets
from collections.abc import Iterator, Sequence
from typing import cast

from sqlalchemy import Table, bindparam, delete, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, make_transient_to_detached

from quiz_app.learning import progress
from quiz_app.learning.student_report import SavedAnswer
from quiz_app.models import Answer, Attempt, PracticeRound, utcnow

IN_CHUNK = 500  # ids per IN (...) list: far below every database's limit on parameters
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
    check_in_count: int = 0,
    check_out_count: int = 0,
    practice_of: Attempt | None = None,
) -> Attempt:
    """Store and return a new attempt with a fresh token.

    The first check_in_count and last check_out_count questions are the set's check forms;
    practice_of makes the attempt a "practise what you missed" round of that attempt's root.
    """
    attempt = Attempt(
        token=new_token(),
        set_id=set_id,
        seed=seed,
        question_ids=list(question_ids),
        retry_of_id=retry_of.id if retry_of else None,
        check_in_count=check_in_count,
        check_out_count=check_out_count,
    )
    session.add(attempt)
    if practice_of is not None:
        session.flush()
        root_id = practice_root_id(session, attempt=practice_of)
        session.add(PracticeRound(attempt_id=attempt.id, root_id=root_id))
    session.commit()
    return attempt


# The statements every question page and answer runs, built once (building a select costs
# more than SQLite takes to run it); the values are bound at each call.
_ROOT_OF = select(PracticeRound.root_id).where(PracticeRound.attempt_id == bindparam("attempt"))
_BY_TOKEN = select(Attempt).where(Attempt.token == bindparam("token"))
_BY_TOKEN_WITH_ROOT = (
    select(Attempt, PracticeRound.root_id)
    .outerjoin(PracticeRound, PracticeRound.attempt_id == Attempt.id)
    .where(Attempt.token == bindparam("token"))
)
_ANSWERS_OF = select(Answer).where(Answer.attempt_id == bindparam("attempt")).order_by(Answer.id)
# Core selects of the answers table (no ORM objects built): what a question page shows of the
# answers, and, after an answer, which questions are answered.
_ANSWERS = cast(Table, Answer.__table__)
_ANSWER_ROWS = _ANSWERS.c
_SAVED_OF = (
    select(
        _ANSWER_ROWS.question_id,
        _ANSWER_ROWS.answer,
        _ANSWER_ROWS.correct,
        _ANSWER_ROWS.reason,
        _ANSWER_ROWS.reason_correct,
        _ANSWER_ROWS.confidence,
    )
    .where(_ANSWER_ROWS.attempt_id == bindparam("attempt"))
    .order_by(_ANSWER_ROWS.id)
)
# The answer's insert with its values bound at each call (an insert built with .values() is
# compiled again for every answer), returning the new row's id.
_INSERT_ANSWER = insert(_ANSWERS).returning(_ANSWER_ROWS.id)
_ANSWERED_OF = (
    select(_ANSWER_ROWS.question_id)
    .where(_ANSWER_ROWS.attempt_id == bindparam("attempt"))
    .order_by(_ANSWER_ROWS.id)
)


def practice_root_id(session: Session, *, attempt: Attempt) -> int:
    """Return the id of the attempt whose misses this one practises (itself when it is none)."""
    root = session.scalar(_ROOT_OF, {"attempt": attempt.id})
    return root if root is not None else attempt.id


def practice_family(session: Session, *, attempt: Attempt) -> tuple[Attempt, list[Attempt]]:
    """Return the root attempt and its practice rounds, oldest first."""
    root_id = practice_root_id(session, attempt=attempt)
    root = attempt if root_id == attempt.id else session.get(Attempt, root_id)
    assert root is not None  # the foreign key keeps the root while the link exists
    rounds = session.scalars(
        select(Attempt)
        .join(PracticeRound, PracticeRound.attempt_id == Attempt.id)
        .where(PracticeRound.root_id == root_id)
        .order_by(Attempt.id)
    )
    return root, list(rounds)


def retried(session: Session, *, attempt: Attempt) -> list[Attempt]:
    """Return the attempts this one retries: the one it retries, that one's, and so on."""
    found = []
    earlier_id = attempt.retry_of_id
    while earlier_id is not None:
        earlier = session.get(Attempt, earlier_id)
        if earlier is None:
            break
        found.append(earlier)
        earlier_id = earlier.retry_of_id
    return found


def answers_of(session: Session, *, attempts: list[Attempt]) -> dict[int, dict[str, Answer]]:
    """Return the saved answers of several attempts: attempt id -> question id -> answer."""
    found: dict[int, dict[str, Answer]] = {a.id: {} for a in attempts}
    rows = session.scalars(
        select(Answer).where(Answer.attempt_id.in_(list(found))).order_by(Answer.id)
    )
    for row in rows:
        found[row.attempt_id][row.question_id] = row
    return found


def get_attempt(session: Session, *, token: str) -> Attempt | None:
    return session.scalar(_BY_TOKEN, {"token": token})


def get_attempt_with_root(session: Session, *, token: str) -> tuple[Attempt, int] | None:
    """Return the attempt of the token and the id of the attempt whose misses it practises
    (practice_root_id: itself when it is none), in one query."""
    row = session.execute(_BY_TOKEN_WITH_ROOT, {"token": token}).one_or_none()
    if row is None:
        return None
    attempt, root_id = row
    return attempt, root_id if root_id is not None else attempt.id


def answers_by_question(session: Session, *, attempt: Attempt) -> dict[str, Answer]:
    """Return the attempt's saved answers keyed by question id."""
    rows = session.scalars(_ANSWERS_OF, {"attempt": attempt.id})
    return {row.question_id: row for row in rows}


def saved_answers(session: Session, *, attempt: Attempt) -> dict[str, SavedAnswer]:
    """Return the attempt's saved answers keyed by question id, as plain rows (read-only)."""
    rows = session.execute(_SAVED_OF, {"attempt": attempt.id})
    return {row.question_id: row for row in rows}


def answered_question_ids(session: Session, *, attempt: Attempt) -> list[str]:
    """Return the ids of the attempt's answered questions, in the order they were answered."""
    return list(session.scalars(_ANSWERED_OF, {"attempt": attempt.id}))


def save_answer(
    session: Session,
    *,
    attempt: Attempt,
    question_id: str,
    answer: str,
    correct: bool,
    reason: str | None = None,
    reason_correct: bool | None = None,
    confidence: str | None = None,
) -> tuple[Answer, bool]:
    """Save an answer once; return the stored answer and whether this call created it.

    A double click or a retry races the first request: the unique constraint decides, and the
    loser reads back the winner's row instead of failing or writing a second one (no read
    first: the insert is the check, so the usual answer is one statement and its commit).
    Saving only saves: the caller tells completion.attempt_completed when this answer completed
    the attempt.
    """
    values = {
        "attempt_id": attempt.id,
        "question_id": question_id,
        "answer": answer,
        "correct": correct,
        "reason": reason,
        "reason_correct": reason_correct,
        "confidence": confidence,
        "created_at": utcnow(),
    }
    try:
        # One Core INSERT rather than the ORM's unit of work (a flush costs about 1 ms for one
        # row); the row it returns joins the session as if it had been loaded.
        answer_id = session.execute(_INSERT_ANSWER, values).scalar_one()
        session.commit()
    except IntegrityError:
        session.rollback()
        winner = session.scalar(
            select(Answer).where(Answer.attempt_id == attempt.id, Answer.question_id == question_id)
        )
        if winner is None:
            raise
        return winner, False
    row = Answer(id=answer_id, **values)
    make_transient_to_detached(row)
    session.add(row)
    return row, True


def answer_count(session: Session, *, attempt: Attempt) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(Answer).where(Answer.attempt_id == attempt.id)
        )
        or 0
    )


def is_complete(session: Session, *, attempt: Attempt) -> bool:
    """Return whether the attempt is complete now (learning.progress.is_complete)."""
    return progress.is_complete(attempt, answered=answer_count(session, attempt=attempt))


def with_practice_rounds(session: Session, *, attempt_ids: list[int]) -> list[int]:
    """Return the attempt ids and the ids of every practice round of them (which carry no
    assignment of their own, so an attempt's data is always the attempt with its rounds)."""
    found = dict.fromkeys(attempt_ids)
    for chunk in chunks(attempt_ids):
        rounds = session.scalars(
            select(PracticeRound.attempt_id).where(PracticeRound.root_id.in_(chunk))
        )
        found.update(dict.fromkeys(rounds))
    return list(found)


def delete_attempt_rows(session: Session, *, attempt_ids: list[int]) -> None:
    """Delete attempts, their practice rounds and all their answers (and whatever else points
    at them: the database cascades), without committing: the caller commits its own deletions
    with them (delete_attempts)."""
    ids = with_practice_rounds(session, attempt_ids=attempt_ids)
    for chunk in chunks(ids):
        session.execute(delete(Answer).where(Answer.attempt_id.in_(chunk)))
        session.execute(delete(Attempt).where(Attempt.id.in_(chunk)))


def delete_attempts(session: Session, *, attempt_ids: list[int]) -> None:
    """Delete attempts with their practice rounds and answers, and commit with whatever else
    the session holds.

    Every deletion of students' attempts comes here: a teacher deleting one, an admin deleting
    a student, the retention sweep, a teacher deleting their account.
    """
    delete_attempt_rows(session, attempt_ids=attempt_ids)
    session.commit()
    session.expire_all()


def delete_attempt(session: Session, *, attempt: Attempt) -> None:
    """Delete one attempt with its practice rounds and answers (delete_attempts), and commit.

    Only these rows go: the student's other attempts and everyone else's stay.
    """
    delete_attempts(session, attempt_ids=[attempt.id])


def chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    """Yield the ids in lists short enough for one `IN (...)` on every database."""
    for start in range(0, len(ids), IN_CHUNK):
        yield list(ids[start : start + IN_CHUNK])
