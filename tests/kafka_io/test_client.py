"""Topic creation and producing against the embedded broker, read back by two other clients."""

from __future__ import annotations

import pytest
from kafka import KafkaAdminClient

from config.settings import Settings
from kafka_io.client import KafkaUnavailableError, client_config, ensure_topics, make_producer, publish
from tests.support.worker_proc import read_topic

pytestmark = pytest.mark.kafka


def test_ensure_topics_creates_every_topic_once(kafka_settings):
    created = ensure_topics(kafka_settings)
    topics = kafka_settings.kafka.topics
    assert set(created) == set(topics.model_dump().values())
    assert ensure_topics(kafka_settings) == []  # idempotent
    admin = KafkaAdminClient(**client_config(kafka_settings.kafka))
    assert set(topics.model_dump().values()) <= set(admin.list_topics())
    admin.close()


def test_published_records_can_be_read_back_with_keys(kafka_settings):
    ensure_topics(kafka_settings)
    topic = kafka_settings.kafka.topics.assessments
    producer = make_producer(kafka_settings)
    n = publish(producer, topic, [(f"lrn-{i}", f"v{i}".encode()) for i in range(5)])
    producer.close()
    assert n == 5
    msgs = read_topic(kafka_settings, topic, 5)
    assert sorted((m.key.decode(), m.value.decode()) for m in msgs) == [(f"lrn-{i}", f"v{i}") for i in range(5)]


def test_unreachable_broker_is_a_clear_error():
    settings = Settings(kafka={"bootstrap_servers": "127.0.0.1:1"})
    with pytest.raises(KafkaUnavailableError, match="127.0.0.1:1"):
        ensure_topics(settings, timeout_s=2)
