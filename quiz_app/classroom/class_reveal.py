"""The reveal, sent to every student's device in the class's event stream: the key, the
explanation and how the student's own votes did, so that the whole room sees it at once
instead of 30 devices per class (1,200 on a busy server) fetching their step in the same
second. Each device then fetches its whole step (the choices marked) at a random moment within
a window that grows with the streams the process holds, so those fetches never come as a herd.

The key is in a student's stream only from the reveal on, as in the revealed step itself.
"""

from collections.abc import Mapping, Sequence, Set
from typing import Any

from jinja2 import Environment
from sqlalchemy.orm import Session

from quiz_app.bank.catalog import Bank
from quiz_app.bank.items import ClassifyQuestion
from quiz_app.classroom import class_runs, class_steps
from quiz_app.learning import grading, presentation
from quiz_app.models import ClassRun
from quiz_app.store import class_runs as runs_store

# Each open stream of the process adds this much to the window in which the devices fetch
# their whole step after a reveal (about what one fetch costs the server): 30 streams fetch
# within 1 s, 1,200 within 24 s.
REFETCH_SECONDS_PER_STREAM = 0.02
TEMPLATE = "class/_reveal_event.html"


def refetch_within(streams: int) -> int:
    """Return the whole seconds within which the devices fetch their step after a reveal."""
    return max(1, round(streams * REFETCH_SECONDS_PER_STREAM))


def payloads(
    session: Session,
    bank: Bank,
    env: Environment,
    runs: Sequence[ClassRun],
    watching: Mapping[int, Set[int]],
    *,
    streams: int,
) -> dict[int, dict[int, str]]:
    """Return, for each of `runs` just revealed (`watching`: by run id, the attempts watching it
    here), the reveal
    each watching attempt's device shows, by attempt id: only students who voted on the
    claim; the others fetch their step as at any other change."""
    found: dict[int, dict[int, str]] = {}
    template = env.get_template(TEMPLATE)
    for run in runs:
        question = class_runs.current_question(session, bank, run)
        attempt_ids = watching[run.id]
        if question is None or not class_steps.key_shown(run.step):
            continue  # moved on (or never revealed) since the poller read it
        context: dict[str, Any] = {
            "question": question,
            "refetch_within": refetch_within(streams),
            "claim": f"{run.id}.{run.position}",  # a device showing another claim fetches instead
        }
        rendered: dict[tuple[Any, ...], str] = {}
        mine = found[run.id] = {}
        for seed, answer, revote in runs_store.member_votes(
            session, run=run, question_id=question.id
        ):
            if answer.attempt_id not in attempt_ids:
                continue
            feedback = grading.saved_feedback(question, answer)
            shown = None
            if not isinstance(question, ClassifyQuestion):  # the letter is the student's own
                shown = presentation.present(question, seed=seed, concepts=bank.concepts)
            letter = (
                shown.letter_of(feedback.right_option.id) if shown and feedback.right_option else ""
            )
            key = (feedback.fully_correct, feedback.correct, revote and revote.correct, letter)
            if key not in rendered:
                rendered[key] = template.render(
                    context, feedback=feedback, revote=revote, shown=shown
                )
            mine[answer.attempt_id] = rendered[key]
    return found
