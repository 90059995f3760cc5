"""Store tests run on SQLite and, marked ``postgres``, on a PostgreSQL schema of their own."""

from tests.support.postgres import store_url  # noqa: F401 - a fixture
