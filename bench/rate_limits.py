"""Benchmark: what the rate limits cost a start and a wrong join code.

Run: python bench/rate_limits.py [--requests 300] [--database-url URL]
(a URL must name an empty database or schema of its own: the app creates its tables there)

In one process (FastAPI's TestClient, a temporary SQLite database unless a URL is given),
times N starts of a public set and N lookups of a wrong join code from one address, first with
the limiter's calls replaced by no-ops and then with the limits on (twice each, alternating), and
prints the time per request of each: the difference is the cost of the counters' read and
upserts (one more committed write per start or wrong code).
"""

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient

from quiz_app import rate_limits
from quiz_app.config import Settings
from quiz_app.main import create_app


def _per_request(client: TestClient, requests: int, send: Callable[[TestClient], int]) -> float:
    """Return the mean milliseconds per request."""
    start = time.perf_counter()
    for _ in range(requests):
        send(client)
    return (time.perf_counter() - start) * 1000 / requests


def _run(url: str, requests: int, limits_on: bool) -> tuple[float, float]:
    app = create_app(Settings(database_url=url, htmx_source="local", lti_grade_poll_seconds=0))
    saved = (rate_limits.check, rate_limits.note)
    if not limits_on:
        rate_limits.check = lambda *args, **kwargs: None  # type: ignore[assignment]
        rate_limits.note = lambda *args, **kwargs: None  # type: ignore[assignment]
    try:
        client = TestClient(app, follow_redirects=False)
        _per_request(client, 20, lambda c: c.get("/sets/micro-not-safe").status_code)  # warm up
        start = _per_request(
            client, requests, lambda c: c.post("/sets/micro-not-safe/attempts").status_code
        )
        wrong = _per_request(client, min(requests, 50), lambda c: c.get("/j/ZZZZZZ").status_code)
    finally:
        rate_limits.check, rate_limits.note = saved
        app.state.engine.dispose()
    return start, wrong


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for run, limits_on in enumerate((False, True, False, True)):  # alternate: load drifts
            url = args.database_url or f"sqlite:///{Path(tmp) / f'bench-{run}.db'}"
            start, wrong = _run(url, args.requests, limits_on)
            label = "limits on " if limits_on else "limits off"
            print(f"{label}: start {start:6.2f} ms, wrong join code {wrong:6.2f} ms per request")


if __name__ == "__main__":
    main()
