"""Several app processes on one database behave as one (issue 14): two `quiz-app serve`
processes, started at the same moment on a fresh database, upgrade its schema once; a student
who starts on one answers on the other; a teacher logged in on one works on the other; failed
logins and wrong join codes are counted across both. On PostgreSQL (set QUIZ_TEST_DATABASE_URL,
as CI does) and on one SQLite file, which `--workers` above 1 may share (docs/deploy.md)."""

import re
from collections.abc import Callable, Iterator

import httpx2
import pytest
from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.orm import Session

from quiz_app import auth
from quiz_app.classroom.assignments import CODE_ALPHABET
from quiz_app.models import Answer, Attempt, Teacher
from tests.support.postgres import POSTGRES_URL, temporary_database
from tests.support.serve_process import ServeProcess

FIELDS = re.compile(r'<input type="radio" name="(answer|reason)" value="([^"]*)"')
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
UPGRADED = "Upgraded the database schema from empty to "
PASSWORD = "correct horse battery"
CODE_LETTERS = CODE_ALPHABET  # no 0, O, 1, I or L


class Pair:
    """Two app processes on one database, and an engine to look at what they stored."""

    def __init__(self, first: ServeProcess, second: ServeProcess, engine: Engine) -> None:
        self.servers = (first, second)
        self.engine = engine


@pytest.fixture(scope="module", params=["postgresql", "sqlite"])
def pair(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Pair]:
    if request.param == "postgresql" and not POSTGRES_URL:
        pytest.skip("set QUIZ_TEST_DATABASE_URL to run the processes on PostgreSQL too")
    folder = tmp_path_factory.mktemp(f"workers-{request.param}")
    with temporary_database(request.param, folder) as url:
        servers = [ServeProcess(url, folder) for _ in range(2)]
        for server in servers:  # at the same moment, on an empty database
            server.launch()
        engine = create_engine(url)
        try:
            for server in servers:
                server.wait_ready()
            yield Pair(servers[0], servers[1], engine)
        finally:
            for server in servers:
                server.stop()
            engine.dispose()


class Tab:
    """One browser's requests to one of the processes (its cookies are the browser's)."""

    def __init__(self, client: httpx2.Client, base: str) -> None:
        self.client = client
        self.base = base

    def get(self, path: str) -> httpx2.Response:
        return self.client.get(self.base + path)

    def post(self, path: str, data: dict[str, str]) -> httpx2.Response:
        return self.client.post(self.base + path, data=data)


Browsers = Callable[..., tuple[Tab, Tab]]


@pytest.fixture
def browsers(pair: Pair) -> Iterator[Browsers]:
    """Return a maker of browsers, each seen as one tab per process: one cookie jar, as a
    browser behind a proxy that sends each request to either process."""
    made: list[httpx2.Client] = []

    def browser(address: str = "") -> tuple[Tab, Tab]:
        """A browser, from `address` when given (as the proxy at 127.0.0.1 says: the rate
        limits count that network, apart from every other test's)."""
        headers = {"X-Forwarded-For": address} if address else {}
        client = httpx2.Client(timeout=20, follow_redirects=False, headers=headers)
        made.append(client)
        one, two = (Tab(client, server.url) for server in pair.servers)
        return one, two

    yield browser
    for client in made:
        client.close()


def _answer(client: Tab, token: str, position: int) -> None:
    page = client.get(f"/a/{token}/q/{position}")
    assert page.status_code == 200, page.text
    form = dict(reversed(FIELDS.findall(page.text)))  # the first choice of each field
    assert client.post(f"/a/{token}/q/{position}", form).status_code == 303


def _questions(pair: Pair, token: str) -> int:
    with pair.engine.connect() as connection:
        ids = connection.scalar(select(Attempt.question_ids).where(Attempt.token == token))
    assert ids is not None
    return len(ids)


def _answers(pair: Pair, token: str) -> int:
    with pair.engine.connect() as connection:
        count = connection.scalar(
            select(func.count()).select_from(Answer).join(Attempt).where(Attempt.token == token)
        )
    return int(count or 0)


def test_processes_started_together_on_an_empty_database_upgrade_it_once(pair: Pair) -> None:
    printed = [server.output() for server in pair.servers]
    assert sum(out.count(UPGRADED) for out in printed) == 1, printed
    with pair.engine.connect() as connection:
        versions = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    assert len(versions) == 1


def test_a_student_started_on_one_process_carries_on_on_the_other(
    pair: Pair, browsers: Browsers
) -> None:
    one, two = browsers()
    started = one.post("/sets/micro-not-safe/attempts", {})
    assert started.status_code == 303
    token = started.headers["location"].split("/")[2]
    count = _questions(pair, token)
    for position in range(1, count + 1):
        _answer((two, one)[position % 2], token, position)  # the other process each time
    assert _answers(pair, token) == count
    results = [client.get(f"/a/{token}/results") for client in (one, two)]
    assert [r.status_code for r in results] == [200, 200]
    scores = [re.findall(r"\d+ of \d+", r.text)[:1] for r in results]
    assert scores[0] and scores[0] == scores[1], scores


def _make_teacher(pair: Pair, email: str) -> None:
    with Session(pair.engine) as session:
        session.add(Teacher(email=email, password_hash=auth.hash_password(PASSWORD)))
        session.commit()


def _log_in(client: Tab, email: str, password: str) -> httpx2.Response:
    form = client.get("/teacher/login").text
    (csrf,) = CSRF.findall(form)[:1]
    data = {"email": email, "password": password, "csrf_token": csrf, "next": "/teacher"}
    return client.post("/teacher/login", data)


def test_a_teacher_logged_in_on_one_process_works_on_the_other(
    pair: Pair, browsers: Browsers
) -> None:
    email = "ada@workers.example"
    _make_teacher(pair, email)
    one, two = browsers()
    assert _log_in(one, email, PASSWORD).status_code == 303
    new = two.get("/teacher/assignments/new")  # logged in there too
    assert new.status_code == 200
    (csrf,) = CSRF.findall(new.text)[:1]
    form = {
        "title": "Across two processes",
        "source": "set",
        "set_id": "micro-not-safe",
        "shuffle": "on",
        "feedback_mode": "immediate",
        "attempts_allowed": "1",
        "identity": "name",
        "timezone": "UTC",
        "csrf_token": csrf,
    }
    created = two.post("/teacher/assignments", form)
    assert created.status_code == 303, created.text
    dashboard = created.headers["location"]
    code = re.findall(r"/j/([A-Za-z0-9-]+)", two.get(dashboard).text)[0]
    student, _ = browsers()  # another browser
    joined = student.post(f"/j/{code}", {"name": "Grace Hopper"})
    assert joined.status_code == 303, joined.text
    _answer(student, joined.headers["location"].rsplit("/", 1)[-1], 1)
    for client in (one, two):
        page = client.get(dashboard)
        assert page.status_code == 200
        assert "Across two processes" in page.text and "Grace Hopper" in page.text


def test_failed_logins_on_both_processes_count_together(pair: Pair, browsers: Browsers) -> None:
    email = "bea@workers.example"
    _make_teacher(pair, email)
    one, two = browsers("198.51.100.8")
    # Five failures of one email from one address, then a wait: here three on one process and
    # two on the other; counted apart, neither process would have reached five.
    statuses = [_log_in((one, two)[i % 2], email, "wrong password").status_code for i in range(5)]
    assert statuses == [401, 401, 401, 401, 429]
    refused = _log_in(two, email, PASSWORD)  # even the right password, from here, for now
    assert refused.status_code == 429
    assert "Too many failed logins for this email" in refused.text


def _wrong_code(n: int) -> str:
    """Return the n-th of some well-formed join codes that no assignment has (the one
    assignment here got its code at random; these start ZZZZ, a 1 in 850,000 chance)."""
    return "ZZZZ" + CODE_LETTERS[n // len(CODE_LETTERS)] + CODE_LETTERS[n % len(CODE_LETTERS)]


def test_wrong_join_codes_on_both_processes_count_together(pair: Pair, browsers: Browsers) -> None:
    one, two = browsers("198.51.100.9")
    # 60 wrong codes a minute from one address; split over both processes, the 61st is refused.
    for i in range(60):
        typed = (one, two)[i % 2].post("/join", {"code": _wrong_code(i)})
        assert typed.status_code == 404, (i, typed.status_code)
    refused = two.post("/join", {"code": _wrong_code(60)})
    assert refused.status_code == 429
    assert "Too many wrong join codes" in refused.text
