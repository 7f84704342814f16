"""The teacher's assignments: make one, watch the dashboard, embed it in a course page, export
its results and its questions, close, reopen, delete."""

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from quiz_app import messages, retention, store
from quiz_app.bank import lookup
from quiz_app.bank.catalog import AnyQuestion, Bank
from quiz_app.bank.vocabulary import THEMES, VERDICTS
from quiz_app.classroom import assignment_form, assignments, dashboard, students
from quiz_app.deps import (
    BankDep,
    CurrentTeacher,
    FormDataDep,
    IsHtmx,
    RowId,
    SessionDep,
    TeacherPage,
    TeacherPageDep,
)
from quiz_app.interop.files import (
    QuestionFormat,
    add_question_file_routes,
    download,
    question_file,
)
from quiz_app.learning import class_report, results_files, revotes
from quiz_app.links import embed_snippet, public_base
from quiz_app.models import Assignment, Teacher, utcnow
from quiz_app.paths import bundled
from quiz_app.security import frame_ancestors_for
from quiz_app.templating import page_or_fragment, path_for, path_maker

router = APIRouter(prefix="/teacher")


def own_questions(session: Session, teacher: Teacher) -> dict[str, AnyQuestion]:
    """Return the teacher's own questions, by namespaced id."""
    rows = store.teacher_questions.list_questions(session, teacher=teacher)
    return {row.question_id: lookup.from_row(row) for row in rows}


def _assignment(session: Session, teacher: Teacher, assignment_id: int) -> Assignment:
    found = store.assignments.get_assignment(session, teacher=teacher, assignment_id=assignment_id)
    if found is None:
        raise HTTPException(404, messages.NOT_YOUR_ASSIGNMENT)
    return found


def _site_ancestors(request: Request) -> str:
    """Return the server's frame_ancestors setting, which an assignment's sites must fit in."""
    setting: str = request.app.state.settings.frame_ancestors
    return setting


def _form_context(
    request: Request,
    bank: Bank,
    own: dict[str, AnyQuestion],
    form: assignment_form.AssignmentForm | None,
    zone: str,
) -> dict[str, Any]:
    values: dict[str, Any] = (
        form.values
        if form
        else {
            "source": "set",
            "set_id": next(iter(bank.sets), ""),
            "feedback_mode": "immediate",
            "attempts_allowed": "1",
            "identity": "name",
            "shuffle": True,
            "timezone": zone,
            "ids": [],
        }
    )
    picked = {i: q for i in values.get("ids", []) if (q := bank.questions.get(i) or own.get(i))}
    return {
        "values": values,
        "errors": form.problems if form else {},
        "sets": bank.sets.values(),
        "themes": THEMES.values(),
        "verdicts": VERDICTS,
        "kinds": assignments.KIND_LABELS,
        "feedback_modes": assignments.FEEDBACK_MODES,
        "identities": assignments.IDENTITIES,
        "picked": picked,
        "site_ancestors": _site_ancestors(request),
        "answers_public": assignment_form.draws_on_public_answers(values, bank),
    }


@router.get("")
def show_teacher_home(page: TeacherPageDep) -> Response:
    rows = store.assignments.list_assignments(page.session, teacher=page.teacher)
    now = utcnow()
    items = [(a, n, assignments.status(a, now)) for a, n in rows]
    context = {"teacher": page.teacher, "items": items, "sets": page.bank.sets.values()}
    return page.render("teacher/home.html", context)


@router.get("/assignments/new")
def new_assignment(page: TeacherPageDep) -> Response:
    own = own_questions(page.session, page.teacher)
    context = _form_context(page.request, page.bank, own, None, page.teacher.timezone)
    ids = page.request.query_params.getlist("ids")
    if ids:
        context["values"] = {**context["values"], "source": "ids", "ids": ids}
        context["picked"] = {i: q for i in ids if (q := page.bank.questions.get(i) or own.get(i))}
        context["answers_public"] = assignment_form.draws_on_public_answers(
            context["values"], page.bank
        )
    return page.render("teacher/assignment_form.html", context)


@router.post("/assignments")
def create_assignment(page: TeacherPageDep, form: FormDataDep) -> Response:
    own = own_questions(page.session, page.teacher)
    parsed = assignment_form.parse_form(
        form, page.bank, own, site_frame_ancestors=_site_ancestors(page.request)
    )
    if parsed.problems:
        context = _form_context(page.request, page.bank, own, parsed, page.teacher.timezone)
        return page.render("teacher/assignment_form.html", context, 422)
    fields = dict(parsed.fields)
    store.teachers.set_timezone(page.session, teacher=page.teacher, timezone=fields.pop("timezone"))
    codes = assignments.join_code_candidates()
    assignment = store.assignments.create_assignment(
        page.session, teacher=page.teacher, codes=codes, **fields
    )
    url = path_for(page.request, "show_assignment", assignment_id=assignment.id)
    return RedirectResponse(url, status_code=303)


def _dashboard(
    request: Request, session: Session, bank: Bank, teacher: Teacher, assignment: Assignment
) -> dict[str, Any]:
    return {
        **dashboard.dashboard_context(session, bank, teacher, assignment),
        # One url_for per table, not per student row (each one walks every route).
        "student_url": path_maker(
            request, "show_student_answers", "attempt_id", assignment_id=assignment.id
        ),
        "resend_url": path_maker(
            request, "resend_teacher_grade", "attempt_id", assignment_id=assignment.id
        ),
    }


def _outside_live(
    page: TeacherPage, assignment: Assignment, report: class_report.ClassReportOf[Any]
) -> dict[str, Any]:
    """Return what the dashboard's page shows around its live part (which the poll renders
    alone): the join and embed codes, the log, the deletion date and the second votes."""
    embed_path = path_for(page.request, "embed_join", code=assignment.join_code)
    join_url = page.request.url_for("show_join_code", code=assignment.join_code)
    ancestors = _site_ancestors(page.request)
    counts = store.class_runs.revote_counts(page.session, assignment_id=assignment.id)
    settings = page.request.app.state.settings
    return {
        "snippet": embed_snippet(public_base(page.request), embed_path, assignment.title),
        "frame_ancestors": frame_ancestors_for(ancestors, assignment.embed_origins),
        "join_url": str(join_url),
        "public_count": assignment_form.public_question_count(assignment.every_question, page.bank),
        "events": store.students.list_events(page.session, assignment=assignment),
        "event_actions": students.ACTIONS,
        "deletion": retention.deletion_of(page.session, settings, assignment),
        "show_date": assignments.show_date,
        "revotes": revotes.revote_rows(
            counts, {q.question_id: q.question for q in report.questions}
        ),
    }


@router.get("/assignments/{assignment_id}")
def show_assignment(page: TeacherPageDep, assignment_id: RowId, htmx: IsHtmx) -> Response:
    assignment = _assignment(page.session, page.teacher, assignment_id)
    if htmx and dashboard.unchanged(page.session, assignment, page.request.query_params.get("v")):
        return Response(status_code=204, headers={"Vary": "HX-Request"})  # htmx keeps the page
    context = _dashboard(page.request, page.session, page.bank, page.teacher, assignment)
    if not htmx:  # the poll swaps only the live part
        context.update(_outside_live(page, assignment, context["report"]))
    names = ("teacher/assignment.html", "teacher/_live.html")
    return page_or_fragment(page.templates, page.request, htmx, names, context)


@router.get("/assignments/{assignment_id}/attempts/{attempt_id}")
def show_student_answers(page: TeacherPageDep, assignment_id: RowId, attempt_id: RowId) -> Response:
    assignment = _assignment(page.session, page.teacher, assignment_id)
    attempt = store.assignments.get_assignment_attempt(
        page.session, assignment=assignment, attempt_id=attempt_id
    )
    if attempt is None:
        raise HTTPException(404, messages.NO_SUCH_ATTEMPT.format(noun="assignment"))
    context = dashboard.student_answers_context(
        page.session, page.bank, page.teacher, assignment, attempt
    )
    context.update(students.manage_context(page.session, assignment, attempt))
    return page.render("teacher/student.html", context)


def _edit_page(
    page: TeacherPage, assignment: Assignment, parsed: assignment_form.AssignmentForm | None
) -> Response:
    """Show the settings form of an assignment: as saved, or as typed with its problems."""
    context = _form_context(page.request, page.bank, {}, parsed, page.teacher.timezone)
    context.update(
        assignment=assignment, source=assignments.summary_of_source(assignment.source, page.bank)
    )
    if parsed is None:
        context["values"] = assignment_form.form_values(assignment, page.teacher.timezone)
    return page.render("teacher/assignment_edit.html", context, 422 if parsed else 200)


@router.get("/assignments/{assignment_id}/edit")
def edit_assignment(page: TeacherPageDep, assignment_id: RowId) -> Response:
    assignment = _assignment(page.session, page.teacher, assignment_id)
    return _edit_page(page, assignment, None)


@router.post("/assignments/{assignment_id}")
def update_assignment(page: TeacherPageDep, form: FormDataDep, assignment_id: RowId) -> Response:
    assignment = _assignment(page.session, page.teacher, assignment_id)
    parsed = assignment_form.parse_form(
        form, page.bank, {}, settings_only=True, site_frame_ancestors=_site_ancestors(page.request)
    )
    if parsed.problems:
        return _edit_page(page, assignment, parsed)
    fields = dict(parsed.fields)
    store.teachers.set_timezone(page.session, teacher=page.teacher, timezone=fields.pop("timezone"))
    store.assignments.update_assignment(page.session, assignment=assignment, **fields)
    return RedirectResponse(
        path_for(page.request, "show_assignment", assignment_id=assignment.id), 303
    )


def _set_closed(closed: bool) -> Callable[..., Response]:
    def set_closed(
        request: Request, assignment_id: RowId, teacher: CurrentTeacher, session: SessionDep
    ) -> Response:
        """Close the assignment to students, or reopen it."""
        assignment = _assignment(session, teacher, assignment_id)
        store.assignments.update_assignment(session, assignment=assignment, closed=closed)
        url = path_for(request, "show_assignment", assignment_id=assignment.id)
        return RedirectResponse(url, 303)

    return set_closed


for _action, _closed in (("close", True), ("reopen", False)):
    router.add_api_route(
        f"/assignments/{{assignment_id}}/{_action}",
        _set_closed(_closed),
        methods=["POST"],
        name=f"{_action}_assignment",
    )


@router.get("/assignments/{assignment_id}/delete")
def confirm_delete_assignment(page: TeacherPageDep, assignment_id: RowId) -> Response:
    assignment = _assignment(page.session, page.teacher, assignment_id)
    attempts = store.assignments.attempts_with_answers(page.session, assignment=assignment)
    context = {
        "assignment": assignment,
        "students": len(attempts),
        "answers": sum(len(a.answers) for a in attempts),
    }
    return page.render("teacher/assignment_delete.html", context)


@router.post("/assignments/{assignment_id}/delete")
def delete_assignment(
    request: Request, assignment_id: RowId, teacher: CurrentTeacher, session: SessionDep
) -> Response:
    assignment = _assignment(session, teacher, assignment_id)
    store.assignments.delete_assignment(session, assignment=assignment)
    return RedirectResponse(path_for(request, "show_teacher_home"), 303)


def _students_csv(
    assignment: Assignment, report: class_report.ClassReport, _found: dict[str, AnyQuestion]
) -> str:
    return results_files.students_csv(assignment, report)


# An assignment's results files: the end of the address (export_<name> names the route), the
# media type, and what writes the file.
RESULTS_FILES: dict[
    str, tuple[str, Callable[[Assignment, class_report.ClassReport, dict[str, AnyQuestion]], str]]
] = {
    "answers.csv": ("text/csv; charset=utf-8", results_files.answers_csv),
    "students.csv": ("text/csv; charset=utf-8", _students_csv),
    "results.json": ("application/json", results_files.results_json),
    "items.csv": ("text/csv; charset=utf-8", results_files.items_csv),
}


def _export_results(file_name: str) -> Callable[..., Response]:
    media_type, write = RESULTS_FILES[file_name]

    def export_results(
        assignment_id: RowId,
        teacher: CurrentTeacher,
        session: SessionDep,
        bank: BankDep,
        names: str = "on",
    ) -> Response:
        """Return a results file; ?names=off gives each student a pseudonymous id instead."""
        assignment = _assignment(session, teacher, assignment_id)
        report, found = dashboard.class_results(session, bank, assignment)
        if names == "off":
            report = results_files.hide_names(report)
        body = write(assignment, report, found)
        return download(body, media_type, f"assignment-{assignment.id}-{file_name}")

    return export_results


for _name in RESULTS_FILES:
    router.add_api_route(
        f"/assignments/{{assignment_id}}/{_name}",
        _export_results(_name),
        methods=["GET"],
        name="export_" + _name.replace(".", "_"),
    )


@router.get("/assignments/{assignment_id}/datapackage.json")
def export_datapackage(
    assignment_id: RowId, teacher: CurrentTeacher, session: SessionDep
) -> Response:
    """Return the data dictionary of the results files (docs/datapackage.json, kept by hand)."""
    _assignment(session, teacher, assignment_id)
    body = (bundled("docs") / "datapackage.json").read_text(encoding="utf-8")
    return download(body, "application/json", f"assignment-{assignment_id}-datapackage.json")


def _export_questions(file_format: QuestionFormat) -> Callable[..., Response]:
    def export_assignment_questions(
        assignment_id: RowId, teacher: CurrentTeacher, session: SessionDep, bank: BankDep
    ) -> Response:
        """Return the assignment's questions (its check forms and whole pool, the teacher's own
        ones included) as a file for an LMS, with the answer key: a teacher-only download."""
        assignment = _assignment(session, teacher, assignment_id)
        found = lookup.resolve_many(session, bank, assignment.every_question)
        if not found:
            raise HTTPException(
                404, "None of this assignment's questions is left in the bank: nothing to export."
            )
        return question_file(
            lookup.exportable(found.values()),
            file_format,
            set_id=f"assignment-{assignment.id}",
            title=assignment.title,
            stem=f"assignment-{assignment.id}",
        )

    return export_assignment_questions


add_question_file_routes(
    router, "/assignments/{assignment_id}/export/", "export_assignment", _export_questions
)


@router.get("/bank")
def browse_bank(page: TeacherPageDep) -> Response:
    """Show bank questions (and the teacher's own) with answers, filtered, to hand-pick."""
    params = page.request.query_params
    source = {key: [v for v in params.getlist(key) if v] for key in assignments.FILTER_KEYS}
    own = own_questions(page.session, page.teacher)
    context = {
        "filters": source,
        "questions": assignment_form.filtered(page.bank.questions.values(), source),
        "mine": assignment_form.filtered(own.values(), source),
        "themes": THEMES.values(),
        "verdicts": VERDICTS,
        "kinds": assignments.KIND_LABELS,
        "difficulties": assignments.DIFFICULTIES,
    }
    return page.render("teacher/bank.html", context)
