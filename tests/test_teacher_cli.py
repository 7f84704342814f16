"""The admin's commands: `quiz-app teacher create EMAIL` and `quiz-app teacher reset-password`."""

import io
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from quiz_app import auth, db, rate_limits, store
from quiz_app.cli import main
from quiz_app.models import RateLimit, Teacher, TeacherSession


@pytest.fixture
def admin_env(database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("QUIZ_DATABASE_URL", database_url)
    return database_url


def _teacher(database_url: str, email: str) -> Teacher | None:
    engine = db.make_engine(database_url)
    try:
        with db.session_factory(engine)() as session:
            return session.scalar(select(Teacher).where(Teacher.email == email))
    finally:
        engine.dispose()


def _printed_password(out: str) -> str:
    match = re.search(r"One-time password: (\S+)", out)
    assert match, out
    return match.group(1)


def test_teacher_create_prints_a_strong_password_that_logs_in(
    admin_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["teacher", "create", "Ada@School.org"]) == 0
    password = _printed_password(capsys.readouterr().out)
    assert auth.password_problems(password, "ada@school.org") == []
    teacher = _teacher(admin_env, "ada@school.org")
    assert teacher is not None
    assert auth.verify_password(teacher.password_hash, password)


def test_teacher_create_existing_email_exits_1_and_keeps_password(
    admin_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["teacher", "create", "ada@school.org"])
    first = _printed_password(capsys.readouterr().out)
    assert main(["teacher", "create", "ada@school.org"]) == 1
    assert "already has an account" in capsys.readouterr().err
    teacher = _teacher(admin_env, "ada@school.org")
    assert teacher is not None and auth.verify_password(teacher.password_hash, first)


def test_teacher_reset_password_sets_new_one_and_logs_out_everywhere(
    admin_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["teacher", "create", "ada@school.org"])
    old = _printed_password(capsys.readouterr().out)
    engine = db.make_engine(admin_env)
    with db.session_factory(engine)() as session:
        teacher = store.teachers.get_teacher_by_email(session, email="ada@school.org")
        assert teacher is not None
        store.teachers.create_session(session, teacher=teacher, hours=1)
    assert main(["teacher", "reset-password", "ada@school.org"]) == 0
    new = _printed_password(capsys.readouterr().out)
    assert new != old
    teacher = _teacher(admin_env, "ada@school.org")
    assert teacher is not None
    assert auth.verify_password(teacher.password_hash, new)
    assert not auth.verify_password(teacher.password_hash, old)
    with db.session_factory(engine)() as session:
        assert list(session.scalars(select(TeacherSession))) == []
    engine.dispose()


def test_teacher_reset_password_forgets_that_emails_failed_logins_only(
    admin_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["teacher", "create", "ada@school.org"])
    now = datetime.now(UTC)
    engine = db.make_engine(admin_env)
    with db.session_factory(engine)() as session:
        for email, network in (
            ("Ada@school.org", "203.0.113.7"),
            ("ada@school.org", "2001:db8::/64"),
            ("bob@school.org", "203.0.113.7"),
        ):
            subject = rate_limits.pair(email, network)
            rate_limits.record(session, rule=rate_limits.LOGIN_PAIR, subject=subject, now=now)
        rate_limits.record(session, rule=rate_limits.LOGIN_ADDRESS, subject="203.0.113.7", now=now)
    assert main(["teacher", "reset-password", "ada@school.org"]) == 0
    bob = rate_limits.email_part("bob@school.org")
    with db.session_factory(engine)() as session:
        keys = sorted(re.sub(r":\d+:", ":", key) for key in session.scalars(select(RateLimit.key)))
    engine.dispose()
    assert keys == [
        "login-address:203.0.113.7",
        "login-address:203.0.113.7",  # a row for 15 minutes and one for the day
        f"login-pair:{bob}@203.0.113.7",
        f"login-pair:{bob}@203.0.113.7",
    ]


def test_teacher_reset_password_unknown_email_exits_1(
    admin_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["teacher", "reset-password", "nobody@school.org"]) == 1
    assert "no teacher account for nobody@school.org" in capsys.readouterr().err


def test_teacher_create_with_password_stdin_uses_it_and_prints_none(
    admin_env: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("a walk by the river\n"))
    assert main(["teacher", "create", "ada@school.org", "--password-stdin"]) == 0
    assert "One-time password" not in capsys.readouterr().out
    teacher = _teacher(admin_env, "ada@school.org")
    assert teacher is not None and auth.verify_password(
        teacher.password_hash, "a walk by the river"
    )


def test_teacher_create_with_weak_stdin_password_exits_1_and_creates_nothing(
    admin_env: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["teacher", "create", "ada@school.org", "--password-stdin"]) == 1
    assert "at least 10 characters" in capsys.readouterr().err
    assert _teacher(admin_env, "ada@school.org") is None


def test_teacher_create_bad_email_exits_2(
    admin_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["teacher", "create", "not-an-email"]) == 2
    assert "Enter an email address" in capsys.readouterr().err
