"""The assignment form as typed (AssignmentInput) and its checks (parse_form), without HTTP."""

import io

from starlette.datastructures import FormData, UploadFile

from quiz_app.bank.catalog import load_bank
from quiz_app.classroom.assignment_form import (
    AssignmentInput,
    draws_on_public_answers,
    parse_form,
    public_question_count,
)
from quiz_app.paths import bundled


def test_assignment_input_from_form_reads_lists_and_ignores_files() -> None:
    upload = UploadFile(file=io.BytesIO(b"x"), filename="x.txt")
    form = FormData(
        [("title", "Week 3"), ("themes", "dose"), ("themes", "micro"), ("set_id", upload)]
    )
    typed = AssignmentInput.from_form(form)
    assert (typed.title, typed.themes, typed.set_id, typed.shuffle) == (
        "Week 3",
        ["dose", "micro"],
        "",
        False,
    )
    assert AssignmentInput.from_form({"ids": ["a", 3], "shuffle": "on"}).model_dump()["ids"] == [
        "a"
    ]
    assert AssignmentInput.from_form({"shuffle": "on"}).shuffle


def test_parse_form_reports_every_field_problem_at_once() -> None:
    bank = load_bank(bundled("questions"))
    form = {"title": "x", "source": "filter", "kinds": ["essay"], "attempts_allowed": "0"}
    form |= {
        "opens_at": "2026-03-14 10:00",
        "closes_at": "2026-03-14 09:00",
        "timezone": "Mars/Olympus",
    }
    parsed = parse_form(form, bank, {})
    assert parsed.problems == {
        "title": ["give a title of 3 to 120 characters"],
        "feedback_mode": ["choose when students see feedback"],
        "identity": ["choose names or nicknames"],
        "attempts_allowed": ["enter a number from 1 to 10"],
        "timezone": ["enter a time zone like Europe/London or America/New_York"],
        "closes_at": ["the closing time must be after the opening time"],
        "source": ["unknown filter values: ['essay']"],
    }


def test_parse_form_settings_only_leaves_the_questions_alone() -> None:
    bank = load_bank(bundled("questions"))
    form = {"title": "Week 3", "feedback_mode": "immediate", "identity": "name", "source": "?"}
    parsed = parse_form(form, bank, {}, settings_only=True)
    assert parsed.problems == {}
    assert "pool" not in parsed.fields and parsed.fields["attempts_allowed"] == 1


def test_draws_on_public_answers_is_false_only_for_the_teachers_own_picks() -> None:
    bank = load_bank(bundled("questions"))
    assert draws_on_public_answers({"source": "set", "set_id": "micro-not-safe"}, bank)
    assert draws_on_public_answers({"source": "filter", "themes": ["legal"]}, bank)
    assert draws_on_public_answers({"source": "ids", "ids": ["t1.mine", "legal-01"]}, bank)
    assert not draws_on_public_answers({"source": "ids", "ids": ["t1.mine", "t1.other"]}, bank)


def test_public_question_count_counts_each_bundled_question_once() -> None:
    bank = load_bank(bundled("questions"))
    assert public_question_count(["legal-01", "t1.mine", "legal-01"], bank) == 1
    assert public_question_count([], bank) == 0
