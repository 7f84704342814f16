"""The sites a teacher lets frame an assignment: every origin parsed strictly before it reaches
the Content-Security-Policy header, and never more than the server's own setting allows."""

import pytest

from quiz_app.security import (
    MAX_EMBED_ORIGINS,
    frame_ancestors_for,
    origin_allowed,
    parse_embed_origins,
)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("", ""),
        ("   ", ""),
        ("https://canvas.school.edu", "https://canvas.school.edu"),
        ("HTTPS://Canvas.School.EDU/", "https://canvas.school.edu"),
        (
            "http://localhost:8080 http://127.0.0.1:9000",
            "http://localhost:8080 http://127.0.0.1:9000",
        ),
        ("https://*.school.edu", "https://*.school.edu"),
        ("  https://a.school.edu   https://a.school.edu  ", "https://a.school.edu"),
        ("https://moodle.school.edu:8443\n", "https://moodle.school.edu:8443"),
    ],
)
def test_parse_embed_origins_keeps_origins_in_normal_form(typed: str, stored: str) -> None:
    assert parse_embed_origins(typed) == (stored, [])


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("https://a.com; script-src *", "remove “;”"),
        ("https://a.com;", "remove “;”"),
        ("https://a.com, https://b.com", "remove “,”"),
        ("'self'", "remove “'”"),
        ('"https://a.com"', 'remove “"”'),
        ("https://a.com\nhttps://b.com", "on one line"),
        ("https://a.com\r\nSet-Cookie: x=1", "on one line"),
        ("https://a.com\thttps://b.com", "on one line"),
        ("https://a.com\x00", "on one line"),
        ("https://a.com\u00a0https://b.com", "on one line"),
        ("https://a.com\u2028https://b.com", "on one line"),
        ("https://é.example", "xn-- form"),
        ("javascript:", "“javascript:” is not a web site"),
        ("javascript:alert(1)", "is not a web site"),
        ("data:text/html", "is not a web site"),
        ("ftp://files.school.edu", "is not a web site"),
        ("*", "would let every site frame this assignment"),
        ("*:443", "would let every site frame this assignment"),
        ("https:", "would let every https site frame this assignment"),
        ("https://*", "a * may only stand for subdomains"),
        ("https://a*.school.edu", "a * may only stand for subdomains"),
        ("https://*.edu", "would allow a whole top-level domain"),
        ("https://a.com/course/1", "has more than an origin (“/course/1”)"),
        ("https://a.com?x=1", "has more than an origin (“?x=1”)"),
        ("https://a.com#top", "has more than an origin"),
        ("https://a.com//", "has more than an origin"),
        ("https://user@a.com", "has a user name"),
        ("https://a.com:", "no valid port"),
        ("https://a.com:0", "no valid port"),
        ("https://a.com:65536", "no valid port"),
        ("https://a.com:*", "no valid port"),
        ("https://[::1]:8080", "IPv6 addresses cannot be listed"),
        ("https://a_b.com", "no valid host name"),
        ("https://-a.com", "no valid host name"),
        ("https://a..com", "no valid host name"),
        ("https://", "no valid host name"),
        ("canvas.school.edu", "needs its scheme: write https://canvas.school.edu"),
        ("x" * 1001, "at most 1000 characters"),
    ],
)
def test_parse_embed_origins_refuses_anything_but_origins_saying_why(
    typed: str, message: str
) -> None:
    stored, problems = parse_embed_origins(typed)
    assert stored == ""
    assert any(message in p for p in problems), problems


def test_parse_embed_origins_reports_every_bad_origin_and_stores_none() -> None:
    stored, problems = parse_embed_origins("https://good.school.edu javascript: https://a.com/x")
    assert stored == ""
    assert len(problems) == 2


def test_parse_embed_origins_caps_the_number_of_sites() -> None:
    typed = " ".join(f"https://site{n}.school.edu" for n in range(MAX_EMBED_ORIGINS + 1))
    assert parse_embed_origins(typed) == ("", [f"list at most {MAX_EMBED_ORIGINS} sites"])


def test_parse_embed_origins_never_widens_the_servers_setting() -> None:
    setting = "https://canvas.school.edu https://*.school.org"
    assert parse_embed_origins("https://canvas.school.edu https://a.school.org", setting) == (
        "https://canvas.school.edu https://a.school.org",
        [],
    )
    stored, (problem,) = parse_embed_origins("https://evil.example", setting)
    assert stored == ""
    assert problem == (
        "this server lets only these sites frame its quiz: https://canvas.school.edu "
        "https://*.school.org. Ask its admin to add https://evil.example to the "
        "QUIZ_FRAME_ANCESTORS setting"
    )


@pytest.mark.parametrize(
    ("origin", "setting", "allowed"),
    [
        ("https://a.com", "*", True),
        ("https://a.com", "https://a.com", True),
        ("https://a.com", "https://b.com https://a.com", True),
        ("https://a.com", "https://b.com", False),
        ("http://a.com", "https://a.com", False),
        ("https://a.com", "http://a.com", True),  # CSP lets http sources match https
        ("https://a.com", "a.com", True),
        ("https://a.com", "https:", True),
        ("http://a.com", "https:", False),
        ("https://a.com:8443", "https://a.com", False),
        ("https://a.com:443", "https://a.com", True),
        ("https://a.com:8443", "https://a.com:*", True),
        ("https://a.com:8443", "https://a.com:8443", True),
        ("https://x.school.edu", "https://*.school.edu", True),
        ("https://*.x.school.edu", "https://*.school.edu", True),
        ("https://*.school.edu", "https://*.school.edu", True),
        ("https://school.edu", "https://*.school.edu", False),
        ("https://evilschool.edu", "https://*.school.edu", False),
        ("https://*.school.edu", "https://x.school.edu", False),
        ("https://a.com", "'self'", False),
        ("https://a.com", "'none'", False),
    ],
)
def test_origin_allowed_follows_csp_source_matching(
    origin: str, setting: str, allowed: bool
) -> None:
    assert origin_allowed(origin, setting) is allowed


def test_frame_ancestors_for_an_assignment_is_its_sites_within_the_setting() -> None:
    assert frame_ancestors_for("*", "") == "*"
    assert frame_ancestors_for("https://lms.edu", "") == "https://lms.edu"
    assert frame_ancestors_for("*", "https://a.com https://b.com") == "https://a.com https://b.com"
    assert frame_ancestors_for("https://b.com", "https://a.com https://b.com") == "https://b.com"
    # The admin narrowed the setting after the teacher listed their sites: nobody may frame it.
    assert frame_ancestors_for("https://c.com", "https://a.com") == "'none'"
