"""Values a student's browser (or someone posing as one) can send that used to be 500s."""

import html

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.support.teacher_factories import assignment_of


def test_oembed_of_address_that_does_not_parse_is_not_found(client: TestClient) -> None:
    response = client.get("/oembed", params={"url": "http://[", "format": "json"})
    assert response.status_code == 404
    assert "not a Claim Check page on this server" in html.unescape(response.text)


def test_join_page_with_forged_memory_cookie_offers_a_new_start(app: FastAPI) -> None:
    code, assignment_id, _ = assignment_of(app, ["legal-01", "risks-01"])
    student = TestClient(app, follow_redirects=False)
    student.cookies.set(f"cc_join_{assignment_id}", "token\x00forged", path="/j")
    response = student.get(f"/j/{code}")
    assert response.status_code == 200, response.text[-500:]
    assert 'name="name"' in response.text
