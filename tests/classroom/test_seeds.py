"""The seed of each new attempt: drawn at random in the app, chosen by the tests."""

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from quiz_app import store
from quiz_app.classroom import seeds
from tests.support.factories import (
    answer,
    answer_as_student,
    question,
    start_attempt,
    wrong_verdict,
)
from tests.support.teacher_factories import (
    create_assignment,
    get_assignment,
    join_token,
    questions_for,
    teacher_client,
)


def test_random_seed_draws_different_seeds_that_fit_in_seed_bits() -> None:
    drawn = {seeds.random_seed() for _ in range(50)}
    assert len(drawn) == 50
    assert all(0 <= seed < 2**seeds.SEED_BITS for seed in drawn)
    assert max(drawn).bit_length() > seeds.SEED_BITS - 8  # uses the whole range, not a corner


def test_new_seed_without_a_test_hook_draws_from_random_seed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(seeds, "source", seeds.random_seed)
    first, second = seeds.new_seed(), seeds.new_seed()
    assert first != second


@pytest.mark.parametrize("bad", [-1, 2**seeds.SEED_BITS])
def test_new_seed_from_a_source_out_of_range_raises(
    monkeypatch: pytest.MonkeyPatch, bad: int
) -> None:
    monkeypatch.setattr(seeds, "source", lambda: bad)
    with pytest.raises(ValueError, match="62 bits"):
        seeds.new_seed()


def _attempt_seed(app: FastAPI, token: str) -> tuple[int, list[str]]:
    with app.state.sessions() as session:
        attempt = store.attempts.get_attempt(session, token=token)
        assert attempt is not None
        return attempt.seed, list(attempt.question_ids)


def test_start_attempt_with_a_chosen_seed_draws_that_seeds_questions(
    app: FastAPI, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(seeds, "source", lambda: 12345)
    token = start_attempt(client, "micro-not-safe")
    bank = app.state.bank
    expected = bank.phases(bank.sets["micro-not-safe"], 12345).all
    assert _attempt_seed(app, token) == (12345, expected)


def test_retry_missed_takes_the_next_seed_from_the_source(
    app: FastAPI, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn = iter([41, 42])
    monkeypatch.setattr(seeds, "source", lambda: next(drawn))
    token = start_attempt(client, "micro-not-safe")
    first_id = _attempt_seed(app, token)[1][0]
    answer(client, token, first_id, wrong_verdict(question(app, first_id)))
    retry = client.post(f"/a/{token}/retry").headers["location"].rsplit("/", 1)[-1]
    assert _attempt_seed(app, retry) == (42, [first_id])


def test_join_assignment_takes_its_seed_from_the_source(
    app: FastAPI, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    teacher, csrf, _ = teacher_client(app)
    assignment = get_assignment(app, create_assignment(teacher, csrf, shuffle="on"))
    monkeypatch.setattr(seeds, "source", lambda: 777)
    token = join_token(client, assignment.join_code, "Ada")
    seed, ids = _attempt_seed(app, token)
    assert seed == 777
    assert ids == questions_for(app, get_assignment(app, assignment.id), 777)


def test_practice_round_takes_its_seed_from_the_source(
    app: FastAPI, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = start_attempt(client, "micro-not-safe")
    for i, qid in enumerate(_attempt_seed(app, token)[1]):
        answer_as_student(app, client, token, qid, right=i > 0)
    monkeypatch.setattr(seeds, "source", lambda: 9001)
    response = client.post(f"/a/{token}/practice")
    assert response.status_code == 303, response.text
    round_token = client.get(response.headers["location"]).headers["location"].split("/")[2]
    assert _attempt_seed(app, round_token)[0] == 9001
