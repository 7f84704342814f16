"""The `quiz-app lti …` commands: register an LMS, list them, rotate the tool's key, show the
tool's URLs for the LMS admin, and send the grades that are due (for cron)."""

import argparse
import sys
from typing import TYPE_CHECKING

from quiz_app.config import Settings

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker


def _lti(args: argparse.Namespace) -> int:
    """Run one `quiz-app lti …` command on the configured database."""
    from quiz_app import db

    settings = Settings()
    if args.action == "show-config":
        return _lti_show_config(args, settings)
    engine = db.engine_for(settings)
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


def add_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add `quiz-app lti …` to the quiz-app command."""
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
