"""Sets with check-in and check-out forms, and pass and mastery marks: check_bank says exactly
what is wrong, and a student's questions come in the order check-in, practice, check-out."""

from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from quiz_app.bank.catalog import check_bank, load_bank
from quiz_app.paths import bundled
from tests.support.learning_bank import PRACTICE_IDS, check_forms, classify_id, write_learning_bank


def _with_set(tmp_path: Path, **fields: Any) -> Path:
    """Write the learning bank with one more set, `extra`, made of the given fields."""
    root = write_learning_bank(tmp_path)
    sets = yaml.safe_load((root / "sets.yaml").read_text())
    sets["sets"].append(
        {"id": "extra", "title": "Extra", "description": "A set under test.", **fields}
    )
    (root / "sets.yaml").write_text(yaml.safe_dump(sets, sort_keys=False))
    return root


def _problems(root: Path) -> list[str]:
    bank, problems = check_bank(root)
    assert bank is None
    return [str(p) for p in problems]


CHECK_IN, CHECK_OUT = check_forms()
SELECTION = {"ids": PRACTICE_IDS}


def test_check_forms_that_match_item_for_item_load(tmp_path: Path) -> None:
    root = _with_set(tmp_path, selection=SELECTION, check_in=CHECK_IN, check_out=CHECK_OUT)
    assert load_bank(root).sets["extra"].check_in == CHECK_IN


def test_check_forms_unmatched_items_are_named_with_each_difference(tmp_path: Path) -> None:
    check_out = [
        CHECK_OUT[1],  # items 1 and 2 swapped: same verdict, other first concept
        CHECK_OUT[0],
        *CHECK_OUT[2:4],
        classify_id("unsupported", "legal-not-dose", 1),  # same verdict, other concept
        classify_id("research", "clinic-not-everyday", 1),  # another verdict and concept
    ]
    root = _with_set(tmp_path, selection=SELECTION, check_in=CHECK_IN, check_out=check_out)
    assert _problems(root) == [
        "sets.yaml: extra: check_out: item 1 is not matched: check_in res-fair-comparison-1 "
        "and check_out res-short-not-long-2 differ in first concept "
        "(fair-comparison vs short-not-long)",
        "sets.yaml: extra: check_out: item 2 is not matched: check_in res-short-not-long-1 "
        "and check_out res-fair-comparison-2 differ in first concept "
        "(short-not-long vs fair-comparison)",
        "sets.yaml: extra: check_out: item 5 is not matched: check_in uns-anecdote-1 "
        "and check_out uns-legal-not-dose-1 differ in first concept (anecdote vs legal-not-dose)",
        "sets.yaml: extra: check_out: item 6 is not matched: check_in uns-small-not-safe-1 "
        "and check_out res-clinic-not-everyday-1 differ in verdict (unsupported vs research), "
        "first concept (small-not-safe vs clinic-not-everyday)",
    ]


def test_check_forms_different_difficulty_is_a_problem(tmp_path: Path) -> None:
    practice_item = classify_id("research", "fair-comparison", 3)  # difficulty 1, not 2
    root = _with_set(
        tmp_path,
        selection={"ids": [classify_id("research", "short-not-long", 3)]},
        check_in=[CHECK_IN[0]],
        check_out=[practice_item],
    )
    assert _problems(root) == [
        "sets.yaml: extra: check_out: item 1 is not matched: check_in res-fair-comparison-1 "
        "and check_out res-fair-comparison-3 differ in difficulty (2 vs 1)"
    ]


def test_check_forms_different_register_or_source_is_a_problem(tmp_path: Path) -> None:
    root = _with_set(tmp_path, selection=SELECTION, check_in=CHECK_IN, check_out=CHECK_OUT)
    for path in root.glob("*.yaml"):
        data = yaml.safe_load(path.read_text())
        for item in data.get("questions", []):
            if item["id"] == CHECK_OUT[0]:
                item["register"] = "alarming"
            if item["id"] == CHECK_IN[1]:
                item["seen_in"] = "forum-post"
        path.write_text(yaml.safe_dump(data, sort_keys=False))
    # The learning bank's own check set uses the same forms; the new set is named `extra`.
    assert [p for p in _problems(root) if "extra:" in p] == [
        f"sets.yaml: extra: check_out: item 1 is not matched: check_in {CHECK_IN[0]} "
        f"and check_out {CHECK_OUT[0]} differ in register (scientific vs alarming)",
        f"sets.yaml: extra: check_out: item 2 is not matched: check_in {CHECK_IN[1]} "
        f"and check_out {CHECK_OUT[1]} differ in source (forum-post vs none)",
    ]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"check_in": CHECK_IN, "check_out": CHECK_OUT[:5]}, "(set)", "the two forms must be"),
        ({"check_in": CHECK_IN, "check_out": CHECK_IN}, "(set)", "only once"),
        ({"check_in": ["nope-1"], "check_out": [CHECK_OUT[0]]}, "check_in/check_out", "nope-1"),
        ({"check_in": ["best-focus"], "check_out": [CHECK_OUT[0]]}, "check_in", "not classify"),
        ({"pass_mark": 90, "mastery_mark": 80}, "(set)", "at least pass_mark"),
        ({"pass_mark": 0}, "pass_mark", "greater than or equal to 1"),
        ({"mastery_mark": 101}, "mastery_mark", "less than or equal to 100"),
    ],
)
def test_check_forms_and_marks_bad_fields_say_why(
    tmp_path: Path, fields: dict[str, Any], field: str, message: str
) -> None:
    selection = {"ids": [classify_id("unsupported", "overclaim", 1)]}
    bank, problems = check_bank(_with_set(tmp_path, selection=selection, **fields))
    assert bank is None
    assert [(p.item_id, p.field) for p in problems] == [("extra", field)]
    assert message in problems[0].message


def test_check_forms_overlapping_the_practice_ids_is_a_problem(tmp_path: Path) -> None:
    root = _with_set(
        tmp_path,
        selection={"ids": [CHECK_IN[0], *PRACTICE_IDS]},
        check_in=CHECK_IN,
        check_out=CHECK_OUT,
    )
    assert _problems(root) == [
        "sets.yaml: extra: selection.ids: ['res-fair-comparison-1'] are in a check form too; "
        "a question is asked only once"
    ]


def test_phases_put_check_forms_first_and_last_and_keep_them_out_of_the_practice(
    tmp_path: Path,
) -> None:
    root = _with_set(
        tmp_path,
        selection={"kinds": ["classify"], "count": 5},
        check_in=CHECK_IN,
        check_out=CHECK_OUT,
    )
    bank = load_bank(root)
    qset = bank.sets["extra"]
    for seed in range(20):
        phases = bank.phases(qset, seed)
        first, second = (CHECK_IN, CHECK_OUT) if seed % 2 == 0 else (CHECK_OUT, CHECK_IN)
        assert sorted(phases.check_in) == sorted(first)
        assert sorted(phases.check_out) == sorted(second)
        assert len(phases.practice) == 5
        assert not set(phases.practice) & (set(CHECK_IN) | set(CHECK_OUT))
        assert bank.select(qset, seed) == phases.check_in + phases.practice + phases.check_out
    orders = {tuple(bank.phases(qset, seed).check_in) for seed in range(0, 40, 2)}
    assert len(orders) > 1, "shuffle: true shuffles within each form"


def test_phases_odd_seed_gives_the_check_out_form_first(tmp_path: Path) -> None:
    root = _with_set(
        tmp_path,
        selection={"kinds": ["classify"], "count": 5},
        check_in=CHECK_IN,
        check_out=CHECK_OUT,
        shuffle=False,
    )
    bank = load_bank(root)
    qset = bank.sets["extra"]
    assert bank.phases(qset, 4).check_in == CHECK_IN
    assert bank.phases(qset, 4).check_out == CHECK_OUT
    assert bank.phases(qset, 7).check_in == CHECK_OUT
    assert bank.phases(qset, 7).check_out == CHECK_IN
    firsts = [bank.phases(qset, seed).check_in == CHECK_IN for seed in range(1000)]
    assert sum(firsts) == 500, "half of the students take each form first"


def test_bundled_sets_with_check_forms_are_matched() -> None:
    bank = load_bank(bundled("questions"))
    checked = [s for s in bank.sets.values() if s.check_in]
    assert checked, "the bundled bank has a set with check-in and check-out forms"
    for qset in checked:
        assert len(qset.check_in) == len(qset.check_out) >= 6


def test_home_says_which_sets_have_check_forms(client: TestClient) -> None:
    page = client.get("/").text
    assert "26 questions, starting with a check-in of 9 and ending with a matched check-out" in page
