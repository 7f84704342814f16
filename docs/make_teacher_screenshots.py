"""Take the teacher guide's screenshots: `python docs/make_teacher_screenshots.py`.

Serves the app on a temporary database, signs a teacher up, makes an assignment, lets five
students answer (over HTTP), and photographs the new-assignment form, the dashboard and its
"Embed in your course page" block with Debian's headless Chromium.
"""

import random
import shutil
import sys
import tempfile
from pathlib import Path

import httpx2
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from quiz_app import store  # noqa: E402
from quiz_app.config import Settings  # noqa: E402
from quiz_app.learning import presentation  # noqa: E402
from tests.browser.conftest import CHROMIUM_ARGS, LiveServer  # noqa: E402

STUDENTS = {"Ana": 0.9, "Ben": 0.5, "Chloé": 0.7, "Dev": 0.3, "Eli": 0.8}  # share answered right


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            database_url=f"sqlite:///{tmp}/quiz.db", htmx_source="local", data_dir=Path(tmp)
        )
        server = LiveServer(settings)
        server.start()
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=shutil.which("chromium"), headless=True, args=CHROMIUM_ARGS
            )
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            page.goto(f"{server.url}/teacher/signup")
            page.get_by_label("Email").fill("ms.rivera@school.org")
            page.get_by_label("Password", exact=True).fill("a walk by the river")
            page.get_by_label("Password again").fill("a walk by the river")
            page.get_by_role("button", name="Create account").click()
            page.goto(f"{server.url}/teacher/assignments/new")
            page.get_by_label("Title").fill("Year 9: micro doesn't mean safe")
            page.get_by_label("Number of questions per student").fill("6")
            page.get_by_label("Course sites that may show this assignment").fill(
                "https://canvas.school.edu"
            )
            page.screenshot(path=str(ROOT / "docs" / "screenshot-assignment.png"), full_page=True)
            page.get_by_role("button", name="Make the assignment").click()
            code = page.locator(".join-code").inner_text().replace("-", "")
            _answer_all(server, code)
            page.wait_for_selector("text=Eli")
            page.wait_for_timeout(3500)
            page.screenshot(path=str(ROOT / "docs" / "screenshot-dashboard.png"), full_page=True)
            embed = page.locator("section[aria-labelledby=embed-heading]")
            embed.screenshot(path=str(ROOT / "docs" / "screenshot-embed-assignment.png"))
            browser.close()
        server.stop()


def _question_at(server: LiveServer, token: str, position: int) -> str:
    """Return the id of the question at a position of an attempt (URLs carry positions)."""
    assert server.app is not None
    with server.app.state.sessions() as session:
        attempt = store.attempts.get_attempt(session, token=token)
        assert attempt is not None
        return attempt.question_ids[position - 1]


def _shown(server: LiveServer, token: str, qid: str) -> presentation.Presentation:
    """Return the question as the attempt shows it: its choices' opaque values."""
    assert server.app is not None
    with server.app.state.sessions() as session:
        attempt = store.attempts.get_attempt(session, token=token)
        assert attempt is not None
        seed = attempt.seed
    return presentation.present(
        server.bank.questions[qid], seed=seed, concepts=server.bank.concepts
    )


def _answer_all(server: LiveServer, code: str) -> None:
    """Five students join and answer; each gets about their share of questions right."""
    bank = server.bank
    rng = random.Random(3)
    for name, skill in STUDENTS.items():
        with httpx2.Client(base_url=server.url, follow_redirects=False) as student:
            location = student.post(f"/j/{code}", data={"name": name}).headers["location"]
            token = location.rsplit("/", 1)[-1]
            for count in range(6):
                location = student.get(f"/a/{token}").headers["location"]
                if location.endswith("/results") or (name == "Dev" and count == 4):
                    break
                qid = _question_at(server, token, int(location.rsplit("/", 1)[-1]))
                question = bank.questions[qid]
                truth = question.verdict
                wrong = [v for v in ("research", "hypothesis", "unsupported") if v != truth]
                verdict = truth if rng.random() < skill else rng.choice(wrong)
                reason = next(iter(question.right_reasons))  # a classify answer gives a reason
                values = {c.id: c.value for c in _shown(server, token, qid).reasons}
                response = student.post(
                    location, data={"answer": verdict, "reason": values[reason]}
                )
                assert response.status_code == 303, response.text


if __name__ == "__main__":
    main()
