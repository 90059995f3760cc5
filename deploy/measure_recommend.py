"""Per-event cost of ``Recommender.recommend`` on one process, for the sizing in deploy/README.md.

Builds the recommender like tests/conftest.py (shipped catalogue, default model), varies the two contract
examples (random levels, fresh event ids), warms up, then times N calls. Prints one JSON line:
throughput, latency percentiles, CPU time per event (less sensitive than wall time to other load on the
machine), peak memory and message sizes (input event, output recommendation, gzip ratio of a batch of outputs).

Run from the repository root: ``.venv/bin/python deploy/measure_recommend.py [N]``. ``python -m benchmarks`` will
replace this figure with the pipeline's own.
"""

from __future__ import annotations

import gzip
import json
import random
import resource
import statistics
import sys
import time
from pathlib import Path

from catalog_ingest.seed import load_funding, load_offerings
from embeddings import CachedEmbedder, SentenceTransformerEmbedder
from recommender import Recommender, build_catalog
from schemas.assessment import AssessmentCompleted

EXAMPLES = Path(__file__).resolve().parent.parent / "upskill" / "examples"


def make_events(n: int, seed: int = 7) -> list[AssessmentCompleted]:
    """n events: the digcomp and pix contract examples in turn, with random levels and unique ids."""
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    bases = [json.loads((EXAMPLES / f"assessment-completed.{name}.json").read_text()) for name in ("digcomp", "pix")]
    events = []
    for i in range(n):
        raw = json.loads(json.dumps(bases[i % 2]))
        raw["event_id"] = f"00000000-0000-4000-8000-{i:012d}"
        for result in raw["results"]:
            result["level"] = rng.randint(0, 5)
        events.append(AssessmentCompleted.model_validate(raw))
    return events


def measure(n: int) -> dict[str, float]:
    """Time n recommendations after a warm-up of 50."""
    embedder = CachedEmbedder(SentenceTransformerEmbedder())
    rec = Recommender(build_catalog(load_offerings(), embedder), embedder, funding=load_funding())
    events = make_events(n)
    for event in events[:50]:
        rec.recommend(event)
    latencies, outputs = [], []
    wall0, cpu0 = time.perf_counter(), time.process_time()
    for event in events:
        start = time.perf_counter()
        outputs.append(rec.recommend(event).model_dump_json().encode())
        latencies.append((time.perf_counter() - start) * 1000)
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    latencies.sort()
    return {
        "events": n,
        "offerings": len(rec.catalog.offerings),
        "per_s": round(n / wall, 1),
        "p50_ms": round(statistics.median(latencies), 2),
        "p99_ms": round(latencies[int(0.99 * (n - 1))], 2),
        "cpu_ms_per_event": round(cpu * 1000 / n, 2),
        "in_bytes": round(statistics.mean(len(e.model_dump_json()) for e in events)),
        "out_bytes": round(statistics.mean(map(len, outputs))),
        "out_gzip_ratio": round(sum(map(len, outputs)) / len(gzip.compress(b"\n".join(outputs))), 1),
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


if __name__ == "__main__":
    sys.stdout.write(json.dumps(measure(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)) + "\n")
