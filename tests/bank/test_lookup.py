"""Where a question id leads: the bundled bank or a teacher's own questions, read in one go."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi import FastAPI
from sqlalchemy import event

from quiz_app import store
from quiz_app.bank import lookup
from tests.support.teacher_factories import make_teacher


@contextmanager
def _counted(app: FastAPI) -> Iterator[list[str]]:
    """Yield the list of SQL statements the app's engine runs meanwhile."""
    statements: list[str] = []

    def _count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(app.state.engine, "before_cursor_execute", _count)
    try:
        yield statements
    finally:
        event.remove(app.state.engine, "before_cursor_execute", _count)


def _own_questions(app: FastAPI, count: int) -> list[str]:
    """Store `count` questions of a new teacher (copies of a bank question); return their ids."""
    bank = app.state.bank
    data = next(iter(bank.questions.values())).model_dump(mode="json", exclude_none=True)
    with app.state.sessions() as session:
        teacher = make_teacher(app)
        local_ids = [f"mine-{n}" for n in range(count)]
        ids = {local: lookup.namespaced(teacher.id, local) for local in local_ids}
        store.teacher_questions.save_questions(
            session,
            teacher=teacher,
            questions={local: {**data, "id": local} for local in local_ids},
            ids=ids,
        )
    return list(ids.values())


def test_resolve_many_reads_a_teachers_questions_in_one_query(app: FastAPI) -> None:
    own = _own_questions(app, 5)
    bundled = list(app.state.bank.questions)[:3]
    gone = lookup.namespaced(999, "deleted")
    asked = [own[0], *bundled, *own[1:], gone, own[0]]
    with app.state.sessions() as session, _counted(app) as statements:
        found = lookup.resolve_many(session, app.state.bank, asked)
    assert len(statements) == 1
    assert list(found) == [own[0], *bundled, *own[1:]]  # in the order asked; the gone one left out
    assert all(found[qid].id == qid for qid in found)


def test_resolve_many_of_bank_questions_only_reads_nothing(app: FastAPI) -> None:
    bundled = list(app.state.bank.questions)[:4]
    with app.state.sessions() as session, _counted(app) as statements:
        found = lookup.resolve_many(session, app.state.bank, bundled)
    assert statements == []
    assert list(found) == bundled
