"""The rate limits' rules: sliding windows, waits, addresses, and numbers sized for a school."""

from datetime import UTC, datetime, timedelta

import pytest

from quiz_app import rate_limits
from quiz_app.classroom.assignments import CODE_ALPHABET, CODE_LENGTH
from quiz_app.rate_limits import Window

MINUTE = Window(10, timedelta(minutes=1))


def test_window_start_is_aligned_to_the_windows_length() -> None:
    when = datetime(2026, 3, 2, 9, 14, 37, tzinfo=UTC)
    assert rate_limits.window_start(when, timedelta(minutes=1)) == when.replace(second=0)
    assert rate_limits.window_start(when, timedelta(minutes=15)) == when.replace(minute=0, second=0)
    assert rate_limits.window_start(when, timedelta(days=1)) == when.replace(
        hour=0, minute=0, second=0
    )


@pytest.mark.parametrize(
    ("previous", "current", "elapsed", "wait"),
    [
        (0, 0, 0.0, None),
        (0, 9, 0.5, None),  # the tenth fits
        (10, 0, 0.5, None),  # half the last minute's ten still count: 5 + 1 fits
        (0, 10, 0.0, 66),  # the rest of this minute, then until 10 * (1 - x) + 1 <= 10
        (0, 10, 0.5, 36),
        (20, 5, 0.5, 18),  # this minute, until 20 * (1 - e) + 5 + 1 <= 10: e = 0.8
        (10, 5, 0.2, 24),
        (1000, 0, 0.0, 60),  # a burst at the end of the last minute waits a whole minute
    ],
)
def test_wait_for_is_how_long_until_one_more_fits_the_sliding_window(
    previous: int, current: int, elapsed: float, wait: int | None
) -> None:
    found = rate_limits.wait_for(MINUTE, previous, current, elapsed)
    assert (found.total_seconds() if found else None) == wait


@pytest.mark.parametrize(
    ("host", "network"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),  # one home or school network
        ("2001:db8:1:2:ffff::1", "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.7", "203.0.113.7"),  # IPv4 written as IPv6
    ],
)
def test_network_of_counts_an_ipv6_network_as_one_address(host: str, network: str) -> None:
    assert rate_limits.network_of(host) == network


def test_network_of_something_that_is_no_address_is_a_short_hash() -> None:
    found = rate_limits.network_of("testclient\x00" + "x" * 500)
    assert found.startswith("h-") and len(found) == 18 and "\x00" not in found


def test_email_part_is_the_same_for_any_spelling_and_safe_in_a_key() -> None:
    assert rate_limits.email_part(" Ada@School.org") == rate_limits.email_part("ada@school.org")
    assert len(rate_limits.email_part("a\x00" * 400)) == 32


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (1, "about 1 second"),
        (45, "about 45 seconds"),
        (18 * 60, "about 18 minutes"),
        (5 * 3600, "about 5 hours"),
    ],
)
def test_words_for_a_wait_read_as_people_say_them(seconds: int, words: str) -> None:
    assert rate_limits.words_for(timedelta(seconds=seconds)) == words


def test_a_school_of_a_thousand_fits_in_a_minute_of_starts() -> None:
    minute = rate_limits.START.windows[0]
    assert minute.length == timedelta(minutes=1) and minute.limit >= 1_000
    assert rate_limits.wait_for(minute, 0, 999, 59 / 60) is None  # the thousandth gets in


def test_wrong_code_limits_keep_the_join_code_space_safe_for_years() -> None:
    codes = len(CODE_ALPHABET) ** CODE_LENGTH  # about 2**29.7
    live = 1_000  # assignments open at once
    (minute, day) = rate_limits.WRONG_CODE.windows
    assert (minute.limit, day.limit) == (60, 600)
    days_to_first_hit = codes / live / day.limit
    assert days_to_first_hit > 3 * 365


def test_every_rule_has_a_sentence_with_the_wait() -> None:
    for rule in rate_limits.RULES:
        assert "{wait}" in rule.refusal
        assert rule.windows == tuple(sorted(rule.windows, key=lambda w: w.length))
