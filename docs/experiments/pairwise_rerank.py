"""Would a linear pairwise model re-order the top ten better than the shipped ranking? Measured out of sample.

For every judged case (dev + own), the recommender's top ten items and their score parts are collected. A
logistic model on the differences of those parts (every pair of items of one case with different grades:
which is better?) is fitted on four folds of the cases and re-orders the held-out fold's top tens; nDCG@5 of
that order is compared with the shipped order, on the same items. The folds are seeded, so a run repeats.

    .venv/bin/python docs/experiments/pairwise_rerank.py            # the score parts
    .venv/bin/python docs/experiments/pairwise_rerank.py --extras   # with rank, kind and offering facts too

It re-orders only what the recommender already picked (the top ten), so it measures order, not recall.
"""

from __future__ import annotations

import argparse
import logging
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from scipy.optimize import minimize

from recommender.evaluation import JudgedCase, load_cases, ndcg_at
from recommender.kinds import kind_of
from runtime.resources import make_recommender
from upskill.cli import settings_from_env

ROOT = Path(__file__).resolve().parents[2]
CASES = [ROOT / "tests" / "data" / "dev-cases.jsonl", ROOT / "tests" / "data" / "judged-cases.jsonl"]
PARTS = ("coverage", "level_fit", "similarity", "focus", "audience", "subject", "nearby", "made_for", "certainty",
         "prerequisites")
EXTRAS = ("rank", "service", "gaps_share", "first_language", "online", "free")
FOLDS = 5
L2 = 1.0  # ridge on the coefficients (the parts are on comparable 0-1 scales)

Item = tuple[str, int, np.ndarray]  # offering id, grade, features


def collect(extras: bool) -> tuple[list[JudgedCase], dict[str, list[Item]]]:
    """Each graded case's top ten: (offering id, grade, features)."""
    rec = make_recommender(settings_from_env())
    offerings = rec.catalog.offerings
    cases = [c for path in CASES for c in load_cases(path) if not c.expect_empty]
    out: dict[str, list[Item]] = {}
    for case in cases:
        result = rec.recommend(case.event)
        languages = case.event.learner.languages
        items = []
        for k, item in enumerate(result.items[:10]):
            off = offerings[item.offering_id]
            row = [item.score_breakdown[p] for p in PARTS]
            if extras:
                row += [-k, float(kind_of(off.kind).service), len(item.addresses) / len(result.gaps),
                        float(bool(languages) and languages[0] in off.languages), float(off.format == "online"),
                        float(bool(off.cost.free))]
            items.append((item.offering_id, case.relevant.get(item.offering_id, 0), np.array(row)))
        out[case.case] = items
    return cases, out


def fit(pairs: np.ndarray) -> np.ndarray:
    """Coefficients of a logistic model saying the first item of each pair (rows: feature differences) is
    better, with a ridge penalty."""
    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        z = pairs @ w
        p = 1.0 / (1.0 + np.exp(-z))
        value = float(np.logaddexp(0.0, -z).sum() + 0.5 * L2 * w @ w)
        grad = -(pairs.T @ (1.0 - p)) + L2 * w
        return value, grad

    return np.asarray(minimize(loss, np.zeros(pairs.shape[1]), jac=True, method="L-BFGS-B").x)


def pairs_of(items: Sequence[Item]) -> list[np.ndarray]:
    return [a[2] - b[2] for a in items for b in items if a[1] > b[1]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--extras", action="store_true", help="add rank, kind and offering facts to the parts")
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)
    cases, items = collect(args.extras)
    names = [c.case for c in cases]
    order = np.random.default_rng(0).permutation(len(names))
    shipped = reranked = 0.0
    coefficients = []
    for k in range(FOLDS):
        held = {names[i] for i in order[k::FOLDS]}
        train = [d for name in names if name not in held for d in pairs_of(items[name])]
        w = fit(np.array(train))
        coefficients.append(w)
        for case in cases:
            if case.case not in held:
                continue
            top = items[case.case]
            shipped += ndcg_at([oid for oid, _, _ in top], case.relevant)
            best = sorted(top, key=lambda it: -float(it[2] @ w))
            reranked += ndcg_at([oid for oid, _, _ in best], case.relevant)
    n = len(cases)
    features = PARTS + (EXTRAS if args.extras else ())
    print(f"{n} graded cases, {FOLDS} folds: shipped order nDCG@5 {shipped / n:.4f}, "
          f"pairwise re-order {reranked / n:.4f} ({(reranked - shipped) / n:+.4f})")
    mean = np.mean(coefficients, axis=0)
    print("mean coefficients: " + ", ".join(f"{f} {c:+.2f}" for f, c in zip(features, mean, strict=True)
                                            if not math.isclose(c, 0.0)))


if __name__ == "__main__":
    main()
