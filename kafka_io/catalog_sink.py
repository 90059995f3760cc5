"""The catalogue topic ``catalog.offerings`` on the broker: the :class:`~catalog_ingest.publish.OfferingSink`
that providers' feeds and the offerings API publish through."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from typing import Any

from kafka import KafkaConsumer
from kafka.errors import KafkaError

from config.settings import Settings
from kafka_io.client import (
    KafkaUnavailableError,
    client_config,
    ensure_topics,
    make_producer,
    publish,
    read_from_start,
)


class KafkaSink:
    """The real topic: reads it from the beginning (partitions assigned, no consumer group) and produces to it.

    Reading is incremental: later calls to :meth:`holdings` only fetch what was added since. Every call to the
    broker waits at most ``timeout_s`` (an API request sets a short one); past it, or when the broker cannot be
    reached, :class:`~kafka_io.client.KafkaUnavailableError` says so.
    """

    def __init__(self, settings: Settings, timeout_s: float = 30.0) -> None:
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
        left = deadline - time.monotonic()
        if left <= 0:
            raise KafkaUnavailableError(f"reading {self.topic} took more than {self.timeout_s:g} s")
        return max(1, int(left * 1000))

    def holdings(self) -> dict[str, bytes]:
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
            try:
                self._parts = read_from_start(self._consumer, self.topic, wait_s=self._left_ms(deadline) / 1000)
            except KafkaUnavailableError:
                raise KafkaUnavailableError(f"reading {self.topic} took more than {self.timeout_s:g} s") from None
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
