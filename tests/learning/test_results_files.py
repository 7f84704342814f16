"""The results files of a class (several students, every kind, both check forms) against the
hand-kept data dictionary docs/datapackage.json, validated with the frictionless package."""

import csv
import io
import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from frictionless import Package

from quiz_app.bank.catalog import Bank, load_bank
from quiz_app.bank.items import ClassifyQuestion
from quiz_app.learning import class_report, results_files
from quiz_app.models import Answer, Assignment, Attempt
from quiz_app.paths import bundled
from tests.support.learning_bank import write_learning_bank

NOW = datetime(2026, 3, 14, 9, 0, tzinfo=UTC)
DICTIONARY = bundled("docs") / "datapackage.json"


@pytest.fixture(scope="module")
def bank(tmp_path_factory: pytest.TempPathFactory) -> Bank:
    return load_bank(write_learning_bank(tmp_path_factory.mktemp("bank")))


def _answer(bank: Bank, qid: str, i: int, good: bool) -> Answer:
    q = bank.questions[qid]
    when = NOW + timedelta(seconds=15 * (i + 1))
    if isinstance(q, ClassifyQuestion):
        verdict = (
            q.verdict if good else next(v for v in ("research", "unsupported") if v != q.verdict)
        )
        reason = sorted(
            q.right_reasons if good or i % 2 else set(q.reason_options) - q.right_reasons
        )[0]
        return Answer(question_id=qid, answer=verdict, correct=good, reason=reason,
                      reason_correct=reason in q.right_reasons, confidence="fairly-sure",
                      created_at=when)  # fmt: skip
    option = q.correct_option if good else next(o for o in q.options if not o.correct)
    return Answer(question_id=qid, answer=option.id, correct=good, created_at=when)


def _class(bank: Bank) -> tuple[Assignment, class_report.ClassReport]:
    qset = bank.sets["check-set"]
    assignment = Assignment(id=7, title="=Before and after", join_code="ABCD2345")
    attempts = []
    for n in range(6):
        phases = bank.phases(qset, seed=n)
        attempt = Attempt(id=n + 1, token=f"token-{n}", seed=n, question_ids=phases.all,
                          check_in_count=len(phases.check_in),
                          check_out_count=len(phases.check_out), created_at=NOW,
                          assignment_id=7, student_name=f"Student {n % 5}")  # fmt: skip
        # Each student gets better as they go; the last one stops before the check-out.
        given = phases.all if n < 5 else phases.all[:4]
        attempt.answers = [
            _answer(bank, q, i, (i + n) % 3 != 0 or i > 8) for i, q in enumerate(given)
        ]
        attempts.append(attempt)
    report = class_report.class_report(attempts, bank.questions, qset.check_in)
    return assignment, report


def _write(root: Path, bank: Bank, *, names: bool = True) -> Path:
    assignment, report = _class(bank)
    if not names:
        report = results_files.hide_names(report)
    q = bank.questions
    files = {
        "answers.csv": results_files.answers_csv(assignment, report, q),
        "students.csv": results_files.students_csv(assignment, report),
        "items.csv": results_files.items_csv(assignment, report, q),
    }
    for name, body in files.items():
        (root / f"assignment-1-{name}").write_bytes(body.encode())
    shutil.copy(DICTIONARY, root / "datapackage.json")
    return root / "datapackage.json"


@pytest.mark.parametrize("names", [True, False])
def test_every_results_file_matches_the_data_dictionary(
    bank: Bank, tmp_path: Path, names: bool
) -> None:
    report = Package(str(_write(tmp_path, bank, names=names))).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_the_dictionary_lists_every_column_in_order() -> None:
    resources = {r["name"]: r for r in json.loads(DICTIONARY.read_text())["resources"]}
    for name, columns in (
        ("answers", results_files.ANSWER_COLUMNS),
        ("students", results_files.STUDENT_COLUMNS),
        ("items", results_files.ITEM_COLUMNS),
    ):
        fields = resources[name]["schema"]["fields"]
        assert [f["name"] for f in fields] == list(columns)
        assert all(f["description"] for f in fields)


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_answers_say_phase_form_reason_and_time(bank: Bank) -> None:
    assignment, report = _class(bank)
    rows = _rows(results_files.answers_csv(assignment, report, bank.questions))
    first = [r for r in rows if r["attempt_id"] == "1"]
    assert [r["phase"] for r in first[:6]] == ["check-in"] * 6
    assert first[6]["phase"] == "practice" and first[-1]["phase"] == "check-out"
    assert {r["form"] for r in first[:6]} == {"A"}  # seed 0 takes the check_in list first
    assert {r["form"] for r in rows if r["attempt_id"] == "2"} >= {"B"}
    assert {r["kind"] for r in first} == {"classify", "best-evidence", "fix-claim"}
    assert all(r["seconds_since_previous"] == "15" for r in first)
    options = next(r for r in first if r["kind"] == "fix-claim")
    assert (options["reason"], options["reason_correct"], options["confidence"]) == ("", "", "")


def test_names_off_gives_each_student_one_stable_pseudonym(bank: Bank) -> None:
    _assignment, report = _class(bank)
    hidden = results_files.hide_names(report)
    names = [s.name for s in hidden.students]
    assert all(n.startswith("s-") and len(n) == 14 for n in names)
    assert names[0] == names[5] != names[1]  # attempts 1 and 6 are both "Student 0"
    assert names == [s.name for s in results_files.hide_names(_class(bank)[1]).students]
    assert not any("Student" in n for n in names)


def test_students_and_json_carry_the_change_and_the_class_numbers(bank: Bank) -> None:
    assignment, report = _class(bank)
    students = _rows(results_files.students_csv(assignment, report))
    assert students[0]["change_points"] != "" and students[5]["change_points"] == ""
    document = json.loads(results_files.results_json(assignment, report, bank.questions))
    whole = document["class"]
    assert whole["change_students"] == 5  # attempt 6, a second attempt, is not finished
    change = whole["mean_change"]
    assert change["students"] == 5 and change["low"] <= change["points"] <= change["high"]
    assert change["words"].startswith("On average the class changed by about")
    assert document["students"][0]["answers"][0]["reason_correct"] in (True, False)
    assert set(document["questions"][0]) >= {"facility", "discrimination", "form_kr20"}


def _form_class(bank: Bank, students: int) -> class_report.ClassReport:
    """Students who answer both forms: on each, right on the first (n mod 7) of its questions
    in id order, the others wrong."""
    qset = bank.sets["check-set"]
    attempts = []
    for n in range(students):
        phases = bank.phases(qset, seed=n)
        attempt = Attempt(id=n + 1, token=f"t{n}", seed=n, question_ids=phases.all,
                          check_in_count=6, check_out_count=6, created_at=NOW,
                          assignment_id=7, student_name=f"S{n}")  # fmt: skip
        forms = (sorted(phases.check_in), sorted(phases.check_out))
        attempt.answers = [
            _answer(bank, qid, i, i < n % 7) for ids in forms for i, qid in enumerate(ids)
        ]
        attempts.append(attempt)
    return class_report.class_report(attempts, bank.questions, qset.check_in)


def test_kr20_per_form_shows_from_twenty_students(bank: Bank) -> None:
    from quiz_app.learning import item_stats

    assert _form_class(bank, item_stats.MIN_KR20_STUDENTS - 1).kr20 == {"A": None, "B": None}
    report = _form_class(bank, item_stats.MIN_KR20_STUDENTS)
    # Both forms: totals 0–5 three times each and 6 twice: mean 2.85, σ² = 237/20 − 2.85² =
    # 3.7275; shares right .85 .70 .55 .40 .25 .10, Σpq = 1.1025; 6/5 × (1 − 1.1025/3.7275).
    assert report.kr20 == {
        "A": pytest.approx(0.8451, abs=1e-4),
        "B": pytest.approx(0.8451, abs=1e-4),
    }
