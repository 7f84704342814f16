"""The quiz-app command: serve the app, check a question bank, manage teachers, LTI and data."""

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from quiz_app import auth
from quiz_app.bank.catalog import BankError, check_bank
from quiz_app.config import Settings
from quiz_app.lti import commands as lti_commands
from quiz_app.outages import DatabaseUnavailable

if TYPE_CHECKING:
    from collections import Counter

    from fastapi import FastAPI
    from sqlalchemy.orm import Session
    from uvicorn import Config


APP_FACTORY = "quiz_app.main:create_app"  # what each worker process imports and calls
MAX_WORKERS = 64  # as the workers setting allows
# Seconds a stopping server waits for open requests: class mode's event streams stay open for
# minutes, and a browser reconnects by itself to the restarted server.
GRACEFUL_SHUTDOWN_SECONDS = 5


def uvicorn_config(
    app: "FastAPI | str", settings: Settings, host: str, port: int, workers: int = 1
) -> "Config":
    """Return how `quiz-app serve` runs the app: behind the proxies the settings trust,
    request.client is the real client (what the rate limits count), not the proxy; httptools
    and uvloop when installed (they are dependencies); an access log only when asked for.
    With workers > 1, `app` is APP_FACTORY: each worker process builds its own app."""
    import uvicorn

    return uvicorn.Config(
        app,
        factory=isinstance(app, str),
        host=host,
        port=port,
        workers=workers,
        http="auto",  # httptools, else uvicorn's pure-Python parser
        loop="auto",  # uvloop, else asyncio's loop
        log_level="info",
        access_log=settings.access_log,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
        proxy_headers=settings.proxy_headers,
        forwarded_allow_ips=settings.forwarded_allow_ips,
    )


def _workers_problem(settings: Settings, workers: int) -> str | None:
    """Return why the database cannot be shared by `workers` processes, or None when it can."""
    from sqlalchemy.engine import make_url

    url = make_url(settings.resolved_database_url())
    in_memory = url.database in (None, "", ":memory:") or url.query.get("mode") == "memory"
    if workers > 1 and url.get_backend_name() == "sqlite" and in_memory:
        return (
            f"--workers {workers} needs a database the processes share, and an in-memory "
            "SQLite database lives inside one process. Use a SQLite file or PostgreSQL "
            "(QUIZ_DATABASE_URL), or one worker."
        )
    return None


def _open_database(settings: Settings) -> bool:
    """Upgrade the schema before any worker starts, saying so; return whether it is usable."""
    from quiz_app import db, outages

    engine = db.engine_for(settings)
    try:
        upgraded = outages.open_database(engine)
    except DatabaseUnavailable as exc:
        print(exc, file=sys.stderr)
        return False
    finally:
        engine.dispose()
    if upgraded is not None:
        before, head = upgraded
        print(f"Upgraded the database schema from {before or 'empty'} to {head}.", flush=True)
    return True


def _app_to_serve(settings: Settings, workers: int) -> "FastAPI | str | None":
    """Return the app one worker serves, or APP_FACTORY for several (each builds its own, so
    here the bank is only checked, to say what is wrong once instead of once per worker);
    None when the bank or the database has problems, said on stderr."""
    from quiz_app.bank.catalog import load_bank
    from quiz_app.main import create_app

    try:
        if workers == 1:
            return create_app(settings)
        load_bank(settings.questions_dir)
        return APP_FACTORY
    except BankError as exc:
        print("The question bank has problems; fix them and start again:", file=sys.stderr)
        for problem in exc.problems:
            print(problem, file=sys.stderr)
    except DatabaseUnavailable as exc:
        print(exc, file=sys.stderr)
    return None


def _serve(args: argparse.Namespace) -> int:
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    settings = Settings()
    workers: int = args.workers or settings.workers
    if problem := _workers_problem(settings, workers):
        print(problem, file=sys.stderr)
        return 2
    if not _open_database(settings) or (app := _app_to_serve(settings, workers)) is None:
        return 1
    processes = "1 process" if workers == 1 else f"{workers} processes"
    address = f"http://{args.host}:{args.port}/"
    print(f"Claim Check is running at {address} in {processes}  (Ctrl+C stops it)", flush=True)
    config = uvicorn_config(app, settings, args.host, args.port, workers)
    if workers == 1:
        uvicorn.Server(config).run()
    else:
        Multiprocess(config, sockets=[config.bind_socket()]).run()
    return 0


def _worker_count(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= MAX_WORKERS:
        raise argparse.ArgumentTypeError(f"give a whole number from 1 to {MAX_WORKERS}")
    return int(text)


def _check(args: argparse.Namespace) -> int:
    root = Path(args.path) if args.path else Settings().questions_dir
    bank, problems = check_bank(root)
    for problem in problems:
        print(problem)
    if bank is None:
        print(f"{len(problems)} problem(s) in {root}", file=sys.stderr)
        return 1
    print(f"{root}: {len(bank.questions)} questions and {len(bank.sets)} sets, all valid")
    return 0


def _read_password(args: argparse.Namespace, email: str) -> tuple[str | None, bool]:
    """Return the password to set (read from stdin, or generated) and whether it was generated."""
    if not args.password_stdin:
        return auth.generate_password(), True
    password = sys.stdin.readline().rstrip("\r\n")
    problems = auth.password_problems(password, email)
    if problems:
        print("That password is not accepted: " + " ".join(problems), file=sys.stderr)
        return None, False
    return password, False


def _teacher(args: argparse.Namespace) -> int:
    from quiz_app import db, rate_limits, store

    email = auth.normalize_email(args.email)
    if problem := auth.email_problem(email):
        print(problem, file=sys.stderr)
        return 2
    engine = db.engine_for(Settings())
    db.upgrade(engine)
    try:
        with db.session_factory(engine)() as session:
            teacher = store.teachers.get_teacher_by_email(session, email=email)
            if args.action == "create" and teacher is not None:
                print(f"{email} already has an account; use reset-password.", file=sys.stderr)
                return 1
            if args.action == "reset-password" and teacher is None:
                print(f"There is no teacher account for {email}.", file=sys.stderr)
                return 1
            password, generated = _read_password(args, email)
            if password is None:
                return 1
            if teacher is None:
                store.teachers.create_teacher(session, email=email, password=password)
                print(f"Created the teacher account {email}.")
            else:
                store.teachers.set_password(session, teacher=teacher, password=password)
                rate_limits.clear_account(session, email=email)
                print(f"Set a new password for {email}; they are logged out everywhere.")
    finally:
        engine.dispose()
    if generated:
        print(f"One-time password: {password}")
        print("Give it to the teacher privately. Shown only this once.")
    return 0


def _data(args: argparse.Namespace) -> int:
    """Run one `quiz-app data …` command on the configured database."""
    from quiz_app import db

    settings = Settings()
    engine = db.engine_for(settings)
    db.upgrade(engine)
    try:
        with db.session_factory(engine)() as session:
            if args.action == "purge":
                return _data_purge(args, session, settings)
            return _data_delete_student(args, session)
    finally:
        engine.dispose()


def _print_counts(counts: "Counter[str]", dry_run: bool) -> None:
    verb = "Would delete" if dry_run else "Deleted"
    print(f"{verb} {counts.total()} row(s):")
    for table, count in counts.items():
        print(f"  {table + ':':<20} {count}")
    if dry_run:
        print("Nothing was deleted (--dry-run).")


def _data_purge(args: argparse.Namespace, session: "Session", settings: Settings) -> int:
    from quiz_app import retention

    print(
        f"Keeping public attempts {settings.keep_public_days} days, assignments' student data "
        f"{settings.keep_assignment_days} days, expired login records "
        f"{settings.keep_login_days} days, LMS users {settings.keep_lms_user_days} days."
    )
    _print_counts(retention.purge(session, settings, dry_run=args.dry_run), args.dry_run)
    return 0


def _data_delete_student(args: argparse.Namespace, session: "Session") -> int:
    from quiz_app import store
    from quiz_app.classroom.assignments import name_key

    assignment = store.assignments.any_assignment(session, assignment_id=args.assignment)
    if assignment is None:
        print(f"There is no assignment {args.assignment}.", file=sys.stderr)
        return 2
    key = name_key(args.name)
    attempts, events, allowances = store.students.student_rows(
        session, assignment=assignment, student_key=key
    )
    if not (attempts or events or allowances):
        print(f"Nobody called {args.name!r} is in “{assignment.title}”.", file=sys.stderr)
        return 1
    counts = store.retention.attempt_rows(session, attempt_ids=attempts)
    counts.update(assignment_events=len(events), student_allowances=len(allowances))
    print(f"{args.name!r} in “{assignment.title}” (assignment {assignment.id}):")
    if not args.dry_run:
        store.students.delete_student(session, assignment=assignment, student_key=key)
    _print_counts(counts, args.dry_run)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="quiz-app", description="Claim Check quiz server")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the app (settings from QUIZ_* variables)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--workers",
        type=_worker_count,
        help="app processes to start (default: QUIZ_WORKERS, 1); about one per core",
    )
    serve.set_defaults(run=_serve)
    check = commands.add_parser("check", help="validate a question bank and list every problem")
    check.add_argument("path", nargs="?", help="the question directory (default: the bundled bank)")
    check.set_defaults(run=_check)
    teacher = commands.add_parser("teacher", help="manage teacher accounts (no mail server needed)")
    actions = teacher.add_subparsers(dest="action", required=True)
    for action, text in (
        ("create", "create a teacher account and print a one-time password"),
        ("reset-password", "give a teacher a new password and log them out everywhere"),
    ):
        sub = actions.add_parser(action, help=text)
        sub.add_argument("email")
        sub.add_argument(
            "--password-stdin",
            action="store_true",
            help="read the password from the first line of standard input instead",
        )
        sub.set_defaults(run=_teacher)
    lti_commands.add_parser(commands)
    _data_parser(commands)
    return parser


def _data_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    data = commands.add_parser("data", help="delete data past its time, or one student's")
    actions = data.add_subparsers(dest="action", required=True)
    purge = actions.add_parser(
        "purge", help="delete what is past the QUIZ_KEEP_* times now (the app also does it)"
    )
    student = actions.add_parser(
        "delete-student", help="delete one student's attempts, answers and log lines"
    )
    student.add_argument("--assignment", type=int, required=True, help="the assignment's id")
    student.add_argument("--name", required=True, help="the name they joined with (any case)")
    for sub in (purge, student):
        sub.add_argument(
            "--dry-run", action="store_true", help="print what would be deleted; delete nothing"
        )
        sub.set_defaults(run=_data)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    code: int = args.run(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
