"""Run in class: the presenter view a teacher puts on the projector, its buttons (each a
POST with the session's CSRF token) and its event stream. Only the assignment's teacher can
open or drive it; the state is in the database, so any device of theirs shows the same step."""

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from quiz_app import messages, store
from quiz_app.classroom import assignments, class_events, class_runs, class_steps
from quiz_app.deps import CurrentTeacher, IsHtmx, RowId, SessionDep, TeacherPage, TeacherPageDep
from quiz_app.models import Assignment, ClassRun
from quiz_app.store import class_runs as runs_store
from quiz_app.templating import path_for

router = APIRouter(prefix="/teacher/assignments/{assignment_id}/class")
NO_RUN = (
    "This assignment is not running in class. Press “Run in class” on the assignment's page "
    "to start."
)


def _assignment(page: TeacherPage, assignment_id: int) -> Assignment:
    found = store.assignments.get_assignment(
        page.session, teacher=page.teacher, assignment_id=assignment_id
    )
    if found is None:
        raise HTTPException(404, messages.NOT_YOUR_ASSIGNMENT)
    return found


def _run(page: TeacherPage, assignment: Assignment) -> ClassRun:
    run = runs_store.latest_run(page.session, assignment_id=assignment.id)
    if run is None:
        raise HTTPException(404, NO_RUN)
    return run


def _render(page: TeacherPage, assignment: Assignment, run: ClassRun, name: str) -> Response:
    shown = class_runs.presenter(page.session, page.bank, run)
    context = {
        "assignment": assignment,
        "run": run,
        "p": shown,
        "version": class_events.presenter_version(run, shown.counts),
        "code": assignments.format_code(assignment.join_code),
        "join_url": str(page.request.url_for("show_join_code", code=assignment.join_code)),
        "actions": class_steps.ACTIONS,
        "labels": class_runs.axes(shown.question, page.bank) if shown.question else None,
        "sse": class_events.sse_script(page.request),
        "concepts": page.bank.concepts,
    }
    return page.render(name, context)


@router.post("")
def start_class_run(page: TeacherPageDep, assignment_id: RowId) -> Response:
    """Open the class's lobby (or the run already going) and show the presenter."""
    assignment = _assignment(page, assignment_id)
    if not assignment.every_question:
        raise HTTPException(409, "This assignment has no questions to run in class.")
    class_runs.start(page.session, page.bank, assignment)
    url = path_for(page.request, "show_presenter", assignment_id=assignment.id)
    return RedirectResponse(url, 303)


@router.get("")
def show_presenter(page: TeacherPageDep, assignment_id: RowId) -> Response:
    assignment = _assignment(page, assignment_id)
    return _render(page, assignment, _run(page, assignment), "class/presenter.html")


@router.get("/now")
def show_presenter_step(page: TeacherPageDep, assignment_id: RowId) -> Response:
    """The presenter's live part, for htmx; 204 when nothing changed since version `v`."""
    assignment = _assignment(page, assignment_id)
    run = _run(page, assignment)
    version = class_events.presenter_version(run, runs_store.counts(page.session, run=run))
    if page.request.query_params.get("v") == version:
        return Response(status_code=204, headers={"Vary": "HX-Request"})
    return _render(page, assignment, run, "class/_presenter.html")


@router.post("/{action}")
def advance_class_run(
    page: TeacherPageDep,
    assignment_id: RowId,
    action: str,
    htmx: IsHtmx,
    step: Annotated[str, Form(max_length=16)] = "",
    position: Annotated[int, Form(ge=0, le=100_000)] = 0,
) -> Response:
    """Press one of the presenter's buttons. The form says which step it was pressed at, so a
    stale window (or a double click) is refused with what to press now instead."""
    assignment = _assignment(page, assignment_id)
    run = _run(page, assignment)
    if action not in class_steps.ACTIONS:
        raise HTTPException(404, "There is no such button on the presenter.")
    if (step, position) != (run.step, run.position):
        raise HTTPException(409, _stale(run))
    try:
        new_step, new_position = class_steps.advance(
            class_steps.parse_step(run.step),
            action,
            position=run.position,
            total=len(run.question_ids),
        )
    except class_steps.StepError as exc:
        raise HTTPException(409, _stale(run)) from exc
    runs_store.move_run(
        page.session,
        run=run,
        step_from=run.step,
        position_from=run.position,
        step=new_step,
        position=new_position,
    )
    if htmx:
        return _render(page, assignment, run, "class/_presenter.html")
    return RedirectResponse(
        path_for(page.request, "show_presenter", assignment_id=assignment.id), 303
    )


def _stale(run: ClassRun) -> str:
    step = class_steps.parse_step(run.step)
    allowed = class_steps.actions_after(step, position=run.position, total=len(run.question_ids))
    if not allowed:
        return "This class run has ended. Press “Run in class” on the assignment's page again."
    can = " or ".join(f"“{class_steps.ACTIONS[a][0]}”" for a in allowed)
    return (
        "The class moved on in another window (or the button was pressed twice). "
        f"Reload the presenter: from here you can press {can}."
    )


@router.get("/events")
def stream_presenter_events(
    request: Request, assignment_id: RowId, teacher: CurrentTeacher, session: SessionDep
) -> Response:
    """Server-sent events telling the presenter that its step or counts changed."""
    class_events.check_accepts_events(request)
    found = store.assignments.get_assignment(session, teacher=teacher, assignment_id=assignment_id)
    run = runs_store.latest_run(session, assignment_id=assignment_id) if found else None
    if run is None:
        raise HTTPException(404, NO_RUN)
    run_id = run.id
    session.close()  # no open stream holds a database session
    return class_events.stream(request, run_id, audience="presenter")
