"""Nothing but the evidence in what a student receives: over every bundled question, the page
shown before answering (full page and htmx fragment) carries no bank id, no option or concept id
in a form value, no option order that follows the key, and no markup that differs by verdict.

Security-motivated (issue 10): answering from the URL and the form values alone once scored
90 of 90.
"""

import html
import re
from collections import Counter
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from quiz_app import store
from quiz_app.bank.catalog import AnyQuestion
from quiz_app.bank.glossary import Glossary
from quiz_app.bank.items import ClassifyQuestion
from tests.support.factories import HTMX

SEEDS = (11, 2026, 90_210, 7_777_777)  # a few students; the spread is checked over all of them
MOST_IN_ONE_PLACE = 0.45  # share of option questions whose right option sits in one place
# Attributes whose value is part of the page's shape; any other attribute is compared by name
# only (its value holds the attempt's token or the question's position).
SHAPE_VALUES = {"class", "type", "name", "value", "role", "required", "checked", "disabled"}


def _attempt(app: FastAPI, question_ids: list[str], seed: int) -> str:
    """Store an attempt with these questions in this order and return its token."""
    with app.state.sessions() as session:
        attempt = store.attempts.create_attempt(
            session, set_id="full-check", question_ids=question_ids, seed=seed
        )
        return attempt.token


def _pages(
    client: TestClient, token: str, total: int, glossary: Glossary
) -> Iterator[tuple[int, str, str]]:
    """Yield (position, kind, html) of every question page before answering, both ways, each
    glossary term explained in place counted as the word it explains (see _words_only)."""
    for position in range(1, total + 1):
        url = f"/a/{token}/q/{position}"
        for kind, headers in (("page", {}), ("fragment", HTMX)):
            response = client.get(url, headers=headers)
            assert response.status_code == 200, (url, kind, response.status_code)
            yield position, kind, _words_only(response.text, glossary)


# A glossary term explained in place (quiz_app/bank/glossary.py): <details class="term">, the
# word as the claim or option writes it, and the term's explanation.
_TERM = re.compile(r'<details class="term"><summary>(.*?)</summary>.*?</details>', re.S)


def _words_only(page: str, glossary: Glossary) -> str:
    """Return the page with each glossary disclosure replaced by the word it explains, after
    checking that the disclosure is exactly what the glossary makes of that word alone: the
    same wherever the word occurs, whatever the verdict or the right option."""

    def word(found: re.Match[str]) -> str:
        assert found.group(0) == glossary.explain(html.unescape(found.group(1))), found.group(0)
        return found.group(1)

    return _TERM.sub(word, page)


class _Shape(HTMLParser):
    """Collect a page's tags with their attribute names (and the values that are shape)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, tuple[tuple[str, str], ...]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        kept = tuple(sorted((n, (v or "") if n in SHAPE_VALUES else "") for n, v in attrs))
        # A choice's value says only where it is shown; how many there are is checked apart.
        kept = tuple((n, "" if n == "value" and v.isdigit() else v) for n, v in kept)
        self.tags.append((tag, kept))


def _shape(page: str) -> frozenset[tuple[str, tuple[tuple[str, str], ...]]]:
    """Return the set of a page's tags with their attribute names and classes, words left out."""
    parser = _Shape()
    parser.feed(page)
    return frozenset(parser.tags)


def _form(page: str) -> str:
    return page[page.index('<form id="answer-form"') : page.index("</form>")]


def _values(form: str, name: str) -> list[str]:
    return re.findall(rf'name="{name}" value="([^"]*)"', form)


def _shown_order(form: str, texts: dict[str, str]) -> list[str]:
    """Return the ids of the choices in the order their texts appear in the form."""
    plain = html.unescape(form)
    return sorted(texts, key=lambda i: plain.index(texts[i]))


def _texts(question: AnyQuestion, app: FastAPI) -> dict[str, str]:
    if isinstance(question, ClassifyQuestion):
        names = {c: app.state.bank.concepts[c].name for c in question.reason_options}
        return {c: f">{n}</span>" for c, n in names.items()}
    return {o.id: o.text for o in question.options}


# How many reasons a claim offers is part of what a student receives before answering: it must
# not lean to a verdict (the bank now offers 4 on every claim). The bank's items decide this.
MOST_APART = 0.15  # largest gap between two verdicts' shares of claims with 4 reasons


def test_number_of_reasons_offered_does_not_follow_the_verdict(app: FastAPI) -> None:
    four: Counter[str] = Counter()
    claims: Counter[str] = Counter()
    for q in app.state.bank.questions.values():
        if isinstance(q, ClassifyQuestion):
            claims[q.verdict] += 1
            four[q.verdict] += len(q.reason_options) == 4
    shares = [four[v] / claims[v] for v in claims]
    assert max(shares) - min(shares) <= MOST_APART, {v: (four[v], claims[v]) for v in claims}


@pytest.fixture
def every_question(app: FastAPI) -> list[str]:
    return sorted(app.state.bank.questions)


def test_question_pages_before_answering_carry_no_bank_id_or_choice_id(
    app: FastAPI, client: TestClient, every_question: list[str]
) -> None:
    bank = app.state.bank
    token = _attempt(app, every_question, SEEDS[0])
    concept_ids = set(bank.concepts)
    kinds: Counter[str] = Counter()
    for position, kind, page in _pages(client, token, len(every_question), bank.glossary):
        question = bank.questions[every_question[position - 1]]
        kinds[question.kind] += 1
        leaked = [qid for qid in every_question if qid in page]
        assert leaked == [], (position, kind, leaked)
        urls = re.findall(r'(?:href|action|hx-get|hx-post|data-resume-url)="([^"]*)"', page)
        assert all(u.startswith("/") or u.startswith("#") or "://" in u for u in urls)
        assert not [u for u in urls if "/q/" in u and not u.endswith(f"/q/{position}")], urls
        form = _form(page)
        answers, reasons = _values(form, "answer"), _values(form, "reason")
        if isinstance(question, ClassifyQuestion):
            assert answers == ["research", "hypothesis", "unsupported"]
            assert len(reasons) == len(question.reason_options)
        else:
            option_ids = {o.id for o in question.options}
            assert len(answers) == len(option_ids)
            assert not set(answers) & (option_ids | concept_ids), (question.id, answers)
        assert not set(reasons) & concept_ids, (question.id, reasons)
        attributes = " ".join(re.findall(r'\s[\w-]+="([^"]*)"', form))
        assert not [c for c in concept_ids if c in attributes], question.id
    assert kinds == {k: 2 * n for k, n in Counter(q.kind for q in bank.questions.values()).items()}


def test_right_option_and_reason_are_shown_in_every_place_about_as_often(
    app: FastAPI, client: TestClient, every_question: list[str]
) -> None:
    bank = app.state.bank
    option_places: Counter[int] = Counter()
    reason_places: Counter[int] = Counter()
    for seed in SEEDS:
        token = _attempt(app, every_question, seed)
        for position, kind, page in _pages(client, token, len(every_question), bank.glossary):
            if kind != "page":
                continue
            question = bank.questions[every_question[position - 1]]
            order = _shown_order(_form(page), _texts(question, app))
            if isinstance(question, ClassifyQuestion):
                reason_places[order.index(next(iter(question.right_reasons)))] += 1
            else:
                option_places[order.index(question.correct_option.id)] += 1
    for places in (option_places, reason_places):
        total = sum(places.values())
        assert total > 0
        assert max(places.values()) / total <= MOST_IN_ONE_PLACE, places


def test_question_markup_is_the_same_for_every_verdict_but_the_words(
    app: FastAPI, client: TestClient, every_question: list[str]
) -> None:
    """With every text taken away (the claim and the choices' words), the pages' sets of tags,
    attribute names and classes are the same for research, hypothesis and unsupported; an
    option question's right option is marked up exactly like the others."""
    bank = app.state.bank
    token = _attempt(app, every_question, SEEDS[1])
    shapes: dict[tuple[str, str], set[object]] = {}
    for position, kind, page in _pages(client, token, len(every_question), bank.glossary):
        question = bank.questions[every_question[position - 1]]
        if isinstance(question, ClassifyQuestion):
            shapes.setdefault((kind, question.verdict), set()).add(_shape(page))
            continue
        labels = re.findall(r'<label class="choice choice-option[^"]*">.*?</label>', page, re.S)
        assert len(labels) == len(question.options)
        # Alike but for the words and the value, which only says where the option is shown.
        unplaced = [re.sub(r'value="\d+"', 'value=""', label) for label in labels]
        assert len({_shape(label) for label in unplaced}) == 1, question.id
    for kind in ("page", "fragment"):
        by_verdict = [shapes[(kind, v)] for v in ("research", "hypothesis", "unsupported")]
        assert by_verdict[0] == by_verdict[1] == by_verdict[2], kind
