"""Building the heavy resources (model, catalogue, recommender) from settings, once per process."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from catalog_ingest.seed import load_funding, load_offerings
from config.settings import Settings
from embeddings import CachedEmbedder, SentenceTransformerEmbedder
from recommender import Catalog, Recommender, build_catalog
from runtime.heap import release_free_heap
from store import Store

logger = logging.getLogger(__name__)


def make_embedder(settings: Settings) -> CachedEmbedder:
    """The configured model behind the on-disk cache of fixed texts."""
    model = SentenceTransformerEmbedder(settings.model.name, settings.model.device, settings.model.batch_size)
    return CachedEmbedder(model, settings.cache_dir)


def make_recommender(settings: Settings, embedder: CachedEmbedder | None = None) -> Recommender:
    """A recommender over the configured (or shipped) catalogue."""
    embedder = embedder or make_embedder(settings)
    catalog = build_catalog(load_offerings(settings.catalog.path), embedder)
    rec = Recommender(catalog, embedder, funding=load_funding(settings.catalog.funding_path),
                      home=settings.home_country, on_built=release_free_heap)
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
                      home=settings.home_country, on_built=release_free_heap)
    snapshots = settings.catalog.snapshot_dir if settings.worker.snapshots else None
    return WorkerParts(rec, embedder, store, snapshots)
