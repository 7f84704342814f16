"""Steps that browser tests share: a teacher signing up, and axe-core's findings on a page."""

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

PASSWORD = "a walk by the river"


def axe_violations(page: Page) -> list[str]:
    """Return the ids of the accessibility rules axe-core finds broken on the page."""
    return [v["id"] for v in Axe().run(page).response["violations"]]


def sign_up(page: Page, base: str, email: str = "ada@school.org") -> None:
    """Create a teacher account through the form; the page ends on the teacher's home."""
    page.goto(f"{base}/teacher/signup")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Your assignments")).to_be_visible()
