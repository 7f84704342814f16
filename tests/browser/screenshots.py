"""Full-page screenshots at phone width of a question, its feedback and a set's results.

    python3 -m tests.browser.screenshots OUTDIR

Starts the app on the bundled bank (a fresh SQLite file in a temporary folder), takes the
first set of ten classify questions in headless Chromium at 390×844 with JavaScript on (the
same draw every run), answers the first question wrongly and then a mix, and saves
question.png, feedback.png and results.png in OUTDIR, and results-first-screen.png (the
results as the phone first shows them). It prints each page's height in CSS pixels. Not a
test: run it by hand to look at what a student sees.
"""

import shutil
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from quiz_app.classroom import seeds
from quiz_app.config import Settings
from tests.support import set_walk
from tests.support.live_server import CHROMIUM_ARGS, LiveServer

VIEWPORT = {"width": 390, "height": 844}  # a common phone, in CSS pixels
SEED = 7  # the attempt's draw and order: the same questions every run, to compare runs


def page_height(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollHeight"))


def shoot(page: Page, path: Path) -> None:
    page.screenshot(path=str(path), full_page=True)
    print(f"{path.name}: {page_height(page)} px tall at {VIEWPORT['width']} px wide")


def take(server: LiveServer, page: Page, outdir: Path) -> None:
    qset = set_walk.ten_question_sets(server, classify=True)[0]
    set_walk.start(page, server, qset)
    shoot(page, outdir / "question.png")
    for position in range(1, set_walk.SET_SIZE + 1):
        set_walk.answer(page, server, right=position % 3 == 0)
        if position == 1:
            shoot(page, outdir / "feedback.png")
        set_walk.go_on(page)
    shoot(page, outdir / "results.png")
    page.screenshot(path=str(outdir / "results-first-screen.png"))  # what shows before scrolling


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    outdir = Path(argv[0])
    outdir.mkdir(parents=True, exist_ok=True)
    chromium = shutil.which("chromium")
    if chromium is None:
        print("Chromium is not installed (apt-get install chromium)", file=sys.stderr)
        return 1
    seeds.source = lambda: SEED  # the test hook: the same draw in every run
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            database_url=f"sqlite:///{Path(tmp) / 'quiz.db'}", htmx_source="local", data_dir=tmp
        )
        server = LiveServer(settings)
        server.start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=chromium, headless=True, args=CHROMIUM_ARGS
                )
                page = browser.new_context(viewport=VIEWPORT).new_page()
                take(server, page, outdir)
                browser.close()
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
