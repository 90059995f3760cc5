"""PostgreSQL for tests marked ``postgres``: a fresh schema per test on the server at 127.0.0.1:5432.

The store gets a URL whose ``options=-csearch_path=<schema>`` makes every table, Alembic's version table
included, live in that schema; the schema is dropped afterwards. An unreachable server fails the test: these
tests must run here, never skip.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@contextmanager
def pg_schema() -> Iterator[str]:
    """A store URL confined to a new schema ``upskill_test_<random>``, dropped on exit."""
    name = f"upskill_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{name}"'))
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{name}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The same test on an SQLite file and (marked ``postgres``) on a PostgreSQL schema of its own."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    with pg_schema() as url:
        yield url
