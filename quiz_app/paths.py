"""Where the bundled questions, templates, static files and migrations are on disk.

A built wheel carries them inside the package (`quiz_app/_bundled/`); a source checkout or an
editable install has them at the top of the repository.
"""

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def bundled(name: str) -> Path:
    """Return the directory `name` (questions, templates, static, migrations) of this install."""
    inside = _PACKAGE / "_bundled" / name
    if inside.is_dir():
        return inside
    return _PACKAGE.parent / name
