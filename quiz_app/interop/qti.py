"""IMS QTI 2.1: a set's questions as a content package an LMS or item bank can import.

The package is a zip with `imsmanifest.xml` (IMS Content Packaging 1.1, one resource of type
`imsqti_item_xmlv2p1` per question) and `items/<id>.xml`, one `assessmentItem` per question: a
single-choice `choiceInteraction`, the right choice as `correctResponse`, a SCORE of 1 or 0, and
per choice a `modalFeedback` (shown when that choice was picked) with the choice's own feedback,
the explanation, the words that decide it, the evidence that would settle it and the article
section. Texts go in as XML text, so the serializer escapes them.
"""

import io
import zipfile
from collections.abc import Sequence

from lxml import etree

from quiz_app.bank.catalog import AnyQuestion

from .mapping import APP_NAME, PROMPTS, Choice, choices, explanation_parts, xml_safe

QTI_NS = "http://www.imsglobal.org/xsd/imsqti_v2p1"
QTI_XSD = "http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd"
CP_NS = "http://www.imsglobal.org/xsd/imscp_v1p1"
CP_XSD = "http://www.imsglobal.org/xsd/imscp_v1p1.xsd"
MD_NS = "http://www.imsglobal.org/xsd/imsmd_v1p2"
MD_XSD = "http://www.imsglobal.org/xsd/imsmd_v1p2p4.xsd"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
XML_NS = "http://www.w3.org/XML/1998/namespace"
ITEM_RESOURCE_TYPE = "imsqti_item_xmlv2p1"
ZIP_DATE = (2020, 1, 1, 0, 0, 0)  # a fixed timestamp: the same set always zips to the same bytes


def item_path(question: AnyQuestion) -> str:
    """Return where a question's item lives inside the package."""
    return f"items/{question.id}.xml"


def _q(tag: str) -> str:
    return f"{{{QTI_NS}}}{tag}"


def _sub(
    parent: etree._Element, tag: str, text: str | None = None, **attrib: str
) -> etree._Element:
    element = etree.SubElement(parent, _q(tag), attrib)
    if text is not None:
        element.text = xml_safe(text)
    return element


def _paragraphs(parent: etree._Element, text: str) -> None:
    for paragraph in text.split("\n\n"):
        if paragraph.strip():
            _sub(parent, "p", " ".join(paragraph.split()))


def assessment_item(question: AnyQuestion) -> bytes:
    """Return one question as a QTI 2.1 assessmentItem document."""
    item = etree.Element(
        _q("assessmentItem"),
        nsmap={None: QTI_NS, "xsi": XSI_NS},
        attrib={
            f"{{{XSI_NS}}}schemaLocation": f"{QTI_NS} {QTI_XSD}",
            "identifier": question.id,
            "title": question.id,
            "adaptive": "false",
            "timeDependent": "false",
            "toolName": APP_NAME,
            f"{{{XML_NS}}}lang": "en",
        },
    )
    options = choices(question)
    _declarations(item, next(c.key for c in options if c.correct))
    _body(item, question, options)
    _response_processing(item)
    _modal_feedback(item, question, options)
    return bytes(etree.tostring(item, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def _declarations(item: etree._Element, right_key: str) -> None:
    """Declare the response (one choice, `right_key` correct) and the SCORE and FEEDBACK."""
    response = _sub(
        item,
        "responseDeclaration",
        identifier="RESPONSE",
        cardinality="single",
        baseType="identifier",
    )
    _sub(_sub(response, "correctResponse"), "value", right_key)
    score = _sub(
        item, "outcomeDeclaration", identifier="SCORE", cardinality="single", baseType="float"
    )
    _sub(_sub(score, "defaultValue"), "value", "0")
    _sub(
        item,
        "outcomeDeclaration",
        identifier="FEEDBACK",
        cardinality="single",
        baseType="identifier",
    )


def _body(item: etree._Element, question: AnyQuestion, options: Sequence[Choice]) -> None:
    """Write the claim, the prompt and the choices, in the bank's order."""
    body = _sub(item, "itemBody")
    claim = _sub(body, "blockquote", **{"class": "claim"})
    _paragraphs(claim, question.claim)
    interaction = _sub(
        body,
        "choiceInteraction",
        responseIdentifier="RESPONSE",
        shuffle="false",
        maxChoices="1",
        minChoices="1",
    )
    _sub(interaction, "prompt", PROMPTS[question.kind])
    for choice in options:
        _sub(interaction, "simpleChoice", choice.text, identifier=choice.key, fixed="true")


def _response_processing(item: etree._Element) -> None:
    """Score 1 for the correct response and 0 otherwise; show the feedback of the choice."""
    processing = _sub(item, "responseProcessing")
    condition = _sub(processing, "responseCondition")
    matched = _sub(condition, "responseIf")
    match = _sub(matched, "match")
    _sub(match, "variable", identifier="RESPONSE")
    _sub(match, "correct", identifier="RESPONSE")
    right = _sub(matched, "setOutcomeValue", identifier="SCORE")
    _sub(right, "baseValue", "1", baseType="float")
    otherwise = _sub(condition, "responseElse")
    wrong = _sub(otherwise, "setOutcomeValue", identifier="SCORE")
    _sub(wrong, "baseValue", "0", baseType="float")
    feedback = _sub(processing, "setOutcomeValue", identifier="FEEDBACK")
    _sub(feedback, "variable", identifier="RESPONSE")


def _modal_feedback(item: etree._Element, question: AnyQuestion, options: Sequence[Choice]) -> None:
    """Write each choice's feedback, followed by the question's explanation."""
    for choice in options:
        modal = _sub(
            item,
            "modalFeedback",
            outcomeIdentifier="FEEDBACK",
            identifier=choice.key,
            showHide="show",
            title="Right" if choice.correct else "Not quite",
        )
        _paragraphs(modal, choice.feedback)
        for heading, text in explanation_parts(question):
            paragraph = _sub(modal, "p")
            _sub(paragraph, "strong", f"{heading}:").tail = " " + xml_safe(" ".join(text.split()))


def manifest(questions: Sequence[AnyQuestion], *, set_id: str, set_title: str) -> bytes:
    """Return the package's imsmanifest.xml: its title, and one item resource per question."""
    cp = f"{{{CP_NS}}}"
    md = f"{{{MD_NS}}}"
    root = etree.Element(
        f"{cp}manifest",
        nsmap={None: CP_NS, "imsmd": MD_NS, "xsi": XSI_NS},
        attrib={
            f"{{{XSI_NS}}}schemaLocation": f"{CP_NS} {CP_XSD} {MD_NS} {MD_XSD}",
            "identifier": f"claim-check-{set_id}",
        },
    )
    meta = etree.SubElement(root, f"{cp}metadata")
    etree.SubElement(meta, f"{cp}schema").text = "QTIv2.1 Package"
    etree.SubElement(meta, f"{cp}schemaversion").text = "1.0.0"
    general = etree.SubElement(etree.SubElement(meta, f"{md}lom"), f"{md}general")
    title = etree.SubElement(etree.SubElement(general, f"{md}title"), f"{md}langstring")
    title.set(f"{{{XML_NS}}}lang", "en")
    title.text = xml_safe(f"{APP_NAME}: {set_title}")
    etree.SubElement(root, f"{cp}organizations")
    resources = etree.SubElement(root, f"{cp}resources")
    for question in questions:
        resource = etree.SubElement(
            resources,
            f"{cp}resource",
            identifier=f"item-{question.id}",
            type=ITEM_RESOURCE_TYPE,
            href=item_path(question),
        )
        etree.SubElement(resource, f"{cp}file", href=item_path(question))
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def package(questions: Sequence[AnyQuestion], *, set_id: str, set_title: str) -> bytes:
    """Return the QTI 2.1 content package (a zip) of the questions."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        files = [("imsmanifest.xml", manifest(questions, set_id=set_id, set_title=set_title))]
        files += [(item_path(q), assessment_item(q)) for q in questions]
        for name, content in files:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, content)
    return buffer.getvalue()
