"""The LTI 1.3 protocol endpoints: OIDC login initiation, the launch, the tool's public keys,
and a Canvas configuration; the launch sends each person where they belong.

Every page here may be framed by the LMS (frame_ancestors). The launch pages are cross-site
POSTs by design: the state, the nonce and the platform's signature protect them, not a cookie.
"""

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from quiz_app import store
from quiz_app.classroom import assignments, students
from quiz_app.classroom.lms_attempts import start_next_attempt
from quiz_app.deps import FormDataDep, SessionDep, TemplatesDep
from quiz_app.links import public_base, tool_urls
from quiz_app.lti import keys, vocab
from quiz_app.lti.launch import (
    STATE_LIFETIME,
    Launch,
    LaunchError,
    complete_launch,
    state_cookie_name,
)
from quiz_app.lti.login import begin_login
from quiz_app.lti.tables import LtiResourceLink, LtiUser
from quiz_app.models import utcnow
from quiz_app.security import allow_framing
from quiz_app.templating import path_for

router = APIRouter(prefix="/lti", dependencies=[Depends(allow_framing)])

JWKS_MAX_AGE = 300  # seconds platforms may cache our JWKS (a rotated key shows up soon)


def _is_https(request: Request) -> bool:
    return public_base(request).startswith("https://")


def error_page(
    request: Request, templates: TemplatesDep, status: int, message: str, title: str = ""
) -> Response:
    context = {"status": status, "message": message, "title": title}
    return templates.TemplateResponse(request, "lti/error.html", context, status_code=status)


def _strings(form: Any, request: Request) -> dict[str, str]:
    values = {k: v for k, v in request.query_params.items()}
    values.update({k: v for k, v in form.items() if isinstance(v, str)})
    return values


@router.api_route("/login", methods=["GET", "POST"])
def start_login(
    request: Request, session: SessionDep, templates: TemplatesDep, form: FormDataDep
) -> Response:
    """OIDC third-party login initiation: send the browser to the platform's login."""
    urls = tool_urls(request)
    try:
        url, state = begin_login(
            session,
            params=_strings(form, request),
            launch_url=urls["launch"],
            tool_host=urls["domain"],
            now=utcnow(),
        )
    except LaunchError as exc:
        return error_page(request, templates, exc.status, exc.message)
    response = RedirectResponse(url, status_code=302)
    https = _is_https(request)
    # An extra check where the browser keeps it (launch.py); the launch works without it.
    response.set_cookie(
        state_cookie_name(state.state),
        state.state,
        max_age=int(STATE_LIFETIME.total_seconds()),
        httponly=True,
        secure=https,
        samesite="none" if https else "lax",
        path="/lti",
    )
    return response


@router.post("/launch")
def launch_tool(
    request: Request,
    session: SessionDep,
    templates: TemplatesDep,
    form: FormDataDep,
) -> Response:
    """The platform's authentication response: validate it, then land the person."""
    try:
        launch = complete_launch(
            session,
            request.app.state.lti_http,
            form=_strings(form, request),
            cookies=request.cookies,
            now=utcnow(),
        )
    except LaunchError as exc:
        return error_page(request, templates, exc.status, exc.message)
    response = _land(request, session, templates, launch)
    state = form.get("state")
    if isinstance(state, str):
        response.delete_cookie(state_cookie_name(state), path="/lti")
    return response


def _land(request: Request, session: Session, templates: TemplatesDep, launch: Launch) -> Response:
    """Store who launched and from where, and send them on (the launch was accepted)."""
    user = store.lti.save_user(session, launch=launch)
    platform = launch.platform
    if launch.message_type == vocab.DEEP_LINKING_REQUEST:  # an instructor's (launch.py)
        store.lti.teacher_for(session, user=user)
        settings = launch.deep_linking
        token = store.lti.open_session(
            session,
            kind="deep_link",
            user=user,
            platform=platform,
            deep_link={
                "return_url": settings["deep_link_return_url"],
                "data": settings.get("data"),
                "has_data": "data" in settings,
                "deployment_id": launch.deployment_id,
                "context_title": str(launch.context.get("title") or ""),
            },
        )
        return RedirectResponse(path_for(request, "show_lti_picker", token=token), 303)
    link = store.lti.save_resource_link(session, launch=launch)
    if link.assignment_id is None:
        granted = store.lti.assignment_of_grant(session, platform=platform, custom=launch.custom)
        if granted is not None:
            store.lti.link_assignment(session, link=link, assignment=granted)
    if launch.instructor:
        store.lti.teacher_for(session, user=user)
        token = store.lti.open_session(
            session, kind="instructor", user=user, platform=platform, link=link
        )
        name = "show_lti_dashboard" if link.assignment_id else "show_lti_link_picker"
        return RedirectResponse(path_for(request, name, token=token), 303)
    return _land_learner(request, session, templates, user, link)


def _land_learner(
    request: Request,
    session: Session,
    templates: TemplatesDep,
    user: LtiUser,
    link: LtiResourceLink,
) -> Response:
    """A student lands in their own attempt: the unfinished one, or a first one."""
    assignment = link.assignment
    if assignment is None:
        return error_page(
            request,
            templates,
            409,
            "Your teacher has not chosen the questions for this activity yet. Try again later, "
            "or tell your teacher.",
            title="Not ready yet",
        )
    latest = store.lti.latest_attempt(session, user=user, assignment=assignment)
    limits = students.lms_limits(session, assignment, user)
    blocked = assignments.unavailable(
        assignment, utcnow(), noun="activity", closes_at=limits.closes_at
    )
    if latest is not None:
        finished = store.attempts.is_complete(session, attempt=latest.attempt)
        if finished and latest.number < limits.attempts and not blocked:
            token = store.lti.open_session(
                session, kind="learner", user=user, platform=link.platform, link=link
            )
            return RedirectResponse(path_for(request, "show_lti_attempts", token=token), 303)
        url = path_for(request, "resume_attempt", token=latest.attempt.token)
        return RedirectResponse(url, 303)
    if blocked:
        return error_page(request, templates, 403, blocked, title="Not open now")
    token = start_next_attempt(session, request.app.state.bank, user, assignment, link, 1)
    return RedirectResponse(path_for(request, "resume_attempt", token=token), 303)


@router.get("/jwks.json")
def show_jwks(session: SessionDep) -> Response:
    """The tool's public keys, for platforms to check what it signs."""
    return JSONResponse(
        keys.jwks(session), headers={"Cache-Control": f"public, max-age={JWKS_MAX_AGE}"}
    )


@router.get("/canvas.json")
def show_canvas_config(request: Request) -> Response:
    """The tool's configuration in Canvas's developer-key JSON format (Enter URL / Paste JSON)."""
    urls = tool_urls(request)
    placements = [
        {
            "placement": placement,
            "message_type": vocab.DEEP_LINKING_REQUEST,
            "target_link_uri": urls["launch"],
            "text": "Claim Check",
        }
        for placement in ("link_selection", "assignment_selection")
    ]
    return JSONResponse(
        {
            "title": "Claim Check",
            "description": "Students tell research from hypothesis from unsupported claims, "
            "and are told why at once. Grades go back to the gradebook.",
            "oidc_initiation_url": urls["login"],
            "target_link_uri": urls["launch"],
            "public_jwk_url": urls["jwks"],
            "scopes": [vocab.SCORE_SCOPE, vocab.LINEITEM_SCOPE],
            "extensions": [
                {
                    "domain": urls["domain"].split(":")[0],
                    "platform": "canvas.instructure.com",
                    "privacy_level": "name_only",
                    "settings": {"text": "Claim Check", "placements": placements},
                }
            ],
            "custom_fields": {},
        }
    )
