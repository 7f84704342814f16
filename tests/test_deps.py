"""The shared dependencies: the database is never queried on the event loop."""

import asyncio
from typing import Any

import pytest
from fastapi import FastAPI

from quiz_app import store
from tests.teacher_factories import teacher_client


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
