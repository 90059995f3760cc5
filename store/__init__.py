"""The store: SQLAlchemy 2 over SQLite (embedded default) or PostgreSQL, schema managed by Alembic."""

from store.db import Store, migrate

__all__ = ["Store", "migrate"]
