"""Erasure that holds, with a real worker on the embedded broker: after ``erase``, every topic keyed by learner
ends the learner's key with a tombstone (so compaction leaves nothing of them), the tombstone on the input topic
is not dead-lettered, and neither a replay of their old assessment nor ``dlq replay`` re-creates them."""

from __future__ import annotations

import copy
import json
import time
import uuid

import httpx
import pytest

from kafka_io.client import ensure_topics, make_producer, publish
from kafka_io.outbox_relay import OutboxRelay
from store import Store
from store.privacy import erase_learner, export_learner
from streams.dlq import replay
from tests.conftest import example_event
from tests.support.worker_proc import TopicTail, WorkerProcess, wait_for
from upskill.broker import free_port

pytestmark = [pytest.mark.kafka, pytest.mark.slow, pytest.mark.hostile]


def _compacted(tail: TopicTail) -> dict[bytes, bytes | None]:
    """What a compacted topic keeps: the last value per key (None: a tombstone, removed in its turn)."""
    last: dict[bytes, bytes | None] = {}
    for r in tail.poll():
        last[r.key] = r.value
    return last


def test_an_erased_learner_leaves_nothing_readable_and_is_not_recreated(kafka_settings, tmp_path):
    ensure_topics(kafka_settings)
    topics = kafka_settings.kafka.topics
    event = example_event("digcomp")
    event["learner"]["id"] = learner = f"lrn-{uuid.uuid4().hex[:8]}"
    broken = copy.deepcopy(event)
    broken["event_id"] = str(uuid.uuid4())
    broken["results"][0]["competence"] = "9.9"  # dead-lettered, keyed by the learner
    body = json.dumps(event).encode()
    producer = make_producer(kafka_settings)
    publish(producer, topics.assessments, [(learner, body), (learner, json.dumps(broken).encode())])

    store = Store(kafka_settings.database.url)
    kafka_settings.metrics.port = free_port()
    worker = WorkerProcess(kafka_settings, tmp_path / "worker.log").start()
    tails = {t: TopicTail(kafka_settings, t) for t in topics.learner_keyed()}
    try:
        wait_for(lambda: tails[topics.recommendations].poll() and tails[topics.assessments_dlq].poll(), 120,
                 "the recommendation and the dead letter", worker)
        assert export_learner(store, learner) is not None

        erase_learner(store, learner, topics.learner_keyed())
        relay = OutboxRelay(kafka_settings, store)
        while relay.drain_once():
            pass
        for topic, tail in tails.items():
            wait_for(lambda t=tail: _compacted(t).get(learner.encode(), b"") is None, 30,
                     f"the tombstone on {topic}", worker)
        time.sleep(2)  # the worker has read the tombstone on its input by now
        for topic, tail in tails.items():
            assert _compacted(tail)[learner.encode()] is None, topic  # nothing of them after compaction
        letters = [r for r in tails[topics.assessments_dlq].poll() if r.key == learner.encode()]
        assert [dict(r.headers or []).get("error_type") for r in letters] == [b"schema", None]  # no letter

        # an offset reset or a producer replaying the old assessment, and a DLQ replay
        publish(producer, topics.assessments, [(learner, body)])
        result = replay(kafka_settings)
        assert result.erased == 1 and result.replayed == 0
        time.sleep(5)
        assert export_learner(store, learner) is None
        assert _compacted(tails[topics.recommendations])[learner.encode()] is None
        assert "not processed" in worker.log()
        scraped = httpx.get(f"http://127.0.0.1:{kafka_settings.metrics.port}/metrics").text
        assert 'upskill_worker_erased_skipped_total{kind="assessment"} 1.0' in scraped
        assert 'upskill_worker_erased_skipped_total{kind="tombstone"} 1.0' in scraped
    finally:
        worker.stop()
        producer.close()
        for tail in tails.values():
            tail.close()
        store.dispose()
