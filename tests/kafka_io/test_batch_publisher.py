"""The worker publishes a batch's records with aiokafka's batch API: each record on its key's partition (the
Java client's murmur2, here checked against kafka-python's own implementation), in order, with its headers."""

from __future__ import annotations

import asyncio
import math

import pytest
from kafka.partitioner import murmur2

from kafka_io.batch_publisher import BatchPublisher
from kafka_io.client import ensure_topics
from streams.processor import OutRecord
from tests.support.worker_proc import read_topic

pytestmark = pytest.mark.kafka


async def _publish(kafka, topic: str, batches: list[list[OutRecord]]) -> int:
    publisher = BatchPublisher(kafka)
    await publisher.start()
    sent = 0
    send_batch = publisher.producer.send_batch

    async def counted(*args, **kwargs):
        nonlocal sent
        sent += 1
        return await send_batch(*args, **kwargs)

    publisher.producer.send_batch = counted
    try:
        for records in batches:
            await publisher.publish(topic, records)
    finally:
        await publisher.stop()
    return sent


def test_records_land_on_their_keys_partition_in_order_with_headers(kafka_settings):
    ensure_topics(kafka_settings)
    topic, kafka = kafka_settings.kafka.topics.recommendations, kafka_settings.kafka
    records = [
        OutRecord(key=f"lrn-{i % 40}".encode(), value=f"{i:05d}".encode() + b"x" * 11_000,
                  headers=[("event_type", b"recommendation.generated"), ("n", str(i).encode())])
        for i in range(300)
    ]
    sent = asyncio.run(_publish(kafka, topic, [records[:150], [], records[150:]]))

    got = read_topic(kafka_settings, topic, len(records))
    assert sorted(m.value for m in got) == sorted(r.value for r in records)
    for m in got:
        assert m.partition == (murmur2(m.key) & 0x7FFFFFFF) % kafka.partitions
        assert dict(m.headers)["event_type"] == b"recommendation.generated"
    for key in {r.key for r in records}:
        sent_order = [r.value[:5] for r in records if r.key == key]
        read_order = [m.value[:5] for m in sorted(got, key=lambda m: m.offset) if m.key == key]
        assert read_order == sent_order
    # one record batch per partition and call, more only where a batch filled up
    most = 2 * kafka.partitions + math.ceil(sum(len(r.value) for r in records) / kafka.producer_batch_bytes)
    assert sent <= most < len(records)
