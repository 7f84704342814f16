"""Class mode's second votes as the results files show them, beside the scored first vote.
Pure functions; no I/O."""

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
