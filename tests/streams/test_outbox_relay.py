"""The outbox relay delivers every queued row, even when an erasure rewrites the outbox while a batch is in flight."""

from __future__ import annotations

from typing import Any

from streams.outbox_relay import OutboxRelay
from upskill.settings import Settings
from upskill.store import Store
from upskill.store.privacy import erase_learner

TOPICS = ("assessments.completed", "recommendations.generated")


class _Sent:
    def get(self, timeout: float | None = None) -> None:
        return None


class RecordingProducer:
    """Stands in for KafkaProducer; ``during_flush`` runs while the batch is "on the wire"."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, bytes | None, bytes | None]] = []
        self.during_flush: Any = None

    def send(self, topic: str, key: bytes | None = None, value: bytes | None = None) -> _Sent:
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
