"""What a class answered to one claim, as the presenter shows it: the spread of choices, of
reasons and of confidence, and how the second vote changed the first. Pure functions; no I/O.

Nothing here knows who answered: the rows are anonymous (choice, reason, confidence) votes.
"""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

NOT_SAID = "Did not say"  # a vote without a reason or a confidence


@dataclass(frozen=True)
class Vote:
    """One student's vote on the claim: the choice (verdict or option id), reason, confidence."""

    answer: str
    reason: str | None = None
    confidence: str | None = None


@dataclass(frozen=True)
class Bar:
    """One bar of a chart: its label, how many chose it and the share of all votes (0-100)."""

    key: str
    label: str
    count: int
    percent: int


@dataclass(frozen=True)
class Spread:
    votes: int
    choices: list[Bar]
    reasons: list[Bar]
    confidence: list[Bar]


@dataclass(frozen=True)
class Change:
    """How many students went from one choice (first vote) to another (second vote)."""

    first: str
    second: str
    count: int


@dataclass(frozen=True)
class Comparison:
    """Both votes side by side: the spreads, how many voted twice, how many changed and how."""

    first: Spread
    second: Spread
    voted_twice: int
    changed: int
    changes: list[Change]


def _share(count: int, total: int) -> int:
    return round(100 * count / total) if total else 0


def bars(values: Sequence[str | None], labels: Sequence[tuple[str, str]]) -> list[Bar]:
    """Return one bar per (key, label), in that order, counting `values`; values with no
    label (None: not said) get a last "Did not say" bar when there are any."""
    counts = Counter(values)
    total = len(values)
    known = {key for key, _ in labels}
    found = [Bar(key, label, counts[key], _share(counts[key], total)) for key, label in labels]
    other = sum(n for value, n in counts.items() if value not in known)
    if other:
        found.append(Bar("", NOT_SAID, other, _share(other, total)))
    return found


def spread(
    votes: Sequence[Vote],
    *,
    choices: Sequence[tuple[str, str]],
    reasons: Sequence[tuple[str, str]],
    confidence: Sequence[tuple[str, str]],
) -> Spread:
    """Return the spread of `votes` over the claim's choices, reasons and confidence levels."""
    return Spread(
        votes=len(votes),
        choices=bars([v.answer for v in votes], choices),
        reasons=bars([v.reason for v in votes], reasons) if reasons else [],
        confidence=bars([v.confidence for v in votes], confidence) if confidence else [],
    )


def changes(pairs: Sequence[tuple[Vote, Vote]], labels: dict[str, str]) -> list[Change]:
    """Return how the choices moved between the first and the second vote, the most common
    move first; only the students who changed their choice are counted."""
    moves = Counter((a.answer, b.answer) for a, b in pairs if a.answer != b.answer)
    ordered = sorted(moves.items(), key=lambda item: (-item[1], item[0]))
    return [
        Change(labels.get(first, first), labels.get(second, second), n)
        for (first, second), n in ordered
    ]


def compare(
    pairs: Sequence[tuple[Vote, Vote | None]],
    *,
    choices: Sequence[tuple[str, str]],
    reasons: Sequence[tuple[str, str]],
    confidence: Sequence[tuple[str, str]],
) -> Comparison:
    """Return both votes side by side. A student who did not vote again keeps their first
    vote in the second spread (they did not change their mind), and is not counted as twice."""
    labels = dict(choices)
    twice = [(a, b) for a, b in pairs if b is not None]
    second = [b if b is not None else a for a, b in pairs]
    moved = changes(twice, labels)
    axes = {"choices": choices, "reasons": reasons, "confidence": confidence}
    return Comparison(
        first=spread([a for a, _ in pairs], **axes),
        second=spread(second, **axes),
        voted_twice=len(twice),
        changed=sum(c.count for c in moved),
        changes=moved,
    )
