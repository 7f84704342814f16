"""Teachers' own questions: validating them with the bank's model and content rules, and
reading and writing them in the bank's YAML format; importing them from GIFT and Moodle XML.
Pure functions; no I/O."""

import re
from collections.abc import Callable, Collection, Mapping
from pathlib import PurePath
from typing import Any

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from quiz_app.bank.catalog import AnyQuestion, Bank, Problem, unknown_concepts
from quiz_app.bank.editor import ERROR_FIELDS, LIST_FIELDS, TEXT_FIELDS, Problems
from quiz_app.bank.items import ID_PATTERN, KINDS, QUESTION
from quiz_app.interop import safe_yaml
from quiz_app.interop.drafts import (
    MAX_IMPORT_BYTES,
    MAX_IMPORT_QUESTIONS,
    Draft,
    ImportProblem,
    ImportResult,
    read_text,
)
from quiz_app.interop.gift import parse_gift, read_gift
from quiz_app.interop.moodle import parse_moodle_xml, read_moodle_xml

MAX_LOCAL_ID = 50  # t<teacher id>.<id> must fit the 64 characters of a stored question id
MAX_UPLOAD_BYTES = MAX_IMPORT_BYTES  # the route reads one byte more, never the whole upload
MAX_UPLOAD_QUESTIONS = MAX_IMPORT_QUESTIONS
MAX_PROBLEMS = 100  # problems listed for one upload; the rest are counted
MAX_PROBLEM_CHARS = 300  # one problem's line; a value quoted in it is cut short
MAX_FILENAME = 120  # characters of an uploaded file's name repeated in its problems

# The order of a question's fields in the YAML file, as in the bank's own files.
YAML_ORDER = ("id", "kind", *TEXT_FIELDS[1:], *LIST_FIELDS, "ladder", "review_by", "options")
# A problem inside one of these fields is named by the field ("ladder: certainty: …"); one in
# an option keeps its place ("options.1.text"), so the editor can put it next to that option.
WHOLE_FIELDS = tuple(f for f in ERROR_FIELDS if f != "options")


def _field_of(loc: tuple[Any, ...], message: str) -> tuple[str, str]:
    """Return the editor field a problem belongs to, and its message."""
    parts = [str(p) for p in loc if p not in KINDS]
    if parts:
        if parts[0] in WHOLE_FIELDS:
            inner = [p for p in parts[1:] if not p.isdigit()]
            return parts[0], f"{'.'.join(inner)}: {message}" if inner else message
        return ".".join(parts), message
    if message.startswith("cue "):
        return "cue", message
    if "reason_options" in message:
        return "reason_options", message
    if "option" in message:
        return "options", message
    if "rated_down" in message:
        return "ladder", message
    return "(question)", message


def _problem(error: ErrorDetails, data: Mapping[str, Any]) -> tuple[str, str]:
    """Return the field of one validation error and a message a teacher can act on."""
    message = error["msg"].removeprefix("Value error, ")
    loc = error["loc"]
    if error["type"] == "string_pattern_mismatch" and loc[-1:] == ("id",):
        message = "use lowercase letters, digits and single dashes, like my-claim-1"
    elif error["type"] == "missing":
        message = "this field is required"
    elif error["type"] in ("union_tag_invalid", "union_tag_not_found"):
        return "kind", f"choose one of the kinds: {', '.join(KINDS)}"
    elif error["type"] in ("too_short", "too_long") and loc[-1:] == ("options",):
        count = len(data.get("options") or [])
        message = f"give 3 to 5 options (there {'is' if count == 1 else 'are'} {count})"
    return _field_of(loc, message)


def validate(data: Mapping[str, Any], bank: Bank) -> tuple[AnyQuestion | None, Problems]:
    """Check a question with the bank's model, content rules and concept ids.

    Return the question (None when invalid) and, per field, every problem found.
    """
    problems: Problems = {}
    local_id = data.get("id")
    if isinstance(local_id, str) and len(local_id) > MAX_LOCAL_ID:
        problems.setdefault("id", []).append(f"use at most {MAX_LOCAL_ID} characters")
    try:
        question: AnyQuestion = QUESTION.validate_python(dict(data))
    except ValidationError as exc:
        for error in exc.errors():
            field, message = _problem(error, data)
            problems.setdefault(field, []).append(message)
        return None, problems
    for name, unknown in unknown_concepts(question, bank.concepts).items():
        problems.setdefault(name, []).append(f"unknown concept ids: {unknown}")
    return (None if problems else question), problems


def stored_form(question: AnyQuestion) -> dict[str, Any]:
    """Return a valid question as the YAML-shaped dict that is stored and downloaded."""
    dumped = question.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    ordered = {key: dumped[key] for key in YAML_ORDER if key in dumped}
    return {**ordered, **{k: v for k, v in dumped.items() if k not in ordered}}


def to_yaml(questions: list[dict[str, Any]]) -> str:
    """Return questions in the bank's file format: a `questions:` list."""
    header = (
        "# Claim Check questions, in the format of the bundled bank (questions/*.yaml).\n"
        "# Edit and upload this file again, or check it with `quiz-app check <folder>`.\n"
    )
    body = yaml.safe_dump({"questions": questions}, sort_keys=False, allow_unicode=True, width=100)
    return header + body


def parse_upload(
    raw: bytes, filename: str, bank: Bank
) -> tuple[dict[str, dict[str, Any]], list[Problem]]:
    """Read an uploaded question file; return {local id: stored dict} and every problem.

    All or nothing: when there is any problem, the caller stores nothing.
    """
    name = filename or "upload"
    if len(raw) > MAX_UPLOAD_BYTES:
        return {}, [Problem(name, "-", "(file)", "is larger than 1 MB; split it into parts")]
    try:
        data = safe_yaml.load(raw.decode("utf-8"))
    except safe_yaml.UnsafeYaml as exc:
        return {}, [Problem(name, "-", "(file)", str(exc))]
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        message = f"not valid YAML: {exc}".replace("\n", " ")
        return {}, [Problem(name, "-", "(file)", message)]
    if not isinstance(data, dict) or not isinstance(data.get("questions"), list):
        message = "must be a mapping with a 'questions' list, like a file of the question bank"
        return {}, [Problem(name, "-", "(file)", message)]
    items = data["questions"]
    if len(items) > MAX_UPLOAD_QUESTIONS:
        message = f"holds {len(items)} questions; upload at most {MAX_UPLOAD_QUESTIONS} at once"
        return {}, [Problem(name, "-", "(file)", message)]
    found: dict[str, dict[str, Any]] = {}
    problems: list[Problem] = []
    for raw_item in items:
        # Only a text id names the question in its problems (a list would be printed whole).
        item_id = raw_item.get("id") if isinstance(raw_item, dict) else None
        item_id = item_id[:MAX_FILENAME] if isinstance(item_id, str) else "?"
        if not isinstance(raw_item, dict):
            problems.append(Problem(name, item_id, "(question)", "must be a mapping of fields"))
            continue
        question, item_problems = validate(raw_item, bank)
        for field, messages in item_problems.items():
            problems += [Problem(name, item_id, field, m) for m in messages]
        if question is None:
            continue
        if question.id in found:
            problems.append(Problem(name, question.id, "id", "is used by another question"))
        found[question.id] = stored_form(question)
    if not items:
        problems.append(Problem(name, "-", "questions", "the list is empty"))
    return found, problems


# What an uploaded file's name says it holds: the bank's YAML, or another quiz engine's format.
Reader = Callable[[str], tuple[list[Draft], list[ImportProblem]]]
Parser = Callable[..., ImportResult]
IMPORTERS: dict[str, tuple[Parser, Reader]] = {
    ".gift": (parse_gift, read_gift),
    ".txt": (parse_gift, read_gift),
    ".xml": (parse_moodle_xml, read_moodle_xml),
}
YAML_SUFFIXES = (".yaml", ".yml")
UPLOAD_ACCEPT = ",".join((*YAML_SUFFIXES, *IMPORTERS))  # for the file input's accept=""


def capped(problems: list[str]) -> list[str]:
    """Return at most MAX_PROBLEMS problems, each at most MAX_PROBLEM_CHARS long, and a last
    line saying how many more there were: the reply stays in proportion to what is wrong."""
    shown = [
        p if len(p) <= MAX_PROBLEM_CHARS else p[: MAX_PROBLEM_CHARS - 1] + "…" for p in problems
    ]
    if len(shown) <= MAX_PROBLEMS:
        return shown
    more = len(shown) - MAX_PROBLEMS
    return [
        *shown[:MAX_PROBLEMS],
        f"… and {more} more problems: fix these first, then upload again",
    ]


def read_question_file(
    raw: bytes, filename: str, bank: Bank, existing: Collection[str]
) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Read an uploaded file of questions in any accepted format, by its name's suffix.

    Return {local id: stored dict} and every problem as a line the teacher can act on: all or
    nothing, so with any problem the caller stores nothing. A YAML file replaces the teacher's
    questions with the same ids (`existing`); an imported one may not, since its ids come from
    another tool's names.
    """
    name = (filename or "upload")[:MAX_FILENAME]
    suffix = PurePath(name).suffix.lower()
    if suffix in YAML_SUFFIXES:
        found, problems = parse_upload(raw, name, bank)
        return found, capped([str(p) for p in problems])
    if suffix in IMPORTERS:
        found, lines = parse_import(raw, name, bank, existing)
        return found, capped(lines)
    return {}, [
        f"{name}: cannot be read: upload a .yaml or .yml file (the bank's format), a .gift or "
        ".txt file (GIFT) or a .xml file (Moodle XML)"
    ]


def parse_import(
    raw: bytes, filename: str, bank: Bank, existing: Collection[str]
) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Import a GIFT or Moodle XML file: the importer's checks, then those of `validate` (as for
    YAML); every problem as `file: line N: …`."""
    parse, read = IMPORTERS[PurePath(filename).suffix.lower()]
    result = parse(raw, concepts=bank.concepts)
    if result.errors:
        return {}, [f"{filename}: {error}" for error in result.errors]
    lines = _question_lines(raw, read)
    if len(lines) != len(result.questions):  # each question is one draft; never otherwise
        lines = [0] * len(result.questions)
    found: dict[str, dict[str, Any]] = {}
    problems: list[str] = []
    for item, line in zip(result.questions, lines, strict=True):
        where = f"{filename}: line {line or '?'}: question “{item.get('id', '?')}”"
        question, item_problems = validate(item, bank)
        for field, messages in item_problems.items():
            problems += [f"{where}: {field}: {message}" for message in messages]
        if question is None:
            continue
        if question.id in existing:
            problems.append(
                f"{where}: you already have a question with this id. Give this one another "
                "name (in GIFT, the ::name:: before its text; in Moodle XML, its ID number or "
                "name), or delete yours first"
            )
            continue
        found[question.id] = stored_form(question)
    return ({}, problems) if problems else (found, [])


def _question_lines(raw: bytes, read: Reader) -> list[int]:
    """Return the line each question of an importable file starts on, in file order."""
    text, _problems = read_text(raw)
    drafts, _problems = read(text)
    return [draft.line for draft in drafts]


def id_problem(local_id: str) -> str | None:
    """Return why a local id cannot be used in a URL, or None."""
    if not re.match(ID_PATTERN, local_id) or len(local_id) > MAX_LOCAL_ID:
        return "not a question id"
    return None
