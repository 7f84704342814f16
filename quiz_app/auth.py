"""Teacher accounts: password hashing and policy, session tokens and CSRF.

Pure functions and constants only; the queries live in store/teachers.py and the routes in
routes/teacher/account.py; failed logins are slowed down by quiz_app/rate_limits.py.
Nothing is hashed at import.
"""

import functools
import hashlib
import re
import secrets
import unicodedata

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

SESSION_COOKIE = "cc_session"
LOGIN_CSRF_COOKIE = "cc_login_csrf"  # double-submit token for the forms shown before login
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SESSION_TOKEN_BYTES = 32  # 256 random bits in the cookie; the database keeps only a hash

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256  # hashing a huge password would tie up the server
MIN_LOCAL_PART = 3  # shorter email local parts ("jo@…") are too common to forbid in passwords
MIN_DISTINCT = 5  # different characters a password needs: "aaaaaaaaaa" or "ababababab" is weak

# argon2id with argon2-cffi's defaults (RFC 9106 low-memory profile).
HASHER = PasswordHasher()

# Passwords people pick first; refused whatever their length.
COMMON_PASSWORDS = frozenset(
    {
        "1234567890",
        "12345678910",
        "0123456789",
        "1111111111",
        "0987654321",
        "1q2w3e4r5t",
        "qwertyuiop",
        "qwerty1234",
        "qwerty12345",
        "asdfghjkl1",
        "password12",
        "password123",
        "password1234",
        "passw0rd123",
        "iloveyou12",
        "letmein123",
        "welcome123",
        "football123",
        "baseball123",
        "princess123",
        "sunshine123",
        "abcdefghij",
        "abc1234567",
        "teacher123",
        "teacher1234",
        "school1234",
        "classroom1",
        "student123",
        "changeme123",
        "administrator",
        "claimcheck1",
        "claim-check",
        "claimcheck",
    }
)


def hash_password(password: str) -> str:
    return HASHER.hash(password)


@functools.cache
def _dummy_hash() -> str:
    """Return the hash verified against when the email is unknown, so a wrong email takes as
    long as a wrong password. Made on first use, not at import: hashing is the slow part."""
    return HASHER.hash(secrets.token_urlsafe(16))


def verify_password(password_hash: str | None, password: str) -> bool:
    """Return whether the password matches; an unknown account (None) costs the same time."""
    try:
        return HASHER.verify(password_hash or _dummy_hash(), password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return HASHER.check_needs_rehash(password_hash)


def normalize_email(email: str) -> str:
    return email.strip().lower()


EMAIL_PATTERN = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")


def email_problem(email: str) -> str | None:
    """Return why an email address is not acceptable, or None when it is."""
    if len(email) > 254 or not EMAIL_PATTERN.match(email):
        return "Enter an email address like name@school.org."
    return None


def password_problems(password: str, email: str) -> list[str]:
    """Return every way the password breaks the policy (empty when it is acceptable)."""
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(f"Use at least {MIN_PASSWORD_LENGTH} characters.")
    if len(password) > MAX_PASSWORD_LENGTH:
        problems.append(f"Use at most {MAX_PASSWORD_LENGTH} characters.")
    local = normalize_email(email).split("@", 1)[0]
    if len(local) >= MIN_LOCAL_PART and local in password.lower():
        problems.append("Do not put your email name in your password.")
    if password.lower() in COMMON_PASSWORDS:
        problems.append("This password is one of the most common ones; choose another.")
    if any(unicodedata.category(c) in ("Cc", "Cf") for c in password):
        problems.append(
            "Use only characters you can type: no control characters such as tabs or NUL."
        )
    elif len(set(password.casefold())) < MIN_DISTINCT:
        problems.append(
            f"Use at least {MIN_DISTINCT} different characters, not one or two repeated."
        )
    return problems


def generate_password() -> str:
    """Return a strong random password that meets the policy (for the admin command)."""
    return secrets.token_urlsafe(15)  # 20 characters, 120 random bits


def new_session_token() -> str:
    return secrets.token_urlsafe(SESSION_TOKEN_BYTES)


def token_hash(token: str) -> str:
    """Return the SHA-256 of a session token: what the database stores and looks up."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


def csrf_matches(expected: str | None, given: str | None) -> bool:
    """Compare CSRF tokens in constant time; a missing one never matches."""
    if not expected or not given:
        return False
    return secrets.compare_digest(expected.encode(), given.encode())
