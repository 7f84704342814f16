"""Importing a teacher's GIFT or Moodle XML file: questions that pass every bank rule, or
nothing at all and a list of problems, each with the line to fix and what to do."""

import json
import time
from textwrap import dedent

import pytest

from quiz_app.bank.catalog import Bank, load_bank
from quiz_app.interop.drafts import MAX_IMPORT_BYTES, ImportResult
from quiz_app.interop.gift import parse_gift
from quiz_app.interop.moodle import parse_moodle_xml
from quiz_app.interop.validation import required_fields
from quiz_app.paths import bundled
from tests.support.import_samples import (
    CLAIM,
    EXPLANATION,
    GIFT_CLASSIFY,
    GIFT_FIX_CLAIM,
    META,
    META_LINE,
    fix_claim_meta,
    moodle_file,
    moodle_question,
)


@pytest.fixture(scope="module")
def bank() -> Bank:
    return load_bank(bundled("questions"))


def _lines(result: ImportResult) -> list[int]:
    return [e.line for e in result.errors]


def _messages(result: ImportResult) -> str:
    return "\n".join(str(e) for e in result.errors)


def test_gift_classify_question_with_metadata_imports_as_a_bank_item(bank: Bank) -> None:
    questions, errors = parse_gift(GIFT_CLASSIFY, concepts=bank.concepts)
    assert errors == []
    assert questions == [
        {
            "id": "friend-s-claim",
            "kind": "classify",
            "claim": CLAIM,
            "verdict": "unsupported",
            "explanation": EXPLANATION,
            "source_section": "Safety and Risk Awareness",  # from the theme
            **META,
        }
    ]


def test_gift_other_multiple_choice_imports_as_a_fix_claim_item(bank: Bank) -> None:
    questions, errors = parse_gift(GIFT_FIX_CLAIM, concepts=bank.concepts)
    assert errors == []
    (question,) = questions
    assert question["kind"] == "fix-claim"
    assert question["id"] == "fix-1"
    assert question["claim"] == "A study proves microdosing makes everyone calmer."
    assert [(o["id"], o.get("correct", False)) for o in question["options"]] == [
        ("a", True),
        ("b", False),
        ("c", False),
    ]
    assert question["options"][1]["feedback"] == (
        'Popularity and "everyone" go far beyond any study.'
    )
    assert question["explanation"].startswith("The study was small and short")


def test_gift_without_metadata_names_each_missing_field_and_how_to_add_it() -> None:
    text = (
        "// from another site\n"
        "::Q1::My friend says it is harmless.{=Unsupported ~Research ~Hypothesis}\n"
    )
    questions, errors = parse_gift(text, concepts={"anecdote", "overclaim"})
    assert questions == []
    (error,) = errors
    assert error.line == 2
    message = error.message
    assert message.startswith("question “Q1”: Claim Check needs theme, difficulty, register, cue,")
    for name in required_fields("classify"):
        assert name in message
    assert "Add this line just above the question: // claim-check: {" in message
    assert "(the bank's: anecdote, overclaim)" in message
    assert "YYYY-MM-DD" in message


def test_gift_option_question_without_metadata_says_its_kind_is_taken_for_fix_claim() -> None:
    text = GIFT_FIX_CLAIM.split("\n", 1)[1]  # without its claim-check line
    (error,) = parse_gift(text).errors
    assert "GIFT has no place for the kind of question" in error.message
    assert "taken for fix-claim" in error.message
    assert '// claim-check: {"kind": "fix-claim", "theme": "risks"' in error.message


@pytest.mark.parametrize("options", [None, [{"id": "a"}, {"id": "b"}, {"id": "c"}]])
def test_moodle_best_evidence_without_rungs_says_where_they_go(options: object) -> None:
    meta = fix_claim_meta(kind="best-evidence") | ({"options": options} if options else {})
    answers = "".join(
        f'<answer fraction="{100 if n == 1 else 0}"><text>Study number {n} here.</text>'
        f"<feedback><text>Why study {n} does or does not settle it.</text></feedback></answer>"
        for n in (1, 2, 3)
    )
    (error,) = parse_moodle_xml(moodle_file(moodle_question(meta=meta, answers=answers))).errors
    assert "Moodle XML has no place for that" in error.message
    assert '"options": [{"id": "a", "rung": "anecdote"}, {"id": "b"' in error.message
    assert "controlled-trials" in error.message


def test_gift_metadata_explanation_wins_over_the_general_feedback() -> None:
    meta = META | {"explanation": "A single story cannot show what happens to everyone else."}
    text = GIFT_CLASSIFY.replace(META_LINE, "// claim-check: " + json.dumps(meta))
    (question,), _ = parse_gift(text)
    assert question["explanation"] == meta["explanation"]


def test_gift_escaped_characters_and_format_prefixes_are_read_as_text() -> None:
    claim = r"My friend says \{tiny\} \= safe\: it's 100\% \#fine."
    text = GIFT_CLASSIFY.replace(f"::Friend's claim::{CLAIM}", f"::c1::[markdown]{claim}")
    (question,), errors = parse_gift(text)
    assert errors == []
    assert question["claim"] == r"My friend says {tiny} = safe: it's 100\% #fine."


def test_gift_html_question_text_becomes_plain_text() -> None:
    html_claim = (
        "[html]<p>My friend says it is <b>harmless</b>, so it must be fine&nbsp;for all.</p>"
    )
    text = GIFT_CLASSIFY.replace(f"::Friend's claim::{CLAIM}", f"::c1::{html_claim}")
    (question,), errors = parse_gift(text)
    assert errors == []
    assert question["claim"] == "My friend says it is harmless, so it must be fine for all."


@pytest.mark.parametrize(
    "question_line, line, expected",
    [
        ("::tf::My friend says so.{T}", 4, "is a true/false question"),
        ("::sa::My friend says what?{=yes =sure}", 4, "is a short-answer question"),
        ("::num::My friend says how many?{#3:1}", 4, "is a numerical question"),
        ("::essay::My friend says what, and why?{}", 4, "is an essay question"),
        ("::match::My friend says:{=a -> b =c -> d}", 4, "is a matching question"),
        ("::desc::My friend says hello.", 4, "has no answers in { }"),
        ("::open::My friend says {~a =b ~c", 4, "has a { without a }"),
        ("::blank::My friend says {~a =b ~c} is fine.", 4, "has text after the closing }"),
        ("::name without end:My friend says{~a =b ~c}", 4, "never ends"),
    ],
)
def test_gift_non_multiple_choice_questions_are_refused_with_the_line(
    question_line: str, line: int, expected: str
) -> None:
    text = f"// comment\n// another\n\n{question_line}\n"
    questions, errors = parse_gift(text)
    assert questions == []
    assert _lines(ImportResult(questions, errors)) == [line]
    assert expected in errors[0].message


def test_gift_partial_credit_and_two_right_answers_point_at_the_answers() -> None:
    text = GIFT_FIX_CLAIM.replace("~Everyone who tries", "~%50%Everyone who tries").replace(
        "~Experts agree", "=Experts agree"
    )
    questions, errors = parse_gift(text)
    assert questions == []
    assert [e.line for e in errors] == [2, 4]
    assert errors[0].message.startswith("question “fix-1”: 2 answers are marked right")
    assert errors[1].message.startswith("question “fix-1”: answer 2 gives partial credit (50%)")
    assert "put = before the right answer and ~ before each wrong one" in errors[0].message


def test_gift_answer_without_feedback_says_how_to_add_it() -> None:
    text = GIFT_FIX_CLAIM.replace('#Popularity and "everyone" go far beyond any study.', "")
    questions, errors = parse_gift(text)
    assert questions == []
    assert [str(e) for e in errors] == [
        "line 4: question “fix-1”: answer 2 has no feedback. Claim Check explains every answer: "
        "write it after the answer, following a # (=Right answer#Why it is right)."
    ]


def test_gift_content_rules_apply_to_imported_text() -> None:
    text = GIFT_FIX_CLAIM.replace("~Experts agree it works for all.", "~Take 5 mg daily.")
    questions, errors = parse_gift(text)
    assert questions == []
    (error,) = errors
    assert error.line == 5
    assert "answer 3: dose amounts and units are not allowed" in error.message
    assert "schedules are not allowed" in error.message


def test_gift_cue_must_occur_in_the_claim() -> None:
    meta = META | {"cue": "a phrase that is not there"}
    text = GIFT_CLASSIFY.replace(META_LINE, "// claim-check: " + json.dumps(meta))
    _, errors = parse_gift(text)
    assert [e.line for e in errors] == [5]
    assert "must occur word for word in the claim" in errors[0].message


def test_gift_bad_metadata_values_point_at_the_metadata_line() -> None:
    meta = META | {"theme": "astrology", "difficulty": 7, "colour": "blue"}
    text = GIFT_CLASSIFY.replace(META_LINE, "// claim-check: " + json.dumps(meta))
    _, errors = parse_gift(text)
    messages = _messages(ImportResult([], errors))
    assert _lines(ImportResult([], errors)) == [4]
    assert "fields we do not know: colour" in messages


def test_gift_bad_metadata_values_are_named_with_the_field() -> None:
    meta = META | {"theme": "astrology", "difficulty": 7}
    text = GIFT_CLASSIFY.replace(META_LINE, "// claim-check: " + json.dumps(meta))
    _, errors = parse_gift(text)
    assert {e.line for e in errors} == {4}
    messages = _messages(ImportResult([], errors))
    assert "metadata field “theme”: Input should be 'definition'" in messages
    assert "metadata field “difficulty”: Input should be less than or equal to 3" in messages


def test_gift_metadata_that_is_not_json_names_the_line() -> None:
    text = GIFT_CLASSIFY.replace(META_LINE, '// claim-check: {"theme": risks}')
    _, errors = parse_gift(text)
    assert [e.line for e in errors] == [4]
    assert "the claim-check line is not valid JSON" in errors[0].message


def test_gift_metadata_line_cut_off_from_its_question_is_reported() -> None:
    text = GIFT_CLASSIFY.replace(META_LINE, META_LINE + "\n")
    _, errors = parse_gift(text)
    assert "line 4: this claim-check line has no question under it" in str(errors[0])


def test_gift_kind_in_metadata_must_agree_with_the_answers() -> None:
    not_verdicts = GIFT_FIX_CLAIM.replace('{"theme"', '{"kind": "classify", "theme"')
    _, errors = parse_gift(not_verdicts)
    assert "the metadata says kind “classify”, but a classify question's answers" in str(errors[0])
    verdicts = GIFT_CLASSIFY.replace('{"theme"', '{"kind": "fix-claim", "theme"')
    _, errors = parse_gift(verdicts)
    assert "the metadata says kind “fix-claim”, but the answers are Research" in str(errors[0])
    assert [e.line for e in errors] == [4]


def test_gift_unknown_concepts_are_refused_when_the_bank_is_known(bank: Bank) -> None:
    text = GIFT_FIX_CLAIM.replace('"overclaim"', '"astrology"')
    _, errors = parse_gift(text, concepts=bank.concepts)
    assert "these concept ids are not in the bank: astrology" in errors[0].message


def test_gift_duplicate_names_are_refused_at_the_second_question() -> None:
    text = GIFT_FIX_CLAIM + "\n" + GIFT_FIX_CLAIM
    _, errors = parse_gift(text)
    assert [str(e) for e in errors] == [
        "line 10: question “fix-1”: the id “fix-1” is already used by the question at line 2. "
        "Give each question its own name."
    ]


def test_gift_one_bad_question_means_none_are_imported() -> None:
    bad = GIFT_FIX_CLAIM.replace("::fix-1::", "::fix-2::").replace("=A small", "~A small")
    questions, errors = parse_gift(GIFT_CLASSIFY + "\n" + bad)
    assert questions == []
    assert [(e.line, "0 answers are marked right" in e.message) for e in errors] == [(13, True)]


def test_gift_long_list_of_problems_is_cut_short_with_a_count() -> None:
    text = "\n\n".join(f"::q{i}::Which?{{=a ~b ~c}}" for i in range(150))
    _, errors = parse_gift(text)
    assert len(errors) == 101
    # Each question lacks its metadata and the feedback of its three answers: 600 problems.
    assert errors[-1].message == "…and 500 more problems. Fix these first, then import again."


def test_gift_file_with_only_comments_has_no_questions() -> None:
    _, errors = parse_gift("// nothing here\n\n$CATEGORY: x\n")
    assert [str(e) for e in errors] == [
        "line 1: The file has no questions in GIFT that we could find."
    ]


def test_import_refuses_a_file_over_one_megabyte() -> None:
    big = GIFT_CLASSIFY + "// " + "x" * MAX_IMPORT_BYTES
    for parse in (parse_gift, parse_moodle_xml):
        questions, errors = parse(big.encode())
        assert questions == []
        assert errors[0].line == 1
        assert "The file is larger than 1 MB, the limit." in errors[0].message


def test_import_refuses_text_that_is_not_utf8_with_its_line() -> None:
    data = GIFT_CLASSIFY.encode().replace(b"harmless", b"harml\xe9ss")
    _, errors = parse_gift(data)
    assert [e.line for e in errors] == [5]
    assert "not UTF-8" in errors[0].message


def test_import_of_an_empty_file_says_so() -> None:
    for parse in (parse_gift, parse_moodle_xml):
        assert [str(e) for e in parse(b"  \n").errors] == ["line 1: The file is empty."]


def test_import_accepts_windows_line_ends_and_a_byte_order_mark(bank: Bank) -> None:
    data = b"\xef\xbb\xbf" + GIFT_CLASSIFY.replace("\n", "\r\n").encode()
    questions, errors = parse_gift(data, concepts=bank.concepts)
    assert errors == []
    assert questions[0]["claim"] == CLAIM


# Moodle XML ---------------------------------------------------------------------------------


def test_moodle_classify_question_with_metadata_imports_as_a_bank_item(bank: Bank) -> None:
    questions, errors = parse_moodle_xml(moodle_file(moodle_question()), concepts=bank.concepts)
    assert errors == []
    assert questions == [
        {
            "id": "friend-s-claim",
            "kind": "classify",
            "claim": CLAIM,
            "verdict": "unsupported",
            "explanation": EXPLANATION,
            "source_section": "Safety and Risk Awareness",
            **META,
        }
    ]


def test_moodle_idnumber_is_the_id_when_it_is_a_valid_one() -> None:
    xml = moodle_file(moodle_question(extra="<idnumber>friend-01</idnumber>"))
    (question,), _ = parse_moodle_xml(xml)
    assert question["id"] == "friend-01"


def test_moodle_without_metadata_names_the_fields_and_the_element_to_add() -> None:
    xml = moodle_file(moodle_question(meta=None))
    _, errors = parse_moodle_xml(xml)
    (error,) = errors
    assert error.line == 4  # the <question> element
    assert "Claim Check needs theme, difficulty, register, cue, needed_evidence" in error.message
    assert "Add this element inside the <question>: <claimcheck>{" in error.message


@pytest.mark.parametrize("qtype", ["truefalse", "shortanswer", "essay", "matching"])
def test_moodle_other_question_types_are_refused_with_the_line(qtype: str) -> None:
    xml = moodle_file(moodle_question(), moodle_question(qtype=qtype))
    questions, errors = parse_moodle_xml(xml)
    assert questions == []
    assert [e.line for e in errors] == [18]
    article = "an" if qtype == "essay" else "a"
    assert f"is {article} “{qtype}” question. Only multiple-choice" in errors[0].message


def test_moodle_several_answers_allowed_is_refused() -> None:
    xml = moodle_file(moodle_question().replace("<single>true</single>", "<single>false</single>"))
    _, errors = parse_moodle_xml(xml)
    assert "lets students pick several answers" in errors[0].message


def test_moodle_partial_credit_points_at_the_answer() -> None:
    xml = moodle_file(
        moodle_question().replace(
            'fraction="0" format="html"><text>Hyp', 'fraction="50" format="html"><text>Hyp'
        )
    )
    _, errors = parse_moodle_xml(xml)
    assert [(e.line, "partial credit (50%)" in e.message) for e in errors] == [(12, True)]
    assert 'fraction="100"' in errors[0].message


def test_moodle_answer_without_feedback_says_how_to_add_it() -> None:
    answers = dedent(
        """\
        <answer fraction="100"><text>A small study found some people felt calmer for a while.</text>
          <feedback><text>This says what was found, no more.</text></feedback></answer>
        <answer fraction="0"><text>Everyone who tries it feels calmer.</text></answer>
        <answer fraction="0"><text>Experts agree it works for all.</text>
          <feedback><text>An authority's word is not a study.</text></feedback></answer>"""
    )
    xml = moodle_file(moodle_question(meta=fix_claim_meta(cue="My friend says"), answers=answers))
    _, errors = parse_moodle_xml(xml)
    assert [str(e) for e in errors] == [
        "line 12: question “Friend's claim”: answer 2 has no feedback. Claim Check explains "
        "every answer: give the <answer> a <feedback><text>…</text></feedback>."
    ]


def test_moodle_metadata_that_is_not_json_names_its_line() -> None:
    xml = moodle_file(moodle_question()).replace("<claimcheck>{", "<claimcheck>{,")
    _, errors = parse_moodle_xml(xml)
    assert [e.line for e in errors] == [16]
    assert "the <claimcheck> element is not valid JSON" in errors[0].message


def test_moodle_malformed_xml_reports_the_parser_line() -> None:
    xml = moodle_file(moodle_question()).replace("</name>", "</nam>")
    _, errors = parse_moodle_xml(xml)
    assert [e.line for e in errors] == [5]
    assert errors[0].message.startswith("The file is not well-formed XML")


def test_moodle_file_that_is_not_a_quiz_says_what_to_export() -> None:
    _, errors = parse_moodle_xml("<?xml version='1.0'?>\n<html><body/></html>")
    assert [str(e) for e in errors] == [
        "line 2: This is not a Moodle XML question file: it starts with <html>, not <quiz>. "
        "In Moodle, export questions with the format “Moodle XML format”."
    ]


def test_moodle_file_in_another_declared_encoding_is_refused() -> None:
    xml = moodle_file(moodle_question()).replace('encoding="UTF-8"', 'encoding="ISO-8859-1"')
    _, errors = parse_moodle_xml(xml.encode())
    assert "save it as UTF-8" in errors[0].message


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE quiz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<quiz><question type="multichoice"><name><text>&lol9;</text></name></question></quiz>
"""
XXE = """<?xml version="1.0"?>
<!DOCTYPE quiz [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<quiz><question type="multichoice"><name><text>&secret;</text></name></question></quiz>
"""
# A comment before the DOCTYPE hides it from the quick check; the parser's own guard catches it.
HIDDEN_DOCTYPE = """<?xml version="1.0"?>
<!-- <a> -->
<!DOCTYPE quiz [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<quiz><question type="multichoice"><name><text>&secret;</text></name></question></quiz>
"""


@pytest.mark.parametrize(
    "xml, line",
    [(BILLION_LAUGHS, 2), (XXE, 2), (HIDDEN_DOCTYPE, 1)],
    ids=["laughs", "xxe", "hidden"],
)
def test_moodle_doctype_and_entities_are_refused_without_expanding_them(
    xml: str, line: int
) -> None:
    started = time.perf_counter()
    questions, errors = parse_moodle_xml(xml)
    assert time.perf_counter() - started < 1
    assert questions == []
    assert [e.line for e in errors] == [line]
    assert "DOCTYPE" in errors[0].message
    assert "root:" not in _messages(ImportResult([], errors))


def test_moodle_html_from_the_editor_becomes_plain_text() -> None:
    xml = moodle_file(moodle_question()).replace(
        f"<p>{CLAIM}</p>",
        "<p>My friend says it is <strong>harmless</strong>,</p>\n"
        "<p>so it must be fine&nbsp;for everyone.</p>",
    )
    (question,), errors = parse_moodle_xml(xml)
    assert errors == []
    assert question["claim"] == "My friend says it is harmless,\n\nso it must be fine for everyone."
