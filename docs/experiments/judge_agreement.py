"""How far do two blind judges agree? The ceiling the nDCG@5 targets sit under.

`tests/data/second-judge.jsonl` re-grades 40 of the judged cases (the 17 graded dev cases and 23 own cases
drawn at random, seed 20261204) by second judges who saw only the catalogue, the framework, the contract, the
judging rules and each case's note and event: not the first grades, the code or any recommendation.

For each case it prints:
- second→first: nDCG@5 of the second judge's order (best grade first) against the first judge's grades, the
  order inside a grade averaged over random tie-breaks (seeded): what a second careful reader scores on the
  figure the issue sets targets on;
- first→second: the same the other way round;
- upskill→first and upskill→second: the shipped recommender against each judge;
- upskill's top-ten items the second judge forbids.

    .venv/bin/python docs/experiments/judge_agreement.py

The judges read the note, which says what the learner wants beyond the event (the recommender sees the event
only), so the agreement is an upper bound of what the event alone allows.
"""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Mapping
from pathlib import Path

from recommender.evaluation import interval, load_cases, ndcg_at
from runtime.resources import make_recommender
from upskill.cli import settings_from_env

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
CASES = [DATA / "dev-cases.jsonl", DATA / "judged-cases.jsonl"]
SECOND = DATA / "second-judge.jsonl"
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


def main() -> None:
    logging.disable(logging.CRITICAL)
    first = {c.case: c for path in CASES for c in load_cases(path)}
    second = [json.loads(line) for line in SECOND.read_text(encoding="utf-8").splitlines() if line.strip()]
    rec = make_recommender(settings_from_env())
    rnd = random.Random(0)  # noqa: S311 (seeded tie-breaks, not secrets)
    rows = []
    print(f"{'case':6s} {'second→first':>13s} {'first→second':>13s} {'upskill→first':>14s} {'upskill→second':>15s}"
          f" {'forbidden':>9s}")
    for again in second:
        case = first[again["case"]]
        grades = {oid: int(g) for oid, g in again["relevant"].items()}
        ranked = [item.offering_id for item in rec.recommend(case.event).items]
        forbidden = sum(1 for oid in ranked[:10] if oid in set(again["forbidden"]))
        row = (judge_order_ndcg(grades, case.relevant, rnd), judge_order_ndcg(case.relevant, grades, rnd),
               ndcg_at(ranked, case.relevant), ndcg_at(ranked, grades), forbidden)
        rows.append((case.case, row))
        print(f"{case.case:6s} {row[0]:13.3f} {row[1]:13.3f} {row[2]:14.3f} {row[3]:15.3f} {row[4]:9d}")
    print("\nmean (bootstrap 95% interval over cases)")
    for name, keep in (("dev", "d"), ("own", "j"), ("all", "")):
        some = [row for case, row in rows if case.startswith(keep)]
        figures = ", ".join(f"{label} {_mean([r[k] for r in some])}" for k, label in enumerate(
            ("second→first", "first→second", "upskill→first", "upskill→second")))
        print(f"{name} ({len(some)} cases): {figures}; upskill top-ten items the second judge forbids: "
              f"{sum(r[4] for r in some)}")


if __name__ == "__main__":
    main()
