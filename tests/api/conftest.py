"""The people tests run on SQLite and, marked ``postgres``, on a PostgreSQL schema of their own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from config.settings import Settings
from tests.support.people_data import World, build_world
from tests.support.postgres import store_url  # noqa: F401 - a fixture


@pytest.fixture()
def people_settings(store_url: str, tmp_path) -> Settings:  # noqa: F811
    """Settings over this test's store, with no broker (the outbox keeps what would be published)."""
    return Settings(
        kafka={"bootstrap_servers": "127.0.0.1:1"}, database={"url": store_url},
        api={"admin_token": "test-admin-token"}, data_dir=tmp_path,
    )


@pytest.fixture()
def world(people_settings: Settings) -> Iterator[tuple[TestClient, World]]:
    """The app over a store of five learners and a key per user (see ``build_world``)."""
    with TestClient(create_app(people_settings, start_relay=False)) as client:
        yield client, build_world(client.app.state.store)


def auth(world: World, who: str) -> dict[str, str]:
    """The Authorization header of one of the world's users."""
    return {"Authorization": f"Bearer {world.keys[who]}"}
