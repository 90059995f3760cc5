"""Prometheus metrics of the worker (served by ``upskill worker`` on the metrics port)."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import REGISTRY, Counter, Gauge, Histogram
from prometheus_client.core import CounterMetricFamily, Metric
from prometheus_client.registry import Collector

from recommender.memo import counts

EVENTS_IN = Counter("upskill_worker_events_in_total", "Assessment records consumed.")
RECOMMENDATIONS_OUT = Counter("upskill_worker_recommendations_out_total", "Recommendations sent.")
DLQ = Counter("upskill_worker_dead_letters_total", "Records sent to the dead-letter topic.")
DUPLICATES = Counter("upskill_worker_duplicates_total", "Redelivered events skipped (already processed).")
ERASED = Counter("upskill_worker_erased_skipped_total", "Records of erased learners skipped: tombstones, and "
                 "assessments made before the erasure (a replay, an offset reset).", ["kind"])
BATCH_LATENCY = Histogram(
    "upskill_worker_batch_seconds",
    "Time to process one batch of assessment records, send and commit.",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
INDEX_SIZE = Gauge("upskill_worker_index_offerings", "Offerings in the worker's vector index.")
CATALOG_UPDATES = Counter("upskill_worker_catalog_updates_total", "Catalogue records applied.", ["action"])
CATALOG_LAG = Gauge("upskill_worker_catalog_lag_records", "Catalogue records not yet applied.")
SNAPSHOT_FAILURES = Counter("upskill_worker_snapshot_failures_total", "Index snapshots that could not be written.")
EVENT_LATENCY = Histogram(
    "upskill_worker_event_latency_seconds",
    "From an assessment's arrival in Kafka to its recommendation being sent.",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
CONSUMER_LAG = Gauge(
    "upskill_worker_consumer_lag_records", "Assessment records behind the end of the partition.", ["partition"]
)


class RecommenderCaches(Collector):
    """The recommender's memos (``recommender.memo``): hits, misses and emptyings per cache, read at scrape time."""

    def collect(self) -> Iterator[Metric]:
        families = [
            CounterMetricFamily("upskill_worker_cache_hits", "Values the recommender found in a cache.",
                                labels=["cache"]),
            CounterMetricFamily("upskill_worker_cache_misses", "Values the recommender computed and kept.",
                                labels=["cache"]),
            CounterMetricFamily("upskill_worker_cache_emptied", "Times a full cache was emptied to start again.",
                                labels=["cache"]),
        ]
        for name, values in counts().items():
            for family, value in zip(families, values, strict=True):
                family.add_metric([name], value)
        yield from families


REGISTRY.register(RecommenderCaches())
