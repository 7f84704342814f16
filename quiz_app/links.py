"""The app's public addresses and what other sites paste: the base URL students reach, the
embed snippet of a set or an assignment, its oEmbed discovery link, and the LTI tool's URLs."""

from urllib.parse import quote

from fastapi import Request
from markupsafe import escape

from quiz_app.lti import tool
from quiz_app.templating import path_for

EMBED_WIDTH = 640  # px: the frame's default size in snippets and oEmbed answers
EMBED_HEIGHT = 720  # px: a first guess; the frame reports its real height as it changes


def public_base(request: Request) -> str:
    """Return the address students reach the app at, without a trailing slash."""
    configured: str = request.app.state.settings.public_url
    return configured.rstrip("/") or str(request.base_url).rstrip("/")


def embed_snippet(base: str, src_path: str, title: str) -> str:
    """Return the HTML a course page pastes: the frame and the small resizing script."""
    return (
        f'<iframe data-claim-check src="{escape(base + src_path)}" '
        f'title="{escape("Claim Check quiz: " + title)}" width="{EMBED_WIDTH}" '
        f'height="{EMBED_HEIGHT}" style="border:0;width:100%;max-width:100%" '
        'loading="lazy"></iframe>\n'
        f'<script src="{escape(base)}/static/embed.js" async></script>'
    )


def oembed_link(request: Request, page_path: str) -> str:
    """Return the oEmbed address that describes a page, for its discovery <link>."""
    base = public_base(request)
    page_url = quote(base + page_path, safe=":/")
    return f"{base}{path_for(request, 'show_oembed')}?url={page_url}&format=json"


def tool_urls(request: Request) -> dict[str, str]:
    """Return the LTI tool's addresses an LMS admin registers, absolute."""
    return tool.tool_urls(public_base(request))
