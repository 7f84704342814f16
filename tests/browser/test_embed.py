"""The quiz embedded in another site's course page, in headless Chromium that blocks third-party
cookies: a whole set inside the frame, the frame's height, reloading the course page, framing
refused where it is not meant, a narrow dark frame, axe inside the frame, and a teacher's
assignment restricted to the course site's origin."""

import html
import re
import time

import httpx2
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import ConsoleMessage, Frame, FrameLocator, Page, expect
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from quiz_app import auth, store
from quiz_app.bank.items import ClassifyQuestion
from tests.support.course_site import COURSE_TEXT, CourseSite, OpenCoursePage
from tests.support.live_server import TIMEOUT_MS, LiveServer
from tests.support.student_pages import (
    QUESTION_URL,
    attempt_question_ids,
    classify_question,
    expect_feedback,
    expect_question,
    pick,
    post_answer,
    question_at,
    right_reason,
    smallest_set,
    submit_answer,
)
from tests.support.teacher_factories import assignment_form, make_teacher

pytestmark = pytest.mark.browser

FRAME = "iframe[data-claim-check]"
# What Chromium logs on the course page when a frame's CSP refuses it (Chromium 156's wording).
FRAMING_REFUSED = re.compile(
    r"violates the following Content Security Policy directive: "
    r"\"frame-ancestors 'none'\""
)
NARROW = {"width": 320, "height": 640}  # px: a small phone
DARK_CHANNEL_MAX = 64  # 0-255: every channel of a dark background is below this


def embed_code(server: LiveServer, set_id: str) -> str:
    """Return the embed code a teacher copies from the set's page."""
    response = httpx2.get(f"{server.url}/sets/{set_id}")
    assert response.status_code == 200
    match = re.search(r'<textarea id="embed-code"[^>]*>(.*?)</textarea>', response.text, re.S)
    assert match, "the set page has no embed code"
    return html.unescape(match[1])


def smallest_set_id(server: LiveServer) -> tuple[str, int]:
    """Return the id and question count of the smallest set of classify questions only."""
    title, total = smallest_set(server)
    return next(s.id for s in server.bank.sets.values() if s.title == title), total


def quiz_frame(page: Page) -> Frame:
    """Return the frame the course page shows the quiz in (a new one after each page load)."""
    handle = page.locator(FRAME).element_handle()
    frame = handle.content_frame()
    assert frame is not None, "the quiz's iframe has no document"
    return frame


def shown_question(frame: Frame, server: LiveServer) -> ClassifyQuestion:
    """Wait for the frame to show a question; return that question."""
    frame.wait_for_url(QUESTION_URL)
    match = QUESTION_URL.search(frame.url)
    assert match, f"not a question page: {frame.url}"
    return classify_question(server, question_at(server, match[1], int(match[2])))


def token_of(frame: Frame) -> str:
    match = QUESTION_URL.search(frame.url)
    assert match, f"not a question page: {frame.url}"
    return match[1]


def cookie_sticks(frame: Frame) -> bool:
    """Set a cookie from the frame's document, as a cross-site frame must; return if it stuck."""
    script = """() => {
        document.cookie = "probe=1; SameSite=None; Secure; Path=/";
        return document.cookie.includes("probe=1");
    }"""
    return bool(frame.evaluate(script))


def storage_works(frame: Frame) -> bool:
    """Return whether the frame's document may use its sessionStorage."""
    script = """() => {
        try { sessionStorage.setItem("probe", "1"); sessionStorage.removeItem("probe"); }
        catch (error) { return false; }
        return true;
    }"""
    return bool(frame.evaluate(script))


def frame_height(page: Page) -> float:
    box = page.locator(FRAME).bounding_box()
    assert box is not None, "the quiz's iframe is not displayed"
    return float(box["height"])


def expect_frame_fits(frame: Frame) -> None:
    """Wait until the frame is exactly as tall as its content: no inner scrollbar, no gap.

    Inside the frame, innerHeight is the iframe element's height on the course page.
    """
    fits = """() => {
        const root = document.documentElement;
        const content = root.getBoundingClientRect().height;
        return root.scrollHeight <= innerHeight + 2 && Math.abs(content - innerHeight) <= 2;
    }"""
    try:
        frame.wait_for_function(fits)
    except PlaywrightTimeoutError:
        sizes = frame.evaluate(
            """() => ({frame: innerHeight, scrollHeight: document.documentElement.scrollHeight,
                       content: document.documentElement.getBoundingClientRect().height})"""
        )
        raise AssertionError(f"{frame.url}: the frame does not fit its content: {sizes}") from None


def expect_no_horizontal_scroll(frame: Frame) -> None:
    widths = frame.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"{frame.url} scrolls sideways: {widths}"


def expect_dark_background(frame: Frame) -> None:
    colour = frame.evaluate("() => getComputedStyle(document.body).backgroundColor")
    channels = [int(c) for c in re.findall(r"\d+", colour)[:3]]
    assert len(channels) == 3 and max(channels) < DARK_CHANNEL_MAX, f"{frame.url}: {colour}"


def start_in_frame(page: Page, server: LiveServer) -> tuple[Frame, ClassifyQuestion]:
    """Press Start in the course page's quiz; return the frame and its first question."""
    quiz = page.frame_locator(FRAME)
    quiz.get_by_role("button", name="Start").click()
    frame = quiz_frame(page)
    question = shown_question(frame, server)
    # htmx loads deferred: a click before "load" could submit the plain form instead.
    frame.wait_for_load_state()
    return frame, question


def answer_and_go_on(quiz: FrameLocator, frame: Frame, server: LiveServer) -> None:
    """Answer the shown question rightly, then follow "Next question" to the next one."""
    question = shown_question(frame, server)
    submit_answer(quiz, question, question.verdict)
    expect(quiz.locator("#feedback-heading")).to_be_focused()
    next_link = quiz.locator("#feedback").get_by_role("link", name="Next question")
    next_path = str(next_link.get_attribute("href"))
    next_link.click()
    frame.wait_for_url(server.url + next_path)


def test_take_set_in_cross_site_frame_fits_frame_to_content_and_shows_results(
    live_server: LiveServer, course_site: CourseSite, open_course_page: OpenCoursePage
) -> None:
    set_id, total = smallest_set_id(live_server)
    snippet = embed_code(live_server, set_id)
    page = open_course_page()
    course_url = course_site.add("/week-3", snippet)
    page.goto(course_url)
    quiz = page.frame_locator(FRAME)
    expect(quiz.get_by_role("button", name="Start")).to_be_visible()
    frame = quiz_frame(page)
    assert frame.url == f"{live_server.url}/embed/sets/{set_id}"
    expect_frame_fits(frame)
    assert not cookie_sticks(frame), "third-party cookies must be blocked for this test"

    frame, _first = start_in_frame(page, live_server)
    answers: list[tuple[ClassifyQuestion, str]] = []
    for position in range(1, total + 1):
        question = shown_question(frame, live_server)
        expect_question(quiz, question, position=position, total=total)
        expect_frame_fits(frame)
        before = frame_height(page)
        answer = pick(question, right=position % 3 != 2, turn=position)
        submit_answer(quiz, question, answer)
        expect_feedback(quiz, question, answer, position=position, total=total)
        # Moving focus into the frame scrolls the course page to what changed.
        expect(quiz.locator("#feedback-heading")).to_be_in_viewport()
        expect_frame_fits(frame)
        assert frame_height(page) > before, f"the frame did not grow for feedback {position}"
        answers.append((question, answer))
        if position < total:
            next_link = quiz.locator("#feedback").get_by_role("link", name="Next question")
            next_path = str(next_link.get_attribute("href"))
            next_link.click()
            frame.wait_for_url(live_server.url + next_path)
            expect(quiz.locator("#question-heading")).to_be_in_viewport()

    quiz.locator("#feedback").get_by_role("link", name="See your results").click()
    frame.wait_for_url(re.compile(r"/a/[\w-]+/results$"))
    right = sum(answer == q.verdict for q, answer in answers)
    expect(quiz.get_by_role("heading", level=1)).to_contain_text("Your results")
    expect(quiz.locator(".score")).to_contain_text(f"{right} of {total} right")
    expect_frame_fits(frame)
    # The whole quiz happened inside the frame, and nothing needed a cookie.
    assert page.url == course_url
    expect(page.get_by_text(COURSE_TEXT)).to_be_visible()
    assert page.context.cookies() == []

    # Control: the same probe on a page of the quiz's own site does keep its cookie.
    page.goto(course_site.add("/same-site", snippet, same_site=True))
    expect(page.frame_locator(FRAME).get_by_role("button", name="Start")).to_be_visible()
    assert cookie_sticks(quiz_frame(page))


# A slow course page: each message (the frame's height) waits this long before embed.js sees
# it, so the frame grows only after focus has moved to the swapped-in heading.
SLOW_HOST_MS = 250
SLOW_HOST = f"""window.addEventListener("message", () => {{
    const end = Date.now() + {SLOW_HOST_MS};
    while (Date.now() < end) {{}}
}});"""
SLOW_HOST_QUESTIONS = 5  # the heading fell below the fold by the fourth question (tried)


def test_answer_in_frame_of_slow_course_page_shows_each_heading_focus_moves_to(
    live_server: LiveServer, course_site: CourseSite, open_course_page: OpenCoursePage
) -> None:
    set_id, total = smallest_set_id(live_server)
    page = open_course_page()
    page.add_init_script(SLOW_HOST)
    page.goto(course_site.add("/week-3", embed_code(live_server, set_id)))
    quiz = page.frame_locator(FRAME)
    frame, _first = start_in_frame(page, live_server)
    for position in range(1, min(total - 1, SLOW_HOST_QUESTIONS) + 1):
        question = shown_question(frame, live_server)
        answer = pick(question, right=position % 3 != 2, turn=position)
        submit_answer(quiz, question, answer)
        expect(quiz.locator("#feedback-heading")).to_be_focused()
        expect_frame_fits(frame)
        expect(quiz.locator("#feedback-heading")).to_be_in_viewport(ratio=1)
        answer_next = quiz.locator("#feedback").get_by_role("link", name="Next question")
        next_path = str(answer_next.get_attribute("href"))
        answer_next.click()
        frame.wait_for_url(live_server.url + next_path)
        expect(quiz.locator("#question-heading")).to_be_focused()
        expect_frame_fits(frame)
        expect(quiz.locator("#question-heading")).to_be_in_viewport(ratio=1)


def test_reload_course_page_mid_quiz_resumes_same_question_when_storage_is_partitioned(
    live_server: LiveServer, course_site: CourseSite, open_course_page: OpenCoursePage
) -> None:
    set_id, total = smallest_set_id(live_server)
    page = open_course_page(partitioned_storage=True)
    page.goto(course_site.add("/week-3", embed_code(live_server, set_id)))
    quiz = page.frame_locator(FRAME)
    frame, _first = start_in_frame(page, live_server)
    token = token_of(frame)
    answer_and_go_on(quiz, frame, live_server)
    second = shown_question(frame, live_server)
    expect_question(quiz, second, position=2, total=total)
    # As in Chrome: cookies are blocked, yet the frame's sessionStorage works (partitioned).
    assert not cookie_sticks(frame)
    assert storage_works(frame)

    page.reload()
    frame = quiz_frame(page)
    assert shown_question(frame, live_server).id == second.id
    assert token_of(frame) == token
    expect_question(quiz, second, position=2, total=total)
    expect_frame_fits(frame)


def test_reload_course_page_mid_quiz_starts_afresh_when_storage_is_blocked(
    live_server: LiveServer, course_site: CourseSite, open_course_page: OpenCoursePage
) -> None:
    set_id, total = smallest_set_id(live_server)
    page = open_course_page()
    page.goto(course_site.add("/week-3", embed_code(live_server, set_id)))
    quiz = page.frame_locator(FRAME)
    frame, _first = start_in_frame(page, live_server)
    token = token_of(frame)
    answer_and_go_on(quiz, frame, live_server)
    expect_question(quiz, shown_question(frame, live_server), position=2, total=total)
    # Playwright's Chromium (storage partitioning off) blocks the frame's storage along with
    # its cookies, so the frame has nowhere to remember the attempt.
    assert not cookie_sticks(frame)
    assert not storage_works(frame)

    page.reload()
    expect(quiz.get_by_role("button", name="Start")).to_be_visible()
    frame = quiz_frame(page)
    frame.wait_for_load_state()
    assert frame.url == f"{live_server.url}/embed/sets/{set_id}"
    # The quiz still works: Start begins a new attempt at its first question.
    frame, first = start_in_frame(page, live_server)
    assert token_of(frame) != token
    expect_question(quiz, first, position=1, total=total)
    submit_answer(quiz, first, first.verdict)
    expect_feedback(quiz, first, first.verdict, position=1, total=total)


def test_frame_page_not_meant_for_framing_shows_nothing_while_embed_loads(
    live_server: LiveServer, course_site: CourseSite, open_course_page: OpenCoursePage
) -> None:
    set_id, _total = smallest_set_id(live_server)
    refused = {"stylesheet": "/static/app.css", "missing": "/no-such-page"}
    frames = "\n".join(
        f'<iframe id="{name}" title="{name}" src="{live_server.url}{path}"></iframe>'
        for name, path in refused.items()
    )
    page = open_course_page(expected_errors=FRAMING_REFUSED)
    refusals: list[str] = []

    def record_refusal(message: ConsoleMessage) -> None:
        if FRAMING_REFUSED.search(message.text):
            refusals.append(message.text)

    page.on("console", record_refusal)
    page.goto(course_site.add("/week-3", frames + "\n" + embed_code(live_server, set_id)))

    expect(page.frame_locator(FRAME).get_by_role("button", name="Start")).to_be_visible()
    for name in refused:
        frame = page.locator(f"#{name}").element_handle().content_frame()
        assert frame is not None
        # Chromium puts its own error page in place of the refused document.
        frame.wait_for_url("chrome-error://**")
        text = frame.locator("body").inner_text()
        assert "--bg" not in text and "There is no page at this address" not in text, text
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while len(refusals) < len(refused) and time.monotonic() < deadline:
        page.wait_for_timeout(50)  # console events may trail the frames' error pages
    assert len(refusals) == len(refused), refusals


@pytest.mark.parametrize("last_page", ["feedback", "results"])
def test_take_quiz_in_phone_width_dark_frame_fits_without_sideways_scroll(
    live_server: LiveServer,
    course_site: CourseSite,
    open_course_page: OpenCoursePage,
    last_page: str,
) -> None:
    set_id, _total = smallest_set_id(live_server)
    page = open_course_page(viewport=NARROW, color_scheme="dark")
    page.goto(course_site.add("/week-3", embed_code(live_server, set_id)))
    quiz = page.frame_locator(FRAME)
    expect(quiz.get_by_role("button", name="Start")).to_be_visible()
    frame = quiz_frame(page)
    box = page.locator(FRAME).bounding_box()
    assert box is not None and box["width"] <= NARROW["width"]

    def expect_fits_narrow() -> None:
        expect_frame_fits(frame)
        expect_no_horizontal_scroll(frame)
        expect_dark_background(frame)

    expect_fits_narrow()
    frame, question = start_in_frame(page, live_server)
    expect_fits_narrow()
    submit_answer(quiz, question, pick(question, right=False))
    expect(quiz.locator("#feedback-heading")).to_be_focused()
    expect_fits_narrow()
    if last_page == "feedback":
        return

    # The results page, with its tables and their bars, once every question is answered.
    token = token_of(frame)
    later = attempt_question_ids(live_server, token)[1:]
    for turn, question_id in enumerate(later):
        question = classify_question(live_server, question_id)
        answer = pick(question, right=turn % 2 == 0, turn=turn)
        form = {"answer": answer, "reason": right_reason(question)}
        assert post_answer(page, live_server, token, question_id, form)
    frame.goto(f"{live_server.url}/a/{token}/results")
    expect(quiz.get_by_role("heading", level=1)).to_contain_text("Your results")
    expect_fits_narrow()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_scan_embedded_pages_with_axe_finds_no_violations(
    live_server: LiveServer,
    course_site: CourseSite,
    open_course_page: OpenCoursePage,
    scheme: str,
) -> None:
    set_id, _total = smallest_set_id(live_server)
    page = open_course_page(color_scheme=scheme)
    page.goto(course_site.add("/week-3", embed_code(live_server, set_id)))
    quiz = page.frame_locator(FRAME)
    expect(quiz.get_by_role("button", name="Start")).to_be_visible()
    results = Axe().run(quiz_frame(page))
    assert results.violations_count == 0, results.generate_report()

    frame, question = start_in_frame(page, live_server)
    results = Axe().run(frame)
    assert results.violations_count == 0, results.generate_report()

    submit_answer(quiz, question, pick(question, right=False))
    expect(quiz.locator("#feedback-heading")).to_be_focused()
    results = Axe().run(frame)
    assert results.violations_count == 0, results.generate_report()


def teacher_session(server: LiveServer) -> tuple[httpx2.Client, str]:
    """Return an HTTP client logged in as a new teacher, and its CSRF token."""
    assert server.app is not None
    teacher = make_teacher(server.app)
    with server.app.state.sessions() as session:
        token, csrf = store.teachers.create_session(session, teacher=teacher, hours=1)
    client = httpx2.Client(base_url=server.url, cookies={auth.SESSION_COOKIE: token})
    return client, csrf


def test_assignment_restricted_to_course_site_is_taken_there_and_refused_elsewhere(
    live_server: LiveServer, course_site: CourseSite, open_course_page: OpenCoursePage
) -> None:
    set_id, _total = smallest_set_id(live_server)
    teacher, csrf = teacher_session(live_server)
    other_site = CourseSite()
    try:
        _take_restricted_assignment(
            live_server, course_site, other_site, open_course_page, teacher, csrf, set_id
        )
    finally:
        other_site.stop()
        teacher.close()


def _take_restricted_assignment(
    live_server: LiveServer,
    course_site: CourseSite,
    other_site: CourseSite,
    open_course_page: OpenCoursePage,
    teacher: httpx2.Client,
    csrf: str,
    set_id: str,
) -> None:
    course_origin = f"http://localhost:{course_site.port}"
    form = assignment_form(
        title="Week 4: evidence", set_id=set_id, question_count="2", embed_origins=course_origin
    )
    made = teacher.post("/teacher/assignments", data={**form, "csrf_token": csrf})
    assert made.status_code == 303, made.text
    dashboard_path = made.headers["location"]
    dashboard = teacher.get(dashboard_path).text
    match = re.search(r'<textarea id="embed-code"[^>]*>(.*?)</textarea>', dashboard, re.S)
    assert match, "the assignment page has no embed code"
    snippet = html.unescape(match[1])
    assert f"Only pages on {course_origin} can show it." in html.unescape(dashboard)

    # What Chromium logs when the frame's CSP refuses a course page it does not list.
    refused = re.compile(
        r"violates the following Content Security Policy directive: "
        rf"\"frame-ancestors {re.escape(course_origin)}\""
    )
    refusals: list[str] = []
    page = open_course_page(expected_errors=refused)
    page.on("console", lambda m: refusals.append(m.text) if refused.search(m.text) else None)

    # The course page the teacher listed: the student joins and answers inside the frame.
    course_url = course_site.add("/week-4", snippet)
    page.goto(course_url)
    quiz = page.frame_locator(FRAME)
    expect(quiz.get_by_role("heading", level=1)).to_have_text("Week 4: evidence")
    frame = quiz_frame(page)
    assert frame.url.startswith(f"{live_server.url}/embed/j/")
    assert not cookie_sticks(frame), "third-party cookies must be blocked for this test"
    expect_frame_fits(frame)
    quiz.get_by_label("Your name").fill("Sam Frame")
    quiz.get_by_role("button", name="Start the quiz").click()
    question = shown_question(frame, live_server)
    frame.wait_for_load_state()
    expect_question(quiz, question, position=1, total=2)
    submit_answer(quiz, question, question.verdict)
    expect_feedback(quiz, question, question.verdict, position=1, total=2)
    expect_frame_fits(frame)
    assert page.url == course_url and refusals == []
    live = teacher.get(dashboard_path).text
    assert "Sam Frame" in live and "1/2" in live

    # A page on another course site (another origin), given the same snippet, is refused.
    page.goto(other_site.add("/elsewhere", snippet))
    frame = quiz_frame(page)
    try:
        frame.wait_for_url("chrome-error://**")
    except PlaywrightError as error:
        # The refusal can reach the waiter as the navigation's own error rather than as the
        # error page's address; either way the frame was refused for the reason checked below.
        assert "ERR_BLOCKED_BY_RESPONSE" in str(error), error
    assert "Week 4: evidence" not in frame.locator("body").inner_text()
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while not refusals and time.monotonic() < deadline:
        page.wait_for_timeout(50)  # the console event may trail the frame's error page
    assert len(refusals) == 1, refusals
