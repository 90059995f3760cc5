"""Sending imported events to the assessments topic (the same path as any other producer's events)."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from config.settings import Settings
from kafka_io.client import ensure_topics, make_producer, publish
from schemas.assessment import AssessmentCompleted

logger = logging.getLogger(__name__)


def publish_assessments(
    settings: Settings, events: Sequence[AssessmentCompleted], timeout_s: float = 30.0
) -> int:
    """Publish events to ``settings.kafka.topics.assessments`` keyed by learner id; returns how many.

    Args:
        settings: where the broker and the topic are.
        events: the events, sent in order.
        timeout_s: how long to wait for the broker, to create missing topics and for acknowledgements.

    Raises:
        kafka_io.client.KafkaUnavailableError: the broker cannot be reached or did not acknowledge.
    """
    if not events:
        return 0
    ensure_topics(settings, timeout_s=timeout_s)
    topic = settings.kafka.topics.assessments
    producer = make_producer(settings)
    try:
        records = [(e.learner.id, e.model_dump_json(exclude_none=True).encode()) for e in events]
        sent = publish(producer, topic, records, timeout_s=timeout_s)
    finally:
        producer.close()
    logger.info("published %d imported assessments to %s", sent, topic)
    return sent
