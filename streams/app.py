"""The faust app: the assessment agent and the catalogue follower, thin adapters over the core.

Run it with ``upskill worker``. Heavy resources (model, catalogue, store) are built in
:meth:`WorkerRuntime.on_start`, never at import time.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import faust
import mode

from config.settings import Settings
from kafka_io.batch_publisher import BatchPublisher
from kafka_io.client import faust_credentials
from recommender import Recommender
from streams import metrics
from streams.catalog_follower import CatalogFollower
from streams.processor import AssessmentProcessor, BatchResult, InRecord, encode

logger = logging.getLogger(__name__)


class WorkerRuntime(mode.Service):
    """Builds the recommender and the store, keeps the catalogue in step with its topic, publishes results."""

    def __init__(self, settings: Settings, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.settings = settings
        self.processor: AssessmentProcessor | None = None
        self.follower: CatalogFollower | None = None
        self.publisher = BatchPublisher(settings.kafka)
        self.delivering: asyncio.Future[None] | None = None  # the batch being published (at most one)
        self.ready = asyncio.Event()

    async def on_start(self) -> None:
        from runtime.heap import settle_heap
        from runtime.resources import make_worker_parts

        await self.add_runtime_dependency(self.publisher)
        parts = await asyncio.to_thread(make_worker_parts, self.settings)
        from store.adjustments import CachedAdjustments

        self.processor = AssessmentProcessor(parts.recommender, parts.store, CachedAdjustments(parts.store),
                                             self.settings.kafka.max_event_bytes)
        self.follower = CatalogFollower(self.settings, parts.recommender.catalog, parts.embedder, parts.snapshots)
        await self.add_runtime_dependency(self.follower)
        await self.follower.caught_up.wait()
        metrics.INDEX_SIZE.set(len(parts.recommender.catalog))
        await asyncio.to_thread(_build_features, parts.recommender)  # here, not in the first event's time
        settle_heap()
        self.ready.set()
        logger.info("worker ready: catalogue %s (%d offerings)", parts.recommender.catalog.version,
                    len(parts.recommender.catalog))

    async def on_stop(self) -> None:
        """Let the batches being published finish before the publisher stops (it stops after this): a graceful
        stop then leaves no stored recommendation unsent for the next start to resend."""
        if self.delivering is not None and not self.delivering.done():
            _, pending = await asyncio.wait({self.delivering}, timeout=self.settings.kafka.session_timeout_s)
            if pending:
                logger.warning("stopping with a batch unpublished; the next start sends it")


def _build_features(recommender: Recommender) -> None:
    with recommender.catalog.lock:  # the follower may be applying an update
        recommender.features()


def _report_failure(task: asyncio.Future[None]) -> None:
    """Log a batch delivery that failed (its recommendations stay unsent in the store until the next start)."""
    if not task.cancelled() and task.exception() is not None:
        logger.error("delivering a batch failed: %r", task.exception())


def observe(app: faust.App, events: list[faust.EventT]) -> None:
    """Per-event latency since the record reached Kafka, and the lag of each partition seen in the batch."""
    now = time.time()
    last: dict[faust.types.TP, int] = {}
    for e in events:
        if e.message.timestamp:
            metrics.EVENT_LATENCY.observe(max(0.0, now - e.message.timestamp))
        last[e.message.tp] = max(last.get(e.message.tp, -1), e.message.offset)
    for tp, offset in last.items():
        try:
            metrics.CONSUMER_LAG.labels(str(tp.partition)).set(max(0, app.consumer.highwater(tp) - offset - 1))
        except (KeyError, TypeError):  # no highwater known yet for this partition
            continue


def create_app(settings: Settings) -> faust.App:
    """The faust app for these settings (one per worker process)."""
    kafka = settings.kafka
    (settings.data_dir / "faust").mkdir(parents=True, exist_ok=True)
    app = faust.App(
        kafka.consumer_group,
        broker=[f"kafka://{server}" for server in kafka.bootstrap_list],
        broker_credentials=faust_credentials(kafka),
        store="memory://",
        key_serializer="raw",
        value_serializer="raw",
        web_enabled=False,
        topic_allow_declare=False,  # topics are created by ensure_topics with their real settings
        topic_partitions=kafka.partitions,
        consumer_auto_offset_reset="earliest",
        producer_acks=-1,
        broker_commit_every=100,
        broker_session_timeout=kafka.session_timeout_s,
        broker_heartbeat_interval=kafka.heartbeat_interval_s,
        broker_rebalance_timeout=kafka.rebalance_timeout_s,
        broker_commit_interval=1.0,
        stream_buffer_maxsize=4096,
        datadir=str(settings.data_dir / "faust"),
    )
    runtime = WorkerRuntime(settings, loop=None)
    app.service(runtime)  # type: ignore[arg-type]
    app.upskill_runtime = runtime  # type: ignore[attr-defined]
    assessments = app.topic(kafka.topics.assessments, key_type=bytes, value_type=bytes)
    publish = runtime.publisher.publish

    async def deliver(processor: AssessmentProcessor, result: BatchResult, events: list, started: float) -> None:
        """Publish a processed batch, then mark its recommendations published in the store."""
        await publish(kafka.topics.assessments_dlq, result.dead_letters)
        await publish(kafka.topics.recommendations, result.recommendations)
        published = [r.event_id for r in result.recommendations if r.event_id]
        await asyncio.to_thread(processor.store.mark_published, published)
        observe(app, events)
        metrics.DLQ.inc(len(result.dead_letters))
        metrics.RECOMMENDATIONS_OUT.inc(len(result.recommendations))
        metrics.DUPLICATES.inc(result.duplicates)
        metrics.ERASED.labels("tombstone").inc(result.tombstones)
        metrics.ERASED.labels("assessment").inc(result.erased)
        metrics.BATCH_LATENCY.observe(time.perf_counter() - started)

    async def resend_unpublished(processor: AssessmentProcessor) -> None:
        """Recommendations a previous run stored but may not have sent (it stopped in between): send them."""
        while stored := await asyncio.to_thread(processor.store.unpublished):
            await publish(kafka.topics.recommendations, [encode(r) for r in stored])
            await asyncio.to_thread(processor.store.mark_published, [str(r.event_id) for r in stored])
            logger.info("re-sent %d recommendations stored by an earlier run but not marked sent", len(stored))

    @app.agent(assessments, name="recommend-assessments")
    async def recommend_assessments(stream: faust.StreamT) -> None:
        await runtime.ready.wait()
        processor = runtime.processor
        if processor is None:
            raise RuntimeError("worker runtime started without a processor")
        await resend_unpublished(processor)
        # One batch is delivered while the next is processed: sending and waiting for the broker's acks no
        # longer idle the recommender. The store records each recommendation before it is sent, so a batch
        # whose offsets were committed but whose delivery a crash cut short is re-sent at the next start.
        delivering: asyncio.Future[None] | None = None
        async for events in stream.take_events(256, within=0.02):
            started = time.perf_counter()
            batch = [
                InRecord(e.key, e.value, e.message.topic, e.message.partition, e.message.offset) for e in events
            ]
            metrics.EVENTS_IN.inc(len(batch))
            result = await asyncio.to_thread(processor.process, batch)
            if delivering is not None:
                await delivering  # in order, and at most one batch in flight
            delivering = runtime.delivering = asyncio.ensure_future(deliver(processor, result, events, started))
            delivering.add_done_callback(_report_failure)

    return app
