"""Practise what you missed: short rounds of unseen questions on the concepts a student
missed, offered from the results page until each of them has been answered right once."""

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from quiz_app import store
from quiz_app.classroom import class_guard, seeds
from quiz_app.deps import BankDep, CurrentAttempt, SessionDep
from quiz_app.learning.practice import practice_plan
from quiz_app.models import Answer, Attempt
from quiz_app.templating import path_for

router = APIRouter(dependencies=[Depends(class_guard.not_in_class)])


def _unanswered(attempt: Attempt, answers: dict[str, Answer]) -> bool:
    return any(q not in answers for q in attempt.question_ids)


@router.post("/a/{token}/practice")
def start_practice(
    request: Request, attempt: CurrentAttempt, bank: BankDep, session: SessionDep
) -> Response:
    """Start (or resume) a short round of unseen questions on the concepts the student missed."""
    root, rounds = store.attempts.practice_family(session, attempt=attempt)
    family = [root, *rounds]
    answers = store.attempts.answers_of(session, attempts=family)
    unfinished = next((r for r in rounds if _unanswered(r, answers[r.id])), None)
    if unfinished is not None:  # a double click, or a round left halfway: carry on with it
        return RedirectResponse(path_for(request, "resume_attempt", token=unfinished.token), 303)
    if _unanswered(root, answers[root.id]):
        raise HTTPException(409, "Finish the quiz first; then practise what you missed.")
    if root.assignment is not None and root.assignment.feedback_mode == "after_submit":
        if root.submitted_at is None:  # the round's questions would hint at what was missed
            raise HTTPException(409, "Submit your answers first; then practise what you missed.")
    plan = practice_plan(session, bank, root, rounds)
    if plan is None or plan.done:
        raise HTTPException(
            409,
            "There is nothing left to practise: "
            "every concept you missed has been answered right once.",
        )
    if not plan.next_round:
        raise HTTPException(
            409,
            "There are no unseen questions left on the concepts you still need to practise. "
            "Read their explanations on your results page.",
        )
    round_ = store.attempts.create_attempt(
        session,
        set_id=root.set_id,
        question_ids=plan.next_round,
        seed=seeds.new_seed(),
        practice_of=root,
    )
    return RedirectResponse(path_for(request, "resume_attempt", token=round_.token), 303)
