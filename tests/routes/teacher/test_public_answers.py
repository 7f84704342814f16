"""The bundled questions' answers are public in the open-source bank: the assignment form and
an assignment that withholds its verdicts say so, and point to the teacher's own questions."""

import html

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.support.teacher_factories import (
    GOOD_QUESTION_FORM,
    assignment_form,
    create_assignment,
    get_assignment,
    teacher_client,
)

NOTE = "are public, with their answers, in Claim Check's open-source question bank"


def _own_question(app: FastAPI, client: TestClient, csrf: str, teacher_id: int) -> str:
    response = client.post("/teacher/questions", data={**GOOD_QUESTION_FORM, "csrf_token": csrf})
    assert response.status_code == 303, response.text
    return f"t{teacher_id}.{GOOD_QUESTION_FORM['id']}"


def _page(client: TestClient, path: str) -> str:
    return html.unescape(client.get(path).text)


def test_new_assignment_form_says_bundled_answers_are_public_and_suggests_own_questions(
    app: FastAPI,
) -> None:
    client, _csrf, _ = teacher_client(app)
    page = _page(client, "/teacher/assignments/new")
    assert "Keeping the verdicts back until students submit, or grading through your LMS?" in page
    assert NOTE in page
    assert 'href="/teacher/questions">your own questions</a>' in page


def test_new_assignment_form_with_only_own_questions_picked_has_no_public_note(
    app: FastAPI,
) -> None:
    client, csrf, teacher = teacher_client(app)
    own = _own_question(app, client, csrf, teacher.id)
    assert NOTE not in _page(client, f"/teacher/assignments/new?ids={own}")
    assert NOTE in _page(client, f"/teacher/assignments/new?ids={own}&ids=legal-01")


def test_form_sent_back_with_a_problem_keeps_the_public_note(app: FastAPI) -> None:
    client, csrf, _ = teacher_client(app)
    form = {**assignment_form(feedback_mode="after_submit", title=""), "csrf_token": csrf}
    response = client.post("/teacher/assignments", data=form)
    assert response.status_code == 422
    assert NOTE in html.unescape(response.text)


def test_assignment_withholding_verdicts_on_a_set_says_its_answers_are_public(
    app: FastAPI,
) -> None:
    client, csrf, _ = teacher_client(app)
    assignment_id = create_assignment(client, csrf, feedback_mode="after_submit")
    total = len(get_assignment(app, assignment_id).every_question)
    page = _page(client, f"/teacher/assignments/{assignment_id}")
    assert f"{total} of this assignment's {total} questions are bundled ones." in page
    assert "a student can look them up even though the verdicts wait until they submit" in page


def test_assignment_with_immediate_feedback_and_no_lms_has_no_public_note(app: FastAPI) -> None:
    client, csrf, _ = teacher_client(app)
    assignment_id = create_assignment(client, csrf, feedback_mode="immediate")
    assert NOTE not in _page(client, f"/teacher/assignments/{assignment_id}")


def test_assignment_withholding_verdicts_counts_only_its_bundled_questions(app: FastAPI) -> None:
    client, csrf, teacher = teacher_client(app)
    own = _own_question(app, client, csrf, teacher.id)
    mixed = create_assignment(
        client, csrf, source="ids", ids=[own, "legal-01"], feedback_mode="after_submit"
    )
    assert "1 of this assignment's 2 questions are bundled ones." in _page(
        client, f"/teacher/assignments/{mixed}"
    )
    mine = create_assignment(client, csrf, source="ids", ids=[own], feedback_mode="after_submit")
    assert NOTE not in _page(client, f"/teacher/assignments/{mine}")
