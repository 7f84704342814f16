"""Checks of exported QTI 2.1 packages: against the official IMS schemas when the tests are given
them, and a structural check that needs no schema and always runs.

The IMS schemas are not part of the repository. Set QUIZ_TEST_QTI_SCHEMAS to the folder that holds
them (`qtiv2p1/imsqti_v2p1.xsd` and `imscp_v1p1.xsd`, with the W3C schemas they import); a
relative path is read from the repository's root. CI sets it to ../shared/standards/qti-xsd.
Without it the schema tests are skipped, and say how to turn them on.
"""

import functools
import io
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree

from quiz_app.interop.qti import ITEM_RESOURCE_TYPE

SCHEMAS_SETTING = "QUIZ_TEST_QTI_SCHEMAS"
ITEM_XSD = "qtiv2p1/imsqti_v2p1.xsd"
MANIFEST_XSD = "imscp_v1p1.xsd"
ROOT = Path(__file__).resolve().parents[2]  # the repository: relative settings start here
QTI = "{http://www.imsglobal.org/xsd/imsqti_v2p1}"
CP = "{http://www.imsglobal.org/xsd/imscp_v1p1}"
MANIFEST = "imsmanifest.xml"


@dataclass(frozen=True)
class QtiSchemas:
    item: etree.XMLSchema
    manifest: etree.XMLSchema


def schemas_folder() -> Path | None:
    """Return the folder QUIZ_TEST_QTI_SCHEMAS names, or None when it is not set."""
    value = os.environ.get(SCHEMAS_SETTING, "").strip()
    if not value:
        return None
    folder = Path(value).expanduser()
    return folder if folder.is_absolute() else ROOT / folder


@functools.cache
def _load(folder: Path) -> QtiSchemas:
    def schema(relative: str) -> etree.XMLSchema:
        return etree.XMLSchema(etree.parse(str(folder / relative)))

    return QtiSchemas(item=schema(ITEM_XSD), manifest=schema(MANIFEST_XSD))


def qti_schemas() -> QtiSchemas:
    """Return the IMS schemas; skip the calling test when QUIZ_TEST_QTI_SCHEMAS is not set, and
    fail it when the setting names a folder without them."""
    folder = schemas_folder()
    if folder is None:
        pytest.skip(
            f"QTI schema validation is off: set {SCHEMAS_SETTING} to the folder of the IMS QTI "
            f"2.1 schemas (holding {ITEM_XSD} and {MANIFEST_XSD}), for example "
            f"{SCHEMAS_SETTING}=../shared/standards/qti-xsd as .ci/run does"
        )
    missing = [name for name in (ITEM_XSD, MANIFEST_XSD) if not (folder / name).is_file()]
    if missing:
        pytest.fail(f"{SCHEMAS_SETTING} names {folder}, which lacks {', '.join(missing)}")
    return _load(folder)


def unzip(content: bytes) -> dict[str, bytes]:
    """Return every file of a zip by name, in the zip's order; the zip must be intact."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert archive.testzip() is None, "a file in the zip is corrupt"
        return {name: archive.read(name) for name in archive.namelist()}


def check_package(content: bytes) -> dict[str, etree._Element]:
    """Check a QTI package's structure, needing no schema; return its items by file name.

    The manifest lists every item file once and nothing else; each resource is a QTI 2.1 item
    with its one file; each item parses, is named after its unique identifier, has a title,
    declares a single RESPONSE whose correct value is one of its choices, scores into SCORE,
    and has feedback only for its own choices. An AssertionError says what is wrong.
    """
    files = unzip(content)
    assert MANIFEST in files, f"the package has no {MANIFEST}: {sorted(files)}"
    manifest = etree.fromstring(files.pop(MANIFEST))
    assert manifest.tag == f"{CP}manifest", manifest.tag
    assert manifest.find(f"{CP}organizations") is not None, "the manifest has no organizations"
    resources = manifest.findall(f"{CP}resources/{CP}resource")
    resource_ids = [r.get("identifier") for r in resources]
    assert all(resource_ids) and len(set(resource_ids)) == len(resource_ids), resource_ids
    hrefs: list[str] = []
    for resource in resources:
        href = resource.get("href")
        assert resource.get("type") == ITEM_RESOURCE_TYPE, (href, resource.get("type"))
        assert href is not None, f"resource {resource.get('identifier')} has no href"
        assert [f.get("href") for f in resource.findall(f"{CP}file")] == [href], href
        hrefs.append(href)
    assert len(set(hrefs)) == len(hrefs), f"the manifest lists a file twice: {hrefs}"
    assert sorted(hrefs) == sorted(files), f"manifest lists {hrefs}, the zip holds {list(files)}"
    items = {href: _check_item(href, files[href]) for href in hrefs}
    identifiers = [item.get("identifier") for item in items.values()]
    assert len(set(identifiers)) == len(identifiers), f"identifiers repeat: {identifiers}"
    return items


def _check_item(href: str, xml: bytes) -> etree._Element:
    item = etree.fromstring(xml)
    assert item.tag == f"{QTI}assessmentItem", (href, item.tag)
    identifier = item.get("identifier")
    assert identifier and href == f"items/{identifier}.xml", (href, identifier)
    assert item.get("title"), f"{href} has no title"
    declaration = item.find(f"{QTI}responseDeclaration[@identifier='RESPONSE']")
    assert declaration is not None, f"{href} declares no RESPONSE"
    assert declaration.get("cardinality") == "single", href
    interaction = item.find(f"{QTI}itemBody/{QTI}choiceInteraction")
    assert interaction is not None, f"{href} has no choiceInteraction"
    assert interaction.get("responseIdentifier") == "RESPONSE", href
    assert interaction.get("maxChoices") == "1", href
    choices = [c.get("identifier") for c in interaction.iter(f"{QTI}simpleChoice")]
    assert len(choices) >= 2 and len(set(choices)) == len(choices), (href, choices)
    correct = [v.text for v in declaration.iterfind(f"{QTI}correctResponse/{QTI}value")]
    assert len(correct) == 1 and correct[0] in choices, (href, correct, choices)
    assert item.find(f"{QTI}outcomeDeclaration[@identifier='SCORE']") is not None, href
    assert item.find(f"{QTI}responseProcessing") is not None, f"{href} is never scored"
    feedback = [m.get("identifier") for m in item.iter(f"{QTI}modalFeedback")]
    assert set(feedback) <= set(choices), (href, feedback, choices)
    return item
