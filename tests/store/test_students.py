"""Storage of managing one student: deleting an attempt takes its answers and its practice
rounds and nothing else; allowances are per student and per assignment."""

from datetime import UTC, datetime, timedelta

from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session

from quiz_app import store
from quiz_app.models import Answer, Assignment, AssignmentEvent, Attempt, PracticeRound, Teacher


def _assignment(session: Session, teacher: Teacher, code: str) -> Assignment:
    return store.assignments.create_assignment(
        session,
        teacher=teacher,
        codes=[code],
        title=f"Class {code}",
        source={"ids": ["a", "b"]},
        pool=["a", "b"],
        question_count=2,
        shuffle=False,
        feedback_mode="immediate",
        attempts_allowed=1,
        identity="name",
        closes_at=datetime.now(UTC) + timedelta(hours=1),
    )


def _answered(session: Session, assignment: Assignment, name: str) -> Attempt:
    attempt = store.assignments.create_assignment_attempt(
        session, assignment=assignment, student_name=name, question_ids=["a", "b"], seed=1
    )
    store.attempts.save_answer(
        session, attempt=attempt, question_id="a", answer="research", correct=True
    )
    return attempt


def test_deleting_an_attempt_takes_its_answers_and_practice_rounds_only(app: FastAPI) -> None:
    with app.state.sessions() as session:
        teacher = Teacher(email="t@school.org", password_hash="x")
        session.add(teacher)
        session.commit()
        assignment = _assignment(session, teacher, "AAAAAA")
        gone = _answered(session, assignment, "Sam")
        again = _answered(session, assignment, "Sam")  # the same student's other attempt
        other = _answered(session, assignment, "Ana")
        practice = store.attempts.create_attempt(
            session, set_id=gone.set_id, question_ids=["a"], seed=2, practice_of=gone
        )
        store.attempts.save_answer(
            session, attempt=practice, question_id="a", answer="research", correct=True
        )
        ids = {"gone": gone.id, "practice": practice.id, "again": again.id, "other": other.id}
        store.students.delete_student_attempt(
            session, assignment=assignment, teacher=teacher, attempt=gone, details="Deleted."
        )
    with app.state.sessions() as session:
        attempts = {a.id for a in session.scalars(select(Attempt))}
        answered = {a.attempt_id for a in session.scalars(select(Answer))}
        rounds = list(session.scalars(select(PracticeRound)))
        events = [(e.action, e.student_name) for e in session.scalars(select(AssignmentEvent))]
    assert attempts == answered == {ids["again"], ids["other"]}
    assert rounds == []
    assert events == [("delete-attempt", "Sam")]


def test_allowances_belong_to_one_student_of_one_assignment(app: FastAPI) -> None:
    with app.state.sessions() as session:
        teacher = Teacher(email="t@school.org", password_hash="x")
        session.add(teacher)
        session.commit()
        first, second = (
            _assignment(session, teacher, "AAAAAA"),
            _assignment(session, teacher, "BBBBBB"),
        )
        later = (datetime.now(UTC) + timedelta(days=1)).replace(microsecond=0)
        for _ in range(2):
            store.students.give_another_attempt(
                session,
                assignment=first,
                teacher=teacher,
                student_key="sam lee",
                student_name="Sam Lee",
                details="+1",
            )
        store.students.set_closing_time(
            session,
            assignment=first,
            teacher=teacher,
            student_key="sam lee",
            student_name="Sam Lee",
            closes_at=later,
            details="later",
        )
        mine = store.students.get_allowance(session, assignment=first, student_key="sam lee")
        assert mine is not None
        assert (mine.extra_attempts, mine.closes_at) == (2, later)
        assert (
            store.students.get_allowance(session, assignment=second, student_key="sam lee") is None
        )
        assert store.students.get_allowance(session, assignment=first, student_key="ana") is None
        assert store.students.latest_closing(session, assignment=first) == later
        assert store.students.latest_closing(session, assignment=second) is None
        log = store.students.list_events(session, assignment=first)
        assert [e.action for e in log] == ["extra-time", "another-attempt", "another-attempt"]
        assert store.students.list_events(session, assignment=second) == []
