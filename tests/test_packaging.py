"""A built wheel carries the bank, the templates, the static files and the migrations."""

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_contains_questions_templates_static_and_migrations(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp_path)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("claim_check-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in (
        "quiz_app/main.py",
        "quiz_app/_bundled/questions/sets.yaml",
        "quiz_app/_bundled/questions/legal.yaml",
        "quiz_app/_bundled/templates/base.html",
        "quiz_app/_bundled/templates/quiz/_feedback.html",
        "quiz_app/_bundled/static/app.css",
        "quiz_app/_bundled/migrations/env.py",
        "quiz_app/_bundled/migrations/versions/0001_attempts_and_answers.py",
    ):
        assert expected in names, expected
    assert any(n.startswith("quiz_app/_bundled/static/htmx-2.") for n in names)
