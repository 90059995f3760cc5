"""Replaying dead letters: back to their original topic, once, with the original key and bytes."""

from __future__ import annotations

import pytest
from kafka import KafkaProducer

from kafka_io.client import Record, client_config, ensure_topics, send_all
from streams.dlq import DeadLetterReader, replay
from streams.processor import InRecord, dead_letter
from tests.support.worker_proc import TopicTail, wait_for

pytestmark = pytest.mark.kafka


def _put_dead_letters(settings, n: int) -> None:
    topics = settings.kafka.topics
    producer = KafkaProducer(**client_config(settings.kafka))
    records = []
    for i in range(n):
        rec = InRecord(f"lrn-{i}".encode(), f'{{"broken": {i}}}'.encode(), topics.assessments, 0, i)
        letter = dead_letter(rec, "event_id: Field required", "schema" if i % 2 else "json")
        records.append(Record(topics.assessments_dlq, letter.key, letter.value, letter.headers))
    assert send_all(producer, records) == [None] * n
    producer.close()


def test_replay_sends_each_dead_letter_back_once(kafka_settings):
    ensure_topics(kafka_settings)
    _put_dead_letters(kafka_settings, 4)

    dry = replay(kafka_settings, dry_run=True)
    assert (dry.replayed, dry.by_type) == (4, {"json": 2, "schema": 2})

    done = replay(kafka_settings)
    assert done.replayed == 4
    tail = TopicTail(kafka_settings, kafka_settings.kafka.topics.assessments)
    wait_for(lambda: len(tail.poll()) >= 4, 20, "the replayed records on the original topic")
    got = {(r.key, r.value) for r in tail.poll()}
    assert got == {(f"lrn-{i}".encode(), f'{{"broken": {i}}}'.encode()) for i in range(4)}
    assert all(dict(r.headers)["replayed_from"].startswith(b"assessments.completed.dlq") for r in tail.poll())
    tail.close()

    assert replay(kafka_settings).replayed == 0, "a second replay must not send them again"
    _put_dead_letters(kafka_settings, 1)
    reader = DeadLetterReader(kafka_settings)
    assert [d.key for d in reader] == [b"lrn-0"]  # only the new one is pending
    reader.close()


def test_filtered_replay_leaves_the_others_pending(kafka_settings):
    ensure_topics(kafka_settings)
    _put_dead_letters(kafka_settings, 4)
    assert replay(kafka_settings, error_type="schema").replayed == 2
    assert replay(kafka_settings, dry_run=True).replayed == 4
