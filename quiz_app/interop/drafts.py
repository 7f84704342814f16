"""Imported questions as a format reader finds them: `Draft`s and `ImportProblem`s.

A reader (GIFT, Moodle XML) turns a file into `Draft`s, one per multiple-choice question, with
texts made plain (html_to_text, strip_prompt), and reports what it cannot read as
`ImportProblem`s; validation.finish then makes bank items of the drafts.
"""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

import lxml.html
from lxml import etree

from .mapping import PROMPTS

MAX_IMPORT_BYTES = 1_000_000  # 1 MB: many times a large question file, small enough to parse safely
MAX_PROBLEMS = 100  # list this many problems, then say how many more there are
OPTION_IDS = "abcde"  # option letters given to imported answers, in order


@dataclass(frozen=True, order=True)
class ImportProblem:
    """Why something in an imported file cannot become a question, and where."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class ImportResult(NamedTuple):
    """The questions of a file, as bank dicts, or none of them and every problem."""

    questions: list[dict[str, Any]]
    errors: list[ImportProblem]


@dataclass(frozen=True)
class Syntax:
    """How one format writes what an importer may ask a teacher to add."""

    name: str
    add_metadata: Callable[[str], str]  # the JSON example in, the sentence saying where it goes
    add_feedback: str
    mark_right: str


@dataclass
class DraftAnswer:
    text: str
    fraction: float  # 100 for the right answer, 0 (or less) for a wrong one
    feedback: str
    line: int


@dataclass
class Draft:
    """One multiple-choice question as a reader found it, texts already plain."""

    line: int
    name: str
    text: str
    answers: list[DraftAnswer]
    general_feedback: str = ""
    metadata: dict[str, Any] | None = None
    metadata_line: int | None = None
    idnumber: str = ""


def read_text(data: bytes | str) -> tuple[str, list[ImportProblem]]:
    """Return an upload as text with `\\n` line ends, or the problem that stops it being read."""
    size = len(data) if isinstance(data, bytes) else len(data.encode("utf-8", "surrogatepass"))
    if size > MAX_IMPORT_BYTES:
        return "", [
            ImportProblem(
                1,
                f"The file is {size / 1000:,.0f} KB; the limit is {MAX_IMPORT_BYTES // 1000:,} KB "
                "(1 MB). Split it into smaller files and import them one by one.",
            )
        ]
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            return "", [
                ImportProblem(
                    line,
                    "The file is not UTF-8 text. Save it again with the encoding UTF-8 "
                    "(most editors offer it under Save as…) and import it again.",
                )
            ]
    else:
        text = data.removeprefix("\ufeff")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return "", [ImportProblem(1, "The file is empty.")]
    return text, []


# Paragraph and line-break marks while flattening HTML: private-use characters, removed from the
# input first, so they cannot clash with text.
_PARAGRAPH, _BREAK = "\ue0fe", "\ue0ff"
_BLOCK_TAGS = frozenset(
    "address article blockquote dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 header "
    "hr li ol p pre section table tr ul".split()
)
# Security: no network, and comments and processing instructions dropped, for teacher uploads.
_HTML_PARSER = lxml.html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True)


def html_to_text(markup: str) -> str:
    """Return the plain text of an HTML fragment: paragraphs apart by a blank line, <br> kept."""
    markup = markup.replace(_PARAGRAPH, "").replace(_BREAK, "")
    if "<" in markup or "&" in markup:
        try:
            root = lxml.html.fragment_fromstring(markup, create_parent="div", parser=_HTML_PARSER)
        except (etree.ParserError, etree.XMLSyntaxError):
            markup = re.sub(r"<[^>]*>", " ", markup)
        else:
            for element in root.xpath("//script|//style"):
                element.drop_tree()
            for element in root.iter():
                if element is root or not isinstance(element.tag, str):
                    continue
                if element.tag == "br":
                    element.tail = _BREAK + (element.tail or "")
                elif element.tag in _BLOCK_TAGS:
                    element.text = _PARAGRAPH + (element.text or "")
                    element.tail = _PARAGRAPH + (element.tail or "")
            markup = root.text_content()
    paragraphs = []
    for paragraph in markup.split(_PARAGRAPH):
        lines = [" ".join(line.split()) for line in paragraph.split(_BREAK)]
        text = "\n".join(lines).strip()
        if text:
            paragraphs.append(text)
    return "\n\n".join(paragraphs)


def strip_prompt(text: str) -> str:
    """Return the question text without a first paragraph that is one of our prompts."""
    first, _, rest = text.strip().partition("\n\n")
    if first.strip() in PROMPTS.values():
        return rest.strip()
    return text.strip()


def slug(text: str) -> str:
    """Return text as a bank id: lowercase ASCII letters and digits joined by single dashes."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    out = ""
    for word in words:
        candidate = f"{out}-{word}" if out else word
        if len(candidate) > 64:
            break
        out = candidate
    return out
