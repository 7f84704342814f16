"""GIFT, Moodle's plain-text question format: write a set's questions, read a teacher's file.

Each question is written as

    // claim-check: {"kind": "classify", "theme": "risks", ...}
    ::risks-01::[plain]Is this claim research, a hypothesis, or unsupported?\\n\\nThe claim. {
        =Research#Right: this is Research.
        ~Hypothesis#Not quite: this is Research, not Hypothesis.
        ~Unsupported#Not quite: this is Research, not Unsupported.
        ####Why\\: the explanation…
    }

The `// claim-check:` comment line carries, as one JSON object, the bank fields GIFT has no place
for (Moodle ignores comment lines). In text, `~ = # { } :` and the backslash are escaped with a
backslash and a line break is written `\\n`, as Moodle reads and writes them.
"""

import json
import re
from bisect import bisect_left
from collections.abc import Callable, Collection, Sequence
from typing import Any, NamedTuple

from quiz_app.bank.catalog import AnyQuestion

from .drafts import (
    MAX_ANSWERS,
    MAX_IMPORT_QUESTIONS,
    Draft,
    DraftAnswer,
    ImportProblem,
    ImportResult,
    Syntax,
    article,
    read_metadata,
    too_many_answers,
    too_many_questions,
)
from .gift_text import escape, plain_text, private_use_at, unescaped
from .lms_tags import lms_tags
from .mapping import (
    APP_NAME,
    PROMPTS,
    category_name,
    choices,
    explanation_text,
    metadata,
)
from .validation import parse

SYNTAX = Syntax(
    name="GIFT",
    add_metadata=lambda example: (
        f"Add this line just above the question: // claim-check: {example}"
    ),
    add_feedback="write it after the answer, following a # (=Right answer#Why it is right).",
    mark_right="put = before the right answer and ~ before each wrong one.",
)
META_LINE = re.compile(r"^//\s*claim-check:\s*(.*)$")
# Moodle 3.6+ writes a question's ID number and tags as comments: // [id:risks-01] [tag:risks]
# (a ] inside is written \]).
ID_OR_TAG = re.compile(r"\[(id|tag):((?:\\\]|[^\]\x00-\x1f])+)\]")


def _answer(text: str) -> str:
    # An answer starting with % would be read as a weight, one starting with [ as a text format.
    return ("[plain]" if text.startswith(("%", "[")) else "") + escape(text)


def _one_line_json(data: dict[str, Any]) -> str:
    # U+2028/2029 would split the line for tools that treat them as line ends.
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def to_gift(questions: Sequence[AnyQuestion], *, set_title: str) -> str:
    """Return the questions as a GIFT file, answer key and claim-check metadata included."""
    title = " ".join(set_title.split())
    out = [
        f"// {APP_NAME}: {title}",
        "// Multiple-choice questions WITH THE ANSWER KEY, for a teacher's LMS question bank.",
        "// Each // claim-check: line keeps the fields GIFT has no place for; Moodle ignores it.",
        "",
        f"$CATEGORY: $course$/top/{category_name(title)}",
        "",
    ]
    for question in questions:
        text = f"{PROMPTS[question.kind]}\n\n{question.claim}"
        # Moodle 3.6+ reads (and writes) the ID number and tags from a comment like this one.
        marks = [f"[id:{question.id}]", *(f"[tag:{tag}]" for tag in lms_tags(question))]
        out.append("// " + " ".join(marks))
        out.append("// claim-check: " + _one_line_json(metadata(question)))
        out.append(f"::{escape(question.id)}::[plain]{escape(text)} {{")
        for choice in choices(question):
            mark = "=" if choice.correct else "~"
            out.append(f"\t{mark}{_answer(choice.text)}#{escape(choice.feedback)}")
        out.append(f"\t####{escape(explanation_text(question))}")
        out.append("}")
        out.append("")
    return "\n".join(out)


def parse_gift(data: bytes | str, *, concepts: Collection[str] | None = None) -> ImportResult:
    """Return a GIFT file's questions as bank dicts, or none and every problem by line."""
    return parse(data, read_gift, SYNTAX, concepts)


def read_gift(text: str) -> tuple[list[Draft], list[ImportProblem]]:
    """Return the multiple-choice questions of GIFT text as drafts, and what cannot be read."""
    drafts: list[Draft] = []
    problems: list[ImportProblem] = []
    questions = 0  # blocks that made a draft or a problem: the reader stops past the limit
    for start, lines in _blocks(text):
        if questions == MAX_IMPORT_QUESTIONS:
            return [], [too_many_questions(start)]  # split the file first, then fix the rest
        before = len(drafts) + len(problems)
        _read_block(start, lines, drafts, problems)
        questions += len(drafts) + len(problems) > before
    return drafts, problems


def _blocks(text: str) -> list[tuple[int, list[str]]]:
    """Return the file's questions: runs of non-blank lines, each with its first line number."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 1
    for number, line in enumerate(text.split("\n"), 1):
        if line.strip():
            if not current:
                start = number
            current.append(line)
        elif current:
            blocks.append((start, current))
            current = []
    if current:
        blocks.append((start, current))
    return blocks


class _Skip(Exception):
    """A block that gives no question: a category or a comment, or a question with a problem
    (the problem, when there is one, is what to report)."""

    def __init__(self, line: int = 0, message: str = "") -> None:
        super().__init__(message)
        self.line, self.message = line, message


def _read_block(
    start: int, lines: list[str], drafts: list[Draft], problems: list[ImportProblem]
) -> None:
    """Read one question (or category, or comment block) into drafts or problems."""
    try:
        drafts.append(_draft(start, lines, problems))
    except _Skip as skip:
        if skip.message:
            problems.append(ImportProblem(skip.line, skip.message))


class _Lines:
    """The line number of any place in a block's text, from one pass over the text."""

    def __init__(self, start: int, text: str) -> None:
        self.start = start
        self.breaks = [found.start() for found in re.finditer("\n", text)]

    def __call__(self, position: int) -> int:
        return self.start + bisect_left(self.breaks, position)


def _draft(start: int, lines: list[str], problems: list[ImportProblem]) -> Draft:
    """Return a block's question as a draft, or raise _Skip."""
    comments = _comments(start, lines, problems)
    meta, meta_line = comments.meta, comments.meta_line
    joined = "\n".join(comments.body)
    private = private_use_at(joined)
    if private is not None:
        at = start + joined.count("\n", 0, private)
        raise _Skip(at, "the text has a private-use character (U+E000 to U+E007); remove it.")
    text = unescaped(joined)
    line_at = _Lines(start, text)
    pos = len(text) - len(text.lstrip())
    if text.startswith("$CATEGORY:", pos):
        # Moodle takes the category line alone; a question may follow on the next line.
        end = text.find("\n", pos)
        pos = len(text) if end == -1 else end + 1
        pos += len(text[pos:]) - len(text[pos:].lstrip())
    if pos == len(text):
        if meta_line is None:
            raise _Skip()
        raise _Skip(
            meta_line,
            "this claim-check line has no question under it. Put it directly above its "
            "question, with no blank line between.",
        )
    first = line_at(pos)
    name, pos = _name(text, pos, first)
    where = f"question “{name}”" if name else "this question"
    opening, closing = _braces(text, pos, first, where, line_at)
    question_text, text_format = plain_text(text[pos:opening], "moodle")
    inside = text[opening + 1 : closing]
    general = ""
    split = inside.rfind("####")
    if split != -1:
        general = plain_text(inside[split + 4 :], text_format)[0]
        inside = inside[:split]
    kind = _kind(inside)
    if kind != "multiple-choice":
        raise _Skip(
            first,
            f"{where} is {article(kind)} {kind} question. Only multiple-choice questions can be "
            "imported: =right answer and ~wrong answers between { and }.",
        )
    return Draft(
        line=first,
        name=name,
        text=question_text,
        answers=_answers(inside, opening + 1, text_format, line_at, where),
        general_feedback=general,
        metadata=meta,
        metadata_line=meta_line,
        idnumber=comments.idnumber,
        tags=comments.tags,
    )


class _Comments(NamedTuple):
    body: list[str]  # the block's lines, comments blanked so line numbers stay right
    meta: dict[str, Any] | None  # the claim-check metadata
    meta_line: int | None
    idnumber: str  # from Moodle's // [id:…]
    tags: tuple[str, ...]  # from Moodle's // [tag:…]


def _comments(start: int, lines: list[str], problems: list[ImportProblem]) -> _Comments:
    """Return a block's lines with comments blanked, and what its comments say."""
    meta: dict[str, Any] | None = None
    meta_line: int | None = None
    body: list[str] = []
    marks: list[tuple[str, str]] = []
    for number, line in enumerate(lines, start):
        stripped = line.strip()
        if not stripped.startswith("//"):
            body.append(line)
            continue
        body.append(" ")
        found = META_LINE.match(stripped)
        if found is None:
            marks += [(k, v.replace("\\]", "]").strip()) for k, v in ID_OR_TAG.findall(stripped)]
            continue
        if meta_line is not None:
            problems.append(
                ImportProblem(number, "a question has one claim-check line; merge the two.")
            )
            continue
        meta_line = number
        meta = _metadata(found.group(1), number, problems)
    if meta_line is not None and meta is None:
        raise _Skip()  # the metadata could not be read; that problem is reported already
    ids = [value for key, value in marks if key == "id"]
    tags = tuple(value for key, value in marks if key == "tag")
    return _Comments(body, meta, meta_line, ids[0] if ids else "", tags)


def _name(text: str, pos: int, first: int) -> tuple[str, int]:
    """Return the question's ::name:: ("" without one) and where the question text starts."""
    if not text.startswith("::", pos):
        return "", pos
    end = text.find("::", pos + 2)
    if end == -1:
        raise _Skip(
            first,
            "the question's name starts with :: but never ends. Write it as ::name:: "
            "(and a : inside it as \\:).",
        )
    return plain_text(text[pos + 2 : end], "plain")[0], end + 2


def _braces(
    text: str, pos: int, first: int, where: str, line_at: Callable[[int], int]
) -> tuple[int, int]:
    """Return where the answer block's { and } are; it must end the question."""
    opening, closing = text.find("{", pos), text.find("}", pos)
    if opening == -1 and closing == -1:
        raise _Skip(
            first,
            f"{where} has no answers in {{ }}. Only multiple-choice questions can be "
            "imported: =right answer and ~wrong answers between { and }.",
        )
    if opening == -1 or closing == -1 or closing < opening:
        raise _Skip(
            first,
            f"{where} has a {{ without a }} or the other way round. Write a brace that is part "
            "of the text as \\{ or \\}.",
        )
    if text[closing + 1 :].strip():
        raise _Skip(
            line_at(closing + 1),
            f"{where} has text after the closing }}. Put the answers at the end of the "
            "question (fill-in-the-blank questions cannot be imported).",
        )
    return opening, closing


def _metadata(raw: str, line: int, problems: list[ImportProblem]) -> dict[str, Any] | None:
    data = read_metadata(raw)
    if isinstance(data, str):
        problems.append(ImportProblem(line, f"the claim-check line {data}"))
        return None
    return data


def _kind(inside: str) -> str:
    """Return the kind of question an answer block makes, as Moodle decides it."""
    answers = inside.strip()
    if not answers:
        return "essay"
    if answers.startswith("#"):
        return "numerical"
    if "~" in answers:
        return "multiple-choice"
    if "=" in answers and "->" in answers:
        return "matching"
    if answers.split("#", 1)[0].strip() in ("T", "TRUE", "F", "FALSE"):
        return "true/false"
    return "short-answer"


def _answers(
    inside: str,
    offset: int,
    text_format: str,
    line_at: Callable[[int], int],
    where: str,
) -> list[DraftAnswer]:
    """Return the answers of a multiple-choice block, or raise _Skip saying what is wrong."""
    marks = list(re.finditer(r"[~=]", inside))
    if len(marks) > MAX_ANSWERS:
        raise _Skip(line_at(offset), f"{where}: {too_many_answers(len(marks))}")
    if inside[: marks[0].start()].strip():
        raise _Skip(
            line_at(offset),
            f"{where} has text before its first answer. Start every answer with = (right) "
            "or ~ (wrong).",
        )
    _check_inner_equals(inside, offset, marks, line_at, where)
    answers = []
    for mark, following in zip(marks, [*marks[1:], None], strict=True):
        content = inside[mark.end() : following.start() if following else len(inside)]
        fraction = 100.0 if mark.group() == "=" else 0.0
        weight = re.match(r"\s*%(-?\d+(?:\.\d+)?)%", content)
        if mark.group() == "~" and weight:
            fraction = float(weight.group(1))
            content = content[weight.end() :]
        answer, _, feedback = content.partition("#")
        answers.append(
            DraftAnswer(
                text=plain_text(answer, text_format)[0],
                fraction=fraction,
                feedback=plain_text(feedback, text_format)[0],
                line=line_at(offset + mark.start()),
            )
        )
    return answers


def _check_inner_equals(
    inside: str,
    offset: int,
    marks: Sequence[re.Match[str]],
    line_at: Callable[[int], int],
    where: str,
) -> None:
    """Raise _Skip when several answers are marked right and one of the = marks is inside a
    line of text: most likely an = meant as text, which GIFT reads as a new right answer."""
    rights = [mark for mark in marks if mark.group() == "="]
    if len(rights) < 2:
        return
    for mark in rights:
        line_start = inside.rfind("\n", 0, mark.start()) + 1
        if inside[line_start : mark.start()].strip():
            raise _Skip(
                line_at(offset + mark.start()),
                f"{where}: {len(rights)} answers are marked right, because GIFT reads this = "
                "in the middle of the line as the start of a new right answer. If the = is "
                "part of the text, write it as \\=; otherwise mark exactly one answer right "
                "with = and the others with ~.",
            )
