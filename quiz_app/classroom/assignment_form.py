"""The teacher's assignment form: what was typed (AssignmentInput), checked step by step into
an Assignment's columns or a problem per field (parse_form), and the filter that picks the
questions, shared with the bank browser. Pure functions; no I/O."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, Field

from quiz_app.bank.catalog import AnyQuestion, Bank, matches
from quiz_app.bank.vocabulary import THEMES, VERDICTS
from quiz_app.classroom.assignments import (
    DIFFICULTIES,
    FEEDBACK_MODES,
    FILTER_KEYS,
    IDENTITIES,
    MAX_ATTEMPTS,
    PLAYABLE_KINDS,
)
from quiz_app.models import Assignment
from quiz_app.security import parse_embed_origins

MAX_QUESTIONS = 200  # questions one assignment may ask
Problems = dict[str, list[str]]  # per form field, every problem found

MAX_ZONE_NAME = 64  # characters: the longest IANA name is 32; the column holds 64


class AssignmentInput(BaseModel):
    """The assignment form as typed. Plain strings, like the quiz's AnswerForm: what is valid
    depends on the bank and on the other fields, and parse_form says what is wrong in words."""

    title: str = ""
    source: str = ""
    set_id: str = ""
    question_count: str = ""
    feedback_mode: str = ""
    attempts_allowed: str = ""
    opens_at: str = ""
    closes_at: str = ""
    timezone: str = ""
    identity: str = ""
    embed_origins: str = ""
    themes: list[str] = Field(default_factory=list)
    verdicts: list[str] = Field(default_factory=list)
    kinds: list[str] = Field(default_factory=list)
    difficulties: list[str] = Field(default_factory=list)
    ids: list[str] = Field(default_factory=list)
    shuffle: bool = False

    @classmethod
    def from_form(cls, form: Mapping[str, Any]) -> "AssignmentInput":
        """Read a submitted form (or a plain dict): non-text values count as not given."""
        getlist = getattr(form, "getlist", None)
        lists = {
            key: [v for v in (getlist(key) if getlist else form.get(key, [])) if isinstance(v, str)]
            for key in (*FILTER_KEYS, "ids")
        }
        texts = {
            key: value
            for key in cls.model_fields
            if key not in lists and key != "shuffle" and isinstance(value := form.get(key), str)
        }
        return cls(**texts, **lists, shuffle=form.get("shuffle") in ("on", "true", "1", True))


@dataclass
class AssignmentForm:
    """What the teacher asked for, as typed, with every problem found per field."""

    values: dict[str, Any]
    problems: Problems
    fields: dict[str, Any]  # the validated columns of the Assignment, when there is no problem


def _problem(problems: Problems, name: str, message: str) -> None:
    problems.setdefault(name, []).append(message)


def _int(value: str | None, name: str, low: int, high: int, problems: Problems) -> int | None:
    if value is None or not value.strip():
        return None
    try:
        number = int(value)
    except ValueError:
        _problem(problems, name, "enter a whole number")
        return None
    if not low <= number <= high:
        _problem(problems, name, f"enter a number from {low} to {high}")
        return None
    return number


def _local_time(
    value: str | None, zone: ZoneInfo, name: str, problems: Problems
) -> datetime | None:
    if value is None or not value.strip():
        return None
    try:
        local = datetime.fromisoformat(value.strip())
    except ValueError:
        _problem(problems, name, "enter a date and time like 2026-03-14 09:00")
        return None
    if local.tzinfo is None:
        local = local.replace(tzinfo=zone)
    try:
        return local.astimezone(UTC)
    except OverflowError:  # a time at the very edge of the calendar (year 1 or 9999)
        _problem(problems, name, "enter a date and time like 2026-03-14 09:00")
        return None


def source_of(values: Mapping[str, Any]) -> dict[str, Any]:
    """Return the question source the form describes, as stored on the assignment."""
    kind = values.get("source", "set")
    if kind == "set":
        return {"set_id": values.get("set_id", "")}
    if kind == "ids":
        return {"ids": list(values.get("ids", []))}
    return {key: list(values.get(key, [])) for key in FILTER_KEYS if values.get(key)}


def filtered(questions: Iterable[AnyQuestion], source: Mapping[str, Any]) -> list[AnyQuestion]:
    """Return the questions an assignment's filter takes: those passing each of the filter's
    lists (themes, verdicts, kinds, difficulties as typed); every kind can be assigned.

    The bank browser shows the teacher what the same filter would assign.
    """
    difficulties = [
        int(d) if str(d).isascii() and str(d).isdigit() else d
        for d in source.get("difficulties", [])
    ]
    return [
        q
        for q in questions
        if matches(
            q,
            themes=source.get("themes", ()),
            verdicts=source.get("verdicts", ()),
            kinds=source.get("kinds", ()),
            difficulties=difficulties,
        )
    ]


@dataclass(frozen=True)
class Pool:
    """The questions a source gives: the practice pool (bank order) and, for a set with check
    forms, its two parallel forms, asked before and after the practice."""

    ids: list[str]
    check_in: list[str] = field(default_factory=list)
    check_out: list[str] = field(default_factory=list)


def pool_for(
    source: Mapping[str, Any], bank: Bank, own: Mapping[str, AnyQuestion]
) -> tuple[Pool, str | None]:
    """Return the questions a source matches, or a problem saying why there are none.

    `own` is the teacher's own questions by namespaced id; only they and the bank can be used.
    """
    if "set_id" in source:
        qset = bank.sets.get(source["set_id"])
        if qset is None:
            return Pool([]), "choose one of the question sets"
        ids = [q.id for q in bank.matching(qset.selection, exclude=qset.check_ids)]
        pool = Pool(ids, list(qset.check_in), list(qset.check_out))
        return pool, None if ids else "this set has no questions to ask"
    if "ids" in source:
        ids = list(dict.fromkeys(source["ids"]))
        unknown = [i for i in ids if i not in bank.questions and i not in own]
        if unknown:
            return Pool([]), f"these questions do not exist or are not yours: {', '.join(unknown)}"
        return Pool(ids), None if ids else "pick at least one question"
    ids = [q.id for q in filtered(bank.questions.values(), source)]
    return Pool(ids), None if ids else "no question matches this filter; choose fewer filters"


def _settings(
    values: dict[str, Any], site_frame_ancestors: str, problems: Problems
) -> dict[str, Any]:
    """Check the settings a teacher may change later: title, feedback, identity, attempts."""
    title = " ".join(str(values["title"]).split())
    if not 3 <= len(title) <= 120:
        _problem(problems, "title", "give a title of 3 to 120 characters")
    if values["feedback_mode"] not in FEEDBACK_MODES:
        _problem(problems, "feedback_mode", "choose when students see feedback")
    if values["identity"] not in IDENTITIES:
        _problem(problems, "identity", "choose names or nicknames")
    # Left empty (or only spaces): one attempt, as the form says.
    typed = str(values["attempts_allowed"]).strip() or "1"
    attempts = _int(typed, "attempts_allowed", 1, MAX_ATTEMPTS, problems)
    origins, origin_problems = parse_embed_origins(values["embed_origins"], site_frame_ancestors)
    if origin_problems:
        problems.setdefault("embed_origins", []).extend(origin_problems)
    return {
        "title": title,
        "feedback_mode": values["feedback_mode"],
        "identity": values["identity"],
        "attempts_allowed": attempts,
        "embed_origins": origins,
    }


def _schedule(values: dict[str, Any], problems: Problems) -> dict[str, Any]:
    """Check the time zone and the opening and closing times (typed in that zone)."""
    zone_name = str(values["timezone"] or "UTC").strip()
    try:
        if len(zone_name) > MAX_ZONE_NAME:  # no zone's name is this long (nor fits its column)
            raise ValueError(zone_name)
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name the disk refuses
        _problem(problems, "timezone", "enter a time zone like Europe/London or America/New_York")
        zone = ZoneInfo("UTC")
    opens = _local_time(values["opens_at"], zone, "opens_at", problems)
    closes = _local_time(values["closes_at"], zone, "closes_at", problems)
    if opens and closes and closes <= opens:
        _problem(problems, "closes_at", "the closing time must be after the opening time")
    return {"timezone": zone_name, "opens_at": opens, "closes_at": closes}


def _bad_filter_values(source: Mapping[str, Any]) -> list[str]:
    """Return the filter's values that are no theme, verdict, kind or difficulty."""
    allowed = {"themes": THEMES, "verdicts": VERDICTS, "kinds": PLAYABLE_KINDS}
    allowed["difficulties"] = DIFFICULTIES
    return [v for key, known in allowed.items() for v in source.get(key, []) if v not in known]


def _questions(
    values: dict[str, Any], bank: Bank, own: Mapping[str, AnyQuestion], problems: Problems
) -> dict[str, Any]:
    """Check where the questions come from and how many each student gets."""
    if values["source"] not in ("set", "filter", "ids"):
        _problem(problems, "source", "choose where the questions come from")
        values["source"] = "set"
    source = source_of(values)
    found = Pool([])
    if bad_filter := _bad_filter_values(source):
        _problem(problems, "source", f"unknown filter values: {bad_filter}")
    else:
        found, problem = pool_for(source, bank, own)
        if problem:
            _problem(problems, "source", problem)
    pool = found.ids
    count = _int(values["question_count"], "question_count", 1, MAX_QUESTIONS, problems)
    if "set_id" in source and count is None and source["set_id"] in bank.sets:
        count = bank.sets[source["set_id"]].selection.count
    if pool and count is not None and count > len(pool):
        message = f"the questions you chose are {len(pool)}; ask for {len(pool)} or fewer"
        _problem(problems, "question_count", message)
    return {
        "source": source,
        "pool": pool,
        "check_in": found.check_in,
        "check_out": found.check_out,
        "question_count": min(count or len(pool), len(pool)),
        "shuffle": values["shuffle"],
    }


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
    problems: Problems = {}
    values = AssignmentInput.from_form(form).model_dump()
    fields = {**_settings(values, site_frame_ancestors, problems), **_schedule(values, problems)}
    if not settings_only:
        fields.update(_questions(values, bank, own, problems))
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


def public_question_count(question_ids: Iterable[str], bank: Bank) -> int:
    """Return how many of the questions are bundled ones, whose answers anyone can read in the
    open-source bank (a teacher's own questions are private to them)."""
    return sum(1 for qid in dict.fromkeys(question_ids) if qid in bank.questions)


def draws_on_public_answers(values: Mapping[str, Any], bank: Bank) -> bool:
    """Return whether the form as typed takes bundled questions: a set, a filter over the bank,
    or at least one picked bank question."""
    source = source_of(values)
    if "ids" in source:
        return public_question_count(source["ids"], bank) > 0
    return True
