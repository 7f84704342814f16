"""A hard word explained in place, in Chromium: opened by a click or by the keyboard with
JavaScript off, no horizontal scroll on a 320 px phone, and nothing for axe to find."""

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Locator, Page, expect

from quiz_app.config import Settings
from tests.browser.conftest import LiveServer
from tests.support.glossary import explanation, write_glossary
from tests.support.learning_bank import write_learning_bank

pytestmark = pytest.mark.browser

OpenPage = Callable[..., Page]
MOST_TABS = 40  # more Tab presses than the question page has stops before the claim's term


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'quiz.db'}",
        htmx_source="local",
        data_dir=tmp_path,
        questions_dir=write_glossary(write_learning_bank(tmp_path / "bank")),
    )
    live = LiveServer(settings)
    live.start()
    yield live
    live.stop()


def start(page: Page, server: LiveServer, title: str) -> None:
    """Start the set with this title from the home page and wait for its first question."""
    page.goto(server.url + "/")
    card = page.locator(".set-list > li").filter(
        has=page.get_by_role("heading", name=title, exact=True)
    )
    card.get_by_role("button", name="Start").click()
    expect(page).to_have_url(re.compile(r"/a/[\w-]+/q/1$"))


def tab_to(page: Page, target: Locator) -> None:
    """Press Tab until the target has the keyboard focus, as a keyboard user would."""
    for _ in range(MOST_TABS):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError("Tab never reached the term")


def test_open_a_claims_term_by_click_and_by_keyboard_with_javascript_off(
    server: LiveServer, open_page: OpenPage
) -> None:
    page = open_page(java_script_enabled=False)
    start(page, server, "Plain set")
    term = page.locator("#claim details.term").filter(has_text=re.compile("placebo", re.I))
    summary, note = term.locator("summary"), term.locator(".term-note")
    expect(summary).to_be_visible()
    expect(note).to_be_hidden()
    summary.click()
    expect(note).to_be_visible()
    expect(note).to_have_text(explanation("placebo"))
    summary.click()
    expect(note).to_be_hidden()

    page.reload()
    tab_to(page, summary)
    page.keyboard.press("Enter")
    expect(note).to_be_visible()
    expect(term).to_have_attribute("open", "")
    page.keyboard.press("Enter")
    expect(note).to_be_hidden()


def test_open_an_options_term_by_keyboard_without_choosing_the_option(
    server: LiveServer, open_page: OpenPage
) -> None:
    page = open_page(java_script_enabled=False)
    start(page, server, "Studies and rewordings")
    option = page.locator("label.choice-option").filter(has=page.locator("details.term"))
    expect(option).to_have_count(1)  # the first question's supervised placebo trial
    term = option.locator("details.term").filter(has_text=re.compile("placebo", re.I))
    tab_to(page, term.locator("summary"))
    page.keyboard.press("Enter")
    expect(term.locator(".term-note")).to_have_text(explanation("placebo"))
    expect(option.get_by_role("radio")).not_to_be_checked()


def test_question_page_with_an_open_term_fits_a_phone_and_axe_finds_no_violations(
    server: LiveServer, open_page: OpenPage
) -> None:
    page = open_page(viewport={"width": 320, "height": 640})
    start(page, server, "Plain set")
    terms = page.locator("#claim details.term")
    expect(terms).to_have_count(2)  # "Supervised" and "placebo"
    for summary in terms.locator("summary").all():
        summary.click()
    expect(terms.locator(".term-note").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    page.emulate_media(color_scheme="dark")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
