"""In headless Chromium: a teacher runs an assignment in class with three students on their
own devices, through one claim with a second vote; one student refreshes in the middle. Every
device follows the presenter's buttons without reloading (server-sent events, or the poll),
the key appears only at the reveal, and axe finds nothing on the presenter or a device."""

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, Route, expect

from quiz_app import auth
from quiz_app.classroom.class_events import SSE_CDN_URL, SSE_LOCAL
from quiz_app.config import HTMX_CDN_URL, HTMX_VERSION, Settings
from quiz_app.paths import bundled
from tests.browser.conftest import LiveServer
from tests.support.class_room import CLAIMS, open_room
from tests.support.network import every_request, only_the_app
from tests.support.teacher_factories import create_assignment, get_assignment, teacher_client

pytestmark = pytest.mark.browser

NAMES = ("Ana", "Ben", "Cleo")


def axe_violations(page: Page) -> list[str]:
    return [v["id"] for v in Axe().run(page).response["violations"]]


def _join(page: Page, base: str, code: str, name: str) -> None:
    page.goto(f"{base}/j/{code}")
    page.get_by_label("Your name").fill(name)
    page.get_by_role("button", name="Start the quiz").click()
    expect(page.get_by_role("heading", name="You're in")).to_be_visible()


def _fits_a_projector(presenter: Page) -> None:
    """The presenter's step, buttons included, fits a 1280×720 projector without scrolling."""
    presenter.evaluate("window.scrollTo(0, 0)")
    box = presenter.locator("#presenter").bounding_box()
    assert box is not None
    assert box["y"] + box["height"] <= 720, f"the presenter ends at {box['y'] + box['height']}"
    assert presenter.evaluate("document.documentElement.scrollWidth") <= 1280


def _vote(page: Page, verdict: str, reason: str, button: str = "Check my answer") -> None:
    page.get_by_role("radio", name=re.compile(f"^{verdict}")).check()
    page.locator("#answer-form label.choice", has_text=reason).locator("input").check()
    page.get_by_role("button", name=button).click()


def test_class_runs_one_claim_with_a_second_vote_and_a_refresh_in_the_middle(
    live_server: LiveServer, open_page: Callable[..., Page]
) -> None:
    app = live_server.app
    assert app is not None
    base = live_server.url
    question = app.state.bank.questions[CLAIMS[0]]
    reason = app.state.bank.concepts[next(iter(question.right_reasons))].name
    wrong = "Research" if question.verdict != "research" else "Hypothesis"
    right = question.verdict.capitalize()
    teacher, csrf, _ = teacher_client(app)
    assignment_id = create_assignment(teacher, csrf, source="ids", ids=CLAIMS, shuffle=None)
    code = get_assignment(app, assignment_id).join_code

    presenter = open_page()
    presenter.set_viewport_size({"width": 1280, "height": 720})
    streams: list[str] = []
    presenter.context.on("request", lambda r: streams.append(r.url) if "/events" in r.url else None)
    presenter.context.add_cookies(
        [{"name": auth.SESSION_COOKIE, "value": teacher.cookies[auth.SESSION_COOKIE], "url": base}]
    )
    presenter.goto(f"{base}/teacher/assignments/{assignment_id}")
    presenter.get_by_role("button", name="Run in class").click()
    expect(presenter.locator(".join-code")).to_have_text(f"{code[:3]}-{code[3:]}")
    students = [open_page() for _ in NAMES]
    for page in students:
        page.context.on("request", lambda r: streams.append(r.url) if "/events" in r.url else None)
    for page, name in zip(students, NAMES, strict=True):
        _join(page, base, code, name)
    expect(presenter.get_by_text("3 students joined")).to_be_visible()
    expect(presenter.locator("#live")).to_have_attribute("sse-connect", re.compile("/events$"))
    assert any("/teacher/" in url for url in streams)  # the presenter's event stream
    assert sum("/a/" in url for url in streams) >= len(NAMES)  # one per device
    assert axe_violations(presenter) == []
    assert axe_violations(students[0]) == []

    presenter.get_by_role("button", name="Show the first claim").click()
    for page in students:  # no reload: the device follows the presenter
        expect(page.get_by_role("button", name="Check my answer")).to_be_visible()
        _vote(page, wrong, reason)
        expect(page.get_by_text("Your answer is stored.")).to_be_visible()
    expect(presenter.get_by_text("3 of 3 answered")).to_be_visible()
    presenter.get_by_role("button", name="Show the spread").click()
    expect(presenter.get_by_text("Answers (3)")).to_be_visible()
    _fits_a_projector(presenter)
    assert question.explanation not in presenter.content()

    presenter.get_by_role("button", name="Discuss and vote again").click()
    for page in students:
        expect(page.get_by_role("heading", name="Vote again, after the discussion")).to_be_visible()
    students[1].reload()  # Ben refreshes in the middle: he lands on the second vote
    expect(
        students[1].get_by_role("heading", name="Vote again, after the discussion")
    ).to_be_visible()
    for page in students:
        _vote(page, right, reason)
        expect(page.get_by_text("Your second vote is stored.")).to_be_visible()
        assert question.explanation not in page.content()
    expect(presenter.get_by_text("3 of 3 voted again")).to_be_visible()
    presenter.get_by_role("button", name="Show both votes").click()
    expect(presenter.get_by_text("3 of 3 who voted again changed their answer")).to_be_visible()
    _fits_a_projector(presenter)
    assert axe_violations(presenter) == []

    held: list[Route] = []  # the devices' step fetches, held: the reveal comes in the stream
    for page in students:
        page.route("**/class/now*", lambda route: held.append(route))
    presenter.get_by_role("button", name="Reveal the answer").click()
    expect(presenter.get_by_text(question.explanation)).to_be_visible()
    _fits_a_projector(presenter)
    for page in students:
        expect(
            page.get_by_role("heading", name=re.compile("^Your first vote was not it"))
        ).to_be_visible()
        expect(page.get_by_text(question.explanation)).to_be_visible()
        expect(page.get_by_role("heading", name="The answer")).to_be_visible()
    students[0].locator("#class-refresh").focus()  # the student moved on from the heading
    for _ in range(50):  # each device then fetches its whole step, within a second or so
        if len(held) >= len(students):
            break
        students[0].wait_for_timeout(100)
    assert len(held) == len(students)
    for route in held:
        route.continue_()
    for page in students:  # the whole step: the choices marked
        expect(page.locator(".tag-right").first).to_be_visible()
    assert students[0].evaluate("document.activeElement.id") == "class-refresh"
    assert axe_violations(students[2]) == []


@pytest.fixture
def cdn_server(tmp_path: Path) -> Iterator[LiveServer]:
    """The app with the default htmx_source, "cdn"."""
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'quiz.db'}", data_dir=tmp_path)
    assert settings.htmx_source == "cdn"
    server = LiveServer(settings)
    server.start()
    yield server
    server.stop()


def _student_follows(page: Page, server: LiveServer) -> None:
    """Join a new class run as a student and check that the page follows the presenter."""
    app = server.app
    assert app is not None
    room = open_room(app)
    _join(page, server.url, room.code, "Ana")
    expect(page.locator("#live")).to_have_attribute("sse-connect", re.compile("/events$"))
    room.press("start")
    expect(page.get_by_role("button", name="Check my answer")).to_be_visible()


def test_cdn_refused_the_local_sse_extension_connects(
    cdn_server: LiveServer, open_page: Callable[..., Page]
) -> None:
    page = open_page()
    refused = only_the_app(page.context, cdn_server.url)
    fetched = every_request(page.context)
    _student_follows(page, cdn_server)
    assert SSE_CDN_URL in refused
    assert f"{cdn_server.url}/static/{SSE_LOCAL}" in fetched


def _serve(body: bytes) -> Callable[[Route], None]:
    """Return a route handler that answers as the CDN would, with `body`."""

    def fulfill(route: Route) -> None:
        route.fulfill(
            status=200,
            body=body,
            headers={
                "content-type": "application/javascript; charset=utf-8",
                "access-control-allow-origin": "*",
            },
        )

    return fulfill


def test_cdn_serving_the_pinned_sse_file_passes_integrity_and_skips_the_local_copy(
    cdn_server: LiveServer, open_page: Callable[..., Page]
) -> None:
    page = open_page()
    refused = only_the_app(page.context, cdn_server.url)
    for url, name in ((HTMX_CDN_URL, f"htmx-{HTMX_VERSION}.min.js"), (SSE_CDN_URL, SSE_LOCAL)):
        body = (bundled("static") / name).read_bytes()
        page.context.route(url, _serve(body))
    fetched = every_request(page.context)
    _student_follows(page, cdn_server)
    assert SSE_CDN_URL in fetched and refused == []
    assert not any(url.endswith(SSE_LOCAL) for url in fetched)


def _longest_of_each_kind(server: LiveServer) -> list[str]:
    """The bundled claims that fill the presenter most: per kind, the longest claim, options
    and explanation together."""
    assert server.app is not None
    longest: dict[str, tuple[int, str]] = {}
    for q in server.app.state.bank.questions.values():
        options = getattr(q, "options", [])
        size = len(q.claim) + len(q.explanation) + sum(len(o.text) for o in options)
        if size > longest.get(q.kind, (0, ""))[0]:
            longest[q.kind] = (size, q.id)
    return [qid for _, qid in longest.values()]


def test_the_presenter_fits_a_projector_with_the_banks_longest_claims(
    live_server: LiveServer, open_page: Callable[..., Page]
) -> None:
    app = live_server.app
    assert app is not None
    claims = _longest_of_each_kind(live_server)
    room = open_room(app, claims)
    devices = [room.join(name) for name in NAMES]
    presenter = open_page()
    presenter.set_viewport_size({"width": 1280, "height": 720})
    presenter.context.add_cookies(
        [{"name": auth.SESSION_COOKIE, "value": room.teacher.cookies[auth.SESSION_COOKIE],
          "url": live_server.url}]
    )  # fmt: skip
    for number, claim in enumerate(claims):
        room.press("start" if number == 0 else "next")
        question = app.state.bank.questions[claim]
        classify = question.kind == "classify"
        choice, why = (
            (question.verdict, {}) if classify else (question.options[0].id, {"reason": ""})
        )
        for browser, token in devices:
            assert room.vote(browser, token, choice, **why).status_code == 303
        room.press("spread")
        presenter.goto(f"{live_server.url}{room.presenter}")
        expect(presenter.get_by_text(f"Answers ({len(NAMES)})")).to_be_visible()
        _fits_a_projector(presenter)
        room.press("reveal")
        presenter.goto(f"{live_server.url}{room.presenter}")
        expect(presenter.get_by_text("The evidence says:")).to_be_visible()
        _fits_a_projector(presenter)


# The dropped stream's errors, as htmx logs them (sseError), are expected here.
@pytest.mark.parametrize(
    "expected_console", [re.compile(r"^(Failed to load resource|\[object Event\])")]
)
def test_with_its_stream_down_a_device_follows_by_polling_and_with_it_open_it_does_not_poll(
    live_server: LiveServer, open_page: Callable[..., Page]
) -> None:
    app = live_server.app
    assert app is not None
    down, up = open_page(), open_page()
    down.route("**/class/events", lambda route: route.abort())  # a filter that drops streams
    fetches: list[str] = []
    up.on("request", lambda r: fetches.append(r.url) if "/class/now" in r.url else None)
    room = open_room(app)
    _join(down, live_server.url, room.code, "Ana")
    _join(up, live_server.url, room.code, "Ben")
    expect(up.locator("#live")).to_have_attribute("sse-connect", re.compile("/events$"))
    up.wait_for_timeout(1500)  # the stream's first event: one fetch, to catch up
    fetches.clear()
    up.wait_for_timeout(7000)  # two poll ticks: an open stream needs no poll
    assert fetches == []
    room.press("start")
    for page in (down, up):  # the poll brings it within a tick; the stream at once
        expect(page.get_by_role("button", name="Check my answer")).to_be_visible(timeout=8000)
