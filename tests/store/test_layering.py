"""Every query lives in quiz_app/store/: no other module builds a statement or runs one on a
session (db.py only makes the engine and the sessions)."""

import ast
from pathlib import Path

import quiz_app

PACKAGE = Path(quiz_app.__file__).parent
ALLOWED = {PACKAGE / "db.py"}
STATEMENTS = {"select", "insert", "update", "delete", "func", "or_", "and_"}
SESSION_CALLS = {"get", "execute", "scalar", "scalars", "add", "delete", "flush", "commit", "query"}


def _offences(path: Path, root: Path = PACKAGE) -> list[str]:
    tree = ast.parse(path.read_text(), str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sqlalchemy"):
            found += [f"imports {a.name}" for a in node.names if a.name in STATEMENTS]
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "session"
            and node.func.attr in SESSION_CALLS
        ):
            found.append(f"line {node.lineno}: session.{node.func.attr}()")
    return [f"{path.relative_to(root)}: {offence}" for offence in found]


def test_no_module_outside_the_store_builds_or_runs_a_query() -> None:
    modules = [
        path
        for path in sorted(PACKAGE.rglob("*.py"))
        if PACKAGE / "store" not in path.parents and path not in ALLOWED
    ]
    assert len(modules) > 40  # the package was found
    offences = [offence for path in modules for offence in _offences(path)]
    assert offences == []


def test_the_check_sees_a_query_built_outside_the_store(tmp_path: Path) -> None:
    module = tmp_path / "route.py"
    module.write_text(
        "from sqlalchemy import select\ndef show(session):\n    return session.scalars(select(1))\n"
    )
    found = [o.split(": ", 1)[1] for o in _offences(module, tmp_path)]
    assert found == ["imports select", "line 3: session.scalars()"]
