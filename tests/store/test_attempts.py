"""Storage: answers are saved once, even when many requests race."""

from concurrent.futures import ThreadPoolExecutor

from fastapi import FastAPI
from sqlalchemy import func, select

from quiz_app import store
from quiz_app.models import Answer

BURST = 16  # concurrent submissions of the same answer, as a double click or a retry storm


def test_save_answer_burst_of_same_answer_stores_one_row(app: FastAPI) -> None:
    factory = app.state.sessions
    with factory() as session:
        attempt = store.attempts.create_attempt(
            session, set_id="s", question_ids=["a", "b"], seed=1
        )

    def submit(_: int) -> tuple[str, bool]:
        with factory() as session:
            saved, created = store.attempts.save_answer(
                session, attempt=attempt, question_id="a", answer="research", correct=True
            )
            return saved.answer, created

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(submit, range(BURST)))

    assert all(answer == "research" for answer, _ in results)
    assert sum(created for _, created in results) == 1
    with factory() as session:
        count = session.scalar(select(func.count()).select_from(Answer))
    assert count == 1


def test_save_answer_many_students_at_once_keeps_every_answer(app: FastAPI) -> None:
    factory = app.state.sessions
    with factory() as session:
        attempts = [
            store.attempts.create_attempt(session, set_id="s", question_ids=["a", "b", "c"], seed=i)
            for i in range(10)
        ]

    def answer_all(index: int) -> None:
        with factory() as session:
            for qid in ("a", "b", "c"):
                store.attempts.save_answer(
                    session,
                    attempt=attempts[index],
                    question_id=qid,
                    answer="hypothesis",
                    correct=False,
                )

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(answer_all, range(len(attempts))))

    with factory() as session:
        count = session.scalar(select(func.count()).select_from(Answer))
    assert count == 30


def test_tokens_are_unique_and_long() -> None:
    tokens = {store.attempts.new_token() for _ in range(1000)}
    assert len(tokens) == 1000
    assert all(len(t) >= 24 for t in tokens)


def test_get_attempt_with_root_names_the_attempt_a_practice_round_practises(app: FastAPI) -> None:
    with app.state.sessions() as session:
        first = store.attempts.create_attempt(session, set_id="s", question_ids=["a"], seed=1)
        round_ = store.attempts.create_attempt(
            session, set_id="s", question_ids=["a"], seed=2, practice_of=first
        )
        again = store.attempts.create_attempt(
            session, set_id="s", question_ids=["a"], seed=3, practice_of=round_
        )
        found = [
            store.attempts.get_attempt_with_root(session, token=a.token)
            for a in (first, round_, again)
        ]
        assert store.attempts.get_attempt_with_root(session, token="no-such-token") is None
    assert found == [(first, first.id), (round_, first.id), (again, first.id)]
