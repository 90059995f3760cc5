"""Choosing the ranking's weights on judged cases, and measuring that choice out of sample.

- :func:`coordinate_ascent` moves one weight at a time (times 0, 1/2, 3/4, 4/3 or 2), keeping a move only when
  it raises the objective (mean nDCG@5 less a penalty per violation and for services above 10% of the top
  fives) by more than ``MIN_GAIN`` and beyond the noise of the fitting cases (``NOISE_Z`` standard errors of the
  per-case differences): a small, inspectable learner whose result is one table.
- :func:`cross_validate` splits the cases into K folds; weights are fitted on K-1 and scored on the held-out
  fold, so the figure says how the method does on learners it was not fitted on.
- :func:`choose` ships the fitted weights only if fitting beats the hand-set prior (``weights.prior``) on held-out
  cases, beyond noise as a move must; otherwise the prior is the table.
- :func:`ablation` repeats that with each score part removed, and each group of signals that work together (the
  fee costs): a part earns its place only if removing it lowers the held-out figure.
"""

from __future__ import annotations

import hashlib
import logging
import math
import statistics
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from recommender import weights
from recommender.evaluation import JudgedCase, Score

logger = logging.getLogger(__name__)

STEPS = (0.0, 0.5, 0.75, 4 / 3, 2.0)
ROUNDS = 2
MIN_GAIN = 0.002  # a move must buy at least this much nDCG@5 on the fitting cases ...
# ... and more than this many standard errors of its per-case differences: a gain a few cases make by chance is
# noise, which the held-out folds then pay for (1.96: the 95% that `upskill eval --against` calls beyond noise)
NOISE_Z = 1.96
VIOLATION_COST = 0.02  # ... and every violation in a top 10 costs this much of it
MAX_SERVICE_SHARE = 0.10  # services (not training) in the top fives: at most this share ...
SERVICE_COST = 1.0  # ... each point of share above it costs this much nDCG@5 (a cap, not a trade)
Measure = Callable[[Sequence[JudgedCase]], Score]  # the method's figures on some cases, at the weights in use


def objective(score: Score, n_cases: int) -> float:
    """What fitting maximises: mean nDCG@5 less a cost per violation per case and for services above their
    share."""
    over = max(0.0, score.service_share - MAX_SERVICE_SHARE)
    return score.ndcg5 - VIOLATION_COST * score.violations10 / max(1, n_cases) - SERVICE_COST * over


@contextmanager
def weights_kept() -> Iterator[None]:
    """Restore the weights in use on exit, whatever fitting tried."""
    saved = weights.values()
    try:
        yield
    finally:
        weights.use(saved)


def coordinate_ascent(
    measure: Measure, cases: Sequence[JudgedCase], start: Mapping[str, float], free: Sequence[str],
    rounds: int = ROUNDS, progress: Callable[[], None] | None = None,
) -> dict[str, float]:
    """Weights fitted on ``cases`` from ``start``, moving only the ``free`` ones; leaves ``start`` in use."""
    current = dict(start)
    weights.use(current)
    scored = measure(cases)
    best = objective(scored, len(cases))
    for _ in range(rounds):
        moved = False
        for name in free:
            base = current[name]
            for step in STEPS:
                trial = {**current, name: base * step}
                weights.use(trial)
                tried = measure(cases)
                got = objective(tried, len(cases))
                if progress:
                    progress()
                if beyond_noise(got - best, scored, tried):
                    best, current, moved, scored = got, trial, True, tried
            weights.use(current)
        if not moved:
            break
    weights.use(start)
    return current


def beyond_noise(gain: float, before: Score, after: Score) -> bool:
    """Whether ``gain`` in the objective from ``before`` to ``after`` is more than ``MIN_GAIN`` and ``NOISE_Z``
    standard errors of the per-case differences: what a move must show, and a fit on held-out cases."""
    return gain > max(MIN_GAIN, NOISE_Z * standard_error(before, after))


def standard_error(before: Score, after: Score) -> float:
    """The standard error of the mean per-case change of nDCG@5 from ``before`` to ``after`` (paired)."""
    diffs = [after.per_case[c] - v for c, v in before.per_case.items() if c in after.per_case]
    return statistics.stdev(diffs) / math.sqrt(len(diffs)) if len(diffs) > 1 else 0.0


def folds(cases: Sequence[JudgedCase], k: int) -> list[list[JudgedCase]]:
    """``k`` folds of about equal size, by a hash of each case's name (stable across runs and machines)."""
    order = sorted(cases, key=lambda c: hashlib.sha256(c.case.encode()).hexdigest())
    return [order[i::k] for i in range(k)]


@dataclass
class CrossValidation:
    """Held-out figures of K-fold cross-validation."""

    k: int
    held: Score  # every held-out case scored with the weights fitted without its fold
    per_fold: list[float] = field(default_factory=list)
    fitted: list[dict[str, float]] = field(default_factory=list)

    @property
    def ndcg5(self) -> float:
        """Mean held-out nDCG@5 over the cases (not over folds)."""
        return self.held.ndcg5

    @property
    def violations10(self) -> int:
        return self.held.violations10


def _pool(into: Score, score: Score) -> None:
    into.per_case.update(score.per_case)
    into.violations10 += score.violations10
    into.shown5 += score.shown5
    into.services5 += score.services5
    into.ndcg5 = sum(into.per_case.values()) / len(into.per_case) if into.per_case else 0.0


def cross_validate(
    measure: Measure, cases: Sequence[JudgedCase], k: int, start: Mapping[str, float], free: Sequence[str],
    rounds: int = ROUNDS, progress: Callable[[], None] | None = None,
) -> CrossValidation:
    """Fit on K-1 folds, score the held-out one, for each fold; the weights in use are left as they were."""
    out = CrossValidation(k, Score("held-out"))
    with weights_kept():
        for i, held in enumerate(folds(cases, k)):
            train = [c for j, fold in enumerate(folds(cases, k)) if j != i for c in fold]
            fitted = coordinate_ascent(measure, train, start, free, rounds, progress)
            weights.use(fitted)
            score = measure(held)
            _pool(out.held, score)
            out.per_fold.append(score.ndcg5)
            out.fitted.append(fitted)
            weights.use(start)
    return out


def unfitted(measure: Measure, cases: Sequence[JudgedCase], start: Mapping[str, float]) -> Score:
    """The figures of ``start`` as it is: nothing is fitted, so every case is held out."""
    with weights_kept():
        weights.use(start)
        return measure(cases)


@dataclass
class Choice:
    """Whether fitting beats the hand-set start out of sample, and the table to use."""

    cv: CrossValidation
    hand_set: Score
    fits_better: bool
    table: dict[str, float]


def choose(
    measure: Measure, cases: Sequence[JudgedCase], k: int, start: Mapping[str, float], free: Sequence[str],
    rounds: int = ROUNDS, progress: Callable[[], None] | None = None,
) -> Choice:
    """The weights to ship: fitted on all the cases if fitting beats the hand-set ``start`` on held-out cases
    (by :func:`objective`) as a move must beat it, by more than ``MIN_GAIN`` and the noise of the per-case
    differences; else ``start`` itself."""
    cv = cross_validate(measure, cases, k, start, free, rounds, progress)
    hand = unfitted(measure, cases, start)
    better = beyond_noise(objective(cv.held, len(cases)) - objective(hand, len(cases)), hand, cv.held)
    with weights_kept():
        table = coordinate_ascent(measure, cases, start, free, rounds, progress) if better else dict(start)
    return Choice(cv, hand, better, table)


def ablation(
    measure: Measure, cases: Sequence[JudgedCase], k: int, start: Mapping[str, float], free: Sequence[str],
    groups: Mapping[str, Sequence[str]], rounds: int = ROUNDS, progress: Callable[[], None] | None = None,
) -> dict[str, tuple[float, float]]:
    """Per group of weights (a score part alone, or signals that work together: ``weights.ABLATED_SIGNALS``),
    nDCG@5 with them removed (0, not fitted): cross-validated with the other weights fitted, and with the hand-set
    ``start`` as it is."""
    out = {}
    for name, removed in groups.items():
        without = {**start, **dict.fromkeys(removed, 0.0)}
        rest = [n for n in free if n not in removed]
        out[name] = (cross_validate(measure, cases, k, without, rest, rounds, progress).ndcg5,
                     unfitted(measure, cases, without).ndcg5)
    return out
