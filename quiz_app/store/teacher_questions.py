"""The questions teachers wrote themselves, as keyword-only functions over a session. A
function that takes a `teacher` only ever returns that teacher's questions."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from quiz_app.models import Teacher, TeacherQuestion, utcnow


def list_questions(session: Session, *, teacher: Teacher) -> list[TeacherQuestion]:
    return list(
        session.scalars(
            select(TeacherQuestion)
            .where(TeacherQuestion.teacher_id == teacher.id)
            .order_by(TeacherQuestion.local_id)
        )
    )


def get_question(session: Session, *, teacher: Teacher, local_id: str) -> TeacherQuestion | None:
    return session.scalar(
        select(TeacherQuestion).where(
            TeacherQuestion.teacher_id == teacher.id, TeacherQuestion.local_id == local_id
        )
    )


def get_question_by_question_id(session: Session, *, question_id: str) -> TeacherQuestion | None:
    """Return a teacher question by its namespaced id (for the quiz; owner not checked)."""
    return session.scalar(select(TeacherQuestion).where(TeacherQuestion.question_id == question_id))


def get_questions_by_question_id(
    session: Session, *, question_ids: list[str]
) -> dict[str, TeacherQuestion]:
    """Return the teacher questions with these namespaced ids, by id, in one query (for the
    quiz and the dashboards; owners not checked)."""
    if not question_ids:
        return {}
    rows = session.scalars(
        select(TeacherQuestion).where(TeacherQuestion.question_id.in_(question_ids))
    )
    return {row.question_id: row for row in rows}


def save_questions(
    session: Session, *, teacher: Teacher, questions: dict[str, dict[str, Any]], ids: dict[str, str]
) -> None:
    """Insert or replace the teacher's questions (local id -> data) in one transaction."""
    existing = {q.local_id: q for q in list_questions(session, teacher=teacher)}
    now = utcnow()
    for local_id, data in questions.items():
        row = existing.get(local_id)
        if row is None:
            session.add(
                TeacherQuestion(
                    teacher_id=teacher.id,
                    local_id=local_id,
                    question_id=ids[local_id],
                    data=data,
                    updated_at=now,
                )
            )
        else:
            row.data, row.updated_at = data, now
    session.commit()


def delete_question(session: Session, *, question: TeacherQuestion) -> None:
    session.delete(question)
    session.commit()
