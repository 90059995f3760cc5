"""Outbox records the broker refuses for what they are are parked, not retried for ever.

A record too large for the broker (or otherwise invalid) failed the whole batch, so the relay retried it for ever
and every later assessment, review and erasure tombstone waited behind it. The relay now parks such a record
(``parked_at``, the reason in ``last_error``) and goes on; ``upskill outbox retry`` puts it back in line.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    kwargs = {"recreate": "always", "table_kwargs": {"sqlite_autoincrement": True}} if sqlite else {}
    with op.batch_alter_table("outbox", **kwargs) as batch:
        batch.add_column(sa.Column("parked_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_index("ix_outbox_parked_at", ["parked_at"])


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    kwargs = {"recreate": "always", "table_kwargs": {"sqlite_autoincrement": True}} if sqlite else {}
    with op.batch_alter_table("outbox", **kwargs) as batch:
        batch.drop_index("ix_outbox_parked_at")
        batch.drop_column("parked_at")
