"""The tags an exported question carries into an LMS's question bank, and the question's bank
fields read back from them and from its general feedback.

Moodle drops the claim-check metadata (a GIFT comment, an unknown XML element) when it saves a
question, but keeps its tags, ID number, text, answers and general feedback. So the export also
writes every metadata field that fits a tag as `field:value` (a list as one tag per item, in
order), and a question that went through Moodle and came back is read from what our export
wrote. Only a ladder's free-text `note` has no tag; it is lost on that trip.
"""

from typing import Any

from quiz_app.bank.catalog import AnyQuestion
from quiz_app.bank.items import KINDS
from quiz_app.bank.vocabulary import THEMES

from .mapping import EXPLANATION_HEADINGS, metadata

APP_TAG = "claim-check"  # marks a question our export wrote
_SINGLE = {"difficulty": "difficulty", "register": "register", "seen-in": "seen_in"}
_LISTS = {"concept": "concepts", "reason": "reason_options"}
_LADDER = {"evidence": "best", "certainty": "certainty"}


def lms_tags(question: AnyQuestion) -> tuple[str, ...]:
    """Return the tags an exported question carries: ours, its theme and kind, then its
    metadata as `field:value` tags."""
    data = metadata(question)
    ladder = data["ladder"]
    tags = [APP_TAG, question.theme, question.kind]
    tags += [f"{tag}:{data[field]}" for tag, field in _SINGLE.items() if field in data]
    tags += [f"{tag}:{item}" for tag, field in _LISTS.items() for item in data.get(field, [])]
    tags += [f"{tag}:{ladder[field]}" for tag, field in _LADDER.items()]
    tags += [f"rated-down:{reason}" for reason in ladder.get("rated_down", [])]
    tags.append(f"review-by:{data['review_by']}")
    for option in data.get("options", []):
        tags.append(f"option:{option['id']}" + (f":{option['rung']}" if "rung" in option else ""))
    return tuple(tags)


def metadata_from_lms(tags: tuple[str, ...], general_feedback: str) -> dict[str, Any] | None:
    """Return the claim-check metadata our export's tags and general feedback carry, or None
    for a question our export did not write."""
    if APP_TAG not in tags:
        return None
    meta: dict[str, Any] = _from_feedback(general_feedback)
    ladder: dict[str, Any] = {}
    for tag in tags:
        name, _, value = tag.partition(":")
        if tag in THEMES:
            meta["theme"] = tag
        elif tag in KINDS:
            meta["kind"] = tag
        elif name in _SINGLE and value:
            meta[_SINGLE[name]] = int(value) if name == "difficulty" and value.isdigit() else value
        elif name in _LISTS and value:
            meta.setdefault(_LISTS[name], []).append(value)
        elif name in _LADDER and value:
            ladder[_LADDER[name]] = value
        elif name == "rated-down" and value:
            ladder.setdefault("rated_down", []).append(value)
        elif name == "review-by" and value:
            meta["review_by"] = value
        elif name == "option" and value:
            option_id, _, rung = value.partition(":")
            meta.setdefault("options", []).append(
                {"id": option_id} | ({"rung": rung} if rung else {})
            )
    if ladder:
        meta["ladder"] = ladder
    return meta


def _from_feedback(general_feedback: str) -> dict[str, Any]:
    """Return the fields our general feedback shows, each paragraph under its heading."""
    parts: dict[str, list[str]] = {}
    current: list[str] | None = None
    for paragraph in general_feedback.split("\n\n"):
        heading, _, text = paragraph.partition(": ")
        if heading in EXPLANATION_HEADINGS:
            current = parts.setdefault(EXPLANATION_HEADINGS[heading], [])
            paragraph = text
        if current is not None:
            current.append(paragraph)
    found = {field: "\n\n".join(texts).strip() for field, texts in parts.items()}
    if "cue" in found:
        found["cue"] = found["cue"].removeprefix("“").removesuffix("”")
    return found
