"""Small rooms: no module of the package over 400 lines, no function over 60 (STYLE.md: a module
that grows past a few hundred lines is two concepts)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "quiz_app"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def long_functions(source: str) -> list[tuple[str, int]]:
    """Return (name, lines) of every function in the source longer than MAX_FUNCTION_LINES."""
    return [
        (node.name, node.end_lineno - node.lineno + 1)
        for node in ast.walk(ast.parse(source))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]


def test_no_module_of_the_package_is_over_400_lines() -> None:
    sizes = {
        p.relative_to(ROOT).as_posix(): len(p.read_text().splitlines()) for p in ROOT.rglob("*.py")
    }
    assert len(sizes) > 40
    assert {m: n for m, n in sizes.items() if n > MAX_MODULE_LINES} == {}


def test_no_function_of_the_package_is_over_60_lines() -> None:
    found = {
        p.relative_to(ROOT).as_posix(): long
        for p in ROOT.rglob("*.py")
        if (long := long_functions(p.read_text()))
    }
    assert found == {}


def test_long_functions_finds_a_function_over_the_limit() -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES))
    assert long_functions(f"def short():\n    pass\n\ndef long():\n{body}\n") == [
        ("long", MAX_FUNCTION_LINES + 1)
    ]
