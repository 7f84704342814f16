"""A property-based fuzz of every route of the app, from its own route table.

For each route (each method of each path), hypothesis builds requests from the route's path
parameters, its query parameters and the fields of the forms the app's pages render for it:
each value is either one that names something real (the world's assignment, attempt, join
code; a form's own value) or a hostile one (NUL bytes, huge numbers, broken URLs, long text).
Teacher pages get a live session and its CSRF token, LMS pages a launch session. Every reply
must be under 500, come within 5 s, and a refused request (4xx) must change no row that
existed before it (counters of failed tries excepted).

Set QUIZ_FUZZ_REPORT to a file name to have the status counts per category appended to it.
"""

import json
import os
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from quiz_app import auth
from quiz_app.classroom import resume
from quiz_app.config import Settings
from quiz_app.main import create_app
from tests.support.fuzz_world import (
    Route,
    World,
    add_world_fields,
    build_world,
    changed_rows,
    deleted_rows,
    fill,
    learn_forms,
    route_table,
    routes_of,
    snapshot,
    start_lms,
)
from tests.support.postgres import DATABASES, temporary_database

# Enough to reach every field of every route with hostile values in CI, in about a minute per
# database on two cores; set QUIZ_FUZZ_EXAMPLES for a longer run by hand.
EXAMPLES_PER_ROUTE = int(os.environ.get("QUIZ_FUZZ_EXAMPLES", "20"))
SLOWEST_SECONDS = 5.0
HOSTILE = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "x",
    "-1",
    "0",
    str(2**31),
    str(2**63),
    "9" * 40,
    "1.5",
    "http://[",
    "https://[::1",
    "javascript:alert(1)",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "%00",
    "é" * 200,
    "x" * 3000,
    "\ud800".encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
    "null",
    "[]",
    "Europe/Nowhere",
    "2026-13-45T99:99",
]
FILES = [b"", b"\x00\xff\xfe", b"- id: x\n  claim: [\n", b"a: &a [*a]\n", b"::Q:: {=a =b}"]
REPORT: dict[str, dict[str, Counter[int]]] = {}


def _hostile() -> st.SearchStrategy[str]:
    nasty = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)
    return st.one_of(st.sampled_from(HOSTILE), st.sampled_from(HOSTILE), nasty)


def _value(seen: list[str]) -> st.SearchStrategy[str]:
    if not seen:
        return _hostile()
    return st.one_of(st.sampled_from(seen), _hostile())


def _fields(data: st.DataObject, fields: dict[str, list[str]]) -> dict[str, Any]:
    drawn: dict[str, Any] = {}
    for name, seen in sorted(fields.items()):
        how = data.draw(st.sampled_from(["seen", "seen", "hostile", "absent", "many"]))
        if how == "absent":
            continue
        if how == "many":
            drawn[name] = data.draw(st.lists(_value(seen), min_size=2, max_size=3))
        else:
            drawn[name] = data.draw(_value(seen) if how == "seen" else _hostile())
    return drawn


def _request(world: World, route: Route, data: st.DataObject) -> dict[str, Any]:
    """Draw one request to the route: its path, query, form, files, headers and cookies."""
    values = dict(world.values)
    if route.path.startswith("/lti/s/"):  # the token of an LMS page is its launch session's
        values["token"] = values["lti_token"]
    for name in route.path_params:
        real = values.get(name, "x")
        values[name] = data.draw(st.one_of(st.just(real), st.just(real), _hostile()), name)
    values["lti_token"] = values["token"]
    path = fill(route.path, values)
    request: dict[str, Any] = {"params": _fields(data, route.query)}
    if route.method == "POST":
        form = _fields(data, route.form)
        if data.draw(st.integers(0, 4)):  # mostly a good CSRF token, to reach the handler
            form["csrf_token"] = world.csrf_for(path)
        request["data"] = form
        if route.files:
            body = data.draw(st.sampled_from(FILES))
            request["files"] = {route.files[0]: ("upload.yaml", body, "text/yaml")}
    headers = {"HX-Request": "true"} if data.draw(st.booleans()) else {}
    cookies = {}
    if "code" in route.path_params and data.draw(st.booleans()):
        cookie = resume.MEMORY_COOKIE.format(id=world.values["assignment_id"])
        # A header carries ASCII only: other characters as the escapes a client would send.
        cookies[cookie] = data.draw(_hostile()).encode("ascii", "backslashreplace").decode()
    return {"path": path, "headers": headers, "cookies": cookies, **request}


def _send(client: TestClient, method: str, request: dict[str, Any]) -> tuple[int, str]:
    """Send the request; return its status (500 for an exception the app let out) and what
    went wrong."""
    cookies = request.pop("cookies")
    for name, value in cookies.items():
        client.cookies.set(name, value)
    try:
        response = client.request(method, request.pop("path"), **request)
    except Exception as error:  # the TestClient re-raises what the server would answer with 500
        return 500, f"{type(error).__name__}: {error}"[:300]
    finally:
        for name in cookies:
            client.cookies.delete(name)
    return response.status_code, ""


@pytest.fixture(scope="module", params=DATABASES)
def fuzz_app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[FastAPI]:
    """One app and database for all the routes' runs on each database."""
    folder = tmp_path_factory.mktemp("fuzz")
    with pytest.MonkeyPatch.context() as patch, temporary_database(request.param, folder) as url:
        # The world's teachers are made before each test's cheap hashing starts: the same.
        patch.setattr(auth, "HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
        app = create_app(
            Settings(
                database_url=url,
                htmx_source="local",
                data_dir=folder,
                lti_grade_poll_seconds=0,
                retention_sweep_minutes=0,
            )
        )
        app.state.database = request.param
        yield app
        app.state.engine.dispose()


@pytest.fixture(scope="module")
def fuzz(fuzz_app: FastAPI) -> Iterator[dict[str, Any]]:
    """The world the requests go into (a route's run may leave a new one for the next) and
    the routes with the fields learned from the pages."""
    lms = start_lms(fuzz_app)
    world = build_world(fuzz_app, lms)
    routes = routes_of(fuzz_app)
    learn_forms(world, routes)
    add_world_fields(routes, lms)
    yield {"world": world, "routes": routes}
    lms.stop()
    report = os.environ.get("QUIZ_FUZZ_REPORT")
    if report:
        with Path(report).open("a") as out:
            counts = {
                c: {str(k): v for k, v in sorted(n.items())} for c, n in sorted(REPORT.items())
            }
            out.write(json.dumps({"database": fuzz_app.state.database, "counts": counts}) + "\n")
        REPORT.clear()


ROUTE_IDS = [f"{r.method} {r.path}" for r in route_table()]


@pytest.mark.parametrize("route_id", ROUTE_IDS)
def test_fuzz_route_with_hostile_requests_gets_no_server_error(
    fuzz: dict[str, Any], route_id: str
) -> None:
    the_world: World = fuzz["world"]
    route = next(r for r in fuzz["routes"] if f"{r.method} {r.path}" == route_id)
    problems: list[str] = []
    counts = REPORT.setdefault(route.category, Counter())
    rows = [snapshot(the_world.app)]  # the rows before the next request

    @settings(
        max_examples=EXAMPLES_PER_ROUTE,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(st.data())
    def one_request(data: st.DataObject) -> None:
        nonlocal the_world
        request = _request(the_world, route, data)
        shown = {k: v for k, v in request.items() if k != "files"}
        before = rows[0]
        started = time.perf_counter()
        status, error = _send(the_world.client_for(request["path"]), route.method, request)
        took = time.perf_counter() - started
        counts[status] += 1
        after = snapshot(the_world.app)
        if status >= 500:
            problems.append(f"{status} for {shown}: {error}")
        if took > SLOWEST_SECONDS:
            problems.append(f"{took:.1f} s for {shown}")
        changed = changed_rows(before, after)
        if status >= 400 and changed:
            problems.append(f"{status} changed {changed[:3]} for {shown}")
        elif deleted_rows(before, after):  # a delete or a log-out did what it asked
            the_world = build_world(the_world.app, the_world.lms, the_world)
            after = snapshot(the_world.app)
        rows[0] = after

    one_request()
    fuzz["world"] = the_world
    assert not problems, "\n".join(problems[:10])
