"""One student's page, for the teacher: every answer with the verdict, the reason, the
confidence and the feedback the student saw, and their profile as their results page shows it."""

import html
import re

from fastapi import FastAPI
from fastapi.testclient import TestClient

from quiz_app.models import Attempt
from tests.support.factories import answer, question, wrong_reason, wrong_verdict
from tests.support.teacher_factories import (
    create_assignment,
    get_assignment,
    join_token,
    teacher_client,
)

PICKED = ["legal-03", "definition-01", "risks-02"]


def _text(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", page)))


def _cards(page: str) -> list[str]:
    answers = page[page.index('id="answers-heading"') :]
    return [_text(c) for c in re.findall(r'<li class="card">(.*?)</li>', answers, re.S)]


def test_student_page_shows_reason_confidence_feedback_and_profile(app: FastAPI) -> None:
    teacher, csrf, _ = teacher_client(app)
    assignment_id = create_assignment(teacher, csrf, source="ids", ids=PICKED, shuffle=None)
    code = get_assignment(app, assignment_id).join_code
    student = TestClient(app, follow_redirects=False)
    token = join_token(student, code, "Ana")
    first, second = (question(app, qid) for qid in PICKED[:2])
    # Right verdict for a wrong reason, certain; then a wrong verdict with the right reason.
    answer(
        student, token, first.id, first.verdict, reason=wrong_reason(first), confidence="certain"
    )
    answer(student, token, second.id, wrong_verdict(second))
    with app.state.sessions() as session:
        attempt_id = session.query(Attempt).one().id
    page = teacher.get(f"/teacher/assignments/{assignment_id}/attempts/{attempt_id}").text
    concepts = app.state.bank.concepts
    one, two, three = _cards(page)
    assert f"Answered {first.verdict.capitalize()}: right." in one
    assert f"Reason: “{concepts[wrong_reason(first)].name}”, not what decides it" in one
    assert "Right for the wrong reason." in one
    assert "Confidence: Certain." in one
    assert _text(first.explanation) in one
    assert f"Answered {wrong_verdict(second).capitalize()}: wrong." in two
    assert "the reason that decides it." in two and "Right for the wrong reason" not in two
    assert "Confidence: not given." in two
    assert "Not answered." in three and _text(question(app, PICKED[2]).explanation) not in three
    # The profile is the one of the student's own results page (the same partial).
    text = _text(page)
    assert "Your profile" in text
    assert "You picked the right reason 1 of 2 times (50%)." in text
    assert "Right for the wrong reason: 1" in text
    assert "How well your confidence matched" in text


def test_student_page_of_another_teachers_assignment_is_404(app: FastAPI) -> None:
    teacher, csrf, _ = teacher_client(app)
    assignment_id = create_assignment(teacher, csrf, source="ids", ids=PICKED, shuffle=None)
    code = get_assignment(app, assignment_id).join_code
    join_token(TestClient(app, follow_redirects=False), code, "Ana")
    with app.state.sessions() as session:
        attempt_id = session.query(Attempt).one().id
    other, _csrf, _ = teacher_client(app, "bo@school.org")
    response = other.get(f"/teacher/assignments/{assignment_id}/attempts/{attempt_id}")
    assert response.status_code == 404 and "Ana" not in response.text
    poll = other.get(
        f"/teacher/assignments/{assignment_id}", params={"v": "x"}, headers={"HX-Request": "true"}
    )
    assert poll.status_code == 404
