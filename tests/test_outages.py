"""When the database fails: a stopped PostgreSQL, a full disk, a read-only SQLite file. Students
get a clear 503 page (never a traceback), nothing saved before is lost, the app recovers by
itself when the database is back, and a server that cannot write its database says so at start."""

import os
import sqlite3
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event, func, select
from sqlalchemy.engine import make_url

from quiz_app import cli, outages
from quiz_app.config import Settings
from quiz_app.main import create_app
from quiz_app.models import Answer
from tests.support.factories import (
    answer,
    form_values,
    question,
    question_ids,
    right_reason,
    start_attempt,
)
from tests.support.postgres import POSTGRES_URL
from tests.support.tcp_proxy import TcpProxy

MAX_TRIES = 300  # quizzes started before the full disk must have refused one


def _answers(app: FastAPI) -> int:
    with app.state.sessions() as session:
        return session.scalar(select(func.count()).select_from(Answer)) or 0


def _answer(client: TestClient, app: FastAPI, token: str, index: int) -> int:
    qid = question_ids(app, client, token)[index]
    return answer(client, token, qid, question(app, qid).verdict).status_code


def _refused_as_an_outage(client: TestClient, token: str, form: dict[str, str]) -> None:
    """The second question's page and its answer both get the outage page."""
    for response in (
        client.get(f"/a/{token}/q/2"),
        client.post(f"/a/{token}/q/2", data=form),
    ):
        assert response.status_code == 503
        assert response.headers["retry-after"] == str(outages.RETRY_AFTER_SECONDS)
        assert "Every answer you gave before is kept" in response.text
        assert "Traceback" not in response.text


@pytest.mark.skipif(not POSTGRES_URL, reason="set QUIZ_TEST_DATABASE_URL to test PostgreSQL")
def test_postgres_stopping_mid_quiz_gives_503_and_the_app_recovers_when_it_is_back(
    tmp_path: Path, database_url: str
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("this case is about PostgreSQL")
    url = make_url(database_url)
    proxy = TcpProxy((url.host or "127.0.0.1", url.port or 5432))
    proxy.start()
    app = create_app(
        Settings(
            database_url=url.set(port=proxy.port).render_as_string(hide_password=False),
            htmx_source="local",
            data_dir=tmp_path,
        )
    )
    client = TestClient(app, follow_redirects=False)
    token = start_attempt(client)
    assert _answer(client, app, token, 0) == 303
    qid = question_ids(app, client, token)[1]
    form = form_values(
        client, token, qid, question(app, qid).verdict, right_reason(question(app, qid))
    )
    proxy.cut()
    try:
        _refused_as_an_outage(client, token, form)
    finally:
        proxy.start()  # PostgreSQL is back, on the same address
    # The same press again, now that the database answers: saved, once.
    assert client.post(f"/a/{token}/q/2", data=form).status_code == 303
    assert _answers(app) == 2
    app.state.engine.dispose()
    proxy.cut()


def test_a_full_disk_gives_503_on_writes_and_keeps_the_database_whole(app: FastAPI) -> None:
    engine = app.state.engine
    if engine.dialect.name != "sqlite":
        pytest.skip("a full disk is simulated with SQLite's page limit")
    client = TestClient(app, follow_redirects=False)
    token = start_attempt(client)
    assert _answer(client, app, token, 0) == 303

    def no_room(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        # The file may not grow past the size it has now: the disk is full.
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count={pages}")

    event.listen(engine, "connect", no_room)
    engine.dispose()
    # Students go on starting quizzes until one needs a page the disk has no room for.
    started = []
    for _ in range(MAX_TRIES):
        response = client.post("/sets/full-check/attempts")
        if response.status_code != 303:
            break
        started.append(response.headers["location"].rsplit("/", 1)[-1])
    assert response.status_code == 503, response.text
    assert "Every answer you gave before is kept" in response.text
    event.remove(engine, "connect", no_room)
    engine.dispose()
    with engine.connect() as connection:
        raw = connection.connection.dbapi_connection
        assert raw is not None
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert _answers(app) == 1
    for begun in started:  # every quiz the server said it started is there
        assert client.get(f"/a/{begun}/q/1").status_code == 200
    assert _answer(client, app, token, 1) == 303  # room again: saving works
    assert _answers(app) == 2


def _read_only_url(tmp_path: Path) -> str:
    """A database made as usual, then opened read-only (as a file the server may not write)."""
    made = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'quiz.db'}", data_dir=tmp_path))
    made.state.engine.dispose()
    return f"sqlite:///file:{tmp_path / 'quiz.db'}?mode=ro&uri=true"


def test_a_read_only_sqlite_file_is_refused_at_start_with_what_to_do(tmp_path: Path) -> None:
    url = _read_only_url(tmp_path)
    with pytest.raises(outages.DatabaseUnavailable) as refused:
        create_app(Settings(database_url=url, data_dir=tmp_path))
    assert "is read-only" in str(refused.value)
    assert "may write the SQLite file and its folder" in str(refused.value)


def test_serve_on_a_read_only_database_says_why_and_exits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("QUIZ_DATABASE_URL", _read_only_url(tmp_path))
    monkeypatch.setenv("QUIZ_DATA_DIR", os.fspath(tmp_path))
    assert cli.main(["serve", "--port", "1"]) == 1  # exits before it would listen
    err = capsys.readouterr().err
    assert "is read-only" in err and "Traceback" not in err
