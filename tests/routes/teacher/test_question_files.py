"""A teacher takes their own questions to any LMS, and brings questions from one: the assignment's
questions and "My questions" download as QTI 2.1, Moodle XML and GIFT; GIFT and Moodle XML files
upload into "My questions" through the same rules as YAML, all or nothing, problems by line."""

import html
import io
import json
import zipfile
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from lxml import etree
from sqlalchemy import select

from quiz_app.interop.gift import parse_gift
from quiz_app.interop.moodle import parse_moodle_xml
from quiz_app.models import TeacherQuestion
from tests.support.import_samples import GIFT_CLASSIFY, GIFT_FIX_CLAIM, moodle_file, moodle_question
from tests.support.qti_check import check_package, qti_schemas
from tests.support.question_forms import upload_file
from tests.support.teacher_factories import GOOD_QUESTION_FORM as GOOD
from tests.support.teacher_factories import create_assignment, teacher_client

FORMATS = [
    ("qti.zip", "application/zip", "qti21.zip"),
    ("moodle.xml", "application/xml", "moodle.xml"),
    ("gift.txt", "text/plain; charset=utf-8", "gift.txt"),
]
READERS = {"moodle.xml": parse_moodle_xml, "gift.txt": parse_gift}


def _save(client: TestClient, csrf: str, **changes: Any) -> None:
    response = client.post("/teacher/questions", data={**GOOD, **changes, "csrf_token": csrf})
    assert response.status_code == 303, response.text


def _rows(app: FastAPI) -> dict[str, TeacherQuestion]:
    with app.state.sessions() as session:
        return {r.question_id: r for r in session.scalars(select(TeacherQuestion))}


def _problems(page: str) -> list[str]:
    """Return the problems the My questions page lists, as the teacher reads them."""
    section = page.split('<ul class="problems">', 1)[1].split("</ul>", 1)[0]
    return [html.unescape(p.split("</code>")[0]) for p in section.split("<li><code>")[1:]]


def _unzip(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _assignment_qti(app: FastAPI) -> bytes:
    """Export an assignment of one own question and one bundled question as QTI."""
    teacher, csrf, me = teacher_client(app)
    _save(teacher, csrf)
    assignment_id = create_assignment(
        teacher, csrf, source="ids", ids=[f"t{me.id}.cousin-legal", "legal-01"]
    )
    response = teacher.get(f"/teacher/assignments/{assignment_id}/export/qti.zip")
    assert response.status_code == 200, response.text
    return response.content


# --- exporting an assignment's questions ------------------------------------------------


@pytest.mark.parametrize(("name", "media_type", "suffix"), FORMATS)
def test_export_assignment_downloads_a_named_file_for_teacher_only(
    app: FastAPI, name: str, media_type: str, suffix: str
) -> None:
    teacher, csrf, _ = teacher_client(app)
    assignment_id = create_assignment(teacher, csrf)
    response = teacher.get(f"/teacher/assignments/{assignment_id}/export/{name}")
    assert response.status_code == 200
    assert response.headers["content-type"] == media_type
    assert response.headers["content-disposition"] == (
        f'attachment; filename="assignment-{assignment_id}-{suffix}"'
    )
    # The answer key: never kept by a shared cache, never shown in another site's frame.
    assert response.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


@pytest.mark.parametrize("name", ["moodle.xml", "gift.txt"])
def test_export_assignment_holds_its_whole_pool_with_own_questions_under_their_ids(
    app: FastAPI, name: str
) -> None:
    teacher, csrf, me = teacher_client(app)
    _save(teacher, csrf)
    bank = app.state.bank
    assignment_id = create_assignment(
        teacher,
        csrf,
        source="ids",
        ids=[f"t{me.id}.cousin-legal", "legal-01", "legal-02"],
        question_count="1",  # each student gets one; the file holds all three
    )
    response = teacher.get(f"/teacher/assignments/{assignment_id}/export/{name}")
    questions, errors = READERS[name](response.content, concepts=bank.concepts)
    assert errors == []
    assert [q["id"] for q in questions] == ["cousin-legal", "legal-01", "legal-02"]
    mine = questions[0]
    assert (mine["claim"], mine["verdict"], mine["explanation"]) == (
        GOOD["claim"],
        GOOD["verdict"],
        GOOD["explanation"],
    )
    assert "Year 9: micro is not safe" in response.content.decode()  # the LMS category


def test_export_assignment_qti_package_holds_each_question_as_a_checked_item(
    app: FastAPI,
) -> None:
    content = _assignment_qti(app)
    files = _unzip(content)
    assert list(files) == ["imsmanifest.xml", "items/cousin-legal.xml", "items/legal-01.xml"]
    assert list(check_package(content)) == ["items/cousin-legal.xml", "items/legal-01.xml"]
    assert b"Claim Check: Year 9: micro is not safe" in files["imsmanifest.xml"]
    assert GOOD["explanation"].encode() in files["items/cousin-legal.xml"]


def test_export_assignment_qti_package_validates_against_the_ims_schemas(app: FastAPI) -> None:
    schemas = qti_schemas()
    files = _unzip(_assignment_qti(app))
    manifest = etree.fromstring(files["imsmanifest.xml"])
    assert schemas.manifest.validate(manifest), schemas.manifest.error_log
    for path in ("items/cousin-legal.xml", "items/legal-01.xml"):
        item = etree.fromstring(files[path])
        assert schemas.item.validate(item), schemas.item.error_log


def test_export_own_question_whose_id_a_bank_question_has_keeps_both_apart(
    app: FastAPI,
) -> None:
    teacher, csrf, me = teacher_client(app)
    _save(teacher, csrf, id="legal-01")  # the teacher's id is also a bundled question's
    assignment_id = create_assignment(
        teacher, csrf, source="ids", ids=["legal-01", f"t{me.id}.legal-01"]
    )
    response = teacher.get(f"/teacher/assignments/{assignment_id}/export/gift.txt")
    questions, errors = parse_gift(response.content)
    assert errors == []
    assert [q["id"] for q in questions] == ["legal-01", f"t{me.id}-legal-01"]
    assert questions[1]["claim"] == GOOD["claim"]


# --- exporting "My questions" -----------------------------------------------------------


@pytest.mark.parametrize(("name", "media_type", "suffix"), FORMATS)
def test_export_my_questions_holds_every_own_question(
    app: FastAPI, name: str, media_type: str, suffix: str
) -> None:
    teacher, csrf, _ = teacher_client(app)
    _save(teacher, csrf)
    _save(teacher, csrf, id="second", verdict="hypothesis")
    page = teacher.get("/teacher/questions").text
    assert f'href="/teacher/questions/export/{name}" download' in page
    response = teacher.get(f"/teacher/questions/export/{name}")
    assert response.status_code == 200
    assert response.headers["content-type"] == media_type
    assert response.headers["content-disposition"] == (
        f'attachment; filename="my-questions-{suffix}"'
    )
    if name == "qti.zip":
        files = _unzip(response.content)
        assert list(files) == ["imsmanifest.xml", "items/cousin-legal.xml", "items/second.xml"]
        return
    questions, errors = READERS[name](response.content, concepts=app.state.bank.concepts)
    assert errors == []
    assert [(q["id"], q["verdict"]) for q in questions] == [
        ("cousin-legal", "unsupported"),
        ("second", "hypothesis"),
    ]


@pytest.mark.parametrize("name", [f for f, _, _ in FORMATS])
def test_export_my_questions_with_none_written_is_a_404_saying_why(app: FastAPI, name: str) -> None:
    teacher, _csrf, _ = teacher_client(app)
    assert "/teacher/questions/export/" not in teacher.get("/teacher/questions").text
    response = teacher.get(f"/teacher/questions/export/{name}")
    assert response.status_code == 404
    assert "You have no questions to export yet" in response.text
    assert "content-disposition" not in response.headers


@pytest.mark.parametrize("name", [f for f, _, _ in FORMATS])
def test_export_my_questions_never_holds_another_teachers_questions(
    app: FastAPI, name: str
) -> None:
    owner, owner_csrf, _ = teacher_client(app)
    _save(owner, owner_csrf)
    other, csrf, _ = teacher_client(app, "bob@school.org")
    other_claim = "A classmate says a tiny amount is legal, because it is small."
    _save(other, csrf, id="bobs-own", claim=other_claim)
    content = other.get(f"/teacher/questions/export/{name}").content
    files = _unzip(content) if name == "qti.zip" else {"file": content}
    text = html.unescape(b"".join(files.values()).decode())
    assert other_claim in text
    assert GOOD["claim"] not in text and "cousin-legal" not in text


def test_assignment_page_links_the_three_question_files(app: FastAPI) -> None:
    teacher, csrf, _ = teacher_client(app)
    assignment_id = create_assignment(teacher, csrf)
    page = teacher.get(f"/teacher/assignments/{assignment_id}").text
    for name, _, _ in FORMATS:
        assert f'href="/teacher/assignments/{assignment_id}/export/{name}" download' in page
    assert "the files hold the answer key" in page


# --- importing GIFT and Moodle XML into "My questions" ----------------------------------


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("week3.gift", GIFT_CLASSIFY + "\n" + GIFT_FIX_CLAIM),
        ("week3.txt", GIFT_CLASSIFY + "\n" + GIFT_FIX_CLAIM),
        ("week3.xml", moodle_file(moodle_question(extra="<idnumber>fix-1</idnumber>"))),
    ],
)
def test_upload_gift_or_moodle_xml_stores_namespaced_questions(
    app: FastAPI, name: str, body: str
) -> None:
    teacher, csrf, me = teacher_client(app)
    response = upload_file(teacher, csrf, body, name)
    assert response.status_code == 303, response.text
    rows = _rows(app)
    expected = ["friend-s-claim", "fix-1"] if name != "week3.xml" else ["fix-1"]
    assert response.headers["location"] == f"/teacher/questions?uploaded={len(expected)}"
    assert sorted(rows) == sorted(f"t{me.id}.{local}" for local in expected)
    first = rows[f"t{me.id}.{expected[0]}"]
    assert first.data["kind"] == "classify" and first.data["verdict"] == "unsupported"
    page = html.unescape(teacher.get(response.headers["location"]).text)
    assert f"Uploaded {len(expected)} question(s)." in page
    assert "My friend says it is harmless" in page


def test_imported_question_can_be_used_in_an_assignment(app: FastAPI) -> None:
    teacher, csrf, me = teacher_client(app)
    assert upload_file(teacher, csrf, GIFT_CLASSIFY, "week3.gift").status_code == 303
    bank_page = teacher.get("/teacher/bank").text
    assert f'name="ids" value="t{me.id}.friend-s-claim"' in bank_page
    create_assignment(teacher, csrf, source="ids", ids=[f"t{me.id}.friend-s-claim"])


def test_upload_gift_with_problems_stores_nothing_and_lists_each_by_line(app: FastAPI) -> None:
    teacher, csrf, _ = teacher_client(app)
    bad = GIFT_FIX_CLAIM.replace("makes everyone calmer", "makes everyone calmer at 5 mg")
    partial = GIFT_CLASSIFY.replace("=Unsupported", "~%50%Unsupported")
    body = GIFT_CLASSIFY.replace("Friend's claim", "good-one") + "\n" + bad + "\n" + partial
    response = upload_file(teacher, csrf, body, "week3.gift")
    assert response.status_code == 422
    text = html.unescape(response.text)
    assert "Nothing was uploaded" in text
    problems = _problems(response.text)
    assert any(
        p.startswith("week3.gift: line 13: question “fix-1”: the question text:")
        and "dose amounts and units are not allowed" in p
        for p in problems
    ), problems
    assert "week3.gift: line 5:" not in text  # the good question has nothing to fix
    assert any(
        p.startswith("week3.gift: line 27: question “Friend's claim”: answer 3 gives partial")
        for p in problems
    ), problems
    assert _rows(app) == {}


def test_upload_moodle_xml_with_unknown_concept_names_the_bank_concepts(app: FastAPI) -> None:
    teacher, csrf, _ = teacher_client(app)
    meta = json.loads(moodle_question().split("<claimcheck>")[1].split("</claimcheck>")[0])
    reasons = ["no-such-concept", "popularity", "authority"]
    unknown = {"concepts": ["no-such-concept"], "reason_options": reasons}
    body = moodle_file(moodle_question(meta={**meta, **unknown}))
    response = upload_file(teacher, csrf, body, "bank.xml")
    assert response.status_code == 422
    (problem,) = _problems(response.text)
    assert problem.startswith("bank.xml: line 16: question “Friend's claim”: ")  # <claimcheck>
    assert "these concept ids are not in the bank: no-such-concept" in problem
    assert _rows(app) == {}


def test_upload_gift_with_an_id_already_used_is_refused_and_keeps_both(app: FastAPI) -> None:
    teacher, csrf, me = teacher_client(app)
    _save(teacher, csrf, id="friend-s-claim")
    body = GIFT_FIX_CLAIM + "\n" + GIFT_CLASSIFY
    response = upload_file(teacher, csrf, body, "week3.gift")
    assert response.status_code == 422
    (problem,) = _problems(response.text)
    assert problem.startswith(
        "week3.gift: line 13: question “friend-s-claim”: you already have a question with this id"
    )
    assert "::name::" in problem
    rows = _rows(app)
    assert list(rows) == [f"t{me.id}.friend-s-claim"]
    assert rows[f"t{me.id}.friend-s-claim"].data["claim"] == GOOD["claim"]


def test_upload_gift_id_longer_than_own_questions_allow_is_named_with_its_line(
    app: FastAPI,
) -> None:
    teacher, csrf, _ = teacher_client(app)
    long_name = "a-" * 27 + "claim"  # 59 characters: a bank id, too long for a teacher's
    body = GIFT_CLASSIFY.replace("Friend's claim", long_name)
    response = upload_file(teacher, csrf, body, "week3.gift")
    assert response.status_code == 422
    (problem,) = _problems(response.text)
    assert problem == (f"week3.gift: line 5: question “{long_name}”: id: use at most 50 characters")


def test_upload_own_export_again_after_deleting_restores_the_questions(app: FastAPI) -> None:
    teacher, csrf, me = teacher_client(app)
    _save(teacher, csrf)
    before = _rows(app)[f"t{me.id}.cousin-legal"].data
    exported = teacher.get("/teacher/questions/export/moodle.xml").content
    teacher.post("/teacher/questions/cousin-legal/delete", data={"csrf_token": csrf})
    assert _rows(app) == {}
    response = upload_file(teacher, csrf, exported, "my-questions-moodle.xml")
    assert response.status_code == 303, response.text
    assert _rows(app)[f"t{me.id}.cousin-legal"].data == before


@pytest.mark.parametrize(
    ("name", "body", "message"),
    [
        ("notes.docx", b"PK\x03\x04", "notes.docx: cannot be read: upload a .yaml or .yml file"),
        ("week3.gift", b"", "week3.gift: line 1: The file is empty."),
        ("week3.gift", b"\xff\xfe\x00", "week3.gift: line 1: The file is not UTF-8 text."),
        ("week3.xml", b"<quiz><question", "week3.xml: line 1:"),
        (
            "week3.xml",
            b'<?xml version="1.0"?>\n<!DOCTYPE quiz [<!ENTITY x "y">]>\n<quiz/>',
            "week3.xml: line 2:",
        ),
    ],
)
def test_upload_unreadable_file_is_422_saying_why(
    app: FastAPI, name: str, body: bytes, message: str
) -> None:
    teacher, csrf, _ = teacher_client(app)
    response = upload_file(teacher, csrf, body, name)
    assert response.status_code == 422
    problems = _problems(response.text)
    assert problems and problems[0].startswith(message), problems
    assert _rows(app) == {}


def test_my_questions_page_offers_gift_and_moodle_xml_uploads(app: FastAPI) -> None:
    teacher, _csrf, _ = teacher_client(app)
    page = teacher.get("/teacher/questions").text
    assert 'accept=".yaml,.yml,.gift,.txt,.xml"' in page
    assert 'aria-describedby="file-hint file-kinds"' in page
