"""The dashboard of an assignment, each student's answers, and the CSV and JSON exports."""

import csv
import html
import io
import json
import re

from fastapi import FastAPI
from fastapi.testclient import TestClient

from quiz_app.bank.vocabulary import VERDICTS
from quiz_app.config import Settings
from quiz_app.learning import class_report, results_files
from quiz_app.main import create_app
from quiz_app.models import Answer, Attempt
from tests.support.factories import HTMX, answer, question, question_ids, wrong_verdict
from tests.support.teacher_factories import (
    create_assignment,
    get_assignment,
    join_token,
    teacher_client,
)

PICKED = ["legal-03", "definition-01", "risks-02"]


def _class(app: FastAPI) -> tuple[TestClient, str, int, dict[str, str]]:
    """A teacher with a 3-question assignment (no shuffle) and two students who answered:
    Ana got all right; Ben answered two, wrongly, as research."""
    teacher, csrf, _ = teacher_client(app)
    assignment_id = create_assignment(teacher, csrf, source="ids", ids=PICKED, shuffle=None)
    code = get_assignment(app, assignment_id).join_code
    tokens = {}
    for name in ("Ana", "Ben"):
        student = TestClient(app, follow_redirects=False)
        tokens[name] = token = join_token(student, code, name)
        for qid in PICKED if name == "Ana" else PICKED[:2]:
            verdict = question(app, qid).verdict if name == "Ana" else "research"
            if name == "Ben" and question(app, qid).verdict == "research":
                verdict = wrong_verdict(question(app, qid))
            answer(student, token, qid, verdict)
    return teacher, csrf, assignment_id, tokens


def _cells(row_html: str) -> list[str]:
    return [
        html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
        for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row_html, re.S)
    ]


def _row(page: str, first_cell: str) -> list[str]:
    for row in re.findall(r"<tr>(.*?)</tr>", page, re.S):
        cells = _cells(row)
        if cells and cells[0].startswith(first_cell):
            return cells
    raise AssertionError(f"no row starting {first_cell!r}")


def test_dashboard_shows_roster_with_progress_score_and_links(app: FastAPI) -> None:
    teacher, _csrf, assignment_id, _tokens = _class(app)
    page = teacher.get(f"/teacher/assignments/{assignment_id}").text
    assert "2 started, 1 finished, 5 answers." in page  # the status line above the roster
    ana, ben = _row(page, "Ana"), _row(page, "Ben")
    assert ana[1:3] == ["3/3", "3 of 3 (100%)"]
    assert ben[1:3] == ["2/3", "0 of 2 (0%)"]
    assert ben[9] == "working" and ana[9] != "working"
    with app.state.sessions() as session:
        ids = {a.student_name: a.id for a in session.query(Attempt)}
    assert f'href="/teacher/assignments/{assignment_id}/attempts/{ids["Ben"]}"' in page


def _counts(right: int, total: int) -> str:
    return f"{right} of {total}" if total else "–"


def test_dashboard_shows_over_trust_and_over_doubt_per_student(app: FastAPI) -> None:
    teacher, _csrf, assignment_id, _tokens = _class(app)
    page = teacher.get(f"/teacher/assignments/{assignment_id}").text
    assert '<th scope="col">Weak claims taken as research</th>' in page
    assert '<th scope="col">Research doubted</th>' in page
    verdicts = [question(app, qid).verdict for qid in PICKED]
    weak, research = sum(v != "research" for v in verdicts), verdicts.count("research")
    ana, ben = _row(page, "Ana"), _row(page, "Ben")
    assert ana[6:8] == [_counts(0, weak), _counts(0, research)]
    # Ben answered the first two: every weak claim as research, every research claim doubted.
    ben_weak = sum(v != "research" for v in verdicts[:2])
    ben_research = verdicts[:2].count("research")
    assert ben[6:8] == [_counts(ben_weak, ben_weak), _counts(ben_research, ben_research)]


def test_dashboard_shows_per_question_percent_and_most_common_wrong(app: FastAPI) -> None:
    teacher, _csrf, assignment_id, _tokens = _class(app)
    page = teacher.get(f"/teacher/assignments/{assignment_id}").text
    for qid in PICKED:
        q = question(app, qid)
        cells = _row(page, q.claim[:40])
        answered = 2 if qid in PICKED[:2] else 1
        correct = 1
        assert cells[2] == f"{round(100 * correct / answered)}% ({correct}/{answered})"
        if answered == 2:
            ben = "research" if q.verdict != "research" else wrong_verdict(q)
            assert cells[3] == f"{ben.capitalize()} (1)"
        else:
            assert cells[3] == "–"


def test_dashboard_confusion_table_counts_truth_against_answers(app: FastAPI) -> None:
    teacher, _csrf, assignment_id, _tokens = _class(app)
    page = teacher.get(f"/teacher/assignments/{assignment_id}").text
    expected = {truth: {answered: 0 for answered in VERDICTS} for truth in VERDICTS}
    for qid in PICKED:
        truth = question(app, qid).verdict
        expected[truth][truth] += 1  # Ana
    for qid in PICKED[:2]:
        q = question(app, qid)
        ben = "research" if q.verdict != "research" else wrong_verdict(q)
        expected[q.verdict][ben] += 1
    table = page[page.index('class="data confusion"') :]
    for truth, row in expected.items():
        cells = _row(table, truth.capitalize())
        right = " (right)"  # said to screen readers on the diagonal
        assert cells[1:] == [str(row[a]) + (right if a == truth else "") for a in VERDICTS]


def _version(page: str) -> str:
    found = re.search(
        r"hx-vals='\{&#34;v&#34;: &#34;([^&]+)&#34;\}'|hx-vals='\{\"v\": \"([^\"]+)\"\}'", page
    )
    assert found, "the live region carries the version it shows"
    return found.group(1) or found.group(2)


def test_dashboard_live_fragment_polls_itself_and_has_no_page(app: FastAPI) -> None:
    teacher, _csrf, assignment_id, _tokens = _class(app)
    page = teacher.get(f"/teacher/assignments/{assignment_id}").text
    url = f"/teacher/assignments/{assignment_id}"
    assert f'<div id="live" class="live" hx-get="{url}" hx-trigger="every 3s"' in page
    assert f'<a id="live-refresh" href="{url}">Refresh</a>' in page
    assert '<p id="live-summary" class="live-summary" role="status"' in page
    fragment = teacher.get(url, headers=HTMX)
    assert fragment.status_code == 200
    assert "<html" not in fragment.text
    # The polite one-line summary (swapped into the page's own status line), then the region.
    assert fragment.text.lstrip().startswith('<p id="live-summary"')
    assert 'hx-swap-oob="innerHTML"' in fragment.text
    assert "2 started, 1 finished, 5 answers." in fragment.text
    assert '<div id="live"' in fragment.text
    assert 'hx-trigger="every 3s"' in fragment.text
    assert "HX-Request" in fragment.headers["vary"]


def test_dashboard_poll_of_an_unchanged_class_is_204_and_a_new_answer_swaps(
    app: FastAPI,
) -> None:
    teacher, _csrf, assignment_id, tokens = _class(app)
    url = f"/teacher/assignments/{assignment_id}"
    version = _version(teacher.get(url).text)
    same = teacher.get(url, params={"v": version}, headers=HTMX)
    assert same.status_code == 204 and same.text == ""
    # Without htmx, the version is ignored: the page is always there.
    assert teacher.get(url, params={"v": version}).status_code == 200
    student = TestClient(app, follow_redirects=False, cookies={})
    answer(student, tokens["Ben"], PICKED[2], "research")
    changed = teacher.get(url, params={"v": version}, headers=HTMX)
    assert changed.status_code == 200
    assert _row(changed.text, "Ben")[1] == "3/3"
    assert _version(changed.text) != version


def test_dashboard_focusable_elements_keep_their_ids_across_polls(app: FastAPI) -> None:
    """htmx puts focus back on the element with the focused one's id after a swap."""
    teacher, _csrf, assignment_id, _tokens = _class(app)
    url = f"/teacher/assignments/{assignment_id}"
    first = teacher.get(url, headers=HTMX).text
    again = teacher.get(url, headers=HTMX).text
    with app.state.sessions() as session:
        ids = [a.id for a in session.query(Attempt)]
    for element_id in [*(f"student-{i}" for i in ids), "roster-region", "questions-region"]:
        assert f'id="{element_id}"' in first and f'id="{element_id}"' in again
    for region in ("roster-region", "confusion-region", "questions-region"):
        tag = re.search(rf'<div class="table-wrap" id="{region}"[^>]*>', first)
        assert tag and 'role="region"' in tag[0] and 'tabindex="0"' in tag[0]
        assert "aria-labelledby=" in tag[0]


def test_dashboard_shows_class_over_trust_and_over_doubt(app: FastAPI) -> None:
    teacher, _csrf, assignment_id, _tokens = _class(app)
    page = html.unescape(teacher.get(f"/teacher/assignments/{assignment_id}").text)
    verdicts = [question(app, qid).verdict for qid in PICKED]
    weak = sum(v != "research" for v in verdicts) + sum(v != "research" for v in verdicts[:2])
    research = verdicts.count("research") + verdicts[:2].count("research")
    ben_weak = sum(v != "research" for v in verdicts[:2])
    ben_research = verdicts[:2].count("research")
    trust = re.sub(r"<[^>]+>", "", re.search(r'<li id="class-over-trust">(.*?)</li>', page)[1])
    doubt = re.sub(r"<[^>]+>", "", re.search(r'<li id="class-over-doubt">(.*?)</li>', page)[1])
    if weak:
        assert trust.startswith(f"{ben_weak} of {weak} (")
    if research:
        assert doubt.startswith(f"{ben_research} of {research} (")
    assert "The class" in page and "A lean is named once" in page


def test_dashboard_fragment_picks_up_new_answers(app: FastAPI) -> None:
    teacher, _csrf, assignment_id, _tokens = _class(app)
    code = get_assignment(app, assignment_id).join_code
    student = TestClient(app, follow_redirects=False)
    token = join_token(student, code, "Cleo")
    assert (
        _row(teacher.get(f"/teacher/assignments/{assignment_id}", headers=HTMX).text, "Cleo")[1]
        == "0/3"
    )
    answer(student, token, PICKED[0], "hypothesis")
    fragment = teacher.get(f"/teacher/assignments/{assignment_id}", headers=HTMX).text
    assert _row(fragment, "Cleo")[1] == "1/3"


def test_student_answers_page_shows_what_they_saw(app: FastAPI) -> None:
    teacher, _csrf, assignment_id, _tokens = _class(app)
    with app.state.sessions() as session:
        ben = session.query(Attempt).filter_by(student_name="Ben").one()
    page = teacher.get(f"/teacher/assignments/{assignment_id}/attempts/{ben.id}")
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert "Ben's answers" in text
    for qid in PICKED[:2]:
        assert question(app, qid).explanation in text
    assert question(app, PICKED[2]).explanation not in text
    assert "Not answered." in text


def test_student_answers_of_another_assignment_is_404(app: FastAPI) -> None:
    teacher, csrf, assignment_id, _tokens = _class(app)
    other = create_assignment(teacher, csrf)
    with app.state.sessions() as session:
        ana = session.query(Attempt).filter_by(student_name="Ana").one()
    response = teacher.get(f"/teacher/assignments/{other}/attempts/{ana.id}")
    assert response.status_code == 404
    assert "This assignment has no such student attempt." in response.text
    assert "Ana" not in response.text


def test_names_are_escaped_on_dashboard_and_answers_page(app: FastAPI) -> None:
    teacher, csrf, _ = teacher_client(app)
    assignment_id = create_assignment(teacher, csrf)
    code = get_assignment(app, assignment_id).join_code
    evil = '<img src=x onerror="alert(1)">'
    join_token(TestClient(app, follow_redirects=False), code, evil)
    page = teacher.get(f"/teacher/assignments/{assignment_id}").text
    assert evil not in page
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in page
    with app.state.sessions() as session:
        attempt_id = session.query(Attempt).one().id
    detail = teacher.get(f"/teacher/assignments/{assignment_id}/attempts/{attempt_id}").text
    assert evil not in detail


def _csv(response_text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response_text)))


def test_answers_csv_has_one_row_per_answer_with_documented_columns(app: FastAPI) -> None:
    teacher, _csrf, assignment_id, _tokens = _class(app)
    response = teacher.get(f"/teacher/assignments/{assignment_id}/answers.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    assert response.text.splitlines()[0] == ",".join(results_files.ANSWER_COLUMNS)
    rows = _csv(response.text)
    with app.state.sessions() as session:
        assert len(rows) == session.query(Answer).count() == 5
    ben = [r for r in rows if r["student"] == "Ben"]
    assert [r["question_id"] for r in ben] == PICKED[:2]
    assert [r["question_position"] for r in ben] == ["1", "2"]
    assert all(r["correct"] == "false" for r in ben)
    assert ben[0]["correct_verdict"] == question(app, PICKED[0]).verdict
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", ben[0]["answered_at"])


def test_students_csv_has_one_row_per_student(app: FastAPI) -> None:
    teacher, _csrf, assignment_id, _tokens = _class(app)
    response = teacher.get(f"/teacher/assignments/{assignment_id}/students.csv")
    assert response.text.splitlines()[0] == ",".join(results_files.STUDENT_COLUMNS)
    rows = {r["student"]: r for r in _csv(response.text)}
    assert set(rows) == {"Ana", "Ben"}
    assert (rows["Ana"]["answered"], rows["Ana"]["correct"], rows["Ana"]["percent"]) == (
        "3",
        "3",
        "100",
    )
    assert rows["Ana"]["finished_at"] != "" and rows["Ben"]["finished_at"] == ""
    assert rows["Ben"]["questions"] == "3"


def test_results_json_holds_assignment_questions_students_and_confusion(app: FastAPI) -> None:
    teacher, _csrf, assignment_id, _tokens = _class(app)
    response = teacher.get(f"/teacher/assignments/{assignment_id}/results.json")
    assert response.headers["content-type"].startswith("application/json")
    data = json.loads(response.text)
    assert data["assignment"]["id"] == assignment_id
    assert [q["question_id"] for q in data["questions"]] == PICKED
    students = {s["student"]: s for s in data["students"]}
    assert students["Ana"]["percent"] == 100
    assert [a["question_id"] for a in students["Ben"]["answers"]] == PICKED[:2]
    assert students["Ben"]["answers"][0]["correct"] is False
    assert sum(sum(row.values()) for row in data["confusion"].values()) == 5


def test_csv_cells_that_start_a_formula_are_quoted(app: FastAPI) -> None:
    teacher, csrf, _ = teacher_client(app)
    assignment_id = create_assignment(teacher, csrf, title="=HYPERLINK(1) quiz")
    code = get_assignment(app, assignment_id).join_code
    for name in ("=1+2", "+SUM(A1)", "-3", "@cmd"):
        student = TestClient(app, follow_redirects=False)
        token = join_token(student, code, name)
        answer(student, token, question_ids(app, student, token)[0], "research")
    for export in ("answers.csv", "students.csv"):
        rows = _csv(teacher.get(f"/teacher/assignments/{assignment_id}/{export}").text)
        assert {r["student"] for r in rows} == {"'=1+2", "'+SUM(A1)", "'-3", "'@cmd"}
        assert {r["assignment_title"] for r in rows} == {"'=HYPERLINK(1) quiz"}


def test_safe_cell_guards_every_formula_start_and_leaves_text_alone() -> None:
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert results_files.safe_cell(f"{start}x") == f"'{start}x"
    assert results_files.safe_cell("Sam") == "Sam"
    assert results_files.safe_cell(-3) == -3


def test_most_common_wrong_breaks_ties_in_verdict_order() -> None:
    row = class_report.QuestionRow("q", None)
    row.wrong.update({"unsupported": 2, "research": 2, "hypothesis": 1})
    assert row.most_common_wrong == ("research", 2)
    assert class_report.QuestionRow("q", None).most_common_wrong is None


def test_results_and_login_survive_a_server_restart(settings: Settings) -> None:
    first = create_app(settings)
    teacher, _csrf, assignment_id, _tokens = _class(first)
    first.state.engine.dispose()
    restarted = create_app(settings)
    with TestClient(restarted, follow_redirects=False, cookies=teacher.cookies) as again:
        page = again.get(f"/teacher/assignments/{assignment_id}").text
    restarted.state.engine.dispose()
    assert _row(page, "Ana")[1:3] == ["3/3", "3 of 3 (100%)"]
    assert _row(page, "Ben")[1] == "2/3"
