"""The provider routes need the broker (they read and write the catalogue topic): with it away or frozen, they
answer 503 with the reason within two seconds instead of hanging, and work again once it is back."""

from __future__ import annotations

import os
import signal
import time

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from config.settings import Settings
from upskill.broker import EmbeddedBroker

pytestmark = pytest.mark.hostile
ADMIN = {"Authorization": "Bearer test-admin-token"}
OFFERING = {"id": "acme-sheets", "provider": "acme", "provider_name": "ACME", "title": "Spreadsheets",
            "description": "Formulas and charts.", "competences": ["3.1"], "level_min": 1, "level_max": 3,
            "format": "online", "languages": ["en"], "cost": {"free": True}}


def _settings(bootstrap: str, tmp_path, unique_topics=None) -> Settings:  # noqa: ANN001
    kafka: dict = {"bootstrap_servers": bootstrap, "partitions": 1}
    if unique_topics is not None:
        kafka["topics"] = unique_topics.model_dump()
    return Settings(kafka=kafka, database={"url": f"sqlite:///{tmp_path / 'a.db'}"},
                    api={"admin_token": "test-admin-token"}, data_dir=tmp_path)


def _timed(call) -> tuple[int, float, str]:  # noqa: ANN001
    started = time.monotonic()
    resp = call()
    return resp.status_code, time.monotonic() - started, resp.text


def test_with_no_broker_the_provider_routes_answer_503_within_two_seconds(tmp_path):
    with TestClient(create_app(_settings("127.0.0.1:1", tmp_path), start_relay=False)) as client:
        for call in (lambda: client.get("/v1/offerings?provider=acme", headers=ADMIN),
                     lambda: client.get("/v1/coverage", headers=ADMIN),
                     lambda: client.post("/v1/offerings", headers=ADMIN, json=OFFERING)):
            code, took, text = _timed(call)
            assert code == 503 and took < 2.0, (code, took, text)
            assert "broker does not answer" in text
        assert client.get("/healthz").status_code == 200


@pytest.mark.kafka
def test_a_frozen_broker_gives_503_within_two_seconds_and_a_thawed_one_serves_again(tmp_path, unique_topics):
    broker = EmbeddedBroker(log_path=tmp_path / "tansu.log").start()
    try:
        settings = _settings(broker.bootstrap, tmp_path, unique_topics)
        with TestClient(create_app(settings, start_relay=False)) as client:
            assert client.post("/v1/offerings", headers=ADMIN, json=OFFERING).status_code == 201
            os.kill(broker.proc.pid, signal.SIGSTOP)  # connections stay open, nothing answers
            try:
                for call in (lambda: client.get("/v1/offerings?provider=acme", headers=ADMIN),
                             lambda: client.put("/v1/offerings/acme-sheets", headers=ADMIN,
                                                json={**OFFERING, "title": "Spreadsheets 2"})):
                    code, took, text = _timed(call)
                    assert code == 503 and took < 2.0, (code, took, text)
            finally:
                os.kill(broker.proc.pid, signal.SIGCONT)
            deadline = time.monotonic() + 30
            while (code := client.get("/v1/offerings?provider=acme", headers=ADMIN).status_code) != 200:
                assert time.monotonic() < deadline, code
                time.sleep(0.5)
    finally:
        broker.stop()
