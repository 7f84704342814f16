"""The Deep Linking response: the instructor's choice, as a JWT signed with the tool's key,
holding one ltiResourceLink content item with its line item (the gradebook column)."""

import secrets
import time
from typing import Any

from sqlalchemy.orm import Session

from quiz_app.lti import keys, vocab
from quiz_app.lti.tables import LtiPlatform
from quiz_app.models import Assignment

RESPONSE_LIFETIME = 300  # seconds the platform has to accept the response
RESOURCE_LINK_TYPE = "ltiResourceLink"


def accepts_links(settings: dict[str, Any]) -> bool:
    """Return whether the platform accepts resource links here (deep_linking_settings)."""
    types = settings.get("accept_types")
    return not isinstance(types, list) or RESOURCE_LINK_TYPE in types


def content_item(
    assignment: Assignment, *, launch_url: str, grant: str, summary: str
) -> dict[str, Any]:
    """Return the resource link to the assignment, with its line item (score out of its
    number of questions) and the custom parameter that names it."""
    return {
        "type": RESOURCE_LINK_TYPE,
        "title": assignment.title,
        "text": summary,
        "url": launch_url,
        "custom": {vocab.LINK_PARAMETER: grant},
        "lineItem": {
            "scoreMaximum": assignment.question_count,
            "label": assignment.title,
            "resourceId": f"claim-check-assignment-{assignment.id}",
            "tag": "claim-check",
        },
    }


def response_jwt(
    session: Session,
    *,
    platform: LtiPlatform,
    deployment_id: str,
    settings: dict[str, Any],
    items: list[dict[str, Any]],
    message: str = "",
) -> str:
    """Return the signed LtiDeepLinkingResponse (an empty list of items cancels)."""
    issued = int(time.time())
    claims: dict[str, Any] = {
        "iss": platform.client_id,
        "aud": platform.issuer,
        "iat": issued,
        "exp": issued + RESPONSE_LIFETIME,
        "nonce": secrets.token_urlsafe(16),
        vocab.MESSAGE_TYPE: vocab.DEEP_LINKING_RESPONSE,
        vocab.VERSION: vocab.LTI_VERSION,
        vocab.DEPLOYMENT_ID: deployment_id,
        vocab.DL_CONTENT_ITEMS: items,
    }
    if "data" in settings:
        claims[vocab.DL_DATA] = settings["data"]
    if message:
        claims[vocab.DL_MSG] = message
    return keys.sign(session, claims)
