"""No module of the tests imports a test module: what two tests share lives in tests/support/
(a test module imported elsewhere runs its tests twice over and ties its helpers to one story)."""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def imported_test_modules(source: str) -> list[str]:
    """Return the test modules (test_*.py) that a module's source imports, dotted."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            names = [module, *(f"{module}.{alias.name}".lstrip(".") for alias in node.names)]
        else:
            continue
        found += [name for name in names if name.rsplit(".", 1)[-1].startswith("test_")]
    return sorted(set(found))


def test_no_module_of_the_tests_imports_a_test_module() -> None:
    found = {
        p.relative_to(TESTS).as_posix(): imports
        for p in TESTS.rglob("*.py")
        if (imports := imported_test_modules(p.read_text()))
    }
    assert found == {}


def test_imported_test_modules_finds_every_way_to_import_one() -> None:
    source = "\n".join(
        [
            "import tests.browser.test_embed",
            "from tests.browser.test_student_flow import smallest_set",
            "from tests.browser import test_lti",
            "from .test_glossary import GLOSSARY",
            "from tests.support.student_pages import smallest_set",
            "import tests.support.set_walk",
        ]
    )
    assert imported_test_modules(source) == [
        ".test_glossary",
        "tests.browser.test_embed",
        "tests.browser.test_lti",
        "tests.browser.test_student_flow",
    ]
