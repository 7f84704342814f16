"""Moodle XML: write a set's questions for Moodle's question bank, read a teacher's export.

Every question is a `multichoice` with one right answer (fraction 100, the others 0), feedback
on every answer and the explanation as general feedback. The bank fields Moodle has no place for
travel as one JSON object in a `<claimcheck format="json">` element inside the `<question>`,
which Moodle's importer ignores; the id is also the question's `<idnumber>`.

Reading is defensive: uploads are limited in size, and a file with a DOCTYPE (the carrier of
entity expansion and external-entity attacks) is refused before the XML parser sees it.
"""

import json
import re
from collections.abc import Collection, Sequence
from typing import Any

from lxml import etree

from quiz_app.bank.catalog import AnyQuestion

from .drafts import (
    MAX_ANSWERS,
    MAX_IMPORT_QUESTIONS,
    Draft,
    DraftAnswer,
    ImportProblem,
    ImportResult,
    Syntax,
    article,
    html_to_text,
    image_alts,
    read_metadata,
    too_many_answers,
    too_many_questions,
)
from .lms_tags import lms_tags
from .mapping import (
    PROMPTS,
    category_name,
    choices,
    explanation_parts,
    html_inline,
    html_paragraphs,
    metadata,
    xml_safe,
)
from .validation import parse

SYNTAX = Syntax(
    name="Moodle XML",
    add_metadata=lambda example: (
        f"Add this element inside the <question>: <claimcheck>{example}</claimcheck>"
    ),
    add_feedback="give the <answer> a <feedback><text>…</text></feedback>.",
    mark_right='give the right <answer> fraction="100" and each wrong one fraction="0".',
)
META_TAG = "claimcheck"
# Security: never load a DTD, resolve an entity or touch the network.
_PARSER_OPTIONS: dict[str, Any] = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "huge_tree": False,
    "remove_pis": True,
}
_DECLARATION = re.compile(r"^\s*<\?xml\b[^>]*\?>")
_ENCODING = re.compile(r"""encoding\s*=\s*["']([^"']+)["']""")


def _text(parent: etree._Element, tag: str, value: str, **attrib: str) -> etree._Element:
    """Add <tag><text>value</text></tag>; HTML goes in CDATA, as Moodle's own exporter writes
    it: PHP's parser drops a whitespace-only piece between entities (`</strong> “`), and so
    the space after a heading, but keeps one CDATA section whole."""
    element = etree.SubElement(parent, tag, attrib)
    text = xml_safe(value)
    cdata = attrib.get("format") == "html" and text and "]]>" not in text
    etree.SubElement(element, "text").text = etree.CDATA(text) if cdata else text
    return element


def to_moodle_xml(questions: Sequence[AnyQuestion], *, set_title: str) -> bytes:
    """Return the questions as a Moodle XML file, answer key and claim-check metadata included."""
    quiz = etree.Element("quiz")
    quiz.append(
        etree.Comment(
            " Claim Check questions WITH THE ANSWER KEY, for a teacher's question bank. "
            "Each <claimcheck> keeps the fields Moodle has no place for. "
        )
    )
    category = etree.SubElement(quiz, "question", type="category")
    _text(category, "category", f"$course$/top/{category_name(' '.join(set_title.split()))}")
    for question in questions:
        element = etree.SubElement(quiz, "question", type="multichoice")
        _text(element, "name", question.id)
        prompt = html_paragraphs(PROMPTS[question.kind])
        body = f"{prompt}<blockquote>{html_paragraphs(question.claim)}</blockquote>"
        _text(element, "questiontext", body, format="html")
        general = "".join(
            f"<p><strong>{heading}:</strong> {html_inline(text)}</p>"
            for heading, text in explanation_parts(question)
        )
        _text(element, "generalfeedback", general, format="html")
        for tag, value in (
            ("defaultgrade", "1"),
            ("penalty", "0"),
            ("hidden", "0"),
            ("idnumber", question.id),
            ("single", "true"),
            ("shuffleanswers", "false"),
            ("answernumbering", "none" if question.kind == "classify" else "abc"),
            ("showstandardinstruction", "0"),
        ):
            etree.SubElement(element, tag).text = value
        for tag in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"):
            _text(element, tag, "", format="html")
        for choice in choices(question):
            fraction = "100" if choice.correct else "0"
            answer = _text(element, "answer", choice.text, fraction=fraction, format="plain_text")
            _text(answer, "feedback", html_paragraphs(choice.feedback), format="html")
        tags = etree.SubElement(element, "tags")
        for tag in lms_tags(question):
            _text(tags, "tag", tag)
        meta = etree.SubElement(element, META_TAG, format="json")
        meta.text = xml_safe(json.dumps(metadata(question), ensure_ascii=False))
    return bytes(etree.tostring(quiz, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def parse_moodle_xml(data: bytes | str, *, concepts: Collection[str] | None = None) -> ImportResult:
    """Return a Moodle XML file's questions as bank dicts, or none and every problem by line."""
    return parse(data, read_moodle_xml, SYNTAX, concepts)


def read_moodle_xml(text: str) -> tuple[list[Draft], list[ImportProblem]]:
    """Return the multichoice questions of Moodle XML text as drafts, and what cannot be read."""
    problems: list[ImportProblem] = []
    root = _parse(text, problems)
    if root is None:
        return [], problems
    drafts: list[Draft] = []
    questions = 0
    for element in root:
        if element.tag != "question":
            continue
        kind = element.get("type", "")
        if kind == "category":
            continue
        if questions == MAX_IMPORT_QUESTIONS:
            return [], [too_many_questions(_line(element))]
        questions += 1
        draft = _draft(element, kind, problems)
        if draft is not None:
            drafts.append(draft)
    return drafts, problems


def _parse(text: str, problems: list[ImportProblem]) -> etree._Element | None:
    """Return the file's <quiz> element, or None after noting why it cannot be read."""
    declaration = _DECLARATION.match(text)
    if declaration:
        encoding = _ENCODING.search(declaration.group())
        if encoding and encoding.group(1).lower().replace("_", "-") not in ("utf-8", "utf8"):
            problems.append(
                ImportProblem(
                    1,
                    f"The file says it is in {encoding.group(1)}; save it as UTF-8 and import "
                    "it again.",
                )
            )
            return None
        # Keep the declaration's line breaks so line numbers still match the file.
        text = "\n" * declaration.group().count("\n") + text[declaration.end() :]
    # A DOCTYPE can only come before the root element; the parser options and the check after
    # parsing are the second line of defence.
    root_start = re.search(r"<[A-Za-z_:]", text)
    prolog = text[: root_start.start()] if root_start else text
    doctype = re.search(r"<!(DOCTYPE|ENTITY)", prolog, re.IGNORECASE)
    if doctype:
        problems.append(
            ImportProblem(
                text.count("\n", 0, doctype.start()) + 1,
                "The file has a DOCTYPE or ENTITY declaration, which Moodle XML never needs and "
                "we refuse for safety. Delete the <!DOCTYPE …> part and import it again.",
            )
        )
        return None
    parser = etree.XMLParser(**_PARSER_OPTIONS)
    try:
        root = etree.fromstring(text, parser)
    except etree.XMLSyntaxError as exc:
        problems.append(
            ImportProblem(exc.lineno or 1, f"The file is not well-formed XML: {exc.msg}.")
        )
        return None
    if root.getroottree().docinfo.doctype or root.getroottree().docinfo.internalDTD is not None:
        problems.append(ImportProblem(1, "The file has a DOCTYPE, which we refuse for safety."))
        return None
    if root.tag != "quiz":
        problems.append(
            ImportProblem(
                root.sourceline or 1,
                f"This is not a Moodle XML question file: it starts with <{root.tag}>, not "
                "<quiz>. In Moodle, export questions with the format “Moodle XML format”.",
            )
        )
        return None
    return root


def _raw(element: etree._Element | None) -> str:
    """Return what a Moodle text element's <text> holds, HTML and all."""
    text_element = element.find("text") if element is not None else None
    return "".join(text_element.itertext()) if text_element is not None else ""


def _is_html(element: etree._Element | None) -> bool:
    return element is not None and element.get("format", "html") not in ("plain_text", "markdown")


def _plain(element: etree._Element | None) -> str:
    """Return the plain text of a Moodle text element (<questiontext>, <answer>, …)."""
    raw = _raw(element)
    return html_to_text(raw) if _is_html(element) else raw.strip()


def _images(element: etree._Element) -> tuple[str, ...]:
    """Return the alt text of every image in a question's HTML texts."""
    texts = [element.find("questiontext"), element.find("generalfeedback")]
    for answer in element.findall("answer"):
        texts += [answer, answer.find("feedback")]
    return tuple(alt for text in texts if _is_html(text) for alt in image_alts(_raw(text)))


def _line(element: etree._Element) -> int:
    return element.sourceline or 1


def _draft(element: etree._Element, kind: str, problems: list[ImportProblem]) -> Draft | None:
    """Return one <question> as a draft, or None after noting why it cannot be imported."""
    name = _plain(element.find("name"))
    where = f"question “{name}”" if name else "this question"
    if kind != "multichoice":
        problems.append(
            ImportProblem(
                _line(element),
                f"{where} is {article(kind or 'untyped')} “{kind or 'untyped'}” question. "
                "Only multiple-choice "
                "(multichoice) questions with one right answer can be imported.",
            )
        )
        return None
    single = (element.findtext("single") or "true").strip().lower()
    if single in ("false", "0"):
        problems.append(
            ImportProblem(
                _line(element),
                f"{where} lets students pick several answers. Claim Check questions have one "
                "right answer: set “One answer only” (<single>true</single>).",
            )
        )
        return None
    count = len(element.findall("answer"))
    if count > MAX_ANSWERS:  # refused before any answer is read
        problems.append(ImportProblem(_line(element), f"{where}: {too_many_answers(count)}"))
        return None
    answers = _answers(element, where, problems)
    if answers is None:
        return None
    meta_element = element.find(META_TAG)
    meta = None
    if meta_element is not None:
        meta = _metadata(meta_element, where, problems)
        if meta is None:
            return None
    return Draft(
        line=_line(element),
        name=name,
        text=_plain(element.find("questiontext")),
        answers=answers,
        general_feedback=_plain(element.find("generalfeedback")),
        metadata=meta,
        metadata_line=_line(meta_element) if meta_element is not None else None,
        idnumber=(element.findtext("idnumber") or "").strip(),
        tags=tuple(_plain(tag) for tag in element.findall("tags/tag")),
        images=_images(element),
    )


def _answers(
    element: etree._Element, where: str, problems: list[ImportProblem]
) -> list[DraftAnswer] | None:
    """Return a question's <answer>s as draft answers, or None after noting a bad fraction."""
    answers = []
    for answer in element.findall("answer"):
        raw_fraction = answer.get("fraction", "0")
        try:
            fraction = float(raw_fraction)
        except ValueError:
            problems.append(
                ImportProblem(
                    _line(answer),
                    f'{where}: fraction="{raw_fraction}" is not a number; use 100 for the right '
                    "answer and 0 for wrong ones.",
                )
            )
            return None
        answers.append(
            DraftAnswer(
                text=_plain(answer),
                fraction=fraction,
                feedback=_plain(answer.find("feedback")),
                line=_line(answer),
            )
        )
    return answers


def _metadata(
    element: etree._Element, where: str, problems: list[ImportProblem]
) -> dict[str, Any] | None:
    data = read_metadata("".join(element.itertext()))
    if isinstance(data, str):
        problems.append(ImportProblem(_line(element), f"{where}: the <{META_TAG}> element {data}"))
        return None
    return data
