"""The results downloads added for issue 11: items.csv, ?names=off and the data dictionary,
through the real routes of a class that answered."""

import csv
import io
import json

from fastapi import FastAPI
from fastapi.testclient import TestClient

from quiz_app.learning import results_files
from quiz_app.paths import bundled
from tests.support.factories import answer, question
from tests.support.teacher_factories import (
    create_assignment,
    get_assignment,
    join_token,
    teacher_client,
)

PICKED = ["legal-03", "definition-01", "risks-02"]


def _class(app: FastAPI) -> tuple[TestClient, int]:
    teacher, csrf, _ = teacher_client(app)
    assignment_id = create_assignment(teacher, csrf, source="ids", ids=PICKED, shuffle=None)
    code = get_assignment(app, assignment_id).join_code
    for name in ("Ana", "Ben", "Chloé"):
        student = TestClient(app, follow_redirects=False)
        token = join_token(student, code, name)
        for qid in PICKED:
            answer(student, token, qid, question(app, qid).verdict)
    return teacher, assignment_id


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_items_csv_has_one_row_per_question_and_hides_thin_statistics(app: FastAPI) -> None:
    teacher, assignment_id = _class(app)
    response = teacher.get(f"/teacher/assignments/{assignment_id}/items.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.text.splitlines()[0] == ",".join(results_files.ITEM_COLUMNS)
    rows = _rows(response.text)
    assert [r["question_id"] for r in rows] == PICKED
    assert all(r["answered"] == r["correct"] == "3" for r in rows)
    # Three answers are fewer than MIN_ITEM_ANSWERS: the percentages stay empty.
    assert all(r["percent"] == r["facility"] == r["discrimination"] == "" for r in rows)


def test_names_off_replaces_every_name_in_every_file(app: FastAPI) -> None:
    teacher, assignment_id = _class(app)
    ids = set()
    for name in ("answers.csv", "students.csv", "results.json"):
        response = teacher.get(f"/teacher/assignments/{assignment_id}/{name}?names=off")
        assert response.status_code == 200
        assert not any(n in response.text for n in ("Ana", "Ben", "Chlo"))
        if name.endswith(".csv"):
            ids |= {r["student"] for r in _rows(response.text)}
        else:
            ids |= {s["student"] for s in json.loads(response.text)["students"]}
    assert len(ids) == 3 and all(i.startswith("s-") for i in ids)
    named = teacher.get(f"/teacher/assignments/{assignment_id}/students.csv").text
    assert {r["student"] for r in _rows(named)} == {"Ana", "Ben", "Chloé"}


def test_the_data_dictionary_is_offered_beside_the_files(app: FastAPI) -> None:
    teacher, assignment_id = _class(app)
    page = teacher.get(f"/teacher/assignments/{assignment_id}").text
    link = f"/teacher/assignments/{assignment_id}/datapackage.json"
    assert link in page and f"/teacher/assignments/{assignment_id}/items.csv" in page
    response = teacher.get(link)
    assert response.status_code == 200
    assert response.json() == json.loads((bundled("docs") / "datapackage.json").read_text())
