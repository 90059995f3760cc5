"""Publishes the store's outbox to Kafka: writes commit locally first, the relay delivers them when it can.

A broker outage therefore loses nothing: rows wait in the outbox and the relay retries with back-off until the
broker is back, then resumes by itself, in insertion order.

A record the broker refuses for what it is (too large, invalid) would fail the same way for ever, so it does not
hold up the others: the relay parks it with the reason and goes on. ``/readyz``, the metric
``upskill_outbox_parked_records`` and ``upskill outbox show`` list parked records; ``upskill outbox retry`` puts
them back in line (after the broker's limit was raised, say).
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime

from kafka import KafkaProducer
from kafka.errors import (
    CorruptRecordError,
    InvalidRecordError,
    InvalidTimestampError,
    InvalidTopicError,
    KafkaError,
    MessageSizeTooLargeError,
    PolicyViolationError,
    RecordListTooLargeError,
    UnsupportedForMessageFormatError,
)
from prometheus_client import Gauge
from sqlalchemy import func, select, update

from config.settings import Settings
from kafka_io.client import KafkaUnavailableError, Record, make_producer, send_all
from store import Store
from store.models import OutboxRow

logger = logging.getLogger(__name__)

# What the broker (or the client, before sending) says of the record itself: retrying cannot succeed.
REFUSED = (MessageSizeTooLargeError, RecordListTooLargeError, InvalidTopicError, CorruptRecordError,
           InvalidRecordError, InvalidTimestampError, UnsupportedForMessageFormatError, PolicyViolationError)
PARKED = Gauge("upskill_outbox_parked_records", "Outbox records the broker refused, parked until retried.")


def _reason(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]


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
        """Stop the thread, waiting at most ``timeout`` for a batch in flight (its rows stay in the outbox
        unless they were marked published)."""
        self._stop.set()
        self.wakeup.set()
        self._thread.join(timeout)
        if self._producer is not None and not self._thread.is_alive():
            self._producer.close(timeout=1)

    def pending(self) -> int:
        """Rows waiting to be published (parked ones not included)."""
        with self.store.session() as s:
            return int(s.scalar(select(func.count()).where(OutboxRow.published_at.is_(None),
                                                           OutboxRow.parked_at.is_(None))) or 0)

    def parked(self) -> int:
        """Rows the broker refused, set aside until retried (also sets the metric)."""
        count = parked_count(self.store)
        PARKED.set(count)
        return count

    def drain_once(self) -> int:
        """Publish one batch in order; returns how many rows it settled (published or parked).

        Each record stands alone: one the broker refuses for what it is is parked with the reason, the others
        are published. Any other failure (the broker away, a timeout) is raised after the rows already
        delivered are marked, so the rest is retried in order.
        """
        with self.store.session() as s:
            rows = s.execute(
                select(OutboxRow.id, OutboxRow.topic, OutboxRow.key, OutboxRow.value)
                .where(OutboxRow.published_at.is_(None), OutboxRow.parked_at.is_(None))
                .order_by(OutboxRow.id)
                .limit(self.batch)
            ).all()
        if not rows:
            return 0
        if self._producer is None:
            self._producer = make_producer(self.settings, max_block_ms=5000, request_timeout_ms=5000)
        records = [Record(topic, key.encode("utf-8") if key is not None else None,
                          value.encode("utf-8") if value is not None else None) for _, topic, key, value in rows]
        outcomes = send_all(self._producer, records, timeout_s=10, refused=REFUSED)
        sent: list[int] = []
        parked: list[tuple[int, str]] = []
        failure: Exception | None = None
        for (row_id, *_), exc in zip(rows, outcomes, strict=True):
            if exc is None:
                sent.append(row_id)
            elif isinstance(exc, REFUSED):  # the client's own checks (its maximum request size), or the broker's
                parked.append((row_id, _reason(exc)))
            else:
                failure = failure or exc
        self._settle(sent, parked)
        if failure is not None:
            raise failure
        return len(sent) + len(parked)

    def _settle(self, sent: list[int], parked: list[tuple[int, str]]) -> None:
        now = datetime.now(UTC)
        with self.store.session() as s:
            if sent:
                s.execute(update(OutboxRow).where(OutboxRow.id.in_(sent)).values(published_at=now))
            for row_id, reason in parked:
                s.execute(update(OutboxRow).where(OutboxRow.id == row_id).values(
                    parked_at=now, last_error=reason, attempts=OutboxRow.attempts + 1))
        for row_id, reason in parked:
            logger.error("outbox relay: record %d parked, the broker refuses it: %s", row_id, reason)
        if parked:
            self.parked()

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


def parked_count(store: Store) -> int:
    """How many outbox records are parked."""
    with store.session() as s:
        return int(s.scalar(select(func.count()).where(OutboxRow.parked_at.is_not(None),
                                                       OutboxRow.published_at.is_(None))) or 0)


def parked_records(store: Store, limit: int = 100) -> list[OutboxRow]:
    """The parked records, oldest first (detached: read their fields only)."""
    with store.session() as s:
        rows = s.scalars(select(OutboxRow).where(OutboxRow.parked_at.is_not(None), OutboxRow.published_at.is_(None))
                         .order_by(OutboxRow.id).limit(limit)).all()
        s.expunge_all()
        return list(rows)


def retry_parked(store: Store, ids: list[int] | None = None) -> int:
    """Put parked records (these ids, or all) back in line for the relay; returns how many."""
    with store.session() as s:
        query = update(OutboxRow).where(OutboxRow.parked_at.is_not(None), OutboxRow.published_at.is_(None))
        if ids is not None:
            query = query.where(OutboxRow.id.in_(ids))
        return int(s.execute(query.values(parked_at=None)).rowcount or 0)
