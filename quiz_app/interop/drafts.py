"""Imported questions as a format reader finds them: `Draft`s and `ImportProblem`s.

A reader (GIFT, Moodle XML) turns a file into `Draft`s, one per multiple-choice question, with
texts made plain (html_to_text, strip_prompt), and reports what it cannot read as
`ImportProblem`s; validation.finish then makes bank items of the drafts.
"""

import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

import lxml.html
from lxml import etree

from .mapping import PROMPTS

MAX_IMPORT_BYTES = 1_000_000  # 1 MB: many times a large question file, small enough to parse safely
MAX_IMPORT_QUESTIONS = 500  # questions in one file; a bank file of a theme holds a few dozen
MAX_ANSWERS = 20  # answers of one question: Claim Check's have 3 to 5, Moodle's form offers 5
MAX_FIELD_CHARS = 5_000  # characters of one text; the bank's longest field allows 1,500
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
    tags: tuple[str, ...] = ()  # the LMS's tags, as our own export writes them
    images: tuple[str, ...] = ()  # the alt text of each image in its texts ("" for none)


def too_large() -> ImportProblem:
    """Return the problem of a file over the size limit (only the limit is known: the reader
    stops one byte past it)."""
    return ImportProblem(
        1,
        f"The file is larger than {MAX_IMPORT_BYTES // 1_000_000} MB, the limit. Split it into "
        "smaller files and import them one by one.",
    )


def too_many_questions(line: int) -> ImportProblem:
    """Return the problem of a file with more questions than one import takes, at the first
    question past the limit (the reader stops there)."""
    return ImportProblem(
        line,
        f"The file holds more than {MAX_IMPORT_QUESTIONS} questions, the most one import "
        "takes. Split it into smaller files and import them one by one.",
    )


def too_many_answers(count: int) -> str:
    """Return what is wrong with a question of more answers than a file may give."""
    return (
        f"it has {count:,} answers; Claim Check questions have 3 to 5 (a file may give at "
        f"most {MAX_ANSWERS})."
    )


def article(word: str) -> str:
    """Return "a" or "an", whichever goes before the word."""
    return "an" if word[:1].lower() in "aeiou" else "a"


def read_metadata(raw: str) -> dict[str, Any] | str:
    """Return the claim-check metadata's JSON object, or what is wrong with it, as the end of
    a sentence about the line or element that holds it."""
    if len(raw) > MAX_FIELD_CHARS * 4:
        return f"has {len(raw):,} characters; it holds at most {MAX_FIELD_CHARS * 4:,}."
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        return (
            f"is not valid JSON: {exc.msg} (character {exc.pos + 1}). "
            'Write it as {"field": "value", …}.'
        )
    except RecursionError:
        return 'nests lists or objects too deeply to be metadata. Write it as {"field": …}.'
    if not isinstance(data, dict):
        return 'must be a JSON object: {"field": …}.'
    return data


def read_text(data: bytes | str) -> tuple[str, list[ImportProblem]]:
    """Return an upload as text with `\\n` line ends, or the problem that stops it being read."""
    size = len(data) if isinstance(data, bytes) else len(data.encode("utf-8", "surrogatepass"))
    if size > MAX_IMPORT_BYTES:
        return "", [too_large()]
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


def image_alts(markup: str) -> list[str]:
    """Return the alt text of every <img> of an HTML fragment ("" for one without)."""
    if "<img" not in markup.lower():
        return []
    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div", parser=_HTML_PARSER)
    except (etree.ParserError, etree.XMLSyntaxError):
        return []
    return [" ".join((image.get("alt") or "").split()) for image in root.iter("img")]


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
