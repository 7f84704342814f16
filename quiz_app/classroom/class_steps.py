"""The steps of a class run and which step may follow which. Pure functions; no I/O.

One claim goes lobby → answering → spread → (revote → compared →) revealed, then the next
claim's answering, or finished after the last. Students answer only in "answering" and vote
again only in "revote"; the key is shown only from "revealed" on.
"""

from typing import Literal

Step = Literal["lobby", "answering", "spread", "revote", "compared", "revealed", "finished"]
STEPS: tuple[Step, ...] = (
    "lobby",
    "answering",
    "spread",
    "revote",
    "compared",
    "revealed",
    "finished",
)
# The teacher's buttons: the action's name, its label, and the step it leads to.
ACTIONS: dict[str, tuple[str, Step]] = {
    "start": ("Show the first claim", "answering"),
    "spread": ("Show the spread", "spread"),
    "revote": ("Discuss and vote again", "revote"),
    "compare": ("Show both votes", "compared"),
    "reveal": ("Reveal the answer", "revealed"),
    "next": ("Next claim", "answering"),
    "finish": ("End and show the class summary", "finished"),
}
_FOLLOWS: dict[Step, tuple[str, ...]] = {
    "lobby": ("start", "finish"),
    "answering": ("spread",),
    "spread": ("revote", "reveal"),
    "revote": ("compare",),
    "compared": ("reveal",),
    "revealed": ("next", "finish"),
    "finished": (),
}
KEY_SHOWN: frozenset[Step] = frozenset({"revealed", "finished"})


def actions_after(step: Step, *, position: int, total: int) -> tuple[str, ...]:
    """Return the actions the teacher may take at `step` on claim `position` (from 0) of
    `total`: after the last claim's reveal there is no next claim, only the end."""
    allowed = _FOLLOWS[step]
    if step == "revealed" and position + 1 >= total:
        return ("finish",)
    if step == "revealed":
        return ("next",)
    return allowed


class StepError(ValueError):
    """An action that does not follow the run's step (a stale presenter page, a double click)."""


def advance(step: Step, action: str, *, position: int, total: int) -> tuple[Step, int]:
    """Return the step and claim position that `action` leads to from `step`, or raise
    StepError saying what the teacher can do instead."""
    allowed = actions_after(step, position=position, total=total)
    if action not in allowed:
        can = " or ".join(f"“{ACTIONS[a][0]}”" for a in allowed) or "nothing more"
        raise StepError(
            f"The class is at another step now (another window may have moved it on). "
            f"From here you can press {can}."
        )
    new_step = ACTIONS[action][1]
    return new_step, position + 1 if action == "next" else position


def key_shown(step: str) -> bool:
    """Return whether the current claim's key and explanation may be shown at `step`."""
    return step in KEY_SHOWN


def parse_step(value: str) -> Step:
    """Return a stored step as a Step (an unknown one reads as finished: nothing to do)."""
    for step in STEPS:
        if step == value:
            return step
    return "finished"


def student_view(step: Step, *, asked: bool, answered: bool, revoted: bool) -> str:
    """Return what a student's device shows at `step`: "waiting" (for the first or the next
    claim: also a student who came too late to answer this one), "answer", "stored",
    "revote", "revoted", "revealed" or "finished"; `asked` says whether the claim is in
    their attempt at all."""
    if step == "finished":
        return "finished"
    if step == "lobby" or not asked:
        return "waiting"
    if step == "answering":
        return "stored" if answered else "answer"
    if not answered:
        return "waiting"  # too late for this claim: the next one is theirs
    if step == "revote":
        return "revoted" if revoted else "revote"
    if step == "revealed":
        return "revealed"
    return "revoted" if revoted else "stored"  # the spread, or both votes on the projector
