"""Running an assignment in class: the one order of claims, the current claim, what the
presenter shows at each step and which step a student's device shows. Gathers from the store;
the rules are in class_steps.py and the counting in class_spread.py."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from quiz_app import store
from quiz_app.bank import lookup
from quiz_app.bank.catalog import AnyQuestion, Bank
from quiz_app.bank.items import ClassifyQuestion
from quiz_app.classroom import assignments, class_events, class_spread, class_steps
from quiz_app.classroom.class_spread import Vote
from quiz_app.learning import class_report
from quiz_app.learning.scoring import CONFIDENCE
from quiz_app.models import Answer, Assignment, Attempt, ClassRun, Revote
from quiz_app.store import class_runs as runs_store

# Every class run draws its claims with this seed: the same order for everyone in the room,
# and the check forms are not counterbalanced between students (one form before, one after).
CLASS_SEED = 0
VERDICT_LABELS = (
    ("research", "Research"),
    ("hypothesis", "Hypothesis"),
    ("unsupported", "Unsupported"),
)
CONFIDENCE_LABELS = tuple((c.id, c.label) for c in CONFIDENCE)


def start(session: Session, bank: Bank, assignment: Assignment) -> ClassRun:
    """Return the assignment's unfinished class run, or a new one in the lobby."""
    verdicts = lookup.verdicts_of(session, bank, assignment.pool)
    phases = assignments.phases_for_student(assignment, CLASS_SEED, verdicts)
    return runs_store.start_run(
        session,
        assignment=assignment,
        question_ids=phases.all,
        check_in_count=len(phases.check_in),
        check_out_count=len(phases.check_out),
    )


def current_question(session: Session, bank: Bank, run: ClassRun) -> AnyQuestion | None:
    """Return the claim the class is on, or None before the first and after the end."""
    if run.step in ("lobby", "finished") or run.position >= len(run.question_ids):
        return None
    return lookup.resolve(session, bank, run.question_ids[run.position])


def axes(question: AnyQuestion, bank: Bank) -> dict[str, Any]:
    """Return the labels of the claim's choices, reasons and confidence levels, in the order
    the presenter's charts show them (the bank's order, not any student's shuffled one)."""
    if isinstance(question, ClassifyQuestion):
        choices = list(VERDICT_LABELS)
        reasons = [
            (c, bank.concepts[c].name) for c in question.reason_options if c in bank.concepts
        ]
    else:
        # The options are listed above the charts (A, B, ...): a bar names its letter only.
        choices = [(o.id, o.id.upper()) for o in question.options]
        reasons = []
    return {"choices": choices, "reasons": reasons, "confidence": list(CONFIDENCE_LABELS)}


def _vote(row: Answer | Revote) -> Vote:
    return Vote(row.answer, row.reason, row.confidence)


@dataclass(frozen=True)
class Presenter:
    """What the presenter shows: the run, its counts, the claim and, by step, the charts."""

    run: ClassRun
    step: class_steps.Step
    counts: runs_store.Counts
    question: AnyQuestion | None
    actions: tuple[str, ...]
    spread: class_spread.Spread | None = None
    comparison: class_spread.Comparison | None = None
    summary: class_report.ClassReport | None = None


def presenter(session: Session, bank: Bank, run: ClassRun) -> Presenter:
    """Return what the presenter shows at the run's step. Security: the spread only once the
    teacher asked for it (never while students answer), the key only in the template's
    revealed step."""
    step = class_steps.parse_step(run.step)
    question = current_question(session, bank, run)
    found = Presenter(
        run=run,
        step=step,
        counts=runs_store.counts(session, run=run),
        question=question,
        actions=class_steps.actions_after(step, position=run.position, total=len(run.question_ids)),
    )
    if step == "finished":
        return _with(found, summary=summary(session, bank, run))
    if question is None or step in ("lobby", "answering"):
        return found
    rows = runs_store.votes(session, run=run, question_id=question.id)
    labels = axes(question, bank)
    if step in ("spread", "revote") or not any(r is not None for _, r in rows):
        return _with(found, spread=class_spread.spread([_vote(a) for a, _ in rows], **labels))
    pairs = [(_vote(a), _vote(r) if r is not None else None) for a, r in rows]
    return _with(found, comparison=class_spread.compare(pairs, **labels))


def _with(found: Presenter, **changes: Any) -> Presenter:
    return Presenter(**{**found.__dict__, **changes})


def summary(session: Session, bank: Bank, run: ClassRun) -> class_report.ClassReport:
    """Return the class report of the run's students (learning.class_report): what the class
    over-trusted or over-doubted, the concepts to revisit."""
    members = set(runs_store.member_attempt_ids(session, run=run))
    every = store.assignments.attempts_with_answers(session, assignment=run.assignment)
    attempts = [a for a in every if a.id in members]
    questions = lookup.resolve_many(session, bank, dict.fromkeys(run.question_ids))
    return class_report.class_report(attempts, questions, run.question_ids)


@dataclass(frozen=True)
class StudentState:
    """What a student's device shows now (class_steps.student_view) and their votes on the
    current claim (the first, scored, and the second), each None before it is cast."""

    view: str
    answer: Answer | None
    revote: Revote | None


def student_state(session: Session, run: ClassRun, attempt: Attempt) -> StudentState:
    """Return the student's view of the run and their votes on its claim, in one query."""
    step = class_steps.parse_step(run.step)
    question_id = run.question_ids[run.position] if run.position < len(run.question_ids) else None
    answer, revote = None, None
    if question_id is not None:
        answer, revote = runs_store.vote_of(session, attempt=attempt, question_id=question_id)
    view = class_steps.student_view(
        step,
        asked=question_id is not None and question_id in attempt.question_ids,
        answered=answer is not None,
        revoted=revote is not None,
    )
    return StudentState(view, answer, revote)


def presenter_context(
    session: Session, bank: Bank, run: ClassRun, assignment: Assignment
) -> dict[str, Any]:
    """Return what the presenter's templates show, whoever opens it (a teacher's login or an
    LMS instructor's launch); each route adds its own addresses (`urls`) and layout."""
    shown = presenter(session, bank, run)
    return {
        "assignment": assignment,
        "run": run,
        "p": shown,
        "version": class_events.presenter_version(run, shown.counts),
        "code": assignments.format_code(assignment.join_code),
        "actions": class_steps.ACTIONS,
        "concepts": bank.concepts,
    }


def presenter_unchanged(session: Session, run: ClassRun, since: str | None) -> bool:
    """Return whether the presenter still shows version `since` (its poll then gets a 204)."""
    return since == class_events.presenter_version(run, runs_store.counts(session, run=run))


def advance(session: Session, run: ClassRun, action: str, *, step: str, position: int) -> None:
    """Press a presenter button pressed at (step, position); raise StepError when the run is
    elsewhere now (another window moved it, or a double click)."""
    if (step, position) != (run.step, run.position):
        raise class_steps.StepError(stale_message(run))
    try:
        new_step, new_position = class_steps.advance(
            class_steps.parse_step(run.step),
            action,
            position=run.position,
            total=len(run.question_ids),
        )
    except class_steps.StepError as exc:
        raise class_steps.StepError(stale_message(run)) from exc
    runs_store.move_run(
        session,
        run=run,
        step_from=run.step,
        position_from=run.position,
        step=new_step,
        position=new_position,
    )


def stale_message(run: ClassRun) -> str:
    """Return what to tell a presenter whose button no longer fits the run's step."""
    step = class_steps.parse_step(run.step)
    allowed = class_steps.actions_after(step, position=run.position, total=len(run.question_ids))
    if not allowed:
        return "This class run has ended. Press “Run in class” on the assignment's page again."
    can = " or ".join(f"“{class_steps.ACTIONS[a][0]}”" for a in allowed)
    return (
        "The class moved on in another window (or the button was pressed twice). "
        f"Reload the presenter: from here you can press {can}."
    )


def start_problem(assignment: Assignment, now: datetime) -> str | None:
    """Return why the assignment cannot be run in class now, or None when it can."""
    if not assignment.every_question:
        return "This assignment has no questions to run in class."
    if assignments.status(assignment, now) != "open":
        return "Students cannot join this assignment now: reopen it (or change its dates) first."
    return None
