"""While a class runs an assignment together, its students' own quiz pages lead to the class
page: a dependency of the quiz and practice routers."""

from fastapi import HTTPException, Request

from quiz_app import store
from quiz_app.deps import SessionDep
from quiz_app.store import class_runs
from quiz_app.templating import path_for

IN_CLASS = "Your class is doing this quiz together: follow it on the class page."


def not_in_class(request: Request, session: SessionDep) -> None:
    """Send a student whose class is running the quiz together to the class page (303).

    Security: the quiz pages show each answer's feedback at once, and the results and the
    practice round say what was missed, so the key of the claim the class is still discussing
    would reach the student before the reveal."""
    token = request.path_params.get("token")
    attempt = store.attempts.get_attempt(session, token=token) if token else None
    if attempt is None or attempt.assignment_id is None:
        return
    if class_runs.active_run(session, assignment_id=attempt.assignment_id) is not None:
        url = path_for(request, "show_class_step", token=attempt.token)
        raise HTTPException(303, IN_CLASS, headers={"Location": url})
