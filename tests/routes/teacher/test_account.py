"""Teacher accounts: sign-up, login, logout, the password policy, CSRF and login slowdown."""

import html
from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from quiz_app import auth, store
from quiz_app.config import Settings
from quiz_app.main import create_app
from quiz_app.models import LoginThrottle, Teacher, TeacherSession
from tests.support.teacher_factories import PASSWORD, login_csrf, make_teacher, teacher_client

GOOD_PASSWORD = "a walk by the river"


def _signup(client: TestClient, email: str, password: str, again: str | None = None) -> object:
    csrf = login_csrf(client, "/teacher/signup")
    data = {
        "email": email,
        "password": password,
        "password_again": password if again is None else again,
        "csrf_token": csrf,
    }
    return client.post("/teacher/signup", data=data)


def _login(client: TestClient, email: str, password: str, **extra: str) -> object:
    csrf = login_csrf(client)
    return client.post(
        "/teacher/login", data={"email": email, "password": password, "csrf_token": csrf, **extra}
    )


def _teachers(app: FastAPI) -> list[Teacher]:
    with app.state.sessions() as session:
        return list(session.scalars(select(Teacher)))


def test_signup_creates_argon2id_account_and_logs_in(app: FastAPI, client: TestClient) -> None:
    response = _signup(client, "Ada@School.org", GOOD_PASSWORD)
    assert response.status_code == 303
    assert response.headers["location"] == "/teacher"
    (teacher,) = _teachers(app)
    assert teacher.email == "ada@school.org"
    assert teacher.password_hash.startswith("$argon2id$")
    assert GOOD_PASSWORD not in teacher.password_hash
    home = client.get("/teacher")
    assert home.status_code == 200
    assert "Logged in as ada@school.org" in home.text


def test_session_cookie_is_httponly_lax_and_stored_only_as_hash(
    app: FastAPI, client: TestClient
) -> None:
    response = _signup(client, "ada@school.org", GOOD_PASSWORD)
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{auth.SESSION_COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie  # served over plain http here
    token = client.cookies[auth.SESSION_COOKIE]
    with app.state.sessions() as session:
        (row,) = session.scalars(select(TeacherSession))
    assert row.token_hash == auth.token_hash(token) != token


def test_session_cookie_is_secure_over_https(app: FastAPI) -> None:
    make_teacher(app)
    with TestClient(app, base_url="https://quiz.example", follow_redirects=False) as client:
        response = _login(client, "ada@school.org", PASSWORD)
    assert response.status_code == 303
    assert "Secure" in response.headers["set-cookie"]


@pytest.mark.parametrize(
    ("email", "password", "again", "message"),
    [
        ("ada@school.org", "short1", None, "at least 10 characters"),
        ("ada.lovelace@school.org", "ada.lovelace-rocks", None, "email name"),
        ("ada@school.org", "password123", None, "most common"),
        ("ada@school.org", GOOD_PASSWORD, "a walk by the lake", "not the same"),
        ("not-an-email", GOOD_PASSWORD, None, "Enter an email address"),
    ],
)
def test_signup_breaking_policy_is_422_with_reason_and_stores_nothing(
    app: FastAPI, client: TestClient, email: str, password: str, again: str | None, message: str
) -> None:
    response = _signup(client, email, password, again)
    assert response.status_code == 422
    assert message in html.unescape(response.text)
    assert _teachers(app) == []
    assert auth.SESSION_COOKIE not in client.cookies


def test_signup_existing_email_is_422_and_keeps_first_password(
    app: FastAPI, client: TestClient
) -> None:
    make_teacher(app, "ada@school.org")
    response = _signup(client, "ADA@school.org", GOOD_PASSWORD)
    assert response.status_code == 422
    assert "already has an account" in response.text
    (teacher,) = _teachers(app)
    assert auth.verify_password(teacher.password_hash, PASSWORD)


def test_signup_when_closed_is_403_and_points_to_admin(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"open_signup": False}))
    with TestClient(app, follow_redirects=False) as client:
        page = client.get("/teacher/signup")
        assert page.status_code == 403
        assert "quiz-app teacher create" in page.text
        response = client.post(
            "/teacher/signup",
            data={"email": "x@school.org", "password": GOOD_PASSWORD, "csrf_token": "x"},
        )
        assert response.status_code == 403
        assert _teachers(app) == []
    app.state.engine.dispose()


def test_open_signup_setting_reads_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUIZ_OPEN_SIGNUP", "false")
    assert Settings().open_signup is False


def test_login_with_right_password_goes_to_next_page(app: FastAPI, client: TestClient) -> None:
    make_teacher(app)
    response = _login(client, "ada@school.org", PASSWORD, next="/teacher/bank")
    assert response.status_code == 303
    assert response.headers["location"] == "/teacher/bank"
    assert client.get("/teacher/bank").status_code == 200


def test_login_next_to_another_site_goes_home(app: FastAPI, client: TestClient) -> None:
    make_teacher(app)
    response = _login(client, "ada@school.org", PASSWORD, next="https://evil.example/")
    assert response.headers["location"] == "/teacher"


@pytest.mark.parametrize(
    ("email", "password"), [("ada@school.org", "wrong password!"), ("who@school.org", PASSWORD)]
)
def test_login_wrong_email_or_password_is_401_with_same_message(
    app: FastAPI, client: TestClient, email: str, password: str
) -> None:
    make_teacher(app)
    response = _login(client, email, password)
    assert response.status_code == 401
    assert "do not match an account" in response.text
    assert auth.SESSION_COOKIE not in client.cookies


def test_login_without_csrf_cookie_is_403(app: FastAPI, client: TestClient) -> None:
    make_teacher(app)
    response = client.post(
        "/teacher/login",
        data={"email": "ada@school.org", "password": PASSWORD, "csrf_token": "forged"},
    )
    assert response.status_code == 403
    assert "security token" in response.text
    assert auth.SESSION_COOKIE not in client.cookies


def test_five_failed_logins_lock_the_account_with_retry_time(
    app: FastAPI, client: TestClient
) -> None:
    make_teacher(app)
    for _ in range(auth.MAX_FAILURES):
        assert _login(client, "ada@school.org", "wrong password!").status_code == 401
    # Even the right password is refused while locked, from another address too.
    other = TestClient(app, client=("203.0.113.9", 5000), follow_redirects=False)
    response = _login(other, "ada@school.org", PASSWORD)
    assert response.status_code == 429
    assert "Too many failed logins. Try again after" in response.text
    assert int(response.headers["retry-after"]) > 14 * 60


def test_failed_logins_from_one_address_lock_that_address(app: FastAPI, client: TestClient) -> None:
    make_teacher(app, "ada@school.org")
    make_teacher(app, "bob@school.org")
    for i in range(auth.MAX_FAILURES):
        _login(client, f"guess{i}@school.org", "wrong password!")
    locked = _login(client, "bob@school.org", PASSWORD)
    assert locked.status_code == 429
    assert "Too many failed logins. Try again after" in locked.text
    elsewhere = TestClient(app, client=("203.0.113.9", 5000), follow_redirects=False)
    response = _login(elsewhere, "bob@school.org", PASSWORD)
    assert response.status_code == 303
    assert auth.SESSION_COOKIE in response.cookies


def test_successful_login_clears_the_account_counter(app: FastAPI, client: TestClient) -> None:
    make_teacher(app)
    for _ in range(auth.MAX_FAILURES - 1):
        _login(client, "ada@school.org", "wrong password!")
    assert _login(client, "ada@school.org", PASSWORD).status_code == 303
    with app.state.sessions() as session:
        keys = list(session.scalars(select(LoginThrottle.key)))
    assert store.teachers.account_key("ada@school.org") not in keys


def test_lock_grows_each_time_and_window_forgets_old_failures() -> None:
    start = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    state = None
    for i in range(auth.MAX_FAILURES):
        state = auth.after_failure(state, start + timedelta(seconds=i))
    assert state is not None and state.locked_until is not None
    first_lock = state.locked_until - (start + timedelta(seconds=auth.MAX_FAILURES - 1))
    assert first_lock == auth.FIRST_LOCK
    later = state.locked_until + timedelta(minutes=1)
    assert auth.locked_until(state, later) is None
    for i in range(auth.MAX_FAILURES):
        state = auth.after_failure(state, later + timedelta(seconds=i))
    assert state.locked_until is not None
    assert state.locked_until - (later + timedelta(seconds=4)) == 2 * auth.FIRST_LOCK
    # Four failures spread over more than the window never lock.
    spread = None
    for i in range(auth.MAX_FAILURES * 2):
        spread = auth.after_failure(spread, start + i * (auth.FAILURE_WINDOW / 3))
    assert spread is not None and spread.locked_until is None


def test_logout_ends_the_session_in_the_database(app: FastAPI) -> None:
    client, csrf, _teacher = teacher_client(app)
    response = client.post("/teacher/logout", data={"csrf_token": csrf})
    assert response.status_code == 303
    assert response.headers["location"] == "/teacher/login"
    with app.state.sessions() as session:
        assert list(session.scalars(select(TeacherSession))) == []
    assert client.get("/teacher").status_code == 303


def test_expired_session_sends_teacher_to_login(app: FastAPI) -> None:
    client, _csrf, _teacher = teacher_client(app)
    with app.state.sessions() as session:
        row = session.scalars(select(TeacherSession)).one()
        row.expires_at = datetime.now(UTC) - timedelta(seconds=1)
        session.commit()
    response = client.get("/teacher/assignments/new")
    assert response.status_code == 303
    assert response.headers["location"] == "/teacher/login?next=/teacher/assignments/new"


def test_session_works_on_a_second_app_process(app: FastAPI, settings: Settings) -> None:
    _client, _csrf, teacher = teacher_client(app)
    with app.state.sessions() as session:
        token, _ = store.teachers.create_session(session, teacher=teacher, hours=1)
    other = create_app(settings)
    with TestClient(other, follow_redirects=False) as client:
        client.cookies.set(auth.SESSION_COOKIE, token)
        response = client.get("/teacher")
        assert response.status_code == 200
        assert teacher.email in response.text
    other.state.engine.dispose()


@pytest.mark.parametrize("token", [None, "", "wrong-token"])
def test_teacher_post_without_matching_csrf_is_403_and_changes_nothing(
    app: FastAPI, token: str | None
) -> None:
    client, _csrf, _teacher = teacher_client(app)
    data = {"title": "Nope", "source": "set", "set_id": "micro-not-safe"}
    if token is not None:
        data["csrf_token"] = token
    response = client.post("/teacher/assignments", data=data)
    assert response.status_code == 403
    assert "security token is missing or out of date" in response.text
    with app.state.sessions() as session:
        assert store.assignments.list_assignments(session, teacher=_teacher) == []


def test_teacher_post_with_csrf_header_as_htmx_sends_is_accepted(app: FastAPI) -> None:
    client, csrf, _teacher = teacher_client(app)
    response = client.post("/teacher/logout", headers={auth.CSRF_HEADER: csrf})
    assert response.status_code == 303
    page = client.get("/teacher/assignments/new")  # logged out: sent to the login page
    assert page.headers["location"] == "/teacher/login?next=/teacher/assignments/new"


def test_teacher_pages_render_csrf_in_forms_and_htmx_headers(app: FastAPI) -> None:
    client, csrf, _teacher = teacher_client(app)
    page = client.get("/teacher/assignments/new").text
    assert f'name="csrf_token" value="{csrf}"' in page
    assert f'hx-headers=\'{{"X-CSRF-Token": "{csrf}"}}\'' in page


@pytest.mark.parametrize("path", ["/teacher/login", "/teacher/signup", "/teacher"])
def test_teacher_pages_refuse_framing_and_caching(client: TestClient, path: str) -> None:
    headers = client.get(path).headers
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"
    assert headers["cache-control"] == "no-store"


def test_student_pages_stay_embeddable(client: TestClient) -> None:
    headers = client.get("/").headers
    assert "frame-ancestors 'none'" not in headers["content-security-policy"]
    assert "x-frame-options" not in headers


def test_password_policy_accepts_a_long_passphrase() -> None:
    assert auth.password_problems("correct horse battery", "ada@school.org") == []
    assert auth.password_problems(auth.generate_password(), "ada@school.org") == []
    assert auth.password_problems("xy3#Z" * 60, "ada@school.org") == ["Use at most 256 characters."]


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("aaaaaaaaaa", "Use at least 5 different characters"),
        ("abababababab", "Use at least 5 different characters"),
        ("AaAaAaAaAaBb", "Use at least 5 different characters"),  # capitals are no new letters
        ("\x00" * 10, "no control characters"),
        ("long enough\tpassword", "no control characters"),
        ("zero\u200bwidth password", "no control characters"),
    ],
)
def test_signup_refuses_a_repeated_or_untypable_password_saying_why(
    app: FastAPI, client: TestClient, password: str, problem: str
) -> None:
    response = _signup(client, "new@school.org", password)
    assert getattr(response, "status_code", None) == 422
    assert problem in html.unescape(getattr(response, "text", ""))
    assert _teachers(app) == []
