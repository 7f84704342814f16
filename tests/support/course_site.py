"""Another site's course page for the embed and LMS browser tests: pages served on
http://localhost:<port>, and Chromium started on a profile that blocks third-party cookies."""

import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from playwright.sync_api import Page

OpenCoursePage = Callable[..., Page]

COURSE_TEXT = "Read the article before you try the quiz below."
COURSE_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Week 3: Evidence · Health course</title>
</head>
<body>
<main>
<h1>Week 3: Evidence</h1>
<p>{text}</p>
{content}
</main>
</body>
</html>
"""

# Chromium 156 keeps the third-party cookie setting in the profile, not on the command line:
# --test-third-party-cookie-phaseout and --block-third-party-cookies do not override a profile
# that allows them (tried), and Playwright has no option for it. So each test starts Chromium
# on a fresh profile whose Preferences say "block third-party cookies" (cookie_controls_mode 1,
# which is also this Chromium's default). Each test checks inside the frame that it holds.
BLOCK_THIRD_PARTY_COOKIES = {"profile": {"cookie_controls_mode": 1}}

# Playwright starts Chromium with ThirdPartyStoragePartitioning disabled (microsoft/playwright
# #32230), and then blocking third-party cookies blocks the frame's sessionStorage as well.
# Chrome ships with partitioning on: a frame's storage is kept apart per top-level site, and is
# allowed while cookies are blocked. Chromium obeys the last --disable-features on its command
# line, so this list, which leaves partitioning out, replaces Playwright's.
PARTITIONED_STORAGE_ARGS = [
    "--disable-features=DestroyProfileOnBrowserClose,HttpsUpgrades,"
    "HttpsFirstBalancedModeAutoEnable,MediaRouter,PaintHolding,OptimizationHints"
]


class CourseSite:
    """Course pages served on http://localhost:<port>, another site than the quiz's 127.0.0.1.

    Sites compare scheme and registrable domain but not port, so the same pages reached at
    http://127.0.0.1:<port> are on the quiz's own site: a control for the cookie check.
    """

    def __init__(self) -> None:
        self.pages: dict[str, bytes] = {}
        pages = self.pages

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = pages.get(self.path)
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, format: str, *args: Any) -> None:
                """Keep the test output free of access logs."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def add(self, path: str, content: str, *, same_site: bool = False) -> str:
        """Serve a course page with some text and `content`; return its address."""
        page = COURSE_PAGE.format(text=COURSE_TEXT, content=content)
        self.pages[path] = page.encode()
        host = "127.0.0.1" if same_site else "localhost"
        return f"http://{host}:{self.port}{path}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()

    def __enter__(self) -> "CourseSite":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
