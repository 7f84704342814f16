"""Text and web addresses as they come in: no NUL byte in any text (PostgreSQL cannot store
one, and no person types one), and addresses that parse. Pure checks; deps.py applies them to
every request."""

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import SplitResult, urlsplit

MAX_ID = 2**31 - 1  # the largest id an INTEGER column holds on PostgreSQL (SQLite holds more)

# Form fields that are never stored as typed and whose own check refuses (or drops) control
# characters beside the field, keeping what else was typed: the password policy, the framing
# sites, and a student's name (classroom.assignments.clean_name).
CHECKED_BY_THEIR_FORM = frozenset({"password", "password_again", "embed_origins", "name"})


def nul_problem(fields: Iterable[tuple[str, str]]) -> str | None:
    """Return why a request's text cannot be used, when a field holds a NUL byte."""
    for name, value in fields:
        if "\x00" in value:
            return (
                f"The field “{name}” contains a NUL character (\\0), which no text here may "
                "hold. Type or paste the text again without it."
            )
    return None


def nul_claim_problem(claims: Mapping[str, Any]) -> str | None:
    """Return why a token's claims cannot be used, when a claim's name or text holds a NUL."""
    if (path := _nul_path(dict(claims), "")) is None:
        return None
    shown = path.replace("\x00", "\\0")
    return (
        f"The id_token's claim “{shown}” contains a NUL character (\\0), which Claim Check "
        "cannot store. Ask the LMS's administrator to check it."
    )


def _nul_path(value: Any, path: str) -> str | None:
    """Return where in a decoded JSON value (a token's claims) a name or a text holds a NUL
    byte, as a dotted path ("context.title"), or None."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, dict):
        items: Iterable[tuple[Any, Any]] = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        name = f"{path}.{key}" if path else str(key)
        if "\x00" in name:
            return name
        if found := _nul_path(item, name):
            return found
    return None


def without_nul(value: str | None) -> str | None:
    """Return a value read from a cookie, or None when it holds a NUL byte (no cookie this app
    sets does: a forged one is treated as absent)."""
    return None if value is None or "\x00" in value else value


def url_parts(url: str) -> SplitResult | None:
    """Return the parts of a web address, or None when it does not parse (such as a broken
    IPv6 host, `http://[`, or a port that is not a number)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- reading the port checks it
    except ValueError:
        return None
    return parts
