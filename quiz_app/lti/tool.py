"""The tool's own addresses, which an LMS admin types into the LMS."""

from urllib.parse import urlsplit

from quiz_app.lti import vocab

PATHS = {
    "login": "/lti/login",  # OIDC login initiation
    "launch": "/lti/launch",  # launch / redirect URL (target link URI)
    "deep_link": "/lti/launch",  # deep linking arrives at the launch URL too
    "jwks": "/lti/jwks.json",
    "canvas": "/lti/canvas.json",
}
LABELS = {
    "login": "Login initiation URL (OIDC login)",
    "launch": "Launch / redirect URL (target link URI)",
    "deep_link": "Deep-linking (content selection) URL",
    "jwks": "Public keyset (JWKS) URL",
    "canvas": "Canvas JSON configuration URL",
}


def tool_urls(base: str) -> dict[str, str]:
    """Return the tool's absolute addresses under base (e.g. https://quiz.school.example)."""
    base = base.rstrip("/")
    urls = {name: base + path for name, path in PATHS.items()}
    urls["domain"] = urlsplit(base).netloc
    urls["score_scope"] = vocab.SCORE_SCOPE
    return urls
