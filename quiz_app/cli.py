"""The quiz-app command: serve the app, check a question bank, manage teachers, LTI and data."""

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from quiz_app import auth
from quiz_app.bank.catalog import BankError, check_bank
from quiz_app.config import Settings
from quiz_app.outages import DatabaseUnavailable

if TYPE_CHECKING:
    from collections import Counter

    from fastapi import FastAPI
    from sqlalchemy.orm import Session, sessionmaker
    from uvicorn import Config


def uvicorn_config(app: "FastAPI", settings: Settings, host: str, port: int) -> "Config":
    """Return how `quiz-app serve` runs the app: behind the proxies the settings trust,
    request.client is the real client (what the rate limits count), not the proxy."""
    import uvicorn

    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="info",
        proxy_headers=settings.proxy_headers,
        forwarded_allow_ips=settings.forwarded_allow_ips,
    )


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from quiz_app.main import create_app

    settings = Settings()
    try:
        app = create_app(settings)
    except BankError as exc:
        print("The question bank has problems; fix them and start again:", file=sys.stderr)
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    except DatabaseUnavailable as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"Claim Check is running at http://{args.host}:{args.port}/  (Ctrl+C stops it)")
    uvicorn.Server(uvicorn_config(app, settings, args.host, args.port)).run()
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
    from quiz_app import db, rate_limits, store

    email = auth.normalize_email(args.email)
    if problem := auth.email_problem(email):
        print(problem, file=sys.stderr)
        return 2
    engine = db.make_engine(Settings().resolved_database_url())
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


def _lti(args: argparse.Namespace) -> int:
    """Run one `quiz-app lti …` command on the configured database."""
    from quiz_app import db

    settings = Settings()
    if args.action == "show-config":
        return _lti_show_config(args, settings)
    engine = db.make_engine(settings.resolved_database_url())
    db.upgrade(engine)
    try:
        with db.session_factory(engine)() as session:
            if args.action == "add-platform":
                return _lti_add_platform(args, session)
            if args.action == "list-platforms":
                return _lti_list_platforms(session)
            if args.action == "rotate-key":
                return _lti_rotate_key(args, session)
        return _lti_send_grades(settings, db.session_factory(engine))
    finally:
        engine.dispose()


def _lti_show_config(args: argparse.Namespace, settings: Settings) -> int:
    from quiz_app.lti import platforms, tool

    base = (args.base_url or settings.public_url).rstrip("/")
    if not base:
        print(
            "Give the address students reach the app at: --base-url https://quiz.school.example "
            "(or set QUIZ_PUBLIC_URL).",
            file=sys.stderr,
        )
        return 2
    if problem := platforms.url_problem("--base-url", base):
        print(problem, file=sys.stderr)
        return 2
    urls = tool.tool_urls(base)
    print(f"Claim Check as an LTI 1.3 tool at {base}")
    for name, label in tool.LABELS.items():
        print(f"  {label + ':':<42} {urls[name]}")
    print(f"  {'Scope for grades (AGS):':<42} {urls['score_scope']}")
    print(f"  {'Tool domain:':<42} {urls['domain']}")
    return 0


def _lti_add_platform(args: argparse.Namespace, session: "Session") -> int:
    from quiz_app.lti import platforms

    registration = platforms.Registration(
        issuer=args.issuer.strip(),
        client_id=args.client_id.strip(),
        deployment_ids=[d.strip() for d in args.deployment_id or []],
        auth_url=args.auth_url.strip(),
        token_url=args.token_url.strip(),
        jwks_url=args.jwks_url.strip(),
        name=(args.name or "").strip(),
        token_audience=(args.token_audience or "").strip(),
        service_hosts=[h.strip() for h in args.service_host or []],
    )
    try:
        platform, created = platforms.register(session, registration)
    except platforms.PlatformProblems as exc:
        print("The LMS was not registered:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 2
    verb = "Registered" if created else "Updated"
    deployments = ", ".join(d.deployment_id for d in platform.deployments)
    print(f"{verb} the LMS {platform.name or platform.issuer}.")
    print(f"  issuer {platform.issuer}, client id {platform.client_id}")
    print(f"  deployment ids: {deployments}")
    return 0


def _lti_list_platforms(session: "Session") -> int:
    from quiz_app import store

    found = store.platforms.list_platforms(session)
    if not found:
        print("No LMS is registered yet. Add one with `quiz-app lti add-platform`.")
        return 0
    for platform in found:
        print(f"{platform.name or '(no name)'}")
        print(f"  issuer:         {platform.issuer}")
        print(f"  client id:      {platform.client_id}")
        print(f"  deployment ids: {', '.join(d.deployment_id for d in platform.deployments)}")
        print(f"  auth URL:       {platform.auth_url}")
        print(f"  token URL:      {platform.token_url}")
        print(f"  JWKS URL:       {platform.jwks_url}")
        if platform.token_audience:
            print(f"  token audience: {platform.token_audience}")
        if platform.service_hosts:
            print(f"  service hosts:  {', '.join(platform.service_hosts)}")
    return 0


def _lti_rotate_key(args: argparse.Namespace, session: "Session") -> int:
    from quiz_app.lti import keys

    if args.keep_old_days < 0:
        print("--keep-old-days must be 0 or more.", file=sys.stderr)
        return 2
    new, old = keys.rotate(session, keep_old_days=args.keep_old_days)
    print(f"New signing key: {new.kid}")
    for key in old:
        assert key.retire_at is not None
        print(f"Old key {key.kid} stays published until {key.retire_at:%Y-%m-%d %H:%M} UTC.")
    return 0


def _lti_send_grades(settings: Settings, sessions: "sessionmaker[Session]") -> int:
    import httpx2

    from quiz_app.lti import ags, grades

    with sessions() as session:
        queued = grades.queue_missing(session)
    with httpx2.Client(timeout=settings.lti_http_timeout, follow_redirects=False) as http:
        total = ags.send_due(sessions, http)
        while sum(total.values()) and (batch := ags.send_due(sessions, http)):
            total += batch
    print(
        f"Queued {queued} grade(s); sent {total[grades.SENT]}, "
        f"{total[grades.PENDING]} to retry later, {total[grades.FAILED]} refused by the LMS."
    )
    return 0


def _data(args: argparse.Namespace) -> int:
    """Run one `quiz-app data …` command on the configured database."""
    from quiz_app import db

    settings = Settings()
    engine = db.make_engine(settings.resolved_database_url())
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
    _lti_parser(commands)
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


def _lti_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    lti = commands.add_parser("lti", help="Claim Check as an LTI 1.3 tool in an LMS")
    actions = lti.add_subparsers(dest="action", required=True)
    add = actions.add_parser(
        "add-platform", help="register an LMS (or add deployment ids / new URLs to one)"
    )
    add.add_argument("--issuer", required=True, help="the LMS's issuer (iss)")
    add.add_argument("--client-id", required=True, help="the client id the LMS gave the tool")
    add.add_argument(
        "--deployment-id",
        action="append",
        required=True,
        help="a deployment id the LMS shows for the tool (repeat for several)",
    )
    add.add_argument("--auth-url", required=True, help="the LMS's OIDC authentication URL")
    add.add_argument("--token-url", required=True, help="the LMS's OAuth2 access token URL")
    add.add_argument("--jwks-url", required=True, help="the LMS's public keyset URL")
    add.add_argument("--name", help="a name to show, such as 'School Canvas'")
    add.add_argument(
        "--token-audience", help="the token assertion's audience, if not the token URL"
    )
    add.add_argument(
        "--service-host",
        action="append",
        help="another host of the LMS's grade services, such as a school's own Canvas domain "
        "(repeat for several); grades and their access token go to no other host",
    )
    add.set_defaults(run=_lti)
    actions.add_parser("list-platforms", help="list the registered LMSs").set_defaults(run=_lti)
    rotate = actions.add_parser(
        "rotate-key", help="make a new signing key; the old one stays published for a while"
    )
    rotate.add_argument(
        "--keep-old-days",
        type=int,
        default=7,
        help="days the replaced key stays in the JWKS (default 7)",
    )
    rotate.set_defaults(run=_lti)
    show = actions.add_parser("show-config", help="print the tool's URLs for the LMS admin")
    show.add_argument("--base-url", help="the app's public address (default: QUIZ_PUBLIC_URL)")
    show.set_defaults(run=_lti)
    actions.add_parser(
        "send-grades", help="send the LMS grades that are due now (for cron)"
    ).set_defaults(run=_lti)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    code: int = args.run(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
