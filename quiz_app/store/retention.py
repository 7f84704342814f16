"""The rows that expire and the rows a deletion takes with it, as keyword-only functions over a
session: public attempts, an assignment's student data, login records and LMS users past their
time (quiz_app/retention.py says when), and a teacher's account with everything it owns.

Every count is taken by the same query that picks the rows to delete, so a dry run says
exactly what a purge would delete at that moment.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, exists, func, or_, select, update
from sqlalchemy.orm import Session

from quiz_app.lti.tables import (
    LtiAccessToken,
    LtiAttempt,
    LtiGrade,
    LtiLaunchState,
    LtiLinkGrant,
    LtiResourceLink,
    LtiSession,
    LtiUser,
)
from quiz_app.models import (
    Answer,
    Assignment,
    AssignmentEvent,
    Attempt,
    Base,
    PracticeRound,
    RateLimit,
    StudentAllowance,
    Teacher,
    TeacherQuestion,
    TeacherSession,
)
from quiz_app.store.attempts import chunks, delete_attempt_rows, with_practice_rounds


@dataclass(frozen=True)
class Cutoffs:
    """What is old enough to delete: rows whose time is before each of these."""

    now: datetime
    public: datetime  # a public attempt's last activity, its practice rounds' included
    assignment: datetime  # an assignment's closing time or last activity, whichever is later
    login: datetime  # when a session or an LMS login expired, or a login failure's window began
    lms_user: datetime  # when an LMS user with no attempt left was first seen


@dataclass(frozen=True)
class Activity:
    """When an assignment last saw activity, its latest closing time, and whether it holds any
    student data (attempts, log lines, allowances)."""

    assignment_id: int
    last_activity: datetime
    closes_at: datetime | None
    has_data: bool

    @property
    def kept_from(self) -> datetime:
        """Return when the assignment's keeping time starts: when it closes or its last
        activity, whichever is later."""
        return max(self.last_activity, self.closes_at or self.last_activity)


def _aware(when: Any) -> datetime | None:
    """Return an aggregate's time as UTC: SQLite hands a max() back naive (stored as UTC)."""
    if when is None:
        return None
    found: datetime = datetime.fromisoformat(when) if isinstance(when, str) else when
    return found.replace(tzinfo=UTC) if found.tzinfo is None else found


def _count(session: Session, model: type[Base], where: ColumnElement[bool]) -> int:
    return session.scalar(select(func.count()).select_from(model).where(where)) or 0


def _count_in(session: Session, column: Any, ids: list[int]) -> int:
    table = column.class_
    return sum(_count(session, table, column.in_(chunk)) for chunk in chunks(ids))


def _delete_in(session: Session, column: Any, ids: list[int]) -> None:
    for chunk in chunks(ids):
        session.execute(delete(column.class_).where(column.in_(chunk)))


# --- attempts and what they take with them ------------------------------------------------

ATTEMPT_CHILDREN = (Answer.attempt_id, PracticeRound.attempt_id, LtiAttempt.attempt_id)


def attempt_rows(session: Session, *, attempt_ids: list[int]) -> Counter[str]:
    """Return how many rows of each table deleting these attempts takes (their practice rounds,
    answers, LMS attempts and grades with them)."""
    ids = with_practice_rounds(session, attempt_ids=attempt_ids)
    counts = Counter({"attempts": len(ids)})
    for column in (*ATTEMPT_CHILDREN, LtiGrade.attempt_id):
        counts[column.class_.__tablename__] += _count_in(session, column, ids)
    return counts


def expired_public_attempts(session: Session, *, before: datetime) -> list[int]:
    """Return the public attempts (no assignment, not a practice round) whose family (the
    attempt with its practice rounds) was last started or answered before `before`."""
    root = func.coalesce(PracticeRound.root_id, Attempt.id)
    started = (
        select(root)
        .select_from(Attempt)
        .outerjoin(PracticeRound, PracticeRound.attempt_id == Attempt.id)
        .where(Attempt.created_at >= before)
    )
    answered = (
        select(root)
        .select_from(Answer)
        .join(Attempt, Attempt.id == Answer.attempt_id)
        .outerjoin(PracticeRound, PracticeRound.attempt_id == Attempt.id)
        .where(Answer.created_at >= before)
    )
    rows = session.scalars(
        select(Attempt.id)
        .where(
            Attempt.assignment_id.is_(None),
            Attempt.id.not_in(select(PracticeRound.attempt_id)),
            Attempt.id.not_in(started),
            Attempt.id.not_in(answered),
        )
        .order_by(Attempt.id)
    )
    return list(rows)


# --- an assignment's student data ---------------------------------------------------------


def _activity_queries(only: list[int] | None) -> list[Any]:
    """Return the queries of (assignment id, latest time, ...) per assignment with data."""

    def of(column: Any) -> list[ColumnElement[bool]]:
        return [column.is_not(None)] + ([column.in_(only)] if only is not None else [])

    rounds = (
        select(Attempt.assignment_id, func.max(Answer.created_at))
        .select_from(Answer)
        .join(PracticeRound, PracticeRound.attempt_id == Answer.attempt_id)
        .join(Attempt, Attempt.id == PracticeRound.root_id)
    )
    return [
        select(Attempt.assignment_id, func.max(Attempt.created_at), func.max(Attempt.submitted_at))
        .where(*of(Attempt.assignment_id))
        .group_by(Attempt.assignment_id),
        select(Attempt.assignment_id, func.max(Answer.created_at))
        .join(Answer, Answer.attempt_id == Attempt.id)
        .where(*of(Attempt.assignment_id))
        .group_by(Attempt.assignment_id),
        rounds.where(*of(Attempt.assignment_id)).group_by(Attempt.assignment_id),
        select(AssignmentEvent.assignment_id, func.max(AssignmentEvent.created_at))
        .where(*of(AssignmentEvent.assignment_id))
        .group_by(AssignmentEvent.assignment_id),
    ]


def assignment_activity(
    session: Session, *, assignment_ids: list[int] | None = None
) -> list[Activity]:
    """Return the activity of the given assignments (every assignment when None)."""
    rows = session.execute(
        select(Assignment.id, Assignment.created_at, Assignment.closes_at).where(
            *([Assignment.id.in_(assignment_ids)] if assignment_ids is not None else [])
        )
    ).all()
    times: dict[int, list[datetime]] = {row.id: [row.created_at] for row in rows}
    with_data: set[int] = set()
    for query in _activity_queries(assignment_ids):
        for assignment_id, *found in session.execute(query):
            times[assignment_id].extend(t for t in map(_aware, found) if t is not None)
            with_data.add(assignment_id)
    extended = dict(
        session.execute(
            select(StudentAllowance.assignment_id, func.max(StudentAllowance.closes_at))
            .where(
                *(
                    [StudentAllowance.assignment_id.in_(assignment_ids)]
                    if assignment_ids is not None
                    else []
                )
            )
            .group_by(StudentAllowance.assignment_id)
        ).all()
    )
    with_data.update(extended)
    return [
        Activity(
            assignment_id=row.id,
            last_activity=max(times[row.id]),
            closes_at=max(
                (t for t in (row.closes_at, _aware(extended.get(row.id))) if t), default=None
            )
            if row.closes_at
            else None,
            has_data=row.id in with_data,
        )
        for row in rows
    ]


def expired_assignments(session: Session, *, before: datetime) -> list[int]:
    """Return the assignments holding student data whose keeping time began before `before`."""
    return [
        a.assignment_id for a in assignment_activity(session) if a.has_data and a.kept_from < before
    ]


def _attempts_of(session: Session, assignment_ids: list[int]) -> list[int]:
    found: list[int] = []
    for chunk in chunks(assignment_ids):
        found.extend(session.scalars(select(Attempt.id).where(Attempt.assignment_id.in_(chunk))))
    return found


ASSIGNMENT_DATA = (AssignmentEvent.assignment_id, StudentAllowance.assignment_id)


def assignment_data_rows(session: Session, *, assignment_ids: list[int]) -> Counter[str]:
    """Return how many rows of each table deleting these assignments' student data takes."""
    counts = attempt_rows(session, attempt_ids=_attempts_of(session, assignment_ids))
    for column in ASSIGNMENT_DATA:
        counts[column.class_.__tablename__] += _count_in(session, column, assignment_ids)
    return counts


def delete_assignment_data(session: Session, *, assignment_ids: list[int]) -> None:
    """Delete these assignments' attempts (with their answers and practice rounds), log lines
    and allowances; the assignments themselves (the teacher's settings) stay. Not committed."""
    delete_attempt_rows(session, attempt_ids=_attempts_of(session, assignment_ids))
    for column in ASSIGNMENT_DATA:
        _delete_in(session, column, assignment_ids)


# --- login records and LMS users ----------------------------------------------------------


def _login_records(
    cutoffs: Cutoffs, purged_assignments: list[int]
) -> list[tuple[type[Base], ColumnElement[bool]]]:
    """Return each login table with which of its rows are past their time. An LMS user goes
    when no attempt of theirs outlives this purge and no session of theirs is left."""
    kept_attempt = exists().where(
        LtiAttempt.lti_user_id == LtiUser.id, LtiAttempt.assignment_id.not_in(purged_assignments)
    )
    live_session = exists().where(
        LtiSession.lti_user_id == LtiUser.id, LtiSession.expires_at >= cutoffs.login
    )
    return [
        (TeacherSession, TeacherSession.expires_at < cutoffs.login),
        (LtiSession, LtiSession.expires_at < cutoffs.login),
        (LtiLaunchState, LtiLaunchState.expires_at < cutoffs.login),
        (LtiAccessToken, LtiAccessToken.expires_at < cutoffs.login),
        (RateLimit, RateLimit.expires_at < cutoffs.now),
        (LtiUser, and_(LtiUser.created_at < cutoffs.lms_user, ~kept_attempt, ~live_session)),
    ]


@dataclass(frozen=True)
class Targets:
    """What one purge deletes: public attempts and assignments whose student data goes."""

    public_attempts: list[int]
    assignments: list[int]


def find_targets(session: Session, *, cutoffs: Cutoffs) -> Targets:
    return Targets(
        expired_public_attempts(session, before=cutoffs.public),
        expired_assignments(session, before=cutoffs.assignment),
    )


def count_targets(session: Session, *, cutoffs: Cutoffs, targets: Targets) -> Counter[str]:
    """Return how many rows of each table the purge of these targets deletes."""
    counts = attempt_rows(session, attempt_ids=targets.public_attempts)
    counts.update(assignment_data_rows(session, assignment_ids=targets.assignments))
    for model, where in _login_records(cutoffs, targets.assignments):
        counts[model.__tablename__] += _count(session, model, where)
    return counts


def delete_targets(session: Session, *, cutoffs: Cutoffs, targets: Targets) -> None:
    """Delete what count_targets counted, in one commit."""
    delete_attempt_rows(session, attempt_ids=targets.public_attempts)
    delete_assignment_data(session, assignment_ids=targets.assignments)
    for model, where in _login_records(cutoffs, targets.assignments):
        session.execute(delete(model).where(where))
    session.commit()
    session.expire_all()


# --- a teacher's account --------------------------------------------------------------------


def _owned(session: Session, teacher: Teacher) -> tuple[list[int], list[int], list[int]]:
    """Return the ids of the teacher's assignments, of the LMS users that go with them (the
    teacher's own LMS identities, and learners whose attempts were all in these assignments),
    and of the teacher's LMS identities that took another teacher's assignment as a learner
    (their attempts are that class's data: the identity stays, no longer the teacher's)."""
    assignments = list(
        session.scalars(select(Assignment.id).where(Assignment.teacher_id == teacher.id))
    )

    def attempted(inside: bool) -> Any:
        where = LtiAttempt.assignment_id.in_(assignments)
        return exists().where(LtiAttempt.lti_user_id == LtiUser.id, where if inside else ~where)

    users = session.execute(
        select(LtiUser.id, LtiUser.teacher_id, attempted(False).label("elsewhere")).where(
            or_(
                LtiUser.teacher_id == teacher.id,
                and_(LtiUser.teacher_id.is_(None), attempted(True)),
            )
        )
    ).all()
    return (
        assignments,
        [u.id for u in users if not u.elsewhere],
        [u.id for u in users if u.elsewhere and u.teacher_id == teacher.id],
    )


def teacher_rows(session: Session, *, teacher: Teacher) -> Counter[str]:
    """Return how many rows of each table deleting the teacher's account takes."""
    assignments, users, kept = _owned(session, teacher)
    counts = assignment_data_rows(session, assignment_ids=assignments)
    counts["assignments"] = len(assignments)
    counts["lti_link_grants"] = _count_in(session, LtiLinkGrant.assignment_id, assignments)
    counts["teacher_questions"] = _count(
        session, TeacherQuestion, TeacherQuestion.teacher_id == teacher.id
    )
    counts["teacher_sessions"] = _count(
        session, TeacherSession, TeacherSession.teacher_id == teacher.id
    )
    counts["lti_users"] = len(users)
    counts["lti_sessions"] = _count_in(session, LtiSession.lti_user_id, users + kept)
    counts["teachers"] = 1
    return counts


def delete_teacher(session: Session, *, teacher: Teacher) -> None:
    """Delete a teacher's account and everything it owns, in one commit: their assignments
    with all their students' data, their own questions, sessions, LMS identities and login
    failures. An LMS link that opened one of their assignments stays in its course, opening
    nothing, as it does when a teacher deletes one assignment; an LMS identity of theirs that
    took another teacher's assignment as a learner stays with that class, unlinked."""
    assignments, users, kept = _owned(session, teacher)
    delete_assignment_data(session, assignment_ids=assignments)
    _delete_in(session, LtiLinkGrant.assignment_id, assignments)
    for chunk in chunks(assignments):
        session.execute(
            update(LtiResourceLink)
            .where(LtiResourceLink.assignment_id.in_(chunk))
            .values(assignment_id=None)
        )
    _delete_in(session, LtiSession.lti_user_id, users + kept)
    _delete_in(session, LtiUser.id, users)
    for chunk in chunks(kept):
        session.execute(update(LtiUser).where(LtiUser.id.in_(chunk)).values(teacher_id=None))
    for column in (
        TeacherQuestion.teacher_id,
        TeacherSession.teacher_id,
        AssignmentEvent.teacher_id,
        Assignment.teacher_id,
    ):
        session.execute(delete(column.class_).where(column == teacher.id))
    session.execute(delete(Teacher).where(Teacher.id == teacher.id))
    session.commit()
    session.expire_all()
