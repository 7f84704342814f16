"""What Moodle writes, and what teachers type, is read as Moodle reads it: `$CATEGORY:` with
the question on the next line, the `// [id:…] [tag:…]` lines of Moodle 3.6+, an = inside an
answer with a hint to write \\=, and negative marks and images said plainly, not dropped."""

from quiz_app.interop import gift
from quiz_app.interop.gift import parse_gift, read_gift
from quiz_app.interop.lms_tags import lms_tags
from quiz_app.interop.moodle import parse_moodle_xml
from tests.support.import_samples import (
    GIFT_CLASSIFY,
    GIFT_FIX_CLAIM,
    moodle_file,
    moodle_question,
)
from tests.support.interop_samples import tricky_classify


def test_gift_category_line_with_the_question_right_under_it_imports_the_question() -> None:
    text = GIFT_CLASSIFY.replace("$CATEGORY: Week 3\n\n", "$CATEGORY: Week 3\n")
    questions, errors = parse_gift(text)
    assert errors == []
    assert [q["id"] for q in questions] == ["friend-s-claim"]


def test_gift_equals_inside_an_answer_points_at_it_with_a_hint_to_escape_it() -> None:
    text = GIFT_FIX_CLAIM.replace("~Everyone who tries", "~Calm = everyone who tries")
    questions, errors = parse_gift(text)
    assert questions == []
    assert [e.line for e in errors] == [4]
    assert "2 answers are marked right" in errors[0].message
    assert "write it as \\=" in errors[0].message


def test_gift_equals_on_their_own_lines_say_two_answers_are_right_without_the_hint() -> None:
    text = GIFT_FIX_CLAIM.replace("~Everyone who tries", "=Everyone who tries")
    _questions, errors = parse_gift(text)
    assert any("2 answers are marked right" in e.message for e in errors)
    assert not any("\\=" in e.message for e in errors)


def test_gift_moodle_id_and_tag_comments_give_the_id_and_tags() -> None:
    text = "// question: 12  name: Friend\n// [id:friend-01]\n// [tag:claim-check] [tag:a\\]b]\n"
    drafts, problems = read_gift(text + "::Friend::My friend says so. {=a ~b ~c}\n")
    assert problems == []
    assert (drafts[0].idnumber, drafts[0].tags) == ("friend-01", ("claim-check", "a]b"))


def test_gift_export_writes_the_id_and_tags_moodle_reads() -> None:
    question = tricky_classify()
    text = gift.to_gift([question], set_title="Set")
    line = f"// [id:{question.id}] [tag:claim-check] [tag:{question.theme}] [tag:{question.kind}] "
    assert any(exported.startswith(line) for exported in text.split("\n"))
    drafts, _problems = read_gift(text)
    assert drafts[0].idnumber == question.id
    assert drafts[0].tags == lms_tags(question)


def test_moodle_negative_marks_are_reported_not_made_zero() -> None:
    xml = moodle_file(
        moodle_question().replace(
            '<answer fraction="0" format="html"><text>Research',
            '<answer fraction="-33.33333" format="html"><text>Research',
        )
    )
    questions, errors = parse_moodle_xml(xml)
    assert questions == []
    assert "answer 1 takes marks away (-33.3333%)" in errors[0].message
    assert 'fraction="0"' in errors[0].message


def test_gift_negative_weight_is_reported_too() -> None:
    text = GIFT_FIX_CLAIM.replace("~Everyone who tries", "~%-50%Everyone who tries")
    questions, errors = parse_gift(text)
    assert questions == []
    assert any("answer 2 takes marks away (-50%)" in e.message for e in errors)


def test_moodle_image_is_reported_with_its_alt_text_not_dropped() -> None:
    image = '<img src="@@PLUGINFILE@@/chart.png" alt="A chart of one post\'s likes">'
    xml = moodle_file(
        moodle_question().replace("<![CDATA[<p>My friend", f"<![CDATA[{image}<p>My friend")
    )
    questions, errors = parse_moodle_xml(xml)
    assert questions == []
    assert len(errors) == 1
    assert "it has 1 image(s) (“A chart of one post's likes”)" in errors[0].message
    assert "Claim Check shows text only" in errors[0].message
