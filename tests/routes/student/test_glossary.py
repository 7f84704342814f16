"""Hard words explained in place on the question page: the claim, and the options' texts, on
the learning bank with a small glossary (tests/support/glossary.py)."""

import html
import re
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from quiz_app.bank.items import BestEvidenceQuestion
from quiz_app.config import Settings
from tests.support.factories import HTMX, answer, question_ids, question_url, start_attempt
from tests.support.glossary import explanation, write_glossary
from tests.support.learning_bank import write_learning_bank


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    root = write_glossary(write_learning_bank(tmp_path / "bank"))
    return Settings(
        database_url=database_url, htmx_source="local", data_dir=tmp_path, questions_dir=root
    )


def disclosure(word: str, term: str) -> str:
    """Return a term's disclosure as a student's page carries it, entities decoded."""
    return (
        f'<details class="term"><summary>{word}</summary> '
        f'<span class="term-note">{explanation(term)}</span></details>'
    )


def test_question_page_explains_the_claims_terms_in_place_before_and_after_answering(
    app: FastAPI, client: TestClient
) -> None:
    token = start_attempt(client, "plain")
    qid = question_ids(app, client, token)[0]
    claim = app.state.bank.questions[qid].claim
    word = re.search(r"placebo", claim, re.I)
    assert word is not None, claim  # the learning bank's research claims name a placebo group
    for headers in ({}, HTMX):
        page = html.unescape(client.get(question_url(client, token, qid), headers=headers).text)
        shown = page[page.index('<div class="claim-text">') : page.index("</blockquote>")]
        assert disclosure(word.group(0), "placebo") in shown
        assert shown.count("<details") == len(re.findall("placebo|supervised", claim, re.I))
    answer(client, token, qid, "research")
    page = html.unescape(client.get(question_url(client, token, qid)).text)
    # The cue ("Supervised trials") keeps its highlight, with the term explained inside it.
    assert f'<mark class="cue">{disclosure("Supervised", "supervised")} trials</mark>' in page
    assert disclosure(word.group(0), "placebo") in page


def test_options_texts_explain_their_terms_the_same_way_whichever_option_is_right(
    app: FastAPI, client: TestClient
) -> None:
    token = start_attempt(client, "options")
    qid = next(q for q in question_ids(app, client, token) if q == "best-focus")
    question = app.state.bank.questions[qid]
    assert isinstance(question, BestEvidenceQuestion)
    page = html.unescape(client.get(question_url(client, token, qid)).text)
    labels = re.findall(r'<label class="choice choice-option">.*?</label>', page, re.S)
    for option in question.options:
        label = next(x for x in labels if option.text.split()[-1] in x)
        words = re.findall(r"\b(?:placebo|supervised)\b", option.text, re.I)
        assert label.count("<details") == len({w.casefold() for w in words}), option.text
        for w in words:
            assert disclosure(w, w.casefold()) in label
