"""``python -m benchmarks [--quick] [--json]``: throughput, latency, index and memory figures beside same-run
baselines."""

from __future__ import annotations

import json
import sys
from dataclasses import fields, replace
from typing import Any

import typer


def parse_sizes(spec: str, quick: bool) -> Any:
    """``key=value,...`` over the quick (or full) sizes, e.g. ``pipeline_events=50,large_catalog=2000``."""
    from benchmarks.harness import FULL, QUICK

    base = QUICK if quick else FULL
    if not spec:
        return base
    known = {f.name: f.type for f in fields(base)}
    updates: dict[str, Any] = {}
    for item in spec.split(","):
        key, _, value = item.partition("=")
        if key.strip() not in known:
            raise typer.BadParameter(f"unknown size {key!r}; known: {', '.join(known)}", param_hint="--sizes")
        updates[key.strip()] = float(value) if key.strip() == "budget_s" else int(value)
    return replace(base, **updates)


def _ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.3g}x" if a and b else "-"


def rows(out: dict[str, Any]) -> list[tuple[str, str, str, str, str]]:
    """(figure, value, baseline, baseline value, ratio) for the table."""
    rec, large, pipe, idx = out["recommend"], out["recommend_100k"], out["pipeline"], out["index"]
    rb, lb = rec["baseline_embedding_only"], large["baseline_embedding_only"]
    return [
        (f"recommend/s ({rec['catalog_size']} offerings)", f"{rec['per_s']:.0f}",
         "embedding-only top-10 (NumPy)", f"{rb['per_s']:.0f}", _ratio(rec["per_s"], rb["per_s"])),
        ("recommend p50 / p99 ms", f"{rec['p50_ms']:.2f} / {rec['p99_ms']:.2f}", "embedding-only p99 ms",
         f"{rb['p99_ms']:.2f}", _ratio(rec["p99_ms"], rb["p99_ms"])),
        (f"recommend/s ({large['catalog_size']} offerings)", f"{large['per_s']:.1f}",
         "embedding-only top-10 (NumPy)", f"{lb['per_s']:.0f}", _ratio(large["per_s"], lb["per_s"])),
        ("recommend_100k p50 / p99 ms", f"{large['p50_ms']:.1f} / {large['p99_ms']:.1f}", "embedding-only p99 ms",
         f"{lb['p99_ms']:.2f}", _ratio(large["p99_ms"], lb["p99_ms"])),
        ("pipeline events/s (worker)", f"{pipe['events_per_s']:.0f}", "recommend/s in-process",
         f"{rec['per_s']:.0f}", _ratio(pipe["events_per_s"], rec["per_s"])),
        ("pipeline p50 / p99 ms (saturated)", f"{pipe['p50_ms']:.0f} / {pipe['p99_ms']:.0f}", "-", "-", "-"),
        ("transport events/s (raw aiokafka)", f"{out['transport']['events_per_s']:.0f}", "pipeline events/s",
         f"{pipe['events_per_s']:.0f}", _ratio(out["transport"]["events_per_s"], pipe["events_per_s"])),
        (f"index build s ({idx['offerings']} offerings)", f"{idx['build_s']:.2f}", "raw model encode of all, s",
         f"{idx['embed_all_at_baseline_s']:.1f}", _ratio(idx["build_s"], idx["embed_all_at_baseline_s"])),
        ("publish-to-searchable ms (worker)", f"{idx['publish_to_searchable_ms']:.0f}", "follower applied it, ms",
         str(idx.get("publish_to_applied_ms") or "-"), _ratio(idx["publish_to_searchable_ms"],
                                                             idx.get("publish_to_applied_ms"))),
        ("worker RSS MB (large catalogue)", f"{out['worker_rss_mb']:.0f}", "worker RSS, shipped catalogue",
         f"{out['pipeline_worker_rss_mb']:.0f}", _ratio(out["worker_rss_mb"], out["pipeline_worker_rss_mb"])),
    ]


def print_table(out: dict[str, Any]) -> None:
    """The figures as a Rich table, then the targets."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title="upskill bench")
    for col in ("figure", "value", "baseline (same run)", "baseline", "ratio"):
        table.add_column(col, justify="right" if col in ("value", "baseline", "ratio") else "left")
    for row in rows(out):
        table.add_row(*row)
    console = Console()
    console.print(table)
    for name, t in out["targets"].items():
        console.print(f"{'met    ' if t['met'] else 'NOT met'}  {name}  (measured {t['measured']})")
    for problem in out.get("problems", []):
        console.print(f"problem: {problem}")
    m = out["machine"]
    console.print(f"{m['cpus']} CPUs, load average {m['load_avg_1m_before']} -> {m['load_avg_1m_after']}, "
                  f"{m['wall_s']} s; index vectors: {out['index']['vectors']}; large catalogue: "
                  f"{out['large_catalog_source']}")


app = typer.Typer(name="benchmarks", add_completion=False, pretty_exceptions_enable=False)


@app.command()
def bench(
    quick: bool = typer.Option(False, "--quick", help="Smaller samples and no cold-cache embedding (~2 min)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object instead of the table."),
    sizes: str = typer.Option("", "--sizes", hidden=True, help="Override sizes: key=value,..."),
    profile: bool = typer.Option(False, "--profile", help="Also print where recommend() spends its time."),
) -> None:
    """Measure recommend, the worker pipeline, the raw transport, the index and worker memory."""
    from benchmarks.harness import run
    from config.logs import configure_logging
    from config.settings import Settings

    settings = Settings()
    configure_logging(settings.log_level, settings.log_format)
    out = run(settings, parse_sizes(sizes, quick), quick=quick)
    if as_json:
        sys.stdout.write(json.dumps(out) + "\n")
    else:
        print_table(out)
    if profile:
        from benchmarks.bench_recommend import profile as profile_recommend
        from benchmarks.workload import assessment_events
        from runtime.resources import make_recommender

        sys.stderr.write(profile_recommend(make_recommender(settings), assessment_events(300)) + "\n")


if __name__ == "__main__":
    app()
