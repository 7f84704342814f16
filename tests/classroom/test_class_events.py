"""Class mode's live updates: each change wakes only the streams of its own class, one
poller per process reads the database for all of them, and a stream says "changed"."""

import asyncio
import threading
import time

from fastapi import FastAPI
from fastapi.testclient import TestClient

from quiz_app.classroom.class_events import Audience, Hub
from quiz_app.config import Settings
from quiz_app.main import create_app
from tests.support.class_room import open_room
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
        await asyncio.sleep(0.05)
        return got, quiet, hub.task is not None and hub.task.done()

    got, quiet, stopped = run_on_own_loop(scenario)
    assert got == ["s2"]
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
