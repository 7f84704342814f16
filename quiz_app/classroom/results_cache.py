"""The dashboard's memory of scored attempts: each attempt's learning.attempt_score, kept in
this process while the attempt's answers stay the same, so a poll after one new answer scores
one student again and only adds up the class.

The key of a kept score comes from the database, read with the attempts in the poll's one
query: the attempt (id, its unguessable token, so a reused id never matches, its seed,
questions, check forms and hand-in time), how many answers it has and its last answer's id
(answers are only ever added to an attempt, never changed), and a digest of the questions the
class's answers are scored against (a teacher may edit their own). So several server
processes, each with its own memory, show the same numbers, and a score is never used for
answers it did not count. The memory is per database engine and bounded (least recently used
first out).

The class's totals (learning.class_totals) are kept beside them, one per assignment, and moved
on by the scores that changed since the last poll. The dashboard's roster rows are kept too
(kept_rows): each row's HTML, while its
attempt's kept score is the very same object and nothing else the row shows (the student's
name and attempt number, the link, the teacher's time zone, the assignment's check forms) has
changed; a row with an LMS grade is rendered afresh at every poll."""

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from weakref import WeakKeyDictionary

from markupsafe import Markup
from sqlalchemy.orm import Session

from quiz_app import store
from quiz_app.bank.catalog import AnyQuestion
from quiz_app.learning.attempt_row import AttemptRow
from quiz_app.learning.attempt_score import AttemptScore, score_attempt
from quiz_app.learning.class_report import StudentRowOf
from quiz_app.learning.class_totals import ClassTotals, totals_of
from quiz_app.models import Assignment

# Scored attempts kept per database, per process: ten classes of 300 polled at once. One
# attempt of 40 answers keeps about 12 KB (measured with tracemalloc), so some 35 MB at most.
KEPT_ATTEMPTS = 3000
# Roster rows kept per database, per process: one per kept score. A row of the roster is about
# 0.5 KB of HTML (measured: 145 KB for a class of 300), so some 1.5 MB at most.
KEPT_ROWS = KEPT_ATTEMPTS
# Class totals (learning.class_totals) kept per database, per process: one per class polled,
# as many classes as KEPT_ATTEMPTS holds. A class of 300 × 40 answers keeps about 170 KB of
# counts (measured with tracemalloc), and holds its 300 scores (those KEPT_ATTEMPTS keeps).
KEPT_CLASSES = 10
# Question digests kept per process: the bank's questions and the teachers' own in use.
KEPT_QUESTIONS = 4096


class LruCache:
    """A bounded mapping that forgets the least recently used key first; thread-safe (the
    app serves requests from a pool of threads)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> object | None:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def get_many(self, keys: list[Hashable]) -> list[object | None]:
        """Return get(key) of each key, in order (one lock for a whole class)."""
        entries = self._entries
        with self._lock:
            found = [entries.get(key) for key in keys]
            for key, value in zip(keys, found, strict=True):
                if value is not None:
                    entries.move_to_end(key)
            return found

    def put(self, key: Hashable, value: object) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


_scores: WeakKeyDictionary[object, LruCache] = WeakKeyDictionary()
_rows: WeakKeyDictionary[object, LruCache] = WeakKeyDictionary()
_totals: WeakKeyDictionary[object, LruCache] = WeakKeyDictionary()
_scores_lock = threading.Lock()
# By id(question): the question itself (held, so that its id cannot be reused meanwhile) and
# the digest of its content.
_digests = LruCache(KEPT_QUESTIONS)


def _memory(session: Session, memories: WeakKeyDictionary[object, LruCache], size: int) -> LruCache:
    bind = session.get_bind()
    with _scores_lock:
        if (found := memories.get(bind)) is None:
            found = memories[bind] = LruCache(size)
        return found


def kept_scores(session: Session) -> LruCache:
    """Return the scores kept for the session's database (one memory per engine)."""
    return _memory(session, _scores, KEPT_ATTEMPTS)


def kept_totals(session: Session) -> LruCache:
    """Return the class totals kept for the session's database (one memory per engine)."""
    return _memory(session, _totals, KEPT_CLASSES)


def kept_rows(session: Session) -> LruCache:
    """Return the roster rows kept for the session's database (one memory per engine)."""
    return _memory(session, _rows, KEPT_ROWS)


def _digest(question: AnyQuestion) -> str:
    kept = _digests.get(id(question))
    if isinstance(kept, tuple) and kept[0] is question:
        return str(kept[1])
    digest = hashlib.blake2b(question.model_dump_json().encode(), digest_size=16).hexdigest()
    _digests.put(id(question), (question, digest))
    return digest


def questions_digest(questions: Mapping[str, AnyQuestion]) -> str:
    """Return a digest of the questions answers are scored against: it changes when one is
    edited, added or removed."""
    text = "\n".join(f"{qid} {_digest(q)}" for qid, q in sorted(questions.items()))
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def _key(attempt: AttemptRow, answered: tuple[int, int | None], digest: str) -> Hashable:
    return (
        attempt.id,
        attempt.token,
        attempt.seed,
        attempt.question_ids,
        attempt.check_in_count,
        attempt.check_out_count,
        attempt.submitted_at,
        answered,
        digest,
    )


def scores(
    session: Session,
    assignment: Assignment,
    rows: store.assignments.ClassRows,
    questions: Mapping[str, AnyQuestion],
) -> list[AttemptScore]:
    """Return each attempt's score, in the order of rows.attempts: the kept ones as they are,
    the others scored from their answers, read in one query (none when all are kept)."""
    kept = kept_scores(session)
    digest = questions_digest(questions)
    keys = [_key(a, rows.answered.get(a.id, (0, None)), digest) for a in rows.attempts]
    found = kept.get_many(keys)
    missing = [a for a, score in zip(rows.attempts, found, strict=True) if score is None]
    answers = store.assignments.answers_of(session, assignment=assignment, attempts=missing)
    result = []
    for attempt, score in zip(rows.attempts, found, strict=True):
        if not isinstance(score, AttemptScore):
            own = answers[attempt.id]
            score = score_attempt(attempt, own, questions)
            # Kept under what it was scored from, should an answer have come in meanwhile.
            counted = (len(own), own[-1].id if own else None)
            kept.put(_key(attempt, counted, digest), score)
        result.append(score)
    return result


def class_totals(
    session: Session, assignment: Assignment, scores: list[AttemptScore]
) -> ClassTotals:
    """Return the totals of the class's scores: the ones kept from the last poll of this
    assignment, moved on by the scores that changed (a copy: a poll running meanwhile still
    reads its own), or added up from scratch."""
    kept = kept_totals(session)
    key = ("totals", assignment.id)
    found = kept.get(key)
    totals = found.copy() if isinstance(found, ClassTotals) else None
    if totals is None or not totals.moved_to(scores):
        totals = totals_of(scores)
    kept.put(key, totals)
    return totals


RowsMaker = Callable[..., Markup]  # kept_rows(rows, link, keep, caller=…): the roster's HTML
ROW_BREAK = "\n    "  # what the template put before each row of the roster


def roster_keeper(
    session: Session, assignment: Assignment, timezone: str, has_forms: bool
) -> RowsMaker:
    """Return the roster's kept_rows, called by the template as
    `{% call(row) kept_rows(rows, link, keep) %}…one row…{% endcall %}`, `link` making a
    row's href from its attempt id: each row's kept HTML when its score is the same object it
    was rendered from and nothing else it shows has changed, else the body rendered (and
    kept, when `keep` and there is a `link`)."""
    kept = kept_rows(session)

    def kept_rows_of(
        rows: list[StudentRowOf[AttemptRow]],
        link: Callable[[int], str] | None,
        keep: bool,
        caller: Callable[[StudentRowOf[AttemptRow]], str],
    ) -> Markup:
        if not keep or link is None:
            return Markup("".join(ROW_BREAK + str(caller(row)) for row in rows))
        keys: list[Hashable] = [
            (
                assignment.id,
                row.attempt.id,
                row.attempt.created_at,
                row.attempt.check_in_count,
                row.name,
                row.number,
                row.questions,
                link(row.attempt.id),
                timezone,
                has_forms,
            )
            for row in rows
        ]
        parts: list[str] = []
        for row, key, found in zip(rows, keys, kept.get_many(keys), strict=True):
            if isinstance(found, tuple) and found[0] is row.score and row.score is not None:
                html = found[1]
            else:
                html = str(caller(row))  # escaped by the template: plain text from here on
                # Kept with the score it shows: used again only beside that very score.
                kept.put(key, (row.score, html))
            parts += (ROW_BREAK, html)
        return Markup("".join(parts))

    return kept_rows_of
