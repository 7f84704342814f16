"""Leases: a named job that one app process at a time may run (the retention sweep), as
keyword-only functions over a session."""

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from quiz_app.models import Lease


def take_lease(session: Session, *, name: str, holder: str, now: datetime, until: datetime) -> bool:
    """Hold the named lease until `until` if nobody holds it at `now`; return whether this call
    took it. One statement decides between processes: the conditional UPDATE of an expired
    lease (PostgreSQL re-checks its condition after a concurrent update; SQLite runs one
    writer at a time), or the INSERT of a first one, which the primary key lets one make."""
    session.commit()  # a fresh transaction: SQLite's writer then waits instead of failing
    taken = session.execute(
        update(Lease)
        .where(Lease.name == name, Lease.expires_at <= now)
        .values(holder=holder, expires_at=until)
    )
    if taken.rowcount == 1:  # type: ignore[attr-defined]
        session.commit()
        return True
    if session.get(Lease, name) is not None:
        session.commit()
        return False
    session.add(Lease(name=name, holder=holder, expires_at=until))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return False
    return True
