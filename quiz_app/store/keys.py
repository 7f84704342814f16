"""The tool's signing keys (lti_keys), as keyword-only functions over a session. Making and
using a key is lti/keys.py."""

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from quiz_app.lti.tables import LtiKey


def signing_key(session: Session) -> LtiKey | None:
    """Return the newest unretired key: the one that signs now."""
    return session.scalar(
        select(LtiKey).where(LtiKey.retire_at.is_(None)).order_by(LtiKey.id.desc()).limit(1)
    )


def add_key(session: Session, *, key: LtiKey) -> LtiKey:
    session.add(key)
    session.commit()
    return key


def replace_keys(session: Session, *, key: LtiKey, retire_at: datetime) -> list[LtiKey]:
    """Store a new signing key; the unretired keys it replaces stay published until
    `retire_at`. Returns the replaced keys."""
    old = list(session.scalars(select(LtiKey).where(LtiKey.retire_at.is_(None))))
    for replaced in old:
        replaced.retire_at = retire_at
    session.add(key)
    session.commit()
    return old


def published_keys(session: Session, *, now: datetime) -> list[LtiKey]:
    """Return the keys in the JWKS: the current ones and replaced ones before their cut-off."""
    return list(
        session.scalars(
            select(LtiKey)
            .where(or_(LtiKey.retire_at.is_(None), LtiKey.retire_at > now))
            .order_by(LtiKey.id.desc())
        )
    )
