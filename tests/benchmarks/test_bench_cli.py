"""``python -m benchmarks``: the JSON contract and the pieces behind it, on tiny sizes (no timing is asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from numbers import Number
from pathlib import Path

import pytest

from benchmarks import bench_recommend
from benchmarks.bench_index import measure_build
from benchmarks.workload import assessment_events
from tests.conftest import ROOT

TINY = "recommend_events=20,large_events=10,large_catalog=300,pipeline_events=20,index_offerings=100,encode_sample=4"
CONTRACT = {
    "recommend": {"catalog_size", "per_s", "p50_ms", "p99_ms"},
    "recommend_100k": {"catalog_size", "per_s", "p50_ms", "p99_ms"},
    "pipeline": {"events_per_s", "p99_ms"},
    "transport": {"events_per_s"},
    "index": {"offerings", "build_s", "publish_to_searchable_ms"},
}


def test_the_event_mix_is_fixed_by_its_seed_and_mixes_frameworks_and_learners():
    first, again, other = assessment_events(40, seed=3), assessment_events(40, seed=3), assessment_events(40, seed=4)
    assert [e.event_id for e in first] == [e.event_id for e in again]
    assert {e.event_id for e in first}.isdisjoint(e.event_id for e in other)
    assert len({e.event_id for e in first}) == 40
    assert {e.assessment.framework for e in first} == {"digcomp-2.2", "pix-16"}
    assert len({e.learner.status for e in first}) >= 4 and len({len(e.results) for e in first}) >= 5


def test_recommend_figures_and_their_baseline_are_numbers(recommender):
    figures = bench_recommend.measure(recommender, assessment_events(12), warmup=assessment_events(20, seed=11))
    assert figures["catalog_size"] == len(recommender.catalog)
    for part in (figures, figures["baseline_embedding_only"]):
        assert part["events"] == 12
        assert all(isinstance(part[k], Number) and part[k] > 0 for k in ("per_s", "p50_ms", "p99_ms"))
        assert part["p50_ms"] <= part["p99_ms"]
    assert 0 < figures["message_kb_p50"] <= figures["message_kb_max"]


def test_each_spell_is_timed_after_its_own_warm_up_on_other_learners():
    events, warmup, calls = assessment_events(8, seed=1), assessment_events(4, seed=2), []
    figures = bench_recommend.time_calls(calls.append, events, warmup, between=lambda: calls.append("between"))
    assert calls == [*warmup[:2], *events[:4], "between", *warmup[2:], *events[4:]]
    assert figures["events"] == len(events) and len(figures["per_s_each_spell"]) == 2


def test_embedding_baseline_returns_the_nearest_offerings_first(recommender):
    event = assessment_events(1)[0]
    top = bench_recommend.embedding_baseline(recommender)(event)
    assert len(top) == bench_recommend.TOP_K and len(set(top)) == len(top)


def test_quick_index_build_with_a_cold_cache_says_its_vectors_are_synthetic(recommender, embedder, tmp_path):
    figures = measure_build(embedder.inner, tmp_path, 50, True, recommender.catalog.vectors, encode_sample=4)
    assert figures["offerings"] == len(figures["catalog"]) == 50
    assert "synthetic" in figures["vectors"]
    assert figures["build_s"] >= 0 and figures["baseline_encode_per_s"] > 0


@pytest.mark.kafka
@pytest.mark.slow
def test_bench_quick_json_prints_one_object_with_every_figure(tmp_path: Path, embedding_cache_dir: Path):
    env = {"UPSKILL_DATA_DIR": str(tmp_path), "UPSKILL_MODEL__CACHE_DIR": str(embedding_cache_dir)}
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--json", "--sizes", TINY],
        capture_output=True, text=True, cwd=ROOT, timeout=600, env=_env(env),
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout)  # the whole of stdout is one JSON object
    for part, keys in CONTRACT.items():
        assert keys <= out[part].keys(), part
        assert all(isinstance(out[part][k], Number) for k in keys), out[part]
    assert isinstance(out["worker_rss_mb"], Number) and out["worker_rss_mb"] > 0
    assert out["recommend_100k"]["catalog_size"] > out["recommend"]["catalog_size"]
    assert out["index"]["offerings"] == 100
    assert all(isinstance(t["met"], bool) for t in out["targets"].values())


def _env(extra: dict[str, str]) -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if not k.startswith("UPSKILL_")} | extra
