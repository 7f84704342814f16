"""The results profile as pure functions: every number is defined, with an example, in
docs/scoring.md, and the unit tests check them against values computed there by hand."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from quiz_app.bank.vocabulary import VERDICTS
from quiz_app.learning.percentages import percent

# The ordinal scale of support: how far up the evidence a verdict says a claim stands.
ORDINAL: dict[str, int] = {"unsupported": 0, "hypothesis": 1, "research": 2}

# Over-trust and over-doubt are named only with at least this many claims of each verdict
# answered: with fewer, one answer moves a share by a quarter or more (docs/scoring.md, 6).
MIN_PER_VERDICT_ANSWERED = 4
# A tendency is named when at least this share of its claims went its way: one in three, what
# a student who picks among the three verdicts without reading gets on over-trust.
TENDENCY_SHARE = Fraction(1, 3)
# Fewer classify answers than this and the profile says so instead of naming an agreement or a
# calibration: one answer would move each of them too far.
MIN_ANSWERS = 6
# Overconfidence (mean stated chance minus accuracy) within ±0.10 counts as well calibrated.
CALIBRATION_TOLERANCE = 0.10
# The calibration sentence speaks about the most confident level with at least this many answers.
MIN_LEVEL_ANSWERS = 3

TendencyLabel = Literal["over-trusting", "over-doubting", "both", "neither"]
CalibrationLabel = Literal["overconfident", "underconfident", "well calibrated"]
ReasonOutcome = Literal["both-right", "wrong-reason", "right-reason", "both-wrong"]


@dataclass(frozen=True)
class ConfidenceLevel:
    id: str
    label: str  # shown on the radio button
    phrase: str  # "When you were <phrase>, …"
    # The chance of being right that the words mean; None for "guessing", whose chance is one
    # in the number of options of the question answered (ConfidenceLevel.chance).
    probability: float | None

    def chance(self, options: int) -> float:
        """Return the chance this level states on a question with `options` choices."""
        return 1 / options if self.probability is None else self.probability


# A classify question offers three verdicts, so guessing it is right one time in three.
CLASSIFY_OPTIONS = 3

CONFIDENCE: tuple[ConfidenceLevel, ...] = (
    ConfidenceLevel("guessing", "Guessing", "guessing", None),
    ConfidenceLevel("unsure", "Unsure", "unsure", 0.5),
    ConfidenceLevel("fairly-sure", "Fairly sure", "fairly sure", 0.75),
    ConfidenceLevel("certain", "Certain", "certain", 0.95),
)
CONFIDENCE_LEVELS: dict[str, ConfidenceLevel] = {c.id: c for c in CONFIDENCE}


@dataclass(frozen=True)
class Judgement:
    """One classify answer: the true verdict, the student's, and whether the reason was right
    (None when the question asked no reason)."""

    truth: str
    answer: str
    reason_correct: bool | None = None


@dataclass(frozen=True)
class Outcome:
    """One answer of any kind, for calibration: was it right, how sure was the student, and
    how many options the question offered (what "guessing" means on it)."""

    correct: bool
    confidence: str | None = None
    options: int = CLASSIFY_OPTIONS


@dataclass(frozen=True)
class Rate:
    right: int
    total: int

    @property
    def fraction(self) -> float | None:
        return self.right / self.total if self.total else None

    @property
    def percent(self) -> int | None:
        """Return the rate as a whole percentage, or None when there is nothing to count."""
        return percent(self.right, self.total)


def _rate(flags: Iterable[bool]) -> Rate:
    values = list(flags)
    return Rate(sum(values), len(values))


def confusion(judgements: Iterable[Judgement]) -> dict[str, dict[str, int]]:
    """Return the 3×3 table: for each true verdict, how often each verdict was answered
    (table[truth][answer]; the diagonal is the right answers). A student's profile and a
    class's dashboard both count it here; a pair outside the verdicts is not counted."""
    table: dict[str, dict[str, int]] = {t: dict.fromkeys(VERDICTS, 0) for t in VERDICTS}
    for j in judgements:
        if j.truth in table and j.answer in table[j.truth]:
            table[j.truth][j.answer] += 1
    return table


def total_confusion(tables: Iterable[dict[str, dict[str, int]]]) -> dict[str, dict[str, int]]:
    """Return the confusion of several sets of answers together: their tables added up."""
    total = confusion([])
    for table in tables:
        for truth, row in table.items():
            for answer, count in row.items():
                total[truth][answer] += count
    return total


def accuracy_by_verdict(judgements: Iterable[Judgement]) -> dict[str, Rate]:
    """Return, for each true verdict, how many claims of that kind were answered right."""
    items = list(judgements)
    return {v: _rate(j.answer == v for j in items if j.truth == v) for v in VERDICTS}


@dataclass(frozen=True)
class Trust:
    """The two errors a net lean would let cancel, counted apart.

    over_trust: unsupported and hypothesis claims answered as research, of those answered;
    over_doubt: research claims answered as hypothesis or unsupported, of those answered.
    """

    over_trust: Rate
    over_doubt: Rate
    answered: dict[str, int]  # classify claims answered, by true verdict

    @property
    def enough(self) -> bool:
        """Whether every verdict has MIN_PER_VERDICT_ANSWERED answers, so a tendency is named."""
        return all(self.answered[v] >= MIN_PER_VERDICT_ANSWERED for v in VERDICTS)

    @property
    def label(self) -> TendencyLabel | None:
        """Return the tendency in plain words, or None when there are too few answers."""
        return tendency_label(self) if self.enough else None


def trust(judgements: Iterable[Judgement]) -> Trust:
    """Return over-trust and over-doubt, each with its count, over classify judgements."""
    items = [j for j in judgements if j.truth in VERDICTS]
    return Trust(
        over_trust=_rate(j.answer == "research" for j in items if j.truth != "research"),
        over_doubt=_rate(j.answer != "research" for j in items if j.truth == "research"),
        answered={v: sum(j.truth == v for j in items) for v in VERDICTS},
    )


def total_trust(parts: Iterable[Trust]) -> Trust:
    """Return the over-trust and over-doubt of several sets of answers together (a class)."""
    items = list(parts)

    def rate(pick: str) -> Rate:
        rates = [getattr(part, pick) for part in items]
        return Rate(sum(r.right for r in rates), sum(r.total for r in rates))

    answered: dict[str, int] = {v: sum(part.answered[v] for part in items) for v in VERDICTS}
    return Trust(over_trust=rate("over_trust"), over_doubt=rate("over_doubt"), answered=answered)


def tendency_label(result: Trust) -> TendencyLabel:
    """Return which tendencies reach TENDENCY_SHARE of their claims (counts alone decide)."""
    trusting = _reaches(result.over_trust, TENDENCY_SHARE)
    doubting = _reaches(result.over_doubt, TENDENCY_SHARE)
    if trusting and doubting:
        return "both"
    return "over-trusting" if trusting else "over-doubting" if doubting else "neither"


def _reaches(rate: Rate, share: Fraction) -> bool:
    # Compared as exact fractions, so 2 of 6 reaches a third and no rounding decides.
    return rate.total > 0 and Fraction(rate.right, rate.total) >= share


def weighted_kappa(judgements: Iterable[Judgement]) -> float | None:
    """Return Cohen's kappa with quadratic weights between answers and truth.

    1 is perfect agreement, 0 what answering without looking at the claims gives, below 0 worse.
    None when it is undefined: no answers, or answers and truth all in one same category (then
    chance alone would agree every time, and there is nothing to compare against).
    """
    items = list(judgements)
    n = len(items)
    if not n:
        return None
    k = len(VERDICTS)
    observed = [[0] * k for _ in range(k)]
    for j in items:
        observed[ORDINAL[j.truth]][ORDINAL[j.answer]] += 1
    rows = [sum(r) for r in observed]
    cols = [sum(observed[i][c] for i in range(k)) for c in range(k)]

    def weight(i: int, c: int) -> float:
        return (i - c) ** 2 / (k - 1) ** 2

    disagreement = sum(weight(i, c) * observed[i][c] for i in range(k) for c in range(k))
    expected = sum(weight(i, c) * rows[i] * cols[c] / n for i in range(k) for c in range(k))
    if expected == 0:
        return None
    return 1 - disagreement / expected


def kappa_words(value: float) -> str:
    """Return the Landis & Koch (1977) band for a kappa value, in plain words."""
    if value < 0:
        return "worse than chance"
    for upper, words in ((0.2, "slight"), (0.4, "fair"), (0.6, "moderate"), (0.8, "substantial")):
        if value <= upper:
            return words
    return "almost perfect"


def reason_accuracy(judgements: Iterable[Judgement]) -> Rate:
    """Return how often the reason was right, among answers to questions that asked why."""
    return _rate(j.reason_correct for j in judgements if j.reason_correct is not None)


def reason_outcome(verdict_correct: bool, reason_correct: bool) -> ReasonOutcome:
    if verdict_correct:
        return "both-right" if reason_correct else "wrong-reason"
    return "right-reason" if reason_correct else "both-wrong"


def reason_breakdown(judgements: Iterable[Judgement]) -> dict[ReasonOutcome, int]:
    """Return how many answers had verdict and reason both right, only one right, or neither."""
    counts: dict[ReasonOutcome, int] = {
        "both-right": 0,
        "wrong-reason": 0,
        "right-reason": 0,
        "both-wrong": 0,
    }
    for j in judgements:
        if j.reason_correct is not None:
            counts[reason_outcome(j.answer == j.truth, j.reason_correct)] += 1
    return counts


@dataclass(frozen=True)
class LevelRow:
    level: ConfidenceLevel
    rate: Rate


@dataclass(frozen=True)
class Calibration:
    """How well stated confidence matched being right, over the answers that gave one."""

    levels: list[LevelRow]
    answered: int  # answers with a confidence
    mean_confidence: float | None
    accuracy: float | None
    overconfidence: float | None  # mean confidence − accuracy
    brier: float | None  # mean of (stated chance − outcome)², 0 best, 1 worst


def calibration(outcomes: Iterable[Outcome]) -> Calibration:
    """Return accuracy at each confidence level, overconfidence and the Brier score."""
    rated = [
        (CONFIDENCE_LEVELS[o.confidence], CONFIDENCE_LEVELS[o.confidence].chance(o.options), o)
        for o in outcomes
        if o.confidence
    ]
    levels = [
        LevelRow(level, _rate(o.correct for lv, _, o in rated if lv is level))
        for level in CONFIDENCE
    ]
    if not rated:
        return Calibration(levels, 0, None, None, None, None)
    n = len(rated)
    mean_confidence = sum(chance for _, chance, _ in rated) / n
    accuracy = sum(o.correct for _, _, o in rated) / n
    brier = sum((chance - o.correct) ** 2 for _, chance, o in rated) / n
    return Calibration(levels, n, mean_confidence, accuracy, mean_confidence - accuracy, brier)


def calibration_label(overconfidence: float) -> CalibrationLabel:
    """Return overconfidence in plain words, using CALIBRATION_TOLERANCE."""
    if overconfidence > CALIBRATION_TOLERANCE:
        return "overconfident"
    if overconfidence < -CALIBRATION_TOLERANCE:
        return "underconfident"
    return "well calibrated"


def _times(count: int) -> str:
    return "1 time" if count == 1 else f"{count} times"


def calibration_sentence(result: Calibration) -> str | None:
    """Return one plain sentence about the most confident level the student used enough.

    That is the most confident level with MIN_LEVEL_ANSWERS answers or more; failing that, the
    level used most (the more confident one on a tie). None when no confidence was given.
    """
    used = [row for row in result.levels if row.rate.total]
    if not used:
        return None
    enough = [row for row in used if row.rate.total >= MIN_LEVEL_ANSWERS]
    row = enough[-1] if enough else max(reversed(used), key=lambda r: r.rate.total)
    return (
        f"When you were {row.level.phrase}, you were right "
        f"{_times(row.rate.right)} out of {row.rate.total}."
    )


@dataclass(frozen=True)
class Profile:
    """Everything the results page says about a set of answers beyond the score."""

    answered: int  # classify answers
    confusion: dict[str, dict[str, int]]
    by_verdict: dict[str, Rate]
    accuracy: Rate  # classify verdicts right
    trust: Trust
    kappa: float | None
    reasons: Rate
    reason_breakdown: dict[ReasonOutcome, int]
    calibration: Calibration
    calibration_sentence: str | None
    outcomes: int = 0  # answers of every kind, for calibration

    @property
    def enough(self) -> bool:
        """Whether there are enough classify answers to name an agreement."""
        return self.answered >= MIN_ANSWERS

    @property
    def enough_calibration(self) -> bool:
        """Whether enough answers came with a confidence to judge calibration."""
        return self.calibration.answered >= MIN_ANSWERS

    @property
    def calibration_label(self) -> CalibrationLabel | None:
        over = self.calibration.overconfidence
        return calibration_label(over) if over is not None and self.enough_calibration else None


def profile(judgements: Sequence[Judgement], outcomes: Sequence[Outcome]) -> Profile:
    """Return the whole profile of classify judgements, with calibration over every outcome."""
    cal = calibration(outcomes)
    return Profile(
        answered=len(judgements),
        confusion=confusion(judgements),
        by_verdict=accuracy_by_verdict(judgements),
        accuracy=_rate(j.answer == j.truth for j in judgements),
        trust=trust(judgements),
        kappa=weighted_kappa(judgements),
        reasons=reason_accuracy(judgements),
        reason_breakdown=reason_breakdown(judgements),
        calibration=cal,
        calibration_sentence=calibration_sentence(cal),
        outcomes=len(outcomes),
    )
