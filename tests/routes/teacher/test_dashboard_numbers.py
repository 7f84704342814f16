"""The dashboard's numbers of issue 11: each student's reasons, confidence and change, the
class's mean change, KR-20 per form, concepts missed and what to teach next, each question's
reasons, confidence, facility and discrimination; each with its meaning, and each saying how
many answers it needs until it has them. The class answers through the student routes; the
expected values are worked out here from the answers the test gave (the statistics' own
arithmetic is unit-tested in tests/learning/test_item_stats.py)."""

import html
import re

from fastapi import FastAPI
from fastapi.testclient import TestClient

from quiz_app.learning import item_stats, scoring
from quiz_app.learning.percentages import whole_percent
from tests.support.dashboard_class import RIGHT, before_after_class, wrong_reason_on_right_verdict
from tests.support.factories import HTMX, answer, wrong_reason
from tests.support.teacher_factories import (
    create_assignment,
    get_assignment,
    join_token,
    teacher_client,
)


def _text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


def _cells(row_html: str) -> list[str]:
    return [_text(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row_html, re.S)]


def _table(page: str, table_class: str) -> tuple[list[str], dict[str, list[str]]]:
    """Return a table's column headings and its rows by their first cell."""
    table = re.search(rf'<table class="data {table_class}">(.*?)</table>', page, re.S)
    assert table, f"no {table_class} table"
    rows = [_cells(r) for r in re.findall(r"<tr>(.*?)</tr>", table[1], re.S)]
    return rows[0], {r[0]: r for r in rows[1:]}


def _column(page: str, table_class: str, first: str, heading: str) -> str:
    headings, rows = _table(page, table_class)
    return rows[first][headings.index(heading)]


def _by_id(page: str, element_id: str) -> str:
    found = re.search(rf'<(\w+)[^>]* id="{element_id}"[^>]*>(.*?)</\1>', page, re.S)
    assert found, f"no #{element_id}"
    return _text(found[2])


def _points(fraction: float) -> str:
    value = whole_percent(fraction)
    return f"+{value} points" if value > 0 else f"−{-value} points" if value < 0 else "0 points"


def test_dashboard_shows_each_students_reasons_confidence_and_change(app: FastAPI) -> None:
    teacher, assignment_id, _picked_questions = before_after_class(app, 20)
    page = teacher.get(f"/teacher/assignments/{assignment_id}").text
    for n in (0, 1, 7, 14):
        rights = [RIGHT[i](n) for i in range(6)]
        wrong_reasons = sum(r and wrong_reason_on_right_verdict(n, i) for i, r in enumerate(rights))
        reasons = sum(rights) - wrong_reasons

        def cell(heading: str, n: int = n) -> str:
            return _column(page, "roster", f"S{n:02d}", heading)

        assert cell("Right reason") == f"{reasons} of 6 ({whole_percent(reasons / 6)}%)"
        assert (
            cell("Right for the wrong reason") == f"{wrong_reasons} of {sum(rights)} right verdicts"
        )
        stated = sum(0.95 if r else 0.5 for r in rights) / 6
        label = scoring.calibration_label(stated - sum(rights) / 6)
        assert cell("Confidence") == label.capitalize()
        change = (sum(rights[4:]) - sum(rights[:2])) / 2
        assert cell("Check-in → check-out") == _points(change)
    assert "How often the student picked the reason that decides the verdict." in html.unescape(
        page
    )
    assert 'id="roster-meanings" hx-preserve="true"' in page


def test_dashboard_shows_the_class_change_kr20_concepts_and_teach_next(app: FastAPI) -> None:
    teacher, assignment_id, picked = before_after_class(app, 20)
    page = teacher.get(f"/teacher/assignments/{assignment_id}").text
    changes = [
        (sum(RIGHT[i](n) for i in (4, 5)) - sum(RIGHT[i](n) for i in (0, 1))) / 2 for n in range(20)
    ]
    expected = item_stats.mean_change(changes)
    assert expected is not None
    assert _by_id(page, "class-change") == expected.words
    for form, items in (("A", (0, 1)), ("B", (4, 5))):
        value = item_stats.kr20([[RIGHT[i](n) for i in items] for n in range(20)])
        assert value is not None
        assert _by_id(page, f"kr20-{form}") == f"Form {form}: {value:.2f}"
    text = html.unescape(page)
    for key in ("mean_change", "kr20", "concepts_missed", "class_trust"):
        assert item_stats.MEANINGS[key] in text
    # The concepts most missed, and what to teach next: worked out from the answers given.
    wrong = {q.id: (20, sum(not RIGHT[i](n) for n in range(20))) for i, q in enumerate(picked)}
    missed = item_stats.concepts_missed({q.id: q.concepts for q in picked}, wrong)
    teach = item_stats.teach_next(missed, {q.id for q in picked})
    assert len(teach) == 2
    concepts = app.state.bank.concepts
    claims = {q.id: q.claim for q in picked}
    for index, (miss, qid) in enumerate(teach, start=1):
        line = _by_id(page, f"teach-next-{index}")
        name = concepts[miss.concept].name
        assert line.startswith(f"{name}: missed in {miss.percent}% of {miss.answered} answers.")
        assert " ".join(claims[qid].split()) in line
    first = _by_id(page, f"concept-{missed[0].concept}")
    assert first.startswith(f"{concepts[missed[0].concept].name}: {missed[0].missed} of ")


def test_dashboard_shows_each_questions_reasons_confidence_and_item_statistics(
    app: FastAPI,
) -> None:
    teacher, assignment_id, picked = before_after_class(app, 20)
    page = teacher.get(f"/teacher/assignments/{assignment_id}").text
    concepts = app.state.bank.concepts
    headings, rows = _table(page, "questions")
    totals = [sum(RIGHT[i](n) for i in range(6)) for n in range(20)]
    for i, q in enumerate(picked):
        row = dict(zip(headings, rows[" ".join(q.claim.split())], strict=True))
        right = [RIGHT[i](n) for n in range(20)]
        reasons = sum(r and not wrong_reason_on_right_verdict(n, i) for n, r in enumerate(right))
        assert row["Right reason"] == f"{whole_percent(reasons / 20)}% ({reasons}/20)"
        assert row["Most common wrong reason"] == (
            f"{concepts[wrong_reason(q)].name} ({20 - reasons})"
        )
        assert row["Confidence when right"] == ("95%" if any(right) else "–")
        assert row["Confidence when wrong"] == ("50%" if not all(right) else "–")
        assert row["Facility"] == f"{sum(right) / 20:.2f}"
        rest = [(totals[n] - right[n]) / 5 for n in range(20)]
        r = item_stats.point_biserial(right, rest)
        assert r is not None
        sign = "+" if r > 0 else "−" if r < 0 else ""
        assert row["Discrimination"] == f"{sign}{abs(r):.2f}"
    text = html.unescape(page)
    for key in ("facility", "reason_percent", "confidence", "discrimination"):
        assert item_stats.MEANINGS[key] in text


def test_dashboard_says_what_each_number_needs_until_there_are_enough_answers(
    app: FastAPI,
) -> None:
    teacher, assignment_id, picked = before_after_class(app, 3)
    page = teacher.get(f"/teacher/assignments/{assignment_id}").text
    text = _text(page)
    headings, rows = _table(page, "questions")
    for i, q in enumerate(picked):
        row = rows[" ".join(q.claim.split())]
        right = sum(RIGHT[i](n) for n in range(3))
        assert row[2] == f"{whole_percent(right / 3)}% ({right}/3)"  # shown from the first
        assert row[4:] == [f"Needs at least {item_stats.MIN_ITEM_ANSWERS} answers (3 so far)"]
        assert "Facility" in headings
    assert _by_id(page, "class-change") == (
        f"Needs at least {item_stats.MIN_CHANGE_STUDENTS} students who finished both the "
        "check-in and the check-out (3 so far)."
    )
    for form in ("A", "B"):
        assert _by_id(page, f"kr20-{form}") == (
            f"Form {form}: Needs at least {item_stats.MIN_KR20_STUDENTS} students "
            "who answered all of it"
        )
    assert "What to teach next" in text
    # Each student answered 6: enough for their own profile, so it shows.
    assert _column(page, "roster", "S00", "Confidence") != ""


def test_dashboard_of_a_few_answers_hides_each_students_profile_and_the_item_numbers(
    app: FastAPI,
) -> None:
    teacher, csrf, _ = teacher_client(app)
    assignment_id = create_assignment(teacher, csrf, source="ids", ids=["legal-03"], shuffle=None)
    code = get_assignment(app, assignment_id).join_code
    student = TestClient(app, follow_redirects=False)
    token = join_token(student, code, "Ana")
    answer(student, token, "legal-03", "research", confidence="certain")
    page = teacher.get(f"/teacher/assignments/{assignment_id}").text
    need = f"Needs at least {scoring.MIN_ANSWERS} answers"
    assert _column(page, "roster", "Ana", "Right reason") == need
    assert _column(page, "roster", "Ana", "Right for the wrong reason") == need
    assert _column(page, "roster", "Ana", "Confidence") == f"{need} with a confidence"
    headings, _rows = _table(page, "roster")
    assert "Check-in → check-out" not in headings  # no check forms in this assignment
    assert 'id="class-change"' not in page and 'id="kr20-A"' not in page
    assert _by_id(page, "teach-next").startswith("What to teach next Needs at least")
    fragment = teacher.get(f"/teacher/assignments/{assignment_id}", headers=HTMX).text
    for element_id in ("roster-meanings-summary", "questions-meanings-summary"):
        assert f'id="{element_id}"' in page and f'id="{element_id}"' in fragment
