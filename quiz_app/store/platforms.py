"""The platforms (LMS registrations) the admin registered, their deployments, their public keys
as last fetched, and the access tokens they issued, as keyword-only functions over a session.
The rules (what a registration must hold, when keys are refetched, when a token is renewed) are
in lti/platforms.py and lti/ags.py."""

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from quiz_app.lti.tables import LtiAccessToken, LtiDeployment, LtiPlatform


def save_platform(
    session: Session,
    *,
    platform: LtiPlatform | None,
    issuer: str,
    client_id: str,
    deployment_ids: list[str],
    service_hosts: list[str],
    **fields: str,
) -> LtiPlatform:
    """Store a new platform (platform None) or update the given one: its fields are replaced,
    its cached keys dropped and new deployment ids and service hosts added."""
    if platform is None:
        platform = LtiPlatform(issuer=issuer, client_id=client_id, service_hosts=[])
        session.add(platform)
    for name, value in fields.items():
        setattr(platform, name, value)
    platform.service_hosts = list(dict.fromkeys([*(platform.service_hosts or []), *service_hosts]))
    platform.jwks = platform.jwks_fetched_at = platform.jwks_expires_at = None
    known = {d.deployment_id for d in platform.deployments}
    for deployment_id in dict.fromkeys(deployment_ids):
        if deployment_id not in known:
            platform.deployments.append(LtiDeployment(deployment_id=deployment_id))
    session.commit()
    return platform


def list_platforms(session: Session) -> list[LtiPlatform]:
    return list(
        session.scalars(
            select(LtiPlatform)
            .options(selectinload(LtiPlatform.deployments))
            .order_by(LtiPlatform.issuer, LtiPlatform.client_id)
        )
    )


def get_platform(session: Session, *, issuer: str, client_id: str) -> LtiPlatform | None:
    return session.scalar(
        select(LtiPlatform)
        .options(selectinload(LtiPlatform.deployments))
        .where(LtiPlatform.issuer == issuer, LtiPlatform.client_id == client_id)
    )


def get_platform_by_id(session: Session, *, platform_id: int) -> LtiPlatform | None:
    return session.get(LtiPlatform, platform_id)


def platforms_of_issuer(session: Session, *, issuer: str) -> list[LtiPlatform]:
    return list(
        session.scalars(
            select(LtiPlatform)
            .options(selectinload(LtiPlatform.deployments))
            .where(LtiPlatform.issuer == issuer)
        )
    )


def save_jwks(
    session: Session,
    *,
    platform: LtiPlatform,
    keys: dict[str, Any],
    now: datetime,
    expires: datetime,
) -> None:
    """Store the platform's public keys as fetched now, until `expires`."""
    platform.jwks = keys
    platform.jwks_fetched_at = now
    platform.jwks_expires_at = expires
    session.commit()


# --- access tokens ----------------------------------------------------------------------


def cached_access_token(session: Session, *, platform_id: int, scope: str) -> LtiAccessToken | None:
    """Return the platform's cached token for the scope, read afresh (another process may
    have renewed it), and end the read: no transaction stays open while the LMS is asked."""
    row = session.get(LtiAccessToken, (platform_id, scope), populate_existing=True)
    session.commit()
    return row


def save_access_token(
    session: Session, *, platform_id: int, scope: str, token: str, expires: datetime
) -> None:
    """Store the platform's token for the scope, replacing the cached one."""
    for _ in range(2):  # another process may store the first token at the same moment
        row = session.get(LtiAccessToken, (platform_id, scope), populate_existing=True)
        if row is None:
            session.add(
                LtiAccessToken(
                    platform_id=platform_id,
                    scope=scope,
                    access_token=token,
                    expires_at=expires,
                    failures=0,
                )
            )
        else:
            row.access_token, row.expires_at, row.failures = token, expires, 0
        try:
            session.commit()
            return
        except IntegrityError:
            session.rollback()


def count_token_failure(
    session: Session,
    *,
    platform_id: int,
    scope: str,
    token: str,
    failed: bool,
    limit: int,
) -> None:
    """Count one more failed post with the cached token (dropping it at `limit` in a row), or
    reset the count after a success; a token another process renewed meanwhile is left alone."""
    mine = (
        LtiAccessToken.platform_id == platform_id,
        LtiAccessToken.scope == scope,
        LtiAccessToken.access_token == token,
    )
    if not failed:
        session.execute(
            update(LtiAccessToken).where(*mine, LtiAccessToken.failures > 0).values(failures=0)
        )
    else:
        session.execute(
            update(LtiAccessToken).where(*mine).values(failures=LtiAccessToken.failures + 1)
        )
        session.execute(delete(LtiAccessToken).where(*mine, LtiAccessToken.failures >= limit))
    session.commit()
