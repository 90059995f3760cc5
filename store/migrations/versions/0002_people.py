"""People: users and their hashed API keys, counsellor reviews (the audit trail) and learner feedback.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
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
        "users",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("role", sa.String(16), nullable=False, index=True),
        sa.Column("provider", sa.String(128)),
        sa.Column("learner_id", sa.String(128), index=True),
        sa.Column("counsellor_id", sa.String(128), index=True),
        sa.Column("team", sa.String(128), index=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
    )
    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "recommendation_id",
            sa.String(36),
            sa.ForeignKey("recommendations.recommendation_id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("learner_id", sa.String(128), nullable=False, index=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("changes", sa.JSON, nullable=False),
        sa.Column("body", sa.JSON, nullable=False),
    )
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "recommendation_id",
            sa.String(36),
            sa.ForeignKey("recommendations.recommendation_id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("learner_id", sa.String(128), nullable=False, index=True),
        sa.Column("offering_id", sa.String(128), nullable=False),
        sa.Column("competences", sa.JSON, nullable=False),
        sa.Column("value", sa.String(16), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("recommendation_id", "offering_id", name="uq_feedback_item"),
    )


def downgrade() -> None:
    op.drop_table("feedback")
    op.drop_table("reviews")
    op.drop_table("api_keys")
    op.drop_table("users")
