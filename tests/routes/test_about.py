"""The privacy and accessibility pages: linked from every page's footer, saying which other
site this server's pages talk to, and describing every table the database has."""

import html
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from quiz_app.config import Settings
from quiz_app.main import create_app
from quiz_app.models import Base

DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.mark.parametrize("path", ["/", "/sources", "/join", "/teacher/login", "/privacy"])
def test_every_page_footer_links_privacy_and_accessibility(client: TestClient, path: str) -> None:
    page = client.get(path).text
    footer = page[page.index('<footer class="site-footer">') :]
    assert '<a href="/privacy">Privacy</a>' in footer
    assert '<a href="/accessibility">Accessibility</a>' in footer


def test_privacy_page_in_local_mode_says_no_other_site_is_contacted(client: TestClient) -> None:
    page = html.unescape(client.get("/privacy").text)
    assert "This server runs in the local mode" in page.replace("<code>", "").replace("</code>", "")
    assert "no page contacts any other site" in page
    assert "cdn.jsdelivr.net receives" not in page


def test_privacy_page_in_cdn_mode_names_the_cdn_and_what_it_receives(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'q.db'}", htmx_source="cdn")
    app = create_app(settings)
    try:
        page = html.unescape(TestClient(app).get("/privacy").text)
    finally:
        app.state.engine.dispose()
    mode = page[page.index('id="htmx-mode"') :].split("</p>")[0]
    assert "cdn</code> mode" in mode
    assert "<strong>cdn.jsdelivr.net</strong>" in mode
    assert "IP address and browser" in mode
    assert "QUIZ_HTMX_SOURCE=local" in mode


def test_privacy_page_shows_how_long_this_server_keeps_data(client: TestClient) -> None:
    page = html.unescape(client.get("/privacy").text)
    table = page[page.index("How long this server keeps data") :].split("</table>")[0]
    assert "30 days" in table  # public attempts
    assert "365 days" in table  # an assignment's data after it closes
    assert "8 hours" in table  # the join cookie's memory
    assert "12 hours" in table  # a teacher's login (QUIZ_SESSION_HOURS)


def test_privacy_doc_describes_every_table_of_the_database(app: FastAPI) -> None:
    text = (DOCS / "privacy.md").read_text(encoding="utf-8")
    missing = sorted(t for t in Base.metadata.tables if f"`{t}`" not in text)
    assert missing == []


def test_privacy_doc_says_ip_addresses_are_stored_only_in_rate_limit_counters() -> None:
    text = (DOCS / "privacy.md").read_text(encoding="utf-8")
    assert "stores no student's IP address with anything about the student" in text
    assert "`rate_limits`" in text
    ip_columns = [
        f"{table.name}.{column.name}"
        for table in Base.metadata.tables.values()
        for column in table.columns
        if any(word in column.name for word in ("ip", "address", "email", "agent"))
    ]
    assert ip_columns == ["teachers.email"]  # the rate limits keep addresses inside their keys


def test_accessibility_page_shows_each_criterion_a_and_aa(client: TestClient) -> None:
    page = html.unescape(client.get("/accessibility").text)
    assert "<h1>Accessibility conformance report (WCAG 2.1 AA)</h1>" in page
    criteria = {
        cell.removeprefix("<td>").split(" ")[0]
        for line in page.split("<tr>")
        if (cell := line.strip()).startswith("<td>") and cell[4:5].isdigit()
    }
    assert len(criteria) == 50  # WCAG 2.1: 30 at level A, 20 at level AA
    assert "1.4.10" in criteria and "4.1.3" in criteria
    assert "Chromium" in page and "Report date" in page
