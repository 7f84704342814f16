"""A bundled set's questions as files for an LMS's own quiz engine: QTI 2.1, Moodle XML, GIFT.

These files hold the answer key, as an LMS question bank needs it. The bundled sets are public
teaching material, so their exports are public too. Teachers download their own sets from their
pages (routes/teacher.py, routes/teacher_questions.py) through the same `question_file`.
"""

from collections.abc import Sequence
from typing import Literal

from fastapi import APIRouter, HTTPException
from fastapi.responses import Response

from quiz_app.bank.catalog import AnyQuestion, Bank, QuestionSet
from quiz_app.deps import BankDep
from quiz_app.interop import gift, moodle, qti

router = APIRouter(prefix="/sets/{set_id}/export")

QuestionFormat = Literal["qti", "moodle", "gift"]


def _set_questions(bank: Bank, set_id: str) -> tuple[QuestionSet, list[AnyQuestion]]:
    """Return the set and every question its selection matches, in bank order."""
    qset = bank.sets.get(set_id)
    if qset is None:
        raise HTTPException(404, "There is no question set with that name. Pick one from the list.")
    return qset, bank.matching(qset.selection)


def download(content: bytes | str, media_type: str, filename: str) -> Response:
    """Return a file the browser saves under `filename` instead of showing it."""
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def question_file(
    questions: Sequence[AnyQuestion],
    file_format: QuestionFormat,
    *,
    set_id: str,
    title: str,
    stem: str,
) -> Response:
    """Return questions as a download in one LMS format, named `<stem>-qti21.zip` and so on.

    set_id must be a bank-style id (it names the QTI package); title names the LMS category.
    """
    if file_format == "qti":
        content = qti.package(questions, set_id=set_id, set_title=title)
        return download(content, "application/zip", f"{stem}-qti21.zip")
    if file_format == "moodle":
        xml = moodle.to_moodle_xml(questions, set_title=title)
        return download(xml, "application/xml", f"{stem}-moodle.xml")
    text = gift.to_gift(questions, set_title=title)
    return download(text, "text/plain; charset=utf-8", f"{stem}-gift.txt")


def _set_file(bank: Bank, set_id: str, file_format: QuestionFormat) -> Response:
    qset, questions = _set_questions(bank, set_id)
    stem = f"claim-check-{qset.id}"
    return question_file(questions, file_format, set_id=qset.id, title=qset.title, stem=stem)


@router.get("/qti.zip")
def export_qti(set_id: str, bank: BankDep) -> Response:
    return _set_file(bank, set_id, "qti")


@router.get("/moodle.xml")
def export_moodle_xml(set_id: str, bank: BankDep) -> Response:
    return _set_file(bank, set_id, "moodle")


@router.get("/gift.txt")
def export_gift(set_id: str, bank: BankDep) -> Response:
    return _set_file(bank, set_id, "gift")
