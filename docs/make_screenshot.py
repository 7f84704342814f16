"""Save docs/screenshot-question.png: a question and its feedback, as a student sees them.

Run from the repository root: `python docs/make_screenshot.py`. It serves the app on a free
loopback port with a throwaway database, starts the first set in headless Chromium, answers the
first question correctly, and takes a 900-pixel-wide picture of the whole page.
"""

import re
import shutil
import socket
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import uvicorn
from playwright.sync_api import expect, sync_playwright

from quiz_app.bank.items import ClassifyQuestion
from quiz_app.bank.vocabulary import VERDICT_LABELS
from quiz_app.config import Settings
from quiz_app.main import create_app

OUTPUT = Path(__file__).resolve().parent / "screenshot-question.png"
WIDTH_PX = 900  # wide enough for the three verdicts side by side
HEIGHT_PX = 900  # the first view; the picture is of the whole page
STARTUP_SECONDS = 10


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            database_url=f"sqlite:///{tmp}/quiz.db", htmx_source="local", data_dir=Path(tmp)
        )
        app = create_app(settings)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + STARTUP_SECONDS
        while not server.started:
            if time.monotonic() > deadline:
                raise SystemExit("the server did not start")
            time.sleep(0.01)
        try:
            shoot(f"http://127.0.0.1:{port}", app.state.bank.questions, app.state.bank.concepts)
        finally:
            server.should_exit = True
            thread.join()
            app.state.engine.dispose()
    print(f"wrote {OUTPUT}")


def shoot(base_url: str, questions: dict[str, Any], concepts: dict[str, Any]) -> None:
    chromium = shutil.which("chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(viewport={"width": WIDTH_PX, "height": HEIGHT_PX})
        page.goto(base_url + "/")
        page.get_by_role("button", name="Start").first.click()
        page.wait_for_url("**/q/**")
        page.wait_for_load_state()
        # The URL carries only the position: find the question by the claim shown.
        claim = page.locator("#claim p").last.inner_text().strip()
        question = next(q for q in questions.values() if q.claim.strip() == claim)
        assert isinstance(question, ClassifyQuestion)
        form = page.locator("#answer-form")
        # A radio's name is its label and its hint: match the label at the start.
        form.get_by_role("radio", name=re.compile(f"^{VERDICT_LABELS[question.verdict]}")).check()
        reason = next(iter(question.right_reasons))
        name = concepts[reason].name
        form.get_by_role("radio", name=re.compile(f"^{re.escape(name)}")).check()
        form.get_by_role("radio", name="Fairly sure").check()
        form.get_by_role("button", name="Check my answer").click()
        expect(page.locator("#feedback-heading")).to_be_focused()
        page.screenshot(path=OUTPUT, full_page=True)
        browser.close()


if __name__ == "__main__":
    main()
