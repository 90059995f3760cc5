"""Assessments, recommendations and the outbox.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
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
        "assessments",
        sa.Column("event_id", sa.String(36), primary_key=True),
        sa.Column("learner_id", sa.String(128), nullable=False, index=True),
        sa.Column("assessment_id", sa.String(128), nullable=False),
        sa.Column("framework", sa.String(32), nullable=False),
        sa.Column("campaign", sa.String(128), index=True),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("counsellor_id", sa.String(128), index=True),
        sa.Column("organisation_id", sa.String(128)),
        sa.Column("share_with_counsellor", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("body", sa.JSON, nullable=False),
    )
    op.create_table(
        "recommendations",
        sa.Column("recommendation_id", sa.String(36), primary_key=True),
        sa.Column(
            "event_id",
            sa.String(36),
            sa.ForeignKey("assessments.event_id", ondelete="CASCADE"),
            nullable=False,
            unique=True,
        ),
        sa.Column("learner_id", sa.String(128), nullable=False),
        sa.Column("generated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(32), nullable=False, server_default="pending_review"),
        sa.Column("catalog_version", sa.String(32), nullable=False),
        sa.Column("item_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("body", sa.JSON, nullable=False),
        sa.Column("published", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_index("ix_recommendations_learner_generated", "recommendations", ["learner_id", "generated_at"])
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("topic", sa.String(255), nullable=False),
        sa.Column("key", sa.String(255)),
        sa.Column("value", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), index=True),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text),
    )


def downgrade() -> None:
    op.drop_table("outbox")
    op.drop_index("ix_recommendations_learner_generated", "recommendations")
    op.drop_table("recommendations")
    op.drop_table("assessments")
