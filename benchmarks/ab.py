"""``recommend`` of the working tree against a git revision, in alternating passes (run on demand).

``python -m benchmarks.ab REV [--rounds N] [--large]`` checks REV out into a temporary git worktree and starts
two long-lived processes, one importing each tree (``PYTHONPATH``), each with the model, the shipped catalogue
(or, with ``--large``, the cached 100k one of ``python -m benchmarks``) and the workload's events loaded and warmed up.
It then asks them in turn for one pass each: ``recommend`` over the same events (600, or 200 with ``--large``),
profile views cleared first so each pass builds them as a fresh worker would. It prints every pass's rate,
the median of the per-round ratios (working tree / REV), and whether the two trees' recommendations are
byte-identical (a SHA-256 over ``model_dump_json()`` of every event's, at a fixed generation time, the first
40 events again with their profiles kept).

Passes a few seconds apart see the same machine: on this VM, whose speed drifts by up to 2x within minutes,
separate benchmark runs cannot tell a 20% change from the drift. REV must have ``benchmarks.workload``.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXED_NOW = datetime(2026, 1, 1, tzinfo=UTC)  # the generation time of the compared recommendations


def serve(large: bool) -> None:
    """One side of the comparison: load, warm up, then one timed pass per line read on stdin."""
    from benchmarks.workload import assessment_events, large_catalog
    from config.settings import Settings
    from recommender import Recommender
    from runtime.heap import release_free_heap, settle_heap
    from runtime.resources import make_embedder, make_recommender

    settings = Settings()
    embedder = make_embedder(settings)
    rec = make_recommender(settings, embedder)
    if large:
        catalog, _, _ = large_catalog(embedder, settings.cache_dir, 100_000, quick=True)
        rec = Recommender(catalog, embedder, funding=rec.funding, on_built=release_free_heap)
    events = assessment_events(200 if large else 600, seed=7)
    rec.features()
    for event in events[: 2 if large else 50]:
        rec.recommend(event)
    settle_heap()
    print("ready", flush=True)
    for line in sys.stdin:
        rec._views.clear()  # noqa: SLF001 - each pass as a fresh worker meets these learners
        if line.strip() == "hash":
            digest = hashlib.sha256()
            for event in [*events, *events[:40]]:
                digest.update(rec.recommend(event, now=FIXED_NOW).model_dump_json().encode())
            print(digest.hexdigest(), flush=True)
            continue
        start = time.perf_counter()
        for event in events:
            rec.recommend(event)
        print(len(events) / (time.perf_counter() - start), flush=True)


def _side(tree: Path, large: bool) -> subprocess.Popen[str]:
    env = os.environ | {"PYTHONPATH": str(tree)}
    cmd = [sys.executable, str(ROOT / "benchmarks" / "ab.py"), "--serve", *(["--large"] if large else [])]
    proc = subprocess.Popen(cmd, cwd=tree, env=env,  # noqa: S603 - our own interpreter and script
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    if proc.stdout is None or proc.stdout.readline().strip() != "ready":
        raise SystemExit(f"the side in {tree} did not start")
    return proc


def _ask(proc: subprocess.Popen[str], what: str) -> str:
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(what + "\n")
    proc.stdin.flush()
    return proc.stdout.readline().strip()


def _git(*args: str, check: bool = True) -> None:
    subprocess.run(["git", "-C", str(ROOT), *args], check=check, capture_output=True)  # noqa: S603, S607


def compare(rev: str, rounds: int, large: bool) -> tuple[dict[str, list[float]], bool]:
    """Per-pass rates of REV and of the working tree, alternating, ``rounds`` passes each; and whether their
    recommendations are byte-identical."""
    with tempfile.TemporaryDirectory(prefix="upskill-ab-") as tmp:
        base = Path(tmp) / "base"
        _git("worktree", "add", "--detach", str(base), rev)
        try:
            sides = {"base": _side(base, large), "tree": _side(ROOT, large)}
            same = len({_ask(proc, "hash") for proc in sides.values()}) == 1
            rates: dict[str, list[float]] = {name: [] for name in sides}
            for _ in range(rounds):
                for name, proc in sides.items():
                    rates[name].append(float(_ask(proc, "go")))
            for proc in sides.values():
                assert proc.stdin is not None
                proc.stdin.close()
                proc.wait()
        finally:
            _git("worktree", "remove", "--force", str(base), check=False)
    return rates, same


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rev", nargs="?", default="HEAD", help="the git revision to compare with")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--large", action="store_true", help="the 100k catalogue (cached by python -m benchmarks)")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.large)
        return
    rates, same = compare(args.rev, args.rounds, args.large)
    ratios = [t / b for t, b in zip(rates["tree"], rates["base"], strict=True)]
    print(f"{args.rev:>12}: " + " ".join(f"{r:.0f}" for r in rates["base"]) + " recommendations/s")
    print(f"{'working tree':>12}: " + " ".join(f"{r:.0f}" for r in rates["tree"]) + " recommendations/s")
    print(f"working tree / {args.rev}: median {statistics.median(ratios):.3f} "
          f"(per round {min(ratios):.3f}-{max(ratios):.3f})")
    print(f"recommendations: {'byte-identical' if same else 'DIFFERENT'} to {args.rev}'s")


if __name__ == "__main__":
    main()
