"""Learner links: a signed, expiring, revocable link opens one learner's page in a session of its own.

``learner_links`` holds each link (a random id, the learner's pseudonym, who issued it, its expiry and
revocation). ``web_sessions`` now holds learners' sessions too: a counsellor's has ``key_hash``, a learner's
``link_id``. Sessions are short-lived, so the table is made anew rather than altered (SQLite cannot change a
column's nullability in place): whoever was signed in to the counsellor page signs in again.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _web_sessions(*extra: sa.Column, key_hash_nullable: bool) -> None:
    op.create_table(
        "web_sessions",
        sa.Column("id_hash", sa.String(64), primary_key=True),
        sa.Column("key_hash", sa.String(64), nullable=key_hash_nullable, index=True),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False, index=True),
        *extra,
    )


def upgrade() -> None:
    op.create_table(
        "learner_links",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("learner_id", sa.String(128), nullable=False, index=True),
        sa.Column("issued_by", sa.String(128), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.String(128), nullable=True),
    )
    op.drop_table("web_sessions")
    _web_sessions(
        sa.Column("link_id", sa.String(32), sa.ForeignKey("learner_links.id", ondelete="CASCADE"), nullable=True,
                  index=True),
        key_hash_nullable=True,
    )


def downgrade() -> None:
    op.drop_table("web_sessions")
    _web_sessions(key_hash_nullable=False)
    op.drop_table("learner_links")
