"""The recommender's core on one process: throughput and latency of ``Recommender.recommend``.

Measured through the public API only. The baseline is embedding-only retrieval over the same catalogue in the
same run: the same gaps, one priority-weighted query vector, brute-force NumPy inner products over every
offering vector and the top 10 (what a plain "vector search" recommender would cost).
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Sequence
from functools import partial

import numpy as np

from benchmarks.workload import adjustments_for
from recommender import Recommender
from recommender.gaps import compute_gaps
from runtime.heap import settle_heap
from schemas.assessment import AssessmentCompleted

TOP_K = 10


def _percentile(sorted_ms: Sequence[float], q: float) -> float:
    return sorted_ms[min(len(sorted_ms) - 1, int(q * (len(sorted_ms) - 1) + 0.5))]


class GcClock:
    """Wall time spent in the garbage collector while it is attached (``gc.callbacks``)."""

    def __init__(self) -> None:
        self.seconds, self._start = 0.0, 0.0

    def __call__(self, phase: str, _info: dict) -> None:
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._start

    def __enter__(self) -> GcClock:
        gc.callbacks.append(self)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self)


class CallTimer:
    """Times calls of a function over one or more spells; the figures summarise all spells together."""

    def __init__(self, fn: Callable[[AssessmentCompleted], object]) -> None:
        self.fn = fn
        self.latencies: list[float] = []
        self.wall = self.cpu = self.gc = 0.0
        self.spells: list[float] = []  # calls per second of each spell

    def run(self, events: Sequence[AssessmentCompleted], budget_s: float = float("inf")) -> int:
        """Time a call on each event; stops once ``budget_s`` passed and 10 were timed. Returns how many."""
        timed: list[float] = []
        wall0, cpu0 = time.perf_counter(), time.process_time()
        with GcClock() as collector:
            for event in events:
                start = time.perf_counter()
                self.fn(event)
                timed.append((time.perf_counter() - start) * 1000)
                if len(timed) >= 10 and start - wall0 > budget_s:
                    break
        wall = time.perf_counter() - wall0
        self.spells.append(round(len(timed) / wall, 1))
        self.wall += wall
        self.cpu += time.process_time() - cpu0
        self.gc += collector.seconds
        self.latencies += timed
        return len(timed)

    def summary(self) -> dict[str, float]:
        """Throughput, latency percentiles, CPU and garbage collection per call, over every spell."""
        latencies, n = sorted(self.latencies), len(self.latencies)
        figures = {
            "events": n,
            "per_s": round(n / self.wall, 1),
            "p50_ms": round(statistics.median(latencies), 3),
            "p99_ms": round(_percentile(latencies, 0.99), 3),
            "cpu_ms_per_event": round(self.cpu * 1000 / n, 3),
            "gc_ms_per_event": round(self.gc * 1000 / n, 3),
        }
        return figures | ({"per_s_each_spell": self.spells} if len(self.spells) > 1 else {})


def time_calls(fn: Callable[[AssessmentCompleted], object], events: Sequence[AssessmentCompleted],
               warmup: Sequence[AssessmentCompleted] = (), budget_s: float = float("inf"),
               between: Callable[[], object] | None = None) -> dict[str, float]:
    """Time ``fn`` on the events (see :class:`CallTimer`), each spell right after untimed calls on warm-up events.

    The warm-up events must not be among the timed ones: a repeated learner finds their profile's arrays kept, several
    times faster than a new one. With ``between``, the events are timed in two halves, before and after it
    runs, each with half the budget and half the warm-up events: on this VM the first ~50 calls after a few
    idle seconds take about 2.5 times as long as the rest, so an unwarmed second half measured the machine
    waking up, not ``fn``.
    """
    timer = CallTimer(fn)
    if between is None:
        _warm(fn, warmup)
        timer.run(events, budget_s)
    else:
        half, warm = len(events) // 2, len(warmup) // 2
        _warm(fn, warmup[:warm])
        timer.run(events[:half], budget_s / 2)
        between()
        _warm(fn, warmup[warm:])
        timer.run(events[half:], budget_s / 2)
    return timer.summary()


def _warm(fn: Callable[[AssessmentCompleted], object], events: Sequence[AssessmentCompleted]) -> None:
    for event in events:
        fn(event)


def embedding_baseline(rec: Recommender) -> Callable[[AssessmentCompleted], list[int]]:
    """Embedding-only retrieval over ``rec``'s catalogue: gaps, one query vector, brute-force top 10."""
    ids = list(rec.catalog.offerings)
    matrix = rec.catalog.matrix(ids)

    def retrieve(event: AssessmentCompleted) -> list[int]:
        gaps = compute_gaps(event, rec.framework)
        if not gaps:
            return []
        query = sum(g.priority * rec.gap_vectors[g.competence] for g in gaps)
        scores = matrix @ (query / (np.linalg.norm(query) or 1.0))
        top = np.argpartition(-scores, min(TOP_K, len(ids) - 1))[:TOP_K]
        return top[np.argsort(-scores[top])].tolist()

    return retrieve


def measure(rec: Recommender, events: Sequence[AssessmentCompleted], warmup: Sequence[AssessmentCompleted] = (),
            budget_s: float = float("inf"), between: Callable[[], object] | None = None) -> dict[str, object]:
    """``recommend`` over the events, with people's adjustments as a worker passes them
    (:func:`benchmarks.workload.adjustments_for`), and the embedding-only baseline measured right after it.

    ``warmup``: other learners' events, called untimed before each spell (see :func:`time_calls`). With
    ``between``, the events are timed in two halves, before and after it runs (``python -m benchmarks`` runs the
    pipeline there): the figure then spans the other measurement, so a machine whose speed drifts affects
    both alike.
    """
    with rec.catalog.lock:  # one catalogue version, as the worker does per batch
        rec.features()  # built once per catalogue version; not part of a request
        settle_heap()  # as the worker does once it is ready
        figures: dict[str, object] = {"catalog_size": len(rec.catalog)}
        adjustments = adjustments_for(rec)  # a worker always passes people's adjustments
        figures |= time_calls(partial(rec.recommend, adjustments=adjustments), events, warmup, budget_s, between)
        # sizes afterwards: results kept during the timing would be the collector's work, charged to recommend
        sizes = [len(rec.recommend(e).model_dump_json()) for e in events[: int(figures["events"])]]
        figures["message_kb_p50"] = round(statistics.median(sizes) / 1024, 1)
        figures["message_kb_max"] = round(max(sizes) / 1024, 1)
        figures["baseline_embedding_only"] = time_calls(embedding_baseline(rec), events, warmup, budget_s)
    return figures


def profile(rec: Recommender, events: Sequence[AssessmentCompleted]) -> str:
    """A pyinstrument call tree of ``recommend`` over the events (text)."""
    from pyinstrument import Profiler

    rec.recommend(events[0])
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for event in events:
        rec.recommend(event)
    profiler.stop()
    return profiler.output_text(unicode=False, color=False)
