"""The teacher's question editor: what a teacher types, as the bank's YAML-shaped dict of a
question of any kind, and a stored question back as the editor's inputs; each problem placed
next to the field it belongs to. Pure functions; no I/O."""

from collections.abc import Mapping
from string import ascii_lowercase
from typing import Any

# The editor's text inputs, in the order of the YAML file; every kind has them but `verdict`.
TEXT_FIELDS = (
    "id",
    "theme",
    "source_section",
    "difficulty",
    "register",
    "claim",
    "seen_in",
    "cue",
    "verdict",
    "explanation",
    "needed_evidence",
)
COMMON_FIELDS = tuple(f for f in TEXT_FIELDS if f != "verdict")
LIST_FIELDS = ("concepts", "reason_options")  # reason_options: classify only
LADDER_INPUTS = ("ladder_best", "ladder_certainty", "ladder_note")
OPTION_SLOTS = 4  # the editor offers four options, as the bundled option questions have
OPTION_PARTS = ("text", "feedback", "rung")  # each option's inputs: option_<letter>_<part>
# Each has its own slot for problems in the editor (the options' slots come with the options).
ERROR_FIELDS = ("kind", *TEXT_FIELDS, *LIST_FIELDS, "ladder", "review_by", "options")
# The bank's words, in the words of the editor.
EDITOR_WORDS = {
    "exactly one option must be marked correct: true": "mark one option as the right answer",
    "every option of a best-evidence question needs a rung": (
        "choose where each option sits on the evidence ladder"
    ),
}

Problems = dict[str, list[str]]  # field name -> what is wrong with it


def _text(form: Mapping[str, Any], name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _list(form: Mapping[str, Any], name: str) -> list[str]:
    getter = getattr(form, "getlist", None)
    values = getter(name) if getter else form.get(name, [])
    return [v for v in values if isinstance(v, str) and v]


def _typed_letters(form: Mapping[str, Any]) -> list[str]:
    """Return the letters of the options the teacher wrote anything in, or marked right."""
    right = _text(form, "correct")
    return [
        letter
        for letter in ascii_lowercase
        if letter == right or any(_text(form, f"option_{letter}_{p}") for p in OPTION_PARTS)
    ]


def _typed_options(form: Mapping[str, Any], kind: str) -> list[dict[str, Any]]:
    """Return the options typed into the editor; an option left blank is not one."""
    right = _text(form, "correct")
    options = []
    for letter in _typed_letters(form):
        option: dict[str, Any] = {"id": letter}
        parts = OPTION_PARTS if kind == "best-evidence" else OPTION_PARTS[:2]
        for part in parts:
            if value := _text(form, f"option_{letter}_{part}"):
                option[part] = value
        if letter == right:
            option["correct"] = True
        options.append(option)
    return options


def form_data(form: Mapping[str, Any], editing: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Return the YAML-shaped dict of a question typed into the editor; a stored question
    being edited (`editing`) keeps its kind, whatever the form says."""
    if editing and "kind" in editing:
        kind = str(editing["kind"])
    else:
        kind = _text(form, "kind") or "classify"
    data: dict[str, Any] = {"kind": kind}
    classify = kind == "classify"
    for name in TEXT_FIELDS if classify else COMMON_FIELDS:
        if value := _text(form, name):
            data[name] = value
    for name in LIST_FIELDS if classify else LIST_FIELDS[:1]:
        if values := _list(form, name):
            data[name] = values
    rated_down = _list(form, "ladder_rated_down")
    if any(_text(form, n) for n in LADDER_INPUTS) or rated_down:
        ladder: dict[str, Any] = {"rated_down": rated_down}
        for name in LADDER_INPUTS:
            if value := _text(form, name):
                ladder[name.removeprefix("ladder_")] = value
        data["ladder"] = ladder
    if review_by := _text(form, "review_by"):
        data["review_by"] = review_by
    if not classify:
        data["options"] = _typed_options(form, kind)
    return data


def _slots(options: list[dict[str, str]]) -> list[dict[str, str]]:
    """Return the options with blank ones after them, so the editor offers OPTION_SLOTS."""
    used = {o["id"] for o in options}
    spare = [letter for letter in ascii_lowercase if letter not in used]
    blanks = [{"id": letter} for letter in spare[: max(0, OPTION_SLOTS - len(options))]]
    return [{**{p: "" for p in OPTION_PARTS}, **o} for o in (*options, *blanks)]


def editor_values(data: Mapping[str, Any]) -> dict[str, Any]:
    """Return a stored question as the editor's inputs show it."""
    ladder = data.get("ladder") or {}
    options = [
        {"id": str(o.get("id", ""))} | {p: str(o.get(p, "")) for p in OPTION_PARTS}
        for o in data.get("options", [])
    ]
    right = next((o["id"] for o in data.get("options", []) if o.get("correct")), "")
    return {
        **{name: str(data.get(name, "")) for name in ("kind", *TEXT_FIELDS)},
        **{name: list(data.get(name, [])) for name in LIST_FIELDS},
        "ladder_best": str(ladder.get("best", "")),
        "ladder_certainty": str(ladder.get("certainty", "")),
        "ladder_rated_down": list(ladder.get("rated_down", [])),
        "ladder_note": str(ladder.get("note", "")),
        "review_by": str(data.get("review_by", "")),
        "options": _slots(options),
        "correct": right,
    }


def typed_values(form: Mapping[str, Any]) -> dict[str, Any]:
    """Return what the teacher typed, to show it back in the editor."""
    options = [
        {"id": letter} | {p: _text(form, f"option_{letter}_{p}") for p in OPTION_PARTS}
        for letter in _typed_letters(form)
    ]
    return {
        **{name: _text(form, name) for name in ("kind", *TEXT_FIELDS, *LADDER_INPUTS)},
        "review_by": _text(form, "review_by"),
        **{name: _list(form, name) for name in LIST_FIELDS},
        "ladder_rated_down": _list(form, "ladder_rated_down"),
        "options": _slots(options),
        "correct": _text(form, "correct"),
    }


def error_fields(values: Mapping[str, Any]) -> list[str]:
    """Return every field of the editor with a slot for problems, the options' included."""
    letters = [o["id"] for o in values.get("options", [])]
    return [*ERROR_FIELDS, *(f"option_{x}_{p}" for x in letters for p in OPTION_PARTS)]


def editor_problems(problems: Problems, data: Mapping[str, Any]) -> Problems:
    """Return the problems `authoring.validate` found, each under its editor field: an
    option's problem ("options.1.text") goes next to that option's input."""
    letters = [str(o.get("id", "")) for o in data.get("options", [])]
    placed: Problems = {}
    for field, messages in problems.items():
        name = field
        parts = field.split(".")
        if parts[0] == "options":
            name = "options"
            if len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(letters):
                if parts[2] in OPTION_PARTS:
                    name = f"option_{letters[int(parts[1])]}_{parts[2]}"
        placed.setdefault(name, []).extend(EDITOR_WORDS.get(m, m) for m in messages)
    return placed


KIND_HINTS = {  # what the teacher writes for each kind, shown beside its choice
    "classify": "the student says whether the claim is research, a hypothesis or unsupported, "
    "and why",
    "best-evidence": "the student picks which of 3 or 4 studies would settle the claim",
    "fix-claim": "the student picks which of 3 or 4 rewordings states the evidence honestly",
}
