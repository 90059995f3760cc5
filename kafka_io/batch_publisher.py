"""The worker's output: a batch's records published with aiokafka's batch API.

faust's ``Topic.send`` gives every message its own futures and callbacks (faust's, then aiokafka's), all
resolved on the event loop, which the recommender's thread shares through the GIL. Here a batch's records
are appended to one record batch per partition (aiokafka's C builder) and each batch has one future. A
record goes to the partition aiokafka's default partitioner gives its key (murmur2, as the Java client
does), so a learner's recommendations stay in order on one partition, as with ``Topic.send``.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Sequence
from typing import Any, Protocol

import mode
from aiokafka import AIOKafkaProducer
from aiokafka.partitioner import DefaultPartitioner

from config.settings import KafkaSettings
from kafka_io.client import aiokafka_config


class OutRecord(Protocol):
    """What a record to publish has (``streams.processor.OutRecord`` is one)."""

    @property
    def key(self) -> bytes | None: ...
    @property
    def value(self) -> bytes: ...
    @property
    def headers(self) -> list[tuple[str, bytes]]: ...


class BatchPublisher(mode.Service):
    """One producer (acks from every in-sync replica) that publishes lists of records and waits for the acks."""

    def __init__(self, kafka: KafkaSettings, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.kafka = kafka
        self.producer: AIOKafkaProducer | None = None
        self.partitioner = DefaultPartitioner()

    async def on_start(self) -> None:
        self.producer = AIOKafkaProducer(**aiokafka_config(self.kafka), acks="all",
                                         max_batch_size=self.kafka.producer_batch_bytes)
        await self.producer.start()

    async def on_stop(self) -> None:
        if self.producer is not None:
            await self.producer.stop()

    async def publish(self, topic: str, records: Sequence[OutRecord]) -> None:
        """Send the records to the topic; returns once the broker acknowledged every one (raises otherwise)."""
        if not records:
            return
        producer = self.producer
        if producer is None:
            raise RuntimeError("publisher not started")
        partitions = sorted(await producer.partitions_for(topic))
        by_partition: dict[int, list[OutRecord]] = defaultdict(list)
        for record in records:
            by_partition[self.partitioner(record.key, partitions, partitions)].append(record)
        acks = []
        for partition, group in by_partition.items():
            batch = producer.create_batch()
            for record in group:
                # full: send it and start the next, which takes the record (an empty batch takes any size)
                while batch.append(key=record.key, value=record.value, timestamp=None, headers=record.headers) is None:
                    acks.append(await producer.send_batch(batch, topic, partition=partition))
                    batch = producer.create_batch()
            acks.append(await producer.send_batch(batch, topic, partition=partition))
        await asyncio.gather(*acks)
