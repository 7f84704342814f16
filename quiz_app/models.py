"""SQLAlchemy tables."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime stored as UTC; SQLite hands it back aware too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("store timezone-aware datetimes only")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        when: datetime = value
        return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


class Base(DeclarativeBase):
    pass


class Attempt(Base):
    """One student's run through a question set, reached by its unguessable token."""

    __tablename__ = "attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    set_id: Mapped[str] = mapped_column(String(64))
    seed: Mapped[int] = mapped_column(BigInteger)
    # The questions chosen for this student, in order, fixed at the start so that edits to the
    # bank or the set never reshuffle an attempt in progress.
    question_ids: Mapped[list[str]] = mapped_column(JSON)
    retry_of_id: Mapped[int | None] = mapped_column(ForeignKey("attempts.id", ondelete="SET NULL"))
    # How many of question_ids are the check-in form (first) and the check-out form (last).
    check_in_count: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    check_out_count: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Set when a student joins a teacher's assignment; bundled public sets leave them empty.
    # Deleting the assignment deletes its attempts (and so their answers) in the database.
    assignment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assignments.id", ondelete="CASCADE"), index=True
    )
    student_name: Mapped[str | None] = mapped_column(String(80))
    # When the student pressed "Submit my answers" (assignments that give feedback afterwards).
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    assignment: Mapped["Assignment | None"] = relationship(back_populates="attempts")
    answers: Mapped[list["Answer"]] = relationship(
        back_populates="attempt", order_by="Answer.id", cascade="all, delete-orphan"
    )

    @property
    def phase_counts(self) -> tuple[int, int, int]:
        """Return how many questions are check-in, practice and check-out."""
        total = len(self.question_ids)
        return (
            self.check_in_count,
            total - self.check_in_count - self.check_out_count,
            self.check_out_count,
        )


class Answer(Base):
    """A student's verdict on one question of an attempt; one per question, never changed."""

    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("attempt_id", "question_id", name="uq_answer_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(64))
    # The verdict of a classify question, or the chosen option's id for the other kinds.
    answer: Mapped[str] = mapped_column(String(16))
    correct: Mapped[bool]
    # The concept id given as "why?", and whether it was the right one (NULL: not asked).
    reason: Mapped[str | None] = mapped_column(String(64))
    reason_correct: Mapped[bool | None]
    # "guessing", "unsure", "fairly-sure" or "certain"; NULL when the student did not say.
    confidence: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    attempt: Mapped[Attempt] = relationship(back_populates="answers")


class PracticeRound(Base):
    """Marks an attempt as a "practise what you missed" round of an earlier attempt (its root)."""

    __tablename__ = "practice_rounds"

    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("attempts.id", ondelete="CASCADE"), primary_key=True
    )
    root_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"), index=True)


class Teacher(Base):
    """A teacher account: an email and an argon2id password hash."""

    __tablename__ = "teachers"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-case
    password_hash: Mapped[str] = mapped_column(String(255))
    # The IANA time zone the teacher last entered assignment times in (shown back to them).
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class TeacherSession(Base):
    """A logged-in browser. Only a hash of the cookie's token is stored, so a copy of the
    database cannot be used to log in."""

    __tablename__ = "teacher_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    teacher_id: Mapped[int] = mapped_column(
        ForeignKey("teachers.id", ondelete="CASCADE"), index=True
    )
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())

    teacher: Mapped[Teacher] = relationship()


class LoginThrottle(Base):
    """Failed logins of one key ("account:<email>" or "address:<ip>"), to slow down guessing."""

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(String(320), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime())
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    locks: Mapped[int] = mapped_column(Integer, default=0)  # how many times it was locked


class Assignment(Base):
    """A question set a teacher gives a class, joined with a short code."""

    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    teacher_id: Mapped[int] = mapped_column(
        ForeignKey("teachers.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(120))
    join_code: Mapped[str] = mapped_column(String(8), unique=True)
    # Where the questions come from, as the teacher chose it: {"set_id": ...}, a filter
    # {"themes": [...], "verdicts": [...], "kinds": [...], "difficulties": [...]} or {"ids": [...]}.
    source: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The matching question ids, fixed when the assignment is made, so that later changes to
    # the bank never change what the class answers.
    pool: Mapped[list[str]] = mapped_column(JSON)
    question_count: Mapped[int] = mapped_column(Integer)
    shuffle: Mapped[bool]
    feedback_mode: Mapped[str] = mapped_column(String(16))  # "immediate" | "after_submit"
    attempts_allowed: Mapped[int] = mapped_column(Integer)
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    identity: Mapped[str] = mapped_column(String(16))  # "name" | "nickname"
    closed: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The sites whose pages may frame this assignment, space-separated origins checked by
    # security.parse_embed_origins; empty means the server's frame_ancestors setting.
    embed_origins: Mapped[str] = mapped_column(String(1000), default="", server_default="")

    teacher: Mapped[Teacher] = relationship()
    attempts: Mapped[list[Attempt]] = relationship(
        back_populates="assignment", order_by="Attempt.id", passive_deletes=True
    )


class TeacherQuestion(Base):
    """A question a teacher wrote, private to them: the bank's YAML shape, stored as JSON."""

    __tablename__ = "teacher_questions"
    __table_args__ = (UniqueConstraint("teacher_id", "local_id", name="uq_teacher_question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    teacher_id: Mapped[int] = mapped_column(
        ForeignKey("teachers.id", ondelete="CASCADE"), index=True
    )
    local_id: Mapped[str] = mapped_column(String(50))  # the id the teacher wrote
    question_id: Mapped[str] = mapped_column(String(64), unique=True)  # t<teacher>.<local_id>
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


# --- LTI 1.3: Claim Check as a tool in a learning platform (quiz_app/lti/) ------------------


class LtiKey(Base):
    """One of the tool's RSA signing keys. The newest unretired key signs; a retired key stays
    published in the JWKS until `retire_at`, so platforms can still check what it signed."""

    __tablename__ = "lti_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    kid: Mapped[str] = mapped_column(String(64), unique=True)
    private_key_pem: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    retire_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class LtiPlatform(Base):
    """A learning platform (an LMS registration: issuer + client id) the admin registered."""

    __tablename__ = "lti_platforms"
    __table_args__ = (UniqueConstraint("issuer", "client_id", name="uq_lti_platform"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer: Mapped[str] = mapped_column(String(255))
    client_id: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(120), default="")
    auth_url: Mapped[str] = mapped_column(String(2000))
    token_url: Mapped[str] = mapped_column(String(2000))
    jwks_url: Mapped[str] = mapped_column(String(2000))
    # The `aud` of our client-credentials assertion; empty means the token URL (Canvas, Moodle).
    token_audience: Mapped[str] = mapped_column(String(2000), default="")
    # The platform's public keys as last fetched, shared by every app process.
    jwks: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    jwks_fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    jwks_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    deployments: Mapped[list["LtiDeployment"]] = relationship(
        order_by="LtiDeployment.id", cascade="all, delete-orphan", passive_deletes=True
    )


class LtiDeployment(Base):
    """A deployment id of a platform: where in the LMS the tool was installed."""

    __tablename__ = "lti_deployments"
    __table_args__ = (UniqueConstraint("platform_id", "deployment_id", name="uq_lti_deployment"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id", ondelete="CASCADE"))
    deployment_id: Mapped[str] = mapped_column(String(255))


class LtiLaunchState(Base):
    """An OIDC login in progress: its state and nonce, kept server-side (an LMS frame may not
    keep cookies), each usable once."""

    __tablename__ = "lti_launch_states"

    id: Mapped[int] = mapped_column(primary_key=True)
    state: Mapped[str] = mapped_column(String(64), unique=True)
    nonce: Mapped[str] = mapped_column(String(64))
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id", ondelete="CASCADE"))
    target_link_uri: Mapped[str] = mapped_column(String(2000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class LtiUser(Base):
    """A person as their LMS knows them (issuer + sub). Instructors get a teacher account with
    no password, so the assignments they make through the LMS are theirs."""

    __tablename__ = "lti_users"
    __table_args__ = (UniqueConstraint("issuer", "sub", name="uq_lti_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer: Mapped[str] = mapped_column(String(255))
    sub: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(80))
    teacher_id: Mapped[int | None] = mapped_column(ForeignKey("teachers.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    teacher: Mapped[Teacher | None] = relationship()


class LtiResourceLink(Base):
    """A link to the tool placed in a course, and the assignment it opens."""

    __tablename__ = "lti_resource_links"
    __table_args__ = (
        UniqueConstraint("platform_id", "resource_link_id", name="uq_lti_resource_link"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id", ondelete="CASCADE"))
    deployment_id: Mapped[str] = mapped_column(String(255))
    resource_link_id: Mapped[str] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(String(255), default="")
    context_title: Mapped[str] = mapped_column(String(255), default="")
    assignment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assignments.id", ondelete="SET NULL"), index=True
    )
    # Where scores go (the AGS line item), and the AGS scopes the platform granted; both are
    # refreshed at every launch.
    lineitem_url: Mapped[str] = mapped_column(String(2000), default="")
    ags_scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    platform: Mapped[LtiPlatform] = relationship()
    assignment: Mapped[Assignment | None] = relationship()


class LtiLinkGrant(Base):
    """What a deep-linking response put in a link's custom parameters: an unguessable token
    naming the assignment, so a hand-edited custom parameter cannot reach another's."""

    __tablename__ = "lti_link_grants"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id", ondelete="CASCADE"))
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class LtiAttempt(Base):
    """An attempt made through an LMS launch: whose it is, and which link it came from. An LMS
    user's attempts at an assignment are numbered 1, 2…; the number is unique, so two launches
    at once cannot both start a first attempt."""

    __tablename__ = "lti_attempts"
    __table_args__ = (
        UniqueConstraint("lti_user_id", "assignment_id", "number", name="uq_lti_attempt_number"),
    )

    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("attempts.id", ondelete="CASCADE"), primary_key=True
    )
    lti_user_id: Mapped[int] = mapped_column(ForeignKey("lti_users.id", ondelete="CASCADE"))
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignments.id", ondelete="CASCADE"), index=True
    )
    resource_link_id: Mapped[int | None] = mapped_column(
        ForeignKey("lti_resource_links.id", ondelete="SET NULL")
    )
    number: Mapped[int] = mapped_column(Integer)

    attempt: Mapped[Attempt] = relationship()
    lti_user: Mapped[LtiUser] = relationship()
    resource_link: Mapped[LtiResourceLink | None] = relationship()


class LtiSession(Base):
    """A launch's access to our LTI pages, carried in their URLs (a framed page may get no
    cookies). Only a hash of the token is stored; it reaches one resource link or one
    deep-linking request, never the /teacher pages."""

    __tablename__ = "lti_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # "instructor" | "learner" | "deep_link"
    lti_user_id: Mapped[int] = mapped_column(ForeignKey("lti_users.id", ondelete="CASCADE"))
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id", ondelete="CASCADE"))
    resource_link_id: Mapped[int | None] = mapped_column(
        ForeignKey("lti_resource_links.id", ondelete="CASCADE")
    )
    # A deep-linking request's settings: return URL, data, deployment id, accepted types.
    deep_link: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)

    lti_user: Mapped[LtiUser] = relationship()
    platform: Mapped[LtiPlatform] = relationship()
    resource_link: Mapped[LtiResourceLink | None] = relationship()


class LtiGrade(Base):
    """A completed attempt's score for the LMS: queued once (unique per attempt), sent by the
    grade sender, retried with back-off while the LMS fails."""

    __tablename__ = "lti_grades"
    # The grade sender looks for due rows: status = 'pending' AND next_attempt_at <= now.
    __table_args__ = (Index("ix_lti_grades_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("attempts.id", ondelete="CASCADE"), unique=True
    )
    resource_link_id: Mapped[int] = mapped_column(
        ForeignKey("lti_resource_links.id", ondelete="CASCADE")
    )
    # The score as posted (fixed when queued, so a repeat after a lost answer is identical).
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))  # pending | sending | sent | failed
    tries: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claim: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str] = mapped_column(String(500), default="")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    resource_link: Mapped[LtiResourceLink] = relationship()


class LtiAccessToken(Base):
    """A platform's OAuth2 access token, cached until it expires and shared by every process."""

    __tablename__ = "lti_access_tokens"

    platform_id: Mapped[int] = mapped_column(
        ForeignKey("lti_platforms.id", ondelete="CASCADE"), primary_key=True
    )
    scope: Mapped[str] = mapped_column(String(255), primary_key=True)
    access_token: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
