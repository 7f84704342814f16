"""The question bank: question sets, and loading and validating the bank's YAML files."""

import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Self

import yaml
from pydantic import Field, ValidationError, model_validator

from quiz_app.items import (
    KINDS,
    QUESTION,
    BestEvidenceQuestion,
    ClassifyQuestion,
    Concept,
    FixClaimQuestion,
    Id,
    Strict,
)
from quiz_app.themes import SECTIONS, THEMES, VERDICT_LABELS, VERDICTS, ThemeId, Verdict

# libyaml's safe loader when the system has it: the same rules, several times faster.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

AnyQuestion = ClassifyQuestion | BestEvidenceQuestion | FixClaimQuestion
__all__ = [
    "SECTIONS",
    "THEMES",
    "VERDICT_LABELS",
    "VERDICTS",
    "AnyQuestion",
    "Bank",
    "BankError",
    "ClassifyQuestion",
    "Problem",
    "QuestionSet",
    "Selection",
    "check_bank",
    "load_bank",
]


class Selection(Strict):
    """Which questions a set uses: explicit ids, or a filter with a count."""

    ids: list[Id] = Field(default_factory=list)
    themes: list[ThemeId] = Field(default_factory=list)
    verdicts: list[Verdict] = Field(default_factory=list)
    difficulties: list[Annotated[int, Field(ge=1, le=3)]] = Field(default_factory=list)
    kinds: list[str] = Field(default_factory=list)
    count: int | None = Field(default=None, ge=1, le=200)

    @model_validator(mode="after")
    def _ids_or_filter(self) -> Self:
        if self.ids and (self.themes or self.verdicts or self.difficulties or self.kinds):
            raise ValueError("give either ids or a filter (themes/verdicts/difficulties/kinds)")
        unknown = set(self.kinds) - set(KINDS)
        if unknown:
            raise ValueError(f"unknown kinds {sorted(unknown)}; the kinds are {', '.join(KINDS)}")
        return self


class QuestionSet(Strict):
    id: Id
    title: str = Field(min_length=3, max_length=120)
    description: str = Field(min_length=3, max_length=600)
    selection: Selection
    shuffle: bool = True


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the bank, printed as `file: question id: field: message`."""

    file: str
    item_id: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.item_id}: {self.field}: {self.message}"


class BankError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class Bank:
    questions: dict[str, AnyQuestion]
    sets: dict[str, QuestionSet]
    concepts: dict[str, Concept] = field(default_factory=dict)

    def matching(self, selection: Selection) -> list[AnyQuestion]:
        """Return the questions a selection names or whose theme/verdict/difficulty match it."""
        if selection.ids:
            return [self.questions[i] for i in selection.ids]
        return [
            q
            for q in self.questions.values()
            if (not selection.themes or q.theme in selection.themes)
            and (not selection.kinds or q.kind in selection.kinds)
            and (not selection.verdicts or getattr(q, "verdict", None) in selection.verdicts)
            and (not selection.difficulties or q.difficulty in selection.difficulties)
        ]

    def select(self, qset: QuestionSet, seed: int) -> list[str]:
        """Return one student's question ids for a set; the same seed gives the same list."""
        pool = [q.id for q in self.matching(qset.selection)]
        rng = random.Random(seed)
        count = qset.selection.count
        if count is not None and count < len(pool):
            chosen = set(rng.sample(pool, count))
            pool = [i for i in pool if i in chosen]
        if qset.shuffle:
            rng.shuffle(pool)
        return pool


def _errors(file: str, item_id: str, error: ValidationError) -> list[Problem]:
    problems = []
    for e in error.errors():
        loc = ".".join(str(part) for part in e["loc"] if part not in KINDS) or "(question)"
        problems.append(Problem(file, item_id, loc, e["msg"].removeprefix("Value error, ")))
    return problems


def _read_yaml(path: Path, root: Path) -> tuple[dict[str, Any], list[Problem]]:
    name = str(path.relative_to(root))
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER)
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        return {}, [Problem(name, "-", "(file)", f"not valid YAML: {exc}".replace("\n", " "))]
    if data is None:
        return {}, []
    if not isinstance(data, dict) or not set(data) <= {"questions", "sets", "concepts"}:
        message = "must be a mapping with 'questions', 'sets' and/or 'concepts'"
        return {}, [Problem(name, "-", "(file)", message)]
    return data, []


def check_bank(root: Path) -> tuple[Bank | None, list[Problem]]:
    """Load every YAML file under root; return the bank (None if broken) and every problem."""
    if not root.is_dir():
        return None, [Problem(str(root), "-", "(directory)", "no such question directory")]
    problems: list[Problem] = []
    questions: dict[str, AnyQuestion] = {}
    concepts: dict[str, Concept] = {}
    origins: dict[str, str] = {}  # question id -> the file that defines it
    raw_sets: list[tuple[str, Any]] = []
    for path in sorted(root.rglob("*.y*ml")):
        name = str(path.relative_to(root))
        data, file_problems = _read_yaml(path, root)
        problems += file_problems
        for raw in _as_list(data.get("concepts"), name, "concepts", problems):
            try:
                concept = Concept.model_validate(raw)
            except ValidationError as exc:
                problems += _errors(name, _raw_id(raw), exc)
                continue
            if concept.id in concepts:
                problems.append(Problem(name, concept.id, "id", "is used by another concept"))
            concepts[concept.id] = concept
        for raw in _as_list(data.get("questions"), name, "questions", problems):
            try:
                question: AnyQuestion = QUESTION.validate_python(raw)
            except ValidationError as exc:
                problems += _errors(name, _raw_id(raw), exc)
                continue
            if question.id in questions:
                problems.append(Problem(name, question.id, "id", "is used by another question"))
            questions[question.id] = question
            origins[question.id] = name
        raw_sets += [(name, raw) for raw in _as_list(data.get("sets"), name, "sets", problems)]
    # Concepts may live in any file, so references are checked once everything is read.
    problems += _concept_problems(origins, questions, concepts)
    sets = _check_sets(raw_sets, questions, problems)
    if not questions and not problems:
        problems.append(Problem(str(root), "-", "(directory)", "contains no questions"))
    bank = Bank(questions, sets, concepts) if not problems else None
    return bank, problems


def _raw_id(raw: Any) -> str:
    return str(raw.get("id", "?")) if isinstance(raw, dict) else "?"


def _concept_refs(question: AnyQuestion) -> dict[str, list[str]]:
    refs = {"concepts": list(question.concepts)}
    if isinstance(question, ClassifyQuestion):
        refs["reason_options"] = list(question.reason_options)
    return refs


def _concept_problems(
    origins: dict[str, str], questions: dict[str, AnyQuestion], concepts: dict[str, Concept]
) -> list[Problem]:
    """Return a problem for every concept id a question names that no file defines."""
    found = []
    for question in questions.values():
        for field_name, ids in _concept_refs(question).items():
            unknown = [i for i in ids if i not in concepts]
            if unknown:
                found.append(
                    Problem(
                        origins[question.id],
                        question.id,
                        field_name,
                        f"unknown concept ids: {unknown}",
                    )
                )
    return found


def _as_list(value: Any, name: str, key: str, problems: list[Problem]) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append(Problem(name, "-", key, "must be a list"))
        return []
    return value


def _check_sets(
    raw_sets: list[tuple[str, Any]],
    questions: dict[str, AnyQuestion],
    problems: list[Problem],
) -> dict[str, QuestionSet]:
    sets: dict[str, QuestionSet] = {}
    probe = Bank(questions, {})
    for name, raw in raw_sets:
        item_id = str(raw.get("id", "?")) if isinstance(raw, dict) else "?"
        try:
            qset = QuestionSet.model_validate(raw)
        except ValidationError as exc:
            problems += _errors(name, item_id, exc)
            continue
        missing = [i for i in qset.selection.ids if i not in questions]
        if missing:
            problems.append(
                Problem(name, qset.id, "selection.ids", f"unknown question ids: {missing}")
            )
            continue
        found = len(probe.matching(qset.selection))
        wanted = qset.selection.count or 1
        if found < wanted:
            problems.append(
                Problem(
                    name,
                    qset.id,
                    "selection",
                    f"matches {found} questions but the set needs {wanted}",
                )
            )
        if qset.id in sets:
            problems.append(Problem(name, qset.id, "id", "is used by another set"))
        sets[qset.id] = qset
    return sets


def load_bank(root: Path) -> Bank:
    """Return the bank under root, or raise BankError listing every problem."""
    bank, problems = check_bank(root)
    if bank is None:
        raise BankError(problems)
    return bank
