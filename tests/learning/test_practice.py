"""Practise what you missed: rounds of unseen questions on the missed concepts, repeated until
each has been answered right once; the planner as a pure function, then the whole loop."""

import html
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from quiz_app.bank.catalog import Bank, load_bank
from quiz_app.config import Settings
from quiz_app.learning import practice
from quiz_app.learning.grading import grade
from tests.support.factories import (
    answer_as_student,
    question_ids,
    question_url,
    right_reason,
    start_attempt,
)
from tests.support.learning_bank import EXTRA_IDS, classify_id, write_learning_bank

ANECDOTE_1 = classify_id("unsupported", "anecdote", 1)
OPEN_1 = classify_id("hypothesis", "open-question", 1)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    root = write_learning_bank(tmp_path / "bank")
    return Settings(
        database_url=database_url, htmx_source="local", data_dir=tmp_path, questions_dir=root
    )


@pytest.fixture
def bank(tmp_path: Path) -> Bank:
    return load_bank(write_learning_bank(tmp_path / "pure"))


def test_missed_concepts_come_from_wrong_answers_and_wrong_reasons(bank: Bank) -> None:
    anecdote, open_q = bank.questions[ANECDOTE_1], bank.questions[OPEN_1]
    fair = bank.questions[classify_id("research", "fair-comparison", 1)]
    feedback = [
        grade(anecdote, "research", reason=right_reason(anecdote)),  # wrong verdict
        grade(fair, "research", reason=right_reason(fair)),  # right
        grade(open_q, "hypothesis", reason="popularity"),  # right for the wrong reason
    ]
    assert practice.missed_concepts(feedback, bank) == ["anecdote", "open-question"]
    assert practice.practised_concepts(feedback) == {"fair-comparison"}


def test_missed_concept_of_a_question_is_its_key_concept_only(bank: Bank) -> None:
    best = bank.questions["best-focus"]  # names fair-comparison, then anecdote
    wrong = next(o.id for o in best.options if not o.correct)
    assert practice.missed_concepts([grade(best, wrong)], bank) == ["fair-comparison"]
    right = grade(best, best.correct_option.id)
    assert practice.practised_concepts([right]) == {"fair-comparison", "anecdote"}


def test_plan_picks_one_unseen_question_per_missed_concept(bank: Bank) -> None:
    seen = {ANECDOTE_1, OPEN_1}
    result = practice.plan(
        bank, missed=["anecdote", "open-question"], practised=set(), seen=seen, seed=3
    )
    assert [(c.concept.id, c.state) for c in result.concepts] == [
        ("anecdote", "to-practise"),
        ("open-question", "to-practise"),
    ]
    assert len(result.next_round) == 2 and not set(result.next_round) & seen
    firsts = sorted(bank.questions[q].concepts[0] for q in result.next_round)
    assert firsts == ["anecdote", "open-question"]
    again = practice.plan(
        bank, missed=["anecdote", "open-question"], practised=set(), seen=seen, seed=3
    )
    assert again.next_round == result.next_round


def test_plan_says_when_no_unseen_question_is_left_and_when_done(bank: Bank) -> None:
    every_legal = {q.id for q in bank.questions.values() if "legal-not-dose" in q.concepts}
    result = practice.plan(
        bank,
        missed=["legal-not-dose", "anecdote"],
        practised={"anecdote"},
        seen=every_legal,
        seed=1,
    )
    assert [(c.concept.id, c.state) for c in result.concepts] == [
        ("legal-not-dose", "none-left"),
        ("anecdote", "practised"),
    ]
    assert result.next_round == [] and not result.done
    done = practice.plan(bank, missed=["anecdote"], practised={"anecdote"}, seen=set(), seed=1)
    assert done.done and done.next_round == []


def test_plan_prefers_the_sets_kinds(bank: Bank) -> None:
    seen = {
        q.id for q in bank.questions.values() if q.kind == "classify" and "anecdote" in q.concepts
    }
    seen -= {classify_id("unsupported", "anecdote", 3)}
    classify_only = practice.plan(
        bank, missed=["anecdote"], practised=set(), seen=seen, seed=0, kinds=["classify"]
    )
    assert classify_only.next_round == [classify_id("unsupported", "anecdote", 3)]
    options_first = practice.plan(
        bank, missed=["anecdote"], practised=set(), seen=seen, seed=0, kinds=["best-evidence"]
    )
    assert options_first.next_round == ["best-focus"]


def results(client: TestClient, token: str) -> str:
    return html.unescape(client.get(f"/a/{token}/results").text)


def start_round(client: TestClient, token: str) -> str:
    response = client.post(f"/a/{token}/practice")
    assert response.status_code == 303, response.text
    location = client.get(response.headers["location"]).headers["location"]
    return location.split("/")[2]


def finish_plain_missing(app: FastAPI, client: TestClient, missed: set[str]) -> str:
    token = start_attempt(client, "plain")
    for qid in question_ids(app, client, token):
        answer_as_student(app, client, token, qid, right=qid not in missed)
    return token


def test_practise_until_each_missed_concept_is_answered_right_once(
    app: FastAPI, client: TestClient
) -> None:
    root = finish_plain_missing(app, client, {ANECDOTE_1, OPEN_1})
    page = results(client, root)
    assert "Practise what you missed (2 questions)" in page
    assert "One person's story is not a fair comparison</strong>: still to practise." in page

    first = start_round(client, root)
    first_ids = question_ids(app, client, first)
    seen = set(question_ids(app, client, root))
    assert len(first_ids) == 2 and not set(first_ids) & seen
    assert sorted(app.state.bank.questions[q].concepts[0] for q in first_ids) == [
        "anecdote",
        "open-question",
    ]
    question_page = html.unescape(client.get(question_url(client, first, first_ids[0])).text)
    assert "Plain set: practice round" in question_page

    for qid in first_ids:  # the anecdote question right, the open-question one wrong
        concept = app.state.bank.questions[qid].concepts[0]
        answer_as_student(app, client, first, qid, right=concept == "anecdote")
    page = results(client, first)
    assert "Your practice round: Plain set" in page
    assert "Pass and mastery" not in page  # marks belong to the set, not to practice
    assert "answered right in practice" in page
    assert "Another practice round (1 question)" in page

    second = start_round(client, first)  # from the round's own results page
    second_ids = question_ids(app, client, second)
    assert len(second_ids) == 1 and second_ids[0] not in seen | set(first_ids)
    assert app.state.bank.questions[second_ids[0]].concepts[0] == "open-question"
    answer_as_student(app, client, second, second_ids[0])

    for token in (root, first, second):
        page = results(client, token)
        assert "<strong>Done:</strong> you have answered a question on every concept" in page
        assert "practice round (" not in page and "Practise what you missed (" not in page
    response = client.post(f"/a/{root}/practice")
    assert response.status_code == 409
    assert "nothing left to practise" in response.text


def test_practise_twice_resumes_the_open_round(app: FastAPI, client: TestClient) -> None:
    root = finish_plain_missing(app, client, {ANECDOTE_1})
    first = start_round(client, root)
    assert start_round(client, root) == first


def test_practise_before_finishing_is_409(app: FastAPI, client: TestClient) -> None:
    token = start_attempt(client, "plain")
    qid = question_ids(app, client, token)[0]
    answer_as_student(app, client, token, qid, right=False)
    response = client.post(f"/a/{token}/practice")
    assert response.status_code == 409
    assert "Finish the quiz first" in response.text


def test_practise_with_nothing_missed_is_409(app: FastAPI, client: TestClient) -> None:
    token = finish_plain_missing(app, client, set())
    assert "Practise what you missed" not in results(client, token)
    response = client.post(f"/a/{token}/practice")
    assert response.status_code == 409


def test_practise_says_when_no_unseen_questions_are_left(app: FastAPI, client: TestClient) -> None:
    token = start_attempt(client, "extras")  # holds every legal-not-dose question
    for qid in question_ids(app, client, token):
        answer_as_student(app, client, token, qid, right="legal" not in qid)
    page = results(client, token)
    assert "no unseen questions are left on this concept." in page
    assert "<summary>What it teaches</summary>" in page
    assert app.state.bank.concepts["legal-not-dose"].teaching in page
    assert "Practise what you missed (" not in page
    response = client.post(f"/a/{token}/practice")
    assert response.status_code == 409
    assert "no unseen questions left" in response.text
    assert set(EXTRA_IDS) == set(question_ids(app, client, token))
