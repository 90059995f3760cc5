"""The API: assessments in through the outbox to Kafka, the learner's latest recommendation out of the store."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from config.settings import Settings
from kafka_io.client import ensure_topics
from schemas.assessment import AssessmentCompleted
from store import Store
from tests.conftest import example_event
from tests.support.worker_proc import TopicTail, wait_for

ADMIN = {"Authorization": "Bearer test-admin-token"}


@pytest.fixture()
def offline_settings(tmp_path) -> Settings:
    """Settings whose broker does not exist: the outbox keeps what the API accepts."""
    return Settings(
        kafka={"bootstrap_servers": "127.0.0.1:1"},
        database={"url": f"sqlite:///{tmp_path / 'api.db'}"},
        api={"admin_token": "test-admin-token"},
        data_dir=tmp_path,
    )


def test_health_and_openapi(offline_settings):
    with TestClient(create_app(offline_settings, start_relay=False)) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        ready = client.get("/readyz").json()
        assert ready["database"] == "ok"
        assert "/v1/assessments" in client.get("/openapi.json").json()["paths"]


def test_submitting_needs_a_token(offline_settings):
    with TestClient(create_app(offline_settings, start_relay=False)) as client:
        assert client.post("/v1/assessments", json=example_event("digcomp")).status_code == 401
        bad = client.post("/v1/assessments", json=example_event("digcomp"), headers={"Authorization": "Bearer nope"})
        assert bad.status_code == 401


def test_invalid_body_is_422_naming_the_field(offline_settings):
    raw = example_event("digcomp")
    raw["results"][1]["level"] = 12
    with TestClient(create_app(offline_settings, start_relay=False)) as client:
        resp = client.post("/v1/assessments", json=raw, headers=ADMIN)
    assert resp.status_code == 422
    assert any(err["field"] == "results.1.level" for err in resp.json()["detail"])


def test_accepted_assessment_waits_in_the_outbox_while_the_broker_is_away(offline_settings):
    with TestClient(create_app(offline_settings, start_relay=False)) as client:
        resp = client.post("/v1/assessments", json=example_event("pix"), headers=ADMIN)
        assert resp.status_code == 202
        assert resp.json()["event_id"] == example_event("pix")["event_id"]
        assert client.app.state.relay.pending() == 1


def test_latest_recommendation_comes_from_the_store(offline_settings, recommender):
    event = AssessmentCompleted.model_validate(example_event("digcomp"))
    rec = recommender.recommend(event)
    Store(offline_settings.database.url).save([(event, rec)])
    with TestClient(create_app(offline_settings, start_relay=False)) as client:
        got = client.get("/v1/learners/lrn-7f3a9c/recommendations/latest", headers=ADMIN)
        assert got.status_code == 200
        assert got.json()["recommendation_id"] == str(rec.recommendation_id)
        assert [i["offering_id"] for i in got.json()["items"]] == [i.offering_id for i in rec.items]
        missing = client.get("/v1/learners/lrn-nobody/recommendations/latest", headers=ADMIN)
        assert missing.status_code == 404


@pytest.mark.kafka
def test_relay_publishes_accepted_assessments_to_kafka(kafka_settings):
    ensure_topics(kafka_settings)
    with TestClient(create_app(kafka_settings)) as client:
        for name in ("digcomp", "pix"):
            assert client.post("/v1/assessments", json=example_event(name), headers=ADMIN).status_code == 202
        tail = TopicTail(kafka_settings, kafka_settings.kafka.topics.assessments)
        wait_for(lambda: len(tail.poll()) >= 2, 30, "the relay to publish both assessments")
        assert client.app.state.relay.pending() == 0
    by_key = {r.key.decode(): json.loads(r.value) for r in tail.poll()}
    assert by_key["lrn-7f3a9c"]["event_id"] == example_event("digcomp")["event_id"]
    assert AssessmentCompleted.model_validate(by_key["lrn-0b12de"]).assessment.framework == "pix-16"
    tail.close()


def test_api_metrics_count_requests_by_route_template(offline_settings):
    with TestClient(create_app(offline_settings, start_relay=False)) as client:
        client.post("/v1/assessments", json=example_event("pix"), headers=ADMIN)
        client.get("/v1/learners/lrn-secret-id/recommendations/latest", headers=ADMIN)
        assert client.get("/metrics/").status_code == 401  # not open to anyone on the public port
        assert client.get("/metrics/", headers={"Authorization": "Bearer nope"}).status_code == 401
        text = client.get("/metrics/", headers=ADMIN).text
    assert 'upskill_api_requests_total{method="POST",route="/v1/assessments",status="202"}' in text
    assert 'route="/v1/learners/{learner_id}/recommendations/latest",status="404"' in text
    assert "lrn-secret-id" not in text  # ids never become label values
