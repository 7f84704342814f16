"""An LMS student's attempts at the assignment their course's link opens: starting the next."""

from sqlalchemy.orm import Session

from quiz_app import store
from quiz_app.bank import lookup
from quiz_app.bank.catalog import Bank
from quiz_app.classroom import assignments, seeds
from quiz_app.lti.tables import LtiResourceLink, LtiUser
from quiz_app.models import Assignment


def start_next_attempt(
    session: Session,
    bank: Bank,
    user: LtiUser,
    assignment: Assignment,
    link: LtiResourceLink,
    number: int,
) -> str:
    """Start the LMS student's attempt number `number`; return its token."""
    seed = seeds.new_seed()
    verdicts = lookup.verdicts_of(session, bank, assignment.pool)
    # As for a student who joins with the code: check-in, practice, check-out, by seed.
    phases = assignments.phases_for_student(assignment, seed, verdicts)
    attempt = store.lti.start_attempt(
        session,
        user=user,
        assignment=assignment,
        link=link,
        number=number,
        question_ids=phases.all,
        seed=seed,
        check_in_count=len(phases.check_in),
        check_out_count=len(phases.check_out),
    )
    return attempt.token
