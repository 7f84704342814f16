"""Deleting a teacher's account leaves nothing of theirs in any table, and every row of another
teacher exactly as it was."""

from typing import Any

from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session

from quiz_app import store
from quiz_app.lti.tables import LtiGrade, LtiLinkGrant, LtiPlatform, LtiResourceLink
from quiz_app.models import Base, Teacher, TeacherQuestion, utcnow
from tests.support import aged_data as aged


def _everything(session: Session) -> dict[str, set[tuple[Any, ...]]]:
    """Return every row of every table, as tuples of strings."""
    return {
        table.name: {tuple(map(str, row)) for row in session.execute(select(table))}
        for table in Base.metadata.sorted_tables
    }


def _teacher_with_a_class(session: Session, email: str, code: str, lms: LtiPlatform) -> Teacher:
    """Store a teacher with everything a teacher can own: assignments with attempts, answers,
    practice rounds, log lines, allowances, LMS attempts and grades, links and grants, their
    own question, sessions, an LMS identity and failed logins."""
    owner = aged.teacher(session, email)
    homework = aged.assignment(session, owner, code)
    for name in (f"{code}-Sam", f"{code}-Ana"):
        done = aged.attempt(session, age=2, answered=1, of=homework, name=name)
        aged.attempt(session, age=1, answered=1, practice_of=done)
        aged.event(session, homework, name, age=1)
    aged.allowance(session, homework, f"{code}-Sam")
    aged.assignment(session, owner, code[::-1])  # an empty one
    link = LtiResourceLink(
        platform_id=lms.id, deployment_id="d", resource_link_id=f"link-{code}", title=code
    )
    link.assignment_id = homework.id
    session.add(link)
    session.add(LtiLinkGrant(token=f"grant-{code}", platform_id=lms.id, assignment_id=homework.id))
    session.commit()
    learner = aged.lms_user(session, lms, f"learner-{code}", age=1, session_expired=-1)
    graded = aged.lms_attempt(session, learner, homework, age=1)
    session.add(
        LtiGrade(
            attempt_id=graded.id,
            resource_link_id=link.id,
            payload={"scoreGiven": 1},
            status="sent",
            next_attempt_at=utcnow(),
        )
    )
    aged.lms_user(session, lms, f"instructor-{code}", age=1, teacher_of=owner, session_expired=-1)
    session.add(
        TeacherQuestion(
            teacher_id=owner.id,
            local_id="mine",
            question_id=f"t{owner.id}.mine",
            data={"claim": f"{code}'s claim"},
        )
    )
    store.teachers.create_session(session, teacher=owner, hours=1)
    session.commit()
    return owner


def test_delete_teacher_leaves_nothing_of_theirs_and_the_other_teacher_untouched(
    app: FastAPI,
) -> None:
    with app.state.sessions() as session:
        lms = aged.platform(session)
        _teacher_with_a_class(session, "bob@school.org", "BOBBBB", lms)
        before = _everything(session)
        ada = _teacher_with_a_class(session, "ada@school.org", "ADAAAA", lms)
        assert store.retention.teacher_rows(session, teacher=ada)["attempts"] == 5

        store.retention.delete_teacher(session, teacher=ada)

        after = _everything(session)
    # Ada's LMS link stays in its course, opening nothing: the course's row, not hers.
    (left_link,) = after["lti_resource_links"] - before["lti_resource_links"]
    assert "link-ADAAAA" in left_link and "None" in left_link
    after["lti_resource_links"].remove(left_link)
    assert after == before
    for table, rows in after.items():
        for row in rows:
            assert not any("ADAAAA" in v or "ada@school.org" in v for v in row), (table, row)


def test_delete_teacher_keeps_their_lms_identity_where_it_took_another_class(
    app: FastAPI,
) -> None:
    with app.state.sessions() as session:
        lms = aged.platform(session)
        ada = aged.teacher(session, "ada@school.org")
        bob = aged.teacher(session, "bob@school.org")
        bobs_class = aged.assignment(session, bob, "BOBBBB")
        identity = aged.lms_user(session, lms, "both-roles", age=1, teacher_of=ada)
        as_learner = aged.lms_attempt(session, identity, bobs_class, age=1)

        store.retention.delete_teacher(session, teacher=ada)

        kept = store.lti.lti_attempt(session, attempt_id=as_learner.id)
        assert kept is not None and kept.lti_user.teacher_id is None
        assert session.get(Teacher, ada.id) is None
