"""Class mode's live updates: each change wakes only the streams of its own class, one
poller per process reads the database for all of them, and a stream says "changed"."""

import asyncio
import re
import threading
import time
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from markupsafe import escape

from quiz_app.classroom.class_events import Audience, Hub
from quiz_app.config import Settings
from quiz_app.main import create_app
from tests.support.class_room import CLAIMS, open_room
from tests.support.own_loop import run_on_own_loop
from tests.support.teacher_factories import teacher_client


def test_publish_wakes_only_the_streams_of_the_class_that_changed() -> None:
    async def scenario() -> tuple[list[str], bool, bool]:
        state = {1: {"presenter": "a", "student": "s"}, 2: {"presenter": "b", "student": "t"}}

        def read(run_ids: list[int]) -> dict[int, dict[Audience, str]]:
            return {i: dict(state[i]) for i in run_ids}  # type: ignore[misc]

        hub = Hub(read=read, poll_seconds=0.01)
        one, two = hub.subscribe(1, "student"), hub.subscribe(2, "student")
        await asyncio.sleep(0.05)
        for queue in (one, two):  # the first read wakes everyone once
            queue.get_nowait()
        state[1]["student"] = "s2"
        state[2]["presenter"] = "b2"  # a presenter-only change: students are not woken
        await asyncio.sleep(0.05)
        got = [one.get_nowait()]
        quiet = two.empty()
        hub.unsubscribe(1, "student", one)
        hub.unsubscribe(2, "student", two)
        for _ in range(200):  # a busy machine: give the poller's last tick time to end
            if hub.task is not None and hub.task.done():
                break
            await asyncio.sleep(0.01)
        return got, quiet, hub.task is not None and hub.task.done()

    got, quiet, stopped = run_on_own_loop(scenario)
    assert got == [("changed", "s2")]
    assert quiet
    assert stopped  # no stream left: the poller stops


def test_one_poller_reads_for_every_stream_of_the_process() -> None:
    async def scenario() -> tuple[int, int]:
        calls: list[list[int]] = []

        def read(run_ids: list[int]) -> dict[int, dict[Audience, str]]:
            calls.append(sorted(run_ids))
            return {i: {"presenter": "p", "student": "s"} for i in run_ids}

        hub = Hub(read=read, poll_seconds=0.02)
        for run_id in range(40):
            for _ in range(30):
                hub.subscribe(run_id, "student")
        await asyncio.sleep(0.1)
        return len(calls), max(len(c) for c in calls)

    reads, widest = run_on_own_loop(scenario)
    assert 1 <= reads <= 10  # a few ticks, not one read per stream (1,200 streams)
    assert widest == 40


def test_event_stream_of_a_student_says_retry_then_changed(app: FastAPI) -> None:
    room = open_room(app)
    browser, token = room.join("Sam")
    app.state.class_stream_seconds = 1.0
    events = {"Accept": "text/event-stream"}
    with browser.stream("GET", f"/a/{token}/class/events", headers=events) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        body = "".join(response.iter_text())
    assert body.startswith("retry: ")
    assert "event: changed\ndata: " in body
    assert ".lobby.0" in body  # the step, never an answer


def test_event_stream_of_another_teachers_class_is_not_found(app: FastAPI) -> None:
    room = open_room(app)
    other, _csrf, _ = teacher_client(app, "bob@school.org")
    events = {"Accept": "text/event-stream"}
    assert other.get(f"{room.presenter}/events", headers=events).status_code == 404


def test_event_stream_asked_for_as_a_page_is_refused_at_once(app: FastAPI) -> None:
    room = open_room(app)
    response = room.teacher.get(f"{room.presenter}/events")
    assert response.status_code == 406
    assert "Open the class page" in response.text


def test_a_press_on_one_process_reaches_a_stream_on_another(
    app: FastAPI, settings: Settings
) -> None:
    """Two app processes on one database (here two apps, each with its own engine and poller):
    the teacher presses on one, the student's stream is open on the other."""
    room = open_room(app)
    _browser, token = room.join("Sam")
    other = create_app(settings)
    other.state.class_stream_seconds = 4.0
    bodies: list[str] = []

    def listen() -> None:
        with TestClient(other) as client:
            events = {"Accept": "text/event-stream"}
            with client.stream("GET", f"/a/{token}/class/events", headers=events) as response:
                bodies.append("".join(response.iter_text()))

    listener = threading.Thread(target=listen)
    listener.start()
    for _ in range(200):  # until the stream is open on the other app (its start-up may lag)
        hub = getattr(other.state, "class_hub", None)
        if hub is not None and hub.last:
            break
        time.sleep(0.05)
    assert room.press("start").status_code == 303
    listener.join()
    other.state.engine.dispose()
    assert ".lobby.0" in bodies[0]
    assert ".answering.0" in bodies[0]  # the press on the first app, seen by the second


def test_at_a_reveal_voters_get_the_reveal_itself_and_everyone_else_changed() -> None:
    async def scenario() -> tuple[list[Any], list[Any], list[Any], list[dict[int, set[int]]]]:
        state = {"presenter": "p", "student": "7.spread.0"}
        asked: list[dict[int, set[int]]] = []

        def read(run_ids: list[int]) -> dict[int, dict[Audience, str]]:
            return {7: dict(state)}  # type: ignore[dict-item]

        def push(watching: dict[int, set[int]], streams: int) -> dict[int, dict[int, Any]]:
            asked.append(watching)
            return {7: {1: ("reveal", f"<div>the key, for 1 of {streams}</div>")}}

        hub = Hub(read=read, push=push, poll_seconds=0.01)
        voter, late = hub.subscribe(7, "student", 1), hub.subscribe(7, "student", 2)
        presenter = hub.subscribe(7, "presenter")
        got: dict[str, list[Any]] = {"voter": [], "late": [], "presenter": []}

        async def drain(name: str, queue: asyncio.Queue[Any]) -> None:
            while True:
                got[name].append(await queue.get())

        tasks = [asyncio.create_task(drain(n, q)) for n, q in
                 (("voter", voter), ("late", late), ("presenter", presenter))]  # fmt: skip
        await _until(lambda: len(got["voter"]) == 1)
        state.update(presenter="p2", student="7.revealed.0")
        await _until(lambda: len(got["voter"]) == 2 and len(got["late"]) == 2)
        await asyncio.sleep(0.05)  # later ticks see no change: nothing more is sent
        for task in tasks:
            task.cancel()
        return got["voter"], got["late"], got["presenter"], asked

    voter, late, presenter, asked = run_on_own_loop(scenario)
    assert voter == [("changed", "7.spread.0"), ("reveal", "<div>the key, for 1 of 3</div>")]
    assert late == [("changed", "7.spread.0"), ("changed", "7.revealed.0")]
    assert presenter == [("changed", "p"), ("changed", "p2")]
    assert asked == [{7: {1, 2}}]  # once, at the turn to the reveal, for the students only


async def _until(done: Any) -> None:
    for _ in range(300):
        if done():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the hub never sent it")


def _stream_body(app: FastAPI, browser: TestClient, token: str) -> str:
    app.state.class_stream_seconds = 1.5
    events = {"Accept": "text/event-stream"}
    with browser.stream("GET", f"/a/{token}/class/events", headers=events) as response:
        return "".join(response.iter_text())


def test_the_stream_sends_a_voter_the_reveal_with_the_key_only_from_the_reveal_on(
    app: FastAPI,
) -> None:
    room = open_room(app)
    sam, sam_token = room.join("Sam")
    lee, lee_token = room.join("Lee")
    question = app.state.bank.questions[CLAIMS[0]]
    key = str(escape(question.explanation))  # as the page shows it
    room.press("start")
    assert room.vote(sam, sam_token, question.verdict).status_code == 303
    room.press("spread")
    before = _stream_body(app, sam, sam_token)
    assert key not in before  # the spread: no key in the stream
    assert "event: reveal" not in before
    room.press("reveal")
    revealed = _stream_body(app, sam, sam_token)
    assert "event: reveal\ndata: " in revealed
    assert key in revealed
    assert "Your first vote was right" in revealed
    assert f'data-claim="{room.run().id}.0"' in revealed
    assert 'hx-swap-oob="true">The answer</h1>' in revealed
    assert re.search(r'data-refetch-within="\d+"', revealed)
    late = _stream_body(app, lee, lee_token)  # Lee did not vote: he fetches his step
    assert "event: changed\ndata: " in late
    assert key not in late


def test_wake_reads_at_once_instead_of_at_the_next_tick() -> None:
    async def scenario() -> tuple[int, int]:
        def read(run_ids: list[int]) -> dict[int, dict[Audience, str]]:
            return {i: {"presenter": "p", "student": "s"} for i in run_ids}

        hub = Hub(read=read, poll_seconds=30.0)  # a tick that never comes within the test
        hub.subscribe(1, "student")
        await _until(lambda: hub.reads == 1)
        before = hub.reads
        await asyncio.get_running_loop().run_in_executor(None, hub.wake)  # a press's thread
        await _until(lambda: hub.reads == before + 1)
        return before, hub.reads

    before, after = run_on_own_loop(scenario)
    assert after == before + 1


def _event_data(body: str, name: str) -> str:
    """Return the data of the stream's first event `name` (its data lines joined)."""
    block = body.split(f"event: {name}\n", 1)[1].split("\n\n", 1)[0]
    return "\n".join(line.removeprefix("data: ") for line in block.split("\n"))


def test_a_claim_shown_reaches_each_device_in_the_stream_as_the_step_it_would_fetch(
    app: FastAPI,
) -> None:
    room = open_room(app)
    sam, sam_token = room.join("Sam")
    lee, lee_token = room.join("Lee")
    room.press("start")
    pushed = {
        token: _event_data(_stream_body(app, browser, token), "step")
        for browser, token in ((sam, sam_token), (lee, lee_token))
    }
    for browser, token in ((sam, sam_token), (lee, lee_token)):
        fetched = browser.get(
            f"/a/{token}/class/now", params={"v": "old"}, headers={"HX-Request": "true"}
        )
        assert pushed[token] == fetched.text  # byte for byte, with the student's own address
        assert f"/a/{token}/class/answer?position=1" in pushed[token]
    assert sam_token not in pushed[lee_token]
    question = app.state.bank.questions[CLAIMS[0]]
    assert room.vote(sam, sam_token, question.verdict).status_code == 303
    again = _stream_body(app, sam, sam_token)  # answered: nothing to push, he fetches
    assert "event: step" not in again
    assert "event: changed\ndata: " in again
