"""How long each kind of data is kept (docs/retention.md), when an assignment's student data is
deleted, the purge that deletes what is past its time, and the sweep that runs it in the
background, one app process at a time. The rows are in store/retention.py."""

import logging
import os
import secrets
import socket
import threading
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy.orm import Session, sessionmaker

from quiz_app import store
from quiz_app.config import Settings
from quiz_app.models import Assignment, utcnow
from quiz_app.store.retention import Activity, Cutoffs

log = logging.getLogger(__name__)

LEASE = "retention-sweep"  # the lease row's name
FIRST_SWEEP_SECONDS = 60.0  # a process's first sweep waits this long after it starts
# The tables a purge reports, in the order a person reads them: students' data, then logins.
TABLES = (
    "attempts",
    "answers",
    "practice_rounds",
    "lti_attempts",
    "lti_grades",
    "assignment_events",
    "student_allowances",
    "teacher_sessions",
    "lti_sessions",
    "lti_launch_states",
    "lti_access_tokens",
    "rate_limits",
    "lti_users",
)


def cutoffs(settings: Settings, now: datetime) -> Cutoffs:
    """Return what is old enough to delete at `now` under the settings."""
    return Cutoffs(
        now=now,
        public=now - timedelta(days=settings.keep_public_days),
        assignment=now - timedelta(days=settings.keep_assignment_days),
        login=now - timedelta(days=settings.keep_login_days),
        lms_user=now - timedelta(days=settings.keep_lms_user_days),
    )


def purge(session: Session, settings: Settings, *, dry_run: bool) -> Counter[str]:
    """Delete everything past its time (unless dry_run); return how many rows of each table
    go (or would go)."""
    limits = cutoffs(settings, utcnow())
    targets = store.retention.find_targets(session, cutoffs=limits)
    counts = store.retention.count_targets(session, cutoffs=limits, targets=targets)
    if not dry_run:
        store.retention.delete_targets(session, cutoffs=limits, targets=targets)
    return Counter({table: counts[table] for table in TABLES})


def sweep(
    sessions: sessionmaker[Session], settings: Settings, *, holder: str
) -> Counter[str] | None:
    """Run the purge if no other process ran it in the last retention_sweep_minutes; return
    what it deleted, or None when another process holds the lease."""
    now = utcnow()
    hold = timedelta(minutes=max(settings.retention_sweep_minutes, 1))
    with sessions() as session:
        if not store.leases.take_lease(
            session, name=LEASE, holder=holder, now=now, until=now + hold
        ):
            return None
        return purge(session, settings, dry_run=False)


# --- what the teacher is told ---------------------------------------------------------------


@dataclass(frozen=True)
class Deletion:
    """When an assignment's student data is deleted, and from what the time counts."""

    on: datetime | None  # None: there is no student data to delete
    basis: Literal["closes", "last-activity"]
    days: int


def deletion_of(session: Session, settings: Settings, assignment: Assignment) -> Deletion:
    """Return when the assignment's student data will be deleted under the settings."""
    (activity,) = store.retention.assignment_activity(session, assignment_ids=[assignment.id])
    return deletion_from(activity, settings.keep_assignment_days)


def deletion_from(activity: Activity, days: int) -> Deletion:
    closes_later = activity.closes_at is not None and activity.closes_at >= activity.last_activity
    return Deletion(
        on=activity.kept_from + timedelta(days=days) if activity.has_data else None,
        basis="closes" if closes_later else "last-activity",
        days=days,
    )


# --- the background sweep ---------------------------------------------------------------------


class Sweeper:
    """A thread that tries the sweep every retention_sweep_minutes (first a minute after the
    process starts); the lease lets one process of all those on the database run it."""

    def __init__(self, sessions: sessionmaker[Session], settings: Settings) -> None:
        self.sessions = sessions
        self.settings = settings
        self.holder = f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="retention-sweep", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        wait = FIRST_SWEEP_SECONDS
        while not self._stop.wait(wait):
            try:
                deleted = sweep(self.sessions, self.settings, holder=self.holder)
            except Exception:  # a bad pass must not end the sweeper; the next one retries
                log.exception("the retention sweep failed")
            else:
                if deleted is not None and deleted.total():
                    log.info("retention sweep deleted %s", dict(+deleted))
            wait = self.settings.retention_sweep_minutes * 60.0
