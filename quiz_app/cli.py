"""The quiz-app command: serve the app, or check a question bank."""

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from quiz_app import auth
from quiz_app.bank import BankError, check_bank
from quiz_app.config import Settings


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from quiz_app.main import create_app

    try:
        app = create_app(Settings())
    except BankError as exc:
        print("The question bank has problems; fix them and start again:", file=sys.stderr)
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    print(f"Claim Check is running at http://{args.host}:{args.port}/  (Ctrl+C stops it)")
    uvicorn.run(app, host=args.host, port=args.port, log_level="info")
    return 0


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
    from quiz_app import db, teacher_store

    email = auth.normalize_email(args.email)
    if problem := auth.email_problem(email):
        print(problem, file=sys.stderr)
        return 2
    engine = db.make_engine(Settings().resolved_database_url())
    db.upgrade(engine)
    try:
        with db.session_factory(engine)() as session:
            teacher = teacher_store.get_teacher_by_email(session, email=email)
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
                teacher_store.create_teacher(session, email=email, password=password)
                print(f"Created the teacher account {email}.")
            else:
                teacher_store.set_password(session, teacher=teacher, password=password)
                print(f"Set a new password for {email}; they are logged out everywhere.")
    finally:
        engine.dispose()
    if generated:
        print(f"One-time password: {password}")
        print("Give it to the teacher privately. Shown only this once.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="quiz-app", description="Claim Check quiz server")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the app (settings from QUIZ_* variables)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    code: int = args.run(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
