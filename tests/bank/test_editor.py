"""The question editor's form, for every kind: what a teacher types becomes the bank's dict of a
question, a stored question shows back in the inputs, and each problem finds its field."""

from typing import Any

import pytest

from quiz_app.bank import authoring, editor
from quiz_app.bank.catalog import Bank, load_bank
from quiz_app.paths import bundled
from tests.support.question_forms import BEST_EVIDENCE_FORM, FIX_CLAIM_FORM, FORMS


@pytest.fixture(scope="module")
def bank() -> Bank:
    return load_bank(bundled("questions"))


def _posted(values: dict[str, Any]) -> dict[str, Any]:
    """Return the editor's values as the form posts them (each option as its own inputs)."""
    form = {k: v for k, v in values.items() if k != "options"}
    for option in values["options"]:
        for part in editor.OPTION_PARTS:
            form[f"option_{option['id']}_{part}"] = option[part]
    return form


def test_form_data_of_best_evidence_gives_options_with_rungs_and_one_right() -> None:
    data = editor.form_data(BEST_EVIDENCE_FORM)
    assert data["kind"] == "best-evidence"
    assert [(o["id"], o["rung"], o.get("correct", False)) for o in data["options"]] == [
        ("a", "anecdote", False),
        ("b", "anecdote", False),
        ("c", "observational", True),
    ]
    assert "verdict" not in data and "reason_options" not in data


def test_form_data_of_fix_claim_ignores_rungs_verdict_and_reasons_typed_before() -> None:
    form = {
        **FIX_CLAIM_FORM,
        "option_a_rung": "anecdote",
        "verdict": "research",
        "reason_options": ["anecdote", "popularity", "authority"],
    }
    data = editor.form_data(form)
    assert [set(o) for o in data["options"]][0] == {"id", "text", "feedback", "correct"}
    assert "verdict" not in data and "reason_options" not in data


def test_form_data_of_classify_ignores_options_typed_before() -> None:
    data = editor.form_data({**FORMS["classify"], "option_a_text": "A left-over option."})
    assert "options" not in data and data["verdict"] == "unsupported"


def test_form_data_while_editing_keeps_the_stored_kind_whatever_is_posted() -> None:
    data = editor.form_data({**FIX_CLAIM_FORM, "kind": "classify"}, {"kind": "fix-claim"})
    assert data["kind"] == "fix-claim" and len(data["options"]) == 4


def test_blank_option_is_left_out_and_the_others_keep_their_letters() -> None:
    form = {**FIX_CLAIM_FORM, "option_b_text": "", "option_b_feedback": ""}
    assert [o["id"] for o in editor.form_data(form)["options"]] == ["a", "c", "d"]


@pytest.mark.parametrize("kind", list(FORMS))
def test_stored_question_shows_back_in_the_editor_and_saves_unchanged(
    bank: Bank, kind: str
) -> None:
    question, problems = authoring.validate(editor.form_data(FORMS[kind]), bank)
    assert problems == {} and question is not None
    stored = authoring.stored_form(question)
    values = editor.editor_values(stored)
    again, problems = authoring.validate(editor.form_data(_posted(values)), bank)
    assert problems == {} and again is not None
    assert authoring.stored_form(again) == stored


def test_editor_offers_four_option_slots_and_every_option_of_a_stored_five() -> None:
    assert [o["id"] for o in editor.editor_values({"kind": "fix-claim"})["options"]] == list("abcd")
    five = [{"id": x, "text": f"Option {x}.", "feedback": "Feedback."} for x in "abcde"]
    values = editor.editor_values({"kind": "fix-claim", "options": five})
    assert [o["id"] for o in values["options"]] == list("abcde")
    assert "option_e_feedback" in editor.error_fields(values)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"option_b_text": "Hm."}, "option_b_text", "at least 5 characters"),
        ({"option_a_feedback": "Buy it online."}, "option_a_feedback", "sourcing"),
        ({"option_a_feedback": ""}, "option_a_feedback", "this field is required"),
        ({"option_c_rung": ""}, "options", "where each option sits on the evidence ladder"),
        ({"option_c_rung": "rumour"}, "option_c_rung", "Input should be"),
        ({"correct": ""}, "options", "mark one option as the right answer"),
        (
            {"option_b_text": "", "option_b_feedback": "", "option_b_rung": ""},
            "options",
            "give 3 to 5 options (there are 2)",
        ),
        ({"kind": "essay"}, "kind", "choose one of the kinds"),
    ],
)
def test_each_problem_of_an_option_question_is_placed_next_to_its_field(
    bank: Bank, changes: dict[str, str], field: str, message: str
) -> None:
    data = editor.form_data({**BEST_EVIDENCE_FORM, **changes})
    question, found = authoring.validate(data, bank)
    problems = editor.editor_problems(found, data)
    assert question is None
    assert any(message in m for m in problems.get(field, [])), problems
