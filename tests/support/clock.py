"""A clock a test sets and moves, for what the app counts by time (the rate limits), and
counters filled up at once."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from fastapi import FastAPI

from quiz_app import rate_limits
from quiz_app.models import RateLimit
from quiz_app.rate_limits import Rule

# The start of a minute, an hour and a day: every window of every rate limit starts here.
MIDNIGHT = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)


@dataclass
class Clock:
    now: datetime = MIDNIGHT

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def set_clock(app: FastAPI, start: datetime = MIDNIGHT) -> Clock:
    """Make the app's clock one the test moves by hand; return it."""
    clock = Clock(start)
    app.state.clock = clock
    return clock


def use_up(app: FastAPI, rule: Rule, host: str, window: int = 0) -> None:
    """Store the counters as if `host` had just used up the rule's `window` (its first by
    default): a test of what follows need not send a thousand requests first."""
    now: datetime = app.state.clock()
    chosen = rule.windows[window]
    start = rate_limits.window_start(now, chosen.length)
    key = rate_limits.counter_key(rule, chosen, rate_limits.network_of(host))
    with app.state.sessions() as session:
        session.merge(
            RateLimit(
                key=key,
                window_start=start,
                count=chosen.limit,
                expires_at=start + 2 * chosen.length,
            )
        )
        session.commit()
