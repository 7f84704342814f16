"""Every teacher route, walked as another teacher, as an anonymous visitor and as a student:
none of them sees or changes a teacher's assignments, questions or results."""

import html
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import select

from quiz_app import auth
from quiz_app.models import (
    Answer,
    Assignment,
    AssignmentEvent,
    Attempt,
    ClassRun,
    StudentAllowance,
    Teacher,
    TeacherQuestion,
)
from tests.support.factories import answer, question_ids, question_url
from tests.support.teacher_factories import (
    PASSWORD,
    create_assignment,
    get_assignment,
    join_token,
    teacher_client,
)

VICTIM_TITLE = "Victim class 7B"
VICTIM_CLAIM = "Ms Victim says a tiny amount is legal because it is too small to count."
QUESTION_FORM = {
    "id": "victim-q",
    "theme": "legal",
    "source_section": "Legal and Regulatory Status",
    "difficulty": "2",
    "register": "casual",
    "claim": VICTIM_CLAIM,
    "cue": "a tiny amount is legal",
    "verdict": "unsupported",
    "explanation": "The law does not change with dose size. A teacher's word is not evidence.",
    "needed_evidence": "The actual law where you live.",
    "concepts": ["legal-not-dose"],
    "reason_options": ["legal-not-dose", "small-not-safe", "authority"],
    "ladder_best": "anecdote",
    "ladder_certainty": "very-low",
    "ladder_rated_down": ["no-study"],
    "review_by": "2027-09-01",
}
OTHER_QUESTION_FORM = {
    **QUESTION_FORM,
    "claim": "A friend says a tiny amount is legal, because it is small.",
}
UPLOAD = (
    "questions:\n  - id: victim-q\n    kind: classify\n    theme: legal\n"
    "    source_section: Legal and Regulatory Status\n    difficulty: 1\n    register: casual\n"
    "    claim: Someone else says a tiny amount is legal, so it must be.\n"
    "    cue: a tiny amount is legal\n    verdict: unsupported\n"
    "    explanation: The law does not change with dose size, whatever people say.\n"
    "    needed_evidence: The actual law where you live.\n"
    "    concepts: [legal-not-dose]\n"
    "    reason_options: [legal-not-dose, small-not-safe, authority]\n"
    "    ladder: {best: anecdote, certainty: very-low, rated_down: [no-study]}\n"
    "    review_by: 2027-09-01\n"
)
SETTINGS_FORM = {
    "title": "Hijacked",
    "feedback_mode": "immediate",
    "attempts_allowed": "5",
    "identity": "name",
    "timezone": "UTC",
}

# Every teacher route: (method, path template, form data, whose data it touches).
# "owned": the path names the victim's assignment/attempt/question, so another teacher gets 404.
# "own": the route works on the caller's own data, so it must simply never show the victim's.
# "public": the login and sign-up forms, reachable by anyone.
ROUTES: list[tuple[str, str, dict[str, Any] | None, str]] = [
    ("GET", "/teacher", None, "own"),
    ("GET", "/teacher/assignments/new", None, "own"),
    (
        "POST",
        "/teacher/assignments",
        {**SETTINGS_FORM, "source": "set", "set_id": "full-check"},
        "own",
    ),
    ("GET", "/teacher/assignments/{assignment_id}", None, "owned"),
    ("GET", "/teacher/assignments/{assignment_id}/attempts/{attempt_id}", None, "owned"),
    ("GET", "/teacher/assignments/{assignment_id}/edit", None, "owned"),
    ("POST", "/teacher/assignments/{assignment_id}", SETTINGS_FORM, "owned"),
    ("POST", "/teacher/assignments/{assignment_id}/close", {}, "owned"),
    ("POST", "/teacher/assignments/{assignment_id}/reopen", {}, "owned"),
    ("GET", "/teacher/assignments/{assignment_id}/delete", None, "owned"),
    ("POST", "/teacher/assignments/{assignment_id}/delete", {}, "owned"),
    ("GET", "/teacher/assignments/{assignment_id}/answers.csv", None, "owned"),
    ("GET", "/teacher/assignments/{assignment_id}/students.csv", None, "owned"),
    ("GET", "/teacher/assignments/{assignment_id}/items.csv", None, "owned"),
    ("GET", "/teacher/assignments/{assignment_id}/datapackage.json", None, "owned"),
    ("GET", "/teacher/assignments/{assignment_id}/results.json", None, "owned"),
    ("GET", "/teacher/assignments/{assignment_id}/export/qti.zip", None, "owned"),
    ("GET", "/teacher/assignments/{assignment_id}/export/moodle.xml", None, "owned"),
    ("GET", "/teacher/assignments/{assignment_id}/export/gift.txt", None, "owned"),
    ("GET", "/teacher/bank", None, "own"),
    ("GET", "/teacher/questions", None, "own"),
    ("GET", "/teacher/questions/new", None, "own"),
    ("POST", "/teacher/questions/validate", {**QUESTION_FORM, "editing": "victim-q"}, "owned"),
    ("POST", "/teacher/questions", OTHER_QUESTION_FORM, "own"),
    ("GET", "/teacher/questions/{local_id}/edit", None, "owned"),
    (
        "POST",
        "/teacher/questions/{local_id}/edit",
        {**QUESTION_FORM, "verdict": "research"},
        "owned",
    ),
    ("POST", "/teacher/questions/{local_id}/delete", {}, "owned"),
    ("GET", "/teacher/questions.yaml", None, "own"),
    ("GET", "/teacher/questions/export/qti.zip", None, "own"),
    ("GET", "/teacher/questions/export/moodle.xml", None, "own"),
    ("GET", "/teacher/questions/export/gift.txt", None, "own"),
    ("GET", "/teacher/sets/{set_id}/export/qti.zip", None, "own"),
    ("GET", "/teacher/sets/{set_id}/export/moodle.xml", None, "own"),
    ("GET", "/teacher/sets/{set_id}/export/gift.txt", None, "own"),
    ("POST", "/teacher/questions/upload", {"file": UPLOAD}, "own"),
    ("GET", "/teacher/login", None, "public"),
    ("POST", "/teacher/login", {"email": "x@school.org", "password": "nope"}, "public"),
    ("GET", "/teacher/signup", None, "public"),
    ("POST", "/teacher/signup", {"email": "x@school.org", "password": "nope"}, "public"),
    ("POST", "/teacher/logout", {}, "own"),
    ("GET", "/teacher/account", None, "own"),
    ("GET", "/teacher/account/delete", None, "own"),
    # The other teacher deletes their own account: the victim's rows stay as they were.
    ("POST", "/teacher/account/delete", {"password": PASSWORD}, "own"),
    ("GET", "/teacher/account/deleted", None, "public"),
    ("GET", "/teacher/lti", None, "own"),
    (
        "POST",
        "/teacher/assignments/{assignment_id}/attempts/{attempt_id}/resend-grade",
        {},
        "owned",
    ),
    ("POST", "/teacher/assignments/{assignment_id}/attempts/{attempt_id}/re-admit", {}, "owned"),
    (
        "POST",
        "/teacher/assignments/{assignment_id}/attempts/{attempt_id}/another-attempt",
        {},
        "owned",
    ),
    (
        "POST",
        "/teacher/assignments/{assignment_id}/attempts/{attempt_id}/extra-time",
        {"closes_at": "2099-01-01T09:00", "timezone": "UTC"},
        "owned",
    ),
    ("GET", "/teacher/assignments/{assignment_id}/attempts/{attempt_id}/delete", None, "owned"),
    ("POST", "/teacher/assignments/{assignment_id}/attempts/{attempt_id}/delete", {}, "owned"),
    ("POST", "/teacher/assignments/{assignment_id}/class", {}, "owned"),
    ("GET", "/teacher/assignments/{assignment_id}/class", None, "owned"),
    ("GET", "/teacher/assignments/{assignment_id}/class/now", None, "owned"),
    ("GET", "/teacher/assignments/{assignment_id}/class/events", None, "owned"),
    (
        "POST",
        "/teacher/assignments/{assignment_id}/class/{action}",
        {"step": "lobby", "position": "0"},
        "owned",
    ),
]
IDS = [f"{method} {path}" for method, path, _data, _kind in ROUTES]


def _all_routes(routes: list[Any]) -> list[APIRoute]:
    """Return every API route, looking inside included routers."""
    found = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        elif hasattr(route, "original_router"):
            found += _all_routes(route.original_router.routes)
    return found


def test_every_teacher_route_is_in_the_isolation_table(app: FastAPI) -> None:
    served = {
        (method, route.path)
        for route in _all_routes(app.routes)
        if route.path.startswith("/teacher")
        for method in route.methods
    }
    assert served == {(method, path) for method, path, _data, _kind in ROUTES}


def _victim(app: FastAPI) -> dict[str, Any]:
    """A teacher with a question, an assignment using it, and a student's answer."""
    client, csrf, teacher = teacher_client(app, "victim@school.org")
    response = client.post("/teacher/questions", data={**QUESTION_FORM, "csrf_token": csrf})
    assert response.status_code == 303
    question_id = f"t{teacher.id}.victim-q"
    assignment_id = create_assignment(
        client, csrf, title=VICTIM_TITLE, source="ids", ids=[question_id, "legal-01"]
    )
    student = TestClient(app, follow_redirects=False)
    token = join_token(student, get_assignment(app, assignment_id).join_code, "Victim Student")
    answer(student, token, question_ids(app, student, token)[0], "research")
    with app.state.sessions() as session:
        attempt = session.scalar(select(Attempt).where(Attempt.token == token))
        assert attempt is not None
    # The victim runs it in class too: the lobby, which another teacher's "start" must not move.
    started = client.post(f"/teacher/assignments/{assignment_id}/class", data={"csrf_token": csrf})
    assert started.status_code == 303
    return {
        "assignment_id": assignment_id,
        "attempt_id": attempt.id,
        "local_id": "victim-q",
        "question_id": question_id,
        "token": token,
        "code": get_assignment(app, assignment_id).join_code,
        "set_id": "micro-not-safe",  # a bundled set: the same for every teacher
        "action": "start",  # a presenter button
    }


def _snapshot(app: FastAPI) -> dict[str, Any]:
    """Everything a teacher owns, as plain values, to check that nothing changed."""
    with app.state.sessions() as session:
        return {
            "assignments": sorted(
                (a.id, a.teacher_id, a.title, a.closed, a.attempts_allowed, a.feedback_mode)
                for a in session.scalars(select(Assignment))
            ),
            "questions": sorted(
                (q.question_id, str(q.data)) for q in session.scalars(select(TeacherQuestion))
            ),
            "attempts": sorted(
                (a.id, a.assignment_id, a.resume_code) for a in session.scalars(select(Attempt))
            ),
            "answers": sorted((a.id, a.answer) for a in session.scalars(select(Answer))),
            "teachers": sorted((t.id, t.password_hash) for t in session.scalars(select(Teacher))),
            "allowances": sorted(
                (a.assignment_id, a.student_key, a.extra_attempts, str(a.closes_at))
                for a in session.scalars(select(StudentAllowance))
            ),
            "events": sorted(
                (e.assignment_id, e.action, e.student_name)
                for e in session.scalars(select(AssignmentEvent))
            ),
            "class_runs": sorted(
                (r.assignment_id, r.step, r.position) for r in session.scalars(select(ClassRun))
            ),
        }


def _victim_rows(snapshot: dict[str, Any], victim: dict[str, Any]) -> dict[str, Any]:
    """The victim's part of a snapshot (the caller may add rows of their own)."""
    return {
        "assignments": [a for a in snapshot["assignments"] if a[0] == victim["assignment_id"]],
        "questions": [q for q in snapshot["questions"] if q[0] == victim["question_id"]],
        "attempts": snapshot["attempts"],
        "answers": snapshot["answers"],
        "allowances": snapshot["allowances"],
        "events": snapshot["events"],
        "class_runs": [r for r in snapshot["class_runs"] if r[0] == victim["assignment_id"]],
    }


def _request(
    client: TestClient, method: str, path: str, data: dict[str, Any] | None, csrf: str | None
) -> Any:
    if method == "GET":
        return client.get(path)
    form = dict(data or {})
    files = None
    if "file" in form:
        files = {"file": ("q.yaml", form.pop("file").encode(), "application/yaml")}
    if csrf is not None:
        form["csrf_token"] = csrf
    return client.post(path, data=form, files=files)


def _leaks(text: str, victim: dict[str, Any]) -> list[str]:
    text = html.unescape(text)
    return [s for s in (VICTIM_TITLE, VICTIM_CLAIM, "Victim Student", victim["code"]) if s in text]


@pytest.mark.parametrize(("method", "path", "data", "kind"), ROUTES, ids=IDS)
def test_another_teacher_gets_404_and_changes_nothing(
    app: FastAPI, method: str, path: str, data: dict[str, Any] | None, kind: str
) -> None:
    victim = _victim(app)
    before = _snapshot(app)
    other, csrf, _ = teacher_client(app, "other@school.org")
    response = _request(other, method, path.format(**victim), data, csrf)
    if kind == "owned":
        assert response.status_code == 404, response.text
    assert _leaks(response.text, victim) == []
    if "location" in response.headers:
        assert _leaks(other.get(response.headers["location"]).text, victim) == []
    after = _snapshot(app)
    assert _victim_rows(after, victim) == _victim_rows(before, victim)
    victim_teachers = [t for t in before["teachers"] if t in after["teachers"]]
    assert victim_teachers == before["teachers"]


@pytest.mark.parametrize(("method", "path", "data", "kind"), ROUTES, ids=IDS)
def test_anonymous_visitor_is_sent_to_login_and_changes_nothing(
    app: FastAPI, method: str, path: str, data: dict[str, Any] | None, kind: str
) -> None:
    victim = _victim(app)
    before = _snapshot(app)
    anonymous = TestClient(app, follow_redirects=False)
    response = _request(anonymous, method, path.format(**victim), data, None)
    if kind == "public":
        assert response.status_code in (200, 403), response.text  # a POST lacks its CSRF
    elif method == "GET":
        assert response.status_code == 303
        assert response.headers["location"].startswith("/teacher/login?next=/teacher")
    else:
        assert response.status_code == 401
        assert "not logged in" in response.text
    assert _leaks(response.text, victim) == []
    assert _snapshot(app) == before


@pytest.mark.parametrize(("method", "path", "data", "kind"), ROUTES, ids=IDS)
def test_student_with_attempt_token_gets_no_teacher_access(
    app: FastAPI, method: str, path: str, data: dict[str, Any] | None, kind: str
) -> None:
    victim = _victim(app)
    before = _snapshot(app)
    student = TestClient(app, follow_redirects=False)
    # The attempt token and the join cookie are all a student holds; neither is a session.
    student.cookies.set(auth.SESSION_COOKIE, victim["token"])
    student.cookies.set(f"cc_join_{victim['assignment_id']}", victim["token"])
    response = _request(student, method, path.format(**victim), data, victim["token"])
    if kind != "public":
        assert response.status_code in (303, 401)
        if response.status_code == 303:
            assert response.headers["location"].startswith("/teacher/login")
    assert _leaks(response.text, victim) == []
    assert _snapshot(app) == before


def test_student_pages_never_contain_teacher_links_or_answer_key(app: FastAPI) -> None:
    victim = _victim(app)
    student = TestClient(app, follow_redirects=False)
    page = student.get(question_url(student, victim["token"], "legal-01")).text
    assert "/teacher/" not in page
    assert "The law does not change with dose size" not in page
