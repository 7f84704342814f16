"""Assignments: join codes, the teacher's form, which questions each student gets, and whether
an assignment is open. Pure functions; no I/O."""

import random
import re
import secrets
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from quiz_app.bank.catalog import AnyQuestion, Bank, matches
from quiz_app.bank.vocabulary import THEMES, VERDICTS
from quiz_app.models import Assignment
from quiz_app.security import parse_embed_origins

# No 0/O, 1/I/L: a code read aloud or copied from a board is typed right the first time.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
CODE_CANDIDATES = 20  # join codes tried before giving up (31^6 codes: a clash is rare)
PLAYABLE_KINDS = ("classify",)  # the kinds the student quiz can show
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
    """Return a student's name with control characters removed and spaces collapsed."""
    text = "".join(
        c for c in unicodedata.normalize("NFC", typed) if unicodedata.category(c)[0] != "C"
    )
    return " ".join(text.split())


def name_key(name: str) -> str:
    return clean_name(name).casefold()


# --- the teacher's form -----------------------------------------------------------------

SourceKind = Literal["set", "filter", "ids"]


@dataclass
class AssignmentForm:
    """What the teacher asked for, as typed, with every problem found per field."""

    values: dict[str, Any]
    problems: dict[str, list[str]]
    fields: dict[str, Any]  # the validated columns of the Assignment, when there is no problem


def _int(
    value: str | None, name: str, low: int, high: int, problems: dict[str, list[str]]
) -> int | None:
    if value is None or not value.strip():
        return None
    try:
        number = int(value)
    except ValueError:
        problems.setdefault(name, []).append("enter a whole number")
        return None
    if not low <= number <= high:
        problems.setdefault(name, []).append(f"enter a number from {low} to {high}")
        return None
    return number


def _local_time(
    value: str | None, zone: ZoneInfo, name: str, problems: dict[str, list[str]]
) -> datetime | None:
    if value is None or not value.strip():
        return None
    try:
        local = datetime.fromisoformat(value.strip())
    except ValueError:
        problems.setdefault(name, []).append("enter a date and time like 2026-03-14 09:00")
        return None
    if local.tzinfo is None:
        local = local.replace(tzinfo=zone)
    return local.astimezone(UTC)


def source_of(values: Mapping[str, Any]) -> dict[str, Any]:
    """Return the question source the form describes, as stored on the assignment."""
    kind = values.get("source", "set")
    if kind == "set":
        return {"set_id": values.get("set_id", "")}
    if kind == "ids":
        return {"ids": list(values.get("ids", []))}
    return {key: list(values.get(key, [])) for key in FILTER_KEYS if values.get(key)}


def filtered(questions: Iterable[AnyQuestion], source: Mapping[str, Any]) -> list[AnyQuestion]:
    """Return the questions an assignment's filter takes: of a kind the quiz can show, and
    passing each of the filter's lists (themes, verdicts, kinds, difficulties as typed).

    The bank browser shows the teacher what the same filter would assign.
    """
    difficulties = [int(d) if str(d).isdigit() else d for d in source.get("difficulties", [])]
    return [
        q
        for q in questions
        if q.kind in PLAYABLE_KINDS
        and matches(
            q,
            themes=source.get("themes", ()),
            verdicts=source.get("verdicts", ()),
            kinds=source.get("kinds", ()),
            difficulties=difficulties,
        )
    ]


def pool_for(
    source: Mapping[str, Any], bank: Bank, own: Mapping[str, AnyQuestion]
) -> tuple[list[str], str | None]:
    """Return the question ids a source matches (bank order), or a problem saying why none.

    `own` is the teacher's own questions by namespaced id; only they and the bank can be used.
    """
    if "set_id" in source:
        qset = bank.sets.get(source["set_id"])
        if qset is None:
            return [], "choose one of the question sets"
        ids = [q.id for q in bank.matching(qset.selection) if q.kind in PLAYABLE_KINDS]
        return ids, None if ids else "this set has no questions the quiz can show"
    if "ids" in source:
        ids = list(dict.fromkeys(source["ids"]))
        unknown = [i for i in ids if i not in bank.questions and i not in own]
        if unknown:
            return [], f"these questions do not exist or are not yours: {', '.join(unknown)}"
        questions = {**bank.questions, **own}
        unplayable = [i for i in ids if questions[i].kind not in PLAYABLE_KINDS]
        if unplayable:
            return [], f"the quiz cannot show these kinds of question yet: {', '.join(unplayable)}"
        return ids, None if ids else "pick at least one question"
    ids = [q.id for q in filtered(bank.questions.values(), source)]
    return ids, None if ids else "no question matches this filter; choose fewer filters"


def parse_form(
    form: Mapping[str, Any],
    bank: Bank,
    own: Mapping[str, AnyQuestion],
    *,
    settings_only: bool = False,
    site_frame_ancestors: str = "*",
) -> AssignmentForm:
    """Validate the assignment form. With settings_only (editing), the questions are fixed.

    site_frame_ancestors is the server's setting, which the listed embed origins must fit in.
    """
    problems: dict[str, list[str]] = {}

    def text(key: str) -> str:
        value = form.get(key, "")
        return value if isinstance(value, str) else ""

    def texts(key: str) -> list[str]:
        getter = getattr(form, "getlist", None)
        found = getter(key) if getter else form.get(key, [])
        return [v for v in found if isinstance(v, str)]

    values: dict[str, Any] = {
        key: text(key)
        for key in (
            "title",
            "source",
            "set_id",
            "question_count",
            "feedback_mode",
            "attempts_allowed",
            "opens_at",
            "closes_at",
            "timezone",
            "identity",
            "embed_origins",
        )
    }
    for key in (*FILTER_KEYS, "ids"):
        values[key] = texts(key)
    values["shuffle"] = form.get("shuffle") in ("on", "true", "1", True)
    fields: dict[str, Any] = {}

    title = " ".join(str(values["title"]).split())
    if not 3 <= len(title) <= 120:
        problems.setdefault("title", []).append("give a title of 3 to 120 characters")
    fields["title"] = title

    if values["feedback_mode"] not in FEEDBACK_MODES:
        problems.setdefault("feedback_mode", []).append("choose when students see feedback")
    fields["feedback_mode"] = values["feedback_mode"]
    if values["identity"] not in IDENTITIES:
        problems.setdefault("identity", []).append("choose names or nicknames")
    fields["identity"] = values["identity"]
    attempts = _int(
        values["attempts_allowed"] or "1", "attempts_allowed", 1, MAX_ATTEMPTS, problems
    )
    fields["attempts_allowed"] = attempts

    zone_name = str(values["timezone"] or "UTC").strip()
    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        problems.setdefault("timezone", []).append(
            "enter a time zone like Europe/London or America/New_York"
        )
        zone = ZoneInfo("UTC")
    fields["timezone"] = zone_name
    opens = _local_time(values["opens_at"], zone, "opens_at", problems)
    closes = _local_time(values["closes_at"], zone, "closes_at", problems)
    if opens and closes and closes <= opens:
        problems.setdefault("closes_at", []).append(
            "the closing time must be after the opening time"
        )
    fields["opens_at"], fields["closes_at"] = opens, closes

    origins, origin_problems = parse_embed_origins(values["embed_origins"], site_frame_ancestors)
    if origin_problems:
        problems.setdefault("embed_origins", []).extend(origin_problems)
    fields["embed_origins"] = origins

    if not settings_only:
        if values["source"] not in ("set", "filter", "ids"):
            problems.setdefault("source", []).append("choose where the questions come from")
            values["source"] = "set"
        source = source_of(values)
        bad_filter = [
            v
            for key, allowed in (
                ("themes", THEMES),
                ("verdicts", VERDICTS),
                ("kinds", PLAYABLE_KINDS),
                ("difficulties", DIFFICULTIES),
            )
            for v in source.get(key, [])
            if v not in allowed
        ]
        if bad_filter:
            problems.setdefault("source", []).append(f"unknown filter values: {bad_filter}")
            pool: list[str] = []
        else:
            pool, problem = pool_for(source, bank, own)
            if problem:
                problems.setdefault("source", []).append(problem)
        count = _int(values["question_count"], "question_count", 1, 200, problems)
        if "set_id" in source and count is None and source["set_id"] in bank.sets:
            count = bank.sets[source["set_id"]].selection.count
        if pool and count is not None and count > len(pool):
            problems.setdefault("question_count", []).append(
                f"the questions you chose are {len(pool)}; ask for {len(pool)} or fewer"
            )
        fields.update(
            source=source,
            pool=pool,
            question_count=min(count or len(pool), len(pool)),
            shuffle=values["shuffle"],
        )
    return AssignmentForm(values=values, problems=problems, fields=fields)


def form_values(assignment: Assignment, timezone: str) -> dict[str, Any]:
    """Return an assignment's settings as the edit form shows them, in the teacher's zone."""
    zone = ZoneInfo(timezone)

    def local(when: datetime | None) -> str:
        return when.astimezone(zone).strftime("%Y-%m-%dT%H:%M") if when else ""

    return {
        "title": assignment.title,
        "feedback_mode": assignment.feedback_mode,
        "attempts_allowed": str(assignment.attempts_allowed),
        "identity": assignment.identity,
        "opens_at": local(assignment.opens_at),
        "closes_at": local(assignment.closes_at),
        "timezone": timezone,
        "embed_origins": assignment.embed_origins,
    }


# --- students ---------------------------------------------------------------------------


def questions_for_student(assignment: Assignment, seed: int) -> list[str]:
    """Return one student's questions; the same seed always gives the same list."""
    pool = list(assignment.pool)
    count = min(assignment.question_count, len(pool))
    if not assignment.shuffle:
        return pool[:count]
    rng = random.Random(seed)
    chosen = rng.sample(pool, count)
    rng.shuffle(chosen)
    return chosen


Status = Literal["open", "closed", "not-yet-open", "ended"]


def status(assignment: Assignment, now: datetime) -> Status:
    """Return whether students can take the assignment now, and if not, why."""
    if assignment.closed:
        return "closed"
    if assignment.opens_at and now < assignment.opens_at:
        return "not-yet-open"
    if assignment.closes_at and now >= assignment.closes_at:
        return "ended"
    return "open"


def unavailable(assignment: Assignment, now: datetime, *, noun: str = "assignment") -> str | None:
    """Return why students cannot start the assignment now, or None when they can.

    `noun` is what the students call it: an "activity" inside an LMS.
    """
    state = status(assignment, now)
    zone = assignment.teacher.timezone
    if state == "closed":
        return f"Your teacher has closed this {noun}. Ask them to reopen it."
    if state == "not-yet-open":
        when = show_time(assignment.opens_at, zone)
        return f"This {noun} opens on {when}. Come back then, with the same link."
    if state == "ended":
        when = show_time(assignment.closes_at, zone)
        return f"This {noun} closed on {when}. Ask your teacher if you still need it."
    return None


def show_time(when: datetime | None, timezone: str = "UTC") -> str:
    """Return a time as people read it, in the given zone and with the zone's name."""
    if when is None:
        return ""
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone, timezone = ZoneInfo("UTC"), "UTC"
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
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return f"{when.astimezone(zone):%d %b %H:%M}"
