"""The worker's catalogue: live updates from providers, snapshots, and restarts without re-embedding."""

from __future__ import annotations

import copy
import json
import re
import uuid

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from kafka_io.client import ensure_topics, make_producer, publish
from tests.conftest import example_event
from tests.support.worker_proc import TopicTail, WorkerProcess, wait_for

pytestmark = [pytest.mark.kafka, pytest.mark.slow]
ADMIN = {"Authorization": "Bearer test-admin-token"}


def _event(base: str, learner: str, **changes) -> dict:
    ev = copy.deepcopy(example_event(base))
    ev["event_id"] = str(uuid.uuid4())
    ev["learner"]["id"] = learner
    ev.update(changes)
    return ev


def _recommend_through(settings, worker, tail: TopicTail, event: dict) -> dict:
    producer = make_producer(settings)
    publish(producer, settings.kafka.topics.assessments, [(event["learner"]["id"], json.dumps(event).encode())])
    producer.close()
    found: list[dict] = []

    def arrived() -> bool:
        found[:] = [v for v in tail.values() if v["event_id"] == event["event_id"]]
        return bool(found)

    wait_for(arrived, 60, f"the recommendation of {event['learner']['id']}", worker)
    return found[0]


NEW_OFFERING = {
    "id": "acme-privacy-clinic", "provider": "acme", "provider_name": "ACME Training",
    "title": "Privacy clinic: protecting your personal data online",
    "description": "Hands-on sessions on privacy settings, personal data, cookies, GDPR rights and safe sharing.",
    "kind": "course", "status": "active", "competences": ["4.2"], "level_min": 2, "level_max": 4,
    "format": "online", "duration_hours": 4, "languages": ["fr", "en", "de"], "cost": {"free": True},
}


def test_provider_offering_is_recommended_live_then_withdrawn(kafka_settings, tmp_path):
    ensure_topics(kafka_settings)
    worker = WorkerProcess(kafka_settings, tmp_path / "worker.log").start()
    tail = TopicTail(kafka_settings, kafka_settings.kafka.topics.recommendations)
    # A learner whose only gap is 4.2 (privacy), in languages the new offering is taught in.
    privacy_only = {"results": [{"competence": "4.2", "level": 1}], "target": {"levels": {"4.2": 4}}}
    try:
        before = _recommend_through(kafka_settings, worker, tail, _event("digcomp", "lrn-live-0", **privacy_only))
        assert "acme-privacy-clinic" not in [i["offering_id"] for i in before["items"]]

        with TestClient(create_app(kafka_settings, start_relay=False)) as client:
            resp = client.post("/v1/offerings", json=NEW_OFFERING, headers=ADMIN)
            assert resp.status_code == 201, resp.text
            wait_for(lambda: "acme-privacy-clinic" in json.dumps(
                _recommend_through(kafka_settings, worker, tail, _event("digcomp", "lrn-live-x", **privacy_only))
            ), 30, "the new offering to be recommended", worker)
            after = _recommend_through(kafka_settings, worker, tail, _event("digcomp", "lrn-live-1", **privacy_only))
            assert "acme-privacy-clinic" in [i["offering_id"] for i in after["items"]]
            assert after["catalog_version"] != before["catalog_version"]

            assert client.delete("/v1/offerings/acme-privacy-clinic", headers=ADMIN).status_code == 204
            wait_for(lambda: "acme-privacy-clinic" not in json.dumps(
                _recommend_through(kafka_settings, worker, tail, _event("digcomp", "lrn-live-y", **privacy_only))
            ), 30, "the withdrawn offering to disappear", worker)
    finally:
        tail.close()
        worker.stop()


def test_restarted_worker_loads_its_snapshot_and_recommends_the_same_without_re_embedding(kafka_settings, tmp_path):
    ensure_topics(kafka_settings)
    tail = TopicTail(kafka_settings, kafka_settings.kafka.topics.recommendations)
    first = WorkerProcess(kafka_settings, tmp_path / "worker-1.log").start()
    try:
        rec1 = _recommend_through(kafka_settings, first, tail, _event("pix", "lrn-restart-1"))
    finally:
        first.stop()
    assert (kafka_settings.catalog.snapshot_dir / "meta.json").exists(), first.log()[-2000:]

    second = WorkerProcess(kafka_settings, tmp_path / "worker-2.log").start()
    try:
        log = second.log()
        assert re.search(r"snapshot of 165 offerings \(version \w+\) loaded", log), log[-2000:]
        applied = re.findall(r"catalogue updated: [^\n]*embedded (\d+)", log)
        assert applied and all(n == "0" for n in applied), "catching up after a snapshot must embed nothing"
        rec2 = _recommend_through(kafka_settings, second, tail, _event("pix", "lrn-restart-2"))
    finally:
        second.stop()
        tail.close()
    assert rec2["catalog_version"] == rec1["catalog_version"]
    assert [(i["offering_id"], i["score"]) for i in rec2["items"]] == [
        (i["offering_id"], i["score"]) for i in rec1["items"]
    ]
