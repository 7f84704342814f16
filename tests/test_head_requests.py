"""Every GET page answers HEAD (link checkers, LMS link validators, uptime monitors) with the
status and headers of its GET and no body."""

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from tests.support.teacher_factories import teacher_client


def assert_head_matches_get(client: TestClient, path: str) -> int:
    got = client.get(path)
    head = client.head(path)
    assert head.status_code == got.status_code, path
    assert head.content == b"", path
    for name in ("content-type", "content-length", "location", "content-security-policy"):
        assert head.headers.get(name) == got.headers.get(name), (path, name)
    return got.status_code


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/sources",
        "/sets/micro-not-safe",
        "/embed/sets/micro-not-safe",
        "/join",
        "/teacher/login",
        "/teacher/signup",
        "/lti/jwks.json",
        "/static/app.css",
    ],
)
def test_head_public_page_answers_like_get_without_body(client: TestClient, path: str) -> None:
    assert assert_head_matches_get(client, path) == 200


def test_head_quiz_pages_of_an_attempt_answer_like_get(client: TestClient) -> None:
    started = client.post("/sets/micro-not-safe/attempts")
    token = started.headers["location"].removeprefix("/a/")
    assert assert_head_matches_get(client, f"/a/{token}") == 303
    question = client.get(f"/a/{token}").headers["location"]
    assert assert_head_matches_get(client, question) == 200
    assert "Question 1 of" in client.get(question).text


@pytest.mark.parametrize("path", ["/teacher", "/teacher/sets/micro-not-safe/export/qti.zip"])
def test_head_teacher_page_without_login_redirects_like_get(client: TestClient, path: str) -> None:
    assert assert_head_matches_get(client, path) == 303


def test_head_bundled_set_file_of_a_teacher_answers_like_get(app: FastAPI) -> None:
    teacher, _csrf, _ = teacher_client(app)
    for name in ("qti.zip", "gift.txt"):
        assert (
            assert_head_matches_get(teacher, f"/teacher/sets/micro-not-safe/export/{name}") == 200
        )


def test_head_unknown_page_is_404_without_body(client: TestClient) -> None:
    assert assert_head_matches_get(client, "/no-such-page") == 404


def test_head_on_post_only_address_is_405(client: TestClient) -> None:
    response = client.head("/sets/micro-not-safe/attempts")
    assert response.status_code == 405
    assert response.content == b""


def test_every_get_route_without_parameters_answers_head(app: FastAPI, client: TestClient) -> None:
    paths = [
        included.original_router.prefix + route.path
        for included in app.routes
        if hasattr(included, "original_router")
        for route in included.original_router.routes
        if isinstance(route, APIRoute) and "GET" in route.methods
    ]
    paths = [path for path in paths if "{" not in path]
    assert len(paths) >= 8
    for path in paths:
        assert client.head(path).status_code != 405, path
