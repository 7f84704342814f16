"""A bundled set's questions as files for an LMS's own quiz engine: QTI 2.1, Moodle XML, GIFT.

Security: these files hold the answer key, as an LMS question bank needs it, so only a
logged-in teacher downloads them (students could otherwise read the key of any bundled set
before answering it). Teachers download their own sets from their pages
(routes/teacher/assignments.py, routes/teacher/questions.py) through the same
`interop.files.question_file`.
"""

from collections.abc import Callable

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from quiz_app import messages
from quiz_app.bank.catalog import AnyQuestion, Bank, QuestionSet
from quiz_app.deps import BankDep, CurrentTeacher
from quiz_app.interop.files import (
    QUESTION_FILES,
    QuestionFormat,
    add_question_file_routes,
    question_file,
)

router = APIRouter()
PATH = "/teacher/sets/{set_id}/export/"


def _set_questions(bank: Bank, set_id: str) -> tuple[QuestionSet, list[AnyQuestion]]:
    """Return the set and every question its selection matches, in bank order."""
    qset = bank.sets.get(set_id)
    if qset is None:
        raise HTTPException(404, messages.NO_SUCH_SET)
    return qset, bank.matching(qset.selection)


def _export_set(file_format: QuestionFormat) -> Callable[..., Response]:
    def export_set(set_id: str, bank: BankDep, _teacher: CurrentTeacher) -> Response:
        qset, questions = _set_questions(bank, set_id)
        stem = f"claim-check-{qset.id}"
        return question_file(questions, file_format, set_id=qset.id, title=qset.title, stem=stem)

    return export_set


add_question_file_routes(router, PATH, "export", _export_set)


@router.get("/sets/{set_id}/export/{file_name}")
def move_set_export(request: Request, set_id: str, file_name: str) -> Response:
    """Send the files' old public address to the teacher one (which asks for a login)."""
    for file in QUESTION_FILES:
        if file.name == file_name:
            url = request.url_for(f"export_{file.route}", set_id=set_id)
            return RedirectResponse(url.path, status_code=308)
    raise HTTPException(404)
