"""Per-address limits on what students do without an account: starting attempts and guessing
join codes, sized for a whole school behind one address; answers and page views are never
limited."""

import html

from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response

from quiz_app import rate_limits
from quiz_app.models import Answer, Attempt, RateLimit
from tests.support.clock import set_clock, use_up
from tests.support.factories import answer_as_student, question_ids, question_url, start_attempt
from tests.support.teacher_factories import (
    create_assignment,
    get_assignment,
    join,
    row_count,
    student_client,
    teacher_client,
)

SCHOOL = ("198.51.100.20", 40000)  # the one address a school's NAT gives all its students
WRONG_CODE = "ZZZZZZ"  # well formed, but no assignment has it


def _school(app: FastAPI) -> TestClient:
    return TestClient(app, client=SCHOOL, follow_redirects=False)


def _join_code(app: FastAPI, **overrides: str) -> str:
    teacher, csrf, _ = teacher_client(app)
    return get_assignment(app, create_assignment(teacher, csrf, **overrides)).join_code


def test_thousand_students_behind_one_address_all_start_within_a_minute(app: FastAPI) -> None:
    clock = set_clock(app)
    code = _join_code(app)
    school = _school(app)
    for student in range(1_000):
        response = join(school, code, f"Student {student}")
        assert response.status_code == 303, response.text
        clock.advance(milliseconds=59)  # 1,000 starts in 59 seconds
    assert row_count(app, Attempt) == 1_000
    # Per the numbers: the minute's window holds 1,200 starts, then the address waits.
    use_up(app, rate_limits.START, SCHOOL[0])
    refused = join(school, code, "One too many")
    assert refused.status_code == 429
    message = html.unescape(refused.text)
    assert "Too many quizzes were started from your network just now. Wait about" in message
    assert 1 <= int(refused.headers["retry-after"]) <= 120
    assert row_count(app, Attempt) == 1_000
    clock.advance(seconds=int(refused.headers["retry-after"]))
    assert join(school, code, "One too many").status_code == 303


def test_starting_public_sets_in_a_loop_is_stopped_with_retry_after(app: FastAPI) -> None:
    clock = set_clock(app)
    school = _school(app)
    (minute, _day) = rate_limits.START.windows
    for _ in range(5):
        assert school.post("/sets/micro-not-safe/attempts").status_code == 303
    use_up(app, rate_limits.START, SCHOOL[0])
    refused = school.post("/sets/micro-not-safe/attempts")
    assert refused.status_code == 429
    assert "<html" in refused.text and "Too many tries" in refused.text
    # The rest of this minute, and the next minute's share of one start (the window slides).
    assert int(refused.headers["retry-after"]) == 61
    assert row_count(app, Attempt) == 5
    # Another address is not affected, and once the wait is over this one starts again.
    assert student_client(app).post("/sets/micro-not-safe/attempts").status_code == 303
    clock.advance(seconds=60)
    assert school.post("/sets/micro-not-safe/attempts").status_code == 429
    clock.advance(seconds=1)
    assert school.post("/sets/micro-not-safe/attempts").status_code == 303
    assert minute.limit >= 1_000


def test_limited_start_as_htmx_is_the_error_fragment(app: FastAPI) -> None:
    set_clock(app)
    school = _school(app)
    use_up(app, rate_limits.START, SCHOOL[0])
    refused = school.post("/sets/micro-not-safe/attempts", headers={"HX-Request": "true"})
    assert refused.status_code == 429
    assert "retry-after" in refused.headers
    assert "<html" not in refused.text
    assert 'role="alert"' in refused.text


def test_starts_a_day_are_capped_too(app: FastAPI) -> None:
    set_clock(app)
    use_up(app, rate_limits.START, SCHOOL[0], window=1)
    refused = _school(app).post("/sets/micro-not-safe/attempts")
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) > 3600


def test_wrong_join_codes_are_stopped_and_then_even_the_right_code_tells_nothing(
    app: FastAPI,
) -> None:
    clock = set_clock(app)
    code = _join_code(app)
    school = _school(app)
    (minute, _day) = rate_limits.WRONG_CODE.windows
    guesses = [
        lambda: school.post("/join", data={"code": WRONG_CODE}),
        lambda: school.get(f"/j/{WRONG_CODE}"),
        lambda: school.post(f"/j/{WRONG_CODE}", data={"name": "Sam"}),
        lambda: school.get(f"/embed/j/{WRONG_CODE}"),
    ]
    for i in range(minute.limit):
        assert guesses[i % len(guesses)]().status_code == 404
    for right in (school.get(f"/j/{code}"), school.post("/join", data={"code": code})):
        assert right.status_code == 429
        assert "Too many wrong join codes were typed on your network" in html.unescape(right.text)
        assert "Year 9" not in right.text
        assert int(right.headers["retry-after"]) >= 1
    assert student_client(app).get(f"/j/{code}").status_code == 200  # another address
    clock.advance(minutes=2)
    assert school.get(f"/j/{code}").status_code == 200


def test_mistyped_codes_that_cannot_be_codes_are_not_counted(app: FastAPI) -> None:
    set_clock(app)
    school = _school(app)
    for _ in range(rate_limits.WRONG_CODE.windows[0].limit + 5):
        assert school.post("/join", data={"code": "ABC-10O"}).status_code == 404
    assert row_count(app, RateLimit) == 0


def test_wrong_codes_a_day_are_capped_too(app: FastAPI) -> None:
    clock = set_clock(app)
    code = _join_code(app)
    school = _school(app)
    use_up(app, rate_limits.WRONG_CODE, SCHOOL[0], window=1)
    clock.advance(hours=12)  # half the day's window gone: the day's estimate still counts it
    refused = school.get(f"/j/{code}")
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) > 3600


def test_oembed_guesses_share_the_join_counter_and_title_comes_only_for_a_known_code(
    app: FastAPI,
) -> None:
    set_clock(app)
    code = _join_code(app)
    school = _school(app)

    def oembed(typed: str) -> Response:
        return school.get("/oembed", params={"url": f"http://testserver/j/{typed}"})

    known = oembed(code)
    assert known.status_code == 200
    assert known.json()["title"] == "Year 9: micro is not safe"
    for i in range(rate_limits.WRONG_CODE.windows[0].limit):
        guess = oembed(WRONG_CODE) if i % 2 else school.get(f"/j/{WRONG_CODE}")
        assert guess.status_code == 404
        assert "Year 9" not in guess.text
    refused = oembed(code)
    assert refused.status_code == 429
    assert "Year 9" not in refused.text
    assert school.get(f"/j/{code}").status_code == 429


def test_answers_and_page_views_are_never_limited(app: FastAPI) -> None:
    set_clock(app)
    code = _join_code(app)
    school = _school(app)
    token = start_attempt(school, "micro-not-safe")
    use_up(app, rate_limits.START, SCHOOL[0])
    use_up(app, rate_limits.WRONG_CODE, SCHOOL[0], window=1)
    assert school.post("/sets/micro-not-safe/attempts").status_code == 429
    first = question_ids(app, school, token)[0]
    assert school.get(question_url(school, token, first)).status_code == 200
    answered = answer_as_student(app, school, token, first, confidence="unsure")
    assert answered.status_code == 303, answered.text
    assert row_count(app, Answer) == 1
    for path in ("/", "/join", "/sets/micro-not-safe", f"/a/{token}/results"):
        assert school.get(path).status_code == 200
    assert school.get(f"/j/{code}").status_code == 429  # a code: refused while guessing


def test_limited_join_page_in_a_course_pages_frame_shows_the_wait_there(app: FastAPI) -> None:
    set_clock(app)
    code = _join_code(app)
    use_up(app, rate_limits.WRONG_CODE, SCHOOL[0])
    refused = _school(app).get(f"/embed/j/{code}")
    assert refused.status_code == 429
    assert "frame-ancestors *" in refused.headers["content-security-policy"]
    assert "Too many wrong join codes" in refused.text
