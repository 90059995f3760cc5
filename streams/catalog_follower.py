"""Keeps a worker's catalogue in step with the compacted ``catalog.offerings`` topic.

Every worker reads every partition from the start (no consumer group: each needs the whole catalogue), applies
upserts and tombstones to its :class:`Catalog`, and embeds only offerings whose text it has no vector for.
"""

from __future__ import annotations

import asyncio
import logging

import mode
from aiokafka import AIOKafkaConsumer, TopicPartition

from config.settings import Settings
from embeddings import Embedder
from kafka_io.client import aiokafka_config
from recommender.catalog import Catalog
from recommender.snapshot import save_snapshot
from streams import metrics
from streams.catalog_sync import apply_batch

logger = logging.getLogger(__name__)


class CatalogFollower(mode.Service):
    """Consumes the catalogue topic into a Catalog; ``caught_up`` is set once the start-time end is reached."""

    def __init__(self, settings: Settings, catalog: Catalog, embedder: Embedder, snapshots=None, **kw) -> None:  # type: ignore[no-untyped-def]
        super().__init__(**kw)
        self.settings = settings
        self.catalog = catalog
        self.embedder = embedder
        self.snapshots = snapshots
        self.caught_up = asyncio.Event()
        self._consumer: AIOKafkaConsumer | None = None
        self._end: dict[TopicPartition, int] = {}
        self._saved_version = catalog.version if snapshots is not None else None

    async def on_start(self) -> None:
        kafka = self.settings.kafka
        self._consumer = AIOKafkaConsumer(
            **aiokafka_config(kafka) | {"client_id": f"{kafka.client_id}-catalog"},
            group_id=None,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
        )
        await self._consumer.start()
        topic = kafka.topics.catalog
        parts = [TopicPartition(topic, p) for p in sorted(self._consumer.partitions_for_topic(topic) or [])]
        if not parts:
            raise RuntimeError(f"topic {topic} has no partitions: was it created?")
        self._consumer.assign(parts)
        await self._consumer.seek_to_beginning(*parts)
        self._end = await self._consumer.end_offsets(parts)

    async def _check_caught_up(self, idle: bool) -> None:
        """Caught up once every partition reached its start-time end and a fetch came back empty.

        Both are needed: tansu's high watermark can lag behind records it already serves, so the end offsets
        alone could declare the catalogue complete too early.
        """
        if self._consumer is None or self.caught_up.is_set():
            return
        lag = 0
        for tp, end in self._end.items():
            lag += max(0, end - await self._consumer.position(tp))
        metrics.CATALOG_LAG.set(lag)
        if lag == 0 and idle:
            save = getattr(self.embedder, "save", None)
            if save is not None:
                await asyncio.to_thread(save)
            logger.info("catalogue caught up: %d offerings, version %s", len(self.catalog), self.catalog.version)
            self.caught_up.set()

    @mode.Service.task
    async def _follow(self) -> None:
        while self._consumer is not None and not self.should_stop:
            batches = await self._consumer.getmany(timeout_ms=200, max_records=2000)
            records = [(m.key, m.value) for msgs in batches.values() for m in msgs]
            if records:
                res = await asyncio.to_thread(apply_batch, self.catalog, self.embedder, records)
                for action in ("added", "replaced", "removed", "invalid"):
                    metrics.CATALOG_UPDATES.labels(action).inc(getattr(res, action))
                metrics.INDEX_SIZE.set(len(self.catalog))
                logger.info("catalogue updated: +%d ~%d -%d (=%d, invalid %d, embedded %d), version %s", res.added,
                            res.replaced, res.removed, res.unchanged, res.invalid, res.embedded, self.catalog.version)
            await self._check_caught_up(idle=not records)

    @mode.Service.task
    async def _snapshot_periodically(self) -> None:
        await self.caught_up.wait()
        while not self.should_stop:
            await self.snapshot()
            await self.sleep(self.settings.catalog.snapshot_every_s)

    async def snapshot(self) -> bool:
        """Save the catalogue if it changed since the last snapshot; a failure is logged, never fatal."""
        if self.snapshots is None or self.catalog.version == self._saved_version:
            return False
        version = self.catalog.version

        def save() -> None:
            with self.catalog.lock:
                save_snapshot(self.catalog, self.snapshots, self.embedder.name)

        try:
            await asyncio.to_thread(save)
        except (OSError, RuntimeError) as exc:  # full disk, read-only volume (FAISS raises RuntimeError)
            metrics.SNAPSHOT_FAILURES.inc()
            logger.error("catalogue snapshot to %s failed (%s); the worker keeps running", self.snapshots, exc)
            return False
        self._saved_version = version
        return True

    async def on_stop(self) -> None:
        if self._consumer is not None:
            await self._consumer.stop()
        if self.caught_up.is_set():
            await self.snapshot()
