"""A teacher's assignment in a course page: the snippet on the assignment page, the framed join
page, oEmbed for join links, and the sites a teacher lets frame the assignment's pages."""

import html
import re
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from quiz_app.config import Settings
from quiz_app.main import create_app
from quiz_app.models import Assignment, Attempt, Teacher, utcnow
from tests.support.factories import HTMX, answer, question_ids, question_url, start_attempt
from tests.support.teacher_factories import (
    assignment_form,
    create_assignment,
    get_assignment,
    join_token,
    log_in_as,
    teacher_client,
)

FRAMED = {"Sec-Fetch-Dest": "iframe"}
CANVAS = "https://canvas.school.edu"
SITES = f"{CANVAS} https://*.moodle.school.org:8443"


def _frame_ancestors(response: Any) -> str:
    csp = response.headers["content-security-policy"]
    return str(csp.rsplit("frame-ancestors", 1)[1].strip())


def _snippet(page: str) -> str:
    match = re.search(r'<textarea id="embed-code"[^>]*>(.*?)</textarea>', page, re.S)
    assert match, "the page has no embed code"
    return html.unescape(match[1])


def _field_errors(page: str, field: str) -> str:
    match = re.search(rf'<div id="err-{field}" class="field-errors"[^>]*>(.*?)</div>', page, re.S)
    assert match, f"no error slot for {field}"
    return html.unescape(match[1])


def _assignments(app: FastAPI) -> list[Assignment]:
    with app.state.sessions() as session:
        return list(session.scalars(select(Assignment)))


def _set_assignment(app: FastAPI, assignment_id: int, **fields: Any) -> None:
    with app.state.sessions() as session:
        assignment = session.get(Assignment, assignment_id)
        assert assignment is not None
        for name, value in fields.items():
            setattr(assignment, name, value)
        session.commit()


# --- the snippet and the framed join page ------------------------------------------------


def test_assignment_page_offers_snippet_that_frames_its_join_page(app: FastAPI) -> None:
    teacher, csrf, _ = teacher_client(app)
    assignment_id = create_assignment(teacher, csrf, title="Week 3 <evidence> quiz")
    code = get_assignment(app, assignment_id).join_code
    page = teacher.get(f"/teacher/assignments/{assignment_id}").text
    assert "Embed in your course page" in page
    snippet = _snippet(page)
    assert snippet == (
        f'<iframe data-claim-check src="http://testserver/embed/j/{code}" '
        'title="Claim Check quiz: Week 3 &lt;evidence&gt; quiz" width="640" height="720" '
        'style="border:0;width:100%;max-width:100%" loading="lazy"></iframe>\n'
        '<script src="http://testserver/static/embed.js" async></script>'
    )
    assert "Any site can show it." in html.unescape(page)


def test_embed_join_page_has_minimal_chrome_and_the_name_form(app: FastAPI) -> None:
    teacher, csrf, _ = teacher_client(app)
    assignment_id = create_assignment(teacher, csrf, identity="nickname")
    code = get_assignment(app, assignment_id).join_code
    response = TestClient(app).get(f"/embed/j/{code}")
    assert response.status_code == 200
    page = response.text
    assert 'class="embedded"' in page and "site-header" not in page
    assert f'action="/j/{code}"' in page
    assert "A nickname (not your real name" in page
    assert _frame_ancestors(response) == "*"


def test_student_joins_in_frame_and_reload_key_matches_the_attempt(app: FastAPI) -> None:
    teacher, csrf, _ = teacher_client(app)
    assignment_id = create_assignment(teacher, csrf)
    code = get_assignment(app, assignment_id).join_code
    student = TestClient(app, follow_redirects=False)
    start = student.get(f"/embed/j/{code}").text
    resume_set = re.search(r'data-resume-set="([^"]+)"', start)
    assert resume_set, "the framed join page has no resume key"

    joined = student.post(f"/j/{code}", data={"name": "Sam"}, headers=FRAMED)
    assert joined.status_code == 303
    token = joined.headers["location"].rsplit("/", 1)[-1]
    first = question_ids(app, student, token)[0]
    question = student.get(question_url(student, token, first), headers=FRAMED)
    assert "site-header" not in question.text
    # The question page stores its address under the same key the join page reads back.
    assert f'data-resume-set="{resume_set[1]}"' in question.text
    assert f'data-resume-url="/a/{token}"' in question.text
    assert answer(student, token, first, "research").status_code == 303
    with app.state.sessions() as session:
        attempt = session.scalar(select(Attempt).where(Attempt.token == token))
        assert attempt is not None and attempt.student_name == "Sam"
        assert attempt.set_id == resume_set[1]
        assert len(attempt.answers) == 1


def test_embed_join_with_unknown_code_shows_its_message_inside_the_frame(
    client: TestClient,
) -> None:
    response = client.get("/embed/j/ZZZZZZ", headers=FRAMED)
    assert response.status_code == 404
    assert "No assignment has the code ZZZ-ZZZ" in response.text
    assert "site-header" not in response.text
    assert _frame_ancestors(response) == "*"


def test_embed_join_of_closed_assignment_says_so_without_a_form(app: FastAPI) -> None:
    teacher, csrf, _ = teacher_client(app)
    assignment_id = create_assignment(teacher, csrf, embed_origins=CANVAS)
    teacher.post(f"/teacher/assignments/{assignment_id}/close", data={"csrf_token": csrf})
    code = get_assignment(app, assignment_id).join_code
    response = TestClient(app).get(f"/embed/j/{code}")
    assert response.status_code == 403
    assert "Your teacher has closed this assignment" in response.text
    assert "<form" not in response.text and "data-resume-set" not in response.text
    assert _frame_ancestors(response) == CANVAS


# --- oEmbed for join links ---------------------------------------------------------------


def test_join_page_offers_oembed_discovery(app: FastAPI) -> None:
    teacher, csrf, _ = teacher_client(app)
    code = get_assignment(app, create_assignment(teacher, csrf)).join_code
    page = TestClient(app).get(f"/j/{code}").text
    assert (
        '<link rel="alternate" type="application/json+oembed" '
        f'href="http://testserver/oembed?url=http://testserver/j/{code}&amp;format=json" '
        'title="Year 9: micro is not safe">'
    ) in page


@pytest.mark.parametrize("path", ["/j/{code}", "/embed/j/{code}", "/j/{dashed}"])
def test_oembed_for_assignment_link_returns_its_framed_join_page(app: FastAPI, path: str) -> None:
    teacher, csrf, _ = teacher_client(app)
    code = get_assignment(app, create_assignment(teacher, csrf)).join_code
    dashed = f"{code[:3]}-{code[3:]}".lower()
    url = "http://testserver" + path.format(code=code, dashed=dashed)
    response = TestClient(app).get("/oembed", params={"url": url, "format": "json"})
    assert response.status_code == 200
    data = response.json()
    assert data["type"] == "rich" and data["version"] == "1.0"
    assert data["provider_name"] == "Claim Check"
    assert data["title"] == "Year 9: micro is not safe"
    assert f'src="http://testserver/embed/j/{code}"' in data["html"]
    assert (data["width"], data["height"]) == (640, 720)


@pytest.mark.parametrize(
    ("state", "message"),
    [
        ("closed", "This assignment is closed, so it cannot be embedded"),
        ("ended", "This assignment is closed, so it cannot be embedded"),
        ("unknown", "No assignment has that join code"),
    ],
)
def test_oembed_for_closed_or_unknown_assignment_is_404_with_message(
    app: FastAPI, state: str, message: str
) -> None:
    teacher, csrf, _ = teacher_client(app)
    assignment_id = create_assignment(teacher, csrf)
    code = get_assignment(app, assignment_id).join_code
    if state == "closed":
        _set_assignment(app, assignment_id, closed=True)
    elif state == "ended":
        _set_assignment(app, assignment_id, closes_at=utcnow() - timedelta(minutes=1))
    else:
        code = "ZZZZZZ"
    response = TestClient(app).get("/oembed", params={"url": f"http://testserver/j/{code}"})
    assert response.status_code == 404
    assert message in html.unescape(response.text)


def test_oembed_for_assignment_not_yet_open_is_offered(app: FastAPI) -> None:
    teacher, csrf, _ = teacher_client(app)
    assignment_id = create_assignment(teacher, csrf)
    _set_assignment(app, assignment_id, opens_at=utcnow() + timedelta(days=1))
    code = get_assignment(app, assignment_id).join_code
    response = TestClient(app).get("/oembed", params={"url": f"http://testserver/j/{code}"})
    assert response.status_code == 200
    assert f"http://testserver/embed/j/{code}" in response.json()["html"]


# --- the sites that may frame an assignment ----------------------------------------------


def test_create_assignment_with_sites_stores_them_in_normal_form(app: FastAPI) -> None:
    teacher, csrf, _ = teacher_client(app)
    typed = "HTTPS://Canvas.School.edu/  https://*.moodle.school.org:8443"
    assignment_id = create_assignment(teacher, csrf, embed_origins=typed)
    assert get_assignment(app, assignment_id).embed_origins == SITES
    page = html.unescape(teacher.get(f"/teacher/assignments/{assignment_id}").text)
    assert f"Only pages on {SITES} can show it." in page
    edit = teacher.get(f"/teacher/assignments/{assignment_id}/edit").text
    assert f'name="embed_origins" value="{SITES}"' in html.unescape(edit)


def test_every_page_of_a_restricted_assignment_sends_its_sites(app: FastAPI) -> None:
    teacher, csrf, _ = teacher_client(app)
    assignment_id = create_assignment(
        teacher, csrf, embed_origins=SITES, feedback_mode="after_submit"
    )
    code = get_assignment(app, assignment_id).join_code
    student = TestClient(app, follow_redirects=False)
    pages = {
        "join page": student.get(f"/j/{code}"),
        "framed join page": student.get(f"/embed/j/{code}"),
        "join form with a problem": student.post(f"/j/{code}", data={"name": ""}),
    }
    token = join_token(student, code, "Sam")
    first, *_rest = question_ids(app, student, token)
    pages |= {
        "question": student.get(question_url(student, token, first), headers=FRAMED),
        "saved answer": answer(student, token, first, "research", htmx=True),
        "question after answering": student.get(question_url(student, token, first)),
        "next question fragment": student.get(question_url(student, token, first), headers=HTMX),
        "submit page": student.get(f"/a/{token}/results"),
        "question not in the quiz": student.get(f"/a/{token}/q/no-such-question"),
    }
    student.post(f"/a/{token}/submit")
    pages["results"] = student.get(f"/a/{token}/results")
    assert pages["join form with a problem"].status_code == 422
    assert pages["question not in the quiz"].status_code == 404
    assert {name: _frame_ancestors(r) for name, r in pages.items()} == dict.fromkeys(pages, SITES)


def test_bundled_set_pages_keep_the_servers_setting_beside_a_restricted_assignment(
    app: FastAPI, client: TestClient
) -> None:
    teacher, csrf, _ = teacher_client(app)
    create_assignment(teacher, csrf, embed_origins=CANVAS)
    token = start_attempt(client, "micro-not-safe")
    first = question_ids(app, client, token)[0]
    for path in (
        "/embed/sets/micro-not-safe",
        question_url(client, token, first),
        f"/a/{token}/results",
    ):
        assert _frame_ancestors(client.get(path)) == "*", path


def test_unrestricted_assignment_pages_send_the_servers_setting(app: FastAPI) -> None:
    teacher, csrf, _ = teacher_client(app)
    code = get_assignment(app, create_assignment(teacher, csrf)).join_code
    student = TestClient(app, follow_redirects=False)
    token = join_token(student, code, "Sam")
    first = question_ids(app, student, token)[0]
    for path in (f"/j/{code}", f"/embed/j/{code}", question_url(student, token, first)):
        assert _frame_ancestors(student.get(path)) == "*", path


HOSTILE = [
    ("https://a.com; script-src *", "remove “;”"),
    ("https://a.com 'unsafe-inline'", "remove “'”"),
    ("javascript:", "is not a web site"),
    ("*", "would let every site frame this assignment"),
    ("https://a.com/course/1", "has more than an origin"),
    ("https://a.com\nhttps://b.com", "on one line"),
    ("https://a.com\r\nX-Frame-Options: ALLOWALL", "on one line"),
    ("https://a.com\x00", "on one line"),
]


@pytest.mark.parametrize(("typed", "message"), HOSTILE)
def test_create_assignment_with_hostile_sites_is_422_and_stores_nothing(
    app: FastAPI, typed: str, message: str
) -> None:
    teacher, csrf, _ = teacher_client(app)
    response = teacher.post(
        "/teacher/assignments",
        data={**assignment_form(embed_origins=typed), "csrf_token": csrf},
    )
    assert response.status_code == 422
    assert message in _field_errors(response.text, "embed_origins")
    assert 'aria-describedby="embed_origins-hint err-embed_origins" aria-invalid="true"' in (
        response.text
    )
    assert "The assignment was not made" in response.text
    assert _assignments(app) == []


@pytest.mark.parametrize(("typed", "message"), HOSTILE)
def test_edit_assignment_with_hostile_sites_is_422_and_changes_nothing(
    app: FastAPI, typed: str, message: str
) -> None:
    teacher, csrf, _ = teacher_client(app)
    assignment_id = create_assignment(teacher, csrf, embed_origins=CANVAS)
    settings = {
        "title": "Renamed",
        "feedback_mode": "immediate",
        "attempts_allowed": "1",
        "identity": "name",
        "timezone": "UTC",
    }
    response = teacher.post(
        f"/teacher/assignments/{assignment_id}",
        data={**settings, "embed_origins": typed, "csrf_token": csrf},
    )
    assert response.status_code == 422
    assert message in _field_errors(response.text, "embed_origins")
    stored = get_assignment(app, assignment_id)
    assert (stored.title, stored.embed_origins) == ("Year 9: micro is not safe", CANVAS)


def test_edit_assignment_sites_changes_and_then_clears_them(app: FastAPI) -> None:
    teacher, csrf, _ = teacher_client(app)
    assignment_id = create_assignment(teacher, csrf, embed_origins=CANVAS)
    code = get_assignment(app, assignment_id).join_code
    form = {
        "title": "Year 9",
        "feedback_mode": "immediate",
        "attempts_allowed": "1",
        "identity": "name",
        "timezone": "UTC",
        "csrf_token": csrf,
    }
    url = f"/teacher/assignments/{assignment_id}"
    assert teacher.post(url, data={**form, "embed_origins": "https://b.edu"}).status_code == 303
    assert _frame_ancestors(teacher.get(f"/j/{code}")) == "https://b.edu"
    assert teacher.post(url, data={**form, "embed_origins": ""}).status_code == 303
    assert get_assignment(app, assignment_id).embed_origins == ""
    assert _frame_ancestors(teacher.get(f"/j/{code}")) == "*"


def _app_with_setting(database_url: str, frame_ancestors: str) -> FastAPI:
    return create_app(
        Settings(database_url=database_url, htmx_source="local", frame_ancestors=frame_ancestors)
    )


def test_server_setting_bounds_what_a_teacher_may_list(database_url: str) -> None:
    app = _app_with_setting(database_url, "https://canvas.school.edu https://*.school.org")
    try:
        teacher, csrf, _ = teacher_client(app)
        form = assignment_form(embed_origins="https://evil.example")
        response = teacher.post("/teacher/assignments", data={**form, "csrf_token": csrf})
        assert response.status_code == 422
        assert "Ask its admin to add https://evil.example" in _field_errors(
            response.text, "embed_origins"
        )
        new = teacher.get("/teacher/assignments/new").text
        assert "the sites this server allows (https://canvas.school.edu" in new
        assignment_id = create_assignment(teacher, csrf, embed_origins="https://a.school.org")
        code = get_assignment(app, assignment_id).join_code
        assert _frame_ancestors(teacher.get(f"/j/{code}")) == "https://a.school.org"
    finally:
        app.state.engine.dispose()


def test_server_setting_narrowed_later_refuses_framing_of_sites_it_no_longer_allows(
    database_url: str,
) -> None:
    app = _app_with_setting(database_url, "*")
    try:
        teacher, csrf, _ = teacher_client(app)
        assignment_id = create_assignment(teacher, csrf, embed_origins=CANVAS)
        code = get_assignment(app, assignment_id).join_code
    finally:
        app.state.engine.dispose()
    narrowed = _app_with_setting(database_url, "https://moodle.school.edu")
    try:
        student = TestClient(narrowed, follow_redirects=False)
        assert _frame_ancestors(student.get(f"/embed/j/{code}")) == "'none'"
        with narrowed.state.sessions() as session:
            owner = session.scalar(select(Teacher))
            assert owner is not None
        log_in_as(narrowed, student, owner)  # the same browser, now the teacher's
        page = html.unescape(student.get(f"/teacher/assignments/{assignment_id}").text)
        assert "No site can show it now" in page
    finally:
        narrowed.state.engine.dispose()
