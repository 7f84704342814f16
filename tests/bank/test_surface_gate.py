"""The balance gate (issue 10): no reader of the wording alone names the key much above chance.

The readers live in tests/bank/surface_readers.py; `python3 -m tests.bank.surface_readers`
prints every number below for a report, and `--explain` shows a writer which words and claims
give a verdict away.
"""

import functools

import pytest

from quiz_app.bank.catalog import Bank, load_bank
from quiz_app.paths import bundled
from tests.bank import surface_readers as readers


@pytest.fixture(scope="module")
def bank() -> Bank:
    return load_bank(bundled("questions"))


@functools.cache
def _shuffled_labels(claims: tuple[str, ...], verdicts: tuple[str, ...]) -> str:
    """Return the text model's score on the claims with shuffled verdicts: its chance level.

    Only a failing check asks for it (an assert's message is evaluated only then): the
    shuffles are twenty times the work of the check itself.
    """
    mean, p95 = readers.permutation_baseline(claims, verdicts)
    return f"shuffled labels: mean {mean:.3f}, 95th percentile {p95:.3f}"


def test_text_model_reading_the_claim_names_at_most_45_percent(bank: Bank) -> None:
    items = readers.classify_items(bank)
    claims, verdicts = tuple(q.claim for q in items), tuple(q.verdict for q in items)
    accuracy = readers.text_model_accuracy(claims, verdicts)
    assert accuracy <= readers.TEXT_CEILING, f"{accuracy:.3f}; {_shuffled_labels(claims, verdicts)}"


def test_text_model_reading_claim_and_source_names_at_most_45_percent(bank: Bank) -> None:
    items = readers.classify_items(bank)
    claims, verdicts = tuple(q.claim for q in items), tuple(q.verdict for q in items)
    texts = [readers.with_seen_in(q.claim, q.seen_in) for q in items]
    accuracy = readers.text_model_accuracy(texts, verdicts)
    assert accuracy <= readers.TEXT_CEILING, f"{accuracy:.3f}; {_shuffled_labels(claims, verdicts)}"


def test_open_marked_claims_are_at_most_half_one_verdict(bank: Bank) -> None:
    items = readers.classify_items(bank)
    marked, shares = readers.open_marker_shares(
        [q.claim for q in items], [q.verdict for q in items]
    )
    assert max(shares.values(), default=0.0) <= readers.OPEN_MARKER_CEILING, (marked, shares)


def _option_case(kind: str, rule: str) -> object:
    return pytest.param(kind, rule, id=f"{kind}-{rule.replace(' ', '-')}")


@pytest.mark.parametrize(
    ("kind", "rule"),
    [
        _option_case("best-evidence", "longest"),
        _option_case("best-evidence", "most sentences"),
        _option_case("best-evidence", "most design words"),
        _option_case("best-evidence", "least overlap with the claim"),
        _option_case("fix-claim", "longest"),
        _option_case("fix-claim", "most sentences"),
        _option_case("fix-claim", "most design words"),
        _option_case("fix-claim", "least overlap with the claim"),
    ],
)
def test_option_rule_picks_the_right_option_at_most_35_percent(
    bank: Bank, kind: str, rule: str
) -> None:
    items = readers.option_items(bank, readers.OPTION_KINDS[kind])
    accuracy = readers.option_rule_accuracy(readers.OPTION_RULES[rule], items)
    assert accuracy <= readers.OPTION_CEILING, f"{accuracy:.3f} of {len(items)} items"


def test_keyed_reason_guessed_from_the_verdict_is_right_at_most_45_percent(bank: Bank) -> None:
    keys = [(q.verdict, readers.keyed_reason(q)) for q in readers.classify_items(bank)]
    accuracy = readers.reason_from_verdict_accuracy(keys)
    assert accuracy <= readers.REASON_CEILING, f"{accuracy:.3f} of {len(keys)} items"


def test_claim_length_alone_names_at_most_40_percent(bank: Bank) -> None:
    items = readers.classify_items(bank)
    accuracy = readers.length_tree_accuracy([q.claim for q in items], [q.verdict for q in items])
    assert accuracy <= readers.LENGTH_CEILING, f"{accuracy:.3f}"


# The readers are not vacuous: each one finds a cue that is planted for it.

VERDICT_WORDS = {
    "research": "trial measured",
    "hypothesis": "scientists wonder",
    "unsupported": "my cousin swears",
}


def test_text_model_on_claims_that_name_their_verdict_names_them_all() -> None:
    claims = [f"{words} {topic}" for words in VERDICT_WORDS.values() for topic in "abcdefgh"]
    labels = [verdict for verdict in VERDICT_WORDS for _ in "abcdefgh"]
    assert readers.text_model_accuracy(claims, labels) == 1.0
    seen = [readers.with_seen_in("Same words.", source) for source in ["forum-post", None] * 12]
    assert readers.text_model_accuracy(seen, ["a", "b"] * 12) == 1.0


def test_permutation_baseline_on_claims_that_name_their_verdict_is_near_chance() -> None:
    claims = [f"{words} {topic}" for words in VERDICT_WORDS.values() for topic in "abcdefgh"]
    labels = [verdict for verdict in VERDICT_WORDS for _ in "abcdefgh"]
    mean, p95 = readers.permutation_baseline(claims, labels, shuffles=3)
    assert mean <= p95 < 0.75


def test_open_marker_reader_finds_questions_and_open_words() -> None:
    claims = [
        "Is it safe?",
        "Nobody knows yet, so it's fine.",
        "We don’t know how long it lasts.",
        "Researchers wondered about tolerance.",
        "Trials measured mood for a week.",
        "The stillness of the room.",
    ]
    marked, shares = readers.open_marker_shares(claims, ["h", "u", "h", "r", "r", "r"])
    assert marked == 4 and shares == {"h": 0.5, "u": 0.25, "r": 0.25}


def test_option_rules_pick_by_shape_and_split_ties() -> None:
    claim = "Microdosing sharpens focus."
    shapes = readers.OptionItem(
        claim,
        (
            "A randomised, placebo-controlled, blinded trial. It compared groups.",
            "Ask friends about focus.",
            "Microdosing sharpens focus, say users.",
        ),
        right=0,
    )
    for rule in ("longest", "most sentences", "most design words", "least overlap with the claim"):
        assert readers.option_rule_accuracy(readers.OPTION_RULES[rule], [shapes]) == 1.0, rule
    tie = readers.OptionItem(claim, ("Same.", "Also.", "Ends."), right=1)
    assert readers.option_rule_accuracy(readers.OPTION_RULES["longest"], [tie]) == pytest.approx(
        1 / 3
    )


def test_reason_from_verdict_leaves_the_item_itself_out() -> None:
    keys = [("h", "open-question")] * 3 + [("r", "fair-comparison")] * 3
    assert readers.reason_from_verdict_accuracy(keys) == 1.0
    # Alone with its reason, an item cannot vote for itself: the other two reasons tie.
    keys = [("h", "open-question"), ("h", "anecdote"), ("h", "dose")]
    assert readers.reason_from_verdict_accuracy(keys) == 0.0


def test_length_tree_on_claims_whose_length_gives_the_verdict_names_them_all() -> None:
    claims = [n * "x" for n in [*range(10, 20), *range(60, 70), *range(150, 160)]]
    labels = ["research"] * 10 + ["hypothesis"] * 10 + ["unsupported"] * 10
    assert readers.length_tree_accuracy(claims, labels) == 1.0


def test_writer_report_names_the_words_that_give_a_verdict_away() -> None:
    claims = [f"{words} {topic}" for words in VERDICT_WORDS.values() for topic in "abcdefgh"]
    labels = [verdict for verdict in VERDICT_WORDS for _ in "abcdefgh"]
    words = readers.telling_words(claims, labels, n=2)
    for verdict, found in words.items():
        planted = VERDICT_WORDS[verdict]
        assert all(word in planted for word in found), (verdict, found)
    assert readers.text_model_hits(claims, labels) == [1.0] * len(claims)
