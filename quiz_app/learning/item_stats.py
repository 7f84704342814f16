"""The statistics a teacher or a researcher reads off a class: each question's facility and
discrimination, each form's KR-20 reliability, the class's mean check-in → check-out change
with its 95 % interval, and the concepts the class missed most. Pure functions; every number is
defined, with a worked example, in docs/scoring.md (section 14)."""

import math
import statistics
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from quiz_app.learning.change import Z_95
from quiz_app.learning.percentages import whole_percent

# Each number is hidden until it rests on this much: below it, one answer moves it too far.
MIN_ITEM_ANSWERS = 10  # answers to a question before its percentages and statistics show
MIN_KR20_STUDENTS = 20  # students who answered every item of a form before its KR-20 shows
MIN_CHANGE_STUDENTS = 5  # students with both check forms finished before the mean change shows
MIN_CONCEPT_ANSWERS = 5  # answers to a concept's questions before it can be "most missed"
TEACH_NEXT = 2  # how many concepts "what to teach next" names

# One line each, shown beside the number on the dashboard and in docs/teacher-guide.md.
MEANINGS: dict[str, str] = {
    "score": "The share of questions the student answered right.",
    "reason_accuracy": "How often the student picked the reason that decides the verdict.",
    "wrong_reason": "Right verdicts given for the wrong reason: right answer, shaky grounds.",
    "calibration": "Whether the student's confidence matched how often they were right.",
    "over_trust": "Unsupported or open claims the student took for established research.",
    "over_doubt": "Established research the student took for an open or unsupported claim.",
    "change": "Check-out accuracy minus check-in accuracy, in percentage points.",
    "facility": "The share of answers that were right: high is easy, low is hard.",
    "reason_percent": "The share of answers that gave the reason that decides the verdict.",
    "confidence": "How sure students were, as a chance of being right, when right and wrong.",
    "discrimination": (
        "Whether students who did well on the other questions got this one right "
        "(point-biserial; below 0.2 the question tells strong and weak answers apart poorly)."
    ),
    "kr20": (
        "How consistently a form's questions measure one thing (KR-20, 0 to 1; "
        "0.7 or more is usual for a class test)."
    ),
    "mean_change": (
        "The class's average check-out minus check-in accuracy, with the range it "
        "could plausibly be in (95 % interval)."
    ),
    "concepts_missed": "The ideas about evidence the class got wrong most often.",
    "class_trust": (
        "Over-trust: unsupported or open claims the class took for established research. "
        "Over-doubt: established research the class took for an open or unsupported claim."
    ),
}


def point_biserial(item: Sequence[bool], rest: Sequence[float]) -> float | None:
    """Return the correlation between being right on one question (1 or 0) and the rest score.

    r = (M₁ − M₀) ÷ s × √(p q), with M₁ and M₀ the mean rest score of those right and wrong,
    s the standard deviation of all rest scores (dividing by n) and p the share right. None
    when everybody was right, or wrong, or every rest score is the same.
    """
    return point_biserial_of_counts(Counter(zip(item, rest, strict=True)))


def point_biserial_of_counts(pairs: Mapping[tuple[bool, float], int]) -> float | None:
    """Return point_biserial of the (right, rest score) pairs, each given with how often it
    occurs: the same value (the means and the deviation are computed exactly, then rounded
    once, as statistics.fmean and statistics.pstdev do), in time by distinct rest scores."""
    right = wrong = 0
    by_rest: dict[float, list[int]] = {}  # rest score: [how many, how many of them right]
    for (ok, rest), count in pairs.items():
        if count:
            if (found := by_rest.get(rest)) is None:
                found = by_rest[rest] = [0, 0]
            found[0] += count
            if ok:
                found[1] += count
                right += count
            else:
                wrong += count
    if not right or not wrong:
        return None
    # Every float is an integer over a power of two: over the largest such d, every sum below
    # is an exact integer.
    ratios = [(float(rest).as_integer_ratio(), counts) for rest, counts in by_rest.items()]
    d = max(bottom for (_top, bottom), _counts in ratios)
    total = total_right = squares = 0
    for (top, bottom), (count, count_right) in ratios:
        scaled = top * (d // bottom)
        total += count * scaled
        total_right += count_right * scaled
        squares += count * scaled * scaled
    everyone = right + wrong
    # The variance, n·Σx² − (Σx)² over n²d², exactly (its root needs no reduced fraction).
    s = _sqrt_of_fraction(everyone * squares - total * total, everyone * everyone * d * d)
    if s == 0:
        return None
    p = right / everyone
    gap = total_right / d / right - (total - total_right) / d / wrong
    return gap / s * math.sqrt(p * (1 - p))


# Bits kept when rounding a square root to a float: two mantissas and three guard bits, as in
# the standard library's statistics module, so that the root is correctly rounded.
_SQRT_BITS = 2 * sys.float_info.mant_dig + 3


def pstdev(values: Sequence[float]) -> float:
    """Return the population standard deviation, exactly statistics.pstdev's value (the
    correctly rounded root of the exact variance), but in time by distinct values: a class's
    rest scores repeat a lot, and the dashboard computes one per question."""
    if not values:
        raise statistics.StatisticsError("pstdev requires at least one data point")
    return _pstdev_of_counts(Counter(values))


def _pstdev_of_counts(counts: Mapping[float, int]) -> float:
    """Return the population standard deviation of values counted (see pstdev)."""
    ratios = [(float(v).as_integer_ratio(), count) for v, count in counts.items()]
    d = max(bottom for (_top, bottom), _count in ratios)
    n = total = squares = 0
    for (top, bottom), count in ratios:
        scaled = top * (d // bottom)
        n += count
        total += count * scaled
        squares += count * scaled * scaled
    variance = Fraction(n * squares - total * total, n * n * d * d)
    return _sqrt_of_fraction(variance.numerator, variance.denominator)


def _sqrt_of_fraction(n: int, m: int) -> float:
    """Return √(n/m) correctly rounded: the integer root of n/m scaled by enough bits,
    rounded to odd, then converted once (https://bugs.python.org/msg407078)."""
    q = (n.bit_length() - m.bit_length() - _SQRT_BITS) // 2
    if q >= 0:
        root, scale = _isqrt_to_odd(n, m << 2 * q) << q, 1
    else:
        root, scale = _isqrt_to_odd(n << -2 * q, m), 1 << -q
    return root / scale


def _isqrt_to_odd(n: int, m: int) -> int:
    a = math.isqrt(n // m)
    return a | (a * a * m != n)


def kr20(scores: Sequence[Sequence[bool]]) -> float | None:
    """Return Kuder-Richardson 20 of a form: one row per student, one column per item.

    KR-20 = k ÷ (k − 1) × (1 − Σ pᵢqᵢ ÷ σ²), with pᵢ the share right on item i, qᵢ = 1 − pᵢ
    and σ² the variance of the students' totals (dividing by n). None with fewer than two
    items or two students, or when every total is the same.
    """
    if len(scores) < 2 or len(scores[0]) < 2:
        return None
    n, k = len(scores), len(scores[0])
    totals = [sum(row) for row in scores]
    variance = statistics.pvariance(totals)
    if variance == 0:
        return None
    shares = [sum(row[i] for row in scores) / n for i in range(k)]
    return k / (k - 1) * (1 - sum(p * (1 - p) for p in shares) / variance)


# Student's t, 97.5th percentile, for 1–30 degrees of freedom (two-sided 95 %).
T_975 = (
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
)  # fmt: skip


def t_975(df: int) -> float:
    """Return Student's t quantile for a two-sided 95 % interval: the table up to 30 degrees
    of freedom, beyond that the Cornish-Fisher expansion about z (within 0.001)."""
    if df <= len(T_975):
        return T_975[df - 1]
    z = Z_95
    return z + (z**3 + z) / (4 * df) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df * df)


@dataclass(frozen=True)
class MeanChange:
    """The class's mean check-out − check-in accuracy change (fractions, −1 to +1)."""

    mean: float
    low: float
    high: float
    students: int

    @property
    def words(self) -> str:
        """Return the change and its interval in plain words, in percentage points."""
        low, mean, high = (_points(x) for x in (self.low, self.mean, self.high))
        return (
            f"On average the class changed by about {mean} points from check-in to check-out "
            f"({self.students} students); the true average could be anywhere from {low} to "
            f"{high}."
        )


def _points(fraction: float) -> str:
    value = whole_percent(fraction)
    return f"+{value}" if value > 0 else f"\N{MINUS SIGN}{-value}" if value < 0 else "0"


def mean_change(changes: Sequence[float]) -> MeanChange | None:
    """Return the mean of the students' changes with its 95 % t interval (mean ± t × s ÷ √n,
    s the sample standard deviation); None below MIN_CHANGE_STUDENTS students."""
    n = len(changes)
    if n < max(2, MIN_CHANGE_STUDENTS):
        return None
    mean = statistics.fmean(changes)
    half = t_975(n - 1) * statistics.stdev(changes) / math.sqrt(n)
    return MeanChange(mean, mean - half, mean + half, n)


@dataclass(frozen=True)
class ConceptMiss:
    """How often the answers to the questions testing one concept were wrong."""

    concept: str
    answered: int
    missed: int
    question_ids: tuple[str, ...]  # the questions that test it, most missed first

    @property
    def percent(self) -> int:
        return whole_percent(self.missed / self.answered) if self.answered else 0


def concepts_missed(
    concepts: Mapping[str, Sequence[str]], results: Mapping[str, tuple[int, int]]
) -> list[ConceptMiss]:
    """Return the concepts with MIN_CONCEPT_ANSWERS answers or more, most missed first.

    `concepts` maps each question id to the concepts it tests; `results` maps it to (answers,
    wrong answers). A miss is a wrong verdict or option. Ties: more misses, then concept id.
    """
    answered: dict[str, int] = {}
    missed: dict[str, int] = {}
    tested: dict[str, list[str]] = {}
    for qid, ids in concepts.items():
        total, wrong = results.get(qid, (0, 0))
        for concept in ids:
            answered[concept] = answered.get(concept, 0) + total
            missed[concept] = missed.get(concept, 0) + wrong
            if total:
                tested.setdefault(concept, []).append(qid)
    found = [
        ConceptMiss(
            c,
            answered[c],
            missed[c],
            tuple(sorted(tested[c], key=lambda q: (-results[q][1] / results[q][0], q))),
        )
        for c in answered
        if answered[c] >= MIN_CONCEPT_ANSWERS and missed[c]
    ]
    return sorted(found, key=lambda m: (-m.missed / m.answered, -m.missed, m.concept))


def teach_next(missed: Sequence[ConceptMiss], bundled: set[str]) -> list[tuple[ConceptMiss, str]]:
    """Return the TEACH_NEXT most missed concepts, each with its most missed bundled question
    (a concept tested only by a teacher's own questions is passed over)."""
    chosen = []
    for miss in missed:
        question = next((q for q in miss.question_ids if q in bundled), None)
        if question is not None:
            chosen.append((miss, question))
        if len(chosen) == TEACH_NEXT:
            break
    return chosen
