"""How an attempt shows its questions: addressed by position, choices in the student's own order.

Security-motivated: nothing a student receives before answering may carry the key. A bank id
in the URL (``legal-07``) or an option's file id in the form (``value="b"``) gave answers away,
so URLs carry the question's position in the attempt, and every option and reason the form
offers carries only its place in this student's shuffled list ("1", "2", ...), which the
server maps back to the option or concept id before grading.
"""

import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from quiz_app.bank.catalog import AnyQuestion
from quiz_app.bank.items import ClassifyQuestion, Concept, Option
from quiz_app.bank.vocabulary import VERDICT_LABELS

T = TypeVar("T")

# A form value no option or concept id can equal (ids are lower-case letters, digits and
# hyphens), so that an unknown value is graded as "not one of the choices".
NOT_A_CHOICE = "?"

_POSITION = re.compile(r"^[1-9][0-9]{0,5}$")  # 1-based; no leading zero, no sign


def in_student_order(items: Sequence[T], *, seed: int, key: str) -> list[T]:
    """Return `items` shuffled for one student: the same order for the same seed and key."""
    shuffled = list(items)
    random.Random(f"{seed}:{key}").shuffle(shuffled)
    return shuffled


def position_of(question_ids: Sequence[str], question_id: str) -> int:
    """Return the 1-based position of a question in an attempt."""
    return list(question_ids).index(question_id) + 1


def parse_position(handle: str) -> int | None:
    """Return the position a URL segment names, or None when it is not a position."""
    return int(handle) if _POSITION.match(handle) else None


def question_at(question_ids: Sequence[str], position: int) -> str | None:
    """Return the question id at a 1-based position, or None when out of range."""
    return question_ids[position - 1] if 1 <= position <= len(question_ids) else None


@dataclass(frozen=True)
class Choice(Generic[T]):
    """One option or reason as the form shows it: its opaque value and the letter shown."""

    value: str
    letter: str
    id: str
    item: T


def _choices(items: Sequence[tuple[str, T]], *, seed: int, key: str) -> list[Choice[T]]:
    ordered = in_student_order(items, seed=seed, key=key)
    return [
        Choice(value=str(i + 1), letter=chr(ord("A") + i), id=item_id, item=item)
        for i, (item_id, item) in enumerate(ordered)
    ]


@dataclass(frozen=True)
class Presentation:
    """One question as one student sees it: its options and reasons in their order."""

    question: AnyQuestion
    options: list[Choice[Option]]
    reasons: list[Choice[Concept]]

    def answer_id(self, value: str) -> str:
        """Return the answer a form value stands for: a verdict as given, an option's id."""
        if isinstance(self.question, ClassifyQuestion) or not value:
            return value
        return next((c.id for c in self.options if c.value == value), NOT_A_CHOICE)

    def reason_id(self, value: str) -> str | None:
        """Return the concept id a reason value stands for; None when no reason was given."""
        if not value:
            return None
        return next((c.id for c in self.reasons if c.value == value), NOT_A_CHOICE)

    def letter_of(self, option_id: str) -> str:
        """Return the letter this student saw for an option (its id, upper case, if gone)."""
        return next((c.letter for c in self.options if c.id == option_id), option_id.upper())

    def answer_label(self, answer: str) -> str:
        """Return a saved answer as this student saw it: "Research", or an option's letter."""
        if isinstance(self.question, ClassifyQuestion):
            return VERDICT_LABELS.get(answer, answer)
        return self.letter_of(answer)


def present(question: AnyQuestion, *, seed: int, concepts: Mapping[str, Concept]) -> Presentation:
    """Return how a student with this seed sees the question: every choice shuffled and opaque.

    Reasons keep the order they have had since they were first shuffled (key: the question id);
    options use the same rule under their own key, so the two orders are independent.
    """
    if isinstance(question, ClassifyQuestion):
        reasons = [(c, concepts[c]) for c in question.reason_options if c in concepts]
        return Presentation(question, [], _choices(reasons, seed=seed, key=question.id))
    options = [(o.id, o) for o in question.options]
    return Presentation(question, _choices(options, seed=seed, key=f"{question.id}:options"), [])
