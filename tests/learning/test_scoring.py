"""The profile's numbers against values computed by hand (the same cases as docs/scoring.md).

Every case uses six claims, two of each kind: research (R), hypothesis (H), unsupported (U).
"""

import pytest

from quiz_app.learning.change import Change, difference_interval, wilson
from quiz_app.learning.scoring import (
    CONFIDENCE_LEVELS,
    MIN_PER_VERDICT_ANSWERED,
    Judgement,
    Outcome,
    Profile,
    Rate,
    Trust,
    calibration,
    calibration_label,
    calibration_sentence,
    confusion,
    kappa_words,
    profile,
    reason_accuracy,
    reason_breakdown,
    tendency_label,
    trust,
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
    assert _trust(result.trust) == ((0, 4), (0, 2))
    assert result.trust.label is None  # two of each kind: too few to name a tendency
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
    # Every hypothesis and unsupported claim taken as research; no research doubted.
    assert _trust(result.trust) == ((4, 4), (0, 2))
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
    assert _trust(result.trust) == ((0, 4), (2, 2))
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
    # H→R over-trusts once; R→H over-doubts once: counted apart, they do not cancel.
    assert _trust(result.trust) == ((1, 4), (1, 2))
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
    assert _trust(result.trust) == ((0, 0), (0, 0)) and result.trust.label is None
    assert result.kappa is None
    assert result.reasons.percent is None
    assert result.calibration.overconfidence is None
    assert result.calibration_sentence is None
    assert not result.enough and not result.enough_calibration


def test_profile_with_few_answers_names_no_tendency() -> None:
    judgements = [Judgement("unsupported", "research")] * 5
    result = profile(judgements, [])
    assert _trust(result.trust) == ((5, 5), (0, 0))
    assert not result.enough and result.trust.label is None


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


def _trust(result: Trust) -> tuple[tuple[int, int], tuple[int, int]]:
    return (
        (result.over_trust.right, result.over_trust.total),
        (result.over_doubt.right, result.over_doubt.total),
    )


def _answers(research: list[str], hypothesis: list[str], unsupported: list[str]) -> Trust:
    return trust(
        [Judgement("research", a) for a in research]
        + [Judgement("hypothesis", a) for a in hypothesis]
        + [Judgement("unsupported", a) for a in unsupported]
    )


R, H, U = "research", "hypothesis", "unsupported"


def test_trust_swapping_research_and_unsupported_shows_both_errors() -> None:
    # The case a net lean called "balanced" (kappa −1): each error is counted and named.
    result = _answers([U] * 4, [H] * 4, [R] * 4)
    assert _trust(result) == ((4, 8), (4, 4))
    assert result.label == "both"


@pytest.mark.parametrize(
    ("answers", "label"),
    [
        (([R] * 4, [H] * 4, [U] * 4), "neither"),
        (([R] * 4, [H] * 4, [R] * 3 + [U]), "over-trusting"),  # 3 of 8 reaches a third
        (([R] * 4, [H] * 4, [R] * 2 + [U] * 2), "neither"),  # 2 of 8 does not
        (([R] * 4, [H] * 4, [H] * 4), "neither"),  # unsupported taken as open is not trust
        (([H] * 2 + [R] * 2, [H] * 4, [U] * 4), "over-doubting"),  # 2 of 4
        (([U] + [R] * 3, [H] * 4, [U] * 4), "neither"),  # 1 of 4
    ],
)
def test_tendency_label_names_a_share_of_a_third(
    answers: tuple[list[str], list[str], list[str]], label: str
) -> None:
    assert _answers(*answers).label == label
    assert tendency_label(_answers(*answers)) == label


@pytest.mark.parametrize(
    "answers",
    [([U] * 3, [R] * 4, [R] * 4), ([U] * 4, [R] * 3, [R] * 4), ([U] * 4, [R] * 4, [R] * 3)],
)
def test_tendency_needs_four_answers_of_each_verdict(
    answers: tuple[list[str], list[str], list[str]],
) -> None:
    assert MIN_PER_VERDICT_ANSWERED == 4
    result = _answers(*answers)
    assert not result.enough and result.label is None
    assert tendency_label(result) == "both"  # the counts alone would name it
    more = _answers(*(a + a[:1] for a in answers))
    assert more.enough and more.label == "both"


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


def test_trust_and_confusion_of_single_answers() -> None:
    assert trust([Judgement("hypothesis", "research")]).over_trust.right == 1
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
    assert (change.over_trust, change.over_doubt) == (-4, 0)
    assert change.overconfidence == pytest.approx(-0.05 - (0.95 - 1 / 3))
    # Before: (0.05² × 2 + 0.95² × 4) / 6 = 3.615 / 6; after: 0.05² = 0.0025.
    assert change.brier == pytest.approx(0.0025 - 3.615 / 6)
    assert change.enough and change.enough_calibration
    assert Change(profile([], []), after).accuracy is None


def test_difference_interval_matches_newcombes_published_example() -> None:
    # Newcombe (1998), Statistics in Medicine 17, table II, (a) 56/70 − 48/80, method 10.
    low, high = difference_interval(Rate(48, 80), Rate(56, 70))
    assert (round(low, 4), round(high, 4)) == (0.0524, 0.3339)
    # (c) 10/10 − 0/10: the score interval stays inside −1..1 where Wald's would not.
    low, high = difference_interval(Rate(0, 10), Rate(10, 10))
    assert (round(low, 4), round(high, 4)) == (0.6075, 1.0)


def test_difference_interval_of_nine_questions_each_is_docs_worked_example() -> None:
    # docs/scoring.md, section 11: 3 of 9 right, then 5 of 9.
    assert wilson(Rate(3, 9)) == pytest.approx((0.1206, 0.6458), abs=1e-4)
    assert wilson(Rate(5, 9)) == pytest.approx((0.2667, 0.8112), abs=1e-4)
    assert difference_interval(Rate(3, 9), Rate(5, 9)) == pytest.approx((-0.203, 0.555), abs=1e-3)
    assert difference_interval(Rate(0, 0), Rate(5, 9)) is None


def test_change_accuracy_words_give_the_interval_in_points() -> None:
    def form(right: int) -> Profile:
        judgements = [Judgement("research", "research")] * right
        return profile(judgements + [Judgement("research", "hypothesis")] * (9 - right), [])

    change = Change(form(3), form(5))
    assert change.accuracy_words == (
        "about +22 points, but with 9 questions each this could be anywhere from −20 to +55"
    )
    assert Change(form(5), form(5)).accuracy_words == (
        "about 0 points, but with 9 questions each this could be anywhere from −39 to +39"
    )
    assert Change(profile([], []), form(5)).accuracy_words is None
