"""Where the pipeline's CPU goes: CPU seconds per event of each process in a saturated run, then ``recommend``
on the same events in this process.

    .venv/bin/python -m benchmarks.pipeline_cpu [--events 3000] [--processes 2]

Starts the embedded broker and ``upskill worker --processes N``, warms it up, produces the events in one burst
and waits until every recommendation is marked sent (as ``python -m benchmarks`` does), reading ``/proc/<pid>/stat``
before and after: the worker processes, tansu, and this process's producer. Then it times
``Recommender.recommend`` in-process on every other event of the same list (the same mix, other learners than
the worker's caches saw). Prints one JSON object. Used to find what stands between the pipeline and the
in-process rate (``benchmarks/README.md``).
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from functools import partial
from pathlib import Path

from benchmarks import bench_pipeline
from benchmarks.bench_recommend import time_calls
from benchmarks.harness import bench_settings
from benchmarks.workload import assessment_events
from config.settings import Settings
from runtime.heap import settle_heap
from runtime.resources import make_recommender
from upskill.broker import EmbeddedBroker
from upskill.processes import WorkerProcess


def run(events: int, processes: int) -> dict[str, object]:
    base, workload = Settings(), assessment_events(events, seed=8)
    with tempfile.TemporaryDirectory(prefix="upskill-pipeline-cpu-") as tmp:
        work = Path(tmp)
        with EmbeddedBroker(log_path=work / "tansu.log") as broker:
            settings = bench_settings(base, broker.bootstrap, work, "pipeline")
            worker = WorkerProcess(settings, work / "worker.log", UPSKILL_WORKER__PROCESSES=str(processes)).start()
            try:
                worker.wait_ready()
                bench_pipeline.run_pipeline(settings, assessment_events(40, seed=9), worker)  # warm-up
                figures = bench_pipeline.run_pipeline(settings, workload, worker, 600,
                                                      broker_pid=broker.proc.pid)  # type: ignore[union-attr]
            finally:
                worker.stop()
    rec = make_recommender(base)
    with rec.catalog.lock:
        rec.features()
    settle_heap()
    for event in assessment_events(40, seed=9):
        rec.recommend(event)
    recommend_ms = time_calls(partial(rec.recommend, adjustments={}), workload[::2])["cpu_ms_per_event"]
    per_event = figures["cpu_ms_per_event"]
    return {
        "events": events, "processes": processes, "events_per_s": figures["events_per_s"],
        "cpu_ms_per_event": per_event | {"all": round(sum(per_event.values()), 3)},
        "recommend_in_process_cpu_ms": round(recommend_ms, 3),
        "workers_beyond_recommend_ms": round(per_event["workers"] - recommend_ms, 3),
        "machine_cpus": os.cpu_count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=3000)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    print(json.dumps(run(args.events, args.processes), indent=2))


if __name__ == "__main__":
    main()
