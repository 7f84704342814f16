"""The class-period scenario: N students start within the same seconds, answer a whole set with
think time between answers and open their results, open loop.

Every student's requests are planned before the run (start within `spread` seconds; an answer
every `think` seconds, drawn 10–20 s by default; the next question 1–3 s after the feedback;
the results after the last answer) and each is sent at its planned time; its latency is measured
from that planned time, so a slow server shows as latency rather than as fewer requests (no
coordinated omission). Students are split over several client processes, each an asyncio loop
with one keep-alive connection per student (bench/wire.py). Afterwards the answers stored in
the database are counted against the answers acknowledged (200 to the answer's POST).
"""

import asyncio
import random
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from sqlalchemy import create_engine, func, select

from bench.wire import Connection
from quiz_app.models import Answer, Attempt

HTMX = {"HX-Request": "true"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
KINDS = ("start", "first page", "answer", "next question", "results")


@dataclass(frozen=True)
class Plan:
    students: int = 3000
    spread: float = 10.0  # every student presses Start within this many seconds
    think: tuple[float, float] = (10.0, 20.0)  # seconds from one answer to the next
    read: tuple[float, float] = (1.0, 3.0)  # seconds from an answer to the next question
    set_id: str = "micro-not-safe"
    per_address: int = 300  # students behind one school's address (X-Forwarded-For)
    clients: int = 1  # client processes
    seed: int = 1


@dataclass
class Outcome:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in KINDS})
    errors: Counter[str] = field(default_factory=Counter)
    acknowledged: dict[str, int] = field(default_factory=dict)  # token -> answers acknowledged
    late: list[float] = field(default_factory=list)  # how late the client sent, seconds
    seconds: float = 0.0

    def merge(self, other: "Outcome") -> None:
        for kind, values in other.latencies.items():
            self.latencies[kind].extend(values)
        self.errors.update(other.errors)
        self.acknowledged.update(other.acknowledged)
        self.late.extend(other.late)
        self.seconds = max(self.seconds, other.seconds)


def _form_for(page: bytes) -> bytes:
    """Return an answer (a confidence too) for the question on a page: a classify question
    takes a verdict and a reason, the others an option (places in the student's order)."""
    if b'name="reason"' in page:
        return b"answer=research&reason=1&confidence=unsure"
    return b"answer=1&confidence=unsure"


class Student:
    def __init__(self, number: int, plan: Plan, base: str, epoch: float, outcome: Outcome):
        parts = urlsplit(base)
        self.connection = Connection(parts.hostname or "127.0.0.1", parts.port or 80)
        self.rng = random.Random(plan.seed * 1_000_003 + number)
        school = number // plan.per_address
        self.headers = {"X-Forwarded-For": f"10.{school // 250}.{school % 250}.{number % 250 + 1}"}
        self.plan, self.epoch, self.outcome = plan, epoch, outcome
        self.started = epoch + self.rng.uniform(0, plan.spread)
        self.location, self.status = "", 0

    async def _send(self, kind: str, at: float, method: str, path: str, **kwargs: object) -> bytes:
        """Send at the planned time (epoch-based); return the body, or b"" after an error."""
        delay = at - time.time()
        if delay > 0:
            await asyncio.sleep(delay)
        self.outcome.late.append(max(0.0, time.time() - at))
        headers = {**self.headers, **kwargs.pop("headers", {})}  # type: ignore[dict-item]
        try:
            response = await asyncio.wait_for(
                self.connection.request(method, path, headers=headers, **kwargs),  # type: ignore[arg-type]
                timeout=60,
            )
        except (TimeoutError, OSError, asyncio.IncompleteReadError) as exc:
            self.outcome.errors[f"{kind}: {type(exc).__name__}"] += 1
            self.connection.close()
            return b""
        self.outcome.latencies[kind].append(time.time() - at)
        if response.status >= 400:
            self.outcome.errors[f"{kind}: {response.status}"] += 1
            return b""
        self.location = response.headers.get("location", "")
        self.status = response.status
        return response.body

    async def run(self) -> None:
        at = self.started
        await self._send("start", at, "POST", f"/sets/{self.plan.set_id}/attempts")
        if not self.location.startswith("/a/"):
            return
        token = self.location.rsplit("/", 1)[-1]
        await self._send("first page", time.time(), "GET", f"/a/{token}")
        page = await self._send("first page", time.time(), "GET", self.location)
        position, acknowledged = 1, 0
        at = max(at, time.time())
        while page:
            at += self.rng.uniform(*self.plan.think)
            path = f"/a/{token}/q/{position}"
            body = await self._send("answer", at, "POST", path, body=_form_for(page),
                                    headers={**HTMX, **FORM})  # fmt: skip
            acknowledged += 1 if body and self.status == 200 else 0
            if b"See your results" in body or not body:
                break
            position += 1
            page = await self._send("next question", at + self.rng.uniform(*self.plan.read),
                                    "GET", f"/a/{token}/q/{position}", headers=HTMX)  # fmt: skip
        self.outcome.acknowledged[token] = acknowledged
        await self._send("results", at + self.rng.uniform(*self.plan.read), "GET",
                         f"/a/{token}/results")  # fmt: skip
        self.connection.close()


async def _run_students(numbers: range, plan: Plan, base: str, epoch: float) -> Outcome:
    outcome = Outcome()
    students = [Student(n, plan, base, epoch, outcome) for n in numbers]
    await asyncio.gather(*(s.run() for s in students))
    outcome.seconds = time.time() - epoch
    return outcome


def _client(numbers: range, plan: Plan, base: str, epoch: float) -> Outcome:
    return asyncio.run(_run_students(numbers, plan, base, epoch))


def run(plan: Plan, base: str) -> Outcome:
    """Run the class period against the server at base; return what every student saw."""
    epoch = time.time() + 1.0  # the client processes start their clocks together
    share = -(-plan.students // plan.clients)
    ranges = [range(i, min(i + share, plan.students)) for i in range(0, plan.students, share)]
    total = Outcome()
    with ProcessPoolExecutor(len(ranges)) as pool:
        n = len(ranges)
        for outcome in pool.map(_client, ranges, [plan] * n, [base] * n, [epoch] * n):
            total.merge(outcome)
    return total


def stored_answers(database_url: str, tokens: list[str]) -> tuple[dict[str, int], int]:
    """Return the answers stored per attempt token, and how many (attempt, question) pairs
    have more than one row (a doubled answer)."""
    engine = create_engine(database_url)
    with engine.connect() as connection:
        rows = connection.execute(
            select(Attempt.token, func.count(Answer.id))
            .join(Answer, Answer.attempt_id == Attempt.id, isouter=True)
            .group_by(Attempt.token)
        )
        wanted = set(tokens)
        stored = {token: count for token, count in rows if token in wanted}
        doubled = connection.execute(
            select(func.count()).select_from(
                select(Answer.attempt_id)
                .group_by(Answer.attempt_id, Answer.question_id)
                .having(func.count() > 1)
                .subquery()
            )
        ).scalar_one()
    engine.dispose()
    return stored, doubled


def percentile(values: list[float], fraction: float) -> float:
    """Return the exact percentile of the values (nearest rank), in seconds."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]
