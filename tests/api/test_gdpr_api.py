"""GDPR requests: an admin exports a learner's data and erases it (store rows gone, tombstones on the topics)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text

from api.main import create_app
from kafka_io.client import ensure_topics
from store.models import OutboxRow
from tests.api.conftest import auth
from tests.conftest import example_event
from tests.support.people_data import build_world
from tests.support.worker_proc import TopicTail, wait_for

ADMIN = {"Authorization": "Bearer test-admin-token"}
TABLES = ("assessments", "recommendations", "reviews", "feedback", "users")


def _touch(client, w) -> None:
    """A review, a piece of feedback and a pending assessment for ana."""
    rid = w.recs["ana"]
    assert client.post(f"/v1/recommendations/{rid}/edit", headers=auth(w, "c1"),
                       json={"steps": ["off-safe"], "note": "short path"}).status_code == 200
    assert client.put(f"/v1/recommendations/{rid}/items/off-safe/feedback", headers=auth(w, "ana"),
                      json={"value": "enrolled"}).status_code == 200
    raw = example_event("digcomp")
    raw["learner"]["id"] = "ana"
    assert client.post("/v1/assessments", json=raw, headers=auth(w, "ana")).status_code == 202


def _rows_about(store, learner: str) -> dict[str, int]:
    with store.engine.connect() as conn:
        return {t: conn.execute(text(f"SELECT count(*) FROM {t} WHERE learner_id = :l"), {"l": learner}).scalar()  # noqa: S608
                for t in TABLES}


def test_export_holds_everything_about_the_learner_and_nobody_else(world):
    client, w = world
    _touch(client, w)
    resp = client.get("/v1/learners/ana/export", headers=ADMIN)
    assert resp.status_code == 200
    data = resp.json()
    assert [a["learner"]["id"] for a in data["assessments"]] == ["ana"]
    assert [r["recommendation"]["recommendation_id"] for r in data["recommendations"]] == [w.recs["ana"]]
    assert [(r["action"], r["note"]) for r in data["reviews"]] == [("edit", "short path")]
    assert [(f["offering_id"], f["value"]) for f in data["feedback"]] == [("off-safe", "enrolled")]
    assert [a["role"] for a in data["accounts"]] == ["learner"]
    assert "bob" not in resp.text and w.keys["ana"] not in resp.text
    assert client.get("/v1/learners/nobody/export", headers=ADMIN).status_code == 404


def test_erasure_removes_every_row_and_queues_tombstones(world):
    client, w = world
    _touch(client, w)
    assert _rows_about(w.store, "ana") == {t: 1 for t in TABLES}
    resp = client.delete("/v1/learners/ana", headers=ADMIN)
    assert resp.status_code == 200
    assert resp.json()["deleted"]["recommendations"] == 1 and resp.json()["deleted"]["outbox"] == 2

    assert _rows_about(w.store, "ana") == {t: 0 for t in TABLES}
    assert client.get("/v1/learners/ana/export", headers=ADMIN).status_code == 404
    assert client.get("/v1/me", headers=auth(w, "ana")).status_code == 401  # their key went with them
    with w.store.session() as s:
        queued = s.execute(select(OutboxRow.topic, OutboxRow.value).where(OutboxRow.key == "ana")).all()
        assert sorted(queued) == sorted((t, None) for t in (
            "assessments.completed", "assessments.completed.dlq", "recommendations.generated",
            "recommendations.reviewed"))
        assert s.scalar(select(func.count()).select_from(OutboxRow).where(OutboxRow.value.is_not(None))) == 0
    # everyone else is untouched
    assert _rows_about(w.store, "bob")["recommendations"] == 1
    assert client.get(f"/v1/recommendations/{w.recs['cyd']}", headers=auth(w, "c1")).status_code == 200
    assert client.delete("/v1/learners/ana", headers=ADMIN).status_code == 200  # idempotent


@pytest.mark.kafka
def test_erasure_publishes_tombstones_keyed_by_learner(kafka_settings):
    ensure_topics(kafka_settings)
    topics = kafka_settings.kafka.topics
    with TestClient(create_app(kafka_settings)) as client:
        w = build_world(client.app.state.store)
        raw = example_event("digcomp")
        raw["learner"]["id"] = "ana"
        assert client.post("/v1/assessments", json=raw, headers=auth(w, "ana")).status_code == 202
        assert client.delete("/v1/learners/ana", headers=ADMIN).status_code == 200
        tails = {t: TopicTail(kafka_settings, t) for t in (topics.assessments, topics.recommendations)}

        def tombstoned(tail: TopicTail) -> bool:
            return any(r.key == b"ana" and r.value is None for r in tail.poll())

        wait_for(lambda: all(tombstoned(t) for t in tails.values()), 30, "tombstones on both topics")
        assert client.app.state.relay.pending() == 0
    for tail in tails.values():
        tail.close()
