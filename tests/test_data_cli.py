"""The admin's data commands: `quiz-app data purge [--dry-run]` deletes what is past its time
(or only says what it would, per table), and `quiz-app data delete-student --assignment ID
--name NAME [--dry-run]` deletes one student's data in one assignment."""

import re
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from quiz_app import db
from quiz_app.cli import main
from quiz_app.models import Answer, Assignment, AssignmentEvent, Attempt, StudentAllowance
from tests.support import aged_data as aged


@pytest.fixture
def session(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Session]:
    """Yield a session on the database the commands run on (QUIZ_DATABASE_URL)."""
    monkeypatch.setenv("QUIZ_DATABASE_URL", database_url)
    engine = db.make_engine(database_url)
    db.upgrade(engine)
    with db.session_factory(engine)() as session:
        yield session
    engine.dispose()


def _count(session: Session, model: type) -> int:
    session.commit()  # a fresh snapshot, to see what the command did
    return session.scalar(select(func.count()).select_from(model)) or 0


def _printed(out: str) -> dict[str, int]:
    return {t: int(n) for t, n in re.findall(r"^  (\w+): +(\d+)$", out, re.MULTILINE)}


def test_data_purge_dry_run_prints_counts_per_table_and_deletes_nothing(
    session: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    aged.attempt(session, age=40, answered=40)
    aged.attempt(session, age=40, answered=39)
    aged.attempt(session, age=1, answered=1)

    assert main(["data", "purge", "--dry-run"]) == 0

    out = capsys.readouterr().out
    assert "Would delete 4 row(s):" in out and "Nothing was deleted (--dry-run)." in out
    counts = _printed(out)
    assert counts["attempts"] == 2 and counts["answers"] == 2 and counts["lti_users"] == 0
    assert _count(session, Attempt) == 3 and _count(session, Answer) == 3


def test_data_purge_deletes_what_is_past_its_time(
    session: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    aged.attempt(session, age=40, answered=40)
    kept = aged.attempt(session, age=1, answered=1)

    assert main(["data", "purge"]) == 0

    assert _printed(capsys.readouterr().out)["attempts"] == 1
    assert list(session.scalars(select(Attempt.id))) == [kept.id]


def _class(session: Session) -> Assignment:
    ada = aged.teacher(session, "ada@school.org")
    homework = aged.assignment(session, ada, "HOMEWK")
    for name in ("Sam", "sam", "Ana"):  # "sam" is Sam's second attempt: names ignore case
        done = aged.attempt(session, age=1, answered=1, of=homework, name=name)
        aged.attempt(session, age=1, answered=1, practice_of=done)
    aged.event(session, homework, "Sam", age=1)
    aged.event(session, homework, "Ana", age=1)
    aged.allowance(session, homework, "Sam")
    return homework


def test_data_delete_student_dry_run_prints_counts_and_deletes_nothing(
    session: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    homework = _class(session)

    args = ["data", "delete-student", "--assignment", str(homework.id), "--name", " SAM "]
    assert main([*args, "--dry-run"]) == 0

    counts = _printed(capsys.readouterr().out)
    assert counts == {
        "attempts": 4,
        "answers": 4,
        "practice_rounds": 2,
        "lti_attempts": 0,
        "lti_grades": 0,
        "assignment_events": 1,
        "student_allowances": 1,
    }
    assert _count(session, Attempt) == 6 and _count(session, AssignmentEvent) == 2


def test_data_delete_student_deletes_their_data_only(
    session: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    homework = _class(session)

    assert main(["data", "delete-student", "--assignment", str(homework.id), "--name", "Sam"]) == 0

    assert "Deleted 12 row(s):" in capsys.readouterr().out
    names = set(session.scalars(select(Attempt.student_name)))
    assert names == {"Ana", None}  # Ana's attempt and her practice round
    assert _count(session, Attempt) == 2
    assert list(session.scalars(select(AssignmentEvent.student_name))) == ["Ana"]
    assert _count(session, StudentAllowance) == 0


@pytest.mark.parametrize(
    ("which", "name", "code", "says"),
    [("missing", "Sam", 2, "There is no assignment"), ("real", "Zed", 1, "Nobody called 'Zed'")],
)
def test_data_delete_student_unknown_exits_with_a_message(
    session: Session,
    capsys: pytest.CaptureFixture[str],
    which: str,
    name: str,
    code: int,
    says: str,
) -> None:
    homework = _class(session)
    assignment = str(homework.id if which == "real" else homework.id + 99)

    assert main(["data", "delete-student", "--assignment", assignment, "--name", name]) == code

    assert says in capsys.readouterr().err
    assert _count(session, Attempt) == 6
