"""The outbox relay delivers every queued row, even when an erasure rewrites the outbox while a batch is in flight,
and parks a record the broker refuses without holding up the ones behind it."""

from __future__ import annotations

import time
from typing import Any

import pytest
from kafka import KafkaConsumer
from kafka.errors import InvalidRecordError, KafkaTimeoutError, MessageSizeTooLargeError

from config.settings import Settings
from kafka_io.client import read_from_start
from kafka_io.outbox_relay import OutboxRelay, parked_records, retry_parked
from store import Store
from store.privacy import erase_learner

TOPICS = ("assessments.completed", "recommendations.generated")


class _Sent:
    def get(self, timeout: float | None = None) -> None:
        return None


class RecordingProducer:
    """Stands in for KafkaProducer; ``during_flush`` runs while the batch is "on the wire"."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, bytes | None, bytes | None]] = []
        self.during_flush: Any = None

    def send(self, topic: str, key: bytes | None = None, value: bytes | None = None, headers: Any = None) -> _Sent:
        self.sent.append((topic, key, value))
        return _Sent()

    def flush(self, timeout: float | None = None) -> None:
        hook, self.during_flush = self.during_flush, None
        if hook is not None:
            hook()

    def close(self, timeout: float | None = None) -> None:
        pass


def test_tombstones_queued_while_a_batch_is_in_flight_are_still_published(store_url, tmp_path):
    store = Store(store_url)
    with store.session() as s:
        store.enqueue(s, "assessments.completed", "ana", '{"learner": "ana"}')
    relay = OutboxRelay(Settings(data_dir=tmp_path), store)
    producer = RecordingProducer()
    relay._producer = producer  # type: ignore[assignment]
    # the erasure commits between the relay's read of the batch and its "mark published"
    producer.during_flush = lambda: erase_learner(store, "ana", TOPICS)

    assert relay.drain_once() == 1
    while relay.drain_once():
        pass

    tombstones = sorted(topic for topic, key, value in producer.sent if key == b"ana" and value is None)
    assert tombstones == sorted(TOPICS)
    assert relay.pending() == 0
    store.dispose()


class _Refused:
    def __init__(self, exc: Exception) -> None:
        self.exc = exc

    def get(self, timeout: float | None = None) -> None:
        raise self.exc


class RefusingProducer(RecordingProducer):
    """Refuses values above ``limit`` bytes on send, as kafka-python does, and values starting with "bad" once
    on the wire, as a broker does."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def send(self, topic: str, key: bytes | None = None, value: bytes | None = None, headers: Any = None) -> Any:
        if value is not None and len(value) > self.limit:
            raise MessageSizeTooLargeError(f"The message is {len(value)} bytes when serialized")
        if value is not None and value.startswith(b"bad"):
            return _Refused(InvalidRecordError("broker says the record is invalid"))
        return super().send(topic, key, value)


@pytest.mark.hostile
def test_a_record_the_broker_refuses_is_parked_and_the_ones_behind_it_are_published(store_url, tmp_path):
    store = Store(store_url)
    with store.session() as s:
        store.enqueue(s, "assessments.completed", "big", "x" * 2_000_000)
        store.enqueue(s, "assessments.completed", "bad", "bad record")
        for n in range(3):
            store.enqueue(s, "assessments.completed", f"ok-{n}", f'{{"n": {n}}}')
    relay = OutboxRelay(Settings(data_dir=tmp_path), store)
    producer = RefusingProducer(limit=1_000_000)
    relay._producer = producer  # type: ignore[assignment]

    assert relay.drain_once() == 5
    assert [key for _, key, _ in producer.sent] == [b"ok-0", b"ok-1", b"ok-2"]  # in order, nothing held up
    assert relay.pending() == 0 and relay.parked() == 2
    parked = {r.key: r for r in parked_records(store)}
    assert "MessageSizeTooLargeError" in parked["big"].last_error and "invalid" in parked["bad"].last_error
    assert relay.drain_once() == 0  # parked records are not retried by themselves

    producer.limit = 3_000_000  # the operator raised the limit
    assert retry_parked(store, [parked["big"].id]) == 1
    assert relay.drain_once() == 1 and producer.sent[-1][1] == b"big"
    assert relay.parked() == 1 and retry_parked(store) == 1 and relay.drain_once() == 1  # refused again
    assert relay.parked() == 1 and relay.pending() == 0
    store.dispose()


def test_a_broker_outage_is_not_parked_the_rows_wait_in_order(store_url, tmp_path):
    store = Store(store_url)
    with store.session() as s:
        for n in range(3):
            store.enqueue(s, "assessments.completed", f"k{n}", "v")
    relay = OutboxRelay(Settings(data_dir=tmp_path), store)

    class Away(RecordingProducer):
        def send(self, topic: str, key: bytes | None = None, value: bytes | None = None, headers: Any = None) -> Any:
            return _Refused(KafkaTimeoutError("Batch expired"))

    relay._producer = Away()  # type: ignore[assignment]
    with pytest.raises(KafkaTimeoutError):
        relay.drain_once()
    assert relay.pending() == 3 and relay.parked() == 0
    store.dispose()


@pytest.mark.kafka
@pytest.mark.hostile
def test_an_oversized_record_does_not_delay_the_next_ones_on_the_real_broker(kafka_settings):
    topic = kafka_settings.kafka.topics.assessments
    store = Store(kafka_settings.database.url)
    with store.session() as s:
        store.enqueue(s, topic, "huge", "x" * 2_000_000)  # above the producer's 1 MB request limit
        for n in range(3):
            store.enqueue(s, topic, f"next-{n}", f'{{"n": {n}}}')
    relay = OutboxRelay(kafka_settings, store)
    relay.start()
    try:
        deadline = time.monotonic() + 30
        while relay.pending() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert relay.pending() == 0 and relay.parked() == 1
    finally:
        relay.stop()
    consumer = KafkaConsumer(bootstrap_servers=kafka_settings.kafka.bootstrap_list, enable_auto_commit=False)
    read_from_start(consumer, topic)
    keys: set[str] = set()
    deadline = time.monotonic() + 20
    while len(keys) < 3 and time.monotonic() < deadline:
        for records in consumer.poll(timeout_ms=200).values():
            keys.update(r.key.decode() for r in records)
    consumer.close()
    assert keys == {"next-0", "next-1", "next-2"}
    store.dispose()
