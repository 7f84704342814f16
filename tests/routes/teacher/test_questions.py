"""Teachers write their own questions: checked as they type with the bank's model and content
rules, private to them, usable in their assignments, and downloadable/uploadable as YAML."""

import html
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from quiz_app.bank.catalog import check_bank
from quiz_app.models import TeacherQuestion
from quiz_app.paths import bundled
from tests.support.factories import HTMX, answer, question_ids, question_url
from tests.support.question_forms import field_errors
from tests.support.teacher_factories import GOOD_QUESTION_FORM as GOOD
from tests.support.teacher_factories import (
    create_assignment,
    get_assignment,
    join_token,
    teacher_client,
)


def _htmx(csrf: str) -> dict[str, str]:
    """The headers htmx sends from a teacher page (hx-headers on the body)."""
    return {**HTMX, "X-CSRF-Token": csrf}


def _save(client: TestClient, csrf: str, **changes: Any) -> Any:
    return client.post("/teacher/questions", data={**GOOD, **changes, "csrf_token": csrf})


def _rows(app: FastAPI) -> list[TeacherQuestion]:
    with app.state.sessions() as session:
        return list(session.scalars(select(TeacherQuestion)))


def test_editor_validates_as_teacher_types(app: FastAPI) -> None:
    teacher, _csrf, _ = teacher_client(app)
    page = teacher.get("/teacher/questions/new").text
    assert 'hx-post="/teacher/questions/validate"' in page
    assert 'hx-trigger="input delay:400ms"' in page
    for field in ("claim", "cue", "verdict", "explanation", "needed_evidence", "theme"):
        assert f'aria-describedby="err-{field}"' in page


def test_validate_reports_each_problem_next_to_its_field(app: FastAPI) -> None:
    teacher, csrf, _ = teacher_client(app)
    data = {**GOOD, "claim": "Take 5 mg every day, a tiny amount is legal.", "cue": "not there"}
    del data["verdict"]
    response = teacher.post("/teacher/questions/validate", data=data, headers=_htmx(csrf))
    assert response.status_code == 200
    assert "<html" not in response.text
    assert 'id="problems"' in response.text
    claim = field_errors(response.text, "claim")
    assert "dose amounts and units are not allowed" in claim
    assert "schedules are not allowed" in claim
    assert "this field is required" in field_errors(response.text, "verdict")
    assert field_errors(response.text, "explanation") == ""
    assert 'hx-swap-oob="true"' in response.text
    assert _rows(app) == []


def test_validate_good_question_says_it_can_be_saved(app: FastAPI) -> None:
    teacher, csrf, _ = teacher_client(app)
    response = teacher.post("/teacher/questions/validate", data=GOOD, headers=_htmx(csrf))
    assert "No problems found" in response.text


def test_validate_cue_not_in_claim_names_the_cue(app: FastAPI) -> None:
    teacher, csrf, _ = teacher_client(app)
    response = teacher.post(
        "/teacher/questions/validate", data={**GOOD, "cue": "totally safe"}, headers=_htmx(csrf)
    )
    assert "must occur word for word in the claim" in field_errors(response.text, "cue")


def test_save_question_stores_it_namespaced_and_lists_it(app: FastAPI) -> None:
    teacher, csrf, me = teacher_client(app)
    response = _save(teacher, csrf)
    assert response.status_code == 303
    (row,) = _rows(app)
    assert row.question_id == f"t{me.id}.cousin-legal"
    assert row.data["register"] == "casual" and row.data["difficulty"] == 2
    assert row.data["kind"] == "classify"
    page = teacher.get("/teacher/questions").text
    assert "My cousin says a tiny amount is legal" in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"claim": "You can buy it online, and a tiny amount is legal."}, "claim", "sourcing"),
        ({"explanation": "Here is how to read the law for yourself."}, "explanation", "how-to"),
        ({"theme": "gossip"}, "theme", "Input should be"),
        ({"difficulty": "7"}, "difficulty", "less than or equal to 3"),
        ({"id": "Bad Id!"}, "id", "lowercase letters, digits and single dashes"),
        ({"id": "x" * 51}, "id", "at most 50 characters"),
        ({"source_section": "Laws"}, "source_section", "section titles"),
        ({"concepts": ["legal-not-dose", "no-such-concept"]}, "concepts", "unknown concept ids"),
        ({"ladder_certainty": "sure"}, "ladder", "certainty: Input should be"),
        ({"ladder_rated_down": []}, "ladder", "rated_down"),
        ({"review_by": "soon"}, "review_by", "valid date"),
    ],
)
def test_save_breaking_a_rule_is_422_saying_exactly_why(
    app: FastAPI, changes: dict[str, str], field: str, message: str
) -> None:
    teacher, csrf, _ = teacher_client(app)
    response = _save(teacher, csrf, **changes)
    assert response.status_code == 422
    assert message in field_errors(response.text, field)
    if field in ("concepts", "ladder"):  # a group of inputs: its fieldset points at the problems
        assert f'<fieldset aria-describedby="err-{field}">' in response.text
    else:
        assert f'aria-invalid="true" aria-describedby="err-{field}"' in response.text
    assert _rows(app) == []


def test_save_duplicate_id_is_422_and_keeps_the_first(app: FastAPI) -> None:
    teacher, csrf, _ = teacher_client(app)
    _save(teacher, csrf)
    response = _save(
        teacher, csrf, claim="Another claim where a tiny amount is legal, my friend says."
    )
    assert response.status_code == 422
    assert "already have a question with this id" in field_errors(response.text, "id")
    assert _rows(app)[0].data["claim"] == GOOD["claim"]


def test_question_text_is_escaped_when_shown(app: FastAPI) -> None:
    teacher, csrf, _ = teacher_client(app)
    claim = "<b>My cousin</b> says a tiny amount is legal because it is too small."
    assert _save(teacher, csrf, claim=claim).status_code == 303
    for path in ("/teacher/questions", "/teacher/bank", "/teacher/questions/cousin-legal/edit"):
        page = teacher.get(path).text
        assert "<b>My cousin</b>" not in page
        assert "&lt;b&gt;My cousin&lt;/b&gt;" in page


def test_edit_question_shows_stored_fields_changes_it_and_keeps_id(app: FastAPI) -> None:
    teacher, csrf, me = teacher_client(app)
    _upload(teacher, csrf, _yaml([_typed(GOOD)]))
    form = teacher.get("/teacher/questions/cousin-legal/edit").text
    assert 'name="concepts" value="legal-not-dose" checked' in form
    assert 'name="reason_options" value="authority" checked' in form
    assert '<option value="very-low" selected>' in form
    assert 'name="review_by" type="date" value="2027-09-01"' in form
    assert "readonly" in form
    response = teacher.post(
        "/teacher/questions/cousin-legal/edit",
        data={**GOOD, "id": "renamed", "verdict": "hypothesis", "csrf_token": csrf},
    )
    assert response.status_code == 303
    (row,) = _rows(app)
    assert row.local_id == "cousin-legal" and row.question_id == f"t{me.id}.cousin-legal"
    assert row.data["verdict"] == "hypothesis"
    assert row.data["concepts"] == ["legal-not-dose"]
    assert row.data["ladder"] == {
        "best": "anecdote",
        "certainty": "very-low",
        "rated_down": ["no-study"],
    }
    assert row.data["review_by"] == "2027-09-01"


def test_delete_question_removes_it_unless_an_assignment_uses_it(app: FastAPI) -> None:
    teacher, csrf, me = teacher_client(app)
    _save(teacher, csrf)
    _save(teacher, csrf, id="spare")
    create_assignment(teacher, csrf, source="ids", ids=[f"t{me.id}.cousin-legal"])
    used = teacher.post("/teacher/questions/cousin-legal/delete", data={"csrf_token": csrf})
    assert used.status_code == 409
    assert "Year 9: micro is not safe" in html.unescape(used.text)
    spare = teacher.post("/teacher/questions/spare/delete", data={"csrf_token": csrf})
    assert spare.status_code == 303
    assert [r.local_id for r in _rows(app)] == ["cousin-legal"]


def test_own_question_in_assignment_is_answered_and_graded(app: FastAPI) -> None:
    teacher, csrf, me = teacher_client(app)
    _save(teacher, csrf)
    mine = f"t{me.id}.cousin-legal"
    bank = teacher.get("/teacher/bank").text
    assert f'name="ids" value="{mine}"' in bank
    assignment_id = create_assignment(
        teacher, csrf, source="ids", ids=[mine, "legal-01"], shuffle=None
    )
    student = TestClient(app, follow_redirects=False)
    token = join_token(student, get_assignment(app, assignment_id).join_code, "Sam")
    assert question_ids(app, student, token) == [mine, "legal-01"]
    page = student.get(question_url(student, token, mine))
    assert page.status_code == 200
    assert "My cousin says a tiny amount is legal" in html.unescape(page.text)
    assert GOOD["explanation"] not in html.unescape(page.text)
    feedback = answer(student, token, mine, "unsupported", htmx=True)
    assert "Right: this is Unsupported" in feedback.text
    assert GOOD["explanation"] in html.unescape(feedback.text)
    dashboard = teacher.get(f"/teacher/assignments/{assignment_id}").text
    assert "1 of 1 (100%)" in dashboard


def test_another_teachers_question_cannot_be_picked(app: FastAPI) -> None:
    owner, owner_csrf, me = teacher_client(app)
    _save(owner, owner_csrf)
    other, csrf, _ = teacher_client(app, "bob@school.org")
    response = other.post(
        "/teacher/assignments",
        data={
            "csrf_token": csrf,
            "title": "Sneaky",
            "source": "ids",
            "ids": [f"t{me.id}.cousin-legal"],
            "feedback_mode": "immediate",
            "identity": "name",
            "attempts_allowed": "1",
            "timezone": "UTC",
        },
    )
    assert response.status_code == 422
    assert "do not exist or are not yours" in response.text
    assert GOOD["claim"] not in html.unescape(other.get("/teacher/bank").text)
    assert GOOD["claim"] not in html.unescape(other.get("/teacher/questions").text)


def _typed(form: dict[str, Any]) -> dict[str, Any]:
    """Return an editor form as a question of a bank file."""
    item = {k: v for k, v in form.items() if not k.startswith("ladder_")}
    ladder = {
        "best": form["ladder_best"],
        "certainty": form["ladder_certainty"],
        "rated_down": form["ladder_rated_down"],
    }
    return {"kind": "classify", **item, "difficulty": int(form["difficulty"]), "ladder": ladder}


def _yaml(questions: list[dict[str, Any]]) -> bytes:
    return yaml.safe_dump({"questions": questions}, sort_keys=False).encode()


def _upload(client: TestClient, csrf: str, body: bytes, name: str = "mine.yaml") -> Any:
    return client.post(
        "/teacher/questions/upload",
        data={"csrf_token": csrf},
        files={"file": (name, body, "application/yaml")},
    )


def test_download_is_the_bank_format_and_passes_quiz_app_check(
    app: FastAPI, tmp_path: Path
) -> None:
    teacher, csrf, _ = teacher_client(app)
    _save(teacher, csrf)
    _save(teacher, csrf, id="second", verdict="hypothesis")
    response = teacher.get("/teacher/questions.yaml")
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    data = yaml.safe_load(response.text)
    assert [q["id"] for q in data["questions"]] == ["cousin-legal", "second"]
    first = data["questions"][0]
    assert list(first)[:2] == ["id", "kind"]
    assert first["register"] == "casual"
    (tmp_path / "mine.yaml").write_text(response.text)
    shutil.copy(bundled("questions") / "concepts.yaml", tmp_path)  # the ids they refer to
    bank, problems = check_bank(tmp_path)
    assert problems == [] and bank is not None


def test_upload_round_trip_adds_and_replaces_by_id(app: FastAPI) -> None:
    teacher, csrf, _ = teacher_client(app)
    _save(teacher, csrf)
    exported = teacher.get("/teacher/questions.yaml").text
    data = yaml.safe_load(exported)
    data["questions"][0]["verdict"] = "hypothesis"
    data["questions"].append({**data["questions"][0], "id": "new-one"})
    response = _upload(teacher, csrf, yaml.safe_dump(data).encode())
    assert response.status_code == 303
    assert response.headers["location"] == "/teacher/questions?uploaded=2"
    rows = {r.local_id: r.data for r in _rows(app)}
    assert set(rows) == {"cousin-legal", "new-one"}
    assert rows["cousin-legal"]["verdict"] == "hypothesis"


def test_upload_bundled_bank_file_with_optional_fields_is_accepted(app: FastAPI) -> None:
    teacher, csrf, _ = teacher_client(app)
    body = (bundled("questions") / "legal.yaml").read_bytes()
    response = _upload(teacher, csrf, body, "legal.yaml")
    assert response.status_code == 303, response.text
    assert len(_rows(app)) == len(yaml.safe_load(body)["questions"])


def test_upload_with_problems_saves_nothing_and_lists_file_id_field_message(
    app: FastAPI,
) -> None:
    teacher, csrf, _ = teacher_client(app)
    good = _typed(GOOD)
    bad = {**good, "id": "bad-one", "claim": "Buy it online: a tiny amount is legal."}
    unknown = {**good, "id": "concepts-one", "concepts": ["legal-not-dose", "no-such-concept"]}
    response = _upload(teacher, csrf, _yaml([good, bad, unknown, good]))
    assert response.status_code == 422
    text = html.unescape(response.text)
    assert "Nothing was uploaded" in text
    assert "mine.yaml: bad-one: claim: sourcing is not allowed" in text
    assert "mine.yaml: concepts-one: concepts: unknown concept ids: ['no-such-concept']" in text
    assert "mine.yaml: cousin-legal: id: is used by another question" in text
    assert _rows(app) == []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"questions: [\n  - id: x\n", "not valid YAML"),
        (b"- just a list\n", "must be a mapping with a 'questions' list"),
        (b"\xff\xfe", "not valid YAML"),
        (b"questions: []\n", "the list is empty"),
    ],
)
def test_upload_broken_file_is_422_with_reason(app: FastAPI, body: bytes, message: str) -> None:
    teacher, csrf, _ = teacher_client(app)
    response = _upload(teacher, csrf, body)
    assert response.status_code == 422
    assert message in html.unescape(response.text)


def test_upload_without_file_is_422(app: FastAPI) -> None:
    teacher, csrf, _ = teacher_client(app)
    response = teacher.post("/teacher/questions/upload", data={"csrf_token": csrf})
    assert response.status_code == 422
    assert "Choose a .yaml, .gift, .txt or .xml file to upload." in response.text
