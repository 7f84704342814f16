"""Every kind of question and a set's check forms, assigned and taken through the join code:
each student's questions come out as the public set gives them (check-in, practice,
check-out, counterbalanced by seed), and the results show the check-in → check-out change."""

import itertools

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from quiz_app import store
from quiz_app.bank.catalog import load_bank
from quiz_app.bank.items import KINDS
from quiz_app.classroom import seeds
from quiz_app.models import Attempt
from quiz_app.paths import bundled
from tests.support.factories import answer_as_student
from tests.support.teacher_factories import (
    create_assignment,
    get_assignment,
    join_token,
    student_client,
    teacher_client,
)

BUNDLED_SETS = list(load_bank(bundled("questions")).sets)


def _attempt(app: FastAPI, token: str) -> Attempt:
    with app.state.sessions() as session:
        attempt = store.attempts.get_attempt(session, token=token)
        assert attempt is not None
        return attempt


def _take(app: FastAPI, student: TestClient, token: str) -> str:
    """Answer every question of the attempt, the first half right; return the results page."""
    ids = _attempt(app, token).question_ids
    for index, qid in enumerate(ids):
        response = answer_as_student(app, student, token, qid, right=index < len(ids) // 2)
        assert response.status_code == 303, response.text
    page = student.get(f"/a/{token}/results")
    assert page.status_code == 200
    return page.text


@pytest.mark.parametrize("set_id", BUNDLED_SETS)
def test_every_bundled_set_is_assigned_and_taken_as_the_public_set_gives_it(
    app: FastAPI, set_id: str
) -> None:
    bank = app.state.bank
    qset = bank.sets[set_id]
    teacher, csrf, _ = teacher_client(app)
    code = get_assignment(app, create_assignment(teacher, csrf, set_id=set_id)).join_code
    student = student_client(app)
    token = join_token(student, code, "Ada")
    attempt = _attempt(app, token)
    phases = bank.phases(qset, attempt.seed)
    assert attempt.question_ids == phases.all
    assert (attempt.check_in_count, attempt.check_out_count) == (
        len(phases.check_in),
        len(phases.check_out),
    )
    page = _take(app, student, token)
    total = len(attempt.question_ids)
    assert f"<strong>{total // 2} of {total}</strong> right" in page
    # The first half is right: the whole check-in, and the whole check-out wrong.
    assert ("From check-in to check-out, your accuracy went down by" in page) == bool(qset.check_in)


def test_before_and_after_is_counterbalanced_by_seed_in_an_assignment(
    app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Even seeds take the set's check_in form first, odd seeds its check_out form first."""
    qset = app.state.bank.sets["before-and-after"]
    teacher, csrf, _ = teacher_client(app)
    code = get_assignment(app, create_assignment(teacher, csrf, set_id=qset.id)).join_code
    given = itertools.count(40)  # seeds 40, 41, 42, 43: both parities, twice
    monkeypatch.setattr(seeds, "new_seed", lambda: next(given))
    for name in ("Ada", "Ben", "Cy", "Di"):
        attempt = _attempt(app, join_token(student_client(app), code, name))
        ids, n = attempt.question_ids, len(qset.check_in)
        first, last = set(ids[:n]), set(ids[-n:])
        if attempt.seed % 2:
            assert (first, last) == (set(qset.check_out), set(qset.check_in)), name
        else:
            assert (first, last) == (set(qset.check_in), set(qset.check_out)), name
        assert not (first | last) & set(ids[n:-n])


def test_a_filter_over_all_three_kinds_is_assigned_and_taken(app: FastAPI) -> None:
    bank = app.state.bank
    teacher, csrf, _ = teacher_client(app)
    form = {"source": "filter", "kinds": list(KINDS), "question_count": "12"}
    assignment = get_assignment(app, create_assignment(teacher, csrf, **form))
    assert {bank.questions[i].kind for i in assignment.pool} == set(KINDS)
    assert len(assignment.pool) == len(bank.questions)
    student = student_client(app)
    token = join_token(student, assignment.join_code, "Ada")
    ids = _attempt(app, token).question_ids
    assert len(ids) == 12 and set(ids) <= set(assignment.pool)
    assert "<strong>6 of 12</strong> right" in _take(app, student, token)


def test_a_pick_of_option_questions_with_feedback_after_submit_is_graded(app: FastAPI) -> None:
    bank = app.state.bank
    picked = [
        *[q.id for q in bank.questions.values() if q.kind == "best-evidence"][:2],
        next(q.id for q in bank.questions.values() if q.kind == "fix-claim"),
    ]
    teacher, csrf, _ = teacher_client(app)
    form = {"source": "ids", "ids": picked, "feedback_mode": "after_submit"}
    assignment = get_assignment(app, create_assignment(teacher, csrf, **form))
    student = student_client(app)
    token = join_token(student, assignment.join_code, "Ada")
    assert sorted(_attempt(app, token).question_ids) == sorted(picked)
    first = student.get(f"/a/{token}/q/1").text
    assert "Which study would settle this claim?" in first or "states the evidence" in first
    for qid in _attempt(app, token).question_ids:
        right = qid != picked[2]
        assert answer_as_student(app, student, token, qid, right=right).status_code == 303
    assert 'class="score"' not in student.get(f"/a/{token}/results").text  # not yet submitted
    assert student.post(f"/a/{token}/submit").status_code == 303
    with app.state.sessions() as session:
        saved = store.attempts.answers_by_question(session, attempt=_attempt(app, token))
        assert {q: a.correct for q, a in saved.items()} == {q: q != picked[2] for q in picked}
    assert "<strong>2 of 3</strong> right" in student.get(f"/a/{token}/results").text


def test_before_and_after_assignment_page_and_question_file_include_the_check_forms(
    app: FastAPI,
) -> None:
    qset = app.state.bank.sets["before-and-after"]
    teacher, csrf, _ = teacher_client(app)
    assignment_id = create_assignment(teacher, csrf, set_id=qset.id)
    page = teacher.get(f"/teacher/assignments/{assignment_id}").text
    n = len(qset.check_in)
    assert f"after a check-in of {n} and before a check-out of {n}" in page
    gift = teacher.get(f"/teacher/assignments/{assignment_id}/export/gift.txt").text
    for qid in (*qset.check_in, *qset.check_out):
        assert f"::{qid}::" in gift, qid
