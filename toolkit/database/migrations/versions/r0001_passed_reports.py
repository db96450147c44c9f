"""Branches that report passing a motion ("tell us you passed it").

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "passed_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document", sa.String(length=300), nullable=False),
        sa.Column("branch_key", sa.String(length=1100), nullable=False),
        sa.Column("branch", sa.String(length=500), nullable=False),
        sa.Column("union_name", sa.String(length=500), server_default="", nullable=False),
        sa.Column("passed_on", sa.Date(), nullable=False),
        sa.Column("votes_for", sa.Integer(), nullable=True),
        sa.Column("votes_against", sa.Integer(), nullable=True),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_passed_reports")),
        sa.UniqueConstraint("document", "branch_key", name=op.f("uq_passed_reports_document")),
    )


def downgrade() -> None:
    op.drop_table("passed_reports")
