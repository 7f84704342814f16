"""Sending grades to the LMS (LTI Assignment and Grade Services 2.0).

A grade row (grades.py) is claimed by one sender (store.grades.claim_grade), so
several app processes, the background sender and `quiz-app lti send-grades` can run at once and
each grade is posted by one of them only. The access token and the requests are services.py's;
a link whose launch named only the line-item container gets its line item from lineitems.py.

What happens when the LMS fails:
- it answers 5xx, 401/403/408/429 (or any other 4xx that is not about the data), or does not
  answer in time, or cannot be reached: the grade stays pending, its error is recorded, and it
  is tried again after 30 s, 1 min, 2 min… (doubling, at most every 6 h), for as long as it
  takes: a grade is never dropped; a cached token whose score posts got 5xx or 401 twice in a
  row is dropped, so the next try gets a new one;
- it answers that the data is wrong (400, 404, 409, 410, 422…), or the link has no grade column
  (and none may be made), or the line item is on a host not registered for the platform:
  the grade is marked failed with the LMS's answer; the teacher sees it and can press Resend;
- a sender that stops while posting (a crash) leaves its claim; after CLAIM_TIMEOUT the grade is
  pending again. Only then can a score reach the LMS twice, and the repeat is identical (same
  timestamp), which AGS platforms treat as the same result.
"""

import logging
import secrets
import threading
import time
from collections import Counter
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx2
from sqlalchemy.orm import Session, sessionmaker

from quiz_app import store
from quiz_app.lti import grades, lineitems, services, vocab
from quiz_app.lti.grades import FAILED, PENDING, SENT
from quiz_app.lti.services import SendFailure
from quiz_app.lti.tables import LtiGrade, LtiPlatform
from quiz_app.models import utcnow

log = logging.getLogger(__name__)

FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=6)
CLAIM_TIMEOUT = timedelta(minutes=5)  # a claim older than this belongs to a sender that stopped
BATCH = 50  # grades sent per pass
SWEEP_SECONDS = 60  # how often the background sender looks for unqueued complete attempts
ACCEPTED = frozenset({200, 201, 202, 204})
STALE = 401  # with 5xx, an answer to a score post that counts against the cached token


def retry_delay(tries: int) -> timedelta:
    """Return the wait after the tries-th failed try: 30 s, 1 min, 2 min… at most 6 h."""
    doublings = min(max(tries - 1, 0), 20)  # 30 s × 2^20 is far past the cap already
    return min(FIRST_RETRY * (1 << doublings), LONGEST_RETRY)


def scores_url(lineitem_url: str) -> str:
    """Return the scores endpoint of a line item (its path + /scores, keeping its query)."""
    parts = urlsplit(lineitem_url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/scores"))


def _post_score(
    http: httpx2.Client, platform: LtiPlatform, url: str, token: str, payload: dict[str, Any]
) -> httpx2.Response:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": vocab.SCORE_MEDIA_TYPE}
    return services.request(http, platform, "score", "POST", url, json=payload, headers=headers)


def post_grade(session: Session, http: httpx2.Client, grade: LtiGrade, *, now: datetime) -> None:
    """Post one grade's score to its line item; raise SendFailure when it is not accepted."""
    link = grade.resource_link  # deleting the link deletes the grade
    platform, payload = link.platform, dict(grade.payload)
    if not link.lineitem_url and not link.lineitems_url:
        raise SendFailure(
            "The LMS gave no grade column (line item) for this link. Turn on grading for the "
            "activity in the LMS, launch it once as a teacher, then press Resend.",
            permanent=True,
        )
    if vocab.SCORE_SCOPE not in link.ags_scopes:
        raise SendFailure(
            "The LMS did not allow Claim Check to send scores (the AGS score scope). Enable it "
            "in the LMS's registration of the tool, launch once, then press Resend.",
            permanent=True,
        )
    lineitem = lineitems.lineitem_of(
        session, http, link, score_maximum=payload.get("scoreMaximum"), now=now
    )
    url = scores_url(lineitem)
    token = services.access_token(session, http, platform, now=now)
    response = _post_score(http, platform, url, token, payload)
    if response.status_code == 401:  # the token was revoked or expired early: renew it once
        token = services.access_token(session, http, platform, now=now, renew=True)
        response = _post_score(http, platform, url, token, payload)
    stale = response.status_code == STALE or response.status_code >= 500
    services.token_outcome(session, platform, token, failed=stale, scope=vocab.SCORE_SCOPE)
    if response.status_code not in ACCEPTED:
        raise services.refusal(response, "the score")


def _claim(sessions: sessionmaker[Session], grade_id: int, now: datetime) -> str | None:
    """Claim a due pending grade for this sender; return the claim, or None if another has it."""
    claim = secrets.token_hex(16)
    with sessions() as session:
        claimed = store.grades.claim_grade(session, grade_id=grade_id, claim=claim, now=now)
    return claim if claimed else None


def _send_claimed(
    sessions: sessionmaker[Session], http: httpx2.Client, grade_id: int, claim: str, now: datetime
) -> str:
    """Send a grade this sender claimed and record the outcome; return the new status."""
    with sessions() as session:
        grade = store.grades.get_grade(session, grade_id=grade_id)
        if grade is None:
            return "gone"  # its attempt was deleted meanwhile
        failure: SendFailure | None = None
        try:
            post_grade(session, http, grade, now=now)
        except SendFailure as exc:
            failure = exc
        tries = grade.tries + 1
        if failure is None:
            values: dict[str, Any] = {"status": SENT, "sent_at": now, "last_error": ""}
        elif failure.permanent:
            values = {"status": FAILED, "last_error": failure.message}
        else:
            values = {
                "status": PENDING,
                "last_error": failure.message,
                "next_attempt_at": now + retry_delay(tries),
            }
        store.grades.record_outcome(
            session, grade_id=grade_id, claim=claim, tries=tries, values=values
        )
        if failure is not None:
            log.warning("grade %s not sent (try %s): %s", grade_id, tries, failure.message)
        return str(values["status"])


def send_due(
    sessions: sessionmaker[Session],
    http: httpx2.Client,
    *,
    now: datetime | None = None,
    limit: int = BATCH,
    release_stale: bool = True,
) -> Counter[str]:
    """Send the grades that are due; return how many ended sent, pending and failed.

    release_stale first puts back in the queue the grades of senders that stopped mid-send
    (a write; the background sender does it once a minute, not at every poll)."""
    now = now or utcnow()
    with sessions() as session:
        if release_stale:
            store.grades.release_stale_claims(session, now=now, timeout=CLAIM_TIMEOUT)
        due = store.grades.due_grade_ids(session, now=now, limit=limit)
    outcomes: Counter[str] = Counter()
    for grade_id in due:
        claim = _claim(sessions, grade_id, now)
        if claim is not None:
            outcomes[_send_claimed(sessions, http, grade_id, claim, now)] += 1
    return outcomes


def send_now(
    sessions: sessionmaker[Session],
    http: httpx2.Client,
    grade_id: int,
    *,
    now: datetime | None = None,
) -> str | None:
    """Send one grade at once if it is due and no other sender has it (a teacher's Resend)."""
    now = now or utcnow()
    claim = _claim(sessions, grade_id, now)
    return _send_claimed(sessions, http, grade_id, claim, now) if claim else None


class GradeSender:
    """The app's background sender: a thread that wakes every `interval` seconds and sends the
    due grades. Once a minute (a sweep pass) it also looks whether any LMS is registered, puts
    back the grades of senders that stopped and queues any complete attempt the request path
    missed. While no LMS is registered it does nothing else, no query at all between sweeps,
    until this process queues a grade (grades.QUEUED_HERE): then it looks at its next pass.

    Every app process runs one; the claims (store.grades.claim_grade) let one of them post
    each grade."""

    def __init__(self, state: Any, interval: float) -> None:
        self.state = state  # the app's state: its sessions and its HTTP client, read each pass
        self.interval = interval
        self.lms_registered = False  # as the last look found
        self._queued_seen = grades.QUEUED_HERE.count
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="lti-grade-sender", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def run_once(self, *, sweep: bool) -> Counter[str]:
        """Run one pass; return how many grades ended sent, pending and failed."""
        count = grades.QUEUED_HERE.count
        queued_here, self._queued_seen = count != self._queued_seen, count
        if sweep or (queued_here and not self.lms_registered):
            with self.state.sessions() as session:
                self.lms_registered = store.grades.any_platform(session)
                if self.lms_registered and sweep:
                    grades.queue_missing(session)
        if not self.lms_registered:
            return Counter()
        return send_due(self.state.sessions, self.state.lti_http, release_stale=sweep)

    def _run(self) -> None:
        next_sweep = 0.0
        while not self._stop.wait(self.interval):
            sweep = time.monotonic() >= next_sweep
            try:
                self.run_once(sweep=sweep)
            except Exception:  # a bad pass must not end the sender; the next one retries
                log.exception("the grade sender's pass failed")
            if sweep:
                next_sweep = time.monotonic() + SWEEP_SECONDS
