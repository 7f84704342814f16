"""The LTI 1.3 tables: the tool's keys, the platforms and their deployments, launches in
progress, LMS users, resource links and their grants, LMS attempts, LTI sessions, the grade
queue and cached access tokens. They share quiz_app.models.Base with the other tables."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quiz_app.models import Assignment, Attempt, Base, Teacher, UTCDateTime, utcnow

# The states of a grade in the queue (LtiGrade.status).
PENDING = "pending"  # waiting to be sent, now or after a back-off
SENDING = "sending"  # claimed by one grade sender
SENT = "sent"
FAILED = "failed"  # the LMS refused the data itself; only a resend tries again


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
    # Security: hosts besides those of the URLs above where the platform's grade services
    # live (a school's own Canvas domain); the access token is sent to no other host.
    service_hosts: Mapped[list[str]] = mapped_column(JSON, default=list)
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
    platform_id: Mapped[int] = mapped_column(
        ForeignKey("lti_platforms.id", ondelete="CASCADE"), index=True
    )
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
    teacher_id: Mapped[int | None] = mapped_column(
        ForeignKey("teachers.id", ondelete="SET NULL"), index=True
    )
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
    # Where scores go (the AGS line item), the line-item container where the tool finds or
    # makes its own line item when the launch named none, and the AGS scopes the platform
    # granted; all are refreshed at every launch.
    lineitem_url: Mapped[str] = mapped_column(String(2000), default="")
    lineitems_url: Mapped[str] = mapped_column(String(2000), default="")
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
    platform_id: Mapped[int] = mapped_column(
        ForeignKey("lti_platforms.id", ondelete="CASCADE"), index=True
    )
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignments.id", ondelete="CASCADE"), index=True
    )
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
        ForeignKey("lti_resource_links.id", ondelete="SET NULL"), index=True
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
    lti_user_id: Mapped[int] = mapped_column(
        ForeignKey("lti_users.id", ondelete="CASCADE"), index=True
    )
    platform_id: Mapped[int] = mapped_column(
        ForeignKey("lti_platforms.id", ondelete="CASCADE"), index=True
    )
    resource_link_id: Mapped[int | None] = mapped_column(
        ForeignKey("lti_resource_links.id", ondelete="CASCADE"), index=True
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
        ForeignKey("lti_resource_links.id", ondelete="CASCADE"), index=True
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
    failures: Mapped[int] = mapped_column(Integer, default=0)  # score posts failed in a row
