"""Run in class from an LMS: the presenter for the instructors of the link's assignment, on
the launch's token (an LMS frame may get no cookies), with the teacher presenter's templates.
Every POST carries the launch's CSRF token (lms_access.lti_session)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from quiz_app import lms_access
from quiz_app.classroom import class_events, class_runs, class_steps
from quiz_app.deps import BankDep, IsHtmx, SessionDep, TemplatesDep
from quiz_app.lms_access import CurrentLti
from quiz_app.models import Assignment, ClassRun, utcnow
from quiz_app.security import allow_framing
from quiz_app.store import class_runs as runs_store
from quiz_app.templating import path_for

router = APIRouter(prefix="/lti/s/{token}/class", dependencies=[Depends(allow_framing)])
NO_LINKED = "This link opens no assignment yet: choose one on the dashboard first."
NOT_OWNER = "Only the teacher who made this activity can run it in class."
NO_RUN = "This activity is not running in class. Press “Run in class” on its dashboard."


def _assignment(session: SessionDep, lti: CurrentLti) -> Assignment:
    """Return the link's assignment if this instructor made it: a co-teacher of the course
    sees its dashboard, but what changes it (running it in class) stays with its teacher."""
    assignment = lms_access.linked_assignment(lti)
    if assignment is None:
        raise HTTPException(404, NO_LINKED)
    if assignment.teacher_id != lms_access.lti_teacher(session, lti).id:
        raise HTTPException(403, NOT_OWNER)
    return assignment


def _run(session: SessionDep, assignment: Assignment) -> ClassRun:
    run = runs_store.latest_run(session, assignment_id=assignment.id)
    if run is None:
        raise HTTPException(404, NO_RUN)
    return run


def _render(
    request: Request,
    session: SessionDep,
    bank: BankDep,
    templates: TemplatesDep,
    assignment: Assignment,
    run: ClassRun,
    name: str,
) -> Response:
    token = lms_access.lti_token(request)
    presenter = path_for(request, "show_lti_presenter", token=token)
    context = {
        **class_runs.presenter_context(session, bank, run, assignment),
        "layout": "lti/layout.html",
        "join_url": str(request.url_for("show_join_code", code=assignment.join_code)),
        "lms": True,
        "sse": class_events.sse_script(request),
        "urls": {
            "presenter": presenter,
            "now": f"{presenter}/now",
            "events": f"{presenter}/events",
            "back": path_for(request, "show_lti_dashboard", token=token),
            "new_tab": True,
        },
    }
    return lms_access.render(request, templates, name, context)


@router.post("")
def start_lti_class_run(
    request: Request, lti: CurrentLti, session: SessionDep, bank: BankDep
) -> Response:
    """Open the class's lobby (or the run already going) and show the presenter."""
    assignment = _assignment(session, lti)
    if problem := class_runs.start_problem(assignment, utcnow()):
        raise HTTPException(409, problem)
    class_runs.start(session, bank, assignment)
    url = path_for(request, "show_lti_presenter", token=lms_access.lti_token(request))
    return RedirectResponse(url, 303)


@router.get("")
def show_lti_presenter(
    request: Request, lti: CurrentLti, session: SessionDep, bank: BankDep, templates: TemplatesDep
) -> Response:
    assignment = _assignment(session, lti)
    run = _run(session, assignment)
    return _render(request, session, bank, templates, assignment, run, "class/presenter.html")


@router.get("/now")
def show_lti_presenter_step(
    request: Request, lti: CurrentLti, session: SessionDep, bank: BankDep, templates: TemplatesDep
) -> Response:
    """The presenter's live part, for htmx; 204 when nothing changed since version `v`."""
    assignment = _assignment(session, lti)
    run = _run(session, assignment)
    if class_runs.presenter_unchanged(session, run, request.query_params.get("v")):
        return lms_access.private(Response(status_code=204, headers={"Vary": "HX-Request"}))
    return _render(request, session, bank, templates, assignment, run, "class/_presenter.html")


@router.post("/{action}")
def advance_lti_class_run(
    request: Request,
    action: str,
    lti: CurrentLti,
    session: SessionDep,
    bank: BankDep,
    templates: TemplatesDep,
    htmx: IsHtmx,
    step: Annotated[str, Form(max_length=16)] = "",
    position: Annotated[int, Form(ge=0, le=100_000)] = 0,
) -> Response:
    """Press one of the presenter's buttons (see routes/teacher/class_runs.py)."""
    assignment = _assignment(session, lti)
    run = _run(session, assignment)
    if action not in class_steps.ACTIONS:
        raise HTTPException(404, "There is no such button on the presenter.")
    try:
        class_runs.advance(session, run, action, step=step, position=position)
    except class_steps.StepError as exc:
        raise HTTPException(409, str(exc)) from exc
    class_events.wake(request)  # the streams of this process hear it at once
    if htmx:
        return _render(request, session, bank, templates, assignment, run, "class/_presenter.html")
    url = path_for(request, "show_lti_presenter", token=lms_access.lti_token(request))
    return RedirectResponse(url, 303)


@router.get("/events")
def stream_lti_presenter_events(request: Request, lti: CurrentLti, session: SessionDep) -> Response:
    """Server-sent events telling the presenter that its step or counts changed."""
    class_events.check_accepts_events(request)
    run = _run(session, _assignment(session, lti))
    run_id = run.id
    session.close()  # no open stream holds a database session
    response = class_events.stream(request, run_id, audience="presenter")
    return lms_access.private(response)
