"""The world the route fuzz (tests/routes/test_fuzz.py) sends its requests into, and what it
reads off the app to know what to send: every route of the route table with its path and query
parameters, and the fields of every form the app's pages render (found by opening each page).

A world is a teacher logged in (with the CSRF token), an assignment with a join code and a
student's attempt at it, a public attempt, a teacher's question, and an LMS registered with a
teacher's and a learner's launch session."""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import inspect, select

from quiz_app import store
from quiz_app.lti import keys, platforms
from quiz_app.main import ROUTERS
from quiz_app.models import Attempt, Base
from tests.support.lti_platform import STUDENT, TEACHER, FakePlatform
from tests.support.lti_steps import browser, csrf_of, launch, set_up_link
from tests.support.teacher_factories import (
    GOOD_QUESTION_FORM,
    create_assignment,
    get_assignment,
    join_token,
    teacher_client,
)

# Tables whose existing rows a refused request may update: counters of failed tries.
COUNTER_TABLES = ("login_throttles", "rate_limits")


@dataclass
class Route:
    method: str
    path: str
    name: str
    category: str  # the route module: student.quiz, teacher.assignments, lms.pages, ...
    regex: re.Pattern[str]
    path_params: list[str]
    query: dict[str, list[str]] = field(default_factory=dict)  # name -> values seen
    form: dict[str, list[str]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)


def route_table() -> list[Route]:
    """Every route of the app's routers, without an app (for the fuzz's test ids)."""
    app = FastAPI()
    for router in ROUTERS:
        app.include_router(router)
    return routes_of(app)


def routes_of(app: FastAPI) -> list[Route]:
    """Every API route of the app (inside included routers too), one per method."""
    found: list[Route] = []

    def walk(routes: list[Any]) -> None:
        for route in routes:
            if hasattr(route, "original_router"):
                walk(route.original_router.routes)
            elif isinstance(route, APIRoute):
                category = route.endpoint.__module__.removeprefix("quiz_app.routes.")
                query = {q.name: [] for q in route.dependant.query_params}
                for method in sorted(route.methods):
                    found.append(
                        Route(
                            method=method,
                            path=route.path,
                            name=route.name,
                            category=category,
                            regex=route.path_regex,
                            path_params=list(route.param_convertors),
                            query={k: list(v) for k, v in query.items()},
                        )
                    )

    walk(app.routes)
    return found


class _Forms(HTMLParser):
    """The forms of a page: (method, action, {field: [values]}, [file fields])."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, str, dict[str, list[str]], list[str]]] = []
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append((a.get("method", "get").upper(), a.get("action", ""), {}, []))
        if not self.forms or tag not in ("input", "select", "textarea", "button", "option"):
            return
        fields, files = self.forms[-1][2], self.forms[-1][3]
        if tag == "option" and self._select:
            fields.setdefault(self._select, []).append(a.get("value", ""))
        elif "name" in a:
            if a.get("type") == "file":
                files.append(a["name"])
            else:
                fields.setdefault(a["name"], []).append(a.get("value", ""))
            self._select = a["name"] if tag == "select" else None

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


@dataclass
class World:
    app: FastAPI
    lms: FakePlatform
    teacher: TestClient
    csrf: str
    student: TestClient
    values: dict[str, str]  # path parameter -> a value that names something of the world
    clients: dict[str, TestClient]  # path prefix -> the client that is logged in there
    lti_csrf: str
    number: int  # the first world is 1, the one made after it 2, ...

    def client_for(self, path: str) -> TestClient:
        for prefix, client in self.clients.items():
            if path.startswith(prefix):
                return client
        return self.student

    def csrf_for(self, path: str) -> str:
        return self.lti_csrf if path.startswith("/lti/s/") else self.csrf


def build_world(app: FastAPI, lms: FakePlatform, before: World | None = None) -> World:
    """Make everything the routes name, through the app's own forms and launches; after a
    delete or a log-out took part of the world `before`, make a new teacher's part and keep
    its LMS part while the LMS session lives."""
    number = 1 if before is None else before.number + 1
    teacher, csrf, _row = teacher_client(app, f"fuzz{number}@school.org")
    response = teacher.post("/teacher/questions", data={**GOOD_QUESTION_FORM, "csrf_token": csrf})
    assert response.status_code == 303, response.text
    assignment_id = create_assignment(teacher, csrf)
    code = get_assignment(app, assignment_id).join_code
    student = TestClient(app, follow_redirects=False)
    token = join_token(student, code, "Fuzz Student")
    with app.state.sessions() as session:
        attempt_id = session.scalar(select(Attempt.id).where(Attempt.token == token))
        lms_lives = before and store.lti.get_session(session, token=before.values["lti_token"])
    values = {
        "set_id": "micro-not-safe",
        "token": token,
        "position": "1",
        "code": code,
        "assignment_id": str(assignment_id),
        "attempt_id": str(attempt_id),
        "local_id": GOOD_QUESTION_FORM["id"],
        "file_name": "gift.txt",
    }
    if before is not None and lms_lives:
        lms_teacher, lti_csrf = before.clients["/lti/s/"], before.lti_csrf
        values["lti_token"] = before.values["lti_token"]
    else:
        lms_teacher, lti_csrf, values["lti_token"] = _lms_part(app, lms, number)
    clients = {"/teacher": teacher, "/lti/s/": lms_teacher}
    return World(app, lms, teacher, csrf, student, values, clients, lti_csrf, number)


def _lms_part(app: FastAPI, lms: FakePlatform, number: int) -> tuple[TestClient, str, str]:
    """A link set up in the LMS with a learner's attempt; return the LMS teacher's browser,
    the CSRF token and the token of their launch session."""
    set_up_link(app, lms, link_id=f"fuzz-link-{number}")
    lms_teacher = browser(app)
    location = launch(lms_teacher, lms, TEACHER, link_id=f"fuzz-link-{number}").headers["location"]
    lti_token = location.split("/lti/s/", 1)[1].split("/", 1)[0]
    lti_csrf = csrf_of(lms_teacher.get(location).text)
    launch(browser(app), lms, STUDENT, link_id=f"fuzz-link-{number}")
    return lms_teacher, lti_csrf, lti_token


def fill(path: str, values: dict[str, str]) -> str:
    """The path with every {param} replaced by the world's value for it, percent-encoded."""
    lms = path.startswith("/lti/s/")

    def value(match: re.Match[str]) -> str:
        return quote(
            values["lti_token"] if lms and match[1] == "token" else values[match[1]], safe=""
        )

    return re.sub(r"{(\w+)(:\w+)?}", value, path)


def learn_forms(world: World, routes: list[Route]) -> None:
    """Open every GET page of the world and note the fields of each form on it, by the route
    it posts to (or, for a GET form, the query parameters of the route it opens)."""
    for route in routes:
        if route.method != "GET":
            continue
        path = fill(route.path, world.values)
        page = world.client_for(path).get(path)
        if "text/html" not in page.headers.get("content-type", ""):
            continue
        parser = _Forms()
        parser.feed(page.text)
        for method, action, fields, files in parser.forms:
            target = action.split("?", 1)[0] or path
            for other in routes:
                if other.method == method and other.regex.match(target):
                    into = other.query if method == "GET" else other.form
                    for name, seen in fields.items():
                        into.setdefault(name, []).extend(seen)
                    other.files += [f for f in files if f not in other.files]


def add_world_fields(routes: list[Route], lms: FakePlatform) -> None:
    """The fields of requests no page of the app makes: the LMS's login and launch."""
    for route in routes:
        if route.path == "/lti/login":
            fields = lms.login_params(TEACHER)
            into = route.query if route.method == "GET" else route.form
            for name, value in fields.items():
                into.setdefault(name, []).append(value)
        if route.path == "/lti/launch":
            route.form.setdefault("id_token", []).append("eyJhbGciOiJSUzI1NiJ9.e30.c2ln")
            route.form.setdefault("state", []).append("state")


def snapshot(app: FastAPI) -> dict[str, dict[tuple[Any, ...], tuple[Any, ...]]]:
    """Every row of every table, by table and primary key."""
    rows: dict[str, dict[tuple[Any, ...], tuple[Any, ...]]] = {}
    with app.state.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            keys = [c.name for c in table.primary_key.columns]
            found = connection.execute(select(table)).mappings()
            rows[table.name] = {tuple(r[k] for k in keys): tuple(r.values()) for r in found}
        for name in inspect(connection).get_table_names():
            if name in COUNTER_TABLES and name not in rows:
                rows[name] = {}
    return rows


def changed_rows(
    before: dict[str, dict[tuple[Any, ...], tuple[Any, ...]]],
    after: dict[str, dict[tuple[Any, ...], tuple[Any, ...]]],
) -> list[str]:
    """The rows that existed before and were changed or deleted (counters excepted)."""
    changed = []
    for table, rows in before.items():
        if table in COUNTER_TABLES:
            continue
        for key, row in rows.items():
            if after.get(table, {}).get(key) != row:
                changed.append(f"{table} {key}")
    return changed


def start_lms(app: FastAPI) -> FakePlatform:
    """A fake LMS, running and registered with the app."""

    def tool_jwks() -> dict[str, Any]:
        with app.state.sessions() as session:
            return keys.jwks(session)

    lms = FakePlatform(tool_jwks=tool_jwks)
    lms.start()
    with app.state.sessions() as session:
        platforms.register(session, lms.registration())
    return lms


def deleted_rows(
    before: dict[str, dict[tuple[Any, ...], tuple[Any, ...]]],
    after: dict[str, dict[tuple[Any, ...], tuple[Any, ...]]],
) -> bool:
    """Whether a row that existed before is gone (a delete or a log-out took the world)."""
    return any(key not in after.get(t, {}) for t, rows in before.items() for key in rows)
