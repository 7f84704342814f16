"""The class's statistics against values computed by hand (the same as docs/scoring.md, 14)."""

import math
import random
import statistics
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from quiz_app.bank.catalog import Bank, load_bank
from quiz_app.bank.items import ClassifyQuestion
from quiz_app.learning import class_report, item_stats
from quiz_app.learning.item_stats import ConceptMiss
from quiz_app.models import Answer, Attempt
from quiz_app.paths import bundled

NOW = datetime(2026, 3, 14, 9, 0, tzinfo=UTC)


def test_point_biserial_of_the_worked_example() -> None:
    # Right: rest 0.75 and 0.5 (mean 0.625); wrong: 0.5 and 0.25 (0.375); s = 0.1768, p = 0.5.
    r = item_stats.point_biserial([True, True, False, False], [0.75, 0.5, 0.5, 0.25])
    assert r == pytest.approx(0.7071, abs=1e-4)


def test_point_biserial_is_negative_when_the_weaker_students_get_it_right() -> None:
    r = item_stats.point_biserial([False, False, True, True], [0.75, 0.5, 0.5, 0.25])
    assert r == pytest.approx(-0.7071, abs=1e-4)


@pytest.mark.parametrize(
    ("item", "rest"),
    [([True, True], [0.2, 0.8]), ([False, False], [0.2, 0.8]), ([True, False], [0.5, 0.5])],
)
def test_point_biserial_is_undefined_without_spread(item: list[bool], rest: list[float]) -> None:
    assert item_stats.point_biserial(item, rest) is None


def test_kr20_of_the_worked_example() -> None:
    # Totals 3, 2, 1, 0: variance 1.25; p = 3/4, 2/4, 1/4: Σpq = 0.625; 3/2 × (1 − 0.5).
    grid = [[1, 1, 1], [1, 1, 0], [1, 0, 0], [0, 0, 0]]
    assert item_stats.kr20([[bool(x) for x in row] for row in grid]) == pytest.approx(0.75)


def test_kr20_of_items_that_disagree_is_below_zero() -> None:
    grid = [[True, False], [False, True], [True, False], [False, True]]
    # Every total is 1: no variance, no reliability to speak of.
    assert item_stats.kr20(grid) is None
    grid = [[True, False], [False, True], [True, True], [False, False]]
    # Totals 1, 1, 2, 0: variance 0.5; Σpq = 0.5; 2 × (1 − 1) = 0.
    assert item_stats.kr20(grid) == pytest.approx(0.0)


def test_kr20_needs_two_items_and_two_students() -> None:
    assert item_stats.kr20([[True, False, True]]) is None
    assert item_stats.kr20([[True], [False]]) is None


@pytest.mark.parametrize(("df", "t"), [(1, 12.706), (4, 2.776), (30, 2.042), (40, 2.021),
                                       (60, 2.000), (120, 1.980), (10_000, 1.960)])  # fmt: skip
def test_t_quantile_matches_the_published_table(df: int, t: float) -> None:
    assert item_stats.t_975(df) == pytest.approx(t, abs=0.001)


def test_mean_change_of_the_worked_example() -> None:
    # Mean 0.2; sample sd √(0.08 ÷ 4) = 0.1414; t(4) = 2.776; half 2.776 × 0.1414 ÷ √5 = 0.1756.
    found = item_stats.mean_change([0.2, 0.4, 0.0, 0.2, 0.2])
    assert found is not None
    assert (found.mean, found.low, found.high) == pytest.approx((0.2, 0.0244, 0.3756), abs=1e-4)
    assert found.students == 5
    assert found.words == (
        "On average the class changed by about +20 points from check-in to check-out "
        "(5 students); the true average could be anywhere from +2 to +38."
    )


def test_mean_change_is_hidden_below_the_minimum_of_students() -> None:
    assert item_stats.mean_change([0.2] * (item_stats.MIN_CHANGE_STUDENTS - 1)) is None


def test_concepts_missed_ranks_by_share_missed_and_leaves_out_the_thin_ones() -> None:
    concepts = {"q1": ["anecdote"], "q2": ["anecdote", "dose"], "q3": ["dose"], "q4": ["rare"]}
    results = {"q1": (10, 2), "q2": (10, 6), "q3": (10, 1), "q4": (4, 4)}
    found = item_stats.concepts_missed(concepts, results)
    assert found == [
        ConceptMiss("anecdote", 20, 8, ("q2", "q1")),  # 40 %
        ConceptMiss("dose", 20, 7, ("q2", "q3")),  # 35 %
    ]  # "rare" has only 4 answers
    assert [m.percent for m in found] == [40, 35]


def test_teach_next_takes_two_concepts_each_with_a_bundled_question() -> None:
    missed = [
        ConceptMiss("own-only", 10, 9, ("t1.mine",)),
        ConceptMiss("anecdote", 20, 8, ("t1.other", "q2", "q1")),
        ConceptMiss("dose", 20, 7, ("q3",)),
        ConceptMiss("third", 20, 5, ("q4",)),
    ]
    chosen = item_stats.teach_next(missed, {"q1", "q2", "q3", "q4"})
    assert [(m.concept, q) for m, q in chosen] == [("anecdote", "q2"), ("dose", "q3")]


def test_every_number_has_a_one_line_meaning() -> None:
    assert all(text and "\n" not in text for text in item_stats.MEANINGS.values())


# The class report puts them together --------------------------------------------------------


@pytest.fixture(scope="module")
def bank() -> Bank:
    return load_bank(bundled("questions"))


def _attempt(n: int, given: list[tuple[ClassifyQuestion, str, str, str | None]]) -> Attempt:
    attempt = Attempt(id=n, question_ids=[q.id for q, *_ in given], created_at=NOW, seed=2 * n)
    attempt.student_name = f"Student {n}"
    attempt.check_in_count = attempt.check_out_count = 0
    attempt.answers = [
        Answer(
            question_id=q.id,
            answer=verdict,
            correct=verdict == q.verdict,
            reason=reason,
            reason_correct=reason in q.right_reasons,
            confidence=confidence,
            created_at=NOW + timedelta(seconds=10 * i),
        )
        for i, (q, verdict, reason, confidence) in enumerate(given)
    ]
    return attempt


def test_a_question_row_counts_reasons_confidence_and_its_discrimination(bank: Bank) -> None:
    classify = [q for q in bank.questions.values() if isinstance(q, ClassifyQuestion)]
    first, second = classify[0], classify[1]
    right_reason = sorted(first.right_reasons)[0]
    wrong_reason = sorted(set(first.reason_options) - first.right_reasons)[0]
    wrong_verdict = next(v for v in ("research", "hypothesis", "unsupported") if v != first.verdict)
    attempts = []
    for n in range(12):
        strong = n < 6  # the first six get the other question right too
        verdict = first.verdict if n < 8 else wrong_verdict
        other = (
            second.verdict
            if strong
            else next(v for v in ("research", "hypothesis", "unsupported") if v != second.verdict)
        )
        reason = right_reason if n < 4 else wrong_reason
        sure = "certain" if n < 8 else "unsure"
        given = [
            (first, verdict, reason, sure),
            (second, other, sorted(second.right_reasons)[0], None),
        ]
        attempts.append(_attempt(n + 1, given))
    report = class_report.class_report(attempts, {first.id: first, second.id: second}, [])
    row = next(r for r in report.questions if r.question_id == first.id)
    assert (row.answered, row.correct, row.percent, row.enough) == (12, 8, 67, True)
    assert (row.reasons_asked, row.reasons_right, row.reason_percent) == (12, 4, 33)
    assert row.most_common_wrong == (wrong_verdict, 4)
    assert row.most_common_wrong_reason == (wrong_reason, 8)
    assert row.mean_confidence_right == pytest.approx(0.95)
    assert row.mean_confidence_wrong == pytest.approx(0.5)
    # Right on `first`: six with the other right (rest 1), two with it wrong (rest 0); wrong:
    # four with it wrong. M₁ = 0.75, M₀ = 0, s = 0.5, p = 2/3: r = 1.5 × √(2/9) = 0.7071.
    assert row.discrimination == pytest.approx(0.7071, abs=1e-4)
    student = report.students[4]  # right verdict, wrong reason on `first`
    assert student.wrong_reason == 1
    assert student.profile.reasons.right == 1


def test_a_question_with_too_few_answers_gets_no_discrimination(bank: Bank) -> None:
    classify = [q for q in bank.questions.values() if isinstance(q, ClassifyQuestion)]
    q1, q2 = classify[0], classify[1]
    attempts = [
        _attempt(n, [(q1, q1.verdict if n % 2 else "research", sorted(q1.right_reasons)[0], None),
                     (q2, q2.verdict, sorted(q2.right_reasons)[0], None)])
        for n in range(item_stats.MIN_ITEM_ANSWERS - 1)
    ]  # fmt: skip
    report = class_report.class_report(attempts, {q1.id: q1, q2.id: q2}, [])
    assert all(not r.enough and r.discrimination is None for r in report.questions)


def test_the_worked_examples_in_the_docs_say_what_the_code_computes() -> None:
    text = (Path(__file__).parents[2] / "docs" / "scoring.md").read_text(encoding="utf-8")
    r = item_stats.point_biserial([True, True, False, False], [0.75, 0.5, 0.5, 0.25])
    grid = [[True, True, True], [True, True, False], [True, False, False], [False] * 3]
    change = item_stats.mean_change([0.2, 0.4, 0.0, 0.2, 0.2])
    assert r is not None and change is not None
    assert f"r = 0.25 ÷ 0.177 × 0.5 = **{r:.2f}**" in text
    assert f"KR-20 = 3/2 × (1 − 0.625 ÷ 1.25) =\n**{item_stats.kr20(grid):.2f}**" in text
    assert change.words.replace("\N{MINUS SIGN}", "−") in " ".join(text.split())
    for name, value in (("MIN_ITEM_ANSWERS", 10), ("MIN_KR20_STUDENTS", 20)):
        assert getattr(item_stats, name) == value and f"| `{name}` | {value} |" in text


def test_pstdev_and_point_biserial_by_counts_give_the_standard_library_s_values() -> None:
    """The dashboard's fast forms (by distinct values) round exactly as statistics does."""
    rng = random.Random(14)
    for n in range(400):
        size = rng.randint(2, 60)
        item = [rng.random() < 0.6 for _ in range(size)]
        rest = [rng.randint(0, 39) / rng.randint(1, 39) for _ in range(size)]
        if n % 2:
            rest = [rng.choice([0.0, 0.25, 1 / 3, 0.95, 1.0]) for _ in range(size)]
        assert item_stats.pstdev(rest) == statistics.pstdev(rest)
        right = [r for ok, r in zip(item, rest, strict=True) if ok]
        wrong = [r for ok, r in zip(item, rest, strict=True) if not ok]
        expected = None
        if right and wrong and statistics.pstdev(rest):
            p = len(right) / size
            gap = statistics.fmean(right) - statistics.fmean(wrong)
            expected = gap / statistics.pstdev(rest) * math.sqrt(p * (1 - p))
        assert item_stats.point_biserial(item, rest) == expected
