"""Steps that browser tests share: axe-core's findings on a page. (A teacher's own steps, such
as signing up, are in tests/support/teacher_browser.py.)"""

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page


def axe_violations(page: Page) -> list[str]:
    """Return the ids of the accessibility rules axe-core finds broken on the page."""
    return [v["id"] for v in Axe().run(page).response["violations"]]
