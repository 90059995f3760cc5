"""What each of the recommender's caches is worth where production runs: ``recommend`` with adjustments.

``python -m benchmarks.bench_caches [--events N] [--rounds R] [--large]`` loads the model and the shipped
catalogue (or, with ``--large``, the 100k one of the benchmarks), and the workload's events. A worker always
passes people's adjustments (counsellor reviews and learner feedback), so every pass does too: a fixed mapping
of demoted and promoted (offering, gap) pairs, as a worker holds between two refreshes. Each round runs one
pass with every cache on (the baseline), one with all off, and one per cache with only that one switched off
(:func:`recommender.memo.switched_off`), each from fresh profile views as a new worker meets these learners;
rounds alternate so the machine's drift falls on every configuration alike. It prints, per configuration, the
median rate and its ratio to the baseline's median, and per cache its hit rate in the baseline passes: a cache
whose removal costs nothing (ratio about 1.0) does not pay and should go. Memos a request never looks up (the
catalogue's sharing tables, which pay in memory at build time) are listed apart.
"""

from __future__ import annotations

import argparse
import statistics
import time

from recommender import Recommender
from recommender.memo import counts, switched_off

ALL = "(all off)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=600)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pairs", type=int, default=300, help="adjusted (offering, gap) pairs")
    parser.add_argument("--large", action="store_true", help="the 100k synthetic catalogue")
    args = parser.parse_args()

    from benchmarks.workload import adjustments_for, assessment_events, large_catalog
    from config.settings import Settings
    from runtime.heap import release_free_heap, settle_heap
    from runtime.resources import make_embedder, make_recommender

    settings = Settings()
    embedder = make_embedder(settings)
    rec = make_recommender(settings, embedder)
    if args.large:
        catalog, _, _ = large_catalog(embedder, settings.cache_dir, 100_000, quick=True)
        rec = Recommender(catalog, embedder, funding=rec.funding, on_built=release_free_heap)
    events = assessment_events(args.events, seed=7)
    adjustments = adjustments_for(rec, args.pairs)
    rec.features()
    settle_heap()
    before = counts()
    for event in events[:50]:  # every memo a request uses exists (and is named) once warmed up
        rec.recommend(event, adjustments=adjustments)
    after = counts()
    names = sorted(n for n in after if sum(after[n][:2]) > sum(before.get(n, (0, 0, 0))[:2]))
    unused = sorted(set(after) - set(names))
    configs = ["(all on)", ALL, *names]
    rates: dict[str, list[float]] = {c: [] for c in configs}
    hit_rates: dict[str, list[float]] = {n: [] for n in names}
    for _ in range(args.rounds):
        for config in configs:
            off = names if config == ALL else [config] if config in names else []
            fresh = Recommender(rec.catalog, embedder, funding=rec.funding)  # a new worker's views and cards
            fresh.features()
            before = counts()
            with switched_off(off):
                start = time.perf_counter()
                for event in events:
                    fresh.recommend(event, adjustments=adjustments)
                rates[config].append(len(events) / (time.perf_counter() - start))
            if config == "(all on)":
                after = counts()
                for n in names:
                    hits = after[n][0] - before.get(n, (0, 0, 0))[0]
                    misses = after[n][1] - before.get(n, (0, 0, 0))[1]
                    hit_rates[n].append(hits / max(1, hits + misses))
    base = statistics.median(rates["(all on)"])
    print(f"{'configuration':<22} {'rec/s':>8} {'ratio':>6} {'hit rate':>9}")  # noqa: T201 - a report
    for config in configs:
        rate = statistics.median(rates[config])
        hit = f"{statistics.median(hit_rates[config]):.2f}" if config in hit_rates else ""
        label = config if config.startswith("(") else f"{config} off"
        print(f"{label:<22} {rate:>8.0f} {rate / base:>6.2f} {hit:>9}")  # noqa: T201 - a report
    if unused:
        print(f"not looked up by recommend (catalogue builds only): {', '.join(unused)}")  # noqa: T201 - a report


if __name__ == "__main__":
    main()
