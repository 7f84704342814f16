"""A teacher's steps in the real browser, shared by the browser tests."""

from playwright.sync_api import Page, expect

EMAIL = "ada@school.org"
PASSWORD = "a walk by the river"


def create_account(page: Page, base: str, email: str = EMAIL, password: str = PASSWORD) -> None:
    """Fill in the sign-up form; end on the login page it leads to, with the email filled in."""
    page.goto(f"{base}/teacher/signup")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Password again").fill(password)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("status")).to_have_text(
        "Your account is ready: log in with your email and password."
    )
    expect(page.get_by_label("Email")).to_have_value(email)


def log_in(page: Page, password: str = PASSWORD) -> None:
    """Log in on the login page that is open (its email already filled in)."""
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Your assignments")).to_be_visible()


def sign_up(page: Page, base: str, email: str = EMAIL, password: str = PASSWORD) -> None:
    """Sign up and log in through the pages, as a new teacher does; end on their home page."""
    create_account(page, base, email, password)
    log_in(page, password)
