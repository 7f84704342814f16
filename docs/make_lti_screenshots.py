"""Take the LMS guide's screenshots: `python docs/make_lti_screenshots.py`.

Serves the app on a temporary database and the fake LMS of the tests
(tests/support/lti_platform.py), adds a set by Deep Linking from a course page in headless
Chromium, lets four students take it (over HTTP), makes the LMS refuse or delay two of their
grades, and photographs the picker and the dashboard inside the LMS frame, and a refused launch.
"""

import re
import shutil
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlencode

import httpx2
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from quiz_app import store  # noqa: E402
from quiz_app.config import Settings  # noqa: E402
from quiz_app.lti import ags, platforms  # noqa: E402
from tests.browser.conftest import CHROMIUM_ARGS, LiveServer  # noqa: E402
from tests.support.lti_platform import STUDENT, TEACHER, FakePlatform, LmsUser  # noqa: E402

STUDENTS = [  # who, how many of 10 they get right
    (STUDENT, 9),
    (LmsUser("student-50", "Chloé Martin", STUDENT.roles), 7),
    (LmsUser("student-51", "Dev Patel", STUDENT.roles), 5),
    (LmsUser("student-52", "Eli Brooks", STUDENT.roles), 8),
]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            database_url=f"sqlite:///{tmp}/quiz.db",
            htmx_source="local",
            data_dir=Path(tmp),
            lti_grade_poll_seconds=0,
        )
        server = LiveServer(settings)
        server.start()
        lms = FakePlatform(
            tool_jwks=lambda: httpx2.get(server.url + "/lti/jwks.json").json(), tool=server.url
        )
        lms.start()
        for user, _right in STUDENTS:
            lms.users[user.sub] = user
        assert server.app is not None
        with server.app.state.sessions() as session:
            platforms.register(session, lms.registration(name="School Canvas"))
        try:
            _photograph(server, lms)
        finally:
            lms.stop()
            server.stop()


def _course(lms: FakePlatform, user: str, message: str = "resource", link: str = "") -> str:
    query = urlencode({"user": user, "message": message, "link": link})
    return f"http://localhost:{lms.port}/course?{query}"


def _photograph(server: LiveServer, lms: FakePlatform) -> None:
    assert server.app is not None
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium"), headless=True, args=CHROMIUM_ARGS
        )
        page = browser.new_page(viewport={"width": 900, "height": 1000})
        page.goto(_course(lms, TEACHER.sub, "deep_link"))
        tool = page.frame_locator("#tool")
        tool.get_by_role("heading", name="Add Claim Check to Year 9 Biology").wait_for()
        tool.get_by_label("Title (empty: the set's title)").fill("Year 9: micro doesn't mean safe")
        page.screenshot(path=str(ROOT / "docs" / "lti-picker.png"))
        card = tool.locator(".set-list > li").filter(
            has=tool.get_by_role("heading", name="Micro doesn't mean safe", exact=True)
        )
        card.get_by_role("button", name="Add this set").click()
        tool.get_by_role("heading", name="Content added to the course").wait_for()

        for index, (user, right) in enumerate(STUDENTS):
            _take(server, lms, user, right)
            lms.score_statuses = {2: [503], 3: [400]}.get(index, [])
            ags.send_due(server.app.state.sessions, server.app.state.lti_http)
        page.goto(_course(lms, TEACHER.sub, link="placed-1"))
        page.frame_locator("#tool").get_by_role("row", name="Eli Brooks").wait_for()
        page.set_viewport_size({"width": 860, "height": 1060})
        page.wait_for_timeout(500)
        page.screenshot(path=str(ROOT / "docs" / "lti-dashboard.png"))

        lms.browser_key = (
            lms.rogue_key
        )  # a forged launch: signed with a key the LMS never published
        page.set_viewport_size({"width": 900, "height": 600})
        page.goto(_course(lms, STUDENT.sub, link="placed-1"))
        page.frame_locator("#tool").get_by_role("alert").wait_for()
        page.screenshot(path=str(ROOT / "docs" / "lti-launch-refused.png"))
        browser.close()


def _take(server: LiveServer, lms: FakePlatform, user: LmsUser, right: int) -> None:
    """The student opens the placed link and answers all ten questions (over HTTP)."""
    with httpx2.Client(base_url=server.url, follow_redirects=False) as student:
        params = lms.login_params(user, link_id="placed-1")
        auth = student.get("/lti/login", params=params).headers["location"]
        form = lms.authenticate(auth, user, link_id="placed-1", custom=lms.placed["placed-1"])
        token = student.post("/lti/launch", data=form).headers["location"].removeprefix("/a/")
        assert server.app is not None
        with server.app.state.sessions() as session:
            attempt = store.attempts.get_attempt(session, token=token)
            assert attempt is not None
            ids = list(attempt.question_ids)
        for index, qid in enumerate(ids, 1):
            truth = server.bank.questions[qid].verdict  # type: ignore[attr-defined]
            wrong = next(v for v in ("research", "hypothesis", "unsupported") if v != truth)
            answer = truth if index <= right else wrong
            student.post(f"/a/{token}/q/{index}", data={"answer": answer})
    assert re.match(r"^[\w-]+$", token)


if __name__ == "__main__":
    main()
