"""A class that took a teacher's before/after assignment, answering through the student routes
in a known pattern, for the dashboard's route and browser tests."""

from collections.abc import Callable

from fastapi import FastAPI
from fastapi.testclient import TestClient

from quiz_app.bank.items import ClassifyQuestion
from quiz_app.models import Attempt
from tests.support.factories import answer, right_reason, wrong_reason, wrong_verdict
from tests.support.teacher_factories import (
    create_assignment,
    get_assignment,
    join_token,
    teacher_client,
)

# Whether student n answers question i (0-5) right: check-in is questions 0-1 (form A, every
# seed even), practice 2-3, check-out 4-5 (form B).
RIGHT: list[Callable[[int], bool]] = [
    lambda n: n % 2 == 0,
    lambda n: n % 4 == 0,
    lambda n: n % 3 != 0,
    lambda n: n % 3 != 1,
    lambda n: n % 5 != 0,
    lambda n: n % 2 == 0 or n % 3 == 0,
]


def wrong_reason_on_right_verdict(n: int, i: int) -> bool:
    return (n + i) % 7 == 0


def picked_questions(app: FastAPI) -> list[ClassifyQuestion]:
    """Two bundled classify questions of each verdict that ask a reason, by id."""
    found: list[ClassifyQuestion] = []
    for verdict in ("research", "hypothesis", "unsupported"):
        found += sorted(
            (
                q
                for q in app.state.bank.questions.values()
                if isinstance(q, ClassifyQuestion) and q.verdict == verdict and q.reason_options
            ),
            key=lambda q: q.id,
        )[:2]
    return [found[i] for i in (0, 2, 4, 1, 3, 5)]  # each form holds two different verdicts


def before_after_class(app: FastAPI, students: int) -> tuple[TestClient, int, list]:
    """A teacher's 6-question assignment (no shuffle) taken as check-in (2), practice (2) and
    check-out (2) by `students` students, who answer by RIGHT with a confidence: certain
    when right, unsure when wrong."""
    teacher, csrf, _ = teacher_client(app)
    picked = picked_questions(app)
    ids = [q.id for q in picked]
    assignment_id = create_assignment(teacher, csrf, source="ids", ids=ids, shuffle=None)
    code = get_assignment(app, assignment_id).join_code
    for n in range(students):
        student = TestClient(app, follow_redirects=False)
        token = join_token(student, code, f"S{n:02d}")
        with app.state.sessions() as session:  # the check forms the assignment will give
            attempt = session.query(Attempt).filter_by(token=token).one()
            attempt.seed, attempt.check_in_count, attempt.check_out_count = 2 * n, 2, 2
            session.commit()
        for i, q in enumerate(picked):
            right = RIGHT[i](n)
            reason = right_reason(q)
            if not right or wrong_reason_on_right_verdict(n, i):
                reason = wrong_reason(q)
            verdict = q.verdict if right else wrong_verdict(q)
            confidence = "certain" if right else "unsure"
            response = answer(student, token, q.id, verdict, reason=reason, confidence=confidence)
            assert response.status_code in (200, 303), response.text
    return teacher, assignment_id, picked
