"""Imported questions: from what a format reader found to validated bank items, or problems.

A reader (GIFT, Moodle XML) turns a file into `Draft`s, one per multiple-choice question, and
reports what it cannot read as `ImportProblem`s. `finish` then maps every draft to a bank item,
validates it with the bank's own models and content rules, and returns all of them, or, if
anything at all is wrong, none of them and every problem, each with its line number.
"""

import json
import re
import unicodedata
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import lxml.html
from lxml import etree
from pydantic import ValidationError

from quiz_app.bank.catalog import unknown_concepts
from quiz_app.bank.items import (
    ID_PATTERN,
    KINDS,
    QUESTION,
    BestEvidenceQuestion,
    ClassifyQuestion,
    FixClaimQuestion,
    QuestionBase,
)
from quiz_app.bank.vocabulary import THEMES, VERDICTS

from .mapping import META_FIELDS, NATIVE_FIELDS, PROMPTS, bank_dict

MAX_IMPORT_BYTES = 1_000_000  # 1 MB: many times a large question file, small enough to parse safely
MAX_PROBLEMS = 100  # list this many problems, then say how many more there are
OPTION_IDS = "abcde"  # option letters given to imported answers, in order

# The bank fields an imported question must give: every required field of its kind's model that
# the format does not carry itself. `explanation` may come from the general feedback instead, and
# `source_section` defaults to the theme's section.
_MODELS: dict[str, type[QuestionBase]] = {
    "classify": ClassifyQuestion,
    "best-evidence": BestEvidenceQuestion,
    "fix-claim": FixClaimQuestion,
}
_EXAMPLE: dict[str, Any] = {
    "theme": "risks",
    "difficulty": 2,
    "register": "casual",
    "cue": "words copied from the claim",
    "explanation": "Why the right answer is right.",
    "needed_evidence": "The study that would settle the claim.",
    "concepts": ["anecdote"],
    "reason_options": ["anecdote", "popularity", "authority"],
    "ladder": {"best": "anecdote", "certainty": "very-low", "rated_down": ["no-study"]},
    "review_by": "2028-09-01",
}
_HELP = {
    "theme": "theme is one of " + ", ".join(THEMES),
    "difficulty": "difficulty is 1 (easy), 2 or 3 (hard)",
    "register": "register is the claim's voice: casual, scientific or alarming",
    "cue": "cue is a phrase copied exactly from the claim that carries its evidence",
    "explanation": "explanation says why the right answer is right (or give general feedback)",
    "needed_evidence": "needed_evidence names the study that would make the claim stronger",
    "concepts": "concepts lists 1 to 3 ids of the concepts the question teaches",
    "reason_options": (
        "reason_options lists 3 or 4 concept ids offered as the reason, exactly one of them "
        "from concepts"
    ),
    "ladder": (
        "ladder gives the best evidence there is (best: none, anecdote, case-reports, "
        "observational, controlled-trials or systematic-reviews), its certainty (very-low, low, "
        "moderate or high) and, unless high, why it is rated down (rated_down)"
    ),
    "review_by": "review_by is the date to check the evidence again, as YYYY-MM-DD",
}


def required_fields(kind: str) -> list[str]:
    """Return the metadata fields a question of this kind must give, in the model's order."""
    fields = _MODELS[kind].model_fields
    names = [f.alias or name for name, f in fields.items() if f.is_required()]
    return [n for n in names if n not in (*NATIVE_FIELDS, "kind", "source_section")]


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


def finish(
    drafts: Sequence[Draft],
    problems: Sequence[ImportProblem],
    syntax: Syntax,
    concepts: Collection[str] | None,
) -> ImportResult:
    """Validate every draft; return all the questions, or none and every problem, by line."""
    found = list(problems)
    questions: list[dict[str, Any]] = []
    first_line: dict[str, int] = {}
    for draft in drafts:
        question, draft_problems = _build(draft, syntax, concepts)
        found += draft_problems
        if question is None:
            continue
        if question["id"] in first_line:
            found.append(
                ImportProblem(
                    draft.line,
                    f"{_where(draft)}: the id “{question['id']}” is already used by the question "
                    f"at line {first_line[question['id']]}. Give each question its own name.",
                )
            )
            continue
        first_line[question["id"]] = draft.line
        questions.append(question)
    if not drafts and not found:
        found.append(
            ImportProblem(1, f"The file has no questions in {syntax.name} that we could find.")
        )
    if found:
        return ImportResult([], _capped(sorted(found)))
    return ImportResult(questions, [])


def _capped(problems: list[ImportProblem]) -> list[ImportProblem]:
    if len(problems) <= MAX_PROBLEMS:
        return problems
    rest = len(problems) - MAX_PROBLEMS
    last = problems[MAX_PROBLEMS - 1].line
    more = ImportProblem(last, f"…and {rest} more problems. Fix these first, then import again.")
    return [*problems[:MAX_PROBLEMS], more]


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


def _where(draft: Draft) -> str:
    if draft.name:
        return f"question “{draft.name}”"
    words = draft.text.split()
    return "question “" + " ".join(words[:6]) + ("…" if len(words) > 6 else "") + "”"


def _question_id(draft: Draft) -> str:
    for candidate in (draft.idnumber, draft.name):
        if candidate and re.fullmatch(ID_PATTERN, candidate) and len(candidate) <= 64:
            return candidate
    return slug(draft.idnumber or draft.name or " ".join(strip_prompt(draft.text).split()[:6]))


def _build(
    draft: Draft, syntax: Syntax, concepts: Collection[str] | None
) -> tuple[dict[str, Any] | None, list[ImportProblem]]:
    """Return the draft as a validated bank dict, or None and why not."""
    where = _where(draft)
    meta_line = draft.metadata_line or draft.line
    problems: list[ImportProblem] = []

    def problem(line: int, message: str) -> None:
        problems.append(ImportProblem(line, f"{where}: {message}"))

    meta = dict(draft.metadata or {})
    unknown = [k for k in meta if k not in META_FIELDS]
    if unknown:
        problem(
            meta_line,
            f"the claim-check metadata has fields we do not know: {', '.join(unknown)}. "
            f"Its fields are: {', '.join(META_FIELDS)}.",
        )
    claim = strip_prompt(draft.text)
    if not claim:
        problem(draft.line, "the question has no text. Write the claim as the question text.")

    for number, answer in enumerate(draft.answers, 1):
        if 0 < answer.fraction < 100:
            problem(
                answer.line,
                f"answer {number} gives partial credit ({answer.fraction:g}%). Claim Check "
                "questions have one right answer and the others wrong: "
                f"{syntax.mark_right}",
            )
    right = [a for a in draft.answers if a.fraction >= 100]
    if len(right) != 1:
        problem(
            draft.line,
            f"{len(right)} answers are marked right; mark exactly one: {syntax.mark_right}",
        )

    texts = {a.text.strip().casefold() for a in draft.answers}
    is_classify = len(draft.answers) == len(VERDICTS) and texts == set(VERDICTS)
    kind = meta.pop("kind", None)
    if is_classify and kind not in (None, "classify"):
        problem(
            meta_line,
            f"the metadata says kind “{kind}”, but the answers are Research, Hypothesis and "
            "Unsupported, which makes it a classify question. Remove “kind” or set it to "
            "“classify”.",
        )
    elif not is_classify and kind == "classify":
        problem(
            meta_line,
            "the metadata says kind “classify”, but a classify question's answers are exactly "
            "Research, Hypothesis and Unsupported.",
        )
    elif kind is not None and kind not in KINDS:
        problem(meta_line, f"kind “{kind}” is not one of {', '.join(KINDS)}.")
        return None, problems
    kind = "classify" if is_classify else (kind or "fix-claim")
    if kind != "classify":
        _check_answers(draft, syntax, problem)

    if "explanation" not in meta and draft.general_feedback:
        meta["explanation"] = draft.general_feedback
    theme = meta.get("theme")
    if "source_section" not in meta and isinstance(theme, str) and theme in THEMES:
        meta["source_section"] = THEMES[theme].section
    missing = [f for f in required_fields(kind) if f not in meta]
    if missing:
        example = json.dumps({f: _EXAMPLE.get(f, "…") for f in missing}, ensure_ascii=False)
        known = f" (the bank's: {', '.join(sorted(concepts))})" if concepts else ""
        help_text = [
            _HELP.get(f, f"{f}: see docs/writing-questions.md") + (known if f == "concepts" else "")
            for f in missing
        ]
        problem(
            draft.line,
            f"Claim Check needs {', '.join(missing)}, which this question does not give. "
            f"{syntax.add_metadata(example)} Then fill in your values: "
            + "; ".join(help_text)
            + ".",
        )
    if problems:
        return None, problems

    extras = meta.pop("options", None)
    item: dict[str, Any] = {"id": _question_id(draft), "kind": kind, **meta, "claim": claim}
    if kind == "classify":
        item["verdict"] = right[0].text.strip().casefold()
    else:
        options = _options(draft, extras, right[0], meta_line, problem)
        if options is None:
            return None, problems
        item["options"] = options
    try:
        question = QUESTION.validate_python(item)
    except ValidationError as exc:
        for error in exc.errors():
            line, message = _explain(error, draft, meta_line)
            problem(line, message)
        return None, problems
    if concepts is not None:
        unknown_ids = sorted(
            {c for ids in unknown_concepts(question, concepts).values() for c in ids}
        )
        if unknown_ids:
            problem(
                meta_line,
                f"these concept ids are not in the bank: {', '.join(unknown_ids)}. "
                f"The bank's concept ids are: {', '.join(sorted(concepts))}.",
            )
            return None, problems
    return bank_dict(question), problems


def _check_answers(draft: Draft, syntax: Syntax, problem: Callable[[int, str], None]) -> None:
    """Note what is wrong with the answers themselves, even before the metadata is complete."""
    count = len(draft.answers)
    if not 3 <= count <= len(OPTION_IDS):
        problem(draft.line, f"it has {count} answers; Claim Check questions have 3 to 5.")
    for number, answer in enumerate(draft.answers, 1):
        if not answer.feedback.strip():
            problem(
                answer.line,
                f"answer {number} has no feedback. Claim Check explains every answer: "
                f"{syntax.add_feedback}",
            )


def _options(
    draft: Draft,
    extras: Any,
    right: DraftAnswer,
    meta_line: int,
    problem: Callable[[int, str], None],
) -> list[dict[str, Any]] | None:
    """Return the answers as bank options, with the ids and rungs the metadata gives."""
    count = len(draft.answers)
    if extras is None:
        extras = [{"id": OPTION_IDS[i]} for i in range(count)]
    if (
        not isinstance(extras, list)
        or len(extras) != count
        or not all(isinstance(e, dict) and set(e) <= {"id", "rung"} for e in extras)
    ):
        problem(
            meta_line,
            f'the metadata\'s “options” must list one {{"id": …, "rung": …}} per answer, '
            f"in order ({count} answers here), or be left out.",
        )
        return None
    return [
        {"id": extra.get("id"), "text": a.text, "correct": a is right, "feedback": a.feedback}
        | ({"rung": extra["rung"]} if "rung" in extra else {})
        for a, extra in zip(draft.answers, extras, strict=True)
    ]


def _explain(error: Any, draft: Draft, meta_line: int) -> tuple[int, str]:
    """Return the line and a sentence for one validation error of an imported question."""
    loc = list(error["loc"])
    if loc and loc[0] in KINDS:
        loc = loc[1:]
    message = str(error["msg"]).removeprefix("Value error, ")
    if not loc:
        return draft.line, message
    name = loc[0]
    if name == "claim":
        return draft.line, f"the question text: {message}"
    if name == "id":
        return draft.line, f"the name, used as the question's id: {message}"
    if name == "options" and len(loc) >= 3 and isinstance(loc[1], int):
        index, part = loc[1], loc[2]
        answer = draft.answers[index] if index < len(draft.answers) else None
        line = answer.line if answer else draft.line
        if part == "text":
            return line, f"answer {index + 1}: {message}"
        if part == "feedback":
            return line, f"the feedback of answer {index + 1}: {message}"
        return meta_line, f"metadata “options”, answer {index + 1}, “{part}”: {message}"
    if name == "options":
        return draft.line, f"the answers: {message}"
    dotted = ".".join(str(p) for p in loc)
    return meta_line, f"metadata field “{dotted}”: {message}"
