"""GIFT's text syntax: escaping with a backslash, `\\n` for a line break, and the `[html]`,
`[moodle]`, `[plain]` and `[markdown]` format prefixes, as Moodle reads and writes them."""

import re

from .drafts import html_to_text

FORMATS = ("html", "moodle", "plain", "markdown")

# Escaped characters become private-use placeholders while the structure is read, as Moodle
# does, so an escaped { or # is never taken for syntax.
_ESCAPED = "\\~=#{}:n"
_PLACEHOLDER = {c: chr(0xE000 + i) for i, c in enumerate(_ESCAPED)}
_RESTORE = {ord(p): ("\n" if c == "n" else c) for c, p in _PLACEHOLDER.items()}
_ESCAPE_RE = re.compile(r"\\([\\~=#{}:n])")
_PRIVATE_RE = re.compile("[\ue000-\ue007]")


def escape(text: str) -> str:
    """Return text with GIFT's special characters escaped and line breaks written as \\n."""
    text = text.replace("\\", "\\\\")
    for char in "~=#{}:":
        text = text.replace(char, "\\" + char)
    return text.replace("\n", "\\n")


def private_use_at(text: str) -> int | None:
    """Return where the text has a character unescaped() uses as a placeholder, or None."""
    found = _PRIVATE_RE.search(text)
    return found.start() if found else None


def unescaped(text: str) -> str:
    """Return text with escaped characters as placeholders, so none is taken for syntax."""
    return _ESCAPE_RE.sub(lambda m: _PLACEHOLDER[m.group(1)], text)


def plain_text(raw: str, default_format: str) -> tuple[str, str]:
    """Return a GIFT text as plain text, and its format ([html], [plain]… or the default)."""
    raw = raw.strip()
    text_format = default_format
    if raw.startswith("["):
        name = raw[1 : raw.find("]")] if "]" in raw else ""
        if name in FORMATS:
            text_format = name
            raw = raw[len(name) + 2 :]
    text = raw.translate(_RESTORE).strip()
    if text_format == "html" or (text_format == "moodle" and re.search(r"</?[a-zA-Z]", text)):
        text = html_to_text(text)
    return text, text_format
