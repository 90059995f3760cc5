"""Index benchmarks: build a synthetic catalogue's FAISS index, snapshot it, and apply live updates.

``python -m benchmarks`` calls :func:`measure_build`; the standalone run adds snapshot and in-process update figures:
``.venv/bin/python -m benchmarks.bench_index [--size 10000] [--updates 20]``. Not a test: it prints figures.

- build: the offerings' texts embedded by the model (from the benchmark's embedding cache when every text is
  in it) plus ``Catalog.upsert`` into the FAISS index. With ``quick`` and a cold cache the embedding is
  skipped: vectors come from :func:`~catalog_ingest.synthetic.synthetic_vectors` and the report says so,
  with the time the model would have needed at the encode rate measured in the same run;
- baseline: the raw model's encode throughput on a sample of the same texts (what embedding them all costs);
- snapshot save / load, and ``apply_record`` of a new offering until a search returns it (standalone only).
"""

from __future__ import annotations

import argparse
import logging
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from catalog_ingest.seed import load_offerings
from catalog_ingest.synthetic import synthetic_offerings, synthetic_vectors
from embeddings import CachedEmbedder, Embedder, SentenceTransformerEmbedder
from recommender.catalog import Catalog
from recommender.snapshot import load_snapshot, save_snapshot
from streams.catalog_sync import apply_record

logger = logging.getLogger(__name__)


def _timed(fn: Callable[..., Any], *args: Any) -> tuple[Any, float]:
    start = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - start


def encode_rate(model: Embedder, texts: list[str]) -> float:
    """Texts per second of the raw model (no cache) on these texts, after a one-text warm-up."""
    model.encode(texts[:1])
    _, seconds = _timed(model.encode, texts)
    return len(texts) / seconds


def measure_build(model: Embedder, cache_dir: Path, size: int, quick: bool, seed_vectors: dict[str, np.ndarray],
                  encode_sample: int = 128) -> dict:
    """Build the index of ``size`` synthetic offerings; the figures and how the vectors were obtained.

    Args:
        model: the raw embedding model.
        cache_dir: the benchmark's embedding cache (``<dir>/<model>.npz``).
        size: how many offerings.
        quick: skip embedding when the cache does not hold every text.
        seed_vectors: the shipped offerings' vectors by id (templates of the synthetic vectors).
        encode_sample: how many fresh texts measure the raw encode rate.
    """
    embedder = CachedEmbedder(model, cache_dir)
    offerings = synthetic_offerings(size, 0)
    texts = [o.embedding_text() for o in offerings]
    rate = encode_rate(model, texts[:encode_sample])
    cached = all(t in embedder for t in texts)
    start = time.perf_counter()
    if cached or not quick:
        vectors = embedder.encode(texts)
        how = "model embeddings from the cache" if cached else "model embeddings computed now (then cached)"
    else:
        vectors = synthetic_vectors(offerings, seed_vectors, 0)
        how = "synthetic vectors (--quick, embedding cache cold): build_s excludes embedding"
    catalog = Catalog(embedder.dim)
    catalog.upsert(offerings, vectors)
    build_s = time.perf_counter() - start
    embedder.save()
    return {
        "offerings": len(catalog),
        "build_s": round(build_s, 2),
        "vectors": how,
        "baseline_encode_per_s": round(rate, 1),
        "embed_all_at_baseline_s": round(size / rate, 1),
        "catalog": catalog,
    }


def _latencies(catalog: Catalog, embedder: Embedder, n: int) -> tuple[list[float], list[float]]:
    base = load_offerings()[0]
    add, remove = [], []
    for i in range(n):
        off = base.model_copy(update={"id": f"bench-new-{i}", "title": f"Benchmark course number {i} on spreadsheets",
                                      "description": f"Pivot tables, charts and formulas, session {i}."})
        start = time.perf_counter()
        apply_record(catalog, embedder, off.id.encode(), off.model_dump_json().encode())
        hit = catalog.search(catalog.vectors[off.id].reshape(1, -1), 1)[0][0][0]
        add.append(time.perf_counter() - start)
        if hit != off.id:
            raise RuntimeError(f"search for {off.id} returned {hit}")
        start = time.perf_counter()
        apply_record(catalog, embedder, off.id.encode(), None)
        gone = off.id not in {oid for oid, _ in catalog.search(embedder.encode([off.embedding_text()]), 5)[0]}
        remove.append(time.perf_counter() - start)
        if not gone:
            raise RuntimeError(f"{off.id} still found after its withdrawal")
    return add, remove


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--updates", type=int, default=20)
    parser.add_argument("--quick", action="store_true", help="synthetic vectors when the cache is cold")
    parser.add_argument("--cache", type=Path, default=Path(".upskill/cache/bench"), help="embedding cache dir")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    model = SentenceTransformerEmbedder()
    embedder = CachedEmbedder(model, args.cache)
    seed = load_offerings()
    seed_vectors = dict(zip([o.id for o in seed], embedder.encode([o.embedding_text() for o in seed]), strict=True))
    embedder.save()
    figures = measure_build(model, args.cache, args.size, args.quick, seed_vectors)
    catalog = figures.pop("catalog")
    logger.info("index build of %d offerings: %.2f s (%s); raw encode %.1f texts/s", figures["offerings"],
                figures["build_s"], figures["vectors"], figures["baseline_encode_per_s"])
    queries = embedder.encode(["spreadsheets for beginners", "protect my privacy", "learn to program"])
    _, t_search = _timed(catalog.search, np.repeat(queries, 100, axis=0), 30)
    logger.info("search: 300 queries, k=30: %.1f ms", t_search * 1000)
    with tempfile.TemporaryDirectory() as tmp:
        _, t_save = _timed(save_snapshot, catalog, Path(tmp) / "snap", embedder.name)
        _, t_load = _timed(load_snapshot, Path(tmp) / "snap", embedder.name)
        logger.info("snapshot: save %.2f s  load %.2f s", t_save, t_load)
    add, remove = _latencies(catalog, embedder, args.updates)
    for name, xs in (("add (embed + index)", add), ("withdraw", remove)):
        logger.info("apply_record, %s: median %.1f ms  max %.1f ms  (n=%d, catalogue of %d)", name,
                    statistics.median(xs) * 1000, max(xs) * 1000, len(xs), len(catalog))


if __name__ == "__main__":
    main()
