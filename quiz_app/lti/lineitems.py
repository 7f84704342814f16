"""A link's own line item (its gradebook column) when the launch named only the platform's
line-item container (`lineitems`, as for an LMS link made by hand): found there by the link's
resource link id, or made there, with the AGS line-item scope; then kept on the link.

A link could get two columns only if two app processes made its first one at the same moment.
"""

import json
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx2
from sqlalchemy.orm import Session

from quiz_app import store
from quiz_app.lti import platforms, services, vocab
from quiz_app.lti.services import SendFailure
from quiz_app.lti.tables import LtiResourceLink

MAX_PAGES = 5  # pages of the container read looking for the link's line item
TAG = "claim-check"  # the tag of the line items the tool makes
NO_SCOPE = (
    "The LMS gave this link no grade column (line item) and did not allow Claim Check to make "
    "one (the AGS line-item scope). In the LMS, turn on grading for the activity, or let the "
    "tool manage grade columns (Moodle: “grade sync and column management”; Canvas: the "
    "line-item scope of the developer key); launch it once as a teacher, then press Resend."
)


def _with_link(url: str, link: LtiResourceLink) -> str:
    """Return the container's address asking for the link's line items only."""
    parts = urlsplit(url)
    query = [*parse_qsl(parts.query), ("resource_link_id", link.resource_link_id)]
    return urlunsplit(parts._replace(query=urlencode(query)))


def _ok(response: httpx2.Response, what: str) -> Any:
    if response.status_code not in (200, 201):
        raise services.refusal(response, what)
    return services.json_body(response, what)


def _find(http: httpx2.Client, link: LtiResourceLink, token: str) -> str | None:
    """Return the address of the link's line item in the container, or None when it has none."""
    headers = {"Authorization": f"Bearer {token}", "Accept": vocab.LINEITEMS_MEDIA_TYPE}
    url: str | None = _with_link(link.lineitems_url, link)
    for _ in range(MAX_PAGES):
        if url is None:
            break
        what = "the list of grade columns"
        response = services.request(http, link.platform, what, "GET", url, headers=headers)
        items = _ok(response, what)
        for item in items if isinstance(items, list) else []:
            found = item.get("id") if isinstance(item, dict) else None
            if item.get("resourceLinkId") == link.resource_link_id and isinstance(found, str):
                return found
        url = response.links.get("next", {}).get("url")
    return None


def _create(http: httpx2.Client, link: LtiResourceLink, token: str, score_maximum: Any) -> str:
    """Make the link's line item in the container; return its address."""
    assignment = link.assignment
    body = {
        "label": link.title or (assignment.title if assignment else "") or "Claim Check",
        "scoreMaximum": score_maximum,
        "resourceLinkId": link.resource_link_id,
        "tag": TAG,
    }
    if assignment is not None:
        body["resourceId"] = f"claim-check-assignment-{assignment.id}"
    headers = {
        "Authorization": f"Bearer {token}",
        "Content-Type": vocab.LINEITEM_MEDIA_TYPE,
        "Accept": vocab.LINEITEM_MEDIA_TYPE,
    }
    what = "a new grade column"
    response = services.request(
        http,
        link.platform,
        what,
        "POST",
        link.lineitems_url,
        content=json.dumps(body),
        headers=headers,
    )
    made = _ok(response, what)
    if not isinstance(made, dict) or not isinstance(made.get("id"), str):
        raise SendFailure(f"The LMS's answer ({what}) has no line item id.{services.RETRIED}")
    return str(made["id"])


def lineitem_of(
    session: Session,
    http: httpx2.Client,
    link: LtiResourceLink,
    *,
    score_maximum: Any,
    now: datetime,
) -> str:
    """Return the address of the link's line item: the launch's, else the one found or made
    in its container (kept on the link from then on)."""
    if link.lineitem_url:
        return link.lineitem_url
    if vocab.LINEITEM_SCOPE not in link.ags_scopes:
        raise SendFailure(NO_SCOPE, permanent=True)
    platform = link.platform
    token = services.access_token(session, http, platform, scope=vocab.LINEITEM_SCOPE, now=now)
    url = _find(http, link, token) or _create(http, link, token, score_maximum)
    if problem := platforms.service_url_problem(platform, url):
        raise SendFailure(problem, permanent=True)
    store.lti.save_lineitem(session, link_id=link.id, url=url)
    return url
