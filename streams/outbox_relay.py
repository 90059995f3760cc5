"""Publishes the store's outbox to Kafka: writes commit locally first, the relay delivers them when it can.

A broker outage therefore loses nothing: rows wait in the outbox and the relay retries with back-off until the
broker is back, then resumes by itself, in insertion order.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime

from kafka import KafkaProducer
from kafka.errors import KafkaError
from sqlalchemy import select, update

from streams.kafka_io import KafkaUnavailableError, make_producer
from upskill.settings import Settings
from upskill.store import Store
from upskill.store.models import OutboxRow

logger = logging.getLogger(__name__)


class OutboxRelay:
    """A background thread that drains the outbox table into Kafka."""

    def __init__(self, settings: Settings, store: Store, batch: int = 500, max_backoff_s: float = 5.0) -> None:
        self.settings = settings
        self.store = store
        self.batch = batch
        self.max_backoff_s = max_backoff_s
        self.wakeup = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="outbox-relay", daemon=True)
        self._producer: KafkaProducer | None = None
        self.healthy = False

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self.wakeup.set()
        self._thread.join(timeout)
        if self._producer is not None:
            self._producer.close(timeout=2)

    def pending(self) -> int:
        """Rows not yet published."""
        from sqlalchemy import func

        with self.store.session() as s:
            return int(s.scalar(select(func.count()).where(OutboxRow.published_at.is_(None))) or 0)

    def drain_once(self) -> int:
        """Publish one batch; returns how many rows were published."""
        with self.store.session() as s:
            rows = s.execute(
                select(OutboxRow.id, OutboxRow.topic, OutboxRow.key, OutboxRow.value)
                .where(OutboxRow.published_at.is_(None))
                .order_by(OutboxRow.id)
                .limit(self.batch)
            ).all()
        if not rows:
            return 0
        if self._producer is None:
            self._producer = make_producer(self.settings, max_block_ms=5000, request_timeout_ms=5000)
        futures = [
            self._producer.send(
                topic,
                key=key.encode("utf-8") if key is not None else None,
                value=value.encode("utf-8") if value is not None else None,
            )
            for _, topic, key, value in rows
        ]
        self._producer.flush(10)
        for fut in futures:
            fut.get(timeout=10)
        with self.store.session() as s:
            s.execute(
                update(OutboxRow)
                .where(OutboxRow.id.in_([r[0] for r in rows]))
                .values(published_at=datetime.now(UTC))
            )
        return len(rows)

    def _run(self) -> None:
        backoff = 0.1
        while not self._stop.is_set():
            try:
                sent = self.drain_once()
                self.healthy = True
                backoff = 0.1
                if sent:
                    continue
                self.wakeup.wait(1.0)
                self.wakeup.clear()
            except (KafkaError, KafkaUnavailableError) as exc:
                self.healthy = False
                logger.warning("outbox relay: broker unavailable (%s); retrying in %.1f s", exc, backoff)
                if self._producer is not None:
                    self._producer.close(timeout=1)
                    self._producer = None
                self._stop.wait(backoff)
                backoff = min(self.max_backoff_s, backoff * 2)
