"""How close shortlisted scoring comes to exhaustive scoring on the large catalogue (run on demand).

``python -m benchmarks.bench_shortlist [--learners N]`` recommends for N workload learners (seed 11) over the
shipped catalogue plus 100k synthetic offerings twice: through the shortlist, and with a recommender that
scores every offering (``shortlist_above`` the catalogue's size). It
prints the share of the exhaustive top five's score the shortlisted top five keeps, how many of the same
offerings they share, and the time per request of each (the exhaustive run is the baseline).
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Sequence

import numpy as np

from benchmarks.workload import assessment_events, large_catalog
from catalog_ingest.seed import load_funding
from config.settings import Settings
from embeddings import Embedder
from recommender import Catalog, Recommender
from runtime.heap import release_free_heap
from runtime.resources import make_embedder
from schemas.assessment import AssessmentCompleted
from schemas.offering import Offering
from schemas.recommendation import Item


def compare(catalog: Catalog, embedder: Embedder, funding: Sequence[Offering], learners: int,
            seed: int = 11) -> dict[str, float]:
    """Shortlisted against exhaustive recommendations for the same learners over ``catalog``."""
    events = assessment_events(learners, seed=seed)
    shortlisted = Recommender(catalog, embedder, funding=funding, on_built=release_free_heap)
    exhaustive = Recommender(catalog, embedder, funding=funding, shortlist_above=len(catalog),
                             on_built=release_free_heap)
    fast, fast_ms = _timed(shortlisted, events)
    full, full_ms = _timed(exhaustive, events)
    pairs = [(a, b) for a, b in zip(fast, full, strict=True) if b]
    return {
        "learners": learners,
        "with_items": len(pairs),
        "top5_score_retained": round(float(np.mean([sum(i.score for i in a[:5]) / sum(i.score for i in b[:5])
                                                    for a, b in pairs])), 4),
        "top5_same_offerings": round(float(np.mean([len({i.offering_id for i in a[:5]}
                                                        & {i.offering_id for i in b[:5]}) / len(b[:5])
                                                    for a, b in pairs])), 3),
        "as_many_items": round(float(np.mean([len(a) == len(b) for a, b in pairs])), 3),
        "shortlist_ms": round(fast_ms, 2),
        "exhaustive_ms": round(full_ms, 2),
    }


def _timed(rec: Recommender, events: Sequence[AssessmentCompleted]) -> tuple[list[list[Item]], float]:
    """Each event's items, and the mean time per request (features built beforehand, outside the timing)."""
    rec.features()
    t0 = time.perf_counter()
    items = [rec.recommend(e).items for e in events]
    return items, (time.perf_counter() - t0) * 1000 / len(events)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=100)
    args = parser.parse_args()
    settings = Settings()
    embedder = make_embedder(settings)
    catalog, _, _ = large_catalog(embedder, settings.cache_dir, 100_000, quick=True)
    print(json.dumps(compare(catalog, embedder, load_funding(settings.catalog.funding_path), args.learners)))  # noqa: T201 - a command-line report


if __name__ == "__main__":
    main()
