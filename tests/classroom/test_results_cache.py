"""The dashboard's kept scores never show in its numbers: after answers, a deleted attempt and
another attempt, a poll reports exactly what a count from scratch does, and it reads and
scores again only the attempts whose answers changed."""

from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from quiz_app import store
from quiz_app.classroom import dashboard, results_cache, seeds
from quiz_app.config import Settings
from quiz_app.learning.class_report import ClassReport
from quiz_app.main import create_app
from quiz_app.models import Assignment, Attempt
from tests.support.factories import answer, question_ids
from tests.support.teacher_factories import (
    create_assignment,
    get_assignment,
    join_token,
    student_client,
    teacher_client,
)


def _plain(report: ClassReport) -> dict[str, Any]:
    """Return everything a report says, with each student's attempt as its id (the two
    reports compared come from two sessions, so their Attempt objects differ)."""
    students = [
        {name: value for name, value in vars(row).items() if name != "attempt"}
        | {"attempt": row.attempt.id}
        for row in report.students
    ]
    rest = {name: value for name, value in vars(report).items() if name != "students"}
    return {"students": students, **rest, "questions": [vars(q) for q in report.questions]}


def _poll_matches_a_fresh_count(app: FastAPI, assignment_id: int) -> ClassReport:
    """Assert the dashboard's report (kept scores) equals the exports' (scored from scratch)."""
    with app.state.sessions() as session:
        assignment = session.get(Assignment, assignment_id)
        assert assignment is not None
        shown = dashboard.dashboard_context(session, app.state.bank, assignment.teacher, assignment)
        polled = _plain(shown["report"])
    with app.state.sessions() as session:
        assignment = session.get(Assignment, assignment_id)
        assert assignment is not None
        fresh, _found = dashboard.class_results(session, app.state.bank, assignment)
        assert polled == _plain(fresh)
    report: ClassReport = shown["report"]
    return report


def _answer_some(app: FastAPI, client: TestClient, token: str, count: int, verdict: str) -> None:
    asked = question_ids(app, client, token)
    with app.state.sessions() as session:
        attempt = session.scalar(select(Attempt).where(Attempt.token == token))
        assert attempt is not None
        done = {a.question_id for a in attempt.answers}
    for qid in [q for q in asked if q not in done][:count]:
        assert answer(client, token, qid, verdict, confidence="certain").status_code == 303


def _attempt_id(app: FastAPI, token: str) -> int:
    with app.state.sessions() as session:
        found = session.scalar(select(Attempt.id).where(Attempt.token == token))
        assert found is not None
        return found


def test_poll_after_answers_a_deletion_and_another_attempt_matches_a_fresh_count(
    app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    read: list[set[int]] = []  # each call's attempts: the poll's, then the fresh count's
    reads_answers = store.assignments.answers_of

    def spy(session: Any, *, assignment: Assignment, attempts: list[Attempt]) -> Any:
        read.append({a.id for a in attempts})
        return reads_answers(session, assignment=assignment, attempts=attempts)

    monkeypatch.setattr(store.assignments, "answers_of", spy)
    teacher, csrf, _ = teacher_client(app)
    assignment_id = create_assignment(teacher, csrf)
    code = get_assignment(app, assignment_id).join_code
    students = {name: student_client(app) for name in ("Sam Lee", "Ana", "Kofi")}
    tokens = {name: join_token(client, code, name) for name, client in students.items()}
    _poll_matches_a_fresh_count(app, assignment_id)
    for n, (name, client) in enumerate(students.items()):
        _answer_some(app, client, tokens[name], 3 + n, ("research", "hypothesis")[n % 2])
    assert len(_poll_matches_a_fresh_count(app, assignment_id).students) == 3

    # One new answer: only that student's attempt is read and scored again.
    read.clear()
    _answer_some(app, students["Ana"], tokens["Ana"], 1, "unsupported")
    report = _poll_matches_a_fresh_count(app, assignment_id)
    assert read[0] == {_attempt_id(app, tokens["Ana"])}
    assert report.students[1].answered == 5

    # A deleted attempt leaves the class, and nothing is read again.
    kofi = _attempt_id(app, tokens["Kofi"])
    url = f"/teacher/assignments/{assignment_id}/attempts/{kofi}"
    assert teacher.post(f"{url}/delete", data={"csrf_token": csrf}).status_code == 303
    read.clear()
    report = _poll_matches_a_fresh_count(app, assignment_id)
    assert [row.name for row in report.students] == ["Sam Lee", "Ana"]
    assert read[0] == set()

    # Another attempt of the same student: a new row numbered 2, scored as it fills.
    sam = _attempt_id(app, tokens["Sam Lee"])
    url = f"/teacher/assignments/{assignment_id}/attempts/{sam}/another-attempt"
    assert teacher.post(url, data={"csrf_token": csrf}).status_code == 303
    again = student_client(app)
    second = join_token(again, code, "Sam Lee")
    _poll_matches_a_fresh_count(app, assignment_id)
    _answer_some(app, again, second, 2, "hypothesis")
    read.clear()
    report = _poll_matches_a_fresh_count(app, assignment_id)
    assert [(row.name, row.number, row.answered) for row in report.students] == [
        ("Sam Lee", 1, 3),
        ("Ana", 1, 5),
        ("Sam Lee", 2, 2),
    ]
    assert read[0] == {_attempt_id(app, second)}


def test_kept_scores_forget_the_least_recently_used_first() -> None:
    kept = results_cache.LruCache(2)
    kept.put("a", 1)
    kept.put("b", 2)
    assert kept.get("a") == 1  # "b" is now the least recently used
    kept.put("c", 3)
    assert (kept.get("a"), kept.get("b"), kept.get("c"), len(kept)) == (1, None, 3, 2)


def test_kept_scores_looked_up_together_count_as_used() -> None:
    kept = results_cache.LruCache(3)
    for key, value in (("a", 1), ("b", 2), ("c", 3)):
        kept.put(key, value)
    assert kept.get_many(["a", "x", "b"]) == [1, None, 2]  # "c" is now the least recently used
    kept.put("d", 4)
    assert kept.get_many(["a", "b", "c", "d"]) == [1, 2, None, 4]


def test_kept_scores_belong_to_one_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two apps on two databases whose attempts look the same to the key (same id, token, seed
    and questions, as many answers) never see each other's scores."""
    monkeypatch.setattr(store.assignments, "new_token", lambda: "the-same-token")
    monkeypatch.setattr(seeds, "source", lambda: 1)
    shown = []
    for n, verdict in enumerate(("research", "unsupported")):
        settings = Settings(
            database_url=f"sqlite:///{tmp_path / f'school{n}.db'}",
            htmx_source="local",
            data_dir=tmp_path / str(n),
        )
        app = create_app(settings)
        try:
            teacher, csrf, _ = teacher_client(app)
            assignment_id = create_assignment(teacher, csrf)
            client = student_client(app)
            token = join_token(client, get_assignment(app, assignment_id).join_code, "Sam Lee")
            _answer_some(app, client, token, 4, verdict)
            report = _poll_matches_a_fresh_count(app, assignment_id)
            shown.append((token, report.students[0].attempt.id, report.confusion))
        finally:
            app.state.engine.dispose()
    (first_token, first_id, first), (second_token, second_id, second) = shown
    assert (first_token, first_id) == (second_token, second_id)
    assert first != second


def _roster(teacher: TestClient, assignment_id: int) -> str:
    """Return the roster table of the dashboard's poll, as the teacher's browser gets it."""
    response = teacher.get(f"/teacher/assignments/{assignment_id}", headers={"HX-Request": "true"})
    assert response.status_code == 200
    start = response.text.index('<table class="data roster">')
    return response.text[start : response.text.index("</table>", start)]


def _forget_everything(app: FastAPI) -> None:
    with app.state.sessions() as session:
        for kept in (
            results_cache.kept_scores(session),
            results_cache.kept_rows(session),
            results_cache.kept_totals(session),
        ):
            kept.clear()


def test_poll_after_one_new_answer_shows_the_roster_rendered_from_scratch(app: FastAPI) -> None:
    teacher, csrf, _ = teacher_client(app)
    assignment_id = create_assignment(teacher, csrf)
    code = get_assignment(app, assignment_id).join_code
    students = {name: student_client(app) for name in ("Sam Lee", "Ana")}
    tokens = {name: join_token(client, code, name) for name, client in students.items()}
    for name, client in students.items():
        _answer_some(app, client, tokens[name], 3, "research")
    first = _roster(teacher, assignment_id)  # every row rendered, and kept
    assert _roster(teacher, assignment_id) == first  # every row kept
    _answer_some(app, students["Ana"], tokens["Ana"], 1, "hypothesis")
    polled = _roster(teacher, assignment_id)  # Ana's row rendered again, Sam's kept
    _forget_everything(app)
    assert polled == _roster(teacher, assignment_id)
    ana = _attempt_id(app, tokens["Ana"])

    def progress_of_ana(roster: str) -> str:
        row = roster[roster.index(f'id="student-{ana}"') :].split("</tr>", 1)[0]
        return row.split("<td>", 2)[1].split("/", 1)[0]

    assert (progress_of_ana(first), progress_of_ana(polled)) == ("3", "4")


def test_kept_roster_rows_are_never_shown_on_another_assignment(app: FastAPI) -> None:
    """Two assignments whose rows would look alike each render their own links."""
    teacher, csrf, _ = teacher_client(app)
    ids = [create_assignment(teacher, csrf) for _ in range(2)]
    for assignment_id in ids:
        client = student_client(app)
        token = join_token(client, get_assignment(app, assignment_id).join_code, "Sam Lee")
        _answer_some(app, client, token, 2, "research")
    for assignment_id in ids:
        roster = _roster(teacher, assignment_id)
        assert f'href="/teacher/assignments/{assignment_id}/attempts/' in roster
        other = next(i for i in ids if i != assignment_id)
        assert f"/teacher/assignments/{other}/" not in roster
