"""The balanced draw: every student's set holds enough of each verdict, in a split that varies
from student to student, and the same seed draws the same questions."""

import random
from collections import Counter

import pytest

from quiz_app.bank.catalog import Bank, load_bank
from quiz_app.bank.draw import MIN_PER_VERDICT, draw
from quiz_app.bank.items import ClassifyQuestion
from quiz_app.bank.vocabulary import VERDICTS
from quiz_app.classroom.assignments import questions_for_student
from quiz_app.models import Assignment
from quiz_app.paths import bundled

DRAWS = 1000  # seeded draws checked per set


@pytest.fixture(scope="module")
def bank() -> Bank:
    return load_bank(bundled("questions"))


def _split(bank: Bank, ids: list[str]) -> tuple[int, ...]:
    counts = Counter(
        q.verdict for q in (bank.questions[i] for i in ids) if isinstance(q, ClassifyQuestion)
    )
    return tuple(counts[v] for v in VERDICTS)


def _sets_of_ten(bank: Bank) -> list[str]:
    return [s.id for s in bank.sets.values() if s.selection.count == 10]


def test_sets_of_ten_exist_in_the_bundled_bank(bank: Bank) -> None:
    assert len(_sets_of_ten(bank)) >= 3


@pytest.mark.parametrize("set_id", ["micro-not-safe", "evidence-gaps", "online-claims"])
def test_draw_classify_set_of_ten_has_three_of_each_verdict_in_a_varying_split(
    bank: Bank, set_id: str
) -> None:
    qset = bank.sets[set_id]
    splits = Counter(_split(bank, bank.phases(qset, seed).practice) for seed in range(DRAWS))
    assert all(sum(split) == 10 and min(split) >= MIN_PER_VERDICT for split in splits), splits
    assert set(splits) == {(4, 3, 3), (3, 4, 3), (3, 3, 4)}, splits


def test_draw_every_bundled_set_of_ten_keeps_the_classify_floor(bank: Bank) -> None:
    for set_id in _sets_of_ten(bank):
        qset = bank.sets[set_id]
        pool = bank.matching(qset.selection, exclude=qset.check_ids)
        available = Counter(q.verdict for q in pool if isinstance(q, ClassifyQuestion))
        for seed in range(DRAWS):
            ids = bank.phases(qset, seed).practice
            assert len(ids) == 10
            split = _split(bank, ids)
            if sum(split):
                floor = min(MIN_PER_VERDICT, sum(split) // 3)
                assert all(
                    n >= min(floor, available[v]) for n, v in zip(split, VERDICTS, strict=True)
                ), (set_id, seed, split)


def test_draw_same_seed_gives_same_list(bank: Bank) -> None:
    for qset in bank.sets.values():
        for seed in (0, 1, 7, 123456789):
            assert bank.select(qset, seed) == bank.select(qset, seed)


def test_draw_larger_set_varies_beyond_the_floor(bank: Bank) -> None:
    qset = bank.sets["full-check"]
    splits = {_split(bank, bank.phases(qset, seed).practice) for seed in range(200)}
    assert all(min(split) >= MIN_PER_VERDICT for split in splits)
    assert len(splits) > 5


def _assignment(bank: Bank) -> tuple[Assignment, dict[str, str]]:
    classify = [q for q in bank.questions.values() if isinstance(q, ClassifyQuestion)]
    pool = [q.id for q in classify]
    assignment = Assignment(pool=pool, question_count=10, shuffle=True)
    return assignment, {q.id: q.verdict for q in classify}


def test_questions_for_student_assignment_of_ten_has_three_of_each_verdict(bank: Bank) -> None:
    assignment, verdicts = _assignment(bank)
    splits = Counter(
        _split(bank, questions_for_student(assignment, seed, verdicts)) for seed in range(DRAWS)
    )
    assert all(sum(s) == 10 and min(s) >= MIN_PER_VERDICT for s in splits), splits
    assert set(splits) == {(4, 3, 3), (3, 4, 3), (3, 3, 4)}, splits


def test_questions_for_student_same_seed_gives_same_list(bank: Bank) -> None:
    assignment, verdicts = _assignment(bank)
    assert questions_for_student(assignment, 5, verdicts) == questions_for_student(
        assignment, 5, verdicts
    )
    draws = {tuple(questions_for_student(assignment, s, verdicts)) for s in range(20)}
    assert len(draws) == 20


def test_draw_pool_short_of_a_verdict_takes_all_it_has_and_fills_from_the_rest() -> None:
    verdicts = {f"r{i}": "research" for i in range(10)}
    verdicts |= {f"h{i}": "hypothesis" for i in range(10)}
    verdicts |= {"u0": "unsupported"}
    pool = list(verdicts)
    for seed in range(100):
        ids = draw(pool, verdicts, 10, random.Random(seed))
        assert len(ids) == 10 and "u0" in ids
        assert sum(i.startswith("r") for i in ids) >= MIN_PER_VERDICT
        assert sum(i.startswith("h") for i in ids) >= MIN_PER_VERDICT


def test_draw_option_kinds_keep_the_share_a_plain_sample_gives() -> None:
    verdicts = {f"{v[0]}{i}": v for v in VERDICTS for i in range(10)}
    pool = [*verdicts, *(f"o{i}" for i in range(30))]
    for seed in range(200):
        plain = random.Random(seed).sample(pool, 12)
        ids = draw(pool, verdicts, 12, random.Random(seed))
        others = sorted(i for i in ids if i.startswith("o"))
        assert others == sorted(i for i in plain if i.startswith("o"))
        classify = [i for i in ids if not i.startswith("o")]
        if len(classify) >= 9:
            assert all(sum(i[0] == v[0] for i in classify) >= 3 for v in VERDICTS)


def test_draw_count_covering_the_pool_returns_the_pool() -> None:
    assert draw(["a", "b"], {"a": "research"}, 5, random.Random(1)) == ["a", "b"]
