"""The links of every page come from path_for's templates: each must be the path url_for gives."""

import pytest
from fastapi import FastAPI
from starlette.requests import Request

from quiz_app.templating import path_for


def _request(app: FastAPI, root_path: str = "") -> Request:
    scope = {"type": "http", "app": app, "router": app.router, "root_path": root_path,
             "path": "/", "headers": [], "query_string": b"", "scheme": "http",
             "server": ("testserver", 80)}  # fmt: skip
    return Request(scope)


LINKS = [
    ("show_sets", {}),
    ("resume_attempt", {"token": "abc-DEF_123"}),
    ("show_question", {"token": "abc", "position": 3}),
    ("show_question", {"position": "12", "token": "x"}),
    ("show_results", {"token": "t0k"}),
    ("static", {"path": "app.css"}),
    ("static", {"path": "htmx/htmx.min.js"}),
    ("show_login", {}),
]


@pytest.mark.parametrize("root_path", ["", "/quiz"])
@pytest.mark.parametrize(("name", "params"), LINKS)
def test_path_for_any_route_gives_url_for_path(
    app: FastAPI, name: str, params: dict[str, object], root_path: str
) -> None:
    request = _request(app, root_path)
    expected = request.url_for(name, **params).path
    assert path_for(request, name, **params) == expected
    assert path_for(request, name, **params) == expected  # from the template made the first time


def test_path_for_a_value_url_for_refuses_still_refused(app: FastAPI) -> None:
    request = _request(app)
    path_for(request, "resume_attempt", token="ok")
    with pytest.raises(AssertionError):
        path_for(request, "resume_attempt", token="a/b")
