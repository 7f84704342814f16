"""The documents a server also shows as pages (docs/privacy.md, docs/accessibility.md): one text
for the repository and the page, rendered from Markdown to HTML."""

import html
import re
from functools import cache
from typing import NamedTuple

from markdown_it import MarkdownIt

from quiz_app.paths import bundled

DOCUMENTS = ("privacy", "accessibility")
_TABLE = re.compile(r"<table>(.*?)</table>", re.S)
_HEADING = re.compile(r"<h2>(.*?)</h2>", re.S)


class Document(NamedTuple):
    title: str  # the file's first heading, which the page shows as its <h1>
    body: str  # the rest, as HTML


def _wrap_tables(body: str) -> str:
    """Put each table in a focusable region named after the section it is in, so a wide table
    scrolls on its own at 320 px instead of the page (WCAG 1.4.10)."""
    parts, last = [], 0
    for match in _TABLE.finditer(body):
        headings = _HEADING.findall(body, 0, match.start())
        name = re.sub(r"<[^>]+>", "", headings[-1]) if headings else "Summary"
        parts += [
            body[last : match.start()],
            f'<div class="table-wrap" role="region" tabindex="0" aria-label="{name}">',
            match.group(0),
            "</div>",
        ]
        last = match.end()
    return "".join([*parts, body[last:]])


@cache
def document(name: str) -> Document:
    """Return docs/<name>.md as a title and HTML. Raw HTML in the file is escaped, not kept."""
    text = (bundled("docs") / f"{name}.md").read_text(encoding="utf-8")
    first, _, rest = text.partition("\n")
    markdown = MarkdownIt("commonmark", {"html": False}).enable("table")
    return Document(
        html.unescape(first.removeprefix("# ").strip()), _wrap_tables(markdown.render(rest))
    )
