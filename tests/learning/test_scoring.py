"""The profile's numbers against values computed by hand (the same cases as docs/scoring.md).

Every case uses six claims, two of each kind: research (R), hypothesis (H), unsupported (U).
"""

import pytest

from quiz_app.learning.scoring import (
    CONFIDENCE_LEVELS,
    Change,
    Judgement,
    Outcome,
    calibration,
    calibration_label,
    calibration_sentence,
    confusion,
    kappa_words,
    lean,
    lean_label,
    profile,
    reason_accuracy,
    reason_breakdown,
    weighted_kappa,
)

TRUTHS = ["research", "research", "hypothesis", "hypothesis", "unsupported", "unsupported"]


def _judgements(answers: list[str], reasons: list[bool | None] | None = None) -> list[Judgement]:
    reasons = reasons or [None] * len(answers)
    return [Judgement(t, a, r) for t, a, r in zip(TRUTHS, answers, reasons, strict=True)]


def _outcomes(judgements: list[Judgement], confidence: list[str | None]) -> list[Outcome]:
    return [Outcome(j.answer == j.truth, c) for j, c in zip(judgements, confidence, strict=True)]


def _table(p_confusion: dict[str, dict[str, int]]) -> list[list[int]]:
    order = ["research", "hypothesis", "unsupported"]
    return [[p_confusion[t][a] for a in order] for t in order]


def test_profile_all_correct() -> None:
    judgements = _judgements(TRUTHS, [True] * 6)
    result = profile(judgements, _outcomes(judgements, ["certain"] * 6))
    assert _table(result.confusion) == [[2, 0, 0], [0, 2, 0], [0, 0, 2]]
    assert {v: r.percent for v, r in result.by_verdict.items()} == {
        "research": 100,
        "hypothesis": 100,
        "unsupported": 100,
    }
    assert result.lean == 0 and result.lean_label == "balanced"
    assert result.kappa == 1
    assert (result.reasons.right, result.reasons.total) == (6, 6)
    cal = result.calibration
    assert cal.accuracy == 1
    assert cal.overconfidence == pytest.approx(-0.05)
    assert cal.brier == pytest.approx(0.0025)
    assert result.calibration_label == "well calibrated"
    assert result.calibration_sentence == "When you were certain, you were right 6 times out of 6."
    assert result.enough and result.enough_calibration


def test_profile_all_research_is_over_trusting_with_zero_agreement() -> None:
    judgements = _judgements(["research"] * 6)
    result = profile(judgements, _outcomes(judgements, ["fairly-sure"] * 6))
    assert _table(result.confusion) == [[2, 0, 0], [2, 0, 0], [2, 0, 0]]
    assert [r.percent for r in result.by_verdict.values()] == [100, 0, 0]
    # Differences on the 0-1-2 scale: 0, 0, +1, +1, +2, +2 → 6 / 6.
    assert result.lean == 1.0 and result.lean_label == "over-trusting"
    assert result.kappa == pytest.approx(0.0)
    assert result.reasons.total == 0 and result.reasons.percent is None
    cal = result.calibration
    assert cal.accuracy == pytest.approx(1 / 3)
    assert cal.overconfidence == pytest.approx(0.75 - 1 / 3)
    # (0.75 − 1)² twice and (0.75 − 0)² four times, over 6: (0.125 + 2.25) / 6.
    assert cal.brier == pytest.approx(2.375 / 6)
    assert result.calibration_label == "overconfident"
    assert result.calibration_sentence == (
        "When you were fairly sure, you were right 2 times out of 6."
    )


def test_profile_all_unsupported_is_over_doubting_and_without_confidence_says_nothing() -> None:
    judgements = _judgements(["unsupported"] * 6)
    result = profile(judgements, _outcomes(judgements, [None] * 6))
    assert _table(result.confusion) == [[0, 0, 2], [0, 0, 2], [0, 0, 2]]
    assert result.lean == -1.0 and result.lean_label == "over-doubting"
    assert result.kappa == pytest.approx(0.0)
    assert result.calibration.answered == 0
    assert result.calibration.brier is None
    assert result.calibration_sentence is None
    assert not result.enough_calibration and result.calibration_label is None


def test_profile_mixed_case() -> None:
    # R→R, R→H, H→H, H→R, U→H, U→U; reasons right, wrong, wrong, right, wrong, right.
    judgements = _judgements(
        ["research", "hypothesis", "hypothesis", "research", "hypothesis", "unsupported"],
        [True, False, False, True, False, True],
    )
    confidence = ["certain", "certain", "fairly-sure", "certain", "unsure", None]
    result = profile(judgements, _outcomes(judgements, confidence))
    assert _table(result.confusion) == [[1, 1, 0], [1, 1, 0], [0, 1, 1]]
    assert [r.percent for r in result.by_verdict.values()] == [50, 50, 50]
    # Differences: 0, −1, 0, +1, +1, 0 → +1 / 6: less than a quarter step, so balanced.
    assert result.lean == pytest.approx(1 / 6) and result.lean_label == "balanced"
    # Weighted disagreement 3 × 0.25 = 0.75; expected by chance 1.75 (docs/scoring.md).
    assert result.kappa == pytest.approx(4 / 7)
    assert (result.reasons.right, result.reasons.total) == (3, 6)
    assert result.reason_breakdown == {
        "both-right": 2,
        "wrong-reason": 1,
        "right-reason": 1,
        "both-wrong": 2,
    }
    cal = result.calibration
    assert cal.answered == 5
    assert [(r.level.id, r.rate.right, r.rate.total) for r in cal.levels] == [
        ("guessing", 0, 0),
        ("unsure", 0, 1),
        ("fairly-sure", 1, 1),
        ("certain", 1, 3),
    ]
    assert cal.mean_confidence == pytest.approx(0.82)
    assert cal.accuracy == pytest.approx(0.4)
    assert cal.overconfidence == pytest.approx(0.42)
    assert cal.brier == pytest.approx(2.12 / 5)
    assert result.calibration_sentence == "When you were certain, you were right 1 time out of 3."
    # Five answers came with a confidence: too few to name the calibration.
    assert not result.enough_calibration and result.calibration_label is None
    assert result.enough


def test_profile_empty_attempt_is_all_none_and_not_enough() -> None:
    result = profile([], [])
    assert _table(result.confusion) == [[0, 0, 0]] * 3
    assert all(r.percent is None for r in result.by_verdict.values())
    assert result.lean is None and result.lean_label is None
    assert result.kappa is None
    assert result.reasons.percent is None
    assert result.calibration.overconfidence is None
    assert result.calibration_sentence is None
    assert not result.enough and not result.enough_calibration


def test_profile_with_few_answers_names_no_lean() -> None:
    judgements = [Judgement("unsupported", "research")] * 5
    result = profile(judgements, [])
    assert result.lean == 2.0
    assert not result.enough and result.lean_label is None


def test_weighted_kappa_undefined_when_everything_is_one_kind() -> None:
    assert weighted_kappa([Judgement("research", "research")] * 4) is None
    assert weighted_kappa([]) is None


def test_weighted_kappa_below_zero_when_answers_reverse_the_scale() -> None:
    reversed_answers = {"research": "unsupported", "hypothesis": "hypothesis"}
    reversed_answers["unsupported"] = "research"
    value = weighted_kappa([Judgement(t, reversed_answers[t]) for t in TRUTHS])
    # Disagreement: 4 answers two steps off, weight 1 each = 4. By chance every cell expects
    # 2 × 2 / 6 = 2/3, and the nine weights add up to 3, so 2. Kappa = 1 − 4 / 2.
    assert value == pytest.approx(-1.0)
    assert kappa_words(value) == "worse than chance"


@pytest.mark.parametrize(
    ("value", "words"),
    [(0.1, "slight"), (0.3, "fair"), (0.5, "moderate"), (0.7, "substantial")]
    + [(0.9, "almost perfect")],
)
def test_kappa_words_follow_landis_and_koch(value: float, words: str) -> None:
    assert kappa_words(value) == words


@pytest.mark.parametrize(
    ("value", "label"),
    [(0.25, "over-trusting"), (0.24, "balanced"), (-0.24, "balanced"), (-0.25, "over-doubting")],
)
def test_lean_label_threshold_is_a_quarter_step(value: float, label: str) -> None:
    assert lean_label(value) == label


@pytest.mark.parametrize(
    ("value", "label"),
    [(0.11, "overconfident"), (0.1, "well calibrated"), (-0.1, "well calibrated")]
    + [(-0.11, "underconfident")],
)
def test_calibration_label_tolerance_is_ten_points(value: float, label: str) -> None:
    assert calibration_label(value) == label


def test_confidence_levels_are_documented_probabilities() -> None:
    assert {k: round(v.chance(3), 2) for k, v in CONFIDENCE_LEVELS.items()} == {
        "guessing": 0.33,
        "unsure": 0.5,
        "fairly-sure": 0.75,
        "certain": 0.95,
    }


@pytest.mark.parametrize(("options", "chance"), [(3, 1 / 3), (4, 0.25), (5, 0.2)])
def test_guessing_chance_is_one_in_the_number_of_options(options: int, chance: float) -> None:
    assert CONFIDENCE_LEVELS["guessing"].chance(options) == pytest.approx(chance)
    assert CONFIDENCE_LEVELS["unsure"].chance(options) == 0.5


def test_calibration_guessing_on_a_four_option_question_states_a_quarter() -> None:
    # docs/scoring.md, section 9: a right guess on a classify claim (1/3) and a wrong guess on
    # a 4-option question (1/4). Mean (1/3 + 1/4) / 2 = 7/24; Brier ((2/3)² + (1/4)²) / 2.
    outcomes = [Outcome(True, "guessing"), Outcome(False, "guessing", options=4)]
    cal = calibration(outcomes)
    assert cal.mean_confidence == pytest.approx(7 / 24)
    assert cal.overconfidence == pytest.approx(7 / 24 - 0.5)
    assert cal.brier == pytest.approx(((2 / 3) ** 2 + 0.25**2) / 2)


def test_calibration_sentence_falls_back_to_the_level_used_most() -> None:
    outcomes = [Outcome(True, "certain"), Outcome(False, "unsure"), Outcome(True, "unsure")]
    assert calibration_sentence(calibration(outcomes)) == (
        "When you were unsure, you were right 1 time out of 2."
    )


def test_lean_and_confusion_of_single_answers() -> None:
    assert lean([Judgement("hypothesis", "research")]) == 1
    assert confusion([Judgement("hypothesis", "research")])["hypothesis"]["research"] == 1
    assert reason_accuracy([Judgement("research", "research", False)]).percent == 0
    assert reason_breakdown([Judgement("research", "unsupported", True)])["right-reason"] == 1


def test_change_between_check_in_and_check_out() -> None:
    before_j = _judgements(["research"] * 6)
    after_j = _judgements(TRUTHS)
    before = profile(before_j, _outcomes(before_j, ["certain"] * 6))
    after = profile(after_j, _outcomes(after_j, ["certain"] * 6))
    change = Change(before, after)
    assert change.accuracy == pytest.approx(1 - 1 / 3)
    assert change.lean == pytest.approx(-1.0)
    assert change.overconfidence == pytest.approx(-0.05 - (0.95 - 1 / 3))
    # Before: (0.05² × 2 + 0.95² × 4) / 6 = 3.615 / 6; after: 0.05² = 0.0025.
    assert change.brier == pytest.approx(0.0025 - 3.615 / 6)
    assert change.enough and change.enough_calibration
    assert Change(profile([], []), after).accuracy is None
