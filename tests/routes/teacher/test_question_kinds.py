"""A teacher's own questions of every kind: the editor writes and edits best-evidence and
fix-claim questions as well as classify ones, with each problem next to its field, the YAML,
GIFT and Moodle XML files carry each kind out and back in, and a student takes them."""

import html
import re
from typing import Any

import pytest
import yaml
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from quiz_app.models import TeacherQuestion
from tests.support.factories import HTMX, answer, answer_rows, question_ids
from tests.support.question_forms import (
    BEST_EVIDENCE_FORM,
    FIX_CLAIM_FORM,
    FORMS,
    field_errors,
    right_option,
    upload_file,
)
from tests.support.teacher_factories import (
    create_assignment,
    get_assignment,
    join_token,
    student_client,
    teacher_client,
)

OPTION_KINDS = ["best-evidence", "fix-claim"]


def _save(client: TestClient, csrf: str, form: dict[str, Any], **changes: Any) -> Any:
    return client.post("/teacher/questions", data={**form, **changes, "csrf_token": csrf})


def _data(app: FastAPI) -> dict[str, dict[str, Any]]:
    with app.state.sessions() as session:
        return {r.local_id: r.data for r in session.scalars(select(TeacherQuestion))}


def test_new_question_offers_each_kind_and_four_options_with_their_inputs(app: FastAPI) -> None:
    teacher, _csrf, _ = teacher_client(app)
    page = teacher.get("/teacher/questions/new?kind=best-evidence").text
    for kind in FORMS:
        checked = " checked" if kind == "best-evidence" else ""
        assert f'<input type="radio" name="kind" value="{kind}"{checked}>' in page
    for letter in "abcd":
        assert f'<input type="radio" name="correct" value="{letter}">' in page
        for part in ("text", "feedback", "rung"):
            assert f'aria-describedby="err-option_{letter}_{part}"' in page
    assert 'aria-describedby="err-options"' in page
    default = teacher.get("/teacher/questions/new?kind=essay").text
    assert '<input type="radio" name="kind" value="classify" checked>' in default


@pytest.mark.parametrize("kind", OPTION_KINDS)
def test_save_option_question_stores_its_options_and_lists_it(app: FastAPI, kind: str) -> None:
    teacher, csrf, me = teacher_client(app)
    form = FORMS[kind]
    response = _save(teacher, csrf, form)
    assert response.status_code == 303, response.text
    stored = _data(app)[form["id"]]
    assert stored["kind"] == kind
    right = [o for o in stored["options"] if o.get("correct")]
    assert [o["id"] for o in right] == [form["correct"]]
    assert right[0]["text"] == right_option(form)
    assert all(("rung" in o) == (kind == "best-evidence") for o in stored["options"])
    page = html.unescape(teacher.get("/teacher/questions").text)
    assert form["claim"] in page
    assert {"best-evidence": "Which study would settle it?", "fix-claim": "Which rewording"}[
        kind
    ] in page


# Each of the editor's rules for options is tested in tests/bank/test_editor.py; these show
# that the page puts an option's problem and the options' own next to them.
@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"option_b_text": "Hm."}, "option_b_text", "at least 5 characters"),
        ({"correct": ""}, "options", "mark one option as the right answer"),
    ],
)
def test_validate_option_question_puts_each_problem_next_to_its_field(
    app: FastAPI, changes: dict[str, str], field: str, message: str
) -> None:
    teacher, csrf, _ = teacher_client(app)
    data = {**BEST_EVIDENCE_FORM, **changes}
    response = teacher.post(
        "/teacher/questions/validate", data=data, headers={**HTMX, "X-CSRF-Token": csrf}
    )
    assert response.status_code == 200 and "<html" not in response.text
    assert message in field_errors(response.text, field)
    assert field_errors(response.text, "explanation") == ""
    assert _data(app) == {}


def test_save_option_question_breaking_a_rule_is_422_and_shows_what_was_typed(
    app: FastAPI,
) -> None:
    teacher, csrf, _ = teacher_client(app)
    response = _save(teacher, csrf, FIX_CLAIM_FORM, option_b_feedback="Buy it online, then.")
    assert response.status_code == 422
    page = html.unescape(response.text)
    assert "sourcing is not allowed" in field_errors(response.text, "option_b_feedback")
    assert FIX_CLAIM_FORM["option_d_text"] in page
    assert '<input type="radio" name="correct" value="a" checked>' in response.text
    assert '<input type="radio" name="kind" value="fix-claim" checked>' in response.text
    assert _data(app) == {}


def test_save_with_an_unknown_kind_is_422_naming_the_kinds(app: FastAPI) -> None:
    teacher, csrf, _ = teacher_client(app)
    response = _save(teacher, csrf, FIX_CLAIM_FORM, kind="essay")
    assert response.status_code == 422
    assert "choose one of the kinds: classify, best-evidence, fix-claim" in field_errors(
        response.text, "kind"
    )


@pytest.mark.parametrize("kind", list(FORMS))
def test_edit_question_of_each_kind_shows_it_changes_it_and_keeps_its_kind(
    app: FastAPI, kind: str
) -> None:
    teacher, csrf, _ = teacher_client(app)
    form = FORMS[kind]
    assert _save(teacher, csrf, form).status_code == 303
    page = teacher.get(f"/teacher/questions/{form['id']}/edit").text
    assert f'data-kind="{kind}"' in page and f'name="kind" value="{kind}"' in page
    assert 'type="radio" name="kind"' not in page
    if kind != "classify":
        assert html.escape(right_option(form), quote=False) in page
        assert f'name="correct" value="{form["correct"]}" checked' in page
    changed = {**form, "kind": "classify", "explanation": form["explanation"] + " Look closer."}
    response = teacher.post(
        f"/teacher/questions/{form['id']}/edit", data={**changed, "csrf_token": csrf}
    )
    assert response.status_code == 303, response.text
    stored = _data(app)[form["id"]]
    assert stored["kind"] == kind and stored["explanation"].endswith("Look closer.")
    if kind != "classify":
        assert [o["id"] for o in stored["options"]] == sorted(
            x for x in "abcd" if form.get(f"option_{x}_text")
        )


@pytest.mark.parametrize("kind", OPTION_KINDS)
def test_own_option_question_is_assigned_taken_and_graded(app: FastAPI, kind: str) -> None:
    teacher, csrf, me = teacher_client(app)
    form = FORMS[kind]
    assert _save(teacher, csrf, form).status_code == 303
    mine = f"t{me.id}.{form['id']}"
    assignment_id = create_assignment(teacher, csrf, source="ids", ids=[mine, "legal-01"])
    student = student_client(app)
    token = join_token(student, get_assignment(app, assignment_id).join_code, "Sam")
    assert sorted(question_ids(app, student, token)) == sorted([mine, "legal-01"])
    position = question_ids(app, student, token).index(mine) + 1
    page = html.unescape(student.get(f"/a/{token}/q/{position}").text)
    assert form["claim"] in page and right_option(form) in page
    assert form["option_b_feedback"] not in page and form["explanation"] not in page
    feedback = answer(student, token, mine, "b", htmx=True)
    assert feedback.status_code == 200
    text = html.unescape(feedback.text)
    assert form["explanation"] in text and form["option_b_feedback"] in text
    assert "Not quite: the best choice is" in text
    assert answer_rows(app, token) == [(mine, "b", False)]
    dashboard = teacher.get(f"/teacher/assignments/{assignment_id}").text
    assert "0 of 1 (0%)" in dashboard


def test_download_and_upload_yaml_round_trips_every_kind(app: FastAPI) -> None:
    teacher, csrf, _ = teacher_client(app)
    for form in FORMS.values():
        assert _save(teacher, csrf, form).status_code == 303
    before = _data(app)
    exported = teacher.get("/teacher/questions.yaml").text
    kinds = [q["kind"] for q in yaml.safe_load(exported)["questions"]]
    assert sorted(kinds) == sorted(FORMS)
    for local_id in before:
        teacher.post(f"/teacher/questions/{local_id}/delete", data={"csrf_token": csrf})
    assert _data(app) == {}
    response = upload_file(teacher, csrf, exported, "my-questions.yaml")
    assert response.status_code == 303, response.text
    assert _data(app) == before


@pytest.mark.parametrize("file_name", ["gift.txt", "moodle.xml"])
def test_export_and_import_of_own_questions_round_trips_every_kind(
    app: FastAPI, file_name: str
) -> None:
    teacher, csrf, _ = teacher_client(app)
    for form in FORMS.values():
        assert _save(teacher, csrf, form).status_code == 303
    before = _data(app)
    exported = teacher.get(f"/teacher/questions/export/{file_name}").content
    for local_id in before:
        teacher.post(f"/teacher/questions/{local_id}/delete", data={"csrf_token": csrf})
    response = upload_file(teacher, csrf, exported, f"my-questions-{file_name}")
    assert response.status_code == 303, response.text
    assert _data(app) == before


def test_import_of_a_best_evidence_question_without_rungs_says_where_they_go(
    app: FastAPI,
) -> None:
    teacher, csrf, _ = teacher_client(app)
    assert _save(teacher, csrf, BEST_EVIDENCE_FORM).status_code == 303
    exported = teacher.get("/teacher/questions/export/gift.txt").text
    without_rungs = re.sub(r', "options": \[[^\]]*\]', "", exported)
    assert without_rungs != exported
    teacher.post(f"/teacher/questions/{BEST_EVIDENCE_FORM['id']}/delete", data={"csrf_token": csrf})
    response = upload_file(teacher, csrf, without_rungs, "week3.gift")
    assert response.status_code == 422
    page = html.unescape(response.text)
    assert "GIFT has no place for that" in page
    assert '"options": [{"id": "a", "rung": "anecdote"}' in page
    assert _data(app) == {}


def test_upload_form_says_what_gift_and_moodle_xml_cannot_carry(app: FastAPI) -> None:
    teacher, _csrf, _ = teacher_client(app)
    page = html.unescape(teacher.get("/teacher/questions").text)
    assert "they have no place for the rest (the kind, theme, cue" in page
    assert '<p class="hint" id="file-kinds">' in page
