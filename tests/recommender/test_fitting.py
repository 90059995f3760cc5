"""Fitting the weights keeps a move only when it beats the noise of the fitting cases."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from recommender import fitting, weights
from recommender.evaluation import Score

CASES = [f"c{i:02d}" for i in range(40)]


def measure(cases: Sequence[str]) -> Score:
    """A stand-in recommender: doubling coverage lifts one case by 0.5 (a lucky case), raising focus lifts every
    case by 0.01 (a small gain all cases share)."""
    w, prior = weights.values(), weights.prior()
    lucky = 0.5 if w["coverage"] >= 2 * prior["coverage"] else 0.0
    shared = 0.01 if w["focus"] > prior["focus"] else 0.0
    score = Score("stand-in")
    score.per_case = {c: 0.4 + shared + (lucky if i == 0 else 0.0) for i, c in enumerate(cases)}
    score.ndcg5 = sum(score.per_case.values()) / len(score.per_case)
    return score


def test_a_gain_one_case_makes_is_noise_and_a_gain_every_case_shares_is_kept() -> None:
    prior = weights.prior()
    with fitting.weights_kept():
        fitted = fitting.coordinate_ascent(measure, CASES, prior, ["coverage", "focus"])  # type: ignore[arg-type]
    # one case in 40 up by 0.5 is +0.0125 on the mean, more than MIN_GAIN but within 1.96 standard errors
    assert fitted["coverage"] == prior["coverage"]
    assert fitted["focus"] == pytest.approx(prior["focus"] * 4 / 3)  # the first step up that gains


def test_the_standard_error_is_of_the_paired_per_case_differences() -> None:
    before, after = Score("a"), Score("b")
    before.per_case = {"x": 0.5, "y": 0.5, "z": 0.5}
    after.per_case = {"x": 0.6, "y": 0.6, "z": 0.6}
    assert fitting.standard_error(before, after) == pytest.approx(0.0)  # the same change everywhere: no noise
    after.per_case = {"x": 0.8, "y": 0.5, "z": 0.5}
    assert fitting.standard_error(before, after) == pytest.approx(0.1)  # sd 0.1732 / sqrt(3)
