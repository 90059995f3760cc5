"""Outbox ids are never reused.

SQLite hands out ``max(rowid) + 1`` for a plain integer key, so after an erasure deleted the newest outbox rows a
tombstone could take the id of a row the relay was publishing at that moment, and the relay's "mark these ids
published" then marked the tombstone as sent without sending it. ``AUTOINCREMENT`` makes ids strictly increasing;
PostgreSQL's sequence already never reuses one.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table("outbox", recreate="always", table_kwargs={"sqlite_autoincrement": True}):
        pass


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table("outbox", recreate="always", table_kwargs={"sqlite_autoincrement": False}):
        pass
