"""Benchmark: what a question page and an answer cost against a bare FastAPI endpoint, and a
class period of N students, on SQLite and PostgreSQL, with 1 and 2 app processes.

Run: python bench/scale.py [--students 3000] [--databases sqlite,postgresql] [--workers 1,2]
     python bench/scale.py --quick   (CI: under a minute; fails only on errors or lost answers)

For each database (a fresh SQLite file; a PostgreSQL database created on the server of
QUIZ_TEST_DATABASE_URL, or --postgresql-url, and dropped afterwards) and each process count:
1. the bare endpoint (bench/bare.py) and then the app (`quiz-app serve`, bench/servers.py) are
   started under the same uvicorn settings and loaded with `wrk -t1 -c16` (pinned to core 1):
   the bare page, a question page (GET), an answer (htmx POST, each a new answer); for each:
   requests/s, p50/p95/p99, the server's CPU ms per request (/proc, every process of it),
   errors (non-2xx/3xx, connection errors), the share of the bare endpoint, and wrk's own CPU;
2. the class period (bench/class_period.py), open loop: p50/p99 per request kind, errors,
   answers acknowledged against answers stored in the database and answers stored twice.
The app runs with its default production settings (rate limits on); each simulated school
sends its students' requests from its own address (X-Forwarded-For through the trusted
loopback proxy), --per-address students per school.
"""

import argparse
import os
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import class_period, loads, servers  # noqa: E402

WRK_SET = "before-and-after"  # the longest set: fewest attempts to make for wrk's answers


def _print_loads(results: list[loads.Result]) -> None:
    bare = results[0].rate
    print(f"  {'request':<16}{'req/s':>8}{'p50':>8}{'p95':>8}{'p99':>8}{'CPU ms':>8}"
          f"{'errors':>8}{'share':>8}{'wrk CPU s':>10}")  # fmt: skip
    for r in results:
        share = f"{100 * r.rate / bare:.0f} %" if bare else "-"
        note = "  (list wrapped: some requests repeated)" if r.wrapped else ""
        note += f"  ({r.statuses} of the errors are statuses over 399)" if r.statuses else ""
        print(f"  {r.name:<16}{r.rate:>8.0f}{r.p50:>8.1f}{r.p95:>8.1f}{r.p99:>8.1f}"
              f"{r.cpu_ms:>8.2f}{r.errors:>8}{share:>8}{r.wrk_cpu_s:>10.2f}{note}")  # fmt: skip


def _fixed_loads(url: str, workers: int, seconds: float, expected_rate: int) -> list[loads.Result]:
    port = servers.free_port()
    with servers.running("bare", servers.bare_command(port, workers), {}, "/") as bare:
        loads.wrk(bare, "warm-up", 1, loads.bare_script())
        results = [loads.wrk(bare, "bare endpoint", seconds, loads.bare_script())]
    students = max(32, -(-expected_rate * int(seconds + 1) // 26))
    attempts = loads.make_attempts(url, WRK_SET, students)
    env = {"QUIZ_DATABASE_URL": url, "QUIZ_HTMX_SOURCE": "local"}
    port = servers.free_port()
    with servers.running("app", servers.app_command(port, workers), env, "/static/app.css") as app:
        loads.wrk(app, "warm-up", 1, loads.page_script(attempts))
        for name, script, count in (
            ("question page", loads.page_script(attempts), len(attempts.pages)),
            ("answer", loads.answer_script(attempts), len(attempts.answers)),
        ):
            result = loads.wrk(app, name, seconds, script)
            result.wrapped = result.requests > count
            results.append(result)
    return results


def _class_period(url: str, workers: int, plan: class_period.Plan) -> bool:
    """Run and print the class period; return whether it had no errors and lost no answer."""
    env = {"QUIZ_DATABASE_URL": url, "QUIZ_HTMX_SOURCE": "local"}
    loads.make_attempts(url, WRK_SET, 0)  # the schema, upgraded once before the processes
    port = servers.free_port()
    with servers.running("app", servers.app_command(port, workers), env, "/static/app.css") as app:
        before = app.cpu_seconds()
        outcome = class_period.run(plan, app.base)
        cpu = app.cpu_seconds() - before
    stored, doubled = class_period.stored_answers(url, list(outcome.acknowledged))
    acknowledged = sum(outcome.acknowledged.values())
    lost = sum(max(0, n - stored.get(t, 0)) for t, n in outcome.acknowledged.items())
    requests = sum(len(v) for v in outcome.latencies.values())
    print(f"  class period: {plan.students} students, {requests} requests in "
          f"{outcome.seconds:.0f} s, server CPU {cpu:.1f} s "
          f"({1000 * cpu / max(1, requests):.2f} ms per request)")  # fmt: skip
    for kind, values in outcome.latencies.items():
        p50, p99 = (1000 * class_period.percentile(values, f) for f in (0.5, 0.99))
        print(f"    {kind:<14}{len(values):>7} requests  p50 {p50:7.1f} ms  p99 {p99:7.1f} ms")
    late = 1000 * class_period.percentile(outcome.late, 0.99)
    print(f"    client sent late by p99 {late:.1f} ms (over a few ms: add --clients)")
    print(f"    errors: {dict(outcome.errors) or 0}")
    print(f"    answers acknowledged {acknowledged}, stored {sum(stored.values())}, "
          f"acknowledged but not stored {lost}, stored twice {doubled}")  # fmt: skip
    return not outcome.errors and lost == 0 and doubled == 0


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="CI: small and short")
    parser.add_argument("--students", type=int, default=3000)
    parser.add_argument("--per-address", type=int, default=300)
    parser.add_argument("--clients", type=int, default=1, help="class-period client processes")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--workers", default="1,2", help="app process counts, e.g. 1,2")
    parser.add_argument("--seconds", type=float, default=10, help="each wrk run")
    parser.add_argument("--skip-wrk", action="store_true")
    parser.add_argument("--skip-class", action="store_true")
    parser.add_argument(
        "--postgresql-url",
        default=os.environ.get("QUIZ_TEST_DATABASE_URL", ""),
        help="a server to create a fresh database on (default: QUIZ_TEST_DATABASE_URL)",
    )
    return parser.parse_args()


def main() -> int:
    args = _arguments()
    plan = class_period.Plan(students=args.students, per_address=args.per_address,
                             clients=args.clients)  # fmt: skip
    seconds, expected_rate = args.seconds, 1500
    if args.quick:
        plan = class_period.Plan(students=40, spread=2, think=(0.5, 1.0), read=(0.1, 0.3),
                                 per_address=20)  # fmt: skip
        seconds, expected_rate, args.workers = 1, 600, "1"
    kinds = [k for k in args.databases.split(",") if k]
    if "postgresql" in kinds and not args.postgresql_url:
        print("PostgreSQL skipped: set QUIZ_TEST_DATABASE_URL or --postgresql-url")
        kinds.remove("postgresql")
    if not args.skip_wrk and shutil.which("wrk") is None:
        print("wrk is not installed (apt-get install wrk): the fixed-rate loads are skipped")
        args.skip_wrk = True
    ok = True
    for kind in kinds:
        for workers in [int(w) for w in args.workers.split(",")]:
            print(f"\n{kind}, {workers} app process{'es' if workers > 1 else ''} "
                  f"(load average {os.getloadavg()[0]:.2f}):")  # fmt: skip
            if not args.skip_wrk and not (args.quick and kind != kinds[0]):  # quick: one wrk
                with servers.database(kind, args.postgresql_url) as url:
                    results = _fixed_loads(url, workers, seconds, expected_rate)
                _print_loads(results)
                ok = ok and all(r.errors == 0 for r in results)
            if not args.skip_class:
                with servers.database(kind, args.postgresql_url) as url:
                    ok = _class_period(url, workers, plan) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    started = time.monotonic()
    status = main()
    print(f"\nbench/scale.py took {time.monotonic() - started:.0f} s")
    sys.exit(status)
