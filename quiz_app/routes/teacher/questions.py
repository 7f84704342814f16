"""Teachers write their own questions, privately, checked as they type with the bank's rules;
download or upload them in the bank's YAML format; import them from GIFT or Moodle XML; and
export them for an LMS (QTI 2.1, Moodle XML, GIFT)."""

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from quiz_app import store
from quiz_app.bank import authoring, editor, lookup
from quiz_app.bank.catalog import Bank
from quiz_app.bank.items import Ladder
from quiz_app.bank.vocabulary import (
    CERTAINTY_LABELS,
    RATED_DOWN_LABELS,
    RUNG_LABELS,
    SECTIONS,
    SEEN_IN_LABELS,
    THEMES,
    VERDICTS,
)
from quiz_app.classroom.assignments import KIND_LABELS
from quiz_app.deps import (
    CurrentTeacher,
    FormDataDep,
    SessionDep,
    TeacherPage,
    TeacherPageDep,
)
from quiz_app.interop.files import QuestionFormat, add_question_file_routes, question_file
from quiz_app.models import Teacher, TeacherQuestion
from quiz_app.templating import path_for

router = APIRouter(prefix="/teacher")

NOT_YOURS = "You have no question with this id. Go back to your questions."


def _question(session: Session, teacher: Teacher, local_id: str) -> TeacherQuestion:
    row = None
    if authoring.id_problem(local_id) is None:
        row = store.teacher_questions.get_question(session, teacher=teacher, local_id=local_id)
    if row is None:
        raise HTTPException(404, NOT_YOURS)
    return row


def _used_by(session: Session, teacher: Teacher, question_id: str) -> list[str]:
    """Return the titles of the teacher's assignments that use a question."""
    return [
        a.title
        for a, _n in store.assignments.list_assignments(session, teacher=teacher)
        if question_id in a.pool
    ]


def _editor_context(
    bank: Bank,
    values: dict[str, Any],
    errors: dict[str, list[str]],
    editing: TeacherQuestion | None,
) -> dict[str, Any]:
    return {
        "values": values,
        "errors": errors,
        "editing": editing,
        "error_fields": editor.error_fields(values),
        "kinds": KIND_LABELS,
        "kind_hints": editor.KIND_HINTS,
        "themes": THEMES.values(),
        "sections": SECTIONS,
        "verdicts": VERDICTS,
        "registers": ("casual", "scientific", "alarming"),
        "concepts": bank.concepts.values(),
        "rungs": RUNG_LABELS,
        "seen_in": SEEN_IN_LABELS,
        "certainties": CERTAINTY_LABELS,
        "rated_down": RATED_DOWN_LABELS,
        # A note on the ladder arrived with the grown bank; offer it where the model has it.
        "ladder_note": "note" in Ladder.model_fields,
    }


def _editor(page: TeacherPage, context: dict[str, Any], status: int = 200) -> Response:
    return page.render("teacher/question_form.html", context, status)


def _check(
    session: Session,
    bank: Bank,
    teacher: Teacher,
    form: Any,
    editing: TeacherQuestion | None,
) -> tuple[dict[str, Any], dict[str, Any] | None, dict[str, list[str]]]:
    """Validate an editor form: return what was typed, the stored form (None when invalid),
    and the problems per field."""
    data = editor.form_data(form, editing.data if editing else None)
    if editing is not None:
        data["id"] = editing.local_id  # the id names the question in answers: it stays
    question, found = authoring.validate(data, bank)
    problems = editor.editor_problems(found, data)
    if editing is None and isinstance(data.get("id"), str):
        if store.teacher_questions.get_question(session, teacher=teacher, local_id=data["id"]):
            problems.setdefault("id", []).append(
                "you already have a question with this id; choose another or edit that one"
            )
    values = editor.typed_values(form)
    if editing is not None:
        values["id"], values["kind"] = editing.local_id, data["kind"]
    if problems or question is None:
        return values, None, problems
    return values, authoring.stored_form(question), {}


def _list_context(rows: list[TeacherQuestion], problems: list[str]) -> dict[str, Any]:
    return {
        "rows": rows,
        "problems": problems,
        "accept": authoring.UPLOAD_ACCEPT,
        "kinds": KIND_LABELS,
    }


@router.get("/questions")
def list_questions(page: TeacherPageDep) -> Response:
    rows = store.teacher_questions.list_questions(page.session, teacher=page.teacher)
    return page.render("teacher/questions.html", _list_context(rows, []))


@router.get("/questions/new")
def new_question(page: TeacherPageDep, kind: str = "classify") -> Response:
    """Return an empty editor, with the kind chosen (?kind=best-evidence) or classify."""
    if kind not in KIND_LABELS:
        kind = "classify"
    values = editor.editor_values({"kind": kind, "difficulty": 2, "register": "casual"})
    return _editor(page, _editor_context(page.bank, values, {}, None))


@router.post("/questions/validate")
def validate_question(page: TeacherPageDep, form: FormDataDep) -> Response:
    """Check the editor as the teacher types; return each field's problems (htmx swaps them)."""
    editing = None
    if form.get("editing"):
        editing = _question(page.session, page.teacher, str(form.get("editing")))
    values, _stored, problems = _check(page.session, page.bank, page.teacher, form, editing)
    context = {**_editor_context(page.bank, values, problems, editing), "oob": True}
    return page.render("teacher/_question_problems.html", context)


@router.post("/questions")
def create_question(page: TeacherPageDep, form: FormDataDep) -> Response:
    values, stored, problems = _check(page.session, page.bank, page.teacher, form, None)
    if stored is None:
        return _editor(page, _editor_context(page.bank, values, problems, None), 422)
    local_id = stored["id"]
    store.teacher_questions.save_questions(
        page.session,
        teacher=page.teacher,
        questions={local_id: stored},
        ids={local_id: lookup.namespaced(page.teacher.id, local_id)},
    )
    return RedirectResponse(path_for(page.request, "list_questions") + f"#q-{local_id}", 303)


@router.get("/questions/{local_id}/edit")
def edit_question(page: TeacherPageDep, local_id: str) -> Response:
    row = _question(page.session, page.teacher, local_id)
    return _editor(
        page,
        _editor_context(page.bank, editor.editor_values(row.data), {}, row),
    )


@router.post("/questions/{local_id}/edit")
def update_question(page: TeacherPageDep, form: FormDataDep, local_id: str) -> Response:
    row = _question(page.session, page.teacher, local_id)
    values, stored, problems = _check(page.session, page.bank, page.teacher, form, row)
    if stored is None:
        return _editor(page, _editor_context(page.bank, values, problems, row), 422)
    store.teacher_questions.save_questions(
        page.session, teacher=page.teacher, questions={row.local_id: stored}, ids={}
    )
    return RedirectResponse(path_for(page.request, "list_questions") + f"#q-{row.local_id}", 303)


@router.post("/questions/{local_id}/delete")
def delete_question(
    request: Request, local_id: str, teacher: CurrentTeacher, session: SessionDep
) -> Response:
    row = _question(session, teacher, local_id)
    used = _used_by(session, teacher, row.question_id)
    if used:
        raise HTTPException(
            409,
            f"Your assignment{'s' if len(used) > 1 else ''} {', '.join(used)} "
            f"use{'' if len(used) > 1 else 's'} this question, so it stays. "
            "Delete those assignments first if you no longer need them.",
        )
    store.teacher_questions.delete_question(session, question=row)
    return RedirectResponse(path_for(request, "list_questions"), 303)


@router.get("/questions.yaml")
def download_questions(teacher: CurrentTeacher, session: SessionDep) -> Response:
    rows = store.teacher_questions.list_questions(session, teacher=teacher)
    body = authoring.to_yaml([row.data for row in rows])
    return Response(
        body,
        media_type="application/yaml; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="my-questions.yaml"'},
    )


def _export_own(file_format: QuestionFormat) -> Callable[..., Response]:
    def export_my_questions(teacher: CurrentTeacher, session: SessionDep) -> Response:
        """Return all the teacher's questions, with the ids they wrote, as a file for an LMS."""
        rows = store.teacher_questions.list_questions(session, teacher=teacher)
        if not rows:
            raise HTTPException(
                404, "You have no questions to export yet. Write or upload some first."
            )
        found = [lookup.from_row(row) for row in rows]
        return question_file(
            lookup.exportable(found),
            file_format,
            set_id="my-questions",
            title="My questions",
            stem="my-questions",
        )

    return export_my_questions


add_question_file_routes(router, "/questions/export/", "export_my_questions", _export_own)


@router.post("/questions/upload")
def upload_questions(page: TeacherPageDep, form: FormDataDep) -> Response:
    rows = store.teacher_questions.list_questions(page.session, teacher=page.teacher)
    file = form.get("file")
    if not isinstance(file, UploadFile) or not file.filename:
        problems = ["Choose a .yaml, .gift, .txt or .xml file to upload."]
    else:
        raw = file.file.read(authoring.MAX_UPLOAD_BYTES + 1)
        existing = {row.local_id for row in rows}
        found, problems = authoring.read_question_file(raw, file.filename, page.bank, existing)
    if problems:
        context = _list_context(rows, problems)
        return page.render("teacher/questions.html", context, 422)
    ids = {local_id: lookup.namespaced(page.teacher.id, local_id) for local_id in found}
    store.teacher_questions.save_questions(
        page.session, teacher=page.teacher, questions=found, ids=ids
    )
    url = path_for(page.request, "list_questions") + f"?uploaded={len(found)}"
    return RedirectResponse(url, 303)
