"""A bundled set's questions as files for an LMS's own quiz engine: QTI 2.1, Moodle XML, GIFT.

These files hold the answer key, as an LMS question bank needs it. The bundled sets are public
teaching material, so their exports are public too.
"""

from fastapi import APIRouter, HTTPException
from fastapi.responses import Response

from quiz_app.bank import AnyQuestion, Bank, QuestionSet
from quiz_app.deps import BankDep
from quiz_app.interop import gift, moodle, qti

router = APIRouter(prefix="/sets/{set_id}/export")


def _set_questions(bank: Bank, set_id: str) -> tuple[QuestionSet, list[AnyQuestion]]:
    """Return the set and every question its selection matches, in bank order."""
    qset = bank.sets.get(set_id)
    if qset is None:
        raise HTTPException(404, "There is no question set with that name. Pick one from the list.")
    return qset, bank.matching(qset.selection)


def _download(content: bytes | str, media_type: str, filename: str) -> Response:
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/qti.zip")
def export_qti(set_id: str, bank: BankDep) -> Response:
    qset, questions = _set_questions(bank, set_id)
    content = qti.package(questions, set_id=qset.id, set_title=qset.title)
    return _download(content, "application/zip", f"claim-check-{qset.id}-qti21.zip")


@router.get("/moodle.xml")
def export_moodle_xml(set_id: str, bank: BankDep) -> Response:
    qset, questions = _set_questions(bank, set_id)
    content = moodle.to_moodle_xml(questions, set_title=qset.title)
    return _download(content, "application/xml", f"claim-check-{qset.id}-moodle.xml")


@router.get("/gift.txt")
def export_gift(set_id: str, bank: BankDep) -> Response:
    qset, questions = _set_questions(bank, set_id)
    content = gift.to_gift(questions, set_title=qset.title)
    return _download(content, "text/plain; charset=utf-8", f"claim-check-{qset.id}-gift.txt")
