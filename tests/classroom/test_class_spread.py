"""The spread of a class's votes and how the second vote changed the first."""

from quiz_app.classroom.class_spread import Vote, bars, compare, spread

CHOICES = [("research", "Research"), ("hypothesis", "Hypothesis"), ("unsupported", "Unsupported")]
REASONS = [("c1", "Sample size"), ("c2", "Control group")]
LEVELS = [("unsure", "Unsure"), ("certain", "Certain")]


def test_spread_counts_each_choice_with_its_share() -> None:
    votes = [Vote("research", "c1", "certain"), Vote("research", "c2"), Vote("hypothesis", "c1")]
    result = spread(votes, choices=CHOICES, reasons=REASONS, confidence=LEVELS)
    assert [(b.label, b.count, b.percent) for b in result.choices] == [
        ("Research", 2, 67),
        ("Hypothesis", 1, 33),
        ("Unsupported", 0, 0),
    ]
    assert [(b.label, b.count) for b in result.reasons] == [
        ("Sample size", 2),
        ("Control group", 1),
    ]
    assert [(b.label, b.count) for b in result.confidence] == [
        ("Unsure", 0),
        ("Certain", 1),
        ("Did not say", 2),
    ]


def test_bars_of_no_votes_are_all_zero_without_dividing_by_zero() -> None:
    assert [(b.count, b.percent) for b in bars([], CHOICES)] == [(0, 0), (0, 0), (0, 0)]


def test_compare_counts_who_changed_and_to_what() -> None:
    pairs = [
        (Vote("research"), Vote("hypothesis")),
        (Vote("research"), Vote("hypothesis")),
        (Vote("unsupported"), Vote("hypothesis")),
        (Vote("hypothesis"), Vote("hypothesis")),
        (Vote("research"), None),  # did not vote again: keeps the first vote
    ]
    result = compare(pairs, choices=CHOICES, reasons=[], confidence=[])
    assert result.voted_twice == 4
    assert result.changed == 3
    assert [(c.first, c.second, c.count) for c in result.changes] == [
        ("Research", "Hypothesis", 2),
        ("Unsupported", "Hypothesis", 1),
    ]
    assert [b.count for b in result.first.choices] == [3, 1, 1]
    assert [b.count for b in result.second.choices] == [1, 4, 0]
