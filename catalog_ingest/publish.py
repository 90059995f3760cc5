"""Publishing offerings to the compacted topic ``catalog.offerings`` (key = id, value = JSON, null = withdrawn).

Before sending, the publisher compares each offering with what the topic already holds, so publishing the
same file twice sends nothing the second time, and the summary says what was new, updated or unchanged.
The topic sits behind :class:`OfferingSink`: :class:`KafkaSink` for the broker, :class:`MemorySink` for tests.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from pydantic import ValidationError

from config.settings import Settings
from schemas.offering import Offering

logger = logging.getLogger(__name__)

BATCH = 500


class OfferingSink(Protocol):
    """Where offerings go: the topic's current content by id, and a way to send records to it."""

    def holdings(self) -> dict[str, bytes]:
        """Id -> value of every offering the topic holds now (withdrawn ones are absent)."""
        ...

    def send(self, records: Sequence[tuple[str, bytes | None]]) -> None:
        """Send (key, value) records and return once all are acknowledged."""
        ...


class MemorySink:
    """The topic as a dict, for tests and dry runs; ``sent`` lists every record in order."""

    def __init__(self, initial: dict[str, bytes] | None = None) -> None:
        self.state: dict[str, bytes] = dict(initial or {})
        self.sent: list[tuple[str, bytes | None]] = []

    def holdings(self) -> dict[str, bytes]:
        return dict(self.state)

    def send(self, records: Sequence[tuple[str, bytes | None]]) -> None:
        for key, value in records:
            self.sent.append((key, value))
            if value is None:
                self.state.pop(key, None)
            else:
                self.state[key] = value


class KafkaSink:
    """The real topic: reads it from the beginning (partitions assigned, no consumer group) and produces to it.

    Reading is incremental: later calls to :meth:`holdings` only fetch what was added since. Every call to the
    broker waits at most ``timeout_s`` (an API request sets a short one); past it, or when the broker cannot be
    reached, :class:`~streams.kafka_io.KafkaUnavailableError` says so.
    """

    def __init__(self, settings: Settings, timeout_s: float = 30.0) -> None:
        from kafka import KafkaConsumer
        from kafka.errors import KafkaError

        from streams.kafka_io import KafkaUnavailableError, client_config, ensure_topics, make_producer

        ensure_topics(settings, timeout_s=timeout_s)
        self.topic = settings.kafka.topics.catalog
        self.timeout_s = timeout_s
        ms = max(1, int(timeout_s * 1000))
        try:
            self._producer = make_producer(settings, max_block_ms=ms, request_timeout_ms=ms)
            self._consumer = KafkaConsumer(**client_config(settings.kafka), enable_auto_commit=False,
                                           request_timeout_ms=max(ms, 1001), session_timeout_ms=1000,
                                           heartbeat_interval_ms=300)
        except KafkaError as exc:
            raise KafkaUnavailableError(f"cannot reach Kafka at {settings.kafka.bootstrap_servers}: {exc}") from exc
        self._parts: list[Any] = []
        self._state: dict[str, bytes] = {}
        self._lock = threading.Lock()  # kafka-python's consumer is not thread-safe; API handlers share a sink

    def _left_ms(self, deadline: float) -> int:
        from streams.kafka_io import KafkaUnavailableError

        left = deadline - time.monotonic()
        if left <= 0:
            raise KafkaUnavailableError(f"reading {self.topic} took more than {self.timeout_s:g} s")
        return max(1, int(left * 1000))

    def _assign(self, deadline: float) -> None:
        from kafka import TopicPartition

        while not (ids := self._consumer.partitions_for_topic(self.topic)):
            self._consumer.poll(timeout_ms=min(100, self._left_ms(deadline)))  # refreshes metadata
        self._parts = [TopicPartition(self.topic, p) for p in sorted(ids)]
        self._consumer.assign(self._parts)
        self._consumer.seek_to_beginning(*self._parts)

    def holdings(self) -> dict[str, bytes]:
        from kafka.errors import KafkaError

        from streams.kafka_io import KafkaUnavailableError

        if not self._lock.acquire(timeout=self.timeout_s):
            raise KafkaUnavailableError(f"{self.topic} is being read by another request for over {self.timeout_s:g} s")
        try:
            return self._catch_up(time.monotonic() + self.timeout_s)
        except KafkaError as exc:
            raise KafkaUnavailableError(f"reading {self.topic} failed: {exc}") from exc
        finally:
            self._lock.release()

    def _catch_up(self, deadline: float) -> dict[str, bytes]:
        if not self._parts:
            self._assign(deadline)
        end = self._consumer.end_offsets(self._parts, timeout_ms=self._left_ms(deadline))
        while any(self._consumer.position(p, timeout_ms=self._left_ms(deadline)) < end[p] for p in self._parts):
            self._apply(self._consumer.poll(timeout_ms=min(200, self._left_ms(deadline)), max_records=5000))
        # tansu reports the end as the last batch's base offset + 1, so the rest of that batch may still be
        # buffered in the consumer: drain what is buffered (timeout 0: no wait for the network).
        while batch := self._consumer.poll(timeout_ms=0, max_records=5000):
            self._apply(batch)
        return dict(self._state)

    def _apply(self, batch: dict[Any, list[Any]]) -> None:
        for records in batch.values():
            for rec in records:
                if not rec.key:
                    continue
                key = rec.key.decode("utf-8")
                if rec.value is None:
                    self._state.pop(key, None)
                else:
                    self._state[key] = rec.value

    def send(self, records: Sequence[tuple[str, bytes | None]]) -> None:
        from kafka.errors import KafkaError

        from streams.kafka_io import KafkaUnavailableError, publish

        try:
            publish(self._producer, self.topic, records, timeout_s=self.timeout_s)
        except KafkaError as exc:  # the producer's own wait for metadata (max_block_ms)
            raise KafkaUnavailableError(f"publishing to {self.topic} failed: {exc}") from exc

    def close(self) -> None:
        """Close the producer and the consumer."""
        self._producer.close(timeout=self.timeout_s)
        self._consumer.close()

    def __enter__(self) -> KafkaSink:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass
class PublishSummary:
    """What a publication did: rows new, updated, unchanged (not sent again), rejected and withdrawn."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    withdrawn: int = 0

    @property
    def accepted(self) -> int:
        """Valid rows: new + updated + unchanged."""
        return self.new + self.updated + self.unchanged

    def __str__(self) -> str:
        return (f"accepted {self.accepted} (new {self.new}, updated {self.updated}, unchanged {self.unchanged}), "
                f"rejected {self.rejected}" + (f", withdrawn {self.withdrawn}" if self.withdrawn else ""))


def encode(offering: Offering) -> bytes:
    """The record value of an offering."""
    return offering.model_dump_json().encode("utf-8")


def decode(value: bytes) -> Offering | None:
    """The offering in a record value, or ``None`` if it does not validate any more."""
    try:
        return Offering.model_validate_json(value)
    except ValidationError:
        return None


class Publisher:
    """Publishes and withdraws offerings through a sink, sending only what changes what the topic holds."""

    def __init__(self, sink: OfferingSink) -> None:
        self.sink = sink

    def holdings(self) -> dict[str, bytes]:
        """The topic's current content (id -> value)."""
        return self.sink.holdings()

    def current(self, offering_id: str) -> Offering | None:
        """The offering the topic holds under this id, if any."""
        value = self.sink.holdings().get(offering_id)
        return decode(value) if value is not None else None

    def by_provider(self, provider: str) -> list[Offering]:
        """Every offering of one provider the topic holds, by id."""
        found = (decode(v) for _, v in sorted(self.sink.holdings().items()))
        return [o for o in found if o is not None and o.provider == provider]

    def publish(
        self,
        offerings: Sequence[Offering],
        rejected: int = 0,
        on_sent: Callable[[int], None] | None = None,
    ) -> PublishSummary:
        """Send the offerings that are new or differ from what the topic holds.

        Args:
            offerings: valid offerings (ids unique).
            rejected: rows the caller rejected, carried into the summary.
            on_sent: called with the number of offerings handled after each batch (for a progress bar).
        """
        summary = PublishSummary(rejected=rejected)
        held = self.sink.holdings()
        pending: list[tuple[str, bytes | None]] = []
        for i, off in enumerate(offerings, start=1):
            value, old = encode(off), held.get(off.id)
            if old is not None and (old == value or decode(old) == off):
                summary.unchanged += 1
            else:
                summary.new += old is None
                summary.updated += old is not None
                pending.append((off.id, value))
            if len(pending) >= BATCH or i == len(offerings):
                if pending:
                    self.sink.send(pending)
                pending = []
                if on_sent:
                    on_sent(i)
        logger.info("published to the catalogue: %s", summary)
        return summary

    def withdraw(self, offering_ids: Iterable[str]) -> int:
        """Send a tombstone for each id the topic holds; returns how many were withdrawn."""
        held = self.sink.holdings()
        records: list[tuple[str, bytes | None]] = [(oid, None) for oid in dict.fromkeys(offering_ids) if oid in held]
        if records:
            self.sink.send(records)
        return len(records)
