"""The rate limits' counters: one row per key and fixed window, counted up with an upsert, so
that every app process (on SQLite or PostgreSQL) adds to the same count. The rules are in
quiz_app/rate_limits.py."""

from datetime import datetime

from sqlalchemy import delete, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from quiz_app.models import RateLimit


def counts(
    session: Session, *, keys: list[str], since: datetime
) -> dict[tuple[str, datetime], int]:
    """Return the count of each (key, window start) of the keys, for windows from `since` on."""
    rows = session.execute(
        select(RateLimit.key, RateLimit.window_start, RateLimit.count).where(
            RateLimit.key.in_(keys), RateLimit.window_start >= since
        )
    )
    return {(key, start): count for key, start, count in rows}


def add_one(
    session: Session,
    *,
    windows: list[tuple[str, datetime, datetime]],
    now: datetime,
    commit: bool = True,
) -> list[int]:
    """Count one more event in each (key, window start, expires at) and return the windows'
    counts, in one transaction: committed here, or (commit=False) with the caller's own write,
    such as the attempt a start creates (one commit, and one wait for the disk, instead of two).

    The first event of a window also deletes every counter that has expired: a sweep as cheap
    as an index range, run about once per window and key rather than on every event."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    counts = []
    for key, window_start, expires_at in windows:
        statement = dialect.insert(RateLimit).values(
            key=key, window_start=window_start, count=1, expires_at=expires_at
        )
        statement = statement.on_conflict_do_update(
            index_elements=[RateLimit.key, RateLimit.window_start],
            set_={"count": RateLimit.count + 1},
        ).returning(RateLimit.count)
        counts.append(session.execute(statement).scalar_one())
    if 1 in counts:
        session.execute(delete(RateLimit).where(RateLimit.expires_at < now))
    if commit:
        session.commit()
    return counts


def clear(session: Session, *, keys: list[str], prefixes: list[str] | None = None) -> None:
    """Forget every window of the keys, and of every key that starts with one of the prefixes
    (a login that succeeded clears its failures; a new password clears them everywhere)."""
    matches = [RateLimit.key.in_(keys), *(RateLimit.key.startswith(p) for p in prefixes or [])]
    session.execute(delete(RateLimit).where(or_(*matches)))
    session.commit()
