"""Per-address limits on anonymous work: the rules, their numbers and how a route applies them.

Only what costs the server or guesses a secret is limited: starting attempts, wrong join codes,
sign-ups and failed logins. Answers and page views never are, so a whole school behind one
address (its NAT) answers freely. The counters live in the database (store/rate_limits.py), so
the limits hold across app processes.

Each window is a sliding window, estimated from two fixed windows (this one and the one before,
weighted by how much of it still overlaps): no burst of twice the limit at a window's edge, and
two rows per window and key.
"""

import hashlib
import ipaddress
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from fastapi import HTTPException, Request
from sqlalchemy.orm import Session

from quiz_app import auth, store

IPV6_PREFIX = 64  # one home or school network gets a /64: it counts as one address


@dataclass(frozen=True)
class Window:
    limit: int  # at most this many events...
    length: timedelta  # ...in any window this long


@dataclass(frozen=True)
class Rule:
    name: str  # the counters' key prefix
    windows: tuple[Window, ...]
    refusal: str  # the 429's sentence: "{wait}" becomes "about 3 minutes", "{until}" "09:15 UTC"


# 1,000 students behind one address all start within a minute; a client that starts attempts
# in a loop (272/s were seen) is stopped at 20/s, and at 20,000 attempt rows a day.
START = Rule(
    "start",
    (Window(1_200, timedelta(minutes=1)), Window(20_000, timedelta(days=1))),
    "Too many quizzes were started from your network just now. Wait {wait} and press the "
    "button again; nothing you answered is lost.",
)
# About 2**29.7 join codes: at 600 wrong codes a day an address needs years to hit one of a
# thousand live codes, while a class that mistypes a few codes is never stopped.
WRONG_CODE = Rule(
    "wrong-code",
    (Window(60, timedelta(minutes=1)), Window(600, timedelta(days=1))),
    "Too many wrong join codes were typed on your network. Wait {wait}, then check the code "
    "with your teacher and type it again.",
)
# Sign-ups hash a password (slow on purpose): a staff training day signs up 30 teachers an hour.
SIGNUP = Rule(
    "signup",
    (Window(30, timedelta(hours=1)), Window(100, timedelta(days=1))),
    "Too many accounts were created from your network today. Wait {wait} and try again, or ask "
    "your admin to create the account with `quiz-app teacher create`.",
)
# Failed logins of one email from one address: five typos, then a wait. The right password
# from another address always works: nobody can lock an account for everyone.
LOGIN_PAIR = Rule(
    "login-pair",
    (Window(5, timedelta(minutes=15)), Window(30, timedelta(days=1))),
    "Too many failed logins for this email from your network. Try again after {until} "
    "(in {wait}), or log in from another network. Forgot your password? Your admin can set a "
    "new one with `quiz-app teacher reset-password`.",
)
# Failed logins of any email from one address (guessing many accounts): a school's teachers
# share an address, so this is six times the pair's limit.
LOGIN_ADDRESS = Rule(
    "login-address",
    (Window(30, timedelta(minutes=15)), Window(300, timedelta(days=1))),
    "Too many failed logins came from your network. Try again after {until} (in {wait}).",
)
RULES = (START, WRONG_CODE, SIGNUP, LOGIN_PAIR, LOGIN_ADDRESS)
LONGEST_WINDOW = max(w.length for rule in RULES for w in rule.windows)


def network_of(host: str) -> str:
    """Return the address a client is counted under: an IPv4 address, an IPv6 /64, or (for
    something that is no address, such as a test client's name) a short hash of it."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return "h-" + hashlib.sha256(host.encode(errors="replace")).hexdigest()[:16]
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is None:
        return str(ipaddress.IPv6Network((address, IPV6_PREFIX), strict=False))
    return str(address.ipv4_mapped or address) if address.version == 6 else str(address)


def email_part(email: str) -> str:
    """Return a fixed-length stand-in for an email in a key (no NUL, no length to cap)."""
    normal = auth.normalize_email(email).encode(errors="replace")
    return hashlib.sha256(normal).hexdigest()[:32]


def window_start(now: datetime, length: timedelta) -> datetime:
    """Return the start of the fixed window of `length` that holds `now` (aligned to the epoch)."""
    seconds = length.total_seconds()
    return datetime.fromtimestamp(math.floor(now.timestamp() / seconds) * seconds, UTC)


def counter_key(rule: Rule, window: Window, subject: str) -> str:
    return f"{rule.name}:{int(window.length.total_seconds())}:{subject}"


def estimate(previous: int, current: int, elapsed: float) -> float:
    """Return the sliding count: the previous window's weighted by how much of it overlaps the
    last window's length (elapsed is the fraction of the current window gone, 0 to 1)."""
    return previous * (1 - elapsed) + current


def wait_for(window: Window, previous: int, current: int, elapsed: float) -> timedelta | None:
    """Return how long until one more event fits in the window, or None when it fits now."""
    if estimate(previous, current, elapsed) + 1 <= window.limit:
        return None
    if current + 1 > window.limit:  # wait into the next window, where `current` is the previous
        fraction = 1 - elapsed + (1 - (window.limit - 1) / current)
    else:
        fraction = (1 - (window.limit - 1 - current) / previous) - elapsed
    seconds = round(fraction * window.length.total_seconds(), 6)  # no 18.0000001 -> 19
    return timedelta(seconds=max(1, math.ceil(seconds)))


def words_for(wait: timedelta) -> str:
    """Return a wait as a person reads it: "about 40 seconds", "about 3 minutes"..."""
    seconds = math.ceil(wait.total_seconds())
    if seconds < 90:
        return f"about {seconds} second{'s' if seconds != 1 else ''}"
    if seconds < 90 * 60:
        return f"about {round(seconds / 60)} minutes"
    return f"about {round(seconds / 3600)} hours"


# --- applying the rules to a request ---------------------------------------------------------


def client_network(request: Request) -> str:
    """Return the network the request came from (behind a trusted proxy, the real client's:
    see the QUIZ_FORWARDED_ALLOW_IPS setting)."""
    return network_of(request.client.host if request.client else "unknown")


def now_for(request: Request) -> datetime:
    """Return the app's time now (tests set app.state.clock to move it)."""
    clock: Callable[[], datetime] = request.app.state.clock
    return clock()


def wait_needed(session: Session, *, rule: Rule, subject: str, now: datetime) -> timedelta | None:
    """Return how long the subject must wait before one more event of the rule, or None."""
    windows = _windows(rule, subject, now)
    since = min(start - window.length for window, _key, start in windows)
    counts = store.rate_limits.counts(session, keys=[key for _w, key, _s in windows], since=since)
    waits = [
        wait
        for window, key, start in windows
        if (
            wait := wait_for(
                window,
                counts.get((key, start - window.length), 0),
                counts.get((key, start), 0),
                (now - start) / window.length,
            )
        )
    ]
    return max(waits, default=None)


def record(
    session: Session, *, rule: Rule, subject: str, now: datetime, commit: bool = True
) -> None:
    """Count one event of the rule against the subject, in each of its windows (commit=False:
    in the caller's transaction, committed with its own write)."""
    windows = [(key, start, start + 2 * w.length) for w, key, start in _windows(rule, subject, now)]
    store.rate_limits.add_one(session, windows=windows, now=now, commit=commit)


def clear(session: Session, *, rule: Rule, subject: str) -> None:
    store.rate_limits.clear(session, keys=[counter_key(rule, w, subject) for w in rule.windows])


def pair(email: str, network: str) -> str:
    """Return the subject of LOGIN_PAIR: one email from one network."""
    return f"{email_part(email)}@{network}"


def clear_account(session: Session, *, email: str) -> None:
    """Forget the failed logins of an email from every network (it has a new password)."""
    prefixes = [counter_key(LOGIN_PAIR, w, pair(email, "")) for w in LOGIN_PAIR.windows]
    store.rate_limits.clear(session, keys=[], prefixes=prefixes)


def refuse(rule: Rule, wait: timedelta, now: datetime) -> HTTPException:
    """Return the 429 to raise: the rule's sentence with the wait, and Retry-After in seconds."""
    until = f"{now + wait:%H:%M} UTC"
    message = rule.refusal.format(wait=words_for(wait), until=until)
    retry_after = str(math.ceil(wait.total_seconds()))
    return HTTPException(429, message, headers={"Retry-After": retry_after})


def refusal(
    request: Request, session: Session, checks: list[tuple[Rule, str]]
) -> HTTPException | None:
    """Return the 429 of the longest wait among the (rule, subject) pairs, or None if none
    is used up."""
    now = now_for(request)
    waits = [
        (wait, rule)
        for rule, subject in checks
        if (wait := wait_needed(session, rule=rule, subject=subject, now=now))
    ]
    if not waits:
        return None
    wait, rule = max(waits, key=lambda found: found[0])
    return refuse(rule, wait, now)


def check(request: Request, session: Session, rule: Rule) -> None:
    """Raise a 429 when the request's network has used up the rule."""
    if refused := refusal(request, session, [(rule, client_network(request))]):
        raise refused


def spend(request: Request, session: Session, rule: Rule, *, commit: bool = True) -> None:
    """Raise a 429 when the request's network has used up the rule, or else count one event
    (commit=False: the caller's next commit, such as the new attempt's, counts it)."""
    check(request, session, rule)
    note(request, session, rule, commit=commit)


def note(request: Request, session: Session, rule: Rule, *, commit: bool = True) -> None:
    """Count one event of the rule (a wrong code) against the request's network."""
    subject, now = client_network(request), now_for(request)
    record(session, rule=rule, subject=subject, now=now, commit=commit)


def _windows(rule: Rule, subject: str, now: datetime) -> list[tuple[Window, str, datetime]]:
    """Return each window of the rule with its key and its current start."""
    return [(w, counter_key(rule, w, subject), window_start(now, w.length)) for w in rule.windows]
