"""Assignments: join codes, which questions each student gets, whether an assignment is open,
and how its times and source read (the teacher's form is in assignment_form.py). Pure
functions; no I/O."""

import random
import re
import secrets
import unicodedata
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from confusable_homoglyphs import confusables

from quiz_app.bank.catalog import Bank, Phases
from quiz_app.bank.draw import check_forms, draw
from quiz_app.bank.items import KINDS
from quiz_app.bank.vocabulary import THEMES
from quiz_app.models import Assignment

# No 0/O, 1/I/L: a code read aloud or copied from a board is typed right the first time.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
CODE_CANDIDATES = 20  # join codes tried before giving up (31^6 codes: a clash is rare)
PLAYABLE_KINDS = KINDS  # the kinds the student quiz can show: every kind
KIND_LABELS = {  # as the assignment form and the bank browser name them
    "classify": "Research, hypothesis or unsupported?",
    "best-evidence": "Which study would settle it?",
    "fix-claim": "Which rewording is honest?",
}
DIFFICULTIES = ("1", "2", "3")  # as the assignment form and the bank browser offer them
FILTER_KEYS = ("themes", "verdicts", "kinds", "difficulties")  # an assignment's filter source
FEEDBACK_MODES = {
    "immediate": "After each answer (the verdict and why)",
    "after_submit": "Only after the student submits all answers",
}
IDENTITIES = {
    "name": "Their name",
    "nickname": "An anonymous nickname",
}
MAX_ATTEMPTS = 10
MAX_NAME = 40  # characters of a student's name or nickname


def new_join_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def join_code_candidates() -> list[str]:
    """Return fresh join codes for a new assignment: the store keeps the first one not in use."""
    return [new_join_code() for _ in range(CODE_CANDIDATES)]


def normalize_code(typed: str) -> str:
    """Return a typed join code in canonical form: upper case, without spaces or dashes."""
    return re.sub(r"[\s\-_]", "", typed).upper()


def code_problem(code: str) -> str | None:
    """Return why a normalized code cannot be a join code, or None when it could be one."""
    if len(code) != CODE_LENGTH:
        return f"A join code has {CODE_LENGTH} letters and digits; “{code}” has {len(code)}."
    wrong = sorted({c for c in code if c not in CODE_ALPHABET})
    if wrong:
        hint = {"0": "O", "O": "0", "1": "I", "I": "1", "L": "1"}
        similar = ", ".join(f"“{c}”" for c in wrong)
        return (
            f"Join codes never use {similar}: the code has no 0, O, 1, I or L. "
            f"Check the letters that look alike ({', '.join(hint.get(c, c) for c in wrong)}?)."
        )
    return None


def format_code(code: str) -> str:
    """Return a code as shown to people: ABC-DEF."""
    return f"{code[:3]}-{code[3:]}"


def clean_name(typed: str) -> str:
    """Return a student's name with control characters removed and spaces collapsed, in NFKC:
    full-width letters, ligatures and letters typed with combining marks become the plain
    letters they look like, so "Ｓａｍ" and "Sam" are one student."""
    text = "".join(
        c for c in unicodedata.normalize("NFKC", typed) if unicodedata.category(c)[0] != "C"
    )
    return " ".join(text.split())


@lru_cache(maxsize=4096)  # names repeat on every dashboard poll
def looks_disguised(name: str) -> bool:
    """Return whether a name mixes alphabets with look-alike letters (a Cyrillic "а" among
    Latin ones), so that it could pass for another student's name on the dashboard."""
    return not name.isascii() and bool(confusables.is_dangerous(name))


def name_key(name: str) -> str:
    return clean_name(name).casefold()


# --- students ---------------------------------------------------------------------------


def phases_for_student(assignment: Assignment, seed: int, verdicts: Mapping[str, str]) -> Phases:
    """Return one student's check-in form, practice and check-out form, as a bundled set's
    Bank.phases gives them: the practice drawn from the pool balanced by verdict (`verdicts`
    gives the verdict of each classify question of the pool), the two check forms
    counterbalanced by seed. The same seed always gives the same questions."""
    check_in, check_out = check_forms(
        assignment.check_in or [], assignment.check_out or [], seed, assignment.shuffle
    )
    pool = list(assignment.pool)
    count = min(assignment.question_count, len(pool))
    if not assignment.shuffle:
        return Phases(check_in, pool[:count], check_out)
    rng = random.Random(seed)
    chosen = draw(pool, verdicts, count, rng)
    rng.shuffle(chosen)
    return Phases(check_in, chosen, check_out)


def questions_for_student(
    assignment: Assignment, seed: int, verdicts: Mapping[str, str]
) -> list[str]:
    """Return one student's questions in order: check-in, practice, check-out."""
    return phases_for_student(assignment, seed, verdicts).all


Status = Literal["open", "closed", "not-yet-open", "ended"]


def closing_time(assignment: Assignment, extra: datetime | None = None) -> datetime | None:
    """Return when the assignment closes for a student: `extra`, a later closing time their
    teacher gave them, extends the assignment's own (it never shortens it or adds one)."""
    if extra is not None and assignment.closes_at and extra > assignment.closes_at:
        return extra
    return assignment.closes_at


def status(assignment: Assignment, now: datetime, *, closes_at: datetime | None = None) -> Status:
    """Return whether students can take the assignment now, and if not, why (`closes_at`: one
    student's later closing time, see closing_time)."""
    if assignment.closed:
        return "closed"
    if assignment.opens_at and now < assignment.opens_at:
        return "not-yet-open"
    closes = closing_time(assignment, closes_at)
    if closes and now >= closes:
        return "ended"
    return "open"


def unavailable(
    assignment: Assignment,
    now: datetime,
    *,
    noun: str = "assignment",
    closes_at: datetime | None = None,
) -> str | None:
    """Return why students cannot start the assignment now, or None when they can.

    `noun` is what the students call it: an "activity" inside an LMS; `closes_at` is one
    student's later closing time (see closing_time).
    """
    state = status(assignment, now, closes_at=closes_at)
    zone = assignment.teacher.timezone
    if state == "closed":
        return f"Your teacher has closed this {noun}. Ask them to reopen it."
    if state == "not-yet-open":
        when = show_time(assignment.opens_at, zone)
        return f"This {noun} opens on {when}. Come back then, with the same link."
    if state == "ended":
        when = show_time(closing_time(assignment, closes_at), zone)
        return f"This {noun} closed on {when}. Ask your teacher if you still need it."
    return None


def show_time(when: datetime | None, timezone: str = "UTC") -> str:
    """Return a time as people read it, in the given zone and with the zone's name."""
    if when is None:
        return ""
    zone, timezone = _zone(timezone)
    local = when.astimezone(zone)
    text = f"{local:%a %d %b %Y, %H:%M} {timezone}"
    if timezone != "UTC":
        text += f" ({when.astimezone(UTC):%H:%M} UTC)"
    return text


def summary_of_source(source: Mapping[str, Any], bank: Bank) -> str:
    """Return where an assignment's questions come from, in words."""
    if "set_id" in source:
        qset = bank.sets.get(source["set_id"])
        return f"the set “{qset.title}”" if qset else f"the set {source['set_id']}"
    if "ids" in source:
        return f"{len(source['ids'])} hand-picked questions"
    parts = []
    if source.get("themes"):
        parts.append("sections: " + ", ".join(THEMES[t].section for t in source["themes"]))
    if source.get("verdicts"):
        parts.append("verdicts: " + ", ".join(source["verdicts"]))
    if source.get("kinds"):
        parts.append("kinds: " + ", ".join(source["kinds"]))
    if source.get("difficulties"):
        parts.append("difficulty: " + ", ".join(str(d) for d in source["difficulties"]))
    return "bank questions where " + "; ".join(parts) if parts else "every question in the bank"


def show_clock(when: datetime | None, timezone: str = "UTC") -> str:
    """Return a time of day in the given zone (14:05), for tables; '' for none."""
    if when is None:
        return ""
    return f"{when.astimezone(_zone(timezone)[0]):%d %b %H:%M}"


def show_date(when: datetime, timezone: str = "UTC") -> str:
    """Return the day of a time in the given zone, as people read it: 1 June 2027."""
    local = when.astimezone(_zone(timezone)[0])
    return f"{local.day} {local:%B %Y}"


def _zone(timezone: str) -> tuple[ZoneInfo, str]:
    """Return the zone of a name and the name, or UTC when the name is not a zone."""
    try:
        return ZoneInfo(timezone), timezone
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC"), "UTC"
