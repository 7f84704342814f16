"""Password hashing costs nothing at import, and the unknown-email hash follows the hasher."""

import subprocess
import sys

from quiz_app import auth


def test_importing_auth_computes_no_password_hash() -> None:
    code = (
        "import argon2\n"
        "def refuse(*args, **kwargs):\n"
        "    raise SystemExit('a password was hashed at import')\n"
        "argon2.PasswordHasher.hash = refuse\n"
        "import quiz_app.auth, quiz_app.main\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_login_with_an_unknown_email_verifies_against_a_hash_of_the_current_hasher() -> None:
    auth._dummy_hash.cache_clear()
    assert auth.verify_password(None, "any password at all") is False
    # conftest's cheap hasher (memory 8 KiB, one pass) made it, so the tests stay fast.
    assert "$m=8,t=1,p=1$" in auth._dummy_hash()
    auth._dummy_hash.cache_clear()
