"""Names that look alike: typed in full-width letters or with combining accents they are the
same student (NFKC); a name that slips a Cyrillic letter among Latin ones is another student,
and the dashboard and the student's page flag it, so a teacher can tell the two apart."""

import html

from fastapi import FastAPI

from quiz_app.classroom.assignments import clean_name, looks_disguised
from quiz_app.models import Attempt
from tests.support.teacher_factories import (
    create_assignment,
    get_assignment,
    join,
    join_token,
    row_count,
    student_client,
    teacher_client,
)

FLAG = "mixes alphabets: may look like another student's name"


def test_clean_name_folds_full_width_letters_and_combining_accents() -> None:
    assert clean_name("Ｓａｍ　Ｌｅｅ") == "Sam Lee"
    assert clean_name("Jose\u0301") == "José"
    assert clean_name("ﬁona") == "fiona"
    assert clean_name("S\u0430m Lee") != "Sam Lee"  # a Cyrillic а stays what it is


def test_looks_disguised_flags_mixed_alphabets_only() -> None:
    assert looks_disguised("S\u0430m Lee")
    assert not looks_disguised("Sam Lee")
    assert not looks_disguised("José Núñez")
    assert not looks_disguised("Сэм")  # a name all in Cyrillic is just a name


def test_a_full_width_name_is_the_same_student_as_the_plain_one(app: FastAPI) -> None:
    teacher, csrf, _ = teacher_client(app)
    code = get_assignment(app, create_assignment(teacher, csrf)).join_code
    join_token(student_client(app), code, "Sam Lee")
    again = join(student_client(app), code, "Ｓａｍ Ｌｅｅ")
    assert again.status_code == 409  # one attempt allowed, and this is Sam again
    assert row_count(app, Attempt) == 1


def test_a_name_with_a_cyrillic_letter_is_flagged_on_the_dashboard(app: FastAPI) -> None:
    teacher, csrf, _ = teacher_client(app)
    assignment_id = create_assignment(teacher, csrf)
    code = get_assignment(app, assignment_id).join_code
    join_token(student_client(app), code, "Sam Lee")
    join_token(student_client(app), code, "S\u0430m Lee")
    page = teacher.get(f"/teacher/assignments/{assignment_id}").text
    assert page.count(FLAG) == 1
    flagged = page.split(FLAG)[0].rsplit('id="student-', 1)[1].split('"')[0]
    student_page = teacher.get(f"/teacher/assignments/{assignment_id}/attempts/{flagged}").text
    assert "This name mixes alphabets" in html.unescape(student_page)
    assert "S\u0430m Lee" in html.unescape(student_page)
