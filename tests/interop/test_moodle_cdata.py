"""Our Moodle XML reads in Moodle as it reads here: HTML fields are CDATA, as Moodle's own
exporter writes them, because PHP's XML parser drops a whitespace-only piece of text between
entities (`</strong> “cue”` lost its space, `Tom &amp; “Jerry”` became `Tom &“Jerry”`)."""

import re
from xml.parsers import expat

from lxml import etree

from quiz_app.bank.items import QUESTION
from quiz_app.interop.mapping import bank_dict
from quiz_app.interop.moodle import parse_moodle_xml, to_moodle_xml
from tests.support.interop_samples import every_kind, tricky_classify

HTML_FIELDS = ("questiontext", "generalfeedback", "feedback")


def _as_php_reads_it(xml: bytes) -> dict[str, list[str]]:
    """Return each HTML field's text as Moodle's importer gets it (the issue's two symptoms):
    PHP's parser hands over escaped text in pieces, split at each entity and where ASCII meets
    other characters, and skips the pieces that are only whitespace; a CDATA section comes
    whole."""
    fields: dict[str, list[str]] = {name: [] for name in HTML_FIELDS}
    stack: list[str] = []
    pieces: list[str] = []
    in_cdata = False
    parser = expat.ParserCreate("UTF-8")

    def start(name: str, _attrs: object) -> None:
        stack.append(name)
        pieces.clear()

    def end(name: str) -> None:
        stack.pop()
        if name == "text" and stack and stack[-1] in HTML_FIELDS:
            fields[stack[-1]].append("".join(p for p in pieces if p.strip()))
        pieces.clear()

    def text(data: str) -> None:
        if in_cdata and pieces:
            pieces[-1] += data
        elif in_cdata:
            pieces.append(data)
        else:
            pieces.extend(re.findall(r"[\x00-\x7f]+|[^\x00-\x7f]+", data))

    def cdata(starts: bool) -> None:
        nonlocal in_cdata
        in_cdata = starts
        if starts:
            pieces.append("")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.StartCdataSectionHandler = lambda: cdata(True)
    parser.EndCdataSectionHandler = lambda: cdata(False)
    parser.Parse(xml, True)
    return fields


def _teachers_text() -> object:
    data = bank_dict(tricky_classify())
    data["id"] = "teachers-01"
    data["explanation"] = "Tom & “Jerry” say so. <strong>Bold:</strong> “cue” is text here."
    return QUESTION.validate_python(data)


def test_export_html_fields_reach_moodle_with_every_space() -> None:
    questions = [*every_kind(), _teachers_text()]
    xml = to_moodle_xml(questions, set_title="Set")
    root = etree.fromstring(xml)
    php = _as_php_reads_it(xml)
    for name in HTML_FIELDS:
        ours = [element.findtext("text") or "" for element in root.iter(name)]
        assert ours and php[name] == ours
    general = php["generalfeedback"][-1]
    assert "<strong>The words that decide it:</strong> “" in general
    assert "Tom &amp; “Jerry” say so." in general


def test_export_writes_html_fields_as_one_cdata_section_each() -> None:
    xml = to_moodle_xml(every_kind(), set_title="Set")
    root = etree.fromstring(xml, etree.XMLParser(strip_cdata=False))
    for name in HTML_FIELDS:
        for element in root.iter(name):
            text = element.find("text")
            assert text is not None and len(text) == 0
            assert etree.tostring(text).startswith(b"<text><![CDATA[") or not text.text


def test_export_then_import_gives_back_the_teachers_text_exactly() -> None:
    questions = [*every_kind(), _teachers_text()]
    result = parse_moodle_xml(to_moodle_xml(questions, set_title="Set"))
    assert result.errors == []
    assert result.questions == [bank_dict(q) for q in questions]
