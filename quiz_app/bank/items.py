"""Pydantic models of the bank's items: concepts, the evidence ladder, and the question kinds."""

import datetime as dt
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator, model_validator

from quiz_app.bank.content import text_problems
from quiz_app.bank.vocabulary import SECTIONS, Certainty, RatedDown, Rung, SeenIn, ThemeId, Verdict

ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
Id = Annotated[str, Field(pattern=ID_PATTERN, max_length=64)]


class Strict(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, populate_by_name=True
    )


def _obeys_content_rules(value: str) -> str:
    problems = text_problems(value)
    if problems:
        raise ValueError("; ".join(problems))
    return value


class Concept(Strict):
    """A key idea about evidence that a question teaches (after the Informed Health Choices key
    concepts and the FLICC techniques of misinformation), in our own words."""

    id: Id
    name: str = Field(min_length=5, max_length=120)
    teaching: str = Field(min_length=20, max_length=1200)

    _rules = field_validator("name", "teaching")(_obeys_content_rules)


class Ladder(Strict):
    """Where a claim stands on the evidence ladder, and how sure we can be (GRADE-style)."""

    # The best kind of evidence that exists for this claim; "none" where studies cannot settle
    # it (a legal fact is checked in the law itself), which the note then explains.
    best: Rung | Literal["none"]
    certainty: Certainty
    rated_down: list[RatedDown] = Field(default_factory=list, max_length=5)
    note: str | None = Field(default=None, min_length=10, max_length=300)

    _rules = field_validator("note")(lambda v: v if v is None else _obeys_content_rules(v))

    @model_validator(mode="after")
    def _reasons_unless_high(self) -> Self:
        if self.certainty != "high" and not self.rated_down:
            raise ValueError("name at least one reason in rated_down when certainty is not high")
        return self


class QuestionBase(Strict):
    """What every kind of question has."""

    id: Id
    theme: ThemeId
    source_section: str
    difficulty: int = Field(ge=1, le=3)
    # The voice of the claim; written `register:` in the files, as PRODUCT.md names it (the
    # attribute cannot be called `register`, which pydantic models already have).
    voice: Literal["casual", "scientific", "alarming"] = Field(alias="register")
    claim: str = Field(min_length=10, max_length=600)
    seen_in: SeenIn | None = None  # where the claim was seen: a post, a headline, a leaflet...
    cue: str = Field(min_length=2, max_length=200)
    explanation: str = Field(min_length=20, max_length=1500)
    needed_evidence: str = Field(min_length=10, max_length=800)
    concepts: list[Id] = Field(min_length=1, max_length=3)  # what the question teaches
    ladder: Ladder
    review_by: dt.date  # when to check the evidence again: evidence on ketamine changes

    _rules = field_validator("claim", "cue", "explanation", "needed_evidence")(_obeys_content_rules)

    @field_validator("source_section")
    @classmethod
    def _known_section(cls, value: str) -> str:
        if value not in SECTIONS:
            known = "; ".join(SECTIONS)
            raise ValueError(f"must be one of the article's section titles: {known}")
        return value

    @model_validator(mode="after")
    def _cue_in_claim(self) -> Self:
        if self.cue.casefold() not in self.claim.casefold():
            raise ValueError(f"cue {self.cue!r} must occur word for word in the claim")
        return self


class ClassifyQuestion(QuestionBase):
    """A claim the student classifies as research, hypothesis or unsupported, then says why."""

    kind: Literal["classify"]
    verdict: Verdict
    # The reasons offered after the verdict: 3-4 concept ids, the question's own among them.
    reason_options: list[Id] = Field(min_length=3, max_length=4)

    @model_validator(mode="after")
    def _reasons_include_own_concept(self) -> Self:
        if self.reason_options:
            if len(set(self.reason_options)) != len(self.reason_options):
                raise ValueError("reason_options must list 3 or 4 different concept ids")
            if len(set(self.concepts) & set(self.reason_options)) != 1:
                raise ValueError(
                    "reason_options must include exactly one of the question's concepts "
                    "(the right reason); the others are plausible wrong reasons"
                )
        return self

    @property
    def right_reasons(self) -> set[str]:
        return set(self.concepts) & set(self.reason_options)


class Option(Strict):
    """One choice of a best-evidence or fix-claim question, with its own feedback."""

    id: Annotated[str, Field(pattern=r"^[a-z]$")]
    text: str = Field(min_length=5, max_length=400)
    correct: bool = False
    feedback: str = Field(min_length=10, max_length=800)
    rung: Rung | None = None  # best-evidence options sit on a rung of the ladder

    _rules = field_validator("text", "feedback")(_obeys_content_rules)


class _OptionsQuestion(QuestionBase):
    options: list[Option] = Field(min_length=3, max_length=5)

    @model_validator(mode="after")
    def _one_correct_unique_ids(self) -> Self:
        if sum(o.correct for o in self.options) != 1:
            raise ValueError("exactly one option must be marked correct: true")
        if len({o.id for o in self.options}) != len(self.options):
            raise ValueError("option ids must be different letters")
        return self

    @property
    def correct_option(self) -> Option:
        return next(o for o in self.options if o.correct)


class BestEvidenceQuestion(_OptionsQuestion):
    """Which study would settle this claim? The options are designs along the evidence ladder."""

    kind: Literal["best-evidence"]

    @model_validator(mode="after")
    def _options_on_ladder(self) -> Self:
        if any(o.rung is None for o in self.options):
            raise ValueError("every option of a best-evidence question needs a rung")
        return self


class FixClaimQuestion(_OptionsQuestion):
    """Pick the rewording that states the evidence honestly (the good-actor role)."""

    kind: Literal["fix-claim"]


Question = Annotated[
    ClassifyQuestion | BestEvidenceQuestion | FixClaimQuestion, Field(discriminator="kind")
]
QUESTION: TypeAdapter[ClassifyQuestion | BestEvidenceQuestion | FixClaimQuestion] = TypeAdapter(
    Question
)
KINDS = ("classify", "best-evidence", "fix-claim")
