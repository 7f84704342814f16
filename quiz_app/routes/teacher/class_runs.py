"""Run in class: the presenter view a teacher puts on the projector, its buttons (each a
POST with the session's CSRF token) and its event stream. Only the assignment's teacher can
open or drive it; the state is in the database, so any device of theirs shows the same step.
(An LMS instructor's presenter is routes/lms/class_runs.py, on the same templates.)"""

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from quiz_app import messages, store
from quiz_app.classroom import class_events, class_runs, class_steps
from quiz_app.deps import CurrentTeacher, IsHtmx, RowId, SessionDep, TeacherPage, TeacherPageDep
from quiz_app.models import Assignment, ClassRun, utcnow
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
    request = page.request
    presenter = path_for(request, "show_presenter", assignment_id=assignment.id)
    context = {
        **class_runs.presenter_context(page.session, page.bank, run, assignment),
        "layout": "teacher/layout.html",
        "join_url": str(request.url_for("show_join_code", code=assignment.join_code)),
        "sse": class_events.sse_script(request),
        "urls": {
            "presenter": presenter,
            "now": f"{presenter}/now",
            "events": f"{presenter}/events",
            "back": path_for(request, "show_assignment", assignment_id=assignment.id),
        },
    }
    return page.render(name, context)


@router.post("")
def start_class_run(page: TeacherPageDep, assignment_id: RowId) -> Response:
    """Open the class's lobby (or the run already going) and show the presenter."""
    assignment = _assignment(page, assignment_id)
    if problem := class_runs.start_problem(assignment, utcnow()):
        raise HTTPException(409, problem)
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
    if class_runs.presenter_unchanged(page.session, run, page.request.query_params.get("v")):
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
    try:
        class_runs.advance(page.session, run, action, step=step, position=position)
    except class_steps.StepError as exc:
        raise HTTPException(409, str(exc)) from exc
    class_events.wake(page.request)  # the streams of this process hear it at once
    if htmx:
        return _render(page, assignment, run, "class/_presenter.html")
    return RedirectResponse(
        path_for(page.request, "show_presenter", assignment_id=assignment.id), 303
    )


@router.get("/events")
def stream_presenter_events(
    request: Request, assignment_id: RowId, teacher: CurrentTeacher, session: SessionDep
) -> Response:
    """Server-sent events telling the presenter that its step or counts changed."""
    found = store.assignments.get_assignment(session, teacher=teacher, assignment_id=assignment_id)
    if found is None:
        raise HTTPException(404, messages.NOT_YOUR_ASSIGNMENT)
    run = runs_store.latest_run(session, assignment_id=assignment_id)
    if run is None:
        raise HTTPException(404, NO_RUN)
    class_events.check_accepts_events(request)
    run_id = run.id
    session.close()  # no open stream holds a database session
    return class_events.stream(request, run_id, audience="presenter")
