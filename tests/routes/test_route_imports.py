"""Route modules never import each other: what two routes share lives in a module below them
(quiz_app/links.py, interop/files.py, classroom/, learning/, lms_access.py)."""

import ast
from pathlib import Path

import pytest

import quiz_app.routes

ROUTES = Path(quiz_app.routes.__file__).parent
PACKAGE = "quiz_app.routes"


def _package_of(path: Path) -> str:
    """Return the dotted package a file under quiz_app/routes belongs to."""
    return ".".join(path.parent.relative_to(ROUTES.parent.parent).parts)


def route_imports(source: str, package: str) -> list[str]:
    """Return each import of a route module in a module's source, as `module[: names]`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if alias.name.startswith(PACKAGE)]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: `from . import x` is this package, `..` its parent…
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            names = sorted(alias.name for alias in node.names)
            if not base.startswith(PACKAGE):
                continue
            if (ROUTES.parent.parent / base.replace(".", "/")).is_dir():
                found += [f"{base}.{n}" for n in names]  # `from quiz_app.routes import lms`
            else:
                found.append(f"{base}: {', '.join(names)}")
    return found


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "from quiz_app.routes.student.embed import public_base",
            ["quiz_app.routes.student.embed: public_base"],
        ),
        ("import quiz_app.routes.lms.pages", ["quiz_app.routes.lms.pages"]),
        ("from quiz_app.routes import lms", ["quiz_app.routes.lms"]),
        ("from . import embed", ["quiz_app.routes.student.embed"]),
        ("from ..lms.launch import tool_urls", ["quiz_app.routes.lms.launch: tool_urls"]),
        ("from quiz_app.links import public_base\nimport quiz_app.store", []),
    ],
)
def test_route_imports_of_a_source_finds_each_route_module(
    source: str, expected: list[str]
) -> None:
    assert route_imports(source, "quiz_app.routes.student") == expected


@pytest.mark.parametrize(
    "path", sorted(ROUTES.rglob("*.py")), ids=lambda p: str(p.relative_to(ROUTES))
)
def test_route_module_imports_no_other_route_module(path: Path) -> None:
    assert route_imports(path.read_text(encoding="utf-8"), _package_of(path)) == []
