"""The whole event path on the embedded broker: contract events in, recommendations out, duplicates and DLQ.

The worker runs as a real ``upskill worker`` process; events are produced by kafka-python and by
confluent-kafka (other teams' clients), and everything is read back from the topics and the store.
"""

from __future__ import annotations

import copy
import json
import time
import uuid

import httpx
import pytest
from confluent_kafka import Producer

from kafka_io.client import ensure_topics, make_producer, publish
from store import Store
from tests.conftest import example_event
from tests.support.worker_proc import TopicTail, WorkerProcess, wait_for
from upskill.broker import free_port

pytestmark = [pytest.mark.kafka, pytest.mark.slow]


@pytest.fixture()
def worker(kafka_settings, tmp_path):
    kafka_settings.metrics.port = free_port()
    ensure_topics(kafka_settings)
    proc = WorkerProcess(kafka_settings, tmp_path / "worker.log").start()
    yield proc
    proc.stop()


def _produce_confluent(settings, topic: str, key: str, value: bytes) -> None:
    producer = Producer({"bootstrap.servers": settings.kafka.bootstrap_servers, "acks": "all"})
    producer.produce(topic, key=key.encode(), value=value)
    assert producer.flush(15) == 0


def test_contract_events_yield_one_recommendation_each_and_bad_input_goes_to_the_dlq(kafka_settings, worker):
    topics = kafka_settings.kafka.topics
    digcomp, pix = example_event("digcomp"), example_event("pix")
    unknown_code = copy.deepcopy(digcomp)
    unknown_code["event_id"] = str(uuid.uuid4())
    unknown_code["results"][0]["competence"] = "9.9"

    producer = make_producer(kafka_settings)
    publish(producer, topics.assessments, [
        (digcomp["learner"]["id"], json.dumps(digcomp).encode()),
        ("garbage", b"{not json"),
        (unknown_code["learner"]["id"], json.dumps(unknown_code).encode()),
    ])
    _produce_confluent(kafka_settings, topics.assessments, pix["learner"]["id"], json.dumps(pix).encode())
    # The same event again (a producer retry, a replay): it must not give a second recommendation.
    publish(producer, topics.assessments, [(digcomp["learner"]["id"], json.dumps(digcomp).encode())])
    producer.close()

    recs, dlq = TopicTail(kafka_settings, topics.recommendations), TopicTail(kafka_settings, topics.assessments_dlq)
    wait_for(lambda: len(recs.poll()) >= 2 and len(dlq.poll()) >= 2, 90, "2 recommendations and 2 dead letters",
             worker)
    metrics_url = f"http://127.0.0.1:{kafka_settings.metrics.port}/metrics"
    wait_for(lambda: _metric(httpx.get(metrics_url).text, "upskill_worker_duplicates_total") == 1, 30,
             "the duplicate to be seen and skipped", worker)
    time.sleep(1.0)  # a second recommendation, if one were wrongly made, would have arrived by now
    # the worker's caches say what they did (hits, misses) on its metrics port
    exported = httpx.get(metrics_url).text
    assert _metric(exported, 'upskill_worker_cache_misses_total{cache="profile_views"}') >= 1
    assert _metric(exported, 'upskill_worker_cache_misses_total{cache="rule_masks"}') >= 1

    values = recs.values()
    assert sorted(v["event_id"] for v in values) == sorted([digcomp["event_id"], pix["event_id"]])
    by_event = {v["event_id"]: (r.key.decode(), v) for r, v in zip(recs.poll(), values, strict=True)}
    for ev in (digcomp, pix):
        key, rec = by_event[ev["event_id"]]
        assert key == ev["learner"]["id"]  # keyed by learner id
        assert rec["learner_id"] == ev["learner"]["id"] and rec["assessment_id"] == ev["assessment"]["id"]
        assert rec["gaps"] and rec["items"], "both examples have gaps the catalogue can serve"
        assert rec["status"] == "pending_review" and rec["catalog_version"] != "0" * 16
        assert [s["order"] for s in rec["path"]["steps"]] == list(range(1, len(rec["path"]["steps"]) + 1))

    letters = {r.key: dict(r.headers) for r in dlq.poll()}
    assert letters[b"garbage"]["error_type"] == b"json"
    assert b"results" in letters[b"lrn-7f3a9c"]["error"] and b"9.9" in letters[b"lrn-7f3a9c"]["error"]
    for headers in letters.values():
        assert headers["original_topic"] == topics.assessments.encode()
        assert {"original_partition", "original_offset", "error"} <= set(headers)
    recs.close()
    dlq.close()

    store = Store(kafka_settings.database.url)
    assert store.count_recommendations() == 2
    assert store.latest_for_learner("lrn-0b12de").event_id == uuid.UUID(pix["event_id"])
    assert worker.alive(), "bad input must never stop the worker"

    # Operators see it: JSON log lines carrying the event id, and Prometheus counters.
    lines = [json.loads(line) for line in worker.log().splitlines() if line.startswith("{")]
    assert any(rec.get("event_id") == pix["event_id"] and "recommendation" in rec["message"] for rec in lines)
    scraped = httpx.get(metrics_url).text
    assert _metric(scraped, "upskill_worker_recommendations_out_total") == 2
    assert _metric(scraped, "upskill_worker_dead_letters_total") == 2
    assert _metric(scraped, "upskill_worker_events_in_total") == 5
    assert _metric(scraped, "upskill_worker_index_offerings") == 165


def _metric(text: str, name: str) -> float:
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    raise AssertionError(f"{name} not exported")


def test_a_recommendation_stored_but_never_sent_is_sent_when_the_worker_starts(kafka_settings, recommender,
                                                                               tmp_path):
    """A worker that stopped between storing and sending (the batch's offsets committed) leaves it in the store."""
    from schemas.assessment import AssessmentCompleted

    event = AssessmentCompleted.model_validate(example_event("digcomp"))
    rec = recommender.recommend(event)
    store = Store(kafka_settings.database.url)
    assert store.save([(event, rec)]) == [str(event.event_id)]
    kafka_settings.metrics.port = free_port()
    ensure_topics(kafka_settings)
    proc = WorkerProcess(kafka_settings, tmp_path / "worker.log").start()
    tail = TopicTail(kafka_settings, kafka_settings.kafka.topics.recommendations)
    try:
        wait_for(lambda: any(json.loads(r.value)["recommendation_id"] == str(rec.recommendation_id)
                             for r in tail.poll()), 60, "the stored recommendation on the topic", proc)
        wait_for(lambda: store.known_events([str(event.event_id)]) == {str(event.event_id): True}, 30,
                 "the store to mark it sent", proc)
    finally:
        tail.close()
        proc.stop()
    assert "re-sent 1 recommendations" in proc.log()
