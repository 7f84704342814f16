"""A logged-in teacher downloads a bundled set for their LMS from their home page; the files
hold the answer key, so nobody else can (the old public addresses send a visitor to log in)."""

import html
import io
import zipfile

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from quiz_app.interop.gift import parse_gift
from quiz_app.interop.mapping import bank_dict
from quiz_app.interop.moodle import parse_moodle_xml
from tests.support.qti_check import check_package
from tests.support.teacher_factories import teacher_client

FORMATS = [
    ("qti.zip", "application/zip", "qti21.zip"),
    ("moodle.xml", "application/xml", "moodle.xml"),
    ("gift.txt", "text/plain; charset=utf-8", "gift.txt"),
]
NAMES = [name for name, _, _ in FORMATS]


@pytest.fixture
def teacher(app: FastAPI) -> TestClient:
    client, _csrf, _teacher = teacher_client(app)
    return client


@pytest.mark.parametrize("name, media_type, suffix", FORMATS)
def test_export_bundled_set_downloads_a_named_file(
    teacher: TestClient, name: str, media_type: str, suffix: str
) -> None:
    response = teacher.get(f"/teacher/sets/micro-not-safe/export/{name}")
    assert response.status_code == 200
    assert response.headers["content-type"] == media_type
    assert response.headers["content-disposition"] == (
        f'attachment; filename="claim-check-micro-not-safe-{suffix}"'
    )
    assert response.headers["x-content-type-options"] == "nosniff"
    # The answer key: never kept by a shared cache, never shown in another site's frame.
    assert response.headers["cache-control"] == "no-store"


def test_export_qti_zip_holds_a_manifest_and_every_question_the_set_matches(
    app: FastAPI, teacher: TestClient
) -> None:
    bank = app.state.bank
    expected = bank.matching(bank.sets["evidence-gaps"].selection)
    response = teacher.get("/teacher/sets/evidence-gaps/export/qti.zip")
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        names = archive.namelist()
        manifest = archive.read("imsmanifest.xml").decode()
    assert names == ["imsmanifest.xml", *(f"items/{q.id}.xml" for q in expected)]
    assert list(check_package(response.content)) == [f"items/{q.id}.xml" for q in expected]
    assert "Claim Check: Mind the evidence gaps" in manifest


@pytest.mark.parametrize(
    "name, parse", [("moodle.xml", parse_moodle_xml), ("gift.txt", parse_gift)]
)
def test_export_moodle_and_gift_hold_the_sets_questions_in_bank_order(
    app: FastAPI, teacher: TestClient, name: str, parse: object
) -> None:
    bank = app.state.bank
    expected = bank.matching(bank.sets["full-check"].selection)
    assert len(expected) > bank.sets["full-check"].selection.count  # all, not one student's pick
    response = teacher.get(f"/teacher/sets/full-check/export/{name}")
    questions, errors = parse(response.content, concepts=bank.concepts)  # type: ignore[operator]
    assert errors == []
    assert questions == [bank_dict(q) for q in expected]


@pytest.mark.parametrize("name", NAMES)
def test_export_unknown_set_is_a_404_page(teacher: TestClient, name: str) -> None:
    response = teacher.get(f"/teacher/sets/no-such-set/export/{name}")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "no question set with that name" in response.text
    assert "content-disposition" not in response.headers


def test_export_unknown_format_is_a_404_page(teacher: TestClient) -> None:
    for path in ("/teacher/sets/micro-not-safe/export/answers.csv", "/sets/x/export/answers.csv"):
        response = teacher.get(path)
        assert response.status_code == 404, path
        assert "There is no page at this address" in response.text


@pytest.mark.parametrize("name", NAMES)
def test_export_bundled_set_anonymously_redirects_to_login_without_the_key(
    client: TestClient, name: str
) -> None:
    path = f"/teacher/sets/micro-not-safe/export/{name}"
    response = client.get(path)
    assert response.status_code == 303
    assert response.headers["location"] == f"/teacher/login?next={path}"
    assert "content-disposition" not in response.headers


@pytest.mark.parametrize("name", NAMES)
def test_export_bundled_set_from_a_script_without_login_is_401_with_a_message(
    client: TestClient, name: str
) -> None:
    response = client.get(
        f"/teacher/sets/micro-not-safe/export/{name}", headers={"HX-Request": "true"}
    )
    assert response.status_code == 401
    assert "You are not logged in" in response.text


@pytest.mark.parametrize("name", NAMES)
def test_export_at_the_old_public_address_leads_to_login_then_the_file(
    app: FastAPI, client: TestClient, name: str
) -> None:
    moved = client.get(f"/sets/micro-not-safe/export/{name}")
    assert moved.status_code == 308
    assert moved.headers["location"] == f"/teacher/sets/micro-not-safe/export/{name}"
    assert client.get(moved.headers["location"]).status_code == 303  # to the login page
    teacher, _csrf, _ = teacher_client(app, "bea@school.org")
    assert teacher.get(moved.headers["location"]).status_code == 200


def test_home_page_links_no_answer_key_files(app: FastAPI, client: TestClient) -> None:
    page = client.get("/").text
    assert "/export/" not in page
    assert "answer key" not in page
    assert "use in your LMS" not in page


def test_teacher_home_offers_each_set_for_an_lms_and_warns_of_the_answer_key(
    app: FastAPI, teacher: TestClient
) -> None:
    page = teacher.get("/teacher").text
    assert "with the answer key" in html.unescape(page)
    assert "public in Claim Check's open-source question bank" in html.unescape(page)
    for qset in app.state.bank.sets.values():
        assert qset.title in html.unescape(page)
        for name in NAMES:
            assert f'href="/teacher/sets/{qset.id}/export/{name}" download' in page
