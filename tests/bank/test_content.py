"""The content rules catch use-related wording and leave ordinary words alone."""

import pytest

from quiz_app.bank.content import text_problems


@pytest.mark.parametrize(
    "text",
    [
        "Researchers gave 10 mg to each person.",
        "A dose of 0.5 mg/kg was used.",
        "They took it intranasally.",
        "It was given as an infusion.",
        "You put it under the tongue.",
        "People took it every other day.",
        "Twice a week is the usual pattern.",
        "Some people order it online.",
        "A dealer sold it at school.",
        "Here is how to start.",
        "Start low and go slow.",
    ],
)
def test_text_problems_flags_use_related_wording(text: str) -> None:
    assert text_problems(text)


@pytest.mark.parametrize(
    "text",
    [
        "Legal status does not change with dose size.",
        "Studies follow standard protocols with medical oversight.",
        "Moral panic is not evidence either.",
        "A 2021 trial compared people who knew what they took with people who did not.",
        "Researchers are asking whether tolerance builds up over time.",
    ],
)
def test_text_problems_allows_ordinary_words(text: str) -> None:
    assert text_problems(text) == []


def test_text_problems_flags_long_sentences() -> None:
    long = " ".join(["word"] * 30) + "."
    assert "30 words" in text_problems(long)[0]
