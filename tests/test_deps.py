"""The shared dependencies: htmx detection is one rule (deps.is_htmx) for the routes and the
error pages (htmx asks for a fragment, except when it restores a page from history), and the
database is never queried on the event loop."""

import asyncio
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from quiz_app import store
from tests.support.teacher_factories import teacher_client

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


def _on_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_teacher_dependency_reads_the_session_off_the_event_loop(
    app: FastAPI, monkeypatch: pytest.MonkeyPatch, method: str
) -> None:
    client, csrf, _teacher = teacher_client(app)
    seen: list[bool] = []
    real = store.teachers.get_session

    def recording(*args: Any, **kwargs: Any) -> Any:
        seen.append(_on_event_loop())
        return real(*args, **kwargs)

    monkeypatch.setattr(store.teachers, "get_session", recording)
    if method == "GET":
        response = client.get("/teacher")
    else:  # a state-changing request: its CSRF token, read from the form, is still checked
        response = client.post("/teacher/logout", data={"csrf_token": csrf})
    assert response.status_code in (200, 303)
    assert seen == [False]
