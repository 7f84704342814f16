"""The architecture the docs describe is the one on disk: every module they name exists, and
every module of the package is named in docs/architecture.md."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARCHITECTURE = ROOT / "docs" / "architecture.md"
MODULE_PATH = re.compile(r"`(quiz_app/[\w/]+\.py)`")


def named_modules(doc: Path) -> set[str]:
    return set(MODULE_PATH.findall(doc.read_text(encoding="utf-8")))


def package_modules() -> set[str]:
    return {
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "quiz_app").rglob("*.py")
        if path.name != "__init__.py"
    }


@pytest.mark.parametrize("doc", ["docs/architecture.md", "README.md"])
def test_docs_name_only_modules_that_exist(doc: str) -> None:
    named = named_modules(ROOT / doc)
    assert named, f"{doc} names no module"
    missing = sorted(m for m in named if not (ROOT / m).is_file())
    assert not missing, f"{doc} names modules that do not exist: {missing}"


def test_architecture_names_every_module_of_the_package() -> None:
    unnamed = sorted(package_modules() - named_modules(ARCHITECTURE))
    assert not unnamed, f"docs/architecture.md does not describe: {unnamed}"


def test_module_path_pattern_finds_a_backticked_module() -> None:
    assert MODULE_PATH.findall("see `quiz_app/store/attempts.py` and `other.py`") == [
        "quiz_app/store/attempts.py"
    ]
