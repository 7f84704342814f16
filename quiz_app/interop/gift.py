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
from collections.abc import Callable, Collection, Sequence
from typing import Any

from quiz_app.bank.catalog import AnyQuestion

from .drafts import (
    Draft,
    DraftAnswer,
    ImportProblem,
    ImportResult,
    Syntax,
    html_to_text,
)
from .mapping import APP_NAME, PROMPTS, category_name, choices, explanation_text, metadata
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
    for start, lines in _blocks(text):
        _read_block(start, lines, drafts, problems)
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


def _draft(start: int, lines: list[str], problems: list[ImportProblem]) -> Draft:
    """Return a block's question as a draft, or raise _Skip."""
    body, meta, meta_line = _comments(start, lines, problems)
    text = _unescaped(start, "\n".join(body))

    def line_at(position: int) -> int:
        return start + text.count("\n", 0, position)

    pos = len(text) - len(text.lstrip())
    if pos == len(text):
        if meta_line is None:
            raise _Skip()
        raise _Skip(
            meta_line,
            "this claim-check line has no question under it. Put it directly above its "
            "question, with no blank line between.",
        )
    if text.startswith("$CATEGORY:", pos):
        raise _Skip()
    first = line_at(pos)
    name, pos = _name(text, pos, first)
    where = f"question “{name}”" if name else "this question"
    opening, closing = _braces(text, pos, first, where, line_at)
    question_text, text_format = _plain(text[pos:opening], "moodle")
    inside = text[opening + 1 : closing]
    general = ""
    split = inside.rfind("####")
    if split != -1:
        general = _plain(inside[split + 4 :], text_format)[0]
        inside = inside[:split]
    kind = _kind(inside)
    if kind != "multiple-choice":
        raise _Skip(
            first,
            f"{where} is a {kind} question. Only multiple-choice questions can be imported: "
            "=right answer and ~wrong answers between { and }.",
        )
    return Draft(
        line=first,
        name=name,
        text=question_text,
        answers=_answers(inside, opening + 1, text_format, line_at, where),
        general_feedback=general,
        metadata=meta,
        metadata_line=meta_line,
    )


def _comments(
    start: int, lines: list[str], problems: list[ImportProblem]
) -> tuple[list[str], dict[str, Any] | None, int | None]:
    """Return a block's lines with comments blanked (so line numbers stay right), and its
    claim-check metadata and that line's number (None, None without one)."""
    meta: dict[str, Any] | None = None
    meta_line: int | None = None
    body: list[str] = []
    for number, line in enumerate(lines, start):
        stripped = line.strip()
        if not stripped.startswith("//"):
            body.append(line)
            continue
        body.append(" ")
        found = META_LINE.match(stripped)
        if found is None:
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
    return body, meta, meta_line


def _unescaped(start: int, joined: str) -> str:
    """Return a block's text with escaped characters as placeholders, so none is syntax."""
    private = _PRIVATE_RE.search(joined)
    if private:
        at = start + joined.count("\n", 0, private.start())
        raise _Skip(at, "the text has a private-use character (U+E000 to U+E007); remove it.")
    return _ESCAPE_RE.sub(lambda m: _PLACEHOLDER[m.group(1)], joined)


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
    return _plain(text[pos + 2 : end], "plain")[0], end + 2


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
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        problems.append(
            ImportProblem(
                line,
                f"the claim-check line is not valid JSON: {exc.msg} (character {exc.pos + 1} "
                'after "claim-check:"). Write it as {"field": "value", …}.',
            )
        )
        return None
    if not isinstance(data, dict):
        problems.append(
            ImportProblem(line, 'the claim-check line must be a JSON object: {"field": …}.')
        )
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
    if inside[: marks[0].start()].strip():
        raise _Skip(
            line_at(offset),
            f"{where} has text before its first answer. Start every answer with = (right) "
            "or ~ (wrong).",
        )
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
                text=_plain(answer, text_format)[0],
                fraction=fraction,
                feedback=_plain(feedback, text_format)[0],
                line=line_at(offset + mark.start()),
            )
        )
    return answers


def _plain(raw: str, default_format: str) -> tuple[str, str]:
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
