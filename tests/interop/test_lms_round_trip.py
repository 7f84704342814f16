"""A question that went through Moodle and came back (Moodle drops our claim-check metadata
but keeps the ID number, tags, texts and general feedback) is read from what our export wrote,
not refused for lacking metadata."""

import re
from typing import Any

import pytest

from quiz_app.interop import gift, moodle
from quiz_app.interop.lms_tags import lms_tags
from quiz_app.interop.mapping import bank_dict
from tests.support.interop_samples import every_kind


def _without_note(question: dict[str, Any]) -> dict[str, Any]:
    return question | {"ladder": {k: v for k, v in question["ladder"].items() if k != "note"}}


def _through_moodle_xml(content: bytes) -> bytes:
    return re.sub(rb"<claimcheck format=\"json\">.*?</claimcheck>", b"", content, flags=re.S)


def _through_moodle_gift(content: str) -> str:
    return "\n".join(line for line in content.split("\n") if "claim-check:" not in line)


@pytest.mark.parametrize(
    "export, moodle_trip, parse",
    [
        (moodle.to_moodle_xml, _through_moodle_xml, moodle.parse_moodle_xml),
        (gift.to_gift, _through_moodle_gift, gift.parse_gift),
    ],
    ids=["moodle-xml", "gift"],
)
def test_question_back_from_moodle_without_metadata_reads_from_its_tags(
    export: Any, moodle_trip: Any, parse: Any
) -> None:
    questions = every_kind()
    content = moodle_trip(export(questions, set_title="Set"))
    assert (
        b"</claimcheck>" not in content
        if isinstance(content, bytes)
        else "claim-check:" not in content
    )
    result = parse(content)
    assert result.errors == []
    assert result.questions == [_without_note(bank_dict(q)) for q in questions]


def test_every_tag_fits_moodles_tag_length() -> None:
    for question in every_kind():
        assert all(len(tag) <= 50 and "," not in tag for tag in lms_tags(question))


def test_question_without_our_tag_or_metadata_is_still_asked_for_metadata() -> None:
    content = _through_moodle_xml(moodle.to_moodle_xml(every_kind()[:1], set_title="Set"))
    content = content.replace(b"<text>claim-check</text>", b"<text>week-3</text>")
    result = moodle.parse_moodle_xml(content)
    assert result.questions == []
    assert "which this question does not give" in result.errors[0].message
