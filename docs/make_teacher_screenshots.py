"""Take the teacher guide's screenshots: `python docs/make_teacher_screenshots.py`.

Serves the app on a temporary database, signs a teacher up, makes an assignment from the
"Before and after" set (check-in, practice, check-out), lets 24 students answer all of it (over
HTTP) so that every number of the dashboard has enough answers to show, and photographs the
new-assignment form, the dashboard and its "Embed in your course page" block with Debian's
headless Chromium.
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
from quiz_app.bank.items import ClassifyQuestion  # noqa: E402
from quiz_app.config import Settings  # noqa: E402
from quiz_app.learning import presentation  # noqa: E402
from tests.browser.conftest import CHROMIUM_ARGS, LiveServer  # noqa: E402

# Each student's share answered right (check-in a little lower, check-out a little higher).
STUDENTS = {
    "Ana": 0.9, "Ben": 0.5, "Chloé": 0.7, "Dev": 0.3, "Eli": 0.8, "Fatima": 0.6,
    "Gabriel": 0.45, "Hana": 0.85, "Isaac": 0.55, "Jade": 0.65, "Kofi": 0.75, "Lena": 0.4,
    "Mateo": 0.6, "Nia": 0.95, "Omar": 0.5, "Priya": 0.8, "Quinn": 0.35, "Rosa": 0.7,
    "Sami": 0.55, "Tomás": 0.65, "Uma": 0.45, "Viktor": 0.75, "Wen": 0.85, "Yara": 0.5,
}  # fmt: skip
LAST = list(STUDENTS)[-1]
GAIN = 0.15  # how much better the class does at the check-out than at the check-in


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
            page.get_by_label("A question set").check()
            page.locator("#set_id").select_option(label="Before and after")
            page.get_by_role("button", name="Make the assignment").click()
            code = page.locator(".join-code").inner_text().replace("-", "")
            _answer_all(server, code)
            page.wait_for_selector(f"text={LAST}")
            page.wait_for_timeout(3500)
            # The page down to the first rows of the question table (the whole is very long).
            row = page.locator("table.questions tbody tr").nth(3).bounding_box()
            assert row is not None
            clip = {"x": 0, "y": 0, "width": 1100, "height": row["y"] + row["height"] + 8}
            path = str(ROOT / "docs" / "screenshot-dashboard.png")
            page.screenshot(path=path, full_page=True, clip=clip)
            embed = page.locator("section[aria-labelledby=embed-heading]")
            embed.screenshot(path=str(ROOT / "docs" / "screenshot-embed-assignment.png"))
            browser.close()
        server.stop()


def _attempt(server: LiveServer, token: str) -> tuple[list[str], tuple[int, int, int]]:
    """Return an attempt's question ids (URLs carry positions) and its phase counts."""
    assert server.app is not None
    with server.app.state.sessions() as session:
        attempt = store.attempts.get_attempt(session, token=token)
        assert attempt is not None
        return list(attempt.question_ids), attempt.phase_counts


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


def _form(server: LiveServer, token: str, qid: str, right: bool, rng: random.Random) -> dict:
    """Return the answer form of a question, right or wrong; a right verdict sometimes comes
    with a wrong reason."""
    question = server.bank.questions[qid]
    shown = _shown(server, token, qid)
    if not isinstance(question, ClassifyQuestion):
        option = next(o.id for o in question.options if o.correct == right)
        return {"answer": next(c.value for c in shown.options if c.id == option)}
    wrong = [v for v in ("research", "hypothesis", "unsupported") if v != question.verdict]
    data = {"answer": question.verdict if right else rng.choice(wrong)}
    if question.reason_options:
        good = right and rng.random() < 0.8
        reason = next(r for r in question.reason_options if (r in question.right_reasons) == good)
        data["reason"] = next(c.value for c in shown.reasons if c.id == reason)
    return data


def _confidence(right: bool, bold: bool, rng: random.Random) -> str:
    """Return a confidence: a bold student is sure even when wrong, a shy one unsure when right."""
    if bold:
        return rng.choice(["fairly-sure", "certain"])
    if right:
        return rng.choice(["unsure", "fairly-sure", "certain"])
    return rng.choice(["guessing", "unsure"])


def _answer_all(server: LiveServer, code: str) -> None:
    """Each student joins and answers every question; each gets about their share right."""
    rng = random.Random(3)
    for number, (name, skill) in enumerate(STUDENTS.items()):
        with httpx2.Client(base_url=server.url, follow_redirects=False) as student:
            location = student.post(f"/j/{code}", data={"name": name}).headers["location"]
            token = location.rsplit("/", 1)[-1]
            ids, (check_in, practice, _) = _attempt(server, token)
            for _ in ids:
                location = student.get(f"/a/{token}").headers["location"]
                if location.endswith("/results"):
                    break
                position = int(location.rsplit("/", 1)[-1])
                share = skill - GAIN if position <= check_in else skill
                share = skill + GAIN if position > check_in + practice else share
                right = rng.random() < share
                data = _form(server, token, ids[position - 1], right, rng)
                data["confidence"] = _confidence(right, number % 4 == 1, rng)
                response = student.post(location, data=data)
                assert response.status_code == 303, response.text


if __name__ == "__main__":
    main()
