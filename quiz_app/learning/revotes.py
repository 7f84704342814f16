"""Class mode's second votes as the results files show them, beside the scored first vote.
Pure functions; no I/O."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

# answers.csv's last columns (added for issue 15): empty for an answer without a second vote.
REVOTE_COLUMNS = (
    "revote_answer",
    "revote_correct",
    "revote_reason",
    "revote_reason_correct",
    "revote_confidence",
)


def _flag(value: bool | None) -> str:
    return "" if value is None else str(value).lower()


def revote_cells(answer: Any) -> dict[str, str]:
    """Return the revote columns of an answer row (store.assignments.answers_of reads the
    second vote with it); all empty without a second vote."""
    choice = getattr(answer, "revote_answer", None)
    if choice is None:
        return dict.fromkeys(REVOTE_COLUMNS, "")
    return {
        "revote_answer": choice,
        "revote_correct": _flag(answer.revote_correct),
        "revote_reason": answer.revote_reason or "",
        "revote_reason_correct": _flag(answer.revote_reason_correct),
        "revote_confidence": answer.revote_confidence or "",
    }


@dataclass(frozen=True)
class RevoteRow:
    """One question's second votes in class, as the assignment page shows them."""

    question_id: str
    question: Any  # the question, or None once deleted
    votes: int  # students who voted a second time
    changed: int  # of them, how many changed their verdict or option
    first_right: int  # of them, right at the first (scored) vote
    second_right: int  # of them, right at the second vote

    @property
    def gain(self) -> int:
        """How many more of these students were right at the second vote than at the first."""
        return self.second_right - self.first_right


def revote_rows(counts: Iterable[Any], questions: Mapping[str, Any]) -> list[RevoteRow]:
    """Return the assignment page's rows from store.class_runs.revote_counts, in the order of
    `questions` (the assignment's), then any question no longer in it."""
    rows = {
        c.question_id: RevoteRow(
            question_id=c.question_id,
            question=questions.get(c.question_id),
            votes=int(c.votes),
            changed=int(c.changed or 0),
            first_right=int(c.first_right or 0),
            second_right=int(c.second_right or 0),
        )
        for c in counts
    }
    order = [q for q in questions if q in rows] + [q for q in rows if q not in questions]
    return [rows[q] for q in order]
