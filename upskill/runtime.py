"""Building the heavy resources (model, catalogue, recommender) from settings, once per process."""

from __future__ import annotations

import gc
import logging
from dataclasses import dataclass
from pathlib import Path

from catalog_ingest.seed import load_funding, load_offerings
from config.settings import Settings
from embeddings import CachedEmbedder, SentenceTransformerEmbedder
from recommender import Catalog, Recommender, build_catalog
from recommender.heap import release_free_heap
from store import Store

logger = logging.getLogger(__name__)


GC_YOUNG_THRESHOLD = 50_000  # net new tracked objects between young collections (CPython's default: 700)


def settle_heap() -> None:
    """Put everything built at start-up (the model, the catalogue, the ranking features) out of the garbage
    collector's sight, and collect the young generation less often.

    The start-up objects are millions, and every full collection walked them all: that doubled the cost of a
    recommendation in the worker (``benchmarks/README.md``). Objects made later are collected as usual, but a
    batch of 256 recommendations in flight is tens of thousands of live objects: with the default threshold
    they were walked by a young collection every other event and promoted, and as so little is left unfrozen,
    each promotion soon set off a full collection (0.2-0.35 ms an event in the worker). Only reference cycles
    wait for the collector at all, so a higher threshold keeps at most that many cyclic objects a little longer.
    """
    gc.collect()
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(GC_YOUNG_THRESHOLD, older, oldest)
    release_free_heap()  # what start-up freed, back to the system


def make_embedder(settings: Settings) -> CachedEmbedder:
    """The configured model behind the on-disk cache of fixed texts."""
    model = SentenceTransformerEmbedder(settings.model.name, settings.model.device, settings.model.batch_size)
    return CachedEmbedder(model, settings.cache_dir)


def make_recommender(settings: Settings, embedder: CachedEmbedder | None = None) -> Recommender:
    """A recommender over the configured (or shipped) catalogue."""
    embedder = embedder or make_embedder(settings)
    catalog = build_catalog(load_offerings(settings.catalog.path), embedder)
    rec = Recommender(catalog, embedder, funding=load_funding(settings.catalog.funding_path),
                      home=settings.home_country)
    embedder.save()
    return rec


@dataclass
class WorkerParts:
    """What a worker process holds."""

    recommender: Recommender
    embedder: CachedEmbedder
    store: Store
    snapshots: Path | None


def seed_catalog_if_empty(settings: Settings) -> int:
    """Publish the configured (or shipped) catalogue when the catalogue topic holds nothing yet."""
    from kafka import KafkaConsumer

    from kafka_io.client import client_config, make_producer, publish, read_from_start

    topic = settings.kafka.topics.catalog
    consumer = KafkaConsumer(**client_config(settings.kafka))
    try:
        parts = read_from_start(consumer, topic)
        if sum(consumer.end_offsets(parts).values()):
            return 0
    finally:
        consumer.close()
    offerings = load_offerings(settings.catalog.path)
    producer = make_producer(settings)
    try:
        n = publish(producer, topic, [(o.id, o.model_dump_json().encode("utf-8")) for o in offerings])
    finally:
        producer.close()
    logger.info("catalogue topic %s was empty: published %d offerings", topic, n)
    return n


def load_or_empty_catalog(settings: Settings, embedder: CachedEmbedder) -> Catalog:
    """The last snapshot of the catalogue, or an empty one when there is none or it is unusable."""
    from recommender.snapshot import SnapshotError, load_snapshot

    try:
        return load_snapshot(settings.catalog.snapshot_dir, model=embedder.name)
    except SnapshotError as exc:
        logger.warning("starting from an empty catalogue (the topic will fill it): %s", exc)
        return Catalog(embedder.dim)


def make_worker_parts(settings: Settings) -> WorkerParts:
    """Topics, store, model and an empty catalogue that the follower fills from the topic."""
    from kafka_io.client import ensure_topics

    ensure_topics(settings)
    if settings.catalog.seed_if_empty:
        seed_catalog_if_empty(settings)
    store = Store(settings.database.url, settings.database.echo)
    embedder = make_embedder(settings)
    catalog = load_or_empty_catalog(settings, embedder)
    rec = Recommender(catalog, embedder, funding=load_funding(settings.catalog.funding_path),
                      home=settings.home_country)
    snapshots = settings.catalog.snapshot_dir if settings.worker.snapshots else None
    return WorkerParts(rec, embedder, store, snapshots)
