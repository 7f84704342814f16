"""The question bank: the bundled files obey every rule, and broken files say exactly why."""

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from quiz_app.bank.catalog import Bank, check_bank, load_bank
from quiz_app.bank.content import text_problems
from quiz_app.bank.items import ClassifyQuestion
from quiz_app.bank.vocabulary import SECTIONS, THEMES, VERDICTS
from quiz_app.paths import bundled
from tests.bank.make_article_fingerprint import copied_runs, read_fingerprint


@pytest.fixture(scope="module")
def bank() -> Bank:
    return load_bank(bundled("questions"))


def _classify(bank: Bank) -> list[ClassifyQuestion]:
    return [q for q in bank.questions.values() if isinstance(q, ClassifyQuestion)]


def test_bundled_bank_has_enough_questions_per_verdict_and_theme(bank: Bank) -> None:
    assert len(bank.questions) >= 45
    verdicts = Counter(q.verdict for q in _classify(bank))
    themes = Counter(q.theme for q in bank.questions.values())
    assert all(verdicts[v] >= 12 for v in VERDICTS), verdicts
    assert all(themes[t] >= 4 for t in THEMES), themes
    assert len(bank.sets) >= 3


def test_bundled_bank_crosses_every_verdict_with_every_register(bank: Bank) -> None:
    pairs = Counter((q.verdict, q.voice) for q in _classify(bank))
    for verdict in VERDICTS:
        for voice in ("casual", "scientific", "alarming"):
            assert pairs[(verdict, voice)] >= 2, (verdict, voice)


def test_bundled_bank_hedges_appear_under_every_verdict(bank: Bank) -> None:
    hedged = {
        q.verdict
        for q in _classify(bank)
        if re.search(r"\b(may|might|could)\b", q.claim, re.IGNORECASE)
    }
    assert hedged == set(VERDICTS)


def test_bundled_questions_obey_content_rules_and_cite_sections(bank: Bank) -> None:
    for q in bank.questions.values():
        for text in (q.claim, q.cue, q.explanation, q.needed_evidence):
            assert text_problems(text) == [], (q.id, text)
        assert q.cue.lower() in q.claim.lower(), q.id
        assert q.source_section in SECTIONS, q.id


def _texts(value: object) -> Iterator[str]:
    """Yield every string inside a question's fields, however deeply nested."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _texts(item)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from _texts(item)


def test_bundled_questions_do_not_copy_article_sentences(bank: Bank) -> None:
    hashes = read_fingerprint()
    for q in bank.questions.values():
        for text in _texts(q.model_dump()):
            assert not copied_runs(text, hashes), (q.id, copied_runs(text, hashes))


def test_select_same_seed_gives_same_questions(bank: Bank) -> None:
    qset = bank.sets["full-check"]
    assert bank.select(qset, 7) == bank.select(qset, 7)
    assert len(bank.select(qset, 7)) == qset.selection.count
    orders = {tuple(bank.select(qset, seed)) for seed in range(10)}
    assert len(orders) > 1


def test_select_filter_picks_only_matching_themes(bank: Bank) -> None:
    qset = bank.sets["micro-not-safe"]
    for seed in range(5):
        ids = bank.select(qset, seed)
        assert {bank.questions[i].theme for i in ids} <= set(qset.selection.themes)


GOOD = """
  - id: my-01
    kind: classify
    theme: legal
    source_section: Legal and Regulatory Status
    difficulty: 2
    register: casual
    claim: My cousin says a tiny amount is legal because it is too small to count.
    cue: a tiny amount is legal
    verdict: unsupported
    explanation: The law does not change with dose size. A cousin's word is not evidence.
    needed_evidence: The actual law where you live.
    concepts: [legal-not-dose]
    reason_options: [legal-not-dose, anecdote, small-not-safe]
    ladder: {best: none, certainty: very-low, rated_down: [no-study]}
    review_by: 2028-01-01
"""

CONCEPTS = """concepts:
  - id: legal-not-dose
    name: Legal status does not depend on dose
    teaching: The law treats a substance the same way whatever the amount.
  - id: anecdote
    name: One story is not a fair comparison
    teaching: A story can be honest and still not be evidence.
  - id: small-not-safe
    name: Small is not thereby safe
    teaching: Any substance that acts on the body can carry risk.
"""


def _bank_dir(tmp_path: Path, questions: str, sets: str = "") -> Path:
    (tmp_path / "q.yaml").write_text("questions:" + questions)
    (tmp_path / "concepts.yaml").write_text(CONCEPTS)
    if sets:
        (tmp_path / "sets.yaml").write_text("sets:" + sets)
    return tmp_path


def test_check_bank_good_file_has_no_problems(tmp_path: Path) -> None:
    bank, problems = check_bank(_bank_dir(tmp_path, GOOD))
    assert problems == []
    assert bank is not None and list(bank.questions) == ["my-01"]


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        ("theme: legal", "theme: gossip", "theme", "Input should be"),
        ("difficulty: 2", "difficulty: 5", "difficulty", "less than or equal to 3"),
        ("verdict: unsupported", "verdict: true", "verdict", "Input should be"),
        ("cue: a tiny amount is legal", "cue: totally safe", "(question)", "word for word"),
        (
            "source_section: Legal and Regulatory Status",
            "source_section: Laws",
            "source_section",
            "section titles",
        ),
        ("too small to count.", "too small to count, like 5 mg.", "claim", "dose amounts"),
        ("too small to count.", "too small to count if you snort it.", "claim", "routes"),
        ("too small to count.", "too small to count if taken daily.", "claim", "schedules"),
        ("too small to count.", "too small to count when you buy it.", "claim", "sourcing"),
        ("The actual law", "Here is how to read the law", "needed_evidence", "how-to"),
        ("    register: casual\n", "", "register", "Field required"),
        (
            "    register: casual\n",
            "    register: casual\n    secret: x\n",
            "secret",
            "Extra inputs",
        ),
        (
            "[legal-not-dose, anecdote, small-not-safe]",
            "[legal-not-dose, anecdote, popularity]",
            "reason_options",
            "unknown concept ids",
        ),
        (
            "[legal-not-dose, anecdote, small-not-safe]",
            "[anecdote, small-not-safe, anecdote]",
            "(question)",
            "different concept ids",
        ),
        (
            "[legal-not-dose, anecdote, small-not-safe]",
            "[legal-not-dose]",
            "reason_options",
            "at least 3 items",
        ),
        (
            "certainty: very-low, rated_down: [no-study]",
            "certainty: low",
            "ladder",
            "at least one reason",
        ),
        ("    review_by: 2028-01-01\n", "", "review_by", "Field required"),
    ],
)
def test_check_bank_bad_field_reports_file_id_field_message(
    tmp_path: Path, old: str, new: str, field: str, message: str
) -> None:
    assert old in GOOD
    bank, problems = check_bank(_bank_dir(tmp_path, GOOD.replace(old, new)))
    assert bank is None
    assert [(p.file, p.item_id, p.field) for p in problems] == [("q.yaml", "my-01", field)]
    assert message in problems[0].message
    assert str(problems[0]).startswith(f"q.yaml: my-01: {field}: ")


def test_check_bank_duplicate_id_is_a_problem(tmp_path: Path) -> None:
    bank, problems = check_bank(_bank_dir(tmp_path, GOOD + GOOD))
    assert bank is None
    assert [str(p) for p in problems] == ["q.yaml: my-01: id: is used by another question"]


def test_check_bank_invalid_yaml_is_a_problem(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text("questions: [\n  - id: x\n")
    bank, problems = check_bank(tmp_path)
    assert bank is None
    assert problems[0].file == "broken.yaml"
    assert "not valid YAML" in problems[0].message


def test_check_bank_set_with_unknown_ids_is_a_problem(tmp_path: Path) -> None:
    sets = """
  - id: mine
    title: Mine
    description: My set.
    selection: {ids: [my-01, nope-02]}
"""
    bank, problems = check_bank(_bank_dir(tmp_path, GOOD, sets))
    assert bank is None
    assert [(p.item_id, p.field) for p in problems] == [("mine", "selection.ids")]
    assert "nope-02" in problems[0].message


def test_check_bank_set_needing_more_than_it_matches_is_a_problem(tmp_path: Path) -> None:
    sets = """
  - id: mine
    title: Mine
    description: My set.
    selection: {themes: [legal], count: 3}
"""
    bank, problems = check_bank(_bank_dir(tmp_path, GOOD, sets))
    assert bank is None
    assert "matches 1 questions but the set needs 3" in problems[0].message


def test_check_bank_missing_directory_is_a_problem(tmp_path: Path) -> None:
    bank, problems = check_bank(tmp_path / "nope")
    assert bank is None
    assert "no such question directory" in problems[0].message
