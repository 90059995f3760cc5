"""The dead-letter topic for operators: list what is there and replay it after a fix.

Replay re-publishes each dead letter's original bytes, with its original key, to the topic it came from. An
unfiltered replay remembers how far it got as the committed offset of a consumer group (partitions are
assigned, not joined), so a second replay does not send the same records again. Re-sent events that had
been processed after all are harmless: the worker is idempotent by ``event_id``. A dead letter of a learner
erased since is not replayed (the register of erased learners, ``store.privacy``), nor is one without a
body (a tombstone, or a record dead-lettered for its size).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field

from kafka import KafkaConsumer
from kafka.structs import OffsetAndMetadata

from config.settings import Settings
from kafka_io.client import Record, client_config, make_producer, read_from_start, send_all

logger = logging.getLogger(__name__)
REPLAY_GROUP = "upskill-dlq-replay"


@dataclass(frozen=True)
class DeadLetter:
    """A record of the dead-letter topic."""

    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: dict[str, str]
    timestamp_ms: int = 0  # when it was dead-lettered (the record's timestamp)

    @property
    def error_type(self) -> str:
        return self.headers.get("error_type", "")

    @property
    def origin(self) -> str:
        return self.headers.get("original_topic", "")


@dataclass
class ReplayResult:
    replayed: int = 0
    skipped: int = 0
    erased: int = 0  # of the skipped: letters of a learner erased since
    by_type: dict[str, int] = field(default_factory=dict)


class DeadLetterReader:
    """Reads the dead-letter topic from the replay group's committed position (or from the start)."""

    def __init__(self, settings: Settings, group: str = REPLAY_GROUP, from_start: bool = False) -> None:
        self.topic = settings.kafka.topics.assessments_dlq
        self.consumer = KafkaConsumer(
            **client_config(settings.kafka), group_id=group, enable_auto_commit=False, consumer_timeout_ms=500
        )
        self.partitions = read_from_start(self.consumer, self.topic)
        for tp in self.partitions:
            committed = None if from_start else self.consumer.committed(tp)
            if committed is not None:
                self.consumer.seek(tp, committed)

    def __iter__(self) -> Iterator[DeadLetter]:
        """Every record after the start position, until a fetch comes back empty.

        The end offsets are not used as the stop condition: tansu's high watermark can lag behind the records
        it serves (seen with batches that carry headers, as dead letters do).
        """
        if not self.partitions:
            return
        while batch := self.consumer.poll(timeout_ms=1000):
            for msgs in batch.values():
                for m in msgs:
                    headers = {k: v.decode("utf-8", "replace") for k, v in m.headers or []}
                    yield DeadLetter(m.partition, m.offset, m.key, m.value, headers, m.timestamp)

    def commit(self) -> None:
        """Remember that everything read so far is done."""
        if self.partitions:
            positions = {tp: self.consumer.position(tp) for tp in self.partitions}
            self.consumer.commit({tp: OffsetAndMetadata(pos, "", -1) for tp, pos in positions.items()})

    def close(self) -> None:
        self.consumer.close()


def replay(settings: Settings, error_type: str | None = None, dry_run: bool = False) -> ReplayResult:
    """Re-publish dead letters (optionally only one ``error_type``) to their original topics."""
    from store import Store
    from store.privacy import erased_since

    result = ReplayResult()
    reader = DeadLetterReader(settings)
    store = Store(settings.database.url)
    producer = None if dry_run else make_producer(settings)
    try:
        records = []
        for letter in reader:
            # a record dead-lettered for its size kept no body, a tombstone has none: nothing to replay
            if (error_type and letter.error_type != error_type) or not letter.origin or not letter.value:
                result.skipped += 1
                continue
            learner = letter.key.decode("utf-8", "replace") if letter.key else None
            erased = erased_since(store, [learner]).get(learner) if learner else None
            if erased is not None and letter.timestamp_ms <= erased.timestamp() * 1000:
                result.skipped += 1
                result.erased += 1
                continue
            result.replayed += 1
            result.by_type[letter.error_type] = result.by_type.get(letter.error_type, 0) + 1
            if producer is not None:
                headers = [("replayed_from", f"{reader.topic}:{letter.partition}:{letter.offset}".encode())]
                records.append(Record(letter.origin, letter.key, letter.value, headers))
        if producer is not None:
            for exc in send_all(producer, records, timeout_s=30):
                if exc is not None:
                    raise exc
            if error_type is None:  # a filtered replay leaves the others for a later, unfiltered one
                reader.commit()
        logger.info("dead letters replayed: %d, skipped: %d", result.replayed, result.skipped)
        return result
    finally:
        reader.close()
        store.dispose()
        if producer is not None:
            producer.close()
