"""The evaluation measures, and the targets on the judged cases (dev cases and the project's own)."""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path

import pytest

from recommender.baselines import Baselines
from recommender.evaluation import JudgedCase, evaluate, load_cases, ndcg_at
from tests.conftest import ROOT, SHARED

DEV = SHARED / "eval" / "dev-cases.jsonl"
OWN = ROOT / "tests" / "data" / "judged-cases.jsonl"


@cache
def all_cases() -> tuple[JudgedCase, ...]:
    """Dev cases (when ../shared is there) and the project's own judged cases."""
    paths = [p for p in (DEV, OWN) if p.exists()]
    return tuple(c for p in paths for c in load_cases(p))


def test_ndcg_definition() -> None:
    rel = {"a": 3, "b": 2, "c": 1}
    assert ndcg_at(["a", "b", "c"], rel) == pytest.approx(1.0)
    assert ndcg_at([], rel) == 0.0
    expected = (2 / math.log2(2) + 3 / math.log2(3)) / (3 / math.log2(2) + 2 / math.log2(3) + 1 / math.log2(4))
    assert ndcg_at(["b", "a", "x"], rel) == pytest.approx(expected)


def test_own_cases_are_many_and_varied() -> None:
    cases = load_cases(OWN)
    assert len(cases) >= 20
    assert {c.event.learner.status for c in cases} >= {"jobseeker", "employee", "retired", "student", "self-employed"}
    assert {lang for c in cases for lang in c.event.learner.languages} >= {"pt", "de", "fr", "en", "lb", "it"}
    assert any(c.event.assessment.framework == "pix-16" for c in cases) and any(c.expect_empty for c in cases)


def _score(recommender, path: Path):  # noqa: ANN001, ANN202
    cases = load_cases(path)
    method = evaluate("upskill", lambda e: [i.offering_id for i in recommender.recommend(e).items], cases,
                      recommender.catalog.offerings)
    offerings = recommender.catalog.offerings
    base = {n: evaluate(n, m, cases, offerings) for n, m in Baselines(recommender).methods().items()}
    return method, base


@pytest.mark.skipif(not DEV.exists(), reason="../shared/eval/dev-cases.jsonl is not next to the repository")
def test_no_violation_empty_for_no_gap_and_above_baselines_on_the_dev_cases(recommender) -> None:  # noqa: ANN001
    method, base = _score(recommender, DEV)
    assert method.violations10 == 0
    assert method.empty_correct == method.empty_cases >= 1
    best = max(b.ndcg5 for b in base.values())
    assert method.ndcg5 >= best + 0.15, (method.ndcg5, {n: b.ndcg5 for n, b in base.items()})


@pytest.mark.skipif(not DEV.exists(), reason="../shared/eval/dev-cases.jsonl is not next to the repository")
def test_ndcg_target_on_the_dev_cases(recommender) -> None:  # noqa: ANN001
    method, _ = _score(recommender, DEV)
    assert method.ndcg5 >= 0.85, method.per_case


def test_far_above_the_baselines_on_our_own_cases(recommender) -> None:  # noqa: ANN001
    method, base = _score(recommender, OWN)
    assert method.violations10 == 0
    assert method.empty_correct == method.empty_cases
    best = max(b.ndcg5 for b in base.values())
    assert method.ndcg5 >= best + 0.15, (method.ndcg5, {n: b.ndcg5 for n, b in base.items()})
