"""The presenter: Run in class, the join code and counts, the spread, the second vote side by
side, the reveal and the class summary; only the assignment's teacher drives it."""

import csv
import html
import io

from fastapi import FastAPI
from sqlalchemy import select

from quiz_app.models import Answer, Attempt, ClassRun, Revote
from tests.support.class_room import CLAIMS, open_room
from tests.support.factories import HTMX
from tests.support.teacher_factories import row_count, teacher_client


def _text(response: object) -> str:
    return html.unescape(response.text)  # type: ignore[attr-defined]


def test_assignment_page_offers_run_in_class(app: FastAPI) -> None:
    room = open_room(app)
    page = room.teacher.get(f"/teacher/assignments/{room.assignment_id}").text
    assert "Run in class</button>" in page


def test_presenter_in_the_lobby_shows_the_join_code_and_how_many_joined(app: FastAPI) -> None:
    room = open_room(app)
    room.join("Sam")
    room.join("Ana")
    page = _text(room.teacher.get(room.presenter))
    assert f"{room.code[:3]}-{room.code[3:]}" in page
    assert "2 students joined" in page.replace("<strong>", "").replace("</strong>", "")
    assert "not counterbalanced" in page


def test_run_in_class_twice_keeps_one_run(app: FastAPI) -> None:
    room = open_room(app)
    room.teacher.post(room.presenter, data={"csrf_token": room.csrf})
    assert row_count(app, ClassRun) == 1


def test_presenter_while_answering_shows_how_many_answered_not_what(app: FastAPI) -> None:
    room = open_room(app)
    sam, sam_token = room.join("Sam")
    room.join("Ana")
    room.press("start")
    room.vote(sam, sam_token, "research")
    page = _text(room.teacher.get(room.presenter)).replace("<strong>", "").replace("</strong>", "")
    assert "1 of 2 answered" in page
    assert "Research</span>" not in page  # no chart yet
    assert app.state.bank.questions[CLAIMS[0]].explanation not in page


def test_spread_then_second_vote_then_reveal_shows_each_on_the_presenter(app: FastAPI) -> None:
    room = open_room(app)
    question = app.state.bank.questions[CLAIMS[0]]
    wrong = "research" if question.verdict != "research" else "hypothesis"
    students = [room.join(name) for name in ("Sam", "Ana", "Lee")]
    room.press("start")
    for browser, token in students:
        assert room.vote(browser, token, wrong).status_code == 303
    spread = _text(room.press("spread", **HTMX))
    assert "Answers (3)" in spread and "<strong>3</strong> (100%)" in spread
    assert question.explanation not in spread  # not yet which answer is right
    room.press("revote")
    for browser, token in students[:2]:
        assert room.vote(browser, token, question.verdict, again=True).status_code == 303
    room.press("compare")
    both = _text(room.teacher.get(room.presenter))
    assert "<strong>2</strong> of 2 who voted again changed their answer" in both
    assert question.explanation not in both
    revealed = _text(room.press("reveal", **HTMX))
    assert question.explanation in revealed
    assert "the evidence says" in revealed
    assert row_count(app, Answer) == 3 and row_count(app, Revote) == 2


def test_second_vote_leaves_the_scored_answer_as_it_was(app: FastAPI) -> None:
    room = open_room(app)
    question = app.state.bank.questions[CLAIMS[0]]
    wrong = "research" if question.verdict != "research" else "hypothesis"
    browser, token = room.join("Sam")
    room.press("start")
    room.vote(browser, token, wrong)
    room.press("spread")
    room.press("revote")
    room.vote(browser, token, question.verdict, again=True)
    with app.state.sessions() as session:
        answer = session.query(Answer).one()
        revote = session.get(Revote, answer.id)
        assert (answer.answer, answer.correct) == (wrong, False)
        assert revote is not None and (revote.answer, revote.correct) == (question.verdict, True)


def test_last_claim_ends_with_the_class_summary(app: FastAPI) -> None:
    room = open_room(app, CLAIMS[:1])
    browser, token = room.join("Sam")
    room.press("start")
    room.vote(browser, token, "research")
    room.press("spread")
    room.press("reveal")
    assert room.press("next").status_code == 409
    summary = _text(room.press("finish", **HTMX))
    assert "Class summary" in summary and "Concepts to revisit" in summary
    assert "over-trust" in summary


def test_press_from_a_stale_window_is_refused_with_what_to_press(app: FastAPI) -> None:
    room = open_room(app)
    room.press("start")
    stale = room.teacher.post(
        f"{room.presenter}/start", data={"csrf_token": room.csrf, "step": "lobby", "position": "0"}
    )
    assert stale.status_code == 409
    assert "Show the spread" in _text(stale)
    assert room.run().step == "answering"


def test_press_without_the_csrf_token_is_refused(app: FastAPI) -> None:
    room = open_room(app)
    response = room.teacher.post(f"{room.presenter}/start", data={"step": "lobby", "position": "0"})
    assert response.status_code == 403
    assert room.run().step == "lobby"


def test_another_teacher_cannot_open_or_drive_the_presenter(app: FastAPI) -> None:
    room = open_room(app)
    other, csrf, _ = teacher_client(app, "bob@school.org")
    assert other.get(room.presenter).status_code == 404
    data = {"csrf_token": csrf, "step": "lobby", "position": "0"}
    assert other.post(f"{room.presenter}/start", data=data).status_code == 404
    assert other.post(room.presenter, data={"csrf_token": csrf}).status_code == 404
    assert room.run().step == "lobby"


def test_presenter_poll_unchanged_answers_204(app: FastAPI) -> None:
    room = open_room(app)
    first = room.teacher.get(f"{room.presenter}/now", headers=HTMX)
    version = first.text.split('name="v" value="')[1].split('"')[0]
    same = room.teacher.get(f"{room.presenter}/now?v={version}", headers=HTMX)
    assert same.status_code == 204
    room.join("Sam")
    assert room.teacher.get(f"{room.presenter}/now?v={version}", headers=HTMX).status_code == 200


def test_answers_csv_carries_the_second_vote_beside_the_scored_answer(app: FastAPI) -> None:
    room = open_room(app)
    question = app.state.bank.questions[CLAIMS[0]]
    wrong = "research" if question.verdict != "research" else "hypothesis"
    sam, sam_token = room.join("Sam")
    ana, ana_token = room.join("Ana")
    room.press("start")
    room.vote(sam, sam_token, wrong)
    room.vote(ana, ana_token, wrong)
    room.press("spread")
    room.press("revote")
    room.vote(sam, sam_token, question.verdict, again=True)
    rows = list(
        csv.DictReader(
            io.StringIO(
                room.teacher.get(f"/teacher/assignments/{room.assignment_id}/answers.csv").text
            )
        )
    )
    by_name = {r["student"]: r for r in rows}
    assert by_name["Sam"]["answer"] == wrong and by_name["Sam"]["correct"] == "false"
    assert by_name["Sam"]["revote_answer"] == question.verdict
    assert by_name["Sam"]["revote_correct"] == "true"
    assert by_name["Ana"]["revote_answer"] == "" and by_name["Ana"]["revote_correct"] == ""


def test_assignment_page_and_student_page_show_the_second_votes_as_not_scored(
    app: FastAPI,
) -> None:
    room = open_room(app)
    question = app.state.bank.questions[CLAIMS[0]]
    wrong = "research" if question.verdict != "research" else "hypothesis"
    sam, sam_token = room.join("Sam")
    ana, ana_token = room.join("Ana")
    lea, lea_token = room.join("Lea")
    assignment_page = f"/teacher/assignments/{room.assignment_id}"
    assert "Second votes in class" not in room.teacher.get(assignment_page).text
    room.press("start")
    room.vote(sam, sam_token, wrong)
    room.vote(ana, ana_token, wrong)
    room.vote(lea, lea_token, question.verdict)
    room.press("spread")
    room.press("revote")
    room.vote(sam, sam_token, question.verdict, again=True)  # changed, now right
    room.vote(ana, ana_token, wrong, again=True)  # kept the wrong verdict
    page = html.unescape(room.teacher.get(assignment_page).text)
    table = page[page.index("Second votes in class") :]
    row = table[table.index(question.claim) :]
    row = row[: row.index("</tr>")]
    cells = [c.split("</td>")[0] for c in row.split("<td>")[1:]]
    assert cells[:4] == ["2", "1 of 2", "0 of 2", '1 of 2 <span class="muted">(+1)</span>']
    with app.state.sessions() as session:
        attempt_id = session.scalars(select(Attempt.id).where(Attempt.token == sam_token)).one()
    detail = html.unescape(room.teacher.get(f"{assignment_page}/attempts/{attempt_id}").text)
    label = {"research": "Research", "hypothesis": "Hypothesis", "unsupported": "Unsupported"}
    assert (
        f"Second vote in class, after the discussion (not scored): "
        f'<strong>{label[question.verdict]}</strong>, <span class="right-text">right</span>'
    ) in detail
