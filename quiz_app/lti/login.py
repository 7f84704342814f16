"""The first step of a launch: the platform's OIDC third-party login initiation. It stores a
state and a nonce in the database (an LMS frame may lose cookies, and any app process may
receive the launch) and sends the browser to the platform's authentication URL; launch.py
checks what the platform posts back."""

import secrets
from collections.abc import Mapping
from datetime import datetime
from urllib.parse import urlencode

from sqlalchemy.orm import Session

from quiz_app import store
from quiz_app.inputs import url_parts
from quiz_app.lti import platforms
from quiz_app.lti.launch import STATE_LIFETIME, LaunchError, unknown_deployment
from quiz_app.lti.tables import LtiLaunchState, LtiPlatform


def _platform_for_login(session: Session, issuer: str, client_id: str) -> LtiPlatform:
    candidates = store.platforms.platforms_of_issuer(session, issuer=issuer)
    if not candidates:
        raise LaunchError(
            400,
            f"No LMS with the issuer “{issuer}” is registered with Claim Check. The admin "
            "registers it with `quiz-app lti add-platform --issuer …` (see the LMS guide).",
        )
    if client_id:
        for platform in candidates:
            if platform.client_id == client_id:
                return platform
        raise LaunchError(
            400,
            f"The client id “{client_id}” is not registered for the LMS “{issuer}”. Check the "
            "client id the LMS shows for Claim Check against `quiz-app lti list-platforms`.",
        )
    if len(candidates) > 1:
        raise LaunchError(
            400,
            f"Several registrations of the LMS “{issuer}” exist, and its login request did not "
            "say which (no client_id). Configure the LMS to send the client id.",
        )
    return candidates[0]


def begin_login(
    session: Session,
    *,
    params: Mapping[str, str],
    launch_url: str,
    tool_host: str,
    now: datetime,
) -> tuple[str, LtiLaunchState]:
    """Answer an OIDC login initiation: store a state and nonce, and return the URL of the
    platform's authentication request (and the stored state)."""
    missing = [p for p in ("iss", "login_hint", "target_link_uri") if not params.get(p)]
    if missing:
        raise LaunchError(
            400,
            "The LMS's login request lacks " + ", ".join(f"“{p}”" for p in missing) + ". "
            "Start the activity from the LMS again; if this keeps happening, the LMS is not "
            "set up for LTI 1.3.",
        )
    platform = _platform_for_login(session, params["iss"], params.get("client_id", ""))
    deployment_id = params.get("lti_deployment_id", "")
    if deployment_id and not platforms.has_deployment(platform, deployment_id):
        raise LaunchError(403, unknown_deployment(platform, deployment_id))
    target = params["target_link_uri"]
    parts = url_parts(target)
    if parts is None or parts.netloc.lower() != tool_host.lower():
        raise LaunchError(
            400,
            f"The LMS asked to open “{target}”, which is not an address of this Claim Check "
            f"server ({tool_host}). Check the tool's URLs in the LMS (quiz-app lti show-config).",
        )
    row = store.lti.save_launch_state(
        session,
        state=secrets.token_urlsafe(32),
        nonce=secrets.token_urlsafe(32),
        platform=platform,
        target_link_uri=target,
        now=now,
        expires=now + STATE_LIFETIME,
    )
    query = {
        "scope": "openid",
        "response_type": "id_token",
        "response_mode": "form_post",
        "prompt": "none",
        "client_id": platform.client_id,
        "redirect_uri": launch_url,
        "login_hint": params["login_hint"],
        "state": row.state,
        "nonce": row.nonce,
    }
    if params.get("lti_message_hint"):
        query["lti_message_hint"] = params["lti_message_hint"]
    separator = "&" if "?" in platform.auth_url else "?"
    return f"{platform.auth_url}{separator}{urlencode(query)}", row
