"""What an imported draft's answers and texts must be before it is built into a bank item:
one right answer, no marks taken away, feedback on each, and a size in proportion to a
question (a file of 300,000 answers is refused at once, not worked through)."""

from collections.abc import Callable

from .drafts import (
    MAX_ANSWERS,
    MAX_FIELD_CHARS,
    OPTION_IDS,
    Draft,
    DraftAnswer,
    Syntax,
    too_many_answers,
)

Problem = Callable[[int, str], None]  # notes a problem: its line, and what is wrong


def within_limits(draft: Draft, problem: Problem) -> bool:
    """Note a question too big to be one of ours (answers, characters) or with images, which
    Claim Check cannot show; return whether it can be built."""
    if len(draft.answers) > MAX_ANSWERS:
        problem(draft.line, too_many_answers(len(draft.answers)))
        return False
    texts = [("the question text", draft.text), ("the general feedback", draft.general_feedback)]
    for number, answer in enumerate(draft.answers, 1):
        texts += [
            (f"answer {number}", answer.text),
            (f"answer {number}'s feedback", answer.feedback),
        ]
    for what, text in texts:
        if len(text) > MAX_FIELD_CHARS:
            problem(
                draft.line,
                f"{what} has {len(text):,} characters; a text may have at most "
                f"{MAX_FIELD_CHARS:,} (the bank's longest field has 1,500).",
            )
            return False
    if draft.images:
        described = ", ".join(f"“{alt}”" if alt else "one without alt text" for alt in draft.images)
        problem(
            draft.line,
            f"it has {len(draft.images)} image(s) ({described}), and Claim Check shows text "
            "only, so they would be lost. Say in words what each image shows (its alt text "
            "is a start), remove the images, and import again.",
        )
        return False
    return True


def right_answers(draft: Draft, syntax: Syntax, problem: Problem) -> list[DraftAnswer]:
    """Return the answers marked right, noting partial credit and anything but one right."""
    for number, answer in enumerate(draft.answers, 1):
        if answer.fraction < 0:
            problem(
                answer.line,
                f"answer {number} takes marks away ({answer.fraction:g}%). Claim Check never "
                "takes marks away: a wrong answer scores 0. "
                f"{syntax.mark_right[0].upper()}{syntax.mark_right[1:]}",
            )
        if 0 < answer.fraction < 100:
            problem(
                answer.line,
                f"answer {number} gives partial credit ({answer.fraction:g}%). Claim Check "
                "questions have one right answer and the others wrong: "
                f"{syntax.mark_right}",
            )
    right = [a for a in draft.answers if a.fraction >= 100]
    if len(right) != 1:
        problem(
            draft.line,
            f"{len(right)} answers are marked right; mark exactly one: {syntax.mark_right}",
        )
    return right


def check_answers(draft: Draft, syntax: Syntax, problem: Problem) -> None:
    """Note what is wrong with the answers themselves, even before the metadata is complete."""
    count = len(draft.answers)
    if not 3 <= count <= len(OPTION_IDS):
        problem(draft.line, f"it has {count} answers; Claim Check questions have 3 to 5.")
    for number, answer in enumerate(draft.answers, 1):
        if not answer.feedback.strip():
            problem(
                answer.line,
                f"answer {number} has no feedback. Claim Check explains every answer: "
                f"{syntax.add_feedback}",
            )
