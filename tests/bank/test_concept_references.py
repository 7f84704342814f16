"""One check of the concept ids a question names, for the bank, the editor and the importers."""

import pytest

from quiz_app.bank import authoring
from quiz_app.bank.catalog import Bank, load_bank, unknown_concepts
from quiz_app.bank.items import ClassifyQuestion
from quiz_app.paths import bundled


@pytest.fixture(scope="module")
def bank() -> Bank:
    return load_bank(bundled("questions"))


def _classify(bank: Bank) -> ClassifyQuestion:
    return next(q for q in bank.questions.values() if isinstance(q, ClassifyQuestion))


def test_unknown_concepts_of_a_bank_question_is_empty(bank: Bank) -> None:
    assert all(not unknown_concepts(q, bank.concepts) for q in bank.questions.values())


def test_unknown_concepts_lists_each_field_that_names_a_missing_id(bank: Bank) -> None:
    question = _classify(bank)
    wrong_reason = next(c for c in question.reason_options if c not in question.concepts)
    known = set(bank.concepts) - {wrong_reason}
    assert unknown_concepts(question, known) == {"reason_options": [wrong_reason]}
    assert unknown_concepts(question, set()) == {
        "concepts": list(question.concepts),
        "reason_options": list(question.reason_options),
    }


def test_unknown_concepts_of_a_question_without_reasons_checks_its_concepts_only(
    bank: Bank,
) -> None:
    other = next(q for q in bank.questions.values() if not isinstance(q, ClassifyQuestion))
    assert unknown_concepts(other, set()) == {"concepts": list(other.concepts)}


def test_editor_reports_unknown_concepts_per_field(bank: Bank) -> None:
    classify = _classify(bank)
    data = classify.model_dump(mode="json", by_alias=True)
    wrong = next(c for c in classify.reason_options if c not in classify.concepts)
    data["reason_options"] = [
        "no-such-concept" if c == wrong else c for c in data["reason_options"]
    ]
    question, problems = authoring.validate(data, bank)
    assert question is None
    assert problems == {"reason_options": ["unknown concept ids: ['no-such-concept']"]}
