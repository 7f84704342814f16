"""What a student's device shows in class (templates/class/_student.html), for the class page
and its fetches, and, when the teacher shows a claim, sent to every device in the class's event
stream: each device shows the claim at once instead of 1,200 of them fetching it in the same
second (on a busy server, minutes of waiting for the last).

A pushed step is the very HTML the device would fetch. Students whose steps differ only by
their own address (their token) share one rendering: the claim, their choices' order, its
place in their attempt and whether they are asked how sure they are make a student's step.
"""

from collections.abc import Mapping, Sequence, Set
from typing import Any

from fastapi import Request
from jinja2 import Environment
from sqlalchemy.orm import Session

from quiz_app.bank.catalog import AnyQuestion, Bank
from quiz_app.classroom import class_events, class_runs
from quiz_app.learning import grading, presentation
from quiz_app.models import Attempt, ClassRun
from quiz_app.store import class_runs as runs_store
from quiz_app.templating import path_for

TEMPLATE = "class/_student.html"


def step_context(
    request: Request,
    session: Session,
    bank: Bank,
    attempt: Attempt,
    run: ClassRun,
    state: class_runs.StudentState,
) -> dict[str, Any]:
    """Return the context of the student's step (templates/class/_student.html)."""
    view = state.view
    question = class_runs.current_question(session, bank, run)
    context: dict[str, Any] = {
        "request": request,
        "attempt": attempt,
        "assignment": attempt.assignment,
        "run": run,
        "view": view,
        "version": f"{class_events.student_version(run)}.{view}",
        "question": question,
        "sse": class_events.sse_script(request),
    }
    if question is None or view == "waiting":
        return context
    answer = state.answer
    shown = presentation.present(question, seed=attempt.seed, concepts=bank.concepts)
    qset = bank.sets.get(attempt.set_id)
    context.update(
        shown=shown,
        position=presentation.position_of(attempt.question_ids, question.id),
        concepts=bank.concepts,
        ask_confidence=qset.ask_confidence if qset else True,
        feedback=None,
        answer_action=_action(request, attempt, view, question),
        saved=answer if view in ("stored", "revoted") else None,
    )
    if view == "revealed" and answer is not None:
        # Security: the key and the explanation reach the student only from the reveal on.
        context["feedback"] = grading.saved_feedback(question, answer)
        context["revote"] = state.revote
    return context


def _action(request: Request, attempt: Attempt, view: str, question: AnyQuestion) -> str:
    """Return where the answer form posts: the first vote or the second, and which claim."""
    name = "submit_class_revote" if view == "revote" else "submit_class_answer"
    position = presentation.position_of(attempt.question_ids, question.id)
    return f"{path_for(request, name, token=attempt.token)}?position={position}"


def pushed_steps(
    session: Session,
    bank: Bank,
    env: Environment,
    request: Request,
    runs: Sequence[ClassRun],
    watching: Mapping[int, Set[int]],
) -> dict[int, dict[int, str]]:
    """Return, for each of `runs` just moved to a claim being answered (`watching`: by run id,
    the attempts watching it here), the step each watching student who is to answer it is shown, by
    attempt id; the others (a claim not in their attempt, an answer already given) fetch."""
    found: dict[int, dict[int, str]] = {}
    template = env.get_template(TEMPLATE)
    for run in runs:
        question = class_runs.current_question(session, bank, run)
        if question is None or run.step != "answering":
            continue  # moved on since the poller read it
        rendered: dict[tuple[Any, ...], tuple[str, str]] = {}  # by look: (html, its token)
        mine = found[run.id] = {}
        for attempt, answered in runs_store.members_answering(
            session, run=run, question_id=question.id
        ):
            if (
                attempt.id not in watching[run.id]
                or answered
                or question.id not in attempt.question_ids
            ):
                continue
            look = _look(bank, attempt, question)
            if look not in rendered:
                state = class_runs.StudentState("answer", None, None)
                context = step_context(request, session, bank, attempt, run, state)
                rendered[look] = (template.render(context), attempt.token)
            html, token = rendered[look]
            mine[attempt.id] = html.replace(token, attempt.token)
    return found


def _look(bank: Bank, attempt: Attempt, question: AnyQuestion) -> tuple[Any, ...]:
    """Return what, besides the token, makes one student's step differ from another's."""
    shown = presentation.present(question, seed=attempt.seed, concepts=bank.concepts)
    qset = bank.sets.get(attempt.set_id)
    return (
        tuple(c.id for c in shown.options),
        tuple(c.id for c in shown.reasons),
        presentation.position_of(attempt.question_ids, question.id),
        qset.ask_confidence if qset else True,
    )
