"""The rate limits' counters: one count per key and window, shared by every app process, and
old windows swept away as new ones begin."""

from datetime import timedelta

from fastapi import FastAPI
from sqlalchemy import select

from quiz_app import store
from quiz_app.config import Settings
from quiz_app.main import create_app
from quiz_app.models import RateLimit
from tests.support.clock import MIDNIGHT

MINUTE = timedelta(minutes=1)


def _add(app: FastAPI, key: str, minutes: int = 0) -> int:
    start = MIDNIGHT + minutes * MINUTE
    with app.state.sessions() as session:
        (count,) = store.rate_limits.add_one(
            session, windows=[(key, start, start + 2 * MINUTE)], now=start
        )
        return count


def _rows(app: FastAPI) -> list[tuple[str, int]]:
    with app.state.sessions() as session:
        rows = session.execute(select(RateLimit.key, RateLimit.count).order_by(RateLimit.key))
        return [(key, count) for key, count in rows]


def test_add_one_counts_up_across_two_app_processes(app: FastAPI, settings: Settings) -> None:
    other = create_app(settings)
    try:
        counts = [_add(app if i % 2 else other, "start:60:203.0.113.7") for i in range(5)]
    finally:
        other.state.engine.dispose()
    assert counts == [1, 2, 3, 4, 5]
    assert _rows(app) == [("start:60:203.0.113.7", 5)]


def test_add_one_counts_every_window_given_in_one_go(app: FastAPI) -> None:
    with app.state.sessions() as session:
        windows = [("a:60:x", MIDNIGHT, MIDNIGHT + 2 * MINUTE), ("a:86400:x", MIDNIGHT, MIDNIGHT)]
        assert store.rate_limits.add_one(session, windows=windows, now=MIDNIGHT) == [1, 1]
        assert store.rate_limits.add_one(session, windows=windows, now=MIDNIGHT) == [2, 2]


def test_counts_reads_each_window_of_each_key_since_a_time(app: FastAPI) -> None:
    _add(app, "a", 0)
    _add(app, "a", 1)
    _add(app, "a", 1)
    _add(app, "b", 1)
    with app.state.sessions() as session:
        found = store.rate_limits.counts(session, keys=["a"], since=MIDNIGHT)
        later = store.rate_limits.counts(session, keys=["a", "b"], since=MIDNIGHT + MINUTE)
    assert found == {("a", MIDNIGHT): 1, ("a", MIDNIGHT + MINUTE): 2}
    assert later == {("a", MIDNIGHT + MINUTE): 2, ("b", MIDNIGHT + MINUTE): 1}


def test_a_new_window_sweeps_expired_counters_and_keeps_live_ones(app: FastAPI) -> None:
    _add(app, "old", 0)  # expires two minutes on
    _add(app, "recent", 1)
    _add(app, "old", 2)  # expires_at == now: still kept
    assert [key for key, _ in _rows(app)] == ["old", "old", "recent"]
    _add(app, "other", 3)  # a first event of a window sweeps
    assert _rows(app) == [("old", 1), ("other", 1), ("recent", 1)]


def test_clear_forgets_the_keys_and_the_prefixes_only(app: FastAPI) -> None:
    for key in ("login-pair:900:abc@1.2.3.4", "login-pair:900:abc@5.6.7.8", "login-pair:900:x@1"):
        _add(app, key)
    _add(app, "login-address:900:1.2.3.4")
    with app.state.sessions() as session:
        store.rate_limits.clear(
            session, keys=["login-address:900:1.2.3.4"], prefixes=["login-pair:900:abc@"]
        )
    assert _rows(app) == [("login-pair:900:x@1", 1)]
