"""The student quiz: pick a set, answer one claim at a time, read the feedback and the results."""

import random
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field, ValidationError

from quiz_app import completion, deps, messages, rate_limits, store
from quiz_app.bank import lookup
from quiz_app.bank.catalog import AnyQuestion, Bank
from quiz_app.classroom import assignments, seeds, students
from quiz_app.deps import (
    BankDep,
    CurrentAttempt,
    SessionDep,
    StudentPage,
    StudentPageDep,
    TemplatesDep,
)
from quiz_app.learning import grading, presentation, student_report
from quiz_app.learning.practice import practice_plan
from quiz_app.learning.student_report import SavedAnswer
from quiz_app.models import Answer, Attempt, utcnow
from quiz_app.security import framing_allowed
from quiz_app.templating import page_or_fragment, path_for

# Students' pages may be framed by course pages (the frame_ancestors setting).
router = APIRouter(dependencies=[Depends(framing_allowed)])


class AnswerForm(BaseModel):
    # Plain strings: what a valid answer is depends on the question, and grading.grade()
    # says what is wrong in words that fit it. Empty means "not given".
    answer: str = Field(default="", max_length=64)
    reason: str = Field(default="", max_length=64)
    confidence: str = Field(default="", max_length=64)


@dataclass(frozen=True)
class AskedQuestion:
    """The question a student's URL names: by its position, or by the bank id of old links."""

    question: AnyQuestion
    position: int
    by_old_link: bool  # addressed by bank id, as URLs were before they carried positions


def _asked_question(page: StudentPage, attempt: Attempt, position: str) -> AskedQuestion:
    """Return the question the URL's position names (or, on an old link, its bank id)."""
    number = presentation.parse_position(position)
    question_id = (
        presentation.question_at(attempt.question_ids, number) if number is not None else position
    )
    if number is not None and question_id is None:
        raise HTTPException(
            404,
            f"Your quiz has {len(attempt.question_ids)} questions, so there is no question "
            f"{number}. Go back to your quiz link.",
        )
    if question_id is None or question_id not in attempt.question_ids:
        raise HTTPException(
            404, "This question is not part of your quiz. Go back to your quiz link."
        )
    question = lookup.resolve(page.session, page.bank, question_id)
    if question is None:
        raise HTTPException(
            404, "This question has been removed from the question bank. Skip to the next one."
        )
    return AskedQuestion(
        question=question,
        position=presentation.position_of(attempt.question_ids, question_id),
        by_old_link=number is None,
    )


def _feedback(
    session: SessionDep, bank: Bank, answers: dict[str, Answer]
) -> dict[str, grading.Feedback]:
    """Return the feedback of saved answers, by question id, for the questions that exist."""
    return student_report.feedback_of(lookup.resolve_many(session, bank, answers), answers)


def _withheld(attempt: Attempt) -> bool:
    """Return whether the teacher asked to show feedback only after the student submits."""
    assignment = attempt.assignment
    return (
        assignment is not None
        and assignment.feedback_mode == "after_submit"
        and attempt.submitted_at is None
    )


def _next_unanswered(attempt: Attempt, answers: Collection[str]) -> str | None:
    """Return the first question of the attempt not yet answered, or None when all are."""
    return next((q for q in attempt.question_ids if q not in answers), None)


def _next_position(attempt: Attempt, answers: Collection[str]) -> int | None:
    """Return the position of the first unanswered question, or None when all are answered."""
    next_id = _next_unanswered(attempt, answers)
    return None if next_id is None else presentation.position_of(attempt.question_ids, next_id)


def _shown(bank: Bank, attempt: Attempt, question: AnyQuestion) -> presentation.Presentation:
    return presentation.present(question, seed=attempt.seed, concepts=bank.concepts)


def _asks_confidence(bank: Bank, attempt: Attempt) -> bool:
    qset = bank.sets.get(attempt.set_id)
    return qset.ask_confidence if qset else True


def _question_context(
    page: StudentPage,
    attempt: Attempt,
    question: AnyQuestion,
    answered: Collection[str],
    answer: SavedAnswer | None,
    root_id: int,
    shown: presentation.Presentation | None = None,
) -> dict[str, Any]:
    """The question page's context: `answered` holds the ids of the questions answered so
    far, `answer` the student's answer to this question (None before they answer it),
    `root_id` the attempt's practice root (store.attempts.practice_root_id); `shown`, when
    the caller has made it already, is not made again."""
    bank = page.bank
    withheld = _withheld(attempt)
    feedback = None
    if answer is not None and not withheld:
        feedback = student_report.feedback_of({question.id: question}, {question.id: answer})
    return {
        "attempt": attempt,
        "qset": bank.sets.get(attempt.set_id),
        "assignment": attempt.assignment,
        "question": question,
        "position": presentation.position_of(attempt.question_ids, question.id),
        "total": len(attempt.question_ids),
        "answered": len(answered),
        "feedback": feedback[question.id] if feedback else None,
        # With feedback withheld, only the student's own choices are shown back.
        "saved": answer if answer and withheld else None,
        "saved_answer": answer.answer if answer and withheld else None,
        "next_position": _next_position(attempt, answered),
        "shown": shown if shown is not None else _shown(bank, attempt, question),
        "concepts": bank.concepts,
        "ask_confidence": _asks_confidence(bank, attempt),
        "phase": student_report.phase_of(attempt, question.id),
        "practice_round": root_id != attempt.id,
    }


def _check_can_answer(session: SessionDep, attempt: Attempt) -> None:
    """Refuse new answers once an assignment is submitted, closed or past its closing time
    (the student's own, when their teacher gave them extra time)."""
    if attempt.submitted_at is not None:
        raise HTTPException(
            409, "You have already submitted your answers, so they can't be changed."
        )
    if attempt.assignment is not None:
        extra = students.extra_closing(store.students.allowance_of(session, attempt=attempt))
        state = assignments.status(attempt.assignment, utcnow(), closes_at=extra)
        if state != "open":
            raise HTTPException(
                409,
                "Your teacher's assignment is closed now, so no more answers can be saved. "
                "Every answer you gave before is kept.",
            )


@router.get("/")
def show_sets(request: Request, bank: BankDep, templates: TemplatesDep) -> Response:
    sets = [(qset, len(bank.select(qset, seed=0))) for qset in bank.sets.values()]
    return templates.TemplateResponse(request, "quiz/sets.html", {"sets": sets})


@router.post("/sets/{set_id}/attempts")
def start_attempt(request: Request, set_id: str, bank: BankDep, session: SessionDep) -> Response:
    qset = bank.sets.get(set_id)
    if qset is None:
        raise HTTPException(404, messages.NO_SUCH_SET)
    # Counted in the attempt's own transaction: create_attempt's commit stores both.
    rate_limits.spend(request, session, rate_limits.START, commit=False)
    seed = seeds.new_seed()
    phases = bank.phases(qset, seed)
    attempt = store.attempts.create_attempt(
        session,
        set_id=qset.id,
        question_ids=phases.all,
        seed=seed,
        check_in_count=len(phases.check_in),
        check_out_count=len(phases.check_out),
    )
    return RedirectResponse(path_for(request, "resume_attempt", token=attempt.token), 303)


@router.get("/a/{token}")
def resume_attempt(request: Request, attempt: CurrentAttempt, session: SessionDep) -> Response:
    """Send the student to the first question they have not answered, or to the results."""
    answers = store.attempts.answers_by_question(session, attempt=attempt)
    position = _next_position(attempt, answers)
    if position is None:
        return RedirectResponse(path_for(request, "show_results", token=attempt.token), 303)
    url = path_for(request, "show_question", token=attempt.token, position=position)
    return RedirectResponse(url, 303)


@router.get("/a/{token}/q/{position}")
def show_question(token: str, position: str, page: StudentPageDep) -> Response:
    with page.session:
        return _show_question(page, token, position)


def _show_question(page: StudentPage, token: str, position: str) -> Response:
    attempt, root_id = deps.student_attempt(page.request, token, page.session)
    asked = _asked_question(page, attempt, position)
    if asked.by_old_link:
        # A link from before URLs carried positions: 308 keeps it working, and permanent.
        url = path_for(page.request, "show_question", token=token, position=asked.position)
        return RedirectResponse(url, 308)
    answers = store.attempts.saved_answers(page.session, attempt=attempt)
    question = asked.question
    answer = answers.get(question.id)
    context = _question_context(page, attempt, question, answers, answer, root_id)
    # The htmx fragment carries a <title> too, which htmx applies to the document.
    names = ("quiz/question.html", "quiz/_next_question.html")
    return page_or_fragment(page.templates, page.request, page.htmx, names, context)


def _answer_form(page: StudentPage) -> AnswerForm:
    """Return the posted answer form; a malformed one is a 422, as a Form() parameter's is.
    Read here rather than by FastAPI, so that a missing quiz is a 404 before the form's 422."""
    fields = {k: v for k, v in page.form.items() if k in AnswerForm.model_fields and v != ""}
    try:
        return AnswerForm.model_validate(fields)
    except ValidationError as exc:
        raise RequestValidationError(exc.errors()) from exc


@router.post("/a/{token}/q/{position}")
def submit_answer(token: str, position: str, page: StudentPageDep) -> Response:
    with page.session:
        return _submit_answer(page, token, position)


def _submit_answer(page: StudentPage, token: str, position: str) -> Response:
    session, bank = page.session, page.bank
    attempt, root_id = deps.student_attempt(page.request, token, session)
    asked = _asked_question(page, attempt, position)
    form = _answer_form(page)
    question = asked.question
    _check_can_answer(session, attempt)
    shown = _shown(bank, attempt, question)
    # A page rendered before URLs carried positions posts to the old URL with the ids
    # themselves; a page of today posts opaque values, mapped back here.
    answer = form.answer if asked.by_old_link else shown.answer_id(form.answer)
    reason = (form.reason or None) if asked.by_old_link else shown.reason_id(form.reason)
    try:
        feedback = grading.grade(
            question,
            answer,
            reason=reason,
            confidence=(form.confidence or None) if _asks_confidence(bank, attempt) else None,
        )
    except grading.AnswerError as exc:
        raise HTTPException(422, str(exc)) from exc
    saved, _created, answered = completion.record_answer(
        session, attempt=attempt, feedback=feedback
    )
    if (saved.answer, saved.reason, saved.confidence) != (
        feedback.answer,
        feedback.reason,
        feedback.confidence,
    ):
        raise HTTPException(
            409,
            f"You already answered this question with “{shown.answer_label(saved.answer)}”, "
            "and answers can't be changed. Carry on with the next question.",
        )
    if page.htmx:
        context = _question_context(page, attempt, question, answered, saved, root_id, shown)
        name = "quiz/_saved.html" if context["saved_answer"] else "quiz/_feedback.html"
        return page.render(name, context)
    # Without JavaScript: post/redirect/get; 303 turns the browser's POST into a GET.
    url = path_for(page.request, "show_question", token=token, position=asked.position)
    return RedirectResponse(f"{url}#feedback", 303)


@router.get("/a/{token}/results")
def show_results(
    request: Request,
    attempt: CurrentAttempt,
    bank: BankDep,
    session: SessionDep,
    templates: TemplatesDep,
) -> Response:
    answers = store.attempts.answers_by_question(session, attempt=attempt)
    context: dict[str, Any]
    if _withheld(attempt):
        context = {
            "attempt": attempt,
            "assignment": attempt.assignment,
            "answered": len(answers),
            "total": len(attempt.question_ids),
            "next_position": _next_position(attempt, answers),
        }
        return templates.TemplateResponse(request, "quiz/submit.html", context)
    feedback = _feedback(session, bank, answers)
    ordered = [feedback[q] for q in attempt.question_ids if q in feedback]
    summary = grading.summarize(ordered, questions=len(attempt.question_ids))
    qset = bank.sets.get(attempt.set_id)
    next_id = _next_unanswered(attempt, answers)
    root, rounds = store.attempts.practice_family(session, attempt=attempt)
    is_round = root.id != attempt.id
    first_try = not is_round and attempt.retry_of_id is None
    context = {
        "attempt": attempt,
        "qset": qset,
        "assignment": attempt.assignment,
        "summary": summary,
        "next_id": next_id,
        "next_position": _next_position(attempt, answers),
        "profile": student_report.profile_of(ordered),
        # The letters this student saw for each missed question's options (shuffled per student).
        "shown": {
            item.question.id: _shown(bank, attempt, item.question) for item in summary.missed
        },
        "checks": student_report.checks_of(attempt, feedback),
        "marks": (
            student_report.marks_of(qset, summary, finished=next_id is None)
            if qset is not None and first_try
            else None
        ),
        "practice_round": is_round,
        "plan": practice_plan(session, bank, root, rounds) if next_id is None else None,
        "concepts": bank.concepts,
    }
    return templates.TemplateResponse(request, "quiz/results.html", context)


@router.post("/a/{token}/submit")
def submit_attempt(request: Request, attempt: CurrentAttempt, session: SessionDep) -> Response:
    """Hand in an assignment's answers: from now on the student sees the verdicts and why."""
    if store.assignments.submit_attempt(session, attempt=attempt):
        completion.attempt_completed(session, attempt=attempt)
    return RedirectResponse(path_for(request, "show_results", token=attempt.token), 303)


@router.post("/a/{token}/retry")
def retry_missed(
    request: Request, attempt: CurrentAttempt, bank: BankDep, session: SessionDep
) -> Response:
    """Start a new attempt with the questions this attempt got wrong, in a new order."""
    if attempt.assignment_id is not None:
        raise HTTPException(
            409,
            "This quiz was set by your teacher, so it cannot be retried from here. "
            "Ask your teacher for another attempt.",
        )
    answers = store.attempts.answers_by_question(session, attempt=attempt)
    missed = [
        q
        for q, a in answers.items()
        if grading.was_missed(a.correct, a.reason_correct) and q in bank.questions
    ]
    if not missed:
        raise HTTPException(
            409, "There are no missed questions to try again: every answer so far was right."
        )
    seed = seeds.new_seed()
    random.Random(seed).shuffle(missed)
    retry = store.attempts.create_attempt(
        session, set_id=attempt.set_id, question_ids=missed, seed=seed, retry_of=attempt
    )
    return RedirectResponse(path_for(request, "resume_attempt", token=retry.token), 303)


@router.get("/sources")
def show_sources(request: Request, templates: TemplatesDep) -> Response:
    return templates.TemplateResponse(request, "quiz/sources.html", {})
