"""Consent per learner, the latest word winning, instead of per assessment row.

Counsellors saw a learner's older recommendations after the learner withdrew consent in a later assessment,
because consent was read from each assessment row. ``consents`` holds the state per learner; it starts from each
learner's latest assessment.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "consents",
        sa.Column("learner_id", sa.String(128), primary_key=True),
        sa.Column("share_with_counsellor", sa.Boolean, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.execute(
        "INSERT INTO consents (learner_id, share_with_counsellor, at) "
        "SELECT a.learner_id, MAX(CASE WHEN a.share_with_counsellor THEN 1 ELSE 0 END) = 1, a.occurred_at "
        "FROM assessments a "
        "JOIN (SELECT learner_id, MAX(occurred_at) AS at FROM assessments GROUP BY learner_id) latest "
        "ON a.learner_id = latest.learner_id AND a.occurred_at = latest.at "
        "GROUP BY a.learner_id, a.occurred_at"
    )


def downgrade() -> None:
    op.drop_table("consents")
