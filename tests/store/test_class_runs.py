"""Class runs in the database: one unfinished run per assignment, moves that happen once,
students who join once and take the run's order, revotes stored beside the scored answer."""

from fastapi import FastAPI

from quiz_app import store
from quiz_app.models import Answer, ClassRun, Revote
from quiz_app.store import class_runs
from tests.support.teacher_factories import (
    assignment_of,
    get_assignment,
    join_token,
    row_count,
    student_client,
)

IDS = ["micro-not-safe-01", "micro-not-safe-02", "micro-not-safe-03"]


def _run(app: FastAPI) -> tuple[str, ClassRun]:
    code, assignment_id, _teacher = assignment_of(app, IDS)
    with app.state.sessions() as session:
        run = class_runs.start_run(
            session,
            assignment=get_assignment(app, assignment_id),
            question_ids=list(reversed(IDS)),
            check_in_count=0,
            check_out_count=0,
        )
    return code, run


def test_start_run_twice_returns_the_unfinished_run(app: FastAPI) -> None:
    code, run = _run(app)
    with app.state.sessions() as session:
        again = class_runs.start_run(
            session,
            assignment=get_assignment(app, run.assignment_id),
            question_ids=IDS,
            check_in_count=0,
            check_out_count=0,
        )
    assert again.id == run.id
    assert row_count(app, ClassRun) == 1


def test_move_run_from_a_stale_step_moves_nothing(app: FastAPI) -> None:
    _code, run = _run(app)
    with app.state.sessions() as session:
        run = session.get(ClassRun, run.id)
        assert run is not None
        first = class_runs.move_run(
            session, run=run, step_from="lobby", position_from=0, step="answering", position=0
        )
        second = class_runs.move_run(
            session, run=run, step_from="lobby", position_from=0, step="answering", position=0
        )
        assert (first, second) == (True, False)
        assert run.step == "answering"


def test_join_run_gives_an_unanswered_attempt_the_run_order_once(app: FastAPI) -> None:
    code, run = _run(app)
    token = join_token(student_client(app), code, "Sam")
    with app.state.sessions() as session:
        attempt = store.attempts.get_attempt(session, token=token)
        run = session.get(ClassRun, run.id)
        assert attempt is not None and run is not None
        class_runs.join_run(session, run=run, attempt=attempt)
        class_runs.join_run(session, run=run, attempt=attempt)
        assert attempt.question_ids == list(reversed(IDS))
        assert class_runs.counts(session, run=run).joined == 1


def test_save_revote_twice_keeps_one_beside_the_answer(app: FastAPI) -> None:
    code, run = _run(app)
    token = join_token(student_client(app), code, "Sam")
    with app.state.sessions() as session:
        attempt = store.attempts.get_attempt(session, token=token)
        assert attempt is not None
        answer, _ = store.attempts.save_answer(
            session, attempt=attempt, question_id=IDS[0], answer="research", correct=False
        )
        kept = [
            class_runs.save_revote(
                session,
                answer=answer,
                choice=choice,
                correct=True,
                reason=None,
                reason_correct=None,
                confidence=None,
            )
            for choice in ("unsupported", "hypothesis")
        ]
    assert [created for _, created in kept] == [True, False]
    assert row_count(app, Revote) == 1
    assert row_count(app, Answer) == 1
