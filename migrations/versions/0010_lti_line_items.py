"""LTI grades, exact: a link's line-item container (to find or make its gradebook column), the
hosts a platform's grade services live on besides its registered URLs, and how often a cached
access token has failed in a row (a stale one is dropped).

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMNs (no batch copy), so no table is copied and no cascade fires on SQLite.
    op.add_column(
        "lti_resource_links",
        sa.Column("lineitems_url", sa.String(2000), nullable=False, server_default=""),
    )
    op.add_column(
        "lti_platforms",
        sa.Column("service_hosts", sa.JSON(), nullable=False, server_default="[]"),
    )
    op.add_column(
        "lti_access_tokens",
        sa.Column("failures", sa.Integer(), nullable=False, server_default="0"),
    )


def downgrade() -> None:
    op.drop_column("lti_access_tokens", "failures")
    op.drop_column("lti_platforms", "service_hosts")
    op.drop_column("lti_resource_links", "lineitems_url")
