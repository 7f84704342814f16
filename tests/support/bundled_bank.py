"""The bundled question bank, loaded once per test worker rather than once per app.

Loading and checking the bundled bank takes a third of a second, and nearly every test builds an
app on it. `cached_loader` wraps quiz_app.main's load_bank: the bundled folder is loaded again
only when one of its files changed (name, size or modification time); any other folder (a bank
a test wrote) is loaded as before. The bank is frozen and no code changes it, so sharing one
between apps shares nothing a test could alter.
"""

from collections.abc import Callable
from pathlib import Path

from quiz_app.bank.catalog import Bank
from quiz_app.paths import bundled

Loader = Callable[[Path], Bank]
FileStamp = tuple[str, int, int]  # relative path, size in bytes, modification time in ns


def _stamps(root: Path) -> tuple[FileStamp, ...]:
    return tuple(
        (p.relative_to(root).as_posix(), p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file()
    )


def cached_loader(load: Loader) -> Loader:
    """Return load, remembering the bundled bank for as long as its files stay the same."""
    bundled_root = bundled("questions").resolve()
    cache: dict[tuple[FileStamp, ...], Bank] = {}

    def load_cached(root: Path) -> Bank:
        if Path(root).resolve() != bundled_root:
            return load(root)
        stamps = _stamps(bundled_root)
        if stamps not in cache:
            cache.clear()
            cache[stamps] = load(root)
        return cache[stamps]

    return load_cached
