"""htmx detection is one rule (deps.is_htmx) for the routes and for the error pages: htmx asks
for a fragment, except when it restores a page from history, which wants the whole page."""

import pytest
from fastapi.testclient import TestClient

HTMX = {"HX-Request": "true"}
RESTORE = {"HX-Request": "true", "HX-History-Restore-Request": "true"}


@pytest.mark.parametrize(("headers", "whole_page"), [({}, True), (HTMX, False), (RESTORE, True)])
def test_error_page_for_htmx_is_a_fragment_unless_restoring_history(
    client: TestClient, headers: dict[str, str], whole_page: bool
) -> None:
    response = client.get("/no-such-page", headers=headers)
    assert response.status_code == 404
    assert "There is no page at this address" in response.text
    assert ("<html" in response.text) is whole_page


@pytest.mark.parametrize(("headers", "status"), [({}, 303), (HTMX, 401), (RESTORE, 303)])
def test_teacher_page_logged_out_redirects_unless_htmx_wants_a_fragment(
    client: TestClient, headers: dict[str, str], status: int
) -> None:
    response = client.get("/teacher", headers=headers)
    assert response.status_code == status
    if status == 303:
        assert response.headers["location"] == "/teacher/login?next=/teacher"
    else:
        assert "You are not logged in" in response.text and "<html" not in response.text
