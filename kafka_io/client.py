"""Kafka client settings for every client, and kafka-python helpers for the synchronous side: creating
topics, producing from CLIs and the API (:func:`send_all`, :func:`publish`), reading a topic from the start
(:func:`read_from_start`).

The stream processors themselves run on faust (aiokafka); :func:`aiokafka_config` and
:func:`faust_credentials` give them the same connection settings (security included) as the others.
"""

from __future__ import annotations

import logging
import ssl
import time
from collections.abc import Iterable
from typing import Any, NamedTuple

import faust
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic
from kafka.errors import KafkaError, TopicAlreadyExistsError

from config.settings import KafkaSettings, Settings
from schemas.errors import UpskillError

logger = logging.getLogger(__name__)


class KafkaUnavailableError(UpskillError, RuntimeError):
    """The broker cannot be reached or refused an operation."""


def client_config(kafka: KafkaSettings) -> dict[str, Any]:
    """Connection options shared by every kafka-python client."""
    cfg: dict[str, Any] = {
        "bootstrap_servers": kafka.bootstrap_list,
        "client_id": kafka.client_id,
        "security_protocol": kafka.security_protocol,
    }
    if kafka.sasl_mechanism:
        cfg["sasl_mechanism"] = kafka.sasl_mechanism
        cfg["sasl_plain_username"] = kafka.sasl_username
        cfg["sasl_plain_password"] = kafka.sasl_password.get_secret_value() if kafka.sasl_password else None
    return cfg


def aiokafka_config(kafka: KafkaSettings) -> dict[str, Any]:
    """:func:`client_config` for aiokafka, which takes TLS settings as an ``ssl_context``."""
    cfg = client_config(kafka)
    if kafka.security_protocol.endswith("SSL"):
        cfg["ssl_context"] = ssl.create_default_context()
    return cfg


def faust_credentials(kafka: KafkaSettings) -> faust.types.auth.CredentialsT | None:
    """The faust app's ``broker_credentials`` for these settings (``None``: plaintext)."""
    context = ssl.create_default_context() if kafka.security_protocol.endswith("SSL") else None
    if kafka.security_protocol.startswith("SASL"):
        return faust.SASLCredentials(
            username=kafka.sasl_username,
            password=kafka.sasl_password.get_secret_value() if kafka.sasl_password else None,
            mechanism=kafka.sasl_mechanism or "PLAIN",
            ssl_context=context,
        )
    return faust.SSLCredentials(context) if context else None


# Topics keyed by learner id: compacted as well as deleted by age, so an erasure's tombstone removes the learner's
# records within a day (max.compaction.lag.ms), and the tombstone itself goes a day later (delete.retention.ms).
LEARNER_KEYED = {"cleanup.policy": "compact,delete", "max.compaction.lag.ms": "86400000",
                 "delete.retention.ms": "86400000"}


def topic_specs(kafka: KafkaSettings) -> list[NewTopic]:
    """Every topic upskill uses, with partitions, replication and policy."""
    t, p, r = kafka.topics, kafka.partitions, kafka.replication_factor
    return [
        NewTopic(t.assessments, p, r, topic_configs=LEARNER_KEYED),
        NewTopic(t.assessments_dlq, 1, r, topic_configs=LEARNER_KEYED),
        NewTopic(t.recommendations, p, r, topic_configs=LEARNER_KEYED),
        NewTopic(t.reviews, p, r, topic_configs=LEARNER_KEYED),
        NewTopic(t.catalog, p, r, topic_configs={"cleanup.policy": "compact"}),
    ]


def ensure_topics(settings: Settings, timeout_s: float = 30.0) -> list[str]:
    """Create the topics that are missing; returns the names created."""
    try:
        ms = int(timeout_s * 1000)
        admin = KafkaAdminClient(
            **client_config(settings.kafka), request_timeout_ms=ms, bootstrap_timeout_ms=ms
        )
    except KafkaError as exc:
        raise KafkaUnavailableError(f"cannot reach Kafka at {settings.kafka.bootstrap_servers}: {exc}") from exc
    try:
        existing = set(admin.list_topics())
        missing = [spec for spec in topic_specs(settings.kafka) if spec.name not in existing]
        created = []
        for spec in missing:
            try:
                admin.create_topics([spec])
                created.append(spec.name)
            except TopicAlreadyExistsError:
                pass  # another worker created it first
        if created:
            logger.info("created topics: %s", ", ".join(created))
        return created
    finally:
        admin.close()


def make_producer(settings: Settings, **overrides: Any) -> KafkaProducer:
    """A producer that waits for all in-sync replicas and retries (no loss on a broker hiccup)."""
    cfg = client_config(settings.kafka) | {
        "acks": "all",
        "retries": 10,
        "linger_ms": 5,
        "max_in_flight_requests_per_connection": 1,
    }
    cfg.update(overrides)
    try:
        return KafkaProducer(**cfg)
    except KafkaError as exc:
        raise KafkaUnavailableError(f"cannot reach Kafka at {settings.kafka.bootstrap_servers}: {exc}") from exc


class Record(NamedTuple):
    """A record to send with kafka-python."""

    topic: str
    key: bytes | None
    value: bytes | None
    headers: list[tuple[str, bytes]] | None = None


def send_all(
    producer: KafkaProducer,
    records: Iterable[Record],
    timeout_s: float = 30.0,
    refused: tuple[type[Exception], ...] = (),
) -> list[Exception | None]:
    """Send the records, flush, and wait for the broker's answer to every one.

    Args:
        records: sent in order.
        timeout_s: the wait for the flush and for each acknowledgement.
        refused: errors the client may raise while sending one record (its own checks, say of the size) that
            are that record's outcome; any other error raised while sending propagates.

    Returns:
        Per record, in order: ``None`` when the broker acknowledged it, else the error.
    """
    outcomes: list[Exception | None] = []
    futures = []  # (position, future) of the records sent
    for rec in records:
        try:
            future = producer.send(rec.topic, key=rec.key, value=rec.value, headers=rec.headers)
        except refused as exc:
            outcomes.append(exc)
            continue
        futures.append((len(outcomes), future))
        outcomes.append(None)
    producer.flush(timeout_s)
    for i, future in futures:
        try:
            future.get(timeout=timeout_s)
        except KafkaError as exc:
            outcomes[i] = exc
    return outcomes


def publish(
    producer: KafkaProducer,
    topic: str,
    records: Iterable[tuple[str | None, bytes | None]],
    timeout_s: float = 30.0,
) -> int:
    """Send (key, value) records and wait until the broker has every one; returns how many were sent."""
    outcomes = send_all(producer, (Record(topic, key.encode("utf-8") if key is not None else None, value)
                                   for key, value in records), timeout_s)
    for exc in outcomes:
        if exc is not None:
            raise KafkaUnavailableError(f"publishing to {topic} failed: {exc}") from exc
    return len(outcomes)


def read_from_start(consumer: KafkaConsumer, topic: str, wait_s: float = 0.0) -> list[TopicPartition]:
    """Assign every partition of the topic to the consumer (no consumer group to join) at its first offset.

    Args:
        wait_s: how long to wait for the topic's partitions to be known; 0 takes what the metadata says now
            (no partitions: nothing is assigned, and an empty list returned).

    Returns:
        The partitions, in order.

    Raises:
        KafkaUnavailableError: ``wait_s`` passed before the partitions were known.
    """
    deadline = time.monotonic() + wait_s
    while not (ids := consumer.partitions_for_topic(topic)) and wait_s > 0:
        left = deadline - time.monotonic()
        if left <= 0:
            raise KafkaUnavailableError(f"reading {topic} took more than {wait_s:g} s")
        consumer.poll(timeout_ms=max(1, min(100, int(left * 1000))))  # refreshes metadata
    parts = [TopicPartition(topic, p) for p in sorted(ids or ())]
    if parts:
        consumer.assign(parts)
        consumer.seek_to_beginning(*parts)
    return parts
