"""Exports for an LMS: QTI packages hold a well-formed item per question and validate against the
IMS schemas (when QUIZ_TEST_QTI_SCHEMAS names them), and Moodle XML and GIFT read back as the
same questions, right answers and feedback."""

import io
import re
import zipfile
from collections.abc import Callable

import pytest
from lxml import etree

from quiz_app.bank.catalog import AnyQuestion, Bank, load_bank
from quiz_app.bank.items import ClassifyQuestion
from quiz_app.interop import gift, moodle, qti
from quiz_app.interop.drafts import html_to_text
from quiz_app.interop.mapping import PROMPTS, bank_dict, choices, explanation_text, metadata
from quiz_app.paths import bundled
from tests.support.interop_samples import TRICKY_CLAIM, every_kind, tricky_classify
from tests.support.qti_check import CP, QTI, QtiSchemas, check_package, qti_schemas, unzip


@pytest.fixture
def schemas() -> QtiSchemas:
    """The IMS schemas; the test is skipped, saying how to turn it on, without them."""
    return qti_schemas()


@pytest.fixture(scope="module")
def bank() -> Bank:
    return load_bank(bundled("questions"))


def _set_questions(bank: Bank) -> list[tuple[str, list[AnyQuestion]]]:
    """Return every bundled set's questions, then the whole bank and the samples (all kinds)."""
    return [
        *((s.id, bank.matching(s.selection)) for s in bank.sets.values()),
        ("whole-bank", list(bank.questions.values())),
        ("samples", every_kind()),
    ]


def _read_item(xml: bytes) -> dict[str, object]:
    """Read back what a QTI item shows and scores: our own small QTI reader."""
    root = etree.fromstring(xml)
    body = root.find(f"{QTI}itemBody")
    assert body is not None
    interaction = body.find(f"{QTI}choiceInteraction")
    assert interaction is not None
    claim = body.find(f"{QTI}blockquote")
    assert claim is not None
    feedback = {
        m.get("identifier"): ["".join(p.itertext()) for p in m.iter(f"{QTI}p")]
        for m in root.iter(f"{QTI}modalFeedback")
    }
    return {
        "identifier": root.get("identifier"),
        "claim": "\n\n".join("".join(p.itertext()) for p in claim.iter(f"{QTI}p")),
        "prompt": interaction.findtext(f"{QTI}prompt"),
        "choices": [(c.get("identifier"), c.text) for c in interaction.iter(f"{QTI}simpleChoice")],
        "correct": root.findtext(f"{QTI}responseDeclaration/{QTI}correctResponse/{QTI}value"),
        "feedback": feedback,
        "max_choices": interaction.get("maxChoices"),
    }


def test_qti_package_of_every_set_and_kind_holds_one_checked_item_per_question(
    bank: Bank,
) -> None:
    for set_id, questions in _set_questions(bank):
        content = qti.package(questions, set_id=set_id, set_title=set_id)
        items = check_package(content)
        assert list(items) == [f"items/{q.id}.xml" for q in questions]
        assert [item.get("identifier") for item in items.values()] == [q.id for q in questions]
        files = unzip(content)
        manifest = etree.fromstring(files.pop("imsmanifest.xml"))
        resources = manifest.findall(f"{CP}resources/{CP}resource")
        assert [r.get("type") for r in resources] == ["imsqti_item_xmlv2p1"] * len(questions)
        assert [r.get("href") for r in resources] == [f"items/{q.id}.xml" for q in questions]
        assert [r.find(f"{CP}file").get("href") for r in resources] == list(files)


def test_qti_package_of_every_set_and_kind_validates_against_ims_schemas(
    bank: Bank, schemas: QtiSchemas
) -> None:
    for set_id, questions in _set_questions(bank):
        files = unzip(qti.package(questions, set_id=set_id, set_title=set_id))
        manifest = etree.fromstring(files.pop("imsmanifest.xml"))
        assert schemas.manifest.validate(manifest), schemas.manifest.error_log
        for question in questions:
            item = etree.fromstring(files[f"items/{question.id}.xml"])
            assert schemas.item.validate(item), (question.id, schemas.item.error_log)


def test_qti_schemas_reject_a_broken_item_and_manifest(schemas: QtiSchemas) -> None:
    """The validation above can fail: drop a required part and the schemas say so."""
    question = tricky_classify()
    item = etree.fromstring(qti.assessment_item(question))
    del item.attrib["title"]
    assert not schemas.item.validate(item)
    manifest = etree.fromstring(qti.manifest([question], set_id="s", set_title="S"))
    manifest.remove(manifest.find(f"{CP}organizations"))
    assert not schemas.manifest.validate(manifest)


def _rezip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _edit_item(files: dict[str, bytes], change: Callable[[etree._Element], None]) -> None:
    name = next(n for n in files if n.startswith("items/"))
    item = etree.fromstring(files[name])
    change(item)
    files[name] = etree.tostring(item)


def _drop_correct_response(files: dict[str, bytes]) -> None:
    def change(item: etree._Element) -> None:
        declaration = item.find(f"{QTI}responseDeclaration")
        assert declaration is not None
        declaration.remove(declaration.find(f"{QTI}correctResponse"))

    _edit_item(files, change)


def _correct_response_not_a_choice(files: dict[str, bytes]) -> None:
    def change(item: etree._Element) -> None:
        value = item.find(f"{QTI}responseDeclaration/{QTI}correctResponse/{QTI}value")
        assert value is not None
        value.text = "no-such-choice"

    _edit_item(files, change)


def _same_identifier_twice(files: dict[str, bytes]) -> None:
    first, second = [n for n in files if n.startswith("items/")][:2]
    files[second] = files[first]


def _drop_an_item_file(files: dict[str, bytes]) -> None:
    del files[next(n for n in files if n.startswith("items/"))]


def _add_an_unlisted_file(files: dict[str, bytes]) -> None:
    files["items/stray.xml"] = next(v for n, v in files.items() if n.startswith("items/"))


def _drop_the_manifest(files: dict[str, bytes]) -> None:
    del files["imsmanifest.xml"]


def _break_an_item_xml(files: dict[str, bytes]) -> None:
    name = next(n for n in files if n.startswith("items/"))
    files[name] = files[name][:-40]


@pytest.mark.parametrize(
    "damage",
    [
        _drop_correct_response,
        _correct_response_not_a_choice,
        _same_identifier_twice,
        _drop_an_item_file,
        _add_an_unlisted_file,
        _drop_the_manifest,
        _break_an_item_xml,
    ],
)
def test_qti_structural_check_rejects_a_damaged_package(
    bank: Bank, damage: Callable[[dict[str, bytes]], None]
) -> None:
    """The structural check can fail: each kind of damage makes it raise."""
    questions = list(bank.questions.values())[:3]
    files = unzip(qti.package(questions, set_id="s", set_title="S"))
    check_package(_rezip(files))  # intact, it passes
    damage(files)
    with pytest.raises((AssertionError, etree.XMLSyntaxError)):
        check_package(_rezip(files))


def test_qti_items_read_back_as_the_same_claims_choices_answers_and_feedback(
    bank: Bank,
) -> None:
    questions = [*bank.questions.values(), *every_kind()]
    for question in questions:
        item = _read_item(qti.assessment_item(question))
        expected = choices(question)
        assert item["identifier"] == question.id
        assert item["claim"] == question.claim
        assert item["prompt"] == PROMPTS[question.kind]
        assert item["max_choices"] == "1"
        assert item["choices"] == [(c.key, c.text) for c in expected]
        assert item["correct"] == next(c.key for c in expected if c.correct)
        feedback = item["feedback"]
        assert isinstance(feedback, dict)
        for choice in expected:
            paragraphs = feedback[choice.key]
            assert paragraphs[0] == choice.feedback
            shown = " ".join(paragraphs)
            assert question.explanation.split("\n")[0] in shown
            assert question.needed_evidence in shown
            assert f"Article section: {question.source_section}" in shown


def test_qti_classify_item_scores_the_verdict_and_says_right_or_not_quite() -> None:
    question = tricky_classify()
    assert isinstance(question, ClassifyQuestion)
    item = _read_item(qti.assessment_item(question))
    assert item["choices"] == [
        ("research", "Research"),
        ("hypothesis", "Hypothesis"),
        ("unsupported", "Unsupported"),
    ]
    assert item["correct"] == "unsupported"
    feedback = item["feedback"]
    assert isinstance(feedback, dict)
    assert feedback["unsupported"][0] == "Right: this is Unsupported."
    assert feedback["research"][0] == "Not quite: this is Unsupported, not Research."


def test_qti_item_escapes_markup_in_the_claim() -> None:
    xml = qti.assessment_item(tricky_classify())
    assert b"&lt;b&gt;&amp;amp;&lt;/b&gt;" in xml
    body = etree.fromstring(xml).find(f"{QTI}itemBody")
    assert body is not None
    assert [e.tag for e in body.iter() if e.tag in ("b", f"{QTI}b", f"{QTI}i")] == []
    assert _read_item(xml)["claim"] == TRICKY_CLAIM


def test_qti_package_is_the_same_bytes_every_time(bank: Bank) -> None:
    questions = list(bank.questions.values())[:3]
    first = qti.package(questions, set_id="s", set_title="S")
    assert first == qti.package(questions, set_id="s", set_title="S")


def test_gift_export_of_every_set_and_kind_reads_back_as_the_same_questions(bank: Bank) -> None:
    for set_id, questions in _set_questions(bank):
        text = gift.to_gift(questions, set_title=set_id)
        result = gift.parse_gift(text, concepts=bank.concepts)
        assert result.errors == []
        assert result.questions == [bank_dict(q) for q in questions]


def test_moodle_export_of_every_set_and_kind_reads_back_as_the_same_questions(
    bank: Bank,
) -> None:
    for set_id, questions in _set_questions(bank):
        xml = moodle.to_moodle_xml(questions, set_title=set_id)
        result = moodle.parse_moodle_xml(xml, concepts=bank.concepts)
        assert result.errors == []
        assert result.questions == [bank_dict(q) for q in questions]


@pytest.mark.parametrize(
    "export, parse",
    [
        (gift.to_gift, gift.parse_gift),
        (moodle.to_moodle_xml, moodle.parse_moodle_xml),
    ],
    ids=["gift", "moodle-xml"],
)
def test_every_kind_and_special_character_round_trips_exactly(
    export: object, parse: object
) -> None:
    questions = every_kind()
    content = export(questions, set_title="Tricky / set")  # type: ignore[operator]
    result = parse(content)  # type: ignore[operator]
    assert result.errors == []
    assert result.questions == [bank_dict(q) for q in questions]
    best = result.questions[2]
    assert [o["id"] for o in best["options"]] == ["a", "c", "b"]
    assert [o["rung"] for o in best["options"]] == ["anecdote", "observational", "case-reports"]


@pytest.mark.parametrize(
    "export, read",
    [(gift.to_gift, gift.read_gift), (moodle.to_moodle_xml, moodle.read_moodle_xml)],
    ids=["gift", "moodle-xml"],
)
def test_export_reads_back_with_every_answer_right_or_wrong_and_its_feedback(
    bank: Bank, export: object, read: object
) -> None:
    """What an LMS shows: the text, each answer, which is right, its feedback, the explanation."""
    questions = [*bank.questions.values(), *every_kind()]
    content = export(questions, set_title="All")  # type: ignore[operator]
    if isinstance(content, bytes):
        content = content.decode()
    drafts, problems = read(content)  # type: ignore[operator]
    assert problems == []
    assert len(drafts) == len(questions)
    for question, draft in zip(questions, drafts, strict=True):
        assert draft.name == question.id
        assert draft.text == f"{PROMPTS[question.kind]}\n\n{question.claim}"
        assert [(a.text, a.fraction, a.feedback) for a in draft.answers] == [
            (c.text, 100.0 if c.correct else 0.0, c.feedback) for c in choices(question)
        ]
        assert draft.general_feedback == explanation_text(question)


def _gift_question_lines(text: str) -> dict[str, list[str]]:
    """Return each question's lines (after its claim-check comment), keyed by its name."""
    found: dict[str, list[str]] = {}
    for block in text.split("\n\n"):
        lines = [line for line in block.split("\n") if not line.startswith("//")]
        if lines and lines[0].startswith("::"):
            found[lines[0][2 : lines[0].index("::", 2)]] = lines
    return found


def test_gift_export_escapes_special_characters_and_marks_right_and_wrong() -> None:
    text = gift.to_gift(every_kind(), set_title="S")
    lines = _gift_question_lines(text)["tricky-01"]
    assert lines[0] == (
        "::tricky-01::[plain]Is this claim research, a hypothesis, or unsupported?\\n\\n"
        'A post said\\: "\\{Tiny\\} \\= safe \\~ \\#1 rule\\: C\\:\\\\no\\\\risk" '
        "<b>&amp;</b> it's fine. Is that true? {"
    )
    assert lines[1:4] == [
        "\t~Research#Not quite\\: this is Unsupported, not Research.",
        "\t~Hypothesis#Not quite\\: this is Unsupported, not Hypothesis.",
        "\t=Unsupported#Right\\: this is Unsupported.",
    ]
    assert lines[4].startswith('\t####Why\\: The words "\\{Tiny\\} \\= safe" are')
    assert lines[5] == "}"
    # Outside escapes, no special character is left in any text: only the structure's own.
    for line in lines[1:5]:
        bare = re.sub(r"\\.", "", line)
        assert re.sub(r"^\t(####|[=~])", "", bare).count("#") <= 1
        assert not re.search(r"[{}=~:]", re.sub(r"^\t(####|[=~])", "", bare))


def test_gift_export_starts_with_the_sets_category_and_an_answer_key_warning() -> None:
    text = gift.to_gift(every_kind(), set_title="Micro / macro")
    assert "$CATEGORY: $course$/top/Claim Check: Micro - macro" in text.split("\n")
    assert "WITH THE ANSWER KEY" in text


def test_gift_answer_starting_with_percent_or_bracket_keeps_its_text() -> None:
    question = every_kind()[1]
    data = bank_dict(question)
    data["options"][0]["text"] = "%50% of posts say it rewires the brain for good."
    data["options"][2]["text"] = "[Citation needed] Scientists agree the brain changes."
    from quiz_app.bank.items import QUESTION

    changed = QUESTION.validate_python(data)
    result = gift.parse_gift(gift.to_gift([changed], set_title="S"))
    assert result.errors == []
    assert result.questions == [bank_dict(changed)]


def test_moodle_export_is_single_answer_multichoice_with_fractions_and_feedback() -> None:
    questions = every_kind()
    root = etree.fromstring(moodle.to_moodle_xml(questions, set_title="S"))
    category, *elements = root.findall("question")
    assert category.get("type") == "category"
    assert category.findtext("category/text") == "$course$/top/Claim Check: S"
    assert [e.get("type") for e in elements] == ["multichoice"] * 3
    for question, element in zip(questions, elements, strict=True):
        assert element.findtext("name/text") == question.id
        assert element.findtext("idnumber") == question.id
        assert element.findtext("single") == "true"
        answers = element.findall("answer")
        expected = choices(question)
        assert [a.findtext("text") for a in answers] == [c.text for c in expected]
        assert [a.get("fraction") for a in answers] == [
            "100" if c.correct else "0" for c in expected
        ]
        assert [html_to_text(a.findtext("feedback/text") or "") for a in answers] == [
            c.feedback for c in expected
        ]
        general = html_to_text(element.findtext("generalfeedback/text") or "")
        assert general.startswith("Why: " + question.explanation.split("\n")[0])
        assert question.needed_evidence in general
        assert general.endswith(f"Article section: {question.source_section}")
        assert element.findtext("claimcheck") is not None
        tags = [t.findtext("text") for t in element.findall("tags/tag")]
        assert tags[:3] == ["claim-check", question.theme, question.kind]
        assert f"review-by:{question.review_by.isoformat()}" in tags


def test_moodle_export_escapes_markup_so_moodle_shows_it_as_text() -> None:
    root = etree.fromstring(moodle.to_moodle_xml([tricky_classify()], set_title="S"))
    text = root.findtext("question[@type='multichoice']/questiontext/text") or ""
    # The XML text is HTML; the claim's own markup is escaped inside it, so it is shown, not run.
    assert "&lt;b&gt;&amp;amp;&lt;/b&gt;" in text
    assert "<blockquote><p>A post said" in text
    assert html_to_text(text) == f"{PROMPTS['classify']}\n\n{TRICKY_CLAIM}"


def test_metadata_carries_every_field_the_formats_cannot() -> None:
    question = every_kind()[2]
    meta = metadata(question)
    assert list(meta)[0] == "kind"
    assert "claim" not in meta and "id" not in meta
    assert meta["options"] == [
        {"id": "a", "rung": "anecdote"},
        {"id": "c", "rung": "observational"},
        {"id": "b", "rung": "case-reports"},
    ]
    assert meta["ladder"] == {
        "best": "observational",
        "certainty": "low",
        "rated_down": ["too-short", "different-dose"],
        "note": "Studies so far look at single exposures, not repeated ones.",
    }
    assert meta["review_by"] == "2027-09-01"
    assert meta["concepts"] == ["short-not-long"]
