"""Every query of the LTI launch flow: logins in progress, LMS users and their teacher accounts,
resource links, link grants, LMS attempts and LTI sessions, as keyword-only functions over a
session. Platforms and their keys are in store/platforms.py, grades in store/grades.py."""

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from quiz_app import auth
from quiz_app.lti import vocab
from quiz_app.lti.tables import (
    LtiAttempt,
    LtiLaunchState,
    LtiLinkGrant,
    LtiPlatform,
    LtiResourceLink,
    LtiSession,
    LtiUser,
)
from quiz_app.models import Assignment, Attempt, Teacher, utcnow
from quiz_app.store.assignments import new_assignment_attempt

if TYPE_CHECKING:  # lti.launch calls the store, so the store cannot import it at run time
    from quiz_app.lti.launch import Launch

# Security: teacher accounts made for LMS instructors have no password (this is not an argon2
# hash, so no password ever matches), and an address under the reserved .invalid domain, so
# they are never mixed up with an account someone signed up for.
NO_PASSWORD = "!lti-no-password"
LTI_EMAIL_DOMAIN = "lti.invalid"
SESSION_LIFETIME = timedelta(hours=8)  # a launch's access to its LTI pages


# --- logins in progress ----------------------------------------------------------------


def save_launch_state(
    session: Session,
    *,
    state: str,
    nonce: str,
    platform: LtiPlatform,
    target_link_uri: str,
    now: datetime,
    expires: datetime,
) -> LtiLaunchState:
    """Store an OIDC login's state and nonce, dropping the logins that expired."""
    session.execute(delete(LtiLaunchState).where(LtiLaunchState.expires_at < now))
    row = LtiLaunchState(
        state=state,
        nonce=nonce,
        platform_id=platform.id,
        target_link_uri=target_link_uri,
        created_at=now,
        expires_at=expires,
    )
    session.add(row)
    session.commit()
    return row


def get_launch_state(session: Session, *, state: str) -> LtiLaunchState | None:
    return session.scalar(select(LtiLaunchState).where(LtiLaunchState.state == state[:64]))


def use_launch_state(session: Session, *, row: LtiLaunchState, now: datetime) -> bool:
    """Mark a login's state used, in one UPDATE … WHERE used_at IS NULL, so of two launches
    with the same state only one succeeds; return whether this one did."""
    claimed = session.execute(
        update(LtiLaunchState)
        .where(LtiLaunchState.id == row.id, LtiLaunchState.used_at.is_(None))
        .values(used_at=now)
    )
    session.commit()
    return int(claimed.rowcount) == 1  # type: ignore[attr-defined]


# --- LMS users --------------------------------------------------------------------------


def lti_email(issuer: str, sub: str) -> str:
    digest = hashlib.sha256(f"{issuer}\n{sub}".encode()).hexdigest()[:40]
    return f"lti-{digest}@{LTI_EMAIL_DOMAIN}"


def _get_user(session: Session, issuer: str, sub: str) -> LtiUser | None:
    return session.scalar(
        select(LtiUser)
        .options(selectinload(LtiUser.teacher))
        .where(LtiUser.issuer == issuer, LtiUser.sub == sub)
    )


def save_user(session: Session, *, launch: "Launch") -> LtiUser:
    """Return the LMS user of a launch (by issuer + sub), storing it or its new name."""
    issuer = launch.platform.issuer
    for _ in range(2):  # two first launches at once: the loser reads the winner's row
        user = _get_user(session, issuer, launch.sub)
        if user is None:
            user = LtiUser(issuer=issuer, sub=launch.sub, name=launch.name)
            session.add(user)
        else:
            user.name = launch.name
        try:
            session.commit()
            return user
        except IntegrityError:
            session.rollback()
    raise RuntimeError("could not store the LMS user")


def teacher_for(session: Session, *, user: LtiUser) -> Teacher:
    """Return the instructor's teacher account, making one (no password) on first launch."""
    if user.teacher is not None:
        return user.teacher
    email = lti_email(user.issuer, user.sub)
    teacher = session.scalar(select(Teacher).where(Teacher.email == email))
    if teacher is None:
        teacher = Teacher(email=email, password_hash=NO_PASSWORD)
        session.add(teacher)
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            teacher = session.scalar(select(Teacher).where(Teacher.email == email))
            assert teacher is not None
    user.teacher_id = teacher.id
    session.commit()
    session.refresh(user)
    return teacher


def save_resource_link(session: Session, *, launch: "Launch") -> LtiResourceLink:
    """Return the launch's resource link, storing it or refreshing its titles and line item."""
    platform = launch.platform
    link_id = str(launch.resource_link["id"])[:255]
    for _ in range(2):
        link = session.scalar(
            select(LtiResourceLink).where(
                LtiResourceLink.platform_id == platform.id,
                LtiResourceLink.resource_link_id == link_id,
            )
        )
        if link is None:
            link = LtiResourceLink(platform_id=platform.id, resource_link_id=link_id)
            session.add(link)
        link.deployment_id = launch.deployment_id
        link.title = str(launch.resource_link.get("title") or "")[:255]
        link.context_title = str(launch.context.get("title") or launch.context.get("label") or "")[
            :255
        ]
        # A launch without the AGS claim keeps what an earlier launch gave.
        for name, column in (("lineitem", "lineitem_url"), ("lineitems", "lineitems_url")):
            url = launch.ags.get(name)
            if isinstance(url, str) and url:
                setattr(link, column, url[:2000])
            setattr(link, column, getattr(link, column) or "")
        scopes = launch.ags.get("scope")
        if isinstance(scopes, list):
            link.ags_scopes = [s for s in scopes if isinstance(s, str)]
        link.ags_scopes = link.ags_scopes or []
        link.updated_at = utcnow()
        try:
            session.commit()
            return link
        except IntegrityError:
            session.rollback()
    raise RuntimeError("could not store the resource link")


def save_lineitem(session: Session, *, link_id: int, url: str) -> None:
    """Keep the line item found or made for a link that had none (the first one kept wins)."""
    session.execute(
        update(LtiResourceLink)
        .where(LtiResourceLink.id == link_id, LtiResourceLink.lineitem_url == "")
        .values(lineitem_url=url[:2000])
    )
    session.commit()


def create_grant(session: Session, *, platform: LtiPlatform, assignment: Assignment) -> str:
    """Store a grant of the assignment to links of this platform; return its token."""
    grant = LtiLinkGrant(
        token=secrets.token_urlsafe(24), platform_id=platform.id, assignment_id=assignment.id
    )
    session.add(grant)
    session.commit()
    return grant.token


def assignment_of_grant(
    session: Session, *, platform: LtiPlatform, custom: dict[str, Any]
) -> Assignment | None:
    """Return the assignment a link's custom parameter grants on this platform, if any."""
    token = custom.get(vocab.LINK_PARAMETER)
    if not isinstance(token, str) or not token:
        return None
    grant = session.scalar(
        select(LtiLinkGrant).where(
            LtiLinkGrant.token == token[:64], LtiLinkGrant.platform_id == platform.id
        )
    )
    return session.get(Assignment, grant.assignment_id) if grant else None


def link_assignment(session: Session, *, link: LtiResourceLink, assignment: Assignment) -> None:
    link.assignment_id = assignment.id
    session.commit()
    session.refresh(link)


def is_linked(session: Session, *, assignment: Assignment) -> bool:
    """Return whether an LMS link opens this assignment, or LMS students have taken it."""
    linked = session.scalar(
        select(func.count())
        .select_from(LtiResourceLink)
        .where(LtiResourceLink.assignment_id == assignment.id)
    )
    taken = session.scalar(
        select(func.count())
        .select_from(LtiAttempt)
        .where(LtiAttempt.assignment_id == assignment.id)
    )
    return bool(linked or taken)


# --- attempts ---------------------------------------------------------------------------


def latest_attempt(session: Session, *, user: LtiUser, assignment: Assignment) -> LtiAttempt | None:
    """Return the LMS user's newest attempt at the assignment."""
    return session.scalar(
        select(LtiAttempt)
        .options(selectinload(LtiAttempt.attempt))
        .where(LtiAttempt.lti_user_id == user.id, LtiAttempt.assignment_id == assignment.id)
        .order_by(LtiAttempt.number.desc())
        .limit(1)
    )


def start_attempt(
    session: Session,
    *,
    user: LtiUser,
    assignment: Assignment,
    link: LtiResourceLink,
    number: int,
    question_ids: list[str],
    seed: int,
    check_in_count: int = 0,
    check_out_count: int = 0,
) -> Attempt:
    """Store the user's attempt number `number` (attempt and its LMS owner in one commit).

    Two launches at once both try the same number: the unique constraint keeps one, and the
    other returns it."""
    attempt = new_assignment_attempt(
        assignment,
        student_name=user.name,
        question_ids=question_ids,
        seed=seed,
        check_in_count=check_in_count,
        check_out_count=check_out_count,
    )
    session.add(attempt)
    session.flush()
    session.add(
        LtiAttempt(
            attempt_id=attempt.id,
            lti_user_id=user.id,
            assignment_id=assignment.id,
            resource_link_id=link.id,
            number=number,
        )
    )
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        winner = latest_attempt(session, user=user, assignment=assignment)
        if winner is None or winner.number != number:
            raise
        return winner.attempt
    return attempt


def lti_attempt(session: Session, *, attempt_id: int) -> LtiAttempt | None:
    return session.scalar(
        select(LtiAttempt)
        .options(selectinload(LtiAttempt.lti_user), selectinload(LtiAttempt.resource_link))
        .where(LtiAttempt.attempt_id == attempt_id)
    )


# --- LTI sessions -----------------------------------------------------------------------


def open_session(
    session: Session,
    *,
    kind: str,
    user: LtiUser,
    platform: LtiPlatform,
    link: LtiResourceLink | None = None,
    deep_link: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> str:
    """Store an LTI session and return its token (only its hash is stored)."""
    now = now or utcnow()
    session.execute(delete(LtiSession).where(LtiSession.expires_at <= now))
    token = auth.new_session_token()
    session.add(
        LtiSession(
            token_hash=auth.token_hash(token),
            kind=kind,
            lti_user_id=user.id,
            platform_id=platform.id,
            resource_link_id=link.id if link else None,
            deep_link=deep_link,
            csrf_token=auth.new_csrf_token(),
            created_at=now,
            expires_at=now + SESSION_LIFETIME,
        )
    )
    session.commit()
    return token


def get_session(session: Session, *, token: str) -> LtiSession | None:
    """Return the live LTI session of a token, with its user, platform and link, or None."""
    row = session.scalar(
        select(LtiSession)
        .options(
            selectinload(LtiSession.lti_user).selectinload(LtiUser.teacher),
            selectinload(LtiSession.platform),
            selectinload(LtiSession.resource_link).selectinload(LtiResourceLink.assignment),
        )
        .where(LtiSession.token_hash == auth.token_hash(token))
    )
    if row is None or row.expires_at <= utcnow():
        return None
    return row
