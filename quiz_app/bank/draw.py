"""The draw of one student's questions from a pool: balanced by verdict, reproducible from the
seed. Bundled sets (catalog.Bank.phases) and teachers' assignments
(classroom.assignments.questions_for_student) both draw here."""

import random
from collections.abc import Mapping, Sequence

from quiz_app.bank.vocabulary import VERDICTS

# Each verdict gets at least this many of a draw's classify questions (when the pool has them
# and the draw holds 3 of each): with 10 questions the split is 3/3/4 in some order, so
# counting the verdicts already seen never gives the last answers (docs/scoring.md, section 3).
MIN_PER_VERDICT = 3


def draw(
    pool: Sequence[str], verdicts: Mapping[str, str], count: int, rng: random.Random
) -> list[str]:
    """Return `count` ids of `pool`, in pool order, with each verdict's share balanced.

    `verdicts` gives the verdict of each classify id; ids without one (the option kinds) keep
    the share a plain random sample gives them. Among the classify picks every verdict gets
    min(MIN_PER_VERDICT, picks // 3) questions when the pool allows, and the rest are drawn at
    random from the remaining classify questions, so each verdict's count varies by seed.
    """
    if count >= len(pool):
        return list(pool)
    sample = rng.sample(list(pool), count)
    others = {i for i in sample if i not in verdicts}
    picks = count - len(others)
    floor = min(MIN_PER_VERDICT, picks // len(VERDICTS))
    classify: set[str] = set()
    for verdict in VERDICTS:
        ids = [i for i in pool if verdicts.get(i) == verdict]
        classify.update(rng.sample(ids, min(floor, len(ids))))
    rest = [i for i in pool if i in verdicts and i not in classify]
    classify.update(rng.sample(rest, picks - len(classify)))
    return [i for i in pool if i in others or i in classify]


def check_forms(
    first: Sequence[str], second: Sequence[str], seed: int, shuffle: bool
) -> tuple[list[str], list[str]]:
    """Return one student's check-in and check-out forms, from a set's two parallel forms.

    The one copy of the rule: bundled sets (catalog.Bank.phases) and teachers' assignments
    (classroom.assignments.phases_for_student) both call it.
    """
    check_in, check_out = list(first), list(second)
    if seed % 2:
        # Counterbalanced: half of the students (odd seeds) take the check_out form first,
        # so form difficulty and learning do not add up (docs/scoring.md, section 11).
        check_in, check_out = check_out, check_in
    if shuffle:
        forms = random.Random(f"{seed}:checks")
        forms.shuffle(check_in)
        forms.shuffle(check_out)
    return check_in, check_out
