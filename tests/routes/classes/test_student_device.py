"""A student's device in class: the step the class is at after any refresh or late join, the
answer key only from the reveal on, answers stored even thirty at once, no way to advance."""

import html
import threading

from fastapi import FastAPI
from fastapi.testclient import TestClient

from quiz_app.models import Answer
from tests.support.class_room import CLAIMS, open_room
from tests.support.factories import HTMX
from tests.support.teacher_factories import join_token, row_count, student_client

STUDENTS_AT_ONCE = 30


def _page(browser: TestClient, token: str) -> str:
    return html.unescape(browser.get(f"/a/{token}/class").text)


def test_student_steps_through_one_claim_and_sees_the_key_only_after_the_reveal(
    app: FastAPI,
) -> None:
    room = open_room(app)
    question = app.state.bank.questions[CLAIMS[0]]
    browser, token = room.join("Sam")
    seen = [_page(browser, token)]
    assert "You're in" in seen[0]
    room.press("start")
    seen.append(_page(browser, token))
    assert question.claim in seen[-1] and "Check my answer" in seen[-1]
    answered = room.vote(browser, token, question.verdict, **HTMX)
    seen.append(html.unescape(answered.text))
    assert "Your answer is stored" in seen[-1] and "<html" not in seen[-1]
    room.press("spread")
    seen.append(_page(browser, token))
    room.press("revote")
    seen.append(_page(browser, token))
    assert "Vote again" in seen[-1]
    seen.append(html.unescape(room.vote(browser, token, question.verdict, again=True).text))
    seen.append(_page(browser, token))
    room.press("compare")
    seen.append(_page(browser, token))
    seen.append(html.unescape(browser.get(f"/a/{token}/class/now", headers=HTMX).text))
    for response in seen:  # Security: no key and no explanation before the reveal
        assert question.explanation not in response
        assert "the evidence says" not in response
    room.press("reveal")
    revealed = _page(browser, token)
    assert question.explanation in revealed
    assert "Your first vote was right" in revealed


def test_quiz_pages_send_a_student_in_class_to_the_class_page(app: FastAPI) -> None:
    room = open_room(app)
    browser, token = room.join("Sam")
    room.press("start")
    for path in (f"/a/{token}", f"/a/{token}/q/1", f"/a/{token}/results"):
        response = browser.get(path)
        assert response.status_code == 303
        assert response.headers["location"] == f"/a/{token}/class"
    for path in (f"/a/{token}/q/1", f"/a/{token}/practice", f"/a/{token}/submit"):
        posted = browser.post(path, data={"answer": "research"})
        assert posted.status_code == 303
        assert posted.headers["location"] == f"/a/{token}/class"
    assert row_count(app, Answer) == 0


def test_student_who_joins_after_the_reveal_waits_for_the_next_claim(app: FastAPI) -> None:
    room = open_room(app)
    browser, token = room.join("Sam")
    room.press("start")
    room.vote(browser, token, "research")
    room.press("spread")
    room.press("reveal")
    late, late_token = room.join("Lee")
    page = _page(late, late_token)
    assert "Wait for the next claim" in page
    assert app.state.bank.questions[CLAIMS[0]].explanation not in page
    room.press("next")
    page = _page(late, late_token)
    assert "Claim 2 of 3" in page and "Check my answer" in page


def test_refresh_after_answering_lands_on_answer_stored(app: FastAPI) -> None:
    room = open_room(app)
    browser, token = room.join("Sam")
    room.press("start")
    room.vote(browser, token, "research")
    assert "Your answer is stored" in _page(browser, token)
    assert row_count(app, Answer) == 1


def test_answer_after_the_class_moved_on_is_refused_and_not_stored(app: FastAPI) -> None:
    room = open_room(app)
    browser, token = room.join("Sam")
    room.press("start")
    room.press("spread")
    response = room.vote(browser, token, "research")
    assert response.status_code == 409
    assert "moved on" in response.text
    assert row_count(app, Answer) == 0


def test_student_cannot_press_the_presenter_buttons(app: FastAPI) -> None:
    room = open_room(app)
    browser, token = room.join("Sam")
    response = browser.post(
        f"{room.presenter}/start", data={"step": "lobby", "position": "0"}, headers=HTMX
    )
    assert response.status_code == 401
    assert room.run().step == "lobby"


def test_thirty_students_answering_at_once_are_all_stored(app: FastAPI) -> None:
    room = open_room(app)
    students = []
    for n in range(STUDENTS_AT_ONCE):
        browser = student_client(app)
        token = join_token(browser, room.code, f"Student {n}")
        browser.get(f"/a/{token}/class")
        students.append((browser, token))
    room.press("start")
    barrier = threading.Barrier(STUDENTS_AT_ONCE)
    codes: list[int] = []

    def answer(browser: TestClient, token: str) -> None:
        barrier.wait()
        codes.append(room.vote(browser, token, "research").status_code)

    threads = [threading.Thread(target=answer, args=pair) for pair in students]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert codes == [303] * STUDENTS_AT_ONCE
    assert row_count(app, Answer) == STUDENTS_AT_ONCE
    page = room.teacher.get(room.presenter).text
    assert f"<strong>{STUDENTS_AT_ONCE}</strong> of {STUDENTS_AT_ONCE} answered" in page


def test_finished_class_sends_the_student_to_their_results(app: FastAPI) -> None:
    room = open_room(app, CLAIMS[:1])
    browser, token = room.join("Sam")
    room.press("start")
    room.vote(browser, token, "research")
    room.press("spread")
    room.press("reveal")
    room.press("finish")
    assert "See your results" in _page(browser, token)
    assert browser.get(f"/a/{token}/results").status_code == 200


def test_answer_after_the_teacher_closed_the_assignment_is_refused(app: FastAPI) -> None:
    room = open_room(app)
    browser, token = room.join("Sam")
    room.press("start")
    closed = room.teacher.post(
        f"/teacher/assignments/{room.assignment_id}/close", data={"csrf_token": room.csrf}
    )
    assert closed.status_code == 303
    response = room.vote(browser, token, "research")
    assert response.status_code == 409
    assert "closed" in response.text
    assert row_count(app, Answer) == 0


def test_run_in_class_of_a_closed_assignment_says_to_reopen_it(app: FastAPI) -> None:
    room = open_room(app)
    room.teacher.post(
        f"/teacher/assignments/{room.assignment_id}/close", data={"csrf_token": room.csrf}
    )
    room.press("start")
    room.press("spread")
    room.press("reveal")
    room.press("finish")
    again = room.teacher.post(room.presenter, data={"csrf_token": room.csrf})
    assert again.status_code == 409
    assert "reopen it" in again.text
