"""Questions as files for an LMS's own quiz engine (QTI 2.1, Moodle XML, GIFT), and any file
the browser saves instead of showing: the downloads of the bundled sets, of a teacher's
questions and of an assignment's questions and results."""

from collections.abc import Callable, Sequence
from typing import Literal, NamedTuple

from fastapi import APIRouter
from fastapi.responses import Response

from quiz_app.bank.catalog import AnyQuestion
from quiz_app.interop import gift, moodle, qti

QuestionFormat = Literal["qti", "moodle", "gift"]


class QuestionFile(NamedTuple):
    format: QuestionFormat
    name: str  # the end of its address: /sets/<id>/export/qti.zip
    route: str  # the end of its route's name: export_qti, export_assignment_qti


QUESTION_FILES = (
    QuestionFile("qti", "qti.zip", "qti"),
    QuestionFile("moodle", "moodle.xml", "moodle_xml"),
    QuestionFile("gift", "gift.txt", "gift"),
)


def add_question_file_routes(
    router: APIRouter,
    path: str,
    name: str,
    endpoint: Callable[[QuestionFormat], Callable[..., Response]],
) -> None:
    """Add a GET route per format at `path` + its file name, named `name` + "_" + its route;
    endpoint(format) makes each route's function."""
    for file in QUESTION_FILES:
        router.add_api_route(
            path + file.name, endpoint(file.format), methods=["GET"], name=f"{name}_{file.route}"
        )


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
    These files hold the answer key, as an LMS question bank needs it.
    """
    if file_format == "qti":
        content = qti.package(questions, set_id=set_id, set_title=title)
        return download(content, "application/zip", f"{stem}-qti21.zip")
    if file_format == "moodle":
        xml = moodle.to_moodle_xml(questions, set_title=title)
        return download(xml, "application/xml", f"{stem}-moodle.xml")
    text = gift.to_gift(questions, set_title=title)
    return download(text, "text/plain; charset=utf-8", f"{stem}-gift.txt")
