"""The purge deletes what is past its time and nothing else: public attempts after
keep_public_days, an assignment's student data keep_assignment_days after it closes or after
its last activity, expired login records, LMS users with nothing left; other teachers' data
stays. The lease lets one sweep run at a time."""

import threading
from collections import Counter
from datetime import timedelta

from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from quiz_app import retention, store
from quiz_app.lti.tables import LtiAttempt, LtiLaunchState, LtiSession, LtiUser
from quiz_app.models import (
    Answer,
    Assignment,
    AssignmentEvent,
    Attempt,
    PracticeRound,
    RateLimit,
    StudentAllowance,
    TeacherSession,
    utcnow,
)
from tests.support import aged_data as aged


def _ids(session: Session, model: type) -> set[int]:
    return set(session.scalars(select(model.id)))  # type: ignore[attr-defined]


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_purge_public_attempts_past_the_limit_deletes_them_and_keeps_the_rest(
    app: FastAPI,
) -> None:
    settings = app.state.settings  # keep_public_days = 30
    with app.state.sessions() as session:
        ada = aged.teacher(session, "ada@school.org")
        old = aged.attempt(session, age=40, answered=35)
        old_round = aged.attempt(session, age=34, answered=33, practice_of=old)
        answered_lately = aged.attempt(session, age=40, answered=5)
        practised_lately = aged.attempt(session, age=40, answered=39)
        recent_round = aged.attempt(session, age=3, practice_of=practised_lately)
        new = aged.attempt(session, age=1, answered=1)
        # An assignment's attempt and its practice round (which has no assignment itself)
        # are the assignment's data, kept for keep_assignment_days.
        homework = aged.assignment(session, ada, "HOMEWK", age=50)
        in_class = aged.attempt(session, age=40, answered=40, of=homework)
        class_round = aged.attempt(session, age=40, answered=40, practice_of=in_class)

        deleted = retention.purge(session, settings, dry_run=False)

        kept = {answered_lately.id, practised_lately.id, recent_round.id, new.id}
        assert _ids(session, Attempt) == kept | {in_class.id, class_round.id}
        assert old.id not in _ids(session, Attempt) and old_round.id not in _ids(session, Attempt)
        assert deleted["attempts"] == 2 and deleted["answers"] == 2
        assert deleted["practice_rounds"] == 1
        assert _count(session, PracticeRound) == 2


def test_purge_assignment_data_past_the_limit_deletes_it_and_keeps_the_assignment(
    app: FastAPI,
) -> None:
    settings = app.state.settings  # keep_assignment_days = 365
    with app.state.sessions() as session:
        ada = aged.teacher(session, "ada@school.org")
        bob = aged.teacher(session, "bob@school.org")
        closed_long_ago = aged.assignment(
            session, ada, "CLOSED", age=500, closes_at=aged.days_ago(400)
        )
        gone = aged.attempt(session, age=420, answered=420, of=closed_long_ago, name="Sam")
        aged.attempt(session, age=420, answered=420, practice_of=gone)
        aged.event(session, closed_long_ago, "Sam", age=410)
        aged.allowance(session, closed_long_ago, "Sam")
        idle = aged.assignment(session, ada, "IDLEAA", age=500)  # never closes, idle 400 days
        aged.attempt(session, age=400, answered=400, of=idle)
        # Closes in 10 days: kept for a year after that, however old its answers are.
        closes_later = aged.assignment(
            session, ada, "LATERA", age=500, closes_at=aged.days_ago(-10)
        )
        later = aged.attempt(session, age=400, answered=400, of=closes_later)
        # Closed long ago, but a student with extra time answered 100 days ago.
        answered_since = aged.assignment(
            session, ada, "SINCEA", age=500, closes_at=aged.days_ago(400)
        )
        since = aged.attempt(session, age=400, answered=100, of=answered_since)
        others = aged.assignment(session, bob, "BOBSAA", age=300)
        bobs = aged.attempt(session, age=200, answered=200, of=others)

        deleted = retention.purge(session, settings, dry_run=False)

        assert _ids(session, Attempt) == {later.id, since.id, bobs.id}
        assert _ids(session, Assignment) == {
            closed_long_ago.id,
            idle.id,
            closes_later.id,
            answered_since.id,
            others.id,
        }
        assert _count(session, AssignmentEvent) == 0 and _count(session, StudentAllowance) == 0
        assert deleted["attempts"] == 3 and deleted["answers"] == 3
        assert deleted["assignment_events"] == 1 and deleted["student_allowances"] == 1


def test_purge_login_records_and_lms_users_past_their_time_deletes_them_only(
    app: FastAPI,
) -> None:
    settings = app.state.settings  # keep_login_days = 7, keep_lms_user_days = 30
    with app.state.sessions() as session:
        ada = aged.teacher(session, "ada@school.org")
        for token, expired in (("dead", 10), ("recent", 1), ("live", -1)):
            session.add(
                TeacherSession(
                    token_hash=token,
                    teacher_id=ada.id,
                    csrf_token="c",
                    expires_at=aged.days_ago(expired),
                )
            )
        for key, ends in (("login-pair:old", 1), ("start:10.0.0.1", -0.01)):
            session.add(
                RateLimit(
                    key=key,
                    window_start=aged.days_ago(ends + 1),
                    count=3,
                    expires_at=aged.days_ago(ends),
                )
            )
        lms = aged.platform(session)
        for state, expired in (("old-state", 8), ("new-state", 0)):
            session.add(
                LtiLaunchState(
                    state=state,
                    nonce="n",
                    platform_id=lms.id,
                    target_link_uri="https://quiz.example/lti/launch",
                    expires_at=aged.days_ago(expired),
                )
            )
        session.commit()
        forgotten = aged.lms_user(session, lms, "forgotten", age=60, session_expired=20)
        aged.lms_user(session, lms, "launched-today", age=60, session_expired=-0.2)
        aged.lms_user(session, lms, "new", age=2)
        with_attempt = aged.lms_user(session, lms, "learner", age=60)
        course = aged.assignment(session, ada, "COURSE", age=60)
        aged.lms_attempt(session, with_attempt, course, age=50)
        # Their only attempt goes with its assignment's data, and so they go too.
        old_course = aged.assignment(session, ada, "OLDCRS", age=900)
        left = aged.lms_user(session, lms, "left-school", age=900)
        aged.lms_attempt(session, left, old_course, age=800)

        deleted = retention.purge(session, settings, dry_run=False)

        hashes = set(session.scalars(select(TeacherSession.token_hash)))
        assert hashes == {"recent", "live"}
        assert set(session.scalars(select(RateLimit.key))) == {"start:10.0.0.1"}
        assert set(session.scalars(select(LtiLaunchState.state))) == {"new-state"}
        subs = set(session.scalars(select(LtiUser.sub)))
        assert subs == {"launched-today", "new", "learner"}
        assert forgotten.id not in _ids(session, LtiUser)
        assert _count(session, LtiSession) == 1 and _count(session, LtiAttempt) == 1
        assert deleted["lti_users"] == 2 and deleted["lti_sessions"] == 1
        assert deleted["teacher_sessions"] == 1 and deleted["rate_limits"] == 1
        assert deleted["lti_attempts"] == 1 and deleted["lti_launch_states"] == 1


def test_purge_dry_run_counts_what_the_purge_then_deletes_and_deletes_nothing(
    app: FastAPI,
) -> None:
    settings = app.state.settings
    with app.state.sessions() as session:
        ada = aged.teacher(session, "ada@school.org")
        aged.attempt(session, age=40, answered=40)
        old = aged.assignment(session, ada, "OLDAAA", age=500)
        aged.attempt(session, age=400, answered=400, of=old)
        lms = aged.platform(session)
        aged.lms_attempt(session, aged.lms_user(session, lms, "gone", age=400), old, age=400)
        before = {model: _count(session, model) for model in (Attempt, Answer, LtiUser)}

        planned = retention.purge(session, settings, dry_run=True)
        assert {model: _count(session, model) for model in (Attempt, Answer, LtiUser)} == before

        deleted = retention.purge(session, settings, dry_run=False)
        assert planned == deleted
        assert +deleted == Counter(attempts=3, answers=3, lti_attempts=1, lti_users=1)
        assert _count(session, Attempt) == 0 and _count(session, LtiUser) == 0


def test_sweep_twice_at_once_runs_once(app: FastAPI) -> None:
    settings = app.state.settings
    with app.state.sessions() as session:
        old = aged.attempt(session, age=40, answered=40)
    start = threading.Barrier(2)
    results: dict[str, Counter[str] | None] = {}

    def run(holder: str) -> None:
        start.wait()
        results[holder] = retention.sweep(app.state.sessions, settings, holder=holder)

    threads = [threading.Thread(target=run, args=(name,)) for name in ("one", "two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    ran = [r for r in results.values() if r is not None]
    assert len(results) == 2 and len(ran) == 1
    assert ran[0]["attempts"] == 1
    with app.state.sessions() as session:
        assert session.get(Attempt, old.id) is None
        # Held for retention_sweep_minutes: a third sweep now does not run either.
        assert retention.sweep(app.state.sessions, settings, holder="three") is None


def test_sweep_after_the_lease_expired_runs_again(app: FastAPI) -> None:
    settings = app.state.settings
    now = utcnow()
    with app.state.sessions() as session:
        assert store.leases.take_lease(
            session, name=retention.LEASE, holder="dead", now=now, until=now - timedelta(seconds=1)
        )
    assert retention.sweep(app.state.sessions, settings, holder="alive") is not None
