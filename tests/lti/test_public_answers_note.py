"""An assignment that sends grades to an LMS and uses bundled questions tells its teacher that
those questions' answers are public, even with feedback straight after each answer; so does the
LMS's own page where the teacher picks what a link opens."""

import html

from fastapi import FastAPI

from quiz_app.models import Assignment
from tests.support.lti_platform import TEACHER, FakePlatform
from tests.support.lti_steps import browser, launch, set_up_link
from tests.support.teacher_factories import log_in_as

NOTE = "are public, with their answers, in Claim Check's open-source question bank"


def test_an_lms_graded_assignment_of_a_set_says_its_answers_are_public(
    app: FastAPI, platform: FakePlatform
) -> None:
    assignment_id = set_up_link(app, platform, grades=True)
    with app.state.sessions() as session:
        assignment = session.get(Assignment, assignment_id)
        assert assignment is not None and assignment.feedback_mode == "immediate"
        teacher, total = assignment.teacher, len(assignment.every_question)
    client = browser(app)
    log_in_as(app, client, teacher)
    page = html.unescape(client.get(f"/teacher/assignments/{assignment_id}").text)
    assert f"{total} of this assignment's {total} questions are bundled ones." in page
    assert "a student can look them up even though your LMS records a grade" in page
    assert NOTE in page


def test_the_lms_picker_says_the_sets_answers_are_public(
    app: FastAPI, platform: FakePlatform
) -> None:
    teacher = browser(app)
    picker = launch(teacher, platform, TEACHER, link_id="by-hand", grades=True)
    page = html.unescape(teacher.get(picker.headers["location"]).text)
    assert "The question sets are public, with their answers" in page
    assert "even though your LMS records a grade" in page
