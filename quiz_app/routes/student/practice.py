"""Practise what you missed: short rounds of unseen questions on the concepts a student
missed, offered from the results page until each of them has been answered right once."""

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from quiz_app import store
from quiz_app.bank import lookup
from quiz_app.bank.catalog import Bank
from quiz_app.classroom import seeds
from quiz_app.deps import BankDep, CurrentAttempt, SessionDep
from quiz_app.learning import practice, student_report
from quiz_app.models import Answer, Attempt
from quiz_app.templating import path_for

router = APIRouter()


def _unanswered(attempt: Attempt, answers: dict[str, Answer]) -> bool:
    return any(q not in answers for q in attempt.question_ids)


def practice_plan(
    session: Session, bank: Bank, root: Attempt, rounds: list[Attempt]
) -> practice.Plan | None:
    """Return where "practise what you missed" stands for an attempt's family, or None when
    nothing it missed names a concept."""
    family = [root, *rounds]
    answers = store.attempts.answers_of(session, attempts=family)
    found = lookup.resolve_many(session, bank, (q for a in answers.values() for q in a))
    missed = practice.missed_concepts(
        student_report.feedback_of(found, answers[root.id]).values(), bank
    )
    if not missed:
        return None
    practised = practice.practised_concepts(
        item for r in rounds for item in student_report.feedback_of(found, answers[r.id]).values()
    )
    seen = {q for a in family for q in a.question_ids}
    for earlier in store.attempts.retried(session, attempt=root):
        seen.update(earlier.question_ids)  # a retry's questions were seen in what it retries
    qset = bank.sets.get(root.set_id)
    return practice.plan(
        bank,
        missed=missed,
        practised=practised,
        seen=seen,
        seed=root.seed + len(rounds),
        kinds=list(qset.selection.kinds) if qset else None,
    )


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
