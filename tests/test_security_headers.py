"""Headers that keep one student's pages to that student, and https to https."""

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.support.factories import start_attempt
from tests.support.teacher_factories import (
    create_assignment,
    get_assignment,
    join_token,
    teacher_client,
)


def test_attempt_and_join_pages_are_never_cached(app: FastAPI) -> None:
    teacher, csrf, _ = teacher_client(app)
    code = get_assignment(app, create_assignment(teacher, csrf)).join_code
    student = TestClient(app, follow_redirects=False)
    token = join_token(student, code, "Sam Lee")
    public = start_attempt(student)
    for path in (f"/j/{code}", f"/a/{token}/q/1", f"/a/{public}/q/1", f"/a/{public}/results"):
        response = student.get(path)
        assert response.status_code in (200, 303), path
        assert response.headers["cache-control"] == "no-store", path
    # The public home page and the sets may be cached as before.
    assert "cache-control" not in student.get("/").headers


@pytest.mark.parametrize(("base", "hsts"), [("https://quiz.school.org", True), ("http://x", False)])
def test_strict_transport_security_is_sent_over_https_only(
    app: FastAPI, base: str, hsts: bool
) -> None:
    headers = TestClient(app, base_url=base).get("/").headers
    assert ("strict-transport-security" in headers) is hsts
    if hsts:
        assert headers["strict-transport-security"] == "max-age=31536000"
