"""htmx: pinned on the CDN with Subresource Integrity, and served locally as a fallback."""

import base64
import hashlib
import re

from fastapi.testclient import TestClient

from quiz_app.classroom.class_events import SSE_CDN_URL, SSE_LOCAL, SSE_SRI, SSE_VERSION
from quiz_app.config import HTMX_CDN_URL, HTMX_SRI, HTMX_VERSION, Settings
from quiz_app.main import create_app
from quiz_app.paths import bundled


def test_vendored_htmx_matches_the_pinned_integrity_hash() -> None:
    body = (bundled("static") / f"htmx-{HTMX_VERSION}.min.js").read_bytes()
    digest = base64.b64encode(hashlib.sha384(body).digest()).decode()
    assert HTMX_SRI == f"sha384-{digest}"
    assert HTMX_VERSION.startswith("2.")
    assert f"htmx.org@{HTMX_VERSION}/" in HTMX_CDN_URL


def test_cdn_mode_pins_the_cdn_file_with_integrity_no_referrer_and_local_fallback(
    database_url: str,
) -> None:
    app = create_app(Settings(database_url=database_url, htmx_source="cdn"))
    with TestClient(app) as client:
        html = client.get("/").text
        csp = client.get("/").headers["content-security-policy"]
    app.state.engine.dispose()
    assert (
        f'src="{HTMX_CDN_URL}" integrity="{HTMX_SRI}" crossorigin="anonymous" '
        'referrerpolicy="no-referrer"'
    ) in html
    assert f'data-htmx-fallback="/static/htmx-{HTMX_VERSION}.min.js"' in html
    script_src = re.search(r"script-src ([^;]*)", csp)
    assert script_src is not None
    # The pinned files (htmx, and class mode's SSE extension), not the whole shared host.
    assert script_src[1].split() == ["'self'", HTMX_CDN_URL, SSE_CDN_URL]


def test_local_mode_never_references_the_cdn(client: TestClient) -> None:
    html = client.get("/").text
    assert "cdn.jsdelivr.net" not in html
    assert f'src="/static/htmx-{HTMX_VERSION}.min.js"' in html
    assert "cdn.jsdelivr.net" not in client.get("/").headers["content-security-policy"]


def test_static_htmx_is_served(client: TestClient) -> None:
    response = client.get(f"/static/htmx-{HTMX_VERSION}.min.js")
    assert response.status_code == 200
    assert "htmx" in response.text[:2000]


def test_vendored_sse_extension_matches_its_pinned_integrity_hash() -> None:
    body = (bundled("static") / SSE_LOCAL).read_bytes()
    digest = base64.b64encode(hashlib.sha384(body).digest()).decode()
    assert SSE_SRI == f"sha384-{digest}"
    assert f"htmx-ext-sse@{SSE_VERSION}/" in SSE_CDN_URL
    assert b'htmx.defineExtension("sse"' in body
