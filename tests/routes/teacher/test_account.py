"""Teacher accounts: sign-up, login, logout, the password policy, CSRF and login slowdown."""

import html
from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from quiz_app import auth, rate_limits, store
from quiz_app.config import Settings
from quiz_app.main import create_app
from quiz_app.models import RateLimit, Teacher, TeacherSession
from tests.support.clock import set_clock
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


def test_signup_creates_argon2id_account_and_asks_to_log_in(
    app: FastAPI, client: TestClient
) -> None:
    response = _signup(client, "Ada@School.org", GOOD_PASSWORD)
    assert response.status_code == 200
    assert "Your account is ready: log in with your email and password." in response.text
    assert 'name="email" type="email" autocomplete="username" required value="ada@school.org"' in (
        response.text
    )
    assert auth.SESSION_COOKIE not in client.cookies  # no automatic login
    (teacher,) = _teachers(app)
    assert teacher.email == "ada@school.org"
    assert teacher.password_hash.startswith("$argon2id$")
    assert GOOD_PASSWORD not in teacher.password_hash
    logged_in = _login(client, "ada@school.org", GOOD_PASSWORD)
    assert logged_in.status_code == 303
    assert "Logged in as ada@school.org" in client.get("/teacher").text


def test_session_cookie_is_httponly_lax_and_stored_only_as_hash(
    app: FastAPI, client: TestClient
) -> None:
    make_teacher(app)
    response = _login(client, "ada@school.org", PASSWORD)
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


def test_signup_existing_email_gets_the_same_page_and_keeps_the_account(app: FastAPI) -> None:
    pages = []
    for _ in range(2):  # a new email, then the same email again from another browser
        with TestClient(app, follow_redirects=False) as browser:
            response = _signup(browser, "ADA@school.org", GOOD_PASSWORD + str(len(pages)))
            token = browser.cookies[auth.LOGIN_CSRF_COOKIE]
            assert auth.SESSION_COOKIE not in browser.cookies
            pages.append((response.status_code, response.text.replace(token, "TOKEN")))
    assert pages[0] == pages[1]
    assert pages[0][0] == 200
    (teacher,) = _teachers(app)
    assert auth.verify_password(teacher.password_hash, GOOD_PASSWORD + "0")
    assert not auth.verify_password(teacher.password_hash, GOOD_PASSWORD + "1")


def test_signups_from_one_address_are_throttled_with_retry_after(
    app: FastAPI, client: TestClient
) -> None:
    set_clock(app)
    (hourly, _daily) = rate_limits.SIGNUP.windows
    for i in range(hourly.limit):
        assert _signup(client, f"t{i}@school.org", GOOD_PASSWORD).status_code == 200
    refused = _signup(client, "late@school.org", GOOD_PASSWORD)
    assert refused.status_code == 429
    assert "Too many accounts were created from your network" in refused.text
    assert int(refused.headers["retry-after"]) > 50 * 60
    assert len(_teachers(app)) == hourly.limit
    elsewhere = TestClient(app, client=("203.0.113.9", 5000), follow_redirects=False)
    assert _signup(elsewhere, "late@school.org", GOOD_PASSWORD).status_code == 200


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


def test_five_failed_logins_slow_that_email_from_that_address_only(
    app: FastAPI, client: TestClient
) -> None:
    clock = set_clock(app)
    make_teacher(app)
    (pair, _daily) = rate_limits.LOGIN_PAIR.windows
    for _ in range(pair.limit - 1):
        assert _login(client, "ada@school.org", "wrong password!").status_code == 401
    last = _login(client, "ada@school.org", "wrong password!")
    assert last.status_code == 429  # the fifth typo already says when to try again
    assert "do not match an account. Too many failed logins for this email" in last.text
    response = _login(client, "ada@school.org", PASSWORD)
    assert response.status_code == 429
    text = html.unescape(response.text)
    assert "Too many failed logins for this email from your network. Try again after 00:18 UTC" in (
        text
    )
    assert "do not match" not in text
    assert "(in about 18 minutes)" in text
    assert int(response.headers["retry-after"]) == 18 * 60
    # Nobody can lock a teacher out: the right password from another address works.
    other = TestClient(app, client=("203.0.113.9", 5000), follow_redirects=False)
    assert _login(other, "ada@school.org", PASSWORD).status_code == 303
    # And from here once the wait is over.
    clock.advance(minutes=18)
    assert _login(client, "ada@school.org", PASSWORD).status_code == 303


def test_failed_logins_of_many_emails_from_one_address_slow_that_address(
    app: FastAPI, client: TestClient
) -> None:
    set_clock(app)
    make_teacher(app, "bob@school.org")
    (window, _daily) = rate_limits.LOGIN_ADDRESS.windows
    for i in range(window.limit - 1):
        assert _login(client, f"guess{i}@school.org", "wrong password!").status_code == 401
    assert _login(client, "last-guess@school.org", "wrong password!").status_code == 429
    locked = _login(client, "bob@school.org", PASSWORD)
    assert locked.status_code == 429
    assert "Too many failed logins came from your network. Try again after" in locked.text
    assert "retry-after" in locked.headers
    elsewhere = TestClient(app, client=("203.0.113.9", 5000), follow_redirects=False)
    response = _login(elsewhere, "bob@school.org", PASSWORD)
    assert response.status_code == 303
    assert auth.SESSION_COOKIE in response.cookies


def test_four_typos_on_made_up_emails_lock_out_no_teacher(app: FastAPI, client: TestClient) -> None:
    make_teacher(app, "bob@school.org")
    for i in range(4):
        _login(client, f"typo{i}@school.org", "wrong password!")
    assert _login(client, "bob@school.org", PASSWORD).status_code == 303


def test_successful_login_clears_the_pair_counter_not_the_address(
    app: FastAPI, client: TestClient
) -> None:
    make_teacher(app)
    for _ in range(4):
        _login(client, "ada@school.org", "wrong password!")
    assert _login(client, "ada@school.org", PASSWORD).status_code == 303
    with app.state.sessions() as session:
        keys = list(session.scalars(select(RateLimit.key)))
    assert keys and all(key.startswith("login-address:") for key in keys)


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
