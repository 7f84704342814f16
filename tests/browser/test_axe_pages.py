"""Every HTML page the app serves is scanned by axe (the registry is tests/support/axe_pages.py):
the pages no flow test reaches are scanned here, in light and dark, and the student pages and
the reports are read at 200 % zoom and at 320 px without sideways scrolling."""

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx2
import pytest
from axe_playwright_python.sync_playwright import Axe
from fastapi import FastAPI
from fastapi.routing import APIRoute
from playwright.sync_api import Page, expect

from quiz_app import auth, store
from tests.browser.conftest import LiveServer
from tests.support.axe_pages import (
    NOT_PAGES,
    NOT_YET_SCANNED,
    SCANNED_ELSEWHERE,
    SCANNED_HERE,
)
from tests.support.teacher_factories import GOOD_QUESTION_FORM, assignment_form, make_teacher

ROOT = Path(__file__).resolve().parents[2]
OpenPage = Callable[..., Page]


def _get_routes(app: FastAPI) -> set[str]:
    """Return the name of every GET route, looking inside included routers."""
    found: set[str] = set()
    pending: list[Any] = list(app.routes)
    while pending:
        route = pending.pop()
        if isinstance(route, APIRoute) and "GET" in route.methods:
            found.add(route.name)
        pending += getattr(getattr(route, "original_router", None), "routes", [])
    return found


def test_every_get_route_is_scanned_by_axe_or_is_not_a_page(app: FastAPI) -> None:
    groups = [set(SCANNED_HERE), set(SCANNED_ELSEWHERE), set(NOT_YET_SCANNED), set(NOT_PAGES)]
    listed = set().union(*groups)
    assert sum(map(len, groups)) == len(listed), "a route is in two groups"
    assert _get_routes(app) - listed == set(), "pages no axe test scans"
    assert listed - _get_routes(app) == set(), "the registry names routes that are gone"
    assert set(VISITS) == set(SCANNED_HERE)


@pytest.mark.parametrize("where", sorted(set(SCANNED_ELSEWHERE.values())))
def test_tests_the_registry_names_exist_and_run_axe(where: str) -> None:
    path, name = where.split("::")
    source = (ROOT / path).read_text(encoding="utf-8")
    assert f"def {name}(" in source
    assert "Axe().run(" in source


def test_every_test_the_conformance_report_cites_exists() -> None:
    report = (ROOT / "docs" / "accessibility.md").read_text(encoding="utf-8")
    cited = set(re.findall(r"`(test_\w+)`", report))
    defined = {
        name
        for path in (ROOT / "tests").rglob("test_*.py")
        for name in re.findall(r"^def (test_\w+)\(", path.read_text(encoding="utf-8"), re.M)
    }
    assert len(cited) >= 20
    assert cited - defined == set()
    for route in NOT_YET_SCANNED:
        assert f"`{route}`" in report  # every known gap is stated


def _teacher(server: LiveServer) -> tuple[httpx2.Client, str, str]:
    """Return an HTTP client logged in as a new teacher, its CSRF token and its session token."""
    assert server.app is not None
    teacher = make_teacher(server.app)
    with server.app.state.sessions() as session:
        token, csrf = store.teachers.create_session(session, teacher=teacher, hours=1)
    client = httpx2.Client(base_url=server.url, cookies={auth.SESSION_COOKIE: token})
    return client, csrf, token


def _prepare(server: LiveServer) -> dict[str, str]:
    """Make what the teacher pages show: an assignment and a question of the teacher's own."""
    client, csrf, token = _teacher(server)
    with client:
        return _make(client, csrf, token)


def _make(client: httpx2.Client, csrf: str, token: str) -> dict[str, str]:
    made = client.post("/teacher/assignments", data={**assignment_form(), "csrf_token": csrf})
    assert made.status_code == 303, made.text
    assignment = made.headers["location"]
    wrote = client.post("/teacher/questions", data={**GOOD_QUESTION_FORM, "csrf_token": csrf})
    assert wrote.status_code == 303, wrote.text
    page = client.get(assignment).text
    code = re.search(r'class="join-code">([A-Z0-9]{3})-([A-Z0-9]{3})<', page)
    assert code is not None
    return {"assignment": assignment, "code": code[1] + code[2], "token": token}


# How each page of SCANNED_HERE is reached: who opens it (a visitor or the teacher) and where.
VISITS: dict[str, tuple[str, Callable[[dict[str, str]], str]]] = {
    "show_set": ("visitor", lambda _: "/sets/micro-not-safe"),
    "show_join_code": ("visitor", lambda made: f"/j/{made['code']}"),
    "embed_join": ("visitor", lambda made: f"/embed/j/{made['code']}"),
    "show_login": ("visitor", lambda _: "/teacher/login"),
    "show_privacy": ("visitor", lambda _: "/privacy"),
    "show_accessibility": ("visitor", lambda _: "/accessibility"),
    "show_teacher_home": ("teacher", lambda _: "/teacher"),
    "new_assignment": ("teacher", lambda _: "/teacher/assignments/new"),
    "edit_assignment": ("teacher", lambda made: made["assignment"] + "/edit"),
    "confirm_delete_assignment": ("teacher", lambda made: made["assignment"] + "/delete"),
    "browse_bank": ("teacher", lambda _: "/teacher/bank?themes=legal"),
    "list_questions": ("teacher", lambda _: "/teacher/questions"),
    "edit_question": ("teacher", lambda _: f"/teacher/questions/{GOOD_QUESTION_FORM['id']}/edit"),
    "show_lti_settings": ("teacher", lambda _: "/teacher/lti"),
}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_scan_more_pages_with_axe_finds_no_violations(
    live_server: LiveServer, open_page: OpenPage, scheme: str
) -> None:
    made = _prepare(live_server)
    visitor = open_page(color_scheme=scheme)
    teacher = open_page(color_scheme=scheme)
    teacher.context.add_cookies(
        [{"name": auth.SESSION_COOKIE, "value": made["token"], "url": live_server.url}]
    )
    found = {}
    for name, (who, path) in VISITS.items():
        page = teacher if who == "teacher" else visitor
        response = page.goto(live_server.url + path(made))
        assert response is not None and response.status == 200, (name, path(made))
        expect(page.locator("h1")).to_be_visible()
        results = Axe().run(page)
        if results.violations_count:
            found[name] = results.generate_report()
    assert found == {}


READ_PAGES = ["/", "/sources", "/sets/micro-not-safe", "/join", "/privacy", "/accessibility"]


def _sideways_overflow(page: Page) -> int:
    """Return how many CSS pixels the page is wider than its window (0: no sideways scroll)."""
    overflow: int = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    return overflow


@pytest.mark.parametrize("width", [640, 320])  # 640: a 1280 px window at 200 % zoom
def test_read_pages_at_200_percent_zoom_and_320_px_without_sideways_scrolling(
    live_server: LiveServer, open_page: OpenPage, width: int
) -> None:
    page = open_page(viewport={"width": width, "height": 640}, device_scale_factor=2)
    too_wide = {}
    for path in READ_PAGES:
        page.goto(live_server.url + path)
        if overflow := _sideways_overflow(page):
            too_wide[path] = overflow
    page.goto(live_server.url + "/")
    page.locator(".set-list .card").first.get_by_role("button", name="Start").click()
    expect(page.get_by_role("button", name="Check my answer")).to_be_visible()
    if overflow := _sideways_overflow(page):
        too_wide["a question"] = overflow
    assert too_wide == {}
