"""Take the "Run it in class" screenshots: `python docs/make_class_screenshots.py`.

Serves the app on a temporary database, signs a teacher up, makes a four-claim assignment of
the "Micro doesn't mean safe" set and presses Run in class in Debian's headless Chromium (a
projector's 1280×720 window, light scheme). Twelve students join and answer over HTTP while the
teacher presses the presenter's buttons, and the presenter is photographed at each step of the
teacher guide: the lobby, a claim being answered, the spread, both votes, the reveal and the
class summary.
"""

import random
import re
import shutil
import sys
import tempfile
from pathlib import Path

import httpx2
from playwright.sync_api import Page, ViewportSize, expect, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from quiz_app import store  # noqa: E402
from quiz_app.bank.items import ClassifyQuestion  # noqa: E402
from quiz_app.config import Settings  # noqa: E402
from quiz_app.learning import presentation  # noqa: E402
from quiz_app.store import class_runs as runs_store  # noqa: E402
from tests.browser.conftest import CHROMIUM_ARGS, LiveServer  # noqa: E402

STUDENTS = [
    "Ana", "Ben", "Chloé", "Dev", "Eli", "Fatima", "Gabriel", "Hana", "Isaac", "Jade", "Kofi",
    "Lena",
]  # fmt: skip
CLAIMS = 4  # claims in the assignment: enough answers for the class summary to name concepts
FIRST_TO_ANSWER = 9  # how many have answered the first claim in the "answering" picture
PROJECTOR: ViewportSize = {"width": 1280, "height": 720}  # a common projector, in CSS pixels
WAIT_MS = 10_000  # the presenter updates by server-sent events, or polls every 3 seconds
DOCS = ROOT / "docs"


class Student:
    """One student's device: their own cookies and attempt token."""

    def __init__(self, server: LiveServer, code: str, name: str) -> None:
        self.server = server
        self.client = httpx2.Client(base_url=server.url, follow_redirects=False)
        location = self.client.post(f"/j/{code}", data={"name": name}).headers["location"]
        match = re.search(r"/a/([^/?]+)", location)
        assert match, location
        self.token = match.group(1)
        page = self.client.get(f"/a/{self.token}/class")  # opening the class page joins it
        assert page.status_code == 200, page.text

    def vote(self, verdict: str, reason_right: bool, confidence: str, *, again: bool) -> None:
        """Answer the class's current claim (or vote again on it)."""
        assert self.server.app is not None
        with self.server.app.state.sessions() as session:
            attempt = store.attempts.get_attempt(session, token=self.token)
            assert attempt is not None and attempt.assignment_id is not None
            run = runs_store.latest_run(session, assignment_id=attempt.assignment_id)
            assert run is not None
            qid = run.question_ids[run.position]
            position = presentation.position_of(attempt.question_ids, qid)
            seed = attempt.seed
        question = self.server.bank.questions[qid]
        assert isinstance(question, ClassifyQuestion)
        shown = presentation.present(question, seed=seed, concepts=self.server.bank.concepts)
        reason = next(
            r for r in question.reason_options if (r in question.right_reasons) == reason_right
        )
        data = {
            "answer": verdict,
            "reason": next(c.value for c in shown.reasons if c.id == reason),
            "confidence": confidence,
        }
        where = "revote" if again else "answer"
        response = self.client.post(f"/a/{self.token}/class/{where}?position={position}", data=data)
        assert response.status_code == 303, response.text


def current_claim(server: LiveServer, assignment_id: int) -> ClassifyQuestion:
    """Return the claim the class is on."""
    assert server.app is not None
    with server.app.state.sessions() as session:
        run = runs_store.latest_run(session, assignment_id=assignment_id)
        assert run is not None
        qid = run.question_ids[run.position]
    question = server.bank.questions[qid]
    assert isinstance(question, ClassifyQuestion)
    return question


def _wrong(question: ClassifyQuestion) -> list[str]:
    return [v for v in ("research", "hypothesis", "unsupported") if v != question.verdict]


def first_votes(question: ClassifyQuestion, rng: random.Random) -> list[tuple[str, bool, str]]:
    """Return twelve first votes: about half right, the rest split between the two wrong
    verdicts, a right verdict usually with its right reason."""
    wrong = _wrong(question)
    verdicts = [question.verdict] * 5 + [wrong[0]] * 5 + [wrong[1]] * 2
    rng.shuffle(verdicts)
    votes = []
    for verdict in verdicts:
        right = verdict == question.verdict
        reason_right = rng.random() < (0.8 if right else 0.25)
        confidence = rng.choice(
            ["unsure", "fairly-sure", "certain"] if right else ["guessing", "unsure", "fairly-sure"]
        )
        votes.append((verdict, reason_right, confidence))
    return votes


def second_vote(
    question: ClassifyQuestion, first: tuple[str, bool, str], rng: random.Random
) -> tuple[str, bool, str]:
    """Return a student's vote after the discussion: most of the wrong move to the right verdict."""
    verdict, _, _ = first
    if verdict != question.verdict and rng.random() < 0.7:
        return question.verdict, rng.random() < 0.8, rng.choice(["unsure", "fairly-sure"])
    return verdict, verdict == question.verdict, rng.choice(["fairly-sure", "certain"])


def press(page: Page, button: str) -> None:
    """Press one of the presenter's buttons and wait until the next step has replaced it."""
    page.get_by_role("button", name=button).click()
    expect(page.get_by_role("button", name=button)).to_have_count(0, timeout=WAIT_MS)


def wait_for_text(page: Page, text: str) -> None:
    """Wait until the presenter's live part shows `text` (its counts update by themselves)."""
    page.locator("#presenter", has_text=text).wait_for(timeout=WAIT_MS)


def shoot(page: Page, name: str) -> None:
    page.wait_for_timeout(300)  # let htmx settle its swap
    # The whole page when the presenter fits the window; else the step's buttons at the bottom of
    # the window (the teacher scrolls down to them), or the presenter from its top if shorter.
    page.evaluate(
        """() => {
            const box = document.querySelector("#presenter").getBoundingClientRect();
            const top = box.top + window.scrollY - 8;
            const bottom = box.bottom + window.scrollY + 16;
            const fits = bottom <= window.innerHeight;
            window.scrollTo(0, fits ? 0 : Math.max(top, bottom - window.innerHeight));
        }"""
    )
    page.screenshot(path=str(DOCS / f"class-{name}.png"))
    bottom = page.evaluate("document.querySelector('#presenter').getBoundingClientRect().bottom")
    print(f"class-{name}.png: the presenter ends at {bottom:.0f} px of {PROJECTOR['height']}")


def run_class(page: Page, server: LiveServer, assignment_id: int, code: str) -> None:
    """Join the students, go through every claim (the first with a second vote) and photograph
    each step."""
    rng = random.Random(7)
    students = [Student(server, code, name) for name in STUDENTS]
    wait_for_text(page, f"{len(students)} students joined")
    shoot(page, "lobby")
    press(page, "Show the first claim")
    for number in range(CLAIMS):
        if number:
            press(page, "Next claim")
        question = current_claim(server, assignment_id)
        votes = first_votes(question, rng)
        for student, vote in zip(students, votes, strict=True):
            student.vote(*vote, again=False)
            if number == 0 and student is students[FIRST_TO_ANSWER - 1]:
                wait_for_text(page, f"{FIRST_TO_ANSWER} of {len(students)} answered")
                shoot(page, "answering")
        wait_for_text(page, f"{len(students)} of {len(students)} answered")
        press(page, "Show the spread")
        if number == 0:
            shoot(page, "spread")
            press(page, "Discuss and vote again")
            for student, vote in zip(students, votes, strict=True):
                student.vote(*second_vote(question, vote, rng), again=True)
            wait_for_text(page, f"{len(students)} of {len(students)} voted again")
            press(page, "Show both votes")
            shoot(page, "compared")
        press(page, "Reveal the answer")
        if number == 0:
            shoot(page, "reveal")
    press(page, "End and show the class summary")
    wait_for_text(page, "Class summary")
    shoot(page, "summary")
    for student in students:
        student.client.close()


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
            page = browser.new_page(viewport=PROJECTOR, color_scheme="light")
            page.goto(f"{server.url}/teacher/signup")
            page.get_by_label("Email").fill("ms.rivera@school.org")
            page.get_by_label("Password", exact=True).fill("a walk by the river")
            page.get_by_label("Password again").fill("a walk by the river")
            page.get_by_role("button", name="Create account").click()
            # Signing up leads to the login page: log in with the new account.
            page.get_by_label("Email").fill("ms.rivera@school.org")
            page.get_by_label("Password").fill("a walk by the river")
            page.get_by_role("button", name="Log in").click()
            page.wait_for_url(lambda url: "/login" not in url)
            page.goto(f"{server.url}/teacher/assignments/new")
            page.get_by_label("Title").fill("Year 9: micro doesn't mean safe")
            page.get_by_label("A question set").check()
            page.locator("#set_id").select_option(label="Micro doesn't mean safe")
            page.get_by_label("Number of questions per student").fill(str(CLAIMS))
            page.get_by_role("button", name="Make the assignment").click()
            code = page.locator(".join-code").inner_text().replace("-", "")
            assignment_id = int(page.url.rstrip("/").rsplit("/", 1)[-1])
            page.get_by_role("button", name="Run in class").click()
            page.wait_for_url(re.compile(r"/class$"))
            run_class(page, server, assignment_id, code)
            browser.close()
        server.stop()


if __name__ == "__main__":
    main()
