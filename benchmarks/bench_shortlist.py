"""How close shortlisted scoring comes to exhaustive scoring on the large catalogue (run on demand).

``python -m benchmarks.bench_shortlist [--learners N]`` recommends for N workload learners (seed 11) over the
shipped catalogue plus 100k synthetic offerings twice: through the shortlist, and scoring every offering. It
prints the share of the exhaustive top five's score the shortlisted top five keeps, how many of the same
offerings they share, and the time per request of each (the exhaustive run is the baseline).
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from benchmarks.workload import assessment_events, large_catalog
from catalog_ingest.seed import load_funding
from recommender import Recommender
from recommender import shortlist as sl
from upskill.runtime import make_embedder
from upskill.settings import Settings


def compare(rec: Recommender, learners: int) -> dict[str, float]:
    """Shortlisted against exhaustive recommendations for the same learners."""
    events = assessment_events(learners, seed=11)
    rec.recommend(events[0])  # features, tables and shortlists built outside the timing
    t0 = time.perf_counter()
    fast = [rec.recommend(e).items for e in events]
    fast_ms = (time.perf_counter() - t0) * 1000 / learners
    rec._views.clear()
    original = sl.Shortlists.candidates
    sl.Shortlists.candidates = lambda self, *args: None  # type: ignore[method-assign]
    try:
        t0 = time.perf_counter()
        full = [rec.recommend(e).items for e in events]
        full_ms = (time.perf_counter() - t0) * 1000 / learners
    finally:
        sl.Shortlists.candidates = original  # type: ignore[method-assign]
    pairs = [(a, b) for a, b in zip(fast, full, strict=True) if b]
    return {
        "learners": learners,
        "top5_score_retained": round(float(np.mean([sum(i.score for i in a[:5]) / sum(i.score for i in b[:5])
                                                    for a, b in pairs])), 4),
        "top5_same_offerings": round(float(np.mean([len({i.offering_id for i in a[:5]}
                                                        & {i.offering_id for i in b[:5]}) / len(b[:5])
                                                    for a, b in pairs])), 3),
        "as_many_items": round(float(np.mean([len(a) == len(b) for a, b in pairs])), 3),
        "shortlist_ms": round(fast_ms, 2),
        "exhaustive_ms": round(full_ms, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=100)
    args = parser.parse_args()
    settings = Settings()
    embedder = make_embedder(settings)
    catalog, _, _ = large_catalog(embedder, settings.cache_dir, 100_000, quick=True)
    rec = Recommender(catalog, embedder, funding=load_funding(settings.catalog.funding_path))
    print(json.dumps(compare(rec, args.learners)))  # noqa: T201 - a command-line report


if __name__ == "__main__":
    main()
