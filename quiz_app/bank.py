"""The question bank: pydantic models of questions and sets, and loading them from YAML files."""

import random
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator
from pydantic import field_validator

from quiz_app.content import text_problems

Verdict = Literal["research", "hypothesis", "unsupported"]
VERDICTS: tuple[Verdict, ...] = ("research", "hypothesis", "unsupported")
VERDICT_LABELS: dict[str, str] = {
    "research": "Research",
    "hypothesis": "Hypothesis",
    "unsupported": "Unsupported",
}

ThemeId = Literal[
    "definition",
    "science",
    "why-discussed",
    "research-state",
    "evidence-gaps",
    "micro-not-safe",
    "risks",
    "legal",
    "misinformation",
]


@dataclass(frozen=True)
class Theme:
    id: str
    section: str  # the article section the theme comes from, as questions cite it
    lesson: str  # what the theme teaches, in our words (shown on the sources page)


THEMES: dict[str, Theme] = {
    t.id: t
    for t in (
        Theme(
            "definition",
            'What Does "Microdose Ketamine" Mean?',
            '"Microdose" names an idea people discuss (an amount too small to notice). '
            "It is not a standard medical practice or a do-it-yourself plan.",
        ),
        Theme(
            "science",
            "Understanding Ketamine in a Scientific Context",
            "Ketamine began as an anaesthetic. Scientists study how it acts on glutamate and "
            "NMDA signalling, brain plasticity and mood pathways.",
        ),
        Theme(
            "why-discussed",
            "Why Microdosing Is Discussed",
            "Effects on mood, flexible thinking and stress are questions researchers ask, "
            "not findings they have made.",
        ),
        Theme(
            "research-state",
            "Current State of Research",
            "Studies run under supervision, with ethics review and fixed methods. "
            "They mostly measure short-term changes and biomarkers.",
        ),
        Theme(
            "evidence-gaps",
            "Evidence Gaps and Uncertainty",
            "Nobody has long-term data on repeated small exposures: tolerance, sensitisation, "
            "effects that add up over time and differences between people are unknown.",
        ),
        Theme(
            "micro-not-safe",
            "Public-Health Considerations",
            '"Micro" does not mean "safe". Talking about something as normal is not evidence, '
            "unsupervised exposure carries risk, and young people are more vulnerable.",
        ),
        Theme(
            "risks",
            "Safety and Risk Awareness",
            "Documented risks include changes in mood or perception, memory effects, anxiety "
            "and dissociation. Clinics screen and monitor people; nobody does that outside them.",
        ),
        Theme(
            "legal",
            "Legal and Regulatory Status",
            "Medical and research use needs authorisation. The law depends on where you live, "
            "and it does not change with the size of a dose.",
        ),
        Theme(
            "misinformation",
            "Cultural Context and Misinformation",
            "Online talk blurs research and personal stories, and misinformation spreads "
            "faster than peer-reviewed evidence.",
        ),
    )
}
SECTIONS: dict[str, str] = {t.section: t.id for t in THEMES.values()}

_ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
Id = Annotated[str, Field(pattern=_ID_PATTERN, max_length=64)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class ClassifyQuestion(_Strict):
    """A claim the student classifies as research, hypothesis or unsupported."""

    id: Id
    kind: Literal["classify"]
    theme: ThemeId
    source_section: str
    difficulty: int = Field(ge=1, le=3)
    # The voice of the claim; written `register:` in the files, as PRODUCT.md names it (the
    # attribute cannot be called `register`, which pydantic models already have).
    voice: Literal["casual", "scientific", "alarming"] = Field(alias="register")
    claim: str = Field(min_length=10, max_length=600)
    cue: str = Field(min_length=2, max_length=200)
    verdict: Verdict
    explanation: str = Field(min_length=20, max_length=1500)
    needed_evidence: str = Field(min_length=10, max_length=800)

    @field_validator("source_section")
    @classmethod
    def _known_section(cls, value: str) -> str:
        if value not in SECTIONS:
            known = "; ".join(SECTIONS)
            raise ValueError(f"must be one of the article's section titles: {known}")
        return value

    @field_validator("claim", "cue", "explanation", "needed_evidence")
    @classmethod
    def _obeys_content_rules(cls, value: str) -> str:
        problems = text_problems(value)
        if problems:
            raise ValueError("; ".join(problems))
        return value

    @model_validator(mode="after")
    def _cue_in_claim(self) -> "ClassifyQuestion":
        if self.cue.casefold() not in self.claim.casefold():
            raise ValueError(f"cue {self.cue!r} must occur word for word in the claim")
        return self


# New kinds join this union; `kind` picks the model.
Question = Annotated[ClassifyQuestion, Field(discriminator="kind")]
_QUESTION = TypeAdapter(Question)


class Selection(_Strict):
    """Which questions a set uses: explicit ids, or a filter with a count."""

    ids: list[Id] = Field(default_factory=list)
    themes: list[ThemeId] = Field(default_factory=list)
    verdicts: list[Verdict] = Field(default_factory=list)
    difficulties: list[Annotated[int, Field(ge=1, le=3)]] = Field(default_factory=list)
    count: int | None = Field(default=None, ge=1, le=200)

    @model_validator(mode="after")
    def _ids_or_filter(self) -> "Selection":
        if self.ids and (self.themes or self.verdicts or self.difficulties):
            raise ValueError("give either ids or a filter (themes/verdicts/difficulties), not both")
        return self


class QuestionSet(_Strict):
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
    questions: dict[str, ClassifyQuestion]
    sets: dict[str, QuestionSet]

    def matching(self, selection: Selection) -> list[ClassifyQuestion]:
        """Return the questions a selection names or whose theme/verdict/difficulty match it."""
        if selection.ids:
            return [self.questions[i] for i in selection.ids]
        return [
            q
            for q in self.questions.values()
            if (not selection.themes or q.theme in selection.themes)
            and (not selection.verdicts or q.verdict in selection.verdicts)
            and (not selection.difficulties or q.difficulty in selection.difficulties)
        ]

    def select(self, qset: QuestionSet, seed: int) -> list[str]:
        """Return the ids of a set's questions for one student; the same seed gives the same list."""
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
        loc = ".".join(str(part) for part in e["loc"] if part != "classify") or "(question)"
        problems.append(Problem(file, item_id, loc, e["msg"].removeprefix("Value error, ")))
    return problems


def _read_yaml(path: Path, root: Path) -> tuple[dict[str, Any], list[Problem]]:
    name = str(path.relative_to(root))
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        return {}, [Problem(name, "-", "(file)", f"not valid YAML: {exc}".replace("\n", " "))]
    if data is None:
        return {}, []
    if not isinstance(data, dict) or not set(data) <= {"questions", "sets"}:
        return {}, [Problem(name, "-", "(file)", "must be a mapping with 'questions' and/or 'sets'")]
    return data, []


def check_bank(root: Path) -> tuple[Bank | None, list[Problem]]:
    """Load every YAML file under root; return the bank (None if broken) and every problem."""
    if not root.is_dir():
        return None, [Problem(str(root), "-", "(directory)", "no such question directory")]
    problems: list[Problem] = []
    questions: dict[str, ClassifyQuestion] = {}
    raw_sets: list[tuple[str, Any]] = []
    for path in sorted(root.rglob("*.y*ml")):
        name = str(path.relative_to(root))
        data, file_problems = _read_yaml(path, root)
        problems += file_problems
        for raw in _as_list(data.get("questions"), name, "questions", problems):
            item_id = str(raw.get("id", "?")) if isinstance(raw, dict) else "?"
            try:
                question = _QUESTION.validate_python(raw)
            except ValidationError as exc:
                problems += _errors(name, item_id, exc)
                continue
            if question.id in questions:
                problems.append(Problem(name, question.id, "id", "is used by another question"))
            questions[question.id] = question
        raw_sets += [(name, raw) for raw in _as_list(data.get("sets"), name, "sets", problems)]
    sets = _check_sets(raw_sets, questions, problems)
    if not questions and not problems:
        problems.append(Problem(str(root), "-", "(directory)", "contains no questions"))
    bank = Bank(questions, sets) if not problems else None
    return bank, problems


def _as_list(value: Any, name: str, key: str, problems: list[Problem]) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append(Problem(name, "-", key, "must be a list"))
        return []
    return value


def _check_sets(
    raw_sets: list[tuple[str, Any]],
    questions: dict[str, ClassifyQuestion],
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
