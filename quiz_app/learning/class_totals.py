"""A class's answers added up by question, for the class report's rows: how many answers,
right answers, checked and right reasons, the wrong answers and reasons, the confidences and
the (right, rest score) pairs of the point-biserial. Every total is a count, so a class's
totals can be moved on by the attempts that changed: the dashboard keeps them between polls
(quiz_app/classroom/results_cache.py) and, after one new answer, takes one attempt's old score
out and puts its new one in, instead of adding up 300 students again. Totals moved on that way
equal totals added up from scratch (tests/learning/test_class_totals.py). Pure; no I/O."""

from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import TypeVar

from quiz_app.bank.vocabulary import VERDICTS
from quiz_app.learning.attempt_score import AttemptScore, Tally
from quiz_app.learning.scoring import Rate, Trust

# Above this share of a class's attempts changed, the totals are added up from scratch
# (taking out and putting in costs about twice as much per attempt).
REBUILD_SHARE = 0.5

Pair = tuple[bool, float]  # (right, the rest score beside it)
K = TypeVar("K", bound=Hashable)


@dataclass
class ClassTotals:
    """The counts of every answer of the attempts scored in `members`, by question."""

    # The scores counted, by id (held, so that an id stays its own score's), with how often.
    members: dict[int, tuple[AttemptScore, int]] = field(default_factory=dict)
    answered: Counter[str] = field(default_factory=Counter)
    right: Counter[str] = field(default_factory=Counter)
    reasoned: Counter[str] = field(default_factory=Counter)
    reasoned_right: Counter[str] = field(default_factory=Counter)
    wrong: Counter[tuple[str, str]] = field(default_factory=Counter)  # (question, answer)
    wrong_reasons: Counter[tuple[str, str]] = field(default_factory=Counter)  # (question, reason)
    # (question, right, the chance its confidence states): how many answers said it.
    confidence: Counter[tuple[str, bool, float]] = field(default_factory=Counter)
    # By question: how many answers were (right or wrong, beside this rest score).
    pairs: dict[str, Counter[Pair]] = field(default_factory=dict)
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)  # (truth, answered)
    # The over-trust and over-doubt rates' parts, and the claims answered by true verdict.
    trust: Counter[tuple[str, str]] = field(default_factory=Counter)

    @property
    def confusion_table(self) -> dict[str, dict[str, int]]:
        """Return the class's confusion (scoring.total_confusion of the scores)."""
        return {t: {a: self.confusion[t, a] for a in VERDICTS} for t in VERDICTS}

    @property
    def trust_of_class(self) -> Trust:
        """Return the class's over-trust and over-doubt (scoring.total_trust of the scores)."""
        c = self.trust
        return Trust(
            over_trust=Rate(c["over_trust", "right"], c["over_trust", "total"]),
            over_doubt=Rate(c["over_doubt", "right"], c["over_doubt", "total"]),
            answered={v: c["answered", v] for v in VERDICTS},
        )

    def add(self, scores: Iterable[AttemptScore]) -> None:
        """Count the answers of more attempts' scores."""
        for score in scores:
            _, times = self.members.get(id(score), (score, 0))
            self.members[id(score)] = (score, times + 1)
            self._apply(score, 1)

    def remove(self, scores: Iterable[AttemptScore]) -> None:
        """Take the answers of counted scores out again (each one counted before)."""
        for score in scores:
            _, times = self.members[id(score)]
            if times == 1:
                del self.members[id(score)]
            else:
                self.members[id(score)] = (score, times - 1)
            self._apply(score, -1)

    def _apply(self, score: AttemptScore, sign: int) -> None:
        tally = score.tally
        _move(self.confusion, _confusion_of(score), sign)
        _move(self.trust, _trust_of(score), sign)
        _move(self.answered, tally.asked, sign)
        _move(self.right, tally.right, sign)
        _move(self.reasoned, tally.reasoned, sign)
        _move(self.reasoned_right, tally.reasoned_right, sign)
        _move(self.wrong, tally.wrong, sign)
        _move(self.wrong_reasons, tally.wrong_reasons, sign)
        _move(self.confidence, tally.confidence, sign)
        if tally.rest is None:
            return
        if_wrong, if_right = tally.rest
        right = Counter(tally.right)
        for qid, asked in Counter(tally.asked).items():
            if (found := self.pairs.get(qid)) is None:
                found = self.pairs[qid] = Counter()
            won = right.get(qid, 0)
            _move_by(found, (True, if_right), sign * won)
            _move_by(found, (False, if_wrong), sign * (asked - won))
            if not found:
                del self.pairs[qid]

    def copy(self) -> "ClassTotals":
        """Return totals of the same counts that change apart from these."""
        return ClassTotals(
            dict(self.members),
            self.answered.copy(),
            self.right.copy(),
            self.reasoned.copy(),
            self.reasoned_right.copy(),
            self.wrong.copy(),
            self.wrong_reasons.copy(),
            self.confidence.copy(),
            {qid: pairs.copy() for qid, pairs in self.pairs.items()},
            self.confusion.copy(),
            self.trust.copy(),
        )

    def moved_to(self, scores: Sequence[AttemptScore]) -> bool:
        """Move the totals on to count exactly `scores` (the same objects, in any order), by
        the differences; return False, changing nothing, when so many differ that adding up
        from scratch is cheaper."""
        wanted: Counter[int] = Counter(map(id, scores))
        held = Counter({key: times for key, (_score, times) in self.members.items()})
        gone, new = held - wanted, wanted - held
        if sum(gone.values()) + sum(new.values()) > REBUILD_SHARE * max(len(scores), 1):
            return False
        by_id = {id(score): score for score in scores}
        self.remove(chain.from_iterable([self.members[k][0]] * n for k, n in gone.items()))
        self.add(chain.from_iterable([by_id[k]] * n for k, n in new.items()))
        return True


def totals_of(scores: Sequence[AttemptScore]) -> ClassTotals:
    """Return the totals of these scores, added up from scratch: each count by Counters over
    the whole class at once, the pairs by students with the same two rest scores together."""
    tallies = [score.tally for score in scores]
    totals = ClassTotals()
    for score in scores:
        _, times = totals.members.get(id(score), (score, 0))
        totals.members[id(score)] = (score, times + 1)
    for name in ("asked", "right", "reasoned", "reasoned_right", "wrong", "wrong_reasons"):
        counter = getattr(totals, "answered" if name == "asked" else name)
        counter.update(chain.from_iterable(getattr(t, name) for t in tallies))
    totals.confidence.update(chain.from_iterable(t.confidence for t in tallies))
    totals.confusion.update(chain.from_iterable(map(_confusion_of, scores)))
    totals.trust.update(chain.from_iterable(map(_trust_of, scores)))
    groups: dict[tuple[float, float], list[Tally]] = {}
    for tally in tallies:
        if tally.rest is not None:
            groups.setdefault(tally.rest, []).append(tally)
    for (if_wrong, if_right), members in groups.items():
        asked = Counter(chain.from_iterable(t.asked for t in members))
        right = Counter(chain.from_iterable(t.right for t in members))
        for ok, rest, counter in ((True, if_right, right), (False, if_wrong, asked - right)):
            for qid, count in counter.items():
                totals.pairs.setdefault(qid, Counter())[ok, rest] += count
    return totals


def _confusion_of(score: AttemptScore) -> tuple[tuple[str, str], ...]:
    """Return one (truth, answered) per classify answer counted in the score's confusion."""
    return tuple(
        (truth, answer)
        for truth, row in score.confusion.items()
        for answer, count in row.items()
        for _ in range(count)
    )


def _trust_of(score: AttemptScore) -> tuple[tuple[str, str], ...]:
    """Return the score's over-trust and over-doubt parts, one key per count."""
    t = score.trust
    parts = [
        (("over_trust", "right"), t.over_trust.right),
        (("over_trust", "total"), t.over_trust.total),
        (("over_doubt", "right"), t.over_doubt.right),
        (("over_doubt", "total"), t.over_doubt.total),
        *((("answered", v), t.answered[v]) for v in VERDICTS),
    ]
    return tuple(key for key, count in parts for _ in range(count))


def _move(counter: Counter[K], items: Sequence[K], sign: int) -> None:
    if sign > 0:
        counter.update(items)
        return
    counter.subtract(items)
    for key in items:
        if counter.get(key, 1) <= 0:
            del counter[key]


def _move_by(counter: Counter[Pair], key: Pair, count: int) -> None:
    if not count:
        return
    counter[key] += count
    if counter[key] <= 0:
        del counter[key]
