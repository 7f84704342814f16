"""A teacher downloads a bundled set for their LMS, from the home page's "use in your LMS" links."""

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

FORMATS = [
    ("qti.zip", "application/zip", "qti21.zip"),
    ("moodle.xml", "application/xml", "moodle.xml"),
    ("gift.txt", "text/plain; charset=utf-8", "gift.txt"),
]


@pytest.mark.parametrize("name, media_type, suffix", FORMATS)
def test_export_bundled_set_downloads_a_named_file(
    client: TestClient, name: str, media_type: str, suffix: str
) -> None:
    response = client.get(f"/sets/micro-not-safe/export/{name}")
    assert response.status_code == 200
    assert response.headers["content-type"] == media_type
    assert response.headers["content-disposition"] == (
        f'attachment; filename="claim-check-micro-not-safe-{suffix}"'
    )
    assert response.headers["x-content-type-options"] == "nosniff"


def test_export_qti_zip_holds_a_manifest_and_every_question_the_set_matches(
    app: FastAPI, client: TestClient
) -> None:
    bank = app.state.bank
    expected = bank.matching(bank.sets["evidence-gaps"].selection)
    response = client.get("/sets/evidence-gaps/export/qti.zip")
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
    app: FastAPI, client: TestClient, name: str, parse: object
) -> None:
    bank = app.state.bank
    expected = bank.matching(bank.sets["full-check"].selection)
    assert len(expected) > bank.sets["full-check"].selection.count  # all, not one student's pick
    response = client.get(f"/sets/full-check/export/{name}")
    questions, errors = parse(response.content, concepts=bank.concepts)  # type: ignore[operator]
    assert errors == []
    assert questions == [bank_dict(q) for q in expected]


@pytest.mark.parametrize("name", [f for f, _, _ in FORMATS])
def test_export_unknown_set_is_a_404_page(client: TestClient, name: str) -> None:
    response = client.get(f"/sets/no-such-set/export/{name}")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "no question set with that name" in response.text
    assert "content-disposition" not in response.headers


def test_export_unknown_format_is_a_404_page(client: TestClient) -> None:
    response = client.get("/sets/micro-not-safe/export/answers.csv")
    assert response.status_code == 404
    assert "There is no page at this address" in response.text


def test_home_page_offers_each_set_for_an_lms_and_warns_of_the_answer_key(
    app: FastAPI, client: TestClient
) -> None:
    page = client.get("/").text
    assert page.count("For teachers: use in your LMS") == len(app.state.bank.sets)
    assert html.unescape(page).count("with the answer key.") == len(app.state.bank.sets)
    for set_id in app.state.bank.sets:
        for name, _, _ in FORMATS:
            assert f'href="/sets/{set_id}/export/{name}" download' in page
