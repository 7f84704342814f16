"""The rules of getting back in: how long a browser's memory lasts, and which attempt a typed
resume code opens."""

from datetime import UTC, datetime, timedelta

import pytest

from quiz_app.classroom import resume
from quiz_app.classroom.assignments import CODE_ALPHABET, CODE_LENGTH
from quiz_app.models import Attempt

NOW = datetime(2026, 3, 14, 15, 0, tzinfo=UTC)


def _attempt(code: str | None, started_hours_ago: float = 0) -> Attempt:
    return Attempt(resume_code=code, created_at=NOW - timedelta(hours=started_hours_ago))


@pytest.mark.parametrize(("hours_ago", "fresh"), [(0, True), (7.9, True), (8, False), (30, False)])
def test_memory_is_fresh_for_resume_hours_after_start_only(hours_ago: float, fresh: bool) -> None:
    assert resume.memory_is_fresh(_attempt("ABCDEF", hours_ago), now=NOW, hours=8) is fresh


def test_new_resume_code_uses_join_code_alphabet() -> None:
    code = resume.new_resume_code()
    assert len(code) == CODE_LENGTH and set(code) <= set(CODE_ALPHABET)


@pytest.mark.parametrize("typed", ["ABCDEF", "abc-def", " abc def "])
def test_matching_attempt_with_code_typed_any_way_finds_it(typed: str) -> None:
    mine = _attempt("ABCDEF")
    assert resume.matching_attempt([_attempt("GHJKMN"), mine], typed) is mine


@pytest.mark.parametrize("typed", ["", "ABCDEG", "ABCDE", "ABCDEFA"])
def test_matching_attempt_with_wrong_or_empty_code_finds_none(typed: str) -> None:
    assert resume.matching_attempt([_attempt("ABCDEF"), _attempt(None)], typed) is None
