"""The bank must not be solvable by tone, hedges, voice or length: only the evidence decides."""

import itertools
import re
from collections import Counter

import pytest

from quiz_app.bank.catalog import Bank, load_bank
from quiz_app.bank.items import ClassifyQuestion
from quiz_app.bank.vocabulary import THEMES, VERDICTS
from quiz_app.paths import bundled

# A naive reader who goes by surface cues: hedge words mean "hypothesis", first-person or
# social-media words mean "unsupported", anything else "research".
HEDGES = re.compile(r"\b(may|might|could|possibly|perhaps|maybe|whether)\b", re.IGNORECASE)
SOCIAL = re.compile(
    r"\b(i|i'm|i've|my|me|we|our|friend|friends|cousin|everyone|everybody|tiktok|instagram"
    r"|youtube|online|forum|post|posted|video|influencer|podcast|swears|honestly|lol)\b",
    re.IGNORECASE,
)
SURFACE_CUE_CEILING = 0.45  # the naive reader must score no better than this on classify items
LENGTH_RULE_CEILING = 0.55  # nor may the best rule by claim length alone (chance is about 0.33)


@pytest.fixture(scope="module")
def bank() -> Bank:
    return load_bank(bundled("questions"))


def _classify(bank: Bank) -> list[ClassifyQuestion]:
    return [q for q in bank.questions.values() if isinstance(q, ClassifyQuestion)]


def surface_guess(claim: str) -> str:
    """Return the verdict a reader who only looks at surface cues would give."""
    if HEDGES.search(claim):
        return "hypothesis"
    if SOCIAL.search(claim):
        return "unsupported"
    return "research"


def best_length_rule_accuracy(items: list[tuple[int, str]]) -> float:
    """Return the accuracy of the best rule that maps short/medium/long claims to verdicts."""
    lengths = sorted({n for n, _ in items})
    best = 0.0
    for low, high in itertools.combinations_with_replacement(lengths, 2):
        for order in itertools.permutations(VERDICTS):
            right = sum(
                order[0 if n <= low else 1 if n <= high else 2] == verdict for n, verdict in items
            )
            best = max(best, right / len(items))
    return best


def test_surface_cue_reader_scores_at_most_45_percent(bank: Bank) -> None:
    items = _classify(bank)
    right = sum(surface_guess(q.claim) == q.verdict for q in items)
    assert right / len(items) <= SURFACE_CUE_CEILING, f"{right}/{len(items)}"


def test_claim_length_does_not_predict_the_verdict(bank: Bank) -> None:
    items = [(len(q.claim.split()), q.verdict) for q in _classify(bank)]
    assert best_length_rule_accuracy(items) <= LENGTH_RULE_CEILING


def test_surface_reader_baseline_is_not_vacuous() -> None:
    assert surface_guess("Researchers are asking whether it might help.") == "hypothesis"
    assert surface_guess("My friend swears it works.") == "unsupported"
    assert surface_guess("Clinical studies measured short-term mood changes.") == "research"
    assert best_length_rule_accuracy([(5, "research"), (20, "unsupported")]) == 1.0


def test_bank_counts_per_kind_verdict_theme_and_concept(bank: Bank) -> None:
    kinds = Counter(q.kind for q in bank.questions.values())
    assert len(bank.questions) >= 120
    assert kinds["classify"] >= 75 and kinds["best-evidence"] >= 20 and kinds["fix-claim"] >= 20
    verdicts = Counter(q.verdict for q in _classify(bank))
    assert all(verdicts[v] >= 25 for v in VERDICTS), verdicts
    themes = Counter(q.theme for q in bank.questions.values())
    assert all(themes[t] >= 8 for t in THEMES), themes
    concepts = Counter(c for q in bank.questions.values() for c in q.concepts)
    assert all(concepts[c] >= 5 for c in bank.concepts), concepts


def test_every_item_has_concepts_ladder_and_review_date(bank: Bank) -> None:
    for q in bank.questions.values():
        assert q.concepts and q.ladder is not None and q.review_by is not None, q.id
        if isinstance(q, ClassifyQuestion):
            assert 3 <= len(q.reason_options) <= 4, q.id
