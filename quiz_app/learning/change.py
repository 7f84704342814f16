"""The check-in → check-out change, and how sure it is: the change in accuracy with its 95 %
interval in plain words, and the other numbers of the profile, after minus before. Pure
functions; every number is defined, with an example, in docs/scoring.md."""

import math
from dataclasses import dataclass

from quiz_app.learning.percentages import whole_percent
from quiz_app.learning.scoring import Profile, Rate


def _points(fraction: float) -> str:
    """Return a change in percentage points with its sign: "+22", "−20", "0"."""
    value = whole_percent(fraction)
    return f"+{value}" if value > 0 else f"\N{MINUS SIGN}{-value}" if value < 0 else "0"


# z for a two-sided 95 % interval: the normal distribution's 97.5th percentile.
Z_95 = 1.959964


def wilson(rate: Rate, z: float = Z_95) -> tuple[float, float]:
    """Return the Wilson score interval of a proportion (Wilson, 1927); needs rate.total > 0."""
    n, p = rate.total, rate.right / rate.total
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def difference_interval(before: Rate, after: Rate) -> tuple[float, float] | None:
    """Return the 95 % interval of after − before, two independent proportions, by Newcombe's
    hybrid score method (1998, method 10); None when a form has no answers."""
    if not (before.total and after.total):
        return None
    p1, p2 = before.right / before.total, after.right / after.total
    l1, u1 = wilson(before)
    l2, u2 = wilson(after)
    d = p2 - p1
    return d - math.hypot(p2 - l2, u1 - p1), d + math.hypot(u2 - p2, p1 - l1)


@dataclass(frozen=True)
class Change:
    """How the check-out compares with the check-in (after minus before)."""

    before: Profile
    after: Profile

    @property
    def accuracy(self) -> float | None:
        a, b = self.after.accuracy.fraction, self.before.accuracy.fraction
        return a - b if a is not None and b is not None else None

    @property
    def accuracy_interval(self) -> tuple[float, float] | None:
        """Return the 95 % interval of the accuracy change (difference_interval)."""
        return difference_interval(self.before.accuracy, self.after.accuracy)

    @property
    def accuracy_words(self) -> str | None:
        """Return the accuracy change and its 95 % interval in plain words, in points."""
        interval, change = self.accuracy_interval, self.accuracy
        if interval is None or change is None:
            return None
        low, high = (_points(x) for x in interval)
        sizes = {self.before.accuracy.total, self.after.accuracy.total}
        each = f"{sizes.pop()} questions each" if len(sizes) == 1 else "these few questions"
        return (
            f"about {_points(change)} points, but with {each} this could be anywhere "
            f"from {low} to {high}"
        )

    @property
    def over_trust(self) -> int:
        """Return how many more claims the second form over-trusted than the first."""
        return self.after.trust.over_trust.right - self.before.trust.over_trust.right

    @property
    def over_doubt(self) -> int:
        """Return how many more claims the second form over-doubted than the first."""
        return self.after.trust.over_doubt.right - self.before.trust.over_doubt.right

    @property
    def overconfidence(self) -> float | None:
        a, b = self.after.calibration.overconfidence, self.before.calibration.overconfidence
        return a - b if a is not None and b is not None else None

    @property
    def brier(self) -> float | None:
        a, b = self.after.calibration.brier, self.before.calibration.brier
        return a - b if a is not None and b is not None else None

    @property
    def enough(self) -> bool:
        return self.before.enough and self.after.enough

    @property
    def enough_calibration(self) -> bool:
        return self.before.enough_calibration and self.after.enough_calibration
