"""Embedding: the set page's snippet, the framed start page, framing headers, and oEmbed."""

import html

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from quiz_app.config import Settings
from quiz_app.main import create_app
from tests.support.factories import question_ids, question_url, start_attempt

FRAMED = {"Sec-Fetch-Dest": "iframe"}


def _frame_ancestors(response) -> str:  # type: ignore[no-untyped-def]
    csp = response.headers["content-security-policy"]
    return csp.rsplit("frame-ancestors", 1)[1].strip()


def test_show_set_offers_escaped_embed_snippet_and_oembed_discovery(client: TestClient) -> None:
    response = client.get("/sets/micro-not-safe")
    assert response.status_code == 200
    page = response.text
    assert '<link rel="alternate" type="application/json+oembed"' in page
    assert "/oembed?url=http://testserver/sets/micro-not-safe&amp;format=json" in page
    snippet = html.unescape(
        page.split('id="embed-code"', 1)[1].split(">", 1)[1].split("</textarea")[0]
    )
    assert snippet.startswith(
        '<iframe data-claim-check src="http://testserver/embed/sets/micro-not-safe"'
    )
    assert '<script src="http://testserver/static/embed.js" async></script>' in snippet


def test_embed_set_has_minimal_chrome_and_allows_framing(client: TestClient) -> None:
    response = client.get("/embed/sets/micro-not-safe")
    assert response.status_code == 200
    assert 'class="embedded"' in response.text
    assert "site-header" not in response.text
    assert 'data-resume-set="micro-not-safe"' in response.text
    assert _frame_ancestors(response) == "*"


def test_attempt_pages_in_a_frame_drop_site_chrome(app: FastAPI, client: TestClient) -> None:
    token = start_attempt(client, "micro-not-safe")
    qid = question_ids(app, client, token)[0]
    framed = client.get(question_url(client, token, qid), headers=FRAMED)
    plain = client.get(question_url(client, token, qid))
    assert "site-header" not in framed.text and "site-header" in plain.text
    assert f'data-resume-url="/a/{token}"' in framed.text
    assert _frame_ancestors(framed) == "*"
    results = client.get(f"/a/{token}/results", headers=FRAMED)
    assert _frame_ancestors(results) == "*"


@pytest.mark.parametrize("path", ["/nowhere", "/static/app.css"])
def test_pages_not_meant_for_framing_refuse_it(client: TestClient, path: str) -> None:
    assert _frame_ancestors(client.get(path)) == "'none'"


def test_frame_ancestors_setting_restricts_who_may_frame(database_url: str) -> None:
    settings = Settings(
        database_url=database_url,
        htmx_source="local",
        frame_ancestors="https://canvas.example.edu https://moodle.example.org",
    )
    app = create_app(settings)
    with TestClient(app) as client:
        response = client.get("/embed/sets/micro-not-safe")
    app.state.engine.dispose()
    assert _frame_ancestors(response) == "https://canvas.example.edu https://moodle.example.org"


def test_frame_ancestors_setting_rejects_header_injection() -> None:
    with pytest.raises(ValueError):
        Settings(frame_ancestors="* ; script-src *")


def test_oembed_for_set_page_returns_rich_embed(client: TestClient) -> None:
    response = client.get(
        "/oembed", params={"url": "http://testserver/sets/evidence-gaps", "format": "json"}
    )
    assert response.status_code == 200
    data = response.json()
    assert data["type"] == "rich" and data["version"] == "1.0"
    assert data["provider_name"] == "Claim Check"
    assert data["title"] == "Mind the evidence gaps"
    assert 'src="http://testserver/embed/sets/evidence-gaps"' in data["html"]
    assert (data["width"], data["height"]) == (640, 720)


def test_oembed_respects_maxwidth_and_maxheight(client: TestClient) -> None:
    response = client.get(
        "/oembed",
        params={
            "url": "http://testserver/embed/sets/evidence-gaps",
            "maxwidth": 400,
            "maxheight": 300,
        },
    )
    data = response.json()
    assert (data["width"], data["height"]) == (400, 300)
    assert 'width="400" height="300"' in data["html"]


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"url": "http://testserver/sets/no-such-set"}, 404),
        ({"url": "https://evil.example/sets/evidence-gaps"}, 404),
        ({"url": "http://testserver/sources"}, 404),
        ({"url": "http://testserver/sets/evidence-gaps", "format": "xml"}, 501),
        ({}, 422),
        ({"url": "http://testserver/sets/evidence-gaps", "maxwidth": "-3"}, 422),
    ],
)
def test_oembed_bad_requests_get_clear_errors(
    client: TestClient, params: dict[str, str], status: int
) -> None:
    response = client.get("/oembed", params=params)
    assert response.status_code == status
    assert "<p>" in response.text


def test_embed_unknown_set_is_404(client: TestClient) -> None:
    for path in ("/embed/sets/nope", "/sets/nope"):
        response = client.get(path)
        assert response.status_code == 404
        assert "There is no question set with that name" in response.text


def test_public_url_setting_is_used_in_snippets(database_url: str) -> None:
    settings = Settings(
        database_url=database_url, htmx_source="local", public_url="https://quiz.school.example/"
    )
    app = create_app(settings)
    with TestClient(app) as client:
        data = client.get(
            "/oembed", params={"url": "https://quiz.school.example/sets/evidence-gaps"}
        ).json()
    app.state.engine.dispose()
    assert 'src="https://quiz.school.example/embed/sets/evidence-gaps"' in data["html"]


def test_next_question_fragment_in_a_frame_offers_resume_link_in_new_tab(
    app: FastAPI, client: TestClient
) -> None:
    token = start_attempt(client, "micro-not-safe")
    qid = question_ids(app, client, token)[1]
    headers = {"HX-Request": "true", "X-Claim-Check-Embedded": "1"}
    fragment = client.get(question_url(client, token, qid), headers=headers).text
    assert f'href="/a/{token}" target="_blank" rel="noopener"' in fragment
    plain = client.get(question_url(client, token, qid), headers={"HX-Request": "true"}).text
    assert "keep this page's link" in plain
