"""Benchmark: page sizes on the wire, and answer throughput against a static-file baseline.

Run: python bench/pages.py [--students 100] [--workers 8]

Starts `quiz-app serve` in its own process on a free loopback port (a temporary SQLite database,
the bundled bank, htmx served locally), so the load generator does not share its interpreter, then
1. reports the gzip-transferred bytes of a question page and of one feedback fragment;
2. has N simulated students each start a quiz and answer every question (htmx requests), with
   W concurrent workers, and times it against the same number of requests for a static file in
   the same run. The ratio (answer request time / static request time) is the number to track:
   it does not depend on how fast this machine is.
"""

import argparse
import gzip
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2 as httpx

HTMX = {"HX-Request": "true"}


def _form(question_page: str) -> dict[str, str]:
    """Return a complete answer form for a question page (a classify question needs a verdict
    and a reason, the other kinds an option), with a confidence. The page's values are
    opaque places in the student's order, so the first of each is "1"."""
    if 'name="reason"' in question_page:
        return {"answer": "research", "reason": "1", "confidence": "unsure"}
    return {"answer": "1", "confidence": "unsure"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _sizes(client: httpx.Client, method: str, url: str, **kwargs: object) -> tuple[int, int]:
    """Return (body bytes, bytes on the wire) for one request, asking for gzip."""
    headers = {"Accept-Encoding": "gzip", **kwargs.pop("headers", {})}  # type: ignore[dict-item]
    with client.stream(method, url, headers=headers, **kwargs) as response:  # type: ignore[arg-type]
        raw = b"".join(response.iter_raw())
    body = gzip.decompress(raw) if response.headers.get("content-encoding") == "gzip" else raw
    return len(body), len(raw)


def _student(base: str, set_id: str) -> list[float]:
    timings = []
    with httpx.Client(base_url=base, follow_redirects=False) as client:
        token = client.post(f"/sets/{set_id}/attempts").headers["location"].rsplit("/", 1)[-1]
        while True:
            location = client.get(f"/a/{token}").headers["location"]
            if location.endswith("/results"):
                break
            form = _form(client.get(location).text)  # read the question first, as a student does
            start = time.perf_counter()
            response = client.post(location, data=form, headers=HTMX)
            assert response.status_code == 200, response.text
            timings.append(time.perf_counter() - start)
    return timings


def _static(base: str, count: int) -> list[float]:
    timings = []
    with httpx.Client(base_url=base) as client:
        for _ in range(count):
            start = time.perf_counter()
            client.get("/static/app.css")
            timings.append(time.perf_counter() - start)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=100)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--set", default="micro-not-safe")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp())
    port = _free_port()
    env = {
        **os.environ,
        "QUIZ_DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}",
        "QUIZ_HTMX_SOURCE": "local",
        "QUIZ_DATA_DIR": str(tmp),
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "quiz_app.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base)
        _run(base, args)
    finally:
        server.terminate()
        server.wait(timeout=10)


def _wait_until_up(base: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{base}/static/app.css")
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise SystemExit("the server did not start within 30 s")


def _run(base: str, args: argparse.Namespace) -> None:
    with httpx.Client(base_url=base, follow_redirects=False) as client:
        token = client.post(f"/sets/{args.set}/attempts").headers["location"].rsplit("/", 1)[-1]
        question_url = client.get(f"/a/{token}").headers["location"]
        page = _sizes(client, "GET", question_url)
        form = _form(client.get(question_url).text)
        fragment = _sizes(client, "POST", question_url, data=form, headers=HTMX)
    print(f"question page: {page[0]} bytes, {page[1]} on the wire (gzip)")
    print(f"feedback fragment: {fragment[0]} bytes, {fragment[1]} on the wire (gzip)")

    started = time.perf_counter()
    with ThreadPoolExecutor(args.workers) as pool:
        answer_times = [
            t
            for ts in pool.map(lambda _: _student(base, args.set), range(args.students))
            for t in ts
        ]
    wall = time.perf_counter() - started
    per_worker = len(answer_times) // args.workers
    with ThreadPoolExecutor(args.workers) as pool:
        static_times = [
            t
            for ts in pool.map(lambda _: _static(base, per_worker), range(args.workers))
            for t in ts
        ]
    answer_median = statistics.median(answer_times)
    static_median = statistics.median(static_times)
    print(
        f"{args.students} students, {len(answer_times)} answers in {wall:.1f} s "
        f"({len(answer_times) / wall:.0f} answers/s with {args.workers} concurrent clients)"
    )
    print(
        f"median answer request {answer_median * 1000:.1f} ms; median static request "
        f"{static_median * 1000:.1f} ms; ratio {answer_median / static_median:.2f}"
    )


if __name__ == "__main__":
    main()
