"""The question bank: question sets, and loading and validating the bank's YAML files."""

import random
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Self, TypeVar

import yaml
from pydantic import Field, ValidationError, model_validator

from quiz_app.bank.draw import check_forms, draw
from quiz_app.bank.glossary import Glossary, Term, glossary_problems
from quiz_app.bank.items import (
    KINDS,
    QUESTION,
    BestEvidenceQuestion,
    ClassifyQuestion,
    Concept,
    FixClaimQuestion,
    Id,
    Strict,
)
from quiz_app.bank.vocabulary import ThemeId, Verdict

# libyaml's safe loader when the system has it: the same rules, several times faster.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

AnyQuestion = ClassifyQuestion | BestEvidenceQuestion | FixClaimQuestion
Item = TypeVar("Item")  # a concept, a question or a set, as the bank's files hold them


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


PASS_MARK = 60  # percent of questions right to pass a set, unless the set says otherwise
MASTERY_MARK = 85  # percent right that shows mastery


class QuestionSet(Strict):
    id: Id
    title: str = Field(min_length=3, max_length=120)
    description: str = Field(min_length=3, max_length=600)
    selection: Selection
    shuffle: bool = True
    # Stated on the results page: the share of questions right that passes, and that masters.
    pass_mark: int = Field(default=PASS_MARK, ge=1, le=100)
    mastery_mark: int = Field(default=MASTERY_MARK, ge=1, le=100)
    # Ask "How sure are you?" with every answer (the student may always decline).
    ask_confidence: bool = True
    # Two parallel forms, given before and after the practice questions: item i of check_in
    # and item i of check_out share verdict, first concept, difficulty, register and source
    # (check_bank verifies).
    check_in: list[Id] = Field(default_factory=list, max_length=20)
    check_out: list[Id] = Field(default_factory=list, max_length=20)

    @model_validator(mode="after")
    def _marks_and_forms(self) -> Self:
        if self.mastery_mark < self.pass_mark:
            raise ValueError("mastery_mark must be at least pass_mark")
        if len(self.check_in) != len(self.check_out):
            raise ValueError(
                f"check_in has {len(self.check_in)} questions and check_out "
                f"{len(self.check_out)}; the two forms must be the same length"
            )
        both = self.check_in + self.check_out
        if len(set(both)) != len(both):
            raise ValueError("a question may appear only once across check_in and check_out")
        return self

    @property
    def check_ids(self) -> set[str]:
        return {*self.check_in, *self.check_out}


def matches(
    question: AnyQuestion,
    *,
    themes: Collection[str] = (),
    verdicts: Collection[str] = (),
    kinds: Collection[str] = (),
    difficulties: Collection[int | str] = (),
) -> bool:
    """Return whether a question passes a filter: each list given names the question's theme,
    verdict, kind or difficulty (an empty list lets every question through).

    The one question filter: a set's selection, the assignment form and the teacher's bank
    browser all call it.
    """
    return (
        (not themes or question.theme in themes)
        and (not kinds or question.kind in kinds)
        and (not verdicts or getattr(question, "verdict", None) in verdicts)
        and (not difficulties or question.difficulty in difficulties)
    )


@dataclass(frozen=True)
class Phases:
    """One student's questions for a set: the check-in (first) form, the practice, the
    check-out (second) form. Which of the set's two forms comes first depends on the seed."""

    check_in: list[str]
    practice: list[str]
    check_out: list[str]

    @property
    def all(self) -> list[str]:
        return [*self.check_in, *self.practice, *self.check_out]


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
    glossary: Glossary = field(default_factory=Glossary)  # empty when no file has a glossary

    def matching(
        self, selection: Selection, exclude: set[str] | frozenset[str] = frozenset()
    ) -> list[AnyQuestion]:
        """Return the questions a selection names or whose theme/verdict/difficulty match it,
        leaving out the ids in `exclude`."""
        if selection.ids:
            return [self.questions[i] for i in selection.ids if i not in exclude]
        return [
            q
            for q in self.questions.values()
            if q.id not in exclude
            and matches(
                q,
                themes=selection.themes,
                verdicts=selection.verdicts,
                kinds=selection.kinds,
                difficulties=selection.difficulties,
            )
        ]

    def select(self, qset: QuestionSet, seed: int) -> list[str]:
        """Return one student's question ids for a set; the same seed gives the same list."""
        return self.phases(qset, seed).all

    def phases(self, qset: QuestionSet, seed: int) -> Phases:
        """Return one student's first check form, practice and second check form for a set."""
        questions = self.matching(qset.selection, exclude=qset.check_ids)
        pool = [q.id for q in questions]
        rng = random.Random(seed)
        count = qset.selection.count
        if count is not None and count < len(pool):
            verdicts = {q.id: q.verdict for q in questions if isinstance(q, ClassifyQuestion)}
            pool = draw(pool, verdicts, count, rng)
        if qset.shuffle:
            rng.shuffle(pool)
        check_in, check_out = check_forms(qset.check_in, qset.check_out, seed, qset.shuffle)
        return Phases(check_in, pool, check_out)


def _errors(
    file: str, item_id: str, error: ValidationError, whole: str = "(question)"
) -> list[Problem]:
    problems = []
    for e in error.errors():
        loc = ".".join(str(part) for part in e["loc"] if part not in KINDS) or whole
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
    if not isinstance(data, dict) or not set(data) <= {"questions", "sets", "concepts", "glossary"}:
        message = "must be a mapping with 'questions', 'sets', 'concepts' and/or 'glossary'"
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
    terms: list[tuple[str, Term]] = []  # (the file, the term) of every glossary entry
    for path in sorted(root.rglob("*.y*ml")):
        name = str(path.relative_to(root))
        data, file_problems = _read_yaml(path, root)
        problems += file_problems
        for raw in _as_list(data.get("concepts"), name, "concepts", problems):
            concept = _validated(Concept.model_validate, raw, name, problems)
            if concept is None:
                continue
            if concept.id in concepts:
                problems.append(Problem(name, concept.id, "id", "is used by another concept"))
            concepts[concept.id] = concept
        for raw in _as_list(data.get("questions"), name, "questions", problems):
            question: AnyQuestion | None = _validated(QUESTION.validate_python, raw, name, problems)
            if question is None:
                continue
            if question.id in questions:
                problems.append(Problem(name, question.id, "id", "is used by another question"))
            questions[question.id] = question
            origins[question.id] = name
        raw_sets += [(name, raw) for raw in _as_list(data.get("sets"), name, "sets", problems)]
        for raw in _as_list(data.get("glossary"), name, "glossary", problems):
            term = _validated(Term.model_validate, raw, name, problems, whole="(term)")
            terms += [(name, term)] if term is not None else []
    # Concepts may live in any file, so references are checked once everything is read.
    problems += _concept_problems(origins, questions, concepts)
    problems += [Problem(*found) for found in glossary_problems(terms)]
    sets = _check_sets(raw_sets, questions, problems)
    if not questions and not problems:
        problems.append(Problem(str(root), "-", "(directory)", "contains no questions"))
    glossary = Glossary(tuple(term for _, term in terms))
    bank = Bank(questions, sets, concepts, glossary) if not problems else None
    return bank, problems


def _validated(
    validate: Callable[[Any], Item], raw: Any, name: str, problems: list[Problem], whole: str = ""
) -> Item | None:
    """Return a raw item of file `name` validated, or None after noting its problems."""
    try:
        return validate(raw)
    except ValidationError as exc:
        item_id = str(raw.get("id", raw.get("term", "?"))) if isinstance(raw, dict) else "?"
        problems.extend(_errors(name, item_id, exc, whole or "(question)"))
        return None


def unknown_concepts(question: AnyQuestion, known: Collection[str]) -> dict[str, list[str]]:
    """Return, per field (concepts, reason_options), the concept ids a question names that are
    not in `known`; empty when every reference is known.

    The one concept-reference check: the bank's loader, the teacher's editor and the importers.
    """
    refs = {"concepts": list(question.concepts)}
    if isinstance(question, ClassifyQuestion):
        refs["reason_options"] = list(question.reason_options)
    unknown = {name: [i for i in ids if i not in known] for name, ids in refs.items()}
    return {name: ids for name, ids in unknown.items() if ids}


def _concept_problems(
    origins: dict[str, str], questions: dict[str, AnyQuestion], concepts: dict[str, Concept]
) -> list[Problem]:
    """Return a problem for every concept id a question names that no file defines."""
    found = []
    for question in questions.values():
        for field_name, unknown in unknown_concepts(question, concepts).items():
            message = f"unknown concept ids: {unknown}"
            found.append(Problem(origins[question.id], question.id, field_name, message))
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
        qset = _validated(QuestionSet.model_validate, raw, name, problems, whole="(set)")
        if qset is None:
            continue
        missing = [i for i in qset.selection.ids if i not in questions]
        if missing:
            message = f"unknown question ids: {missing}"
            problems.append(Problem(name, qset.id, "selection.ids", message))
            continue
        form_problems = _parallel_form_problems(name, qset, questions)
        problems += form_problems
        if form_problems:
            continue
        found = len(probe.matching(qset.selection, exclude=qset.check_ids))
        wanted = qset.selection.count or 1
        if found < wanted:
            message = f"matches {found} questions but the set needs {wanted}"
            problems.append(Problem(name, qset.id, "selection", message))
        if qset.id in sets:
            problems.append(Problem(name, qset.id, "id", "is used by another set"))
        sets[qset.id] = qset
    return sets


def _parallel_form_problems(
    name: str, qset: QuestionSet, questions: dict[str, AnyQuestion]
) -> list[Problem]:
    """Return a problem for every way the check-in and check-out forms are not parallel."""
    found = []
    missing = [i for i in [*qset.check_in, *qset.check_out] if i not in questions]
    if missing:
        return [Problem(name, qset.id, "check_in/check_out", f"unknown question ids: {missing}")]
    for form in ("check_in", "check_out"):
        others = [i for i in getattr(qset, form) if questions[i].kind != "classify"]
        if others:
            message = f"{others} are not classify questions; the forms measure verdicts"
            found.append(Problem(name, qset.id, form, message))
    overlap = [i for i in qset.selection.ids if i in qset.check_ids]
    if overlap:
        message = f"{overlap} are in a check form too; a question is asked only once"
        found.append(Problem(name, qset.id, "selection.ids", message))
    if found:
        return found
    for n, (first, second) in enumerate(zip(qset.check_in, qset.check_out, strict=True), 1):
        a, b = questions[first], questions[second]
        assert isinstance(a, ClassifyQuestion) and isinstance(b, ClassifyQuestion)
        untagged = [q.id for q in (a, b) if not q.concepts]
        if untagged:
            message = f"item {n}: {untagged} name no concepts; the forms are matched by concept"
            found.append(Problem(name, qset.id, "check_out", message))
            continue
        differences = [
            f"{label} ({x} vs {y})"
            for label, x, y in (
                ("verdict", a.verdict, b.verdict),
                ("first concept", a.concepts[0], b.concepts[0]),
                ("difficulty", a.difficulty, b.difficulty),
                ("register", a.voice, b.voice),
                ("source", a.seen_in or "none", b.seen_in or "none"),
            )
            if x != y
        ]
        if differences:
            message = (
                f"item {n} is not matched: check_in {first} and check_out {second} differ in "
                + ", ".join(differences)
            )
            found.append(Problem(name, qset.id, "check_out", message))
    return found


def load_bank(root: Path) -> Bank:
    """Return the bank under root, or raise BankError listing every problem."""
    bank, problems = check_bank(root)
    if bank is None:
        raise BankError(problems)
    return bank
