"""A student's device in a class run: it shows the step the class is at (waiting, the claim
with the usual answer form, "answer stored", the second vote, the reveal with their own
feedback), whatever the student refreshed or missed. Answers are ordinary form posts; only
the teacher moves the class on."""

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from quiz_app import completion, store
from quiz_app.bank.catalog import AnyQuestion, Bank
from quiz_app.classroom import assignments, class_events, class_runs, class_student, students
from quiz_app.deps import BankDep, ClassAttempt, IsHtmx, SessionDep, TemplatesDep
from quiz_app.learning import grading, presentation
from quiz_app.models import Attempt, ClassRun, utcnow
from quiz_app.security import framing_allowed
from quiz_app.store import class_runs as runs_store
from quiz_app.templating import path_for

router = APIRouter(prefix="/a/{token}/class", dependencies=[Depends(framing_allowed)])
MOVED_ON = (
    "The class has moved on, so this answer was not saved. The page now shows where the class is."
)


class ClassAnswerForm(BaseModel):
    answer: str = Field(default="", max_length=64)
    reason: str = Field(default="", max_length=64)
    confidence: str = Field(default="", max_length=64)


def _run_of(session: SessionDep, attempt: Attempt) -> ClassRun | None:
    if attempt.assignment_id is None:
        return None
    return runs_store.latest_run(session, assignment_id=attempt.assignment_id)


def _live(
    request: Request,
    session: SessionDep,
    bank: Bank,
    templates: TemplatesDep,
    attempt: Attempt,
    run: ClassRun,
    name: str,
    state: class_runs.StudentState | None = None,
) -> Response:
    state = state or class_runs.student_state(session, run, attempt)
    context = class_student.step_context(request, session, bank, attempt, run, state)
    return templates.TemplateResponse(request, name, context)


def _joined_run(request: Request, session: SessionDep, attempt: Attempt) -> ClassRun | Response:
    """Return the class run the attempt takes part in (joining it on the way), or where to go
    instead: the ordinary quiz when no class runs it, the results once the class ended."""
    run, member = None, False
    if attempt.assignment_id is not None:
        run, member = runs_store.latest_run_of(
            session, assignment_id=attempt.assignment_id, attempt_id=attempt.id
        )
    if run is None or (run.finished_at is not None and not member):
        return RedirectResponse(path_for(request, "resume_attempt", token=attempt.token), 303)
    if run.finished_at is None and not member:
        runs_store.join_run(session, run=run, attempt=attempt)
    return run


@router.get("")
def show_class_step(
    request: Request,
    attempt: ClassAttempt,
    session: SessionDep,
    bank: BankDep,
    templates: TemplatesDep,
) -> Response:
    run = _joined_run(request, session, attempt)
    if isinstance(run, Response):
        return run
    return _live(request, session, bank, templates, attempt, run, "class/student.html")


@router.get("/now")
def show_class_now(
    request: Request,
    attempt: ClassAttempt,
    session: SessionDep,
    bank: BankDep,
    templates: TemplatesDep,
) -> Response:
    """The student's live part, for htmx; 204 when nothing changed since version `v`."""
    run = _joined_run(request, session, attempt)
    if isinstance(run, Response):
        return Response(status_code=204, headers={"HX-Redirect": run.headers["location"]})
    state = class_runs.student_state(session, run, attempt)
    if request.query_params.get("v") == f"{class_events.student_version(run)}.{state.view}":
        return Response(status_code=204, headers={"Vary": "HX-Request"})
    return _live(request, session, bank, templates, attempt, run, "class/_student.html", state)


def _graded(
    bank: Bank, attempt: Attempt, question: AnyQuestion, form: ClassAnswerForm
) -> grading.Feedback:
    shown = presentation.present(question, seed=attempt.seed, concepts=bank.concepts)
    qset = bank.sets.get(attempt.set_id)
    asks_confidence = qset.ask_confidence if qset else True
    try:
        return grading.grade(
            question,
            shown.answer_id(form.answer),
            reason=shown.reason_id(form.reason),
            confidence=(form.confidence or None) if asks_confidence else None,
        )
    except grading.AnswerError as exc:
        raise HTTPException(422, str(exc)) from exc


def _check_open(session: SessionDep, attempt: Attempt) -> None:
    """Refuse answers once the assignment is closed or past its closing time (the student's
    own, when their teacher gave them extra time), as the quiz does."""
    assert attempt.assignment is not None  # a class run belongs to an assignment
    extra = students.extra_closing(store.students.allowance_of(session, attempt=attempt))
    if assignments.status(attempt.assignment, utcnow(), closes_at=extra) != "open":
        raise HTTPException(
            409, "Your teacher's assignment is closed now, so no more answers can be saved."
        )


def _open_claim(
    session: SessionDep, bank: Bank, attempt: Attempt, run: ClassRun, step: str, position: int
) -> AnyQuestion:
    """Return the claim the form answers, if the class is still at `step` on it (else 409)."""
    _check_open(session, attempt)
    question = class_runs.current_question(session, bank, run)
    if run.step != step or question is None or question.id not in attempt.question_ids:
        raise HTTPException(409, MOVED_ON)
    if position != presentation.position_of(attempt.question_ids, question.id):
        raise HTTPException(409, MOVED_ON)
    return question


def _after_post(
    request: Request,
    session: SessionDep,
    bank: Bank,
    templates: TemplatesDep,
    attempt: Attempt,
    run: ClassRun,
    htmx: bool,
) -> Response:
    if htmx:  # the answer form targets its feedback place: the whole step is swapped instead
        response = _live(request, session, bank, templates, attempt, run, "class/_student.html")
        response.headers.update({"HX-Retarget": "#class-step", "HX-Reswap": "outerHTML"})
        return response
    # Without JavaScript: post/redirect/get.
    return RedirectResponse(path_for(request, "show_class_step", token=attempt.token), 303)


def _vote(
    request: Request,
    session: SessionDep,
    bank: Bank,
    attempt: Attempt,
    form: ClassAnswerForm,
    step: str,
    position: int,
) -> tuple[ClassRun, AnyQuestion, grading.Feedback]:
    """Return the run, the claim a vote posted at `step` answers, and the vote graded; 409 when
    the class has moved on (or the student is not in it), 422 when the form is not an answer."""
    run = _joined_run(request, session, attempt)
    if isinstance(run, Response):
        raise HTTPException(409, MOVED_ON)
    question = _open_claim(session, bank, attempt, run, step, position)
    return run, question, _graded(bank, attempt, question, form)


@router.post("/answer")
def submit_class_answer(
    request: Request,
    form: Annotated[ClassAnswerForm, Form()],
    position: Annotated[int, Query(ge=0, le=100_000)],
    attempt: ClassAttempt,
    session: SessionDep,
    bank: BankDep,
    templates: TemplatesDep,
    htmx: IsHtmx,
) -> Response:
    """Store the student's first vote on the current claim: the one scored and graded."""
    run, question, feedback = _vote(request, session, bank, attempt, form, "answering", position)
    completion.record_answer(session, attempt=attempt, feedback=feedback)
    return _after_post(request, session, bank, templates, attempt, run, htmx)


@router.post("/revote")
def submit_class_revote(
    request: Request,
    form: Annotated[ClassAnswerForm, Form()],
    position: Annotated[int, Query(ge=0, le=100_000)],
    attempt: ClassAttempt,
    session: SessionDep,
    bank: BankDep,
    templates: TemplatesDep,
    htmx: IsHtmx,
) -> Response:
    """Store the student's second vote beside the first (never scored or sent to an LMS)."""
    run, question, feedback = _vote(request, session, bank, attempt, form, "revote", position)
    first, _ = runs_store.vote_of(session, attempt=attempt, question_id=question.id)
    if first is None:
        raise HTTPException(409, "Only students who voted the first time vote again.")
    runs_store.save_revote(
        session,
        answer=first,
        choice=feedback.answer,
        correct=feedback.correct,
        reason=feedback.reason,
        reason_correct=feedback.reason_correct,
        confidence=feedback.confidence,
    )
    return _after_post(request, session, bank, templates, attempt, run, htmx)


@router.get("/events")
def stream_class_events(request: Request, attempt: ClassAttempt, session: SessionDep) -> Response:
    """Server-sent events telling the student's device that the class's step changed."""
    class_events.check_accepts_events(request)
    run = _run_of(session, attempt)
    if run is None:
        raise HTTPException(404, "No class is running this quiz together now.")
    run_id, attempt_id = run.id, attempt.id
    session.close()  # no open stream holds a database session
    return class_events.stream(request, run_id, audience="student", attempt_id=attempt_id)
