"""Fitting the weights keeps a move only when it beats the noise of the fitting cases, and ships a fit only when it
beats the hand-set prior on held-out cases as clearly."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pytest

from recommender import fitting, weights
from recommender.evaluation import Score

CASES = [f"c{i:02d}" for i in range(40)]


@dataclass(frozen=True)
class Case:
    case: str  # what folds() reads of a judged case


NAMED = [Case(c) for c in CASES]


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


def overfitting(cases: Sequence[Case]) -> Score:
    """A stand-in whose raised focus lifts every case by 0.01 when fitted on many cases (a fold's 32), but a
    held-out fold's 8 by 0.0005 only: a fit that pays on the cases it was fitted on, not on others."""
    raised = weights.values()["focus"] > weights.prior()["focus"]
    lift = (0.01 if len(cases) > 10 else 0.0005) if raised else 0.0
    score = Score("stand-in")
    score.per_case = {c: 0.4 + lift for c in cases}
    score.ndcg5 = sum(score.per_case.values()) / len(score.per_case)
    return score


@pytest.mark.parametrize(("stand_in", "ships_fit"), [(measure, True), (overfitting, False)])
def test_a_fit_ships_only_when_it_beats_the_prior_on_held_out_cases(stand_in, ships_fit: bool) -> None:  # noqa: ANN001
    prior = weights.prior()
    choice = fitting.choose(stand_in, NAMED, 5, prior, ["focus"])  # type: ignore[arg-type]
    assert all(f["focus"] > prior["focus"] for f in choice.cv.fitted)  # every fold's fit moves
    assert choice.fits_better is ships_fit
    assert (choice.table["focus"] > prior["focus"]) is ships_fit  # a held-out gain of 0.0005 ships the prior


def fees_help(cases: Sequence[Case]) -> Score:
    """A stand-in where the fee costs lift every case by 0.02 while either is on."""
    w = weights.values()
    on = w["signal.fee_cost"] > 0 or w["signal.own_fee_cost"] > 0
    score = Score("stand-in")
    score.per_case = {c.case: 0.5 + (0.02 if on else 0.0) for c in cases}
    score.ndcg5 = sum(score.per_case.values()) / len(score.per_case)
    return score


def test_the_ablation_removes_a_group_of_signals_together() -> None:
    prior, before = weights.prior(), weights.values()
    groups = {"fees": [f"signal.{s}" for s in weights.ABLATED_SIGNALS["fees"]], "one": ["signal.fee_cost"]}
    with fitting.weights_kept():
        out = fitting.ablation(fees_help, NAMED, 5, prior, [], groups)  # type: ignore[arg-type]
    assert out["fees"] == (pytest.approx(0.5), pytest.approx(0.5))  # both off: the lift is gone
    assert out["one"] == (pytest.approx(0.52), pytest.approx(0.52))  # the other still carries it
    assert weights.values() == before  # the table in use is as it was
