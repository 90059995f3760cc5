"""Stream tests that touch the store run on SQLite and, marked ``postgres``, on PostgreSQL."""

from tests.support.postgres import store_url  # noqa: F401 - a fixture
