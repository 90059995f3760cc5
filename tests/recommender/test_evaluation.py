"""The evaluation measures, and the quality figures on the judged cases (the shipped dev cases and our own).

The floors are the figures the method reached (README, "Recommendation quality"); they only ever move up.
"""

from __future__ import annotations

import json
import math
from functools import cache
from pathlib import Path

import pytest

from recommender.baselines import Baselines
from recommender.evaluation import (
    JudgedCase,
    compare,
    evaluate,
    hard_violation,
    interval,
    load_cases,
    ndcg_at,
)
from tests.conftest import ROOT

DEV = ROOT / "tests" / "data" / "dev-cases.jsonl"
OWN = ROOT / "tests" / "data" / "judged-cases.jsonl"
# the same cases judged again (docs/experiments/judge_agreement.py reads them)
AGAIN = [ROOT / "tests" / "data" / "second-judge.jsonl", ROOT / "tests" / "data" / "event-only-judge.jsonl"]
DEV_FLOOR, OWN_FLOOR = 0.828, 0.787  # own: 114 cases since j95-j114 (judged blind, never tuned on) joined
SERVICE_SHARE_AT_MOST = 0.10
# Offerings a judge forbade that stay in a top ten because another judge grades them for a learner whose event
# reads the same: no field tells the two apart, so no rule can (tests/data/README.md). Any other forbidden item
# shown fails the test.
JUDGES_DISAGREE = {
    ("j96", "cases-training-it-staff"): "j06's judge grades it 3 for an employee with no role at level 3 on "
    "solving technical problems, as j96's is (j06: programming 2, nothing else of IT)",
    ("j102", "dlh-ai-academy"): "j62's judge grades it 1 for a learner heading for the same role at the same "
    "programming level (2)",
    ("j103", "touchpoints-take-the-lead"): "d18's judges grade it 3 for a jobseeker living in Luxembourg; no field "
    "says who is a refugee or a third-country national",
}


@cache
def cases(path: Path) -> tuple[JudgedCase, ...]:
    return tuple(load_cases(path))


def test_ndcg_definition() -> None:
    rel = {"a": 3, "b": 2, "c": 1}
    assert ndcg_at(["a", "b", "c"], rel) == pytest.approx(1.0)
    assert ndcg_at([], rel) == 0.0
    expected = (2 / math.log2(2) + 3 / math.log2(3)) / (3 / math.log2(2) + 2 / math.log2(3) + 1 / math.log2(4))
    assert ndcg_at(["b", "a", "x"], rel) == pytest.approx(expected)


def test_the_confidence_interval_holds_the_mean_and_narrows_with_more_cases() -> None:
    few = [0.5, 0.9, 0.7, 1.0, 0.6, 0.8]
    low, high = interval(few)
    assert low < sum(few) / len(few) < high
    assert 0.5 <= low and high <= 1.0  # a mean of figures in [0.5, 1] stays there
    more_low, more_high = interval(few * 9)  # the same spread, nine times the cases
    assert more_high - more_low < (high - low) / 2
    assert interval(few) == (low, high)  # seeded: the same cases give the same interval
    assert interval([0.8, 0.8, 0.8]) == (0.8, 0.8)
    assert interval([0.8]) is None


def test_a_comparison_pairs_cases_and_tells_a_change_from_noise() -> None:
    before = {f"c{i}": 0.5 + 0.04 * i for i in range(10)}
    same = compare(before, dict(before))
    assert same is not None and same.difference == 0 and not same.beyond_noise and same.up == same.down == []
    better = compare(before, {c: v + 0.1 for c, v in before.items()} | {"new": 1.0})  # unpaired cases ignored
    assert better is not None and better.difference == pytest.approx(0.1) and better.beyond_noise
    assert len(better.up) == 10 and better.down == []
    mixed = compare(before, {c: v + (0.1 if i % 2 else -0.1) for i, (c, v) in enumerate(before.items())})
    assert mixed is not None and not mixed.beyond_noise  # as many cases down as up: no evidence either way
    assert mixed.down[0][1] == pytest.approx(-0.1) and len(mixed.up) == len(mixed.down) == 5
    assert compare(before, {"other": 1.0}) is None


def test_own_cases_are_many_and_varied() -> None:
    own = cases(OWN)
    assert len(own) >= 45
    assert {c.event.learner.status for c in own} >= {"jobseeker", "employee", "retired", "student", "self-employed",
                                                     "other"}
    assert {c.event.learner.residence.country for c in own if c.event.learner.residence} >= {"LU", "FR", "BE", "DE"}
    assert {lang for c in own for lang in c.event.learner.languages} >= {"pt", "de", "fr", "en", "lb", "it"}
    assert any(c.event.assessment.framework == "pix-16" for c in own) and any(c.expect_empty for c in own)


@pytest.mark.parametrize("path", AGAIN, ids=lambda p: p.stem)
def test_judged_again_grades_name_judged_cases_and_catalogue_offerings(recommender, path: Path) -> None:  # noqa: ANN001
    judged = {c.case: c for c in (*cases(DEV), *cases(OWN))}
    again = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(again) == len({a["case"] for a in again}) == 40
    for a in again:
        case = judged[a["case"]]
        assert not case.expect_empty and set(a["relevant"].values()) <= {1, 2, 3}
        named = set(a["relevant"]) | set(a["forbidden"])
        assert named <= recommender.catalog.offerings.keys() and not set(a["relevant"]) & set(a["forbidden"])


def _ranked(recommender):  # noqa: ANN001, ANN202
    return lambda e: [i.offering_id for i in recommender.recommend(e).items]


@pytest.mark.parametrize(("path", "floor"), [(DEV, DEV_FLOOR), (OWN, OWN_FLOOR)], ids=["dev", "own"])
def test_quality_on_the_judged_cases(recommender, path: Path, floor: float) -> None:  # noqa: ANN001
    judged = cases(path)
    offerings = recommender.catalog.offerings
    method = evaluate("upskill", _ranked(recommender), judged, offerings)
    assert method.ndcg5 >= floor, method.per_case
    baselines = Baselines(recommender).methods().items()
    best = max(evaluate(name, m, judged, offerings).ndcg5 for name, m in baselines)
    assert method.ndcg5 >= best + 0.15
    assert method.empty_correct == method.empty_cases
    broken = [(c.case, i.offering_id, hard_violation(offerings[i.offering_id], c.event))
              for c in judged for i in recommender.recommend(c.event).items
              if hard_violation(offerings[i.offering_id], c.event)]
    assert broken == []  # no checkable hard constraint is ever broken, place included
    shown = {(c.case, i.offering_id) for c in judged for i in recommender.recommend(c.event).items[:10]
             if i.offering_id in c.forbidden}
    assert shown <= JUDGES_DISAGREE.keys()  # nor is an item a judge forbade shown in the top ten, but where
    assert method.violations10 == len(shown)  # another judge grades it for a learner the event shows the same


def test_services_rarely_take_a_top_five_place(recommender) -> None:  # noqa: ANN001
    everyone = [*cases(DEV), *cases(OWN)]
    share = evaluate("upskill", _ranked(recommender), everyone, recommender.catalog.offerings).service_share
    assert share <= SERVICE_SHARE_AT_MOST
