"""The glossary as bank data: read with the bank, checked like the questions, optional."""

from pathlib import Path
from typing import Any

import pytest
from markupsafe import Markup

from quiz_app.bank.catalog import check_bank, load_bank
from quiz_app.cli import main
from quiz_app.paths import bundled
from tests.support.glossary import TERMS, write_glossary
from tests.support.learning_bank import write_learning_bank

PLACEBO = TERMS[0]


def _bank_with(tmp_path: Path, terms: list[dict[str, Any]]) -> Path:
    return write_glossary(write_learning_bank(tmp_path / "bank"), terms)


def test_load_bank_reads_the_glossary_with_its_forms(tmp_path: Path) -> None:
    bank = load_bank(_bank_with(tmp_path, TERMS))
    assert [t.term for t in bank.glossary.terms] == [t["term"] for t in TERMS]
    assert bank.glossary.terms[0].spellings == ["placebo", "placebos"]
    assert "<summary>Placebos</summary>" in bank.glossary.explain("Placebos work")


def test_load_bank_without_a_glossary_file_explains_nothing(tmp_path: Path) -> None:
    bank = load_bank(write_learning_bank(tmp_path / "bank"))
    assert bank.glossary.terms == ()
    assert bank.glossary.explain("a placebo & <b>") == "a placebo &amp; &lt;b&gt;"


def test_bundled_glossary_explains_the_hard_words_in_two_sentences_at_most() -> None:
    glossary = load_bank(bundled("questions")).glossary
    assert 20 <= len(glossary.terms) <= 30
    spellings = {s.casefold() for t in glossary.terms for s in t.spellings}
    assert {"placebo", "randomized", "sensitization", "biomarkers", "sub-perceptual"} <= spellings


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ({"term": "placebo"}, "glossary.yaml: placebo: explanation: Field required"),
        (
            {**PLACEBO, "explanation": "It is taken twice a day, in the trials."},
            "glossary.yaml: placebo: explanation: schedules are not allowed",
        ),
        (
            {**PLACEBO, "explanation": "A dummy. It looks real. It has nothing active in it."},
            "glossary.yaml: placebo: explanation: has 3 sentences; explain in 2 or fewer",
        ),
        (
            {**PLACEBO, "forms": ["<b>placebo</b>"]},
            "glossary.yaml: placebo: forms.0: String should match pattern",
        ),
        (
            {**PLACEBO, "term": "nasal spray"},
            "glossary.yaml: nasal spray: term: routes of taking a substance are not allowed",
        ),
        ({**PLACEBO, "colour": "red"}, "glossary.yaml: placebo: colour: Extra inputs"),
        ("placebo", "glossary.yaml: ?: (term): Input should be a valid dictionary"),
    ],
    ids=["no-explanation", "schedule", "three-sentences", "markup", "route", "extra", "not-a-map"],
)
def test_check_bank_names_the_file_term_and_field_of_a_bad_entry(
    tmp_path: Path, entry: Any, expected: str
) -> None:
    bank, problems = check_bank(_bank_with(tmp_path, [entry, TERMS[1]]))
    assert bank is None
    assert any(str(p).startswith(expected) for p in problems), [str(p) for p in problems]


def test_check_bank_refuses_a_word_that_two_entries_explain(tmp_path: Path) -> None:
    dummy = {"term": "dummy pill", "forms": ["Placebos"], "explanation": "Another meaning."}
    bank, problems = check_bank(_bank_with(tmp_path, [PLACEBO, dummy]))
    assert bank is None
    assert [str(p) for p in problems] == [
        "glossary.yaml: dummy pill: forms: 'Placebos' is already explained under 'placebo'"
    ]


def test_check_command_lists_a_bad_glossary_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_learning_bank(tmp_path / "bank")
    (root / "glossary.yaml").write_text("glossary:\n  term: placebo\n")
    assert main(["check", str(root)]) == 1
    assert "glossary.yaml: -: glossary: must be a list" in capsys.readouterr().out


def test_a_text_explained_again_is_the_same_and_markup_is_kept_apart_from_text(
    tmp_path: Path,
) -> None:
    write_learning_bank(tmp_path)
    write_glossary(tmp_path, TERMS)
    glossary = load_bank(tmp_path).glossary
    first = glossary.explain("Placebos & <b>")
    assert glossary.explain("Placebos & <b>") == first
    assert "&lt;b&gt;" in first and "<summary>Placebos</summary>" in first
    marked = glossary.explain(Markup("Placebos &amp; <b>x</b>"))  # Markup is kept, not escaped
    assert "<b>x</b>" in marked
    assert glossary.explain("Placebos & <b>") == first  # the Markup did not replace the text
