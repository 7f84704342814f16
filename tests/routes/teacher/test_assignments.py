"""Teachers make assignments and students take them (joining: tests/routes/student/test_join.py)."""

import html
import re
from datetime import UTC, datetime

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from quiz_app.bank.vocabulary import THEMES, VERDICTS
from quiz_app.classroom import assignments
from quiz_app.models import Answer, Attempt
from tests.support.factories import (
    HTMX,
    answer,
    answer_rows,
    question,
    question_ids,
    question_url,
    wrong_verdict,
)
from tests.support.teacher_factories import (
    assignment_form,
    create_assignment,
    get_assignment,
    join,
    join_token,
    questions_for,
    row_count,
    student_client,
    teacher_client,
)

# --- making an assignment ------------------------------------------------------------------


def test_create_assignment_from_set_gets_code_and_dashboard(app: FastAPI) -> None:
    teacher, csrf, _ = teacher_client(app)
    assignment_id = create_assignment(teacher, csrf)
    assignment = get_assignment(app, assignment_id)
    assert re.fullmatch(f"[{assignments.CODE_ALPHABET}]{{6}}", assignment.join_code)
    bank = app.state.bank
    assert assignment.question_count == bank.sets["micro-not-safe"].selection.count
    assert set(assignment.pool) == {
        q.id for q in bank.matching(bank.sets["micro-not-safe"].selection)
    }
    page = teacher.get(f"/teacher/assignments/{assignment_id}").text
    code = assignments.format_code(assignment.join_code)
    assert code in page
    assert f"http://testserver/j/{assignment.join_code}" in page
    assert "No student has joined yet" in page


def test_create_assignment_from_filter_uses_only_matching_questions(app: FastAPI) -> None:
    teacher, csrf, _ = teacher_client(app)
    assignment_id = create_assignment(
        teacher,
        csrf,
        source="filter",
        themes=["legal", "risks"],
        verdicts=["unsupported"],
        difficulties=["1", "2"],
        question_count="3",
    )
    assignment = get_assignment(app, assignment_id)
    bank = app.state.bank
    assert assignment.pool
    for qid in assignment.pool:
        q = bank.questions[qid]
        assert q.theme in ("legal", "risks") and q.verdict == "unsupported"
        assert q.difficulty in (1, 2)
    assert assignment.question_count == 3


def test_create_assignment_from_picked_ids_keeps_their_order(app: FastAPI) -> None:
    teacher, csrf, _ = teacher_client(app)
    ids = ["legal-03", "definition-01", "risks-02"]
    assignment_id = create_assignment(teacher, csrf, source="ids", ids=ids, shuffle=None)
    assignment = get_assignment(app, assignment_id)
    assert assignment.pool == ids
    assert assignment.question_count == 3
    assert questions_for(app, assignment, seed=5) == ids


def test_new_assignment_form_prefills_picked_questions_from_bank(app: FastAPI) -> None:
    teacher, _csrf, _ = teacher_client(app)
    page = teacher.get("/teacher/assignments/new?ids=legal-03&ids=risks-02").text
    assert 'name="ids" value="legal-03" checked' in page
    assert 'name="source" value="ids" checked' in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": "x"}, "title", "3 to 120 characters"),
        ({"set_id": "no-such-set"}, "source", "choose one of the question sets"),
        ({"source": "filter", "themes": ["gossip"]}, "source", "unknown filter values"),
        ({"source": "ids", "ids": ["nope-1"]}, "source", "do not exist or are not yours"),
        ({"question_count": "500"}, "question_count", "from 1 to 200"),
        (
            {"source": "ids", "ids": ["legal-01"], "question_count": "2"},
            "question_count",
            "ask for 1 or fewer",
        ),
        ({"attempts_allowed": "0"}, "attempts_allowed", "from 1 to 10"),
        ({"feedback_mode": "never"}, "feedback_mode", "choose when"),
        ({"identity": "email"}, "identity", "names or nicknames"),
        ({"opens_at": "tomorrow"}, "opens_at", "date and time"),
        (
            {"opens_at": "2026-03-02T10:00", "closes_at": "2026-03-01T10:00"},
            "closes_at",
            "after the opening time",
        ),
        ({"timezone": "Mars/Olympus"}, "timezone", "time zone like"),
    ],
)
def test_create_assignment_bad_input_is_422_next_to_field_and_stores_nothing(
    app: FastAPI, overrides: dict[str, object], field: str, message: str
) -> None:
    teacher, csrf, _ = teacher_client(app)
    response = teacher.post(
        "/teacher/assignments", data={**assignment_form(**overrides), "csrf_token": csrf}
    )
    assert response.status_code == 422
    errors = re.search(rf'<div id="err-{field}" class="field-errors">(.*?)</div>', response.text)
    assert errors and message in html.unescape(errors.group(1))
    assert f'aria-describedby="err-{field}"' in response.text
    with app.state.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Attempt)) == 0


def test_create_assignment_with_filter_matching_nothing_is_422(app: FastAPI) -> None:
    bank = app.state.bank
    taken = {
        (q.theme, q.verdict, str(q.difficulty))
        for q in bank.questions.values()
        if q.kind == "classify"
    }
    theme, verdict, difficulty = next(
        (t, v, d)
        for t in THEMES
        for v in VERDICTS
        for d in ("1", "2", "3")
        if (t, v, d) not in taken
    )
    teacher, csrf, _ = teacher_client(app)
    form = assignment_form(
        source="filter", themes=[theme], verdicts=[verdict], difficulties=[difficulty]
    )
    response = teacher.post("/teacher/assignments", data={**form, "csrf_token": csrf})
    assert response.status_code == 422
    assert "no question matches this filter" in response.text


def test_times_are_entered_in_teacher_zone_stored_utc_and_shown_with_zone(app: FastAPI) -> None:
    teacher, csrf, _ = teacher_client(app)
    assignment_id = create_assignment(
        teacher,
        csrf,
        opens_at="2026-03-14T09:00",
        closes_at="2026-03-14T10:30",
        timezone="Europe/Paris",
    )
    assignment = get_assignment(app, assignment_id)
    assert assignment.opens_at == datetime(2026, 3, 14, 8, 0, tzinfo=UTC)
    assert assignment.closes_at == datetime(2026, 3, 14, 9, 30, tzinfo=UTC)
    page = teacher.get(f"/teacher/assignments/{assignment_id}").text
    assert "Sat 14 Mar 2026, 09:00 Europe/Paris (08:00 UTC)" in page
    form = teacher.get(f"/teacher/assignments/{assignment_id}/edit").text
    assert 'value="2026-03-14T09:00"' in form and 'value="Europe/Paris"' in form


def test_join_codes_use_unambiguous_alphabet_and_are_unique(app: FastAPI) -> None:
    teacher, csrf, _ = teacher_client(app)
    codes = {get_assignment(app, create_assignment(teacher, csrf)).join_code for _ in range(8)}
    assert len(codes) == 8
    assert not set("".join(codes)) & set("01OIL")


def test_create_assignment_retries_a_clashing_code(app: FastAPI, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    teacher, csrf, _ = teacher_client(app)
    first = get_assignment(app, create_assignment(teacher, csrf)).join_code
    codes = iter([first, first, "HJKMNP"])
    monkeypatch.setattr(assignments, "new_join_code", lambda: next(codes, "QRSTUV"))
    second = get_assignment(app, create_assignment(teacher, csrf)).join_code
    assert second == "HJKMNP"


# --- which questions a student gets ------------------------------------------------------------


def test_shuffle_gives_each_student_own_reproducible_selection(app: FastAPI) -> None:
    teacher, csrf, _ = teacher_client(app)
    assignment = get_assignment(app, create_assignment(teacher, csrf, question_count="5"))
    orders = set()
    for name in ("Ana", "Ben", "Cy", "Di", "Ed", "Flo"):
        token = join_token(student_client(app), assignment.join_code, name)
        with app.state.sessions() as session:
            attempt = session.scalar(select(Attempt).where(Attempt.token == token))
            assert attempt is not None
            assert attempt.question_ids == questions_for(app, assignment, attempt.seed)
            orders.add(tuple(attempt.question_ids))
    assert len(orders) > 1
    assert all(len(o) == 5 and set(o) <= set(assignment.pool) for o in orders)


def test_without_shuffle_every_student_gets_the_same_list(app: FastAPI) -> None:
    teacher, csrf, _ = teacher_client(app)
    assignment = get_assignment(
        app, create_assignment(teacher, csrf, shuffle=None, question_count="4")
    )
    lists = {
        tuple(question_ids(app, s, join_token(s, assignment.join_code, n)))
        for n in ("Ana", "Ben", "Cy")
        for s in [student_client(app)]
    }
    assert lists == {tuple(assignment.pool[:4])}


# --- immediate feedback and feedback after submitting -----------------------------------------


def test_immediate_mode_answers_get_feedback_like_public_sets(app: FastAPI) -> None:
    teacher, csrf, _ = teacher_client(app)
    code = get_assignment(app, create_assignment(teacher, csrf)).join_code
    student = student_client(app)
    token = join_token(student, code, "Sam")
    qid = question_ids(app, student, token)[0]
    response = answer(student, token, qid, question(app, qid).verdict, htmx=True)
    assert response.status_code == 200
    assert "Right: this is" in response.text


def _hidden_assignment(app: FastAPI) -> tuple[TestClient, str, str]:
    teacher, csrf, _ = teacher_client(app)
    code = get_assignment(
        app, create_assignment(teacher, csrf, feedback_mode="after_submit", question_count="4")
    ).join_code
    student = student_client(app)
    return student, join_token(student, code, "Sam"), csrf


def _reveals_key(app: FastAPI, text: str, qids: list[str]) -> list[str]:
    """Return what in a response gives away the answer key of the questions."""
    text = html.unescape(text)
    leaks = [m for m in ("feedback-body", "<mark", "Right: this is", "Not quite") if m in text]
    for qid in qids:
        q = question(app, qid)
        leaks += [qid for part in (q.explanation, q.needed_evidence) if part in text]
    return leaks


def test_after_submit_mode_never_sends_answer_key_before_submitting(app: FastAPI) -> None:
    student, token, _ = _hidden_assignment(app)
    qids = question_ids(app, student, token)
    seen = []
    for i, qid in enumerate(qids):
        seen.append(student.get(question_url(student, token, qid)))
        q = question(app, qid)
        verdict = wrong_verdict(q) if i % 2 else q.verdict
        saved = answer(student, token, qid, verdict, htmx=True)
        assert saved.status_code == 200
        assert "Answer saved" in saved.text
        # The locked form shows the student's own choice, and nothing marks the right one.
        assert f'name="answer" value="{verdict}" required checked' in saved.text
        assert "tag-right" not in saved.text and "the right reason" not in saved.text
        seen.append(saved)
        redirected = answer(student, token, qid, verdict)
        assert redirected.status_code == 303
        seen.append(student.get(redirected.headers["location"].split("#")[0]))
        seen.append(student.get(question_url(student, token, qid), headers=HTMX))
    seen.append(student.get(f"/a/{token}/results"))
    seen.append(student.get(f"/a/{token}"))
    for response in seen:
        assert _reveals_key(app, response.text, qids) == [], response.url
    assert len(answer_rows(app, token)) == len(qids)


def test_after_submit_fragment_is_announced_politely(app: FastAPI) -> None:
    student, token, _ = _hidden_assignment(app)
    qid = question_ids(app, student, token)[0]
    page = student.get(question_url(student, token, qid)).text
    assert 'id="feedback" class="feedback" aria-live="polite"' in page
    fragment = answer(student, token, qid, "research", htmx=True).text
    assert "<html" not in fragment
    assert "Answer saved: Research" in fragment


def test_submit_my_answers_reveals_full_results_and_locks_answers(app: FastAPI) -> None:
    student, token, _ = _hidden_assignment(app)
    qids = question_ids(app, student, token)
    for qid in qids[:3]:
        answer(student, token, qid, wrong_verdict(question(app, qid)))
    page = student.get(f"/a/{token}/results")
    assert "Submit my answers" in page.text
    assert "You have 1 question left" in page.text
    response = student.post(f"/a/{token}/submit")
    assert response.status_code == 303
    assert response.headers["location"] == f"/a/{token}/results"
    results = html.unescape(student.get(f"/a/{token}/results").text)
    assert "0 of 3" in results
    for qid in qids[:3]:
        assert question(app, qid).explanation in results
    assert "Try the missed ones again" not in results
    late = answer(student, token, qids[3], "research")
    assert late.status_code == 409
    assert "already submitted" in late.text
    assert len(answer_rows(app, token)) == 3
    shown = student.get(question_url(student, token, qids[0]), headers=HTMX)
    assert "feedback-body" in shown.text


def test_retry_missed_of_an_assignment_is_409(app: FastAPI) -> None:
    teacher, csrf, _ = teacher_client(app)
    code = get_assignment(app, create_assignment(teacher, csrf)).join_code
    student = student_client(app)
    token = join_token(student, code, "Sam")
    qid = question_ids(app, student, token)[0]
    answer(student, token, qid, wrong_verdict(question(app, qid)))
    response = student.post(f"/a/{token}/retry")
    assert response.status_code == 409
    assert "set by your teacher" in response.text


def test_public_sets_keep_working_without_assignment(app: FastAPI, client: TestClient) -> None:
    response = client.post("/sets/micro-not-safe/attempts")
    token = response.headers["location"].rsplit("/", 1)[-1]
    with app.state.sessions() as session:
        attempt = session.scalar(select(Attempt).where(Attempt.token == token))
        assert attempt is not None and attempt.assignment_id is None
    qid = question_ids(app, client, token)[0]
    assert (
        "Right: this is" in answer(client, token, qid, question(app, qid).verdict, htmx=True).text
    )


# --- closing, reopening, editing, deleting -------------------------------------------------------


def test_close_stops_answers_keeps_saved_ones_and_reopen_resumes(app: FastAPI) -> None:
    teacher, csrf, _ = teacher_client(app)
    assignment_id = create_assignment(teacher, csrf)
    code = get_assignment(app, assignment_id).join_code
    student = student_client(app)
    token = join_token(student, code, "Sam")
    qids = question_ids(app, student, token)
    answer(student, token, qids[0], "research")
    closed = teacher.post(f"/teacher/assignments/{assignment_id}/close", data={"csrf_token": csrf})
    assert closed.status_code == 303
    assert get_assignment(app, assignment_id).closed
    late = answer(student, token, qids[1], "research")
    assert late.status_code == 409
    assert "Every answer you gave before is kept" in late.text
    assert answer_rows(app, token) == [(qids[0], "research", answer_rows(app, token)[0][2])]
    assert "Closed" in teacher.get(f"/teacher/assignments/{assignment_id}").text
    teacher.post(f"/teacher/assignments/{assignment_id}/reopen", data={"csrf_token": csrf})
    assert not get_assignment(app, assignment_id).closed
    assert answer(student, token, qids[1], "research").status_code == 303
    assert len(answer_rows(app, token)) == 2


def test_edit_assignment_changes_settings_and_keeps_questions_and_answers(app: FastAPI) -> None:
    teacher, csrf, _ = teacher_client(app)
    assignment_id = create_assignment(teacher, csrf)
    before = get_assignment(app, assignment_id)
    student = student_client(app)
    token = join_token(student, before.join_code, "Sam")
    answer(student, token, question_ids(app, student, token)[0], "research")
    response = teacher.post(
        f"/teacher/assignments/{assignment_id}",
        data={
            "csrf_token": csrf,
            "title": "Renamed <b>quiz</b>",
            "feedback_mode": "after_submit",
            "attempts_allowed": "3",
            "identity": "nickname",
            "timezone": "UTC",
            "set_id": "online-claims",  # ignored: the questions stay
        },
    )
    assert response.status_code == 303
    after = get_assignment(app, assignment_id)
    assert (after.title, after.feedback_mode, after.attempts_allowed, after.identity) == (
        "Renamed <b>quiz</b>",
        "after_submit",
        3,
        "nickname",
    )
    assert after.pool == before.pool and after.join_code == before.join_code
    assert len(answer_rows(app, token)) == 1
    page = teacher.get(f"/teacher/assignments/{assignment_id}").text
    assert "Renamed &lt;b&gt;quiz&lt;/b&gt;" in page


def test_edit_assignment_bad_input_is_422_and_changes_nothing(app: FastAPI) -> None:
    teacher, csrf, _ = teacher_client(app)
    assignment_id = create_assignment(teacher, csrf)
    response = teacher.post(
        f"/teacher/assignments/{assignment_id}",
        data={"csrf_token": csrf, "title": "", "feedback_mode": "immediate", "identity": "name"},
    )
    assert response.status_code == 422
    assert "give a title" in response.text
    assert get_assignment(app, assignment_id).title == "Year 9: micro is not safe"


def test_delete_asks_for_confirmation_then_deletes_results(app: FastAPI) -> None:
    teacher, csrf, _ = teacher_client(app)
    assignment_id = create_assignment(teacher, csrf)
    code = get_assignment(app, assignment_id).join_code
    student = student_client(app)
    token = join_token(student, code, "Sam")
    for qid in question_ids(app, student, token)[:2]:
        answer(student, token, qid, "research")
    public = TestClient(app, follow_redirects=False)
    public_token = public.post("/sets/full-check/attempts").headers["location"].rsplit("/", 1)[-1]
    answer(public, public_token, question_ids(app, public, public_token)[0], "research")
    confirm = teacher.get(f"/teacher/assignments/{assignment_id}/delete")
    assert confirm.status_code == 200
    assert "1 student attempt and 2 answers" in confirm.text
    for name in ("answers.csv", "students.csv", "results.json", "items.csv", "datapackage.json"):
        assert f"/teacher/assignments/{assignment_id}/{name}" in confirm.text  # keep them first
    assert row_count(app, Attempt) == 2  # the confirmation page deletes nothing
    response = teacher.post(
        f"/teacher/assignments/{assignment_id}/delete", data={"csrf_token": csrf}
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/teacher"
    assert teacher.get(f"/teacher/assignments/{assignment_id}").status_code == 404
    assert row_count(app, Attempt) == 1 and row_count(app, Answer) == 1
    assert student.get(f"/a/{token}").status_code == 404
    assert join(student_client(app), code, "Sam").status_code == 404


def test_teacher_home_lists_own_assignments_with_counts(app: FastAPI) -> None:
    teacher, csrf, _ = teacher_client(app)
    assignment_id = create_assignment(teacher, csrf, title="Year 10 <script>")
    code = get_assignment(app, assignment_id).join_code
    join_token(student_client(app), code, "Sam")
    page = teacher.get("/teacher").text
    assert "Year 10 &lt;script&gt;" in page
    assert f"<code>{code[:3]}-{code[3:]}</code>" in page
    assert "<td>1</td>" in page
