"""How the pages opened from an LMS know who is there: the LTI session a launch made, named by
the token in their URL (/lti/s/<token>/…), shared by the LMS dashboard and the link picker.

Security: an LMS frame may get no cookies (third-party cookie blocking), so these pages carry
their access in the URL: a random 256-bit token made at launch, of which the database keeps
only a hash. It reaches only its own resource link's assignment (or its own deep-linking
request), and its pages are never cached (no-store); forms carry a CSRF token as well.
"""

from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from quiz_app import db, store
from quiz_app.deps import FormDataDep, SessionDep, TemplatesDep
from quiz_app.lti.tables import LtiSession
from quiz_app.models import Assignment, Teacher
from quiz_app.security import check_csrf

EXPIRED = (
    "This page's access from your LMS has ended (it lasts a few hours) or its address is "
    "incomplete. Open the activity from your LMS again."
)


def lti_session(request: Request, token: str, session: SessionDep, form: FormDataDep) -> LtiSession:
    """Return the LTI session named in the URL; a POST must carry its CSRF token too."""
    row = store.lti.get_session(session, token=token)
    if row is None:
        raise HTTPException(401, EXPIRED)
    request.state.csrf_token = row.csrf_token
    check_csrf(request, form, row.csrf_token)
    db.end_transaction(session)  # its connection back to the pool: see deps.release_between
    return row


CurrentLti = Annotated[LtiSession, Depends(lti_session)]


def need_kind(row: LtiSession, kind: str) -> None:
    """Refuse a page that is not for what the launch opened (an instructor, a learner, a
    deep-linking request)."""
    if row.kind != kind:
        raise HTTPException(
            403, "This page is not part of what you opened from your LMS. Open it again there."
        )


def lti_token(request: Request) -> str:
    token: str = request.path_params["token"]
    return token


def with_token(request: Request, context: dict[str, Any]) -> dict[str, Any]:
    """Return a page's context with the token, which the page's links carry."""
    return {"lti_token": request.path_params.get("token"), **context}


def private(response: Response) -> Response:
    """Keep the page out of every cache: its address holds the access token."""
    response.headers["Cache-Control"] = "no-store"
    return response


def render(
    request: Request, templates: TemplatesDep, name: str, context: dict[str, Any], status: int = 200
) -> Response:
    """Render an LMS page: its links keep the token, and no cache keeps the page."""
    context = with_token(request, context)
    return private(templates.TemplateResponse(request, name, context, status_code=status))


def lti_teacher(session: Session, row: LtiSession) -> Teacher:
    return store.lti.teacher_for(session, user=row.lti_user)


def linked_assignment(row: LtiSession) -> Assignment | None:
    """Return the assignment the instructor's link opens, or None before one is chosen."""
    need_kind(row, "instructor")
    link = row.resource_link
    return link.assignment if link is not None else None
