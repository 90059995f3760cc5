"""Requests per API user: above the rate a caller gets 429 with Retry-After, others are not slowed by them."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from api.main import create_app
from config.settings import Settings
from tests.api.conftest import auth
from tests.support.people_data import build_world

pytestmark = pytest.mark.hostile


def test_a_user_above_their_rate_gets_429_and_others_do_not(tmp_path):
    settings = Settings(kafka={"bootstrap_servers": "127.0.0.1:1"},
                        database={"url": f"sqlite:///{tmp_path / 'r.db'}"},
                        api={"admin_token": "test-admin-token", "rate_limit": "5/minute",
                             "write_rate_limit": "2/minute"}, data_dir=tmp_path)
    with TestClient(create_app(settings, start_relay=False)) as client:
        world = build_world(client.app.state.store)
        ana, bob = auth(world, "ana"), auth(world, "bob")
        assert [client.get("/v1/me", headers=ana).status_code for _ in range(5)] == [200] * 5
        refused = client.get("/v1/me", headers=ana)
        assert refused.status_code == 429 and 1 <= int(refused.headers["Retry-After"]) <= 60
        assert "at most 5 per 1 minute" in refused.json()["detail"]
        assert client.get("/v1/me", headers=bob).status_code == 200  # another user's own budget

        url = f"/v1/recommendations/{world.recs['bob']}/items/off-safe/feedback"
        writes = [client.put(url, headers=bob, json={"value": "relevant"}).status_code for _ in range(3)]
        assert writes == [200, 200, 429]  # two writes a minute
        assert "write requests" in client.put(url, headers=bob, json={"value": "relevant"}).json()["detail"]
        assert client.get("/v1/me", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_a_rate_that_cannot_be_read_is_refused_at_start() -> None:
    with pytest.raises(ValidationError, match="not a rate"):
        Settings(api={"rate_limit": "lots"})
