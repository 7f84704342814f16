"""An imported file's work stays in proportion to a question file: counts and lengths are
capped with a problem that says the limit, and pathological input (a metadata line of 500,000
`[`) gets a problem, never an exception."""

import json

import pytest

from quiz_app.interop.drafts import MAX_ANSWERS, MAX_FIELD_CHARS, MAX_IMPORT_QUESTIONS
from quiz_app.interop.gift import parse_gift
from quiz_app.interop.moodle import parse_moodle_xml
from tests.support.import_samples import GIFT_FIX_CLAIM, META, moodle_file, moodle_question


def test_gift_question_with_300000_answers_is_refused_naming_the_limit() -> None:
    text = "::many::My friend says so. {\n=Right#Yes.\n" + "~a\n" * 299_000 + "}\n"
    questions, errors = parse_gift(text)
    assert questions == []
    assert [str(e) for e in errors] == [
        f"line 1: question “many”: it has 299,001 answers; Claim Check questions have 3 to 5 "
        f"(a file may give at most {MAX_ANSWERS})."
    ]


def test_gift_answers_far_into_a_long_question_keep_their_own_lines() -> None:
    answers = "".join(f"~Answer {i}\n" for i in range(MAX_ANSWERS - 1))
    text = "\n" * 5000 + f"::q::My friend says so. {{\n=Right\n{answers}}}\n"
    _questions, errors = parse_gift(text)
    no_feedback = [e.line for e in errors if "has no feedback" in e.message]
    assert no_feedback == list(range(5002, 5002 + MAX_ANSWERS))


@pytest.mark.parametrize("blank", ["", "\n"], ids=["no-blank-line", "blank-line"])
def test_gift_file_of_more_questions_than_the_limit_is_refused_saying_split_it(
    blank: str,
) -> None:
    one = "::q{n}::My friend says so. {{=a ~b ~c}}\n" + blank
    text = "\n".join(one.format(n=n) for n in range(MAX_IMPORT_QUESTIONS + 1))
    questions, errors = parse_gift(text)
    assert questions == []
    assert len(errors) == 1
    assert f"The file holds more than {MAX_IMPORT_QUESTIONS} questions" in errors[0].message


def test_moodle_file_of_more_questions_than_the_limit_is_refused_saying_split_it() -> None:
    questions, errors = parse_moodle_xml(moodle_file(*[moodle_question()] * 501))
    assert questions == []
    assert len(errors) == 1
    assert f"The file holds more than {MAX_IMPORT_QUESTIONS} questions" in errors[0].message


def test_gift_feedback_longer_than_the_field_limit_is_refused_naming_it() -> None:
    text = GIFT_FIX_CLAIM.replace("#This says what", "#" + "x" * MAX_FIELD_CHARS + " This says")
    questions, errors = parse_gift(text)
    assert questions == []
    assert [e.message for e in errors] == [
        f"question “fix-1”: answer 1's feedback has {MAX_FIELD_CHARS + 30:,} characters; a "
        f"text may have at most {MAX_FIELD_CHARS:,} (the bank's longest field has 1,500)."
    ]


@pytest.mark.parametrize(
    "metadata, expected",
    [
        ("[" * 500_000, "has 500,000 characters; it holds at most 20,000."),
        ("[" * 5_000, "nests lists or objects too deeply to be metadata"),
        ('{"a": ' * 2_000, "nests lists or objects too deeply to be metadata"),
    ],
    ids=["500000-brackets", "5000-brackets", "5000-objects"],
)
def test_pathological_metadata_is_a_problem_not_an_error(metadata: str, expected: str) -> None:
    gift = f"// claim-check: {metadata}\n::q::My friend says so. {{=a ~b ~c}}\n"
    xml = moodle_file(moodle_question(meta=None, extra=f"<claimcheck>{metadata}</claimcheck>"))
    for parse, content in ((parse_gift, gift), (parse_moodle_xml, xml)):
        questions, errors = parse(content)
        assert questions == []
        assert len(errors) == 1
        assert expected in errors[0].message


@pytest.mark.parametrize(
    "text",
    [
        "{" * 900_000,
        "::" * 450_000,
        "a\n\n" * 300_000,
        "::q::[html]" + "<b>" * 150_000 + "x {=a ~b ~c}",
        "::q::x{" + "a=" * 400_000 + "}",
    ],
    ids=["braces", "colons", "blank-lines", "deep-html", "equals"],
)
def test_gift_pathological_text_gets_problems_not_an_error(text: str) -> None:
    questions, errors = parse_gift(text)
    assert questions == []
    assert 1 <= len(errors) <= 101


def test_moodle_xml_nested_100000_deep_is_a_problem_not_an_error() -> None:
    questions, errors = parse_moodle_xml("<quiz>" + "<a>" * 100_000 + "</quiz>")
    assert questions == []
    assert "not well-formed XML" in errors[0].message


def test_metadata_of_the_right_size_still_imports() -> None:
    meta = json.dumps(META)
    assert len(meta) < MAX_FIELD_CHARS * 4
    assert parse_moodle_xml(moodle_file(moodle_question())).errors == []


def test_moodle_question_with_more_answers_than_the_limit_is_refused_naming_it() -> None:
    answer = '<answer fraction="0"><text>a</text></answer>\n'
    xml = moodle_file(moodle_question(answers=answer * (MAX_ANSWERS + 1)))
    questions, errors = parse_moodle_xml(xml)
    assert questions == []
    assert [e.message for e in errors] == [
        f"question “Friend's claim”: it has {MAX_ANSWERS + 1} answers; Claim Check questions "
        f"have 3 to 5 (a file may give at most {MAX_ANSWERS})."
    ]
