"""The quiz-app command: serve the app, or check a question bank."""

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    code: int = args.run(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
