"""From what a format reader found to validated bank items: `finish` maps every draft to a
bank item, validates it with the bank's own models and content rules, and returns all of them,
or, if anything at all is wrong, none of them and every problem, each with its line number.
`build` does one draft, in named steps; the problems it writes tell a teacher what to add."""

import json
import re
from collections.abc import Callable, Collection, Sequence
from typing import Any, get_args

from pydantic import ValidationError

from quiz_app.bank.catalog import AnyQuestion, unknown_concepts
from quiz_app.bank.items import (
    ID_PATTERN,
    KINDS,
    QUESTION,
    BestEvidenceQuestion,
    ClassifyQuestion,
    FixClaimQuestion,
    QuestionBase,
)
from quiz_app.bank.vocabulary import THEMES, VERDICTS, Rung

from .checks import Problem, check_answers, right_answers, within_limits
from .drafts import (
    MAX_PROBLEMS,
    OPTION_IDS,
    Draft,
    DraftAnswer,
    ImportProblem,
    ImportResult,
    Syntax,
    read_text,
    slug,
    strip_prompt,
)
from .lms_tags import metadata_from_lms
from .mapping import (
    GUESSED_KIND,
    META_FIELDS,
    METADATA_EXAMPLE,
    METADATA_HELP,
    NATIVE_FIELDS,
    bank_dict,
)

# The bank fields an imported question must give: every required field of its kind's model that
# the format does not carry itself. `explanation` may come from the general feedback instead, and
# `source_section` defaults to the theme's section.
_MODELS: dict[str, type[QuestionBase]] = {
    "classify": ClassifyQuestion,
    "best-evidence": BestEvidenceQuestion,
    "fix-claim": FixClaimQuestion,
}


def required_fields(kind: str) -> list[str]:
    """Return the metadata fields a question of this kind must give, in the model's order."""
    fields = _MODELS[kind].model_fields
    names = [f.alias or name for name, f in fields.items() if f.is_required()]
    return [n for n in names if n not in (*NATIVE_FIELDS, "kind", "source_section")]


Reader = Callable[[str], tuple[list[Draft], list[ImportProblem]]]  # a format's reader


def parse(
    data: bytes | str, read: Reader, syntax: Syntax, concepts: Collection[str] | None
) -> ImportResult:
    """Return a file's questions as bank dicts, or none and every problem by line: read the
    text, let the format's reader find the drafts, and finish them."""
    text, problems = read_text(data)
    if problems:
        return ImportResult([], problems)
    drafts, problems = read(text)
    return finish(drafts, problems, syntax, concepts)


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
        question, draft_problems = build(draft, syntax, concepts)
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


def build(
    draft: Draft, syntax: Syntax, concepts: Collection[str] | None
) -> tuple[dict[str, Any] | None, list[ImportProblem]]:
    """Return the draft as a validated bank dict, or None and why not."""
    where = _where(draft)
    meta_line = draft.metadata_line or draft.line
    problems: list[ImportProblem] = []

    def problem(line: int, message: str) -> None:
        problems.append(ImportProblem(line, f"{where}: {message}"))

    if not within_limits(draft, problem):
        return None, problems
    meta = dict(draft.metadata or metadata_from_lms(draft.tags, draft.general_feedback) or {})
    _check_metadata_fields(meta, meta_line, problem)
    claim = strip_prompt(draft.text)
    if not claim:
        problem(draft.line, "the question has no text. Write the claim as the question text.")
    right = right_answers(draft, syntax, problem)
    given_kind = meta.pop("kind", None)
    kind = _kind(draft, given_kind, meta_line, problem)
    if kind is None:
        return None, problems
    if kind != "classify":
        check_answers(draft, syntax, problem)
    _complete(meta, draft)
    guessed = kind != "classify" and given_kind is None
    _check_required(kind, meta, draft, syntax, concepts, problem, guessed=guessed)
    if kind == "best-evidence":
        _check_rungs(meta, draft, syntax, meta_line, problem)
    if problems:
        return None, problems
    question = _validated(draft, kind, meta, claim, right[0], meta_line, problem)
    if question is None:
        return None, problems
    if concepts is not None and (unknown := _unknown_concepts(question, concepts)):
        problem(
            meta_line,
            f"these concept ids are not in the bank: {', '.join(unknown)}. "
            f"The bank's concept ids are: {', '.join(sorted(concepts))}.",
        )
        return None, problems
    return bank_dict(question), problems


def _check_metadata_fields(meta: dict[str, Any], meta_line: int, problem: Problem) -> None:
    unknown = [k for k in meta if k not in META_FIELDS]
    if unknown:
        problem(
            meta_line,
            f"the claim-check metadata has fields we do not know: {', '.join(unknown)}. "
            f"Its fields are: {', '.join(META_FIELDS)}.",
        )


def _kind(draft: Draft, kind: Any, meta_line: int, problem: Problem) -> str | None:
    """Return the question's kind: classify when its answers are the three verdicts, else the
    metadata's kind (fix-claim when it gives none); None when the metadata's kind is unknown."""
    texts = {a.text.strip().casefold() for a in draft.answers}
    is_classify = len(draft.answers) == len(VERDICTS) and texts == set(VERDICTS)
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
        return None
    return "classify" if is_classify else (kind or "fix-claim")


def _complete(meta: dict[str, Any], draft: Draft) -> None:
    """Fill in what the format says itself: the explanation, the theme's section."""
    if "explanation" not in meta and draft.general_feedback:
        meta["explanation"] = draft.general_feedback
    theme = meta.get("theme")
    if "source_section" not in meta and isinstance(theme, str) and theme in THEMES:
        meta["source_section"] = THEMES[theme].section


def _check_required(
    kind: str,
    meta: dict[str, Any],
    draft: Draft,
    syntax: Syntax,
    concepts: Collection[str] | None,
    problem: Problem,
    *,
    guessed: bool = False,
) -> None:
    """Note the required fields the metadata lacks, with an example to paste and what each is;
    with `guessed`, say that the format has no place for the kind, and what it was taken for."""
    missing = [f for f in required_fields(kind) if f not in meta]
    if not missing:
        return
    fields = (["kind"] if guessed else []) + missing
    example = json.dumps({f: METADATA_EXAMPLE.get(f, "…") for f in fields}, ensure_ascii=False)
    known = f" (the bank's: {', '.join(sorted(concepts))})" if concepts else ""
    help_text = [
        METADATA_HELP.get(f, f"{f}: see docs/writing-questions.md")
        + (known if f == "concepts" else "")
        for f in missing
    ]
    kind_text = GUESSED_KIND.format(format=syntax.name) if guessed else ""
    problem(
        draft.line,
        f"Claim Check needs {', '.join(missing)}, which this question does not give. {kind_text}"
        f"{syntax.add_metadata(example)} Then fill in your values: " + "; ".join(help_text) + ".",
    )


def _check_rungs(
    meta: dict[str, Any], draft: Draft, syntax: Syntax, meta_line: int, problem: Problem
) -> None:
    """Note a best-evidence question whose answers have no rung on the evidence ladder: the
    format has no place for one, so it travels in the metadata's "options"."""
    options = meta.get("options")
    if isinstance(options, list) and all(isinstance(o, dict) and "rung" in o for o in options):
        return
    example = json.dumps(
        {"options": [{"id": OPTION_IDS[i], "rung": "anecdote"} for i in range(len(draft.answers))]}
    )
    problem(
        meta_line,
        "a best-evidence question says where each answer's study sits on the evidence ladder, "
        f"and {syntax.name} has no place for that. Add to its Claim Check metadata, one per "
        f"answer in order: {example[1:-1]}, with each rung one of {', '.join(get_args(Rung))}.",
    )


def _validated(
    draft: Draft,
    kind: str,
    meta: dict[str, Any],
    claim: str,
    right: DraftAnswer,
    meta_line: int,
    problem: Problem,
) -> AnyQuestion | None:
    """Return the bank question the draft makes, validated by the bank's models, or None."""
    extras = meta.pop("options", None)
    item: dict[str, Any] = {"id": _question_id(draft), "kind": kind, **meta, "claim": claim}
    if kind == "classify":
        item["verdict"] = right.text.strip().casefold()
    else:
        options = _options(draft, extras, right, meta_line, problem)
        if options is None:
            return None
        item["options"] = options
    try:
        question: AnyQuestion = QUESTION.validate_python(item)
    except ValidationError as exc:
        for error in exc.errors():
            line, message = _explain(error, draft, meta_line)
            problem(line, message)
        return None
    return question


def _unknown_concepts(question: AnyQuestion, concepts: Collection[str]) -> list[str]:
    return sorted({c for ids in unknown_concepts(question, concepts).values() for c in ids})


def _options(
    draft: Draft,
    extras: Any,
    right: DraftAnswer,
    meta_line: int,
    problem: Problem,
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
