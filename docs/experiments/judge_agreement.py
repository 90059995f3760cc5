"""How far do blind judges agree? The ceiling the nDCG@5 targets sit under.

40 of the judged cases (the 17 graded dev cases and 23 own cases drawn at random, seed 20261204) were judged
again, blind, twice (`tests/data/README.md`):
- `second-judge.jsonl`: judges who read the catalogue, the framework, the contract, the judging rules and each
  case's note and event, as the first judges did;
- `event-only-judge.jsonl`: judges who read the same but the event only, without the note: what the recommender
  receives.
None saw the first grades, the code or a recommendation.

It prints, for dev, own and all 40, the nDCG@5 of each judge's order (their graded offerings, best grade first,
the order inside a grade averaged over seeded random tie-breaks) and of upskill's items against each judge's
grades, with a bootstrap 95% interval over the cases, and how many of upskill's top-ten items a re-judge
forbids.

    .venv/bin/python docs/experiments/judge_agreement.py
"""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from recommender.evaluation import interval, load_cases, ndcg_at
from runtime.resources import make_recommender
from upskill.cli import settings_from_env

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
CASES = [DATA / "dev-cases.jsonl", DATA / "judged-cases.jsonl"]
AGAIN = {"second": DATA / "second-judge.jsonl", "event-only": DATA / "event-only-judge.jsonl"}
TIE_BREAKS = 500  # random orders inside equal grades, averaged


def judge_order_ndcg(order_by: Mapping[str, int], truth: Mapping[str, int], rnd: random.Random) -> float:
    """Expected nDCG@5 against ``truth`` of the list a judge would give: their graded offerings, best grade
    first, ties in random order."""
    graded = [oid for oid, grade in order_by.items() if grade > 0]
    total = 0.0
    for _ in range(TIE_BREAKS):
        rnd.shuffle(graded)
        total += ndcg_at(sorted(graded, key=lambda oid: -order_by[oid]), truth)
    return total / TIE_BREAKS


def _mean(values: list[float]) -> str:
    span = interval(values)
    ci = f" ({span[0]:.3f}-{span[1]:.3f})" if span else ""
    return f"{sum(values) / len(values):.3f}{ci}"


def _grades(path: Path) -> dict[str, dict[str, Any]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {row["case"]: row for row in rows}


def main() -> None:
    logging.disable(logging.CRITICAL)
    first = {c.case: c for path in CASES for c in load_cases(path)}
    again = {name: _grades(path) for name, path in AGAIN.items()}
    shared = sorted(set.intersection(*(set(g) for g in again.values())), key=list(first).index)
    rec = make_recommender(settings_from_env())
    rnd = random.Random(0)  # noqa: S311 (seeded tie-breaks, not secrets)
    judges: dict[str, dict[str, dict[str, int]]] = {"first": {c: first[c].relevant for c in shared}} | {
        name: {c: {oid: int(g) for oid, g in grades[c]["relevant"].items()} for c in shared}
        for name, grades in again.items()}
    ranked = {c: [item.offering_id for item in rec.recommend(first[c].event).items] for c in shared}
    # (who orders, whose grades score it) -> per case nDCG@5
    pairs = [(a, b) for a in judges for b in judges if a != b] + [("upskill", b) for b in judges]
    figures: dict[tuple[str, str], dict[str, float]] = {}
    for a, b in pairs:
        figures[a, b] = {c: ndcg_at(ranked[c], judges[b][c]) if a == "upskill"
                         else judge_order_ndcg(judges[a][c], judges[b][c], rnd) for c in shared}
    forbidden = {name: sum(1 for c in shared for oid in ranked[c][:10] if oid in set(grades[c]["forbidden"]))
                 for name, grades in again.items()}
    print(f"{len(shared)} cases graded by every judge; nDCG@5 of the order of the row against the grades of the "
          "column (bootstrap 95% interval over cases)")
    for name, keep in (("dev", "d"), ("own", "j"), ("all", "")):
        some = [c for c in shared if c.startswith(keep)]
        print(f"\n{name} ({len(some)} cases)")
        print(f"{'order of':>10s} " + " ".join(f"{'against ' + b:>24s}" for b in judges))
        for a in [*judges, "upskill"]:
            cells = [_mean([figures[a, b][c] for c in some]) if (a, b) in figures else "-" for b in judges]
            print(f"{a:>10s} " + " ".join(f"{cell:>24s}" for cell in cells))
    print("\nupskill's top-ten items a re-judge forbids: " + ", ".join(f"{n} {k}" for n, k in forbidden.items()))


if __name__ == "__main__":
    main()
