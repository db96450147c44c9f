"""Signatures collected on open letters' sign-on pages, organisers, their sessions, the audit.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "letters",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=500), server_default="", nullable=False),
        sa.Column("moderation", sa.String(length=20), server_default="none", nullable=False),
        sa.Column("hand_in", sa.Date(), nullable=True),
        sa.Column("closes", sa.Date(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_letters")),
    )
    op.create_table(
        "signatures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("letter", sa.String(length=200), nullable=False),
        sa.Column("dedupe_key", sa.String(length=700), nullable=False),
        sa.Column("person_key", sa.String(length=700), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("role", sa.String(length=500), server_default="", nullable=False),
        sa.Column("organisation", sa.String(length=500), server_default="", nullable=False),
        sa.Column("group_name", sa.String(length=500), server_default="", nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("publish", sa.String(length=20), nullable=False),
        sa.Column("language", sa.String(length=8), server_default="en", nullable=False),
        sa.Column("status", sa.String(length=20), server_default="new", nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("purged_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signatures")),
        sa.UniqueConstraint("letter", "dedupe_key", name=op.f("uq_signatures_letter")),
    )
    op.create_index("ix_signatures_letter_status", "signatures", ["letter", "status"])
    op.create_index("ix_signatures_letter_person", "signatures", ["letter", "person_key"])
    op.create_index("ix_signatures_email", "signatures", ["email"])
    op.create_table(
        "organisers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("password_hash", sa.String(length=300), nullable=False),
        sa.Column("failures", sa.Integer(), server_default="0", nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisers")),
        sa.UniqueConstraint("name", name=op.f("uq_organisers_name")),
    )
    op.create_table(
        "organiser_sessions",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("organiser", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_organiser_sessions")),
    )
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("organiser", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("letter", sa.String(length=200), server_default="", nullable=False),
        sa.Column("signature", sa.Integer(), nullable=True),
        sa.Column("detail", sa.String(length=500), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit")),
    )


def downgrade() -> None:
    op.drop_table("audit")
    op.drop_table("organiser_sessions")
    op.drop_table("organisers")
    op.drop_index("ix_signatures_email", table_name="signatures")
    op.drop_index("ix_signatures_letter_person", table_name="signatures")
    op.drop_index("ix_signatures_letter_status", table_name="signatures")
    op.drop_table("signatures")
    op.drop_table("letters")
