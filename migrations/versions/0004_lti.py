"""LTI 1.3: tool keys, platforms and deployments, launch states, LMS users, resource links,
link grants, LMS attempts, LTI sessions, the grade queue and cached access tokens.

Only new tables: nothing existing is altered, so no saved row is touched.

Revision ID: 0004
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _when(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _fk(name: str, target: str, ondelete: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(
        name, sa.Integer(), sa.ForeignKey(target, ondelete=ondelete), nullable=nullable
    )


def upgrade() -> None:
    op.create_table(
        "lti_keys",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kid", sa.String(64), nullable=False, unique=True),
        sa.Column("private_key_pem", sa.Text(), nullable=False),
        _when("created_at"),
        _when("retire_at", nullable=True),
    )
    op.create_table(
        "lti_platforms",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("issuer", sa.String(255), nullable=False),
        sa.Column("client_id", sa.String(255), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("auth_url", sa.String(2000), nullable=False),
        sa.Column("token_url", sa.String(2000), nullable=False),
        sa.Column("jwks_url", sa.String(2000), nullable=False),
        sa.Column("token_audience", sa.String(2000), nullable=False),
        sa.Column("jwks", sa.JSON(), nullable=True),
        _when("jwks_fetched_at", nullable=True),
        _when("jwks_expires_at", nullable=True),
        _when("created_at"),
        sa.UniqueConstraint("issuer", "client_id", name="uq_lti_platform"),
    )
    op.create_table(
        "lti_deployments",
        sa.Column("id", sa.Integer(), primary_key=True),
        _fk("platform_id", "lti_platforms.id", "CASCADE"),
        sa.Column("deployment_id", sa.String(255), nullable=False),
        sa.UniqueConstraint("platform_id", "deployment_id", name="uq_lti_deployment"),
    )
    op.create_table(
        "lti_launch_states",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("state", sa.String(64), nullable=False, unique=True),
        sa.Column("nonce", sa.String(64), nullable=False),
        _fk("platform_id", "lti_platforms.id", "CASCADE"),
        sa.Column("target_link_uri", sa.String(2000), nullable=False),
        _when("created_at"),
        _when("expires_at"),
        _when("used_at", nullable=True),
    )
    op.create_index("ix_lti_launch_states_expires_at", "lti_launch_states", ["expires_at"])
    op.create_table(
        "lti_users",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("issuer", sa.String(255), nullable=False),
        sa.Column("sub", sa.String(255), nullable=False),
        sa.Column("name", sa.String(80), nullable=False),
        _fk("teacher_id", "teachers.id", "SET NULL", nullable=True),
        _when("created_at"),
        sa.UniqueConstraint("issuer", "sub", name="uq_lti_user"),
    )
    op.create_table(
        "lti_resource_links",
        sa.Column("id", sa.Integer(), primary_key=True),
        _fk("platform_id", "lti_platforms.id", "CASCADE"),
        sa.Column("deployment_id", sa.String(255), nullable=False),
        sa.Column("resource_link_id", sa.String(255), nullable=False),
        sa.Column("title", sa.String(255), nullable=False),
        sa.Column("context_title", sa.String(255), nullable=False),
        _fk("assignment_id", "assignments.id", "SET NULL", nullable=True),
        sa.Column("lineitem_url", sa.String(2000), nullable=False),
        sa.Column("ags_scopes", sa.JSON(), nullable=False),
        _when("updated_at"),
        sa.UniqueConstraint("platform_id", "resource_link_id", name="uq_lti_resource_link"),
    )
    op.create_index("ix_lti_resource_links_assignment_id", "lti_resource_links", ["assignment_id"])
    op.create_table(
        "lti_link_grants",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token", sa.String(64), nullable=False, unique=True),
        _fk("platform_id", "lti_platforms.id", "CASCADE"),
        _fk("assignment_id", "assignments.id", "CASCADE"),
        _when("created_at"),
    )
    op.create_table(
        "lti_attempts",
        sa.Column(
            "attempt_id",
            sa.Integer(),
            sa.ForeignKey("attempts.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        _fk("lti_user_id", "lti_users.id", "CASCADE"),
        _fk("assignment_id", "assignments.id", "CASCADE"),
        _fk("resource_link_id", "lti_resource_links.id", "SET NULL", nullable=True),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.UniqueConstraint("lti_user_id", "assignment_id", "number", name="uq_lti_attempt_number"),
    )
    op.create_index("ix_lti_attempts_assignment_id", "lti_attempts", ["assignment_id"])
    op.create_table(
        "lti_sessions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("kind", sa.String(16), nullable=False),
        _fk("lti_user_id", "lti_users.id", "CASCADE"),
        _fk("platform_id", "lti_platforms.id", "CASCADE"),
        _fk("resource_link_id", "lti_resource_links.id", "CASCADE", nullable=True),
        sa.Column("deep_link", sa.JSON(), nullable=True),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        _when("created_at"),
        _when("expires_at"),
    )
    op.create_index("ix_lti_sessions_expires_at", "lti_sessions", ["expires_at"])
    op.create_table(
        "lti_grades",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "attempt_id",
            sa.Integer(),
            sa.ForeignKey("attempts.id", ondelete="CASCADE"),
            nullable=False,
            unique=True,
        ),
        _fk("resource_link_id", "lti_resource_links.id", "CASCADE"),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("tries", sa.Integer(), nullable=False),
        _when("next_attempt_at"),
        _when("claimed_at", nullable=True),
        sa.Column("claim", sa.String(32), nullable=True),
        sa.Column("last_error", sa.String(500), nullable=False),
        _when("sent_at", nullable=True),
        _when("created_at"),
    )
    op.create_index("ix_lti_grades_due", "lti_grades", ["status", "next_attempt_at"])
    op.create_table(
        "lti_access_tokens",
        sa.Column(
            "platform_id",
            sa.Integer(),
            sa.ForeignKey("lti_platforms.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("scope", sa.String(255), primary_key=True),
        sa.Column("access_token", sa.Text(), nullable=False),
        _when("expires_at"),
    )


def downgrade() -> None:
    for table in (
        "lti_access_tokens",
        "lti_grades",
        "lti_sessions",
        "lti_attempts",
        "lti_link_grants",
        "lti_resource_links",
        "lti_users",
        "lti_launch_states",
        "lti_deployments",
        "lti_platforms",
        "lti_keys",
    ):
        op.drop_table(table)
