"""Every setting and its default, read from `QUIZ_*` environment variables."""

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from quiz_app.paths import bundled

HTMX_VERSION = "2.0.11"
# Subresource Integrity of htmx.min.js 2.0.11 as published on npm (and so on the CDN);
# static/htmx-2.0.11.min.js is the same file, and a test checks the hash against it.
HTMX_SRI = "sha384-2OatzQy1H+Zd/IIrjr1TcuDGqLXeHhbooAyJY1KdQMKnr4LZ22k31GBLdYKHmVjg"
HTMX_CDN_URL = f"https://cdn.jsdelivr.net/npm/htmx.org@{HTMX_VERSION}/dist/htmx.min.js"


class Settings(BaseSettings):
    """The app's settings; each field is read from the environment as QUIZ_<NAME>."""

    model_config = SettingsConfigDict(env_prefix="QUIZ_", extra="ignore")

    data_dir: Path = Field(
        default=Path("data"),
        description="Where the default SQLite database lives; created on first run.",
    )
    database_url: str = Field(
        default="",
        description="SQLAlchemy URL; empty means sqlite:///<data_dir>/claim-check.db.",
    )
    questions_dir: Path = Field(
        default_factory=lambda: bundled("questions"),
        description="The question bank directory (YAML files).",
    )
    htmx_source: Literal["cdn", "local"] = Field(
        default="cdn",
        description="'cdn' loads htmx from the CDN (pinned, no Referer) with the local copy as "
        "fallback; 'local' serves only the vendored copy, so no page talks to a third party "
        "(for schools that must not share students' IP addresses, networks that block the CDN, "
        "and tests).",
    )

    frame_ancestors: str = Field(
        default="*",
        pattern=r"^[^;,\r\n]+$",
        description="Which sites may frame the quiz pages (CSP frame-ancestors): '*' for any, "
        "or space-separated origins such as 'https://canvas.example.edu'. "
        "Teacher and login pages always refuse framing.",
    )
    public_url: str = Field(
        default="",
        description="The address students reach the app at (e.g. https://quiz.school.example), "
        "used in embed snippets and oEmbed; empty means the address of each request.",
    )
    open_signup: bool = Field(
        default=True,
        description="Whether anyone may create a teacher account at /teacher/signup; when false, "
        "the admin creates accounts with `quiz-app teacher create EMAIL`.",
    )
    session_hours: int = Field(
        default=12,
        ge=1,
        le=24 * 30,
        description="How long a teacher stays logged in, in hours.",
    )
    resume_hours: int = Field(
        default=8,
        ge=1,
        le=24 * 7,
        description="How long a browser offers 'Continue as <name>?' on an assignment's join "
        "page after the student started there, in hours (a school day); a finished attempt "
        "is never offered.",
    )

    proxy_headers: bool = Field(
        default=True,
        description="Whether `quiz-app serve` reads the client's address from X-Forwarded-For "
        "and X-Forwarded-Proto, when the request comes from one of forwarded_allow_ips.",
    )
    forwarded_allow_ips: str = Field(
        default="127.0.0.1",
        pattern=r"^[^\r\n]*$",
        description="The proxies trusted to say who the client is (uvicorn's "
        "--forwarded-allow-ips): addresses or networks separated by commas, or '*' for any. "
        "Rate limits count each student's real address only when their proxy is listed.",
    )

    workers: int = Field(
        default=1,
        ge=1,
        le=64,
        description="How many app processes `quiz-app serve` starts (its --workers); each has "
        "its own database pool. About one per core: more than one on SQLite shares one "
        "writer (docs/deploy.md).",
    )
    access_log: bool = Field(
        default=False,
        description="Whether `quiz-app serve` writes a line per request to its log; off, only "
        "start-up, warnings and errors are logged (a line per answer costs CPU at a class's "
        "pace, and a reverse proxy keeps its own access log).",
    )
    db_pool_size: int = Field(
        default=10,
        ge=1,
        le=200,
        description="Database connections each app process keeps open; a request waits for a "
        "free one rather than opening more (a PostgreSQL server allows about 100 in all).",
    )
    db_max_overflow: int = Field(
        default=0,
        ge=0,
        le=200,
        description="Connections a process may open beyond db_pool_size at a peak, closed "
        "again when returned; 0 keeps the pool fixed (no connection churn).",
    )

    lti_http_timeout: float = Field(
        default=5.0,
        gt=0,
        le=60,
        description="Seconds to wait for an LMS (its public keys, access tokens, grades) "
        "before giving up for now; a grade is then retried later.",
    )
    lti_grade_poll_seconds: float = Field(
        default=3.0,
        ge=0,
        le=3600,
        description="How often each app process sends queued LMS grades, in seconds; 0 turns "
        "the background sender off (then run `quiz-app lti send-grades` from cron).",
    )

    keep_public_days: int = Field(
        default=30,
        ge=1,
        le=3650,
        description="Days a public attempt (a bundled set, no assignment) is kept after its "
        "last answer; its practice rounds go with it.",
    )
    keep_assignment_days: int = Field(
        default=365,
        ge=1,
        le=3650,
        description="Days an assignment's student data (attempts, answers, its log) is kept "
        "after it closes, or after its last activity when that is later or it never closes; "
        "the assignment itself stays until its teacher deletes it.",
    )
    keep_login_days: int = Field(
        default=7,
        ge=1,
        le=365,
        description="Days expired login records are kept: teacher and LMS sessions, LMS "
        "logins in progress (their nonces), cached LMS tokens, and failed-login counts.",
    )
    keep_lms_user_days: int = Field(
        default=30,
        ge=1,
        le=3650,
        description="Days an LMS user (their name and LMS id) is kept after their first launch "
        "once no attempt of theirs is left and no session is live; a new launch brings them back.",
    )
    retention_sweep_minutes: int = Field(
        default=60,
        ge=0,
        le=7 * 24 * 60,
        description="How often the app deletes what is past these times, in minutes (one "
        "process at a time); 0 turns the sweep off (then run `quiz-app data purge` from cron).",
    )

    def resolved_database_url(self) -> str:
        """Return the database URL, defaulting to a SQLite file in data_dir."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'claim-check.db'}"
