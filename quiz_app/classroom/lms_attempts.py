"""An LMS student's attempts at the assignment their course's link opens: starting the next."""

from sqlalchemy.orm import Session

from quiz_app import store
from quiz_app.classroom import assignments, seeds
from quiz_app.lti.tables import LtiResourceLink, LtiUser
from quiz_app.models import Assignment


def start_next_attempt(
    session: Session, user: LtiUser, assignment: Assignment, link: LtiResourceLink, number: int
) -> str:
    """Start the LMS student's attempt number `number`; return its token."""
    seed = seeds.new_seed()
    attempt = store.lti.start_attempt(
        session,
        user=user,
        assignment=assignment,
        link=link,
        number=number,
        question_ids=assignments.questions_for_student(assignment, seed),
        seed=seed,
    )
    return attempt.token
