"""Save the pictures of docs/learning-features.md, from the bundled bank:

- docs/screenshot-feedback-ladder.png: a claim answered with the right verdict for the wrong
  reason, and its feedback with the evidence ladder;
- docs/screenshot-profile.png: the results of the "Before and after" set: marks, the change
  from check-in to check-out, and the profile with calibration.

Run from the repository root: `python docs/make_learning_screenshots.py`. It serves this
checkout's app on a free loopback port with a throwaway database and drives headless Chromium.
"""

import re
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # this checkout's quiz_app, not an installed one

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402

from quiz_app.bank.catalog import Bank  # noqa: E402
from quiz_app.bank.items import ClassifyQuestion  # noqa: E402
from quiz_app.bank.vocabulary import VERDICT_LABELS  # noqa: E402
from quiz_app.config import Settings  # noqa: E402
from tests.browser.conftest import CHROMIUM_ARGS, LiveServer  # noqa: E402

WIDTH_PX = 900  # the three verdicts side by side, the ladder as a staircase
LADDER_PNG = ROOT / "docs" / "screenshot-feedback-ladder.png"
PROFILE_PNG = ROOT / "docs" / "screenshot-profile.png"


def answer(
    page: Page,
    bank: Bank,
    *,
    right: bool,
    right_reason: bool,
    confidence: str,
    verdict: str | None = None,
) -> None:
    """Answer the question on the page through its form (a classify question with `verdict`
    when given)."""
    # The URL carries only the position: find the question by the claim shown.
    claim = page.locator("#claim p").last.inner_text().strip()
    q = next(q for q in bank.questions.values() if q.claim.strip() == claim)
    form = page.locator("#answer-form")
    if isinstance(q, ClassifyQuestion):
        if verdict is None:
            wrong = "research" if q.verdict != "research" else "hypothesis"
            verdict = q.verdict if right else wrong
        form.get_by_role("radio", name=re.compile(f"^{VERDICT_LABELS[verdict]}")).check()
        reason = next(r for r in q.reason_options if (r in q.right_reasons) == right_reason)
        name = bank.concepts[reason].name
        form.get_by_role("radio", name=re.compile(f"^{re.escape(name)}")).check()
    else:
        option = next(o for o in q.options if o.correct == right)
        form.locator("label.choice-option").filter(has_text=option.text).locator("input").check()
    form.get_by_role("radio", name=confidence, exact=True).check()
    form.get_by_role("button", name="Check my answer").click()
    expect(page.locator("#feedback-heading")).to_be_focused()


def next_page(page: Page) -> None:
    link = page.locator("#feedback .next a")
    href = str(link.get_attribute("href"))
    link.click()
    page.wait_for_url(f"**{href}")
    page.wait_for_load_state()


def start(page: Page, base: str, title: str) -> None:
    page.goto(base + "/")
    heading = page.get_by_role("heading", name=title, exact=True)
    page.locator(".set-list > li").filter(has=heading).get_by_role("button", name="Start").click()
    page.wait_for_url("**/q/**")
    page.wait_for_load_state()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            database_url=f"sqlite:///{tmp}/quiz.db", htmx_source="local", data_dir=Path(tmp)
        )
        server = LiveServer(settings)
        server.start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=shutil.which("chromium"), headless=True, args=CHROMIUM_ARGS
                )
                page = browser.new_page(viewport={"width": WIDTH_PX, "height": 900})
                shoot(page, server.url, server.bank)
                browser.close()
        finally:
            server.stop()
    print(f"wrote {LADDER_PNG} and {PROFILE_PNG}")


def shoot(page: Page, base: str, bank: Bank) -> None:
    start(page, base, "Before and after")
    # Check-in: everything as research, certain: the over-trust the practice then corrects.
    # Practice: the first classify question right for the wrong reason (the ladder picture),
    # one option question wrong. Check-out: all right but one.
    shot = False
    for position in range(1, 27):
        phase = page.locator(".phase").inner_text()
        classify = page.locator("#answer-form input[name=reason]").count() > 0
        if phase.startswith("Check-in"):
            answer(
                page, bank, right=True, right_reason=True, confidence="Certain", verdict="research"
            )
        elif phase.startswith("Practice"):
            wrong_reason = classify and not shot
            answer(
                page,
                bank,
                right=classify or position % 2 == 0,
                right_reason=not wrong_reason,
                confidence="Fairly sure",
            )
            if wrong_reason:
                page.locator("#feedback details.more summary").click()  # the ladder folds there
                page.screenshot(path=LADDER_PNG, full_page=True)
                shot = True
        else:
            answer(page, bank, right=position != 20, right_reason=True, confidence="Certain")
        next_page(page)
    page.locator("details.details summary").click()  # the tables fold under "Details"
    top = page.locator(".score").bounding_box()
    bottom = page.locator(".profile").bounding_box()
    assert top and bottom
    height = bottom["y"] + bottom["height"] - top["y"] + 24
    page.screenshot(
        path=PROFILE_PNG,
        full_page=True,
        clip={"x": 0, "y": top["y"] - 16, "width": WIDTH_PX, "height": height},
    )


if __name__ == "__main__":
    main()
