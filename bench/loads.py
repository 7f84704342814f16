"""The fixed-rate loads of bench/scale.py: wrk against the bare endpoint, a question page and an
answer, with the server's CPU time read before and after each run.

wrk has no per-connection state in its Lua scripts, so the requests are a list the one wrk
thread takes in turn: consecutive requests belong to different students (at least as many
students as connections), so the 16 connections each carry one student's request at a time,
and every answer is a new answer to an unanswered question (no request repeats one).
"""

import json
import os
import resource
import shutil
import subprocess
import tempfile
from dataclasses import dataclass

from bench.servers import Server
from quiz_app import db, outages, store
from quiz_app.bank.catalog import load_bank
from quiz_app.bank.items import ClassifyQuestion
from quiz_app.classroom import seeds
from quiz_app.config import Settings

REPORT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %f, "p50": %f, "p95": %f, "p99": %f, "errors": %d, '
    .. '"statuses": %d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3,
    latency:percentile(95) / 1e3, latency:percentile(99) / 1e3,
    e.connect + e.read + e.write + e.status + e.timeout, e.status))
end
"""


@dataclass
class Result:
    name: str
    requests: int
    seconds: float
    p50: float  # milliseconds
    p95: float
    p99: float
    errors: int  # connection errors, timeouts (over 30 s) and statuses over 399
    statuses: int  # of which statuses over 399
    cpu_ms: float  # server CPU per request
    wrk_cpu_s: float  # the load generator's own CPU
    wrapped: bool = False  # more requests were sent than the list holds (some repeated)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def _lua(items: list[tuple[str, str]], method: str) -> str:
    rows = ",\n".join(f'{{"{path}", "{body}"}}' for path, body in items)
    headers = '{["HX-Request"] = "true", ["Content-Type"] = "application/x-www-form-urlencoded"}'
    body = "it[2]" if method == "POST" else "nil"
    return (
        f"local items = {{\n{rows}\n}}\nlocal i = 0\nlocal headers = {headers}\n"
        "request = function()\n  i = i % #items + 1\n  local it = items[i]\n"
        f'  return wrk.format("{method}", it[1], headers, {body})\nend\n{REPORT}'
    )


def wrk(server: Server, name: str, seconds: float, script: str, path: str = "/") -> Result:
    """Run wrk -t1 -c16 (pinned to core 1 where taskset exists) with a Lua script."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(script)
    # A 30 s timeout (wrk's is 2 s): a slow answer is a latency to report, not an error.
    duration = f"-d{max(1, round(seconds))}s"  # wrk takes whole seconds: "10.0s" is refused
    command = ["wrk", "-t1", "-c16", duration, "--timeout", "30s", "-s", lua.name]
    command.append(server.base + path)
    if shutil.which("taskset") and os.cpu_count() and os.cpu_count() > 1:  # type: ignore[operator]
        command = ["taskset", "-c", "1", *command]
    before, wrk_before = server.cpu_seconds(), _children_cpu()
    out = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=False).stdout
    after, wrk_cpu = server.cpu_seconds(), _children_cpu() - wrk_before
    os.unlink(lua.name)
    line = next((x for x in out.splitlines() if x.startswith("{")), None)
    if line is None:
        raise SystemExit(f"wrk printed no summary:\n{out}")
    found = json.loads(line)
    cpu = (after - before) * 1000 / max(1, found["requests"])
    return Result(name, found["requests"], found["seconds"], found["p50"], found["p95"],
                  found["p99"], found["errors"], found["statuses"], cpu, wrk_cpu)  # fmt: skip


def _children_cpu() -> float:
    """Return the CPU time of every child process waited for so far (wrk, once it ended)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def bare_script() -> str:
    return _lua([("/", "")], "GET")


@dataclass
class Attempts:
    """Attempts made straight in the database for wrk: (path, form) of each question, in the
    order wrk takes them (student after student, then the next question of each)."""

    pages: list[tuple[str, str]]
    answers: list[tuple[str, str]]


def make_attempts(database_url: str, set_id: str, count: int) -> Attempts:
    """Upgrade the schema and store `count` attempts at the set, as starting them would."""
    settings = Settings()
    bank = load_bank(settings.questions_dir)
    engine = db.make_engine(database_url)
    outages.open_database(engine)
    qset = bank.sets[set_id]
    students: list[list[tuple[str, str]]] = []
    with db.session_factory(engine)() as session:
        for _ in range(count):
            seed = seeds.new_seed()
            phases = bank.phases(qset, seed)
            attempt = store.attempts.create_attempt(
                session,
                set_id=qset.id,
                question_ids=phases.all,
                seed=seed,
                check_in_count=len(phases.check_in),
                check_out_count=len(phases.check_out),
            )
            students.append([
                (f"/a/{attempt.token}/q/{position}", _form(bank.questions.get(question_id)))
                for position, question_id in enumerate(phases.all, start=1)
            ])  # fmt: skip
    engine.dispose()
    ordered = [
        s[i] for i in range(max(map(len, students), default=0)) for s in students if i < len(s)
    ]
    return Attempts(pages=ordered, answers=ordered)


def _form(question: object) -> str:
    if isinstance(question, ClassifyQuestion):
        return "answer=research&reason=1&confidence=unsure"
    return "answer=1&confidence=unsure"


def page_script(attempts: Attempts) -> str:
    return _lua(attempts.pages, "GET").replace('["HX-Request"] = "true", ', "")


def answer_script(attempts: Attempts) -> str:
    return _lua(attempts.answers, "POST")
