"""An attempt as plain values: what the dashboard reads of each attempt at every poll, without
an ORM object (300 of those would cost each poll several milliseconds). The learning layer's
functions take either."""

from dataclasses import dataclass
from datetime import datetime
from typing import TypeAlias

from quiz_app.models import Attempt, phase_counts


@dataclass(frozen=True, slots=True)
class AttemptRow:
    """An attempt's columns, read-only (store.assignments.class_rows reads them)."""

    id: int
    token: str
    seed: int
    question_ids: tuple[str, ...]
    check_in_count: int
    check_out_count: int
    created_at: datetime
    student_name: str | None
    submitted_at: datetime | None

    @property
    def phase_counts(self) -> tuple[int, int, int]:
        """Return how many questions are check-in, practice and check-out."""
        return phase_counts(len(self.question_ids), self.check_in_count, self.check_out_count)


# What the learning layer reads an attempt from: the ORM object, or its plain row.
AttemptFacts: TypeAlias = Attempt | AttemptRow
