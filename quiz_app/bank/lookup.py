"""Where a question id leads: the bundled bank, or a teacher's own question in the database.

Teachers' question ids are namespaced as `t<teacher id>.<their id>`. Bundled ids cannot contain
a dot (items.ID_PATTERN), so the two can never collide, nor can two teachers' ids.
"""

import re
from collections.abc import Iterable

from sqlalchemy.orm import Session

from quiz_app import store
from quiz_app.bank.catalog import AnyQuestion, Bank
from quiz_app.bank.items import QUESTION, ClassifyQuestion
from quiz_app.models import TeacherQuestion

TEACHER_QUESTION_ID = re.compile(r"^t(\d+)\.([a-z0-9-]+)$")


def namespaced(teacher_id: int, local_id: str) -> str:
    """Return the id a teacher's question has in attempts and answers."""
    return f"t{teacher_id}.{local_id}"


def owner_of(question_id: str) -> int | None:
    """Return the teacher id a namespaced question id belongs to, or None for a bank id."""
    match = TEACHER_QUESTION_ID.match(question_id)
    return int(match.group(1)) if match else None


def from_row(row: TeacherQuestion) -> AnyQuestion:
    """Return a stored teacher question as a question model carrying its namespaced id."""
    question: AnyQuestion = QUESTION.validate_python(row.data)
    return question.model_copy(update={"id": row.question_id})


def resolve(session: Session, bank: Bank, question_id: str) -> AnyQuestion | None:
    """Return the question with this id from the bank or a teacher's questions, or None."""
    if question_id in bank.questions:
        return bank.questions[question_id]
    if owner_of(question_id) is None:
        return None
    row = store.teacher_questions.get_question_by_question_id(session, question_id=question_id)
    return from_row(row) if row is not None else None


def resolve_many(session: Session, bank: Bank, ids: Iterable[str]) -> dict[str, AnyQuestion]:
    """Return every question of ids that still exists, keyed by id (in the order of ids); the
    teachers' questions among them are read in one query."""
    wanted = list(dict.fromkeys(ids))
    own = [qid for qid in wanted if qid not in bank.questions and owner_of(qid) is not None]
    rows = store.teacher_questions.get_questions_by_question_id(session, question_ids=own)
    found: dict[str, AnyQuestion] = {}
    for question_id in wanted:
        if question_id in bank.questions:
            found[question_id] = bank.questions[question_id]
        elif question_id in rows:
            found[question_id] = from_row(rows[question_id])
    return found


def exportable(found: Iterable[AnyQuestion]) -> list[AnyQuestion]:
    """Return questions with the ids an exported file gives them.

    A teacher's own question gets back the id its teacher wrote (files are read by other tools,
    and imported again by teachers, where a namespaced id means nothing), unless another
    question of the file has that id: then `t<teacher id>-<their id>`.
    """
    listed = list(found)
    taken = {q.id for q in listed if owner_of(q.id) is None}
    out = []
    for question in listed:
        match = TEACHER_QUESTION_ID.match(question.id)
        if match is not None:
            local = match.group(2)
            new_id = local if local not in taken else f"t{match.group(1)}-{local}"
            taken.add(new_id)
            question = question.model_copy(update={"id": new_id})
        out.append(question)
    return out


def verdicts_of(session: Session, bank: Bank, ids: Iterable[str]) -> dict[str, str]:
    """Return the verdict of every classify question among ids, for a balanced draw."""
    return {
        qid: question.verdict
        for qid, question in resolve_many(session, bank, ids).items()
        if isinstance(question, ClassifyQuestion)
    }
