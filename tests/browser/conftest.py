"""Browser-test fixtures: the app served on a loopback port, and one headless Chromium."""

import json
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect, sync_playwright

from quiz_app.config import Settings
from tests.support.course_site import (
    BLOCK_THIRD_PARTY_COOKIES,
    PARTITIONED_STORAGE_ARGS,
    CourseSite,
    OpenCoursePage,
)
from tests.support.live_server import CHROMIUM_ARGS, TIMEOUT_MS, LiveServer

__all__ = ["CHROMIUM_ARGS", "TIMEOUT_MS", "LiveServer"]  # what tests import from here


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.fail("Chromium is not installed (apt-get install chromium)")
    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'quiz.db'}", htmx_source="local", data_dir=tmp_path
    )
    server = LiveServer(settings)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def expected_console() -> re.Pattern[str]:
    """The console errors a test expects; a test module overrides this fixture to allow more
    (a failing network's htmx errors, say)."""
    return re.compile(r"^Failed to load resource")


@pytest.fixture
def open_page(browser: Browser, expected_console: re.Pattern[str]) -> Iterator[Callable[..., Page]]:
    """Return a function that opens a page in a new browser context (a new device).

    Keyword arguments go to `browser.new_context`, e.g. java_script_enabled=False or
    color_scheme="dark". An uncaught JavaScript error or a console error on any page (a CSP
    violation, say) fails the test; failed loads are not counted (tests check statuses), nor
    is what `expected_console` matches.
    """
    contexts = []
    errors: list[str] = []

    def open_(**options: Any) -> Page:
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda message: _record(message, expected_console, errors))
        return page

    yield open_
    for context in contexts:
        context.close()
    assert not errors, f"JavaScript errors: {errors}"


def _record(message: ConsoleMessage, expected: re.Pattern[str], errors: list[str]) -> None:
    if message.type == "error" and not expected.match(message.text):
        errors.append(message.text)


@pytest.fixture
def course_site() -> Iterator[CourseSite]:
    site = CourseSite()
    yield site
    site.stop()


@pytest.fixture
def open_course_page(browser: Browser, tmp_path: Path) -> Iterator[OpenCoursePage]:
    """Return a function that starts Chromium blocking third-party cookies and opens a page.

    Keyword arguments: partitioned_storage=True to partition the frame's storage as Chrome
    does; expected_errors, a pattern for console errors the test expects; the rest go to the
    browser context (viewport, color_scheme). Any other console or JavaScript error fails.
    """
    contexts = []
    errors: list[str] = []

    def open_(
        *,
        partitioned_storage: bool = False,
        expected_errors: re.Pattern[str] | None = None,
        **options: Any,
    ) -> Page:
        profile = tmp_path / f"profile-{len(contexts)}"
        (profile / "Default").mkdir(parents=True)
        (profile / "Default" / "Preferences").write_text(json.dumps(BLOCK_THIRD_PARTY_COOKIES))
        args = [*CHROMIUM_ARGS, *(PARTITIONED_STORAGE_ARGS if partitioned_storage else [])]
        # The shared browser's Playwright starts this second Chromium with its own profile.
        context = browser.browser_type.launch_persistent_context(
            profile, executable_path=shutil.which("chromium"), headless=True, args=args, **options
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.pages[0] if context.pages else context.new_page()

        def record(message: ConsoleMessage) -> None:
            text = message.text
            if message.type != "error" or text.startswith("Failed to load resource"):
                return
            if expected_errors is None or not expected_errors.search(text):
                errors.append(text)

        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", record)
        return page

    yield open_
    for context in contexts:
        context.close()
    assert not errors, f"JavaScript errors: {errors}"
