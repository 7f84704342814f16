"""Practise what you missed, after a teacher's assignment: it waits for submission when the
teacher withholds feedback, and the rounds stay the student's own, off the assignment."""

from fastapi import FastAPI
from fastapi.testclient import TestClient

from quiz_app import store
from tests.support.factories import answer_as_student, question_ids
from tests.support.teacher_factories import (
    create_assignment,
    get_assignment,
    join_token,
    teacher_client,
)


def test_practise_after_withheld_assignment_waits_for_submission(app: FastAPI) -> None:
    teacher, csrf, _ = teacher_client(app)
    assignment_id = create_assignment(
        teacher, csrf, feedback_mode="after_submit", question_count="4"
    )
    code = get_assignment(app, assignment_id).join_code
    student = TestClient(app, follow_redirects=False)
    token = join_token(student, code, "Sam")
    asked = question_ids(app, student, token)
    for qid in asked:
        answer_as_student(app, student, token, qid, right=False)

    early = student.post(f"/a/{token}/practice")
    assert early.status_code == 409
    assert "Submit your answers first" in early.text

    assert student.post(f"/a/{token}/submit").status_code == 303
    assert "Practise what you missed (" in student.get(f"/a/{token}/results").text
    response = student.post(f"/a/{token}/practice")
    assert response.status_code == 303
    round_token = student.get(response.headers["location"]).headers["location"].split("/")[2]
    practice_ids = question_ids(app, student, round_token)
    assert practice_ids and not set(practice_ids) & set(asked)
    with app.state.sessions() as session:
        practice_round = store.attempts.get_attempt(session, token=round_token)
        assert practice_round is not None
        assert practice_round.assignment_id is None  # not an attempt at the assignment
