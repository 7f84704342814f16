"""The fingerprint of the source article that the "no copied sentences" test checks against:
it catches a copied run of words, lets a paraphrase through, and matches the article."""

import os
import re
from pathlib import Path

import pytest

from tests.bank import make_article_fingerprint as fp

ARTICLE_SETTING = "QUIZ_TEST_ARTICLE"  # the folder of the source article's .txt files
MADE_UP_ARTICLE = (
    "Lanterns on the northern pier were first lit in the winter of the great storm, when "
    "fishermen asked the council for a light they could see from the outer rocks. The keeper "
    "trimmed every wick by hand and wrote the hours of each flame in a green ledger."
)


def test_copy_check_finds_a_copied_run_whatever_its_case_and_punctuation() -> None:
    hashes = fp.fingerprint(MADE_UP_ARTICLE)
    question = "Some say THE KEEPER trimmed every wick -- by hand, and wrote it down."
    assert fp.copied_runs(question, hashes) == [
        "the keeper trimmed every wick by hand and",
        "keeper trimmed every wick by hand and wrote",
    ]


def test_copy_check_lets_a_paraphrase_and_a_seven_word_run_through() -> None:
    hashes = fp.fingerprint(MADE_UP_ARTICLE)
    paraphrase = "A keeper cut each wick himself and logged how long every flame burned."
    seven = "The keeper trimmed every wick by hand, people say."  # seven words shared
    assert fp.copied_runs(paraphrase, hashes) == []
    assert fp.copied_runs(seven, hashes) == []


def test_write_fingerprint_holds_one_hash_per_run_and_no_words(tmp_path: Path) -> None:
    source = tmp_path / "article.txt"
    source.write_text(MADE_UP_ARTICLE, encoding="utf-8")
    output = tmp_path / "fingerprint.txt"
    assert fp.main([str(source), "--output", str(output)]) == 0
    hashes = fp.read_fingerprint(output)
    assert hashes == fp.fingerprint(MADE_UP_ARTICLE)
    assert len(hashes) == len(fp.words(MADE_UP_ARTICLE)) - fp.RUN_WORDS + 1
    body = [line for line in output.read_text().splitlines() if not line.startswith("#")]
    assert body == sorted(hashes)
    assert "lanterns" not in output.read_text().lower()


def test_committed_fingerprint_has_a_hash_for_each_run_of_a_long_article() -> None:
    hashes = fp.read_fingerprint()
    words = int(fp.header_value("words"))
    assert words >= 300  # the article is a few pages long
    assert 0.9 * (words - fp.RUN_WORDS + 1) <= len(hashes) <= words - fp.RUN_WORDS + 1
    assert all(re.fullmatch(f"[0-9a-f]{{{fp.HASH_DIGITS}}}", h) for h in hashes)


def test_committed_fingerprint_is_the_fingerprint_of_the_article() -> None:
    folder = os.environ.get(ARTICLE_SETTING, "")
    if not folder:
        pytest.skip(
            f"set {ARTICLE_SETTING} to the folder of the source article (for example "
            f"{ARTICLE_SETTING}=../shared/source, as .ci/run does) to check the fingerprint"
        )
    path = Path(folder) if Path(folder).is_absolute() else fp.FINGERPRINT.parents[2] / folder
    sources = sorted(path.glob("*.txt"))
    assert sources, f"{ARTICLE_SETTING} names {path}, which holds no .txt file"
    text = " ".join(source.read_text(encoding="utf-8") for source in sources)
    assert fp.read_fingerprint() == fp.fingerprint(text), (
        f"the article changed: run python3 -m tests.bank.make_article_fingerprint {path}/*.txt"
    )
    assert int(fp.header_value("words")) == len(fp.words(text))
