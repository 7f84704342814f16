"""How an attempt shows a question: positions, the student's order, opaque values."""

import pytest

from quiz_app.bank.catalog import Bank, load_bank
from quiz_app.bank.items import ClassifyQuestion
from quiz_app.learning import presentation
from quiz_app.learning.presentation import NOT_A_CHOICE, present
from quiz_app.paths import bundled


@pytest.fixture(scope="module")
def bank() -> Bank:
    return load_bank(bundled("questions"))


def _options_question(bank: Bank) -> str:
    return next(q.id for q in bank.questions.values() if not isinstance(q, ClassifyQuestion))


def _classify_question(bank: Bank) -> str:
    return next(q.id for q in bank.questions.values() if isinstance(q, ClassifyQuestion))


@pytest.mark.parametrize(
    ("handle", "expected"),
    [("1", 1), ("12", 12), ("0", None), ("01", None), ("-1", None), ("legal-07", None), ("", None)],
)
def test_parse_position_takes_only_plain_positive_numbers(
    handle: str, expected: int | None
) -> None:
    assert presentation.parse_position(handle) == expected


def test_question_at_out_of_range_is_none() -> None:
    ids = ["a-01", "b-02"]
    assert presentation.question_at(ids, 1) == "a-01"
    assert presentation.question_at(ids, 2) == "b-02"
    assert presentation.question_at(ids, 3) is None
    assert presentation.position_of(ids, "b-02") == 2


def test_in_student_order_same_seed_and_key_gives_same_order() -> None:
    items = list(range(10))
    first = presentation.in_student_order(items, seed=7, key="q")
    assert presentation.in_student_order(items, seed=7, key="q") == first
    assert sorted(first) == items
    orders = {tuple(presentation.in_student_order(items, seed=s, key="q")) for s in range(20)}
    assert len(orders) > 1


def test_present_option_values_are_positions_never_ids(bank: Bank) -> None:
    q = bank.questions[_options_question(bank)]
    shown = present(q, seed=3, concepts=bank.concepts)
    assert [c.value for c in shown.options] == [str(i + 1) for i in range(len(shown.options))]
    assert [c.letter for c in shown.options] == ["A", "B", "C", "D", "E"][: len(shown.options)]
    assert sorted(c.id for c in shown.options) == sorted(o.id for o in q.options)  # type: ignore[union-attr]
    for choice in shown.options:
        assert shown.answer_id(choice.value) == choice.id
        assert shown.letter_of(choice.id) == choice.letter
    assert shown.answer_id(shown.options[0].id) == NOT_A_CHOICE  # a file id is not a value
    assert shown.answer_id("") == ""


def test_present_option_order_varies_by_seed(bank: Bank) -> None:
    q = bank.questions[_options_question(bank)]
    orders = {
        tuple(c.id for c in present(q, seed=s, concepts=bank.concepts).options) for s in range(30)
    }
    assert len(orders) > 1


def test_present_reasons_keep_the_order_they_had_before_options_were_shuffled(
    bank: Bank,
) -> None:
    import random

    q = bank.questions[_classify_question(bank)]
    assert isinstance(q, ClassifyQuestion)
    ids = [c for c in q.reason_options if c in bank.concepts]
    random.Random(f"11:{q.id}").shuffle(ids)  # the rule reasons were shuffled by until now
    shown = present(q, seed=11, concepts=bank.concepts)
    assert [c.id for c in shown.reasons] == ids
    assert shown.options == []


def test_present_classify_maps_reason_values_and_keeps_verdicts(bank: Bank) -> None:
    q = bank.questions[_classify_question(bank)]
    shown = present(q, seed=5, concepts=bank.concepts)
    assert shown.answer_id("research") == "research"
    for choice in shown.reasons:
        assert shown.reason_id(choice.value) == choice.id
    assert shown.reason_id("") is None
    assert shown.reason_id(shown.reasons[0].id) == NOT_A_CHOICE
    assert shown.answer_label("hypothesis") == "Hypothesis"
