"""The tool's signing keys: RSA 2048, made on first use, stored in the database, rotated by the
admin, and published as a JWKS so platforms can check what the tool signs (deep-linking
responses, client-credentials assertions).

Security: the private keys live in the database as unencrypted PEM, like the rest of the app's
secrets; whoever can read the database could sign as the tool. Back it up accordingly.
"""

import base64
import hashlib
import json
from datetime import datetime, timedelta
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from sqlalchemy.orm import Session

from quiz_app import store
from quiz_app.lti.tables import LtiKey
from quiz_app.models import utcnow

KEY_BITS = 2048
PUBLIC_EXPONENT = 65537
ALGORITHM = "RS256"  # the only algorithm LTI 1.3 allows
DEFAULT_KEEP_OLD_DAYS = 7  # how long a replaced key stays published, by default


def _public_jwk(private_key_pem: str) -> dict[str, Any]:
    private_key = serialization.load_pem_private_key(private_key_pem.encode(), password=None)
    assert isinstance(private_key, rsa.RSAPrivateKey)
    jwk: dict[str, Any] = json.loads(RSAAlgorithm.to_jwk(private_key.public_key()))
    return {"kty": "RSA", "n": jwk["n"], "e": jwk["e"]}


def thumbprint(jwk: dict[str, Any]) -> str:
    """Return the RFC 7638 thumbprint of an RSA public JWK: the key's id (kid)."""
    canonical = json.dumps({k: jwk[k] for k in ("e", "kty", "n")}, separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def new_key() -> LtiKey:
    """Return a fresh key (not yet stored)."""
    private_key = rsa.generate_private_key(public_exponent=PUBLIC_EXPONENT, key_size=KEY_BITS)
    pem = private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return LtiKey(kid=thumbprint(_public_jwk(pem)), private_key_pem=pem)


def current_key(session: Session) -> LtiKey:
    """Return the key that signs now, making the first one on first use."""
    key = store.keys.signing_key(session)
    if key is None:
        # Two processes may both make a first key; both are published, the newest signs.
        key = store.keys.add_key(session, key=new_key())
    return key


def rotate(
    session: Session, *, keep_old_days: int = DEFAULT_KEEP_OLD_DAYS, now: datetime | None = None
) -> tuple[LtiKey, list[LtiKey]]:
    """Make a new signing key; the keys it replaces stay published for keep_old_days.

    Returns the new key and the replaced ones."""
    now = now or utcnow()
    key = new_key()
    key.created_at = now
    old = store.keys.replace_keys(session, key=key, retire_at=now + timedelta(days=keep_old_days))
    return key, old


def jwks(session: Session, *, now: datetime | None = None) -> dict[str, Any]:
    """Return the tool's public JWKS (public parts only), making the first key if need be."""
    current_key(session)
    keys = [
        {**_public_jwk(key.private_key_pem), "alg": ALGORITHM, "use": "sig", "kid": key.kid}
        for key in store.keys.published_keys(session, now=now or utcnow())
    ]
    return {"keys": keys}


def sign(session: Session, claims: dict[str, Any]) -> str:
    """Return claims as a JWT signed with the current key, its kid in the header."""
    key = current_key(session)
    return jwt.encode(
        claims, key.private_key_pem, algorithm=ALGORITHM, headers={"kid": key.kid, "typ": "JWT"}
    )
