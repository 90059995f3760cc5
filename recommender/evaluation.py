"""Judged learner cases and the quality measures of ``../shared/eval/README.md``.

- nDCG@5 of the ranked offering ids against the graded ``relevant`` map (ideal order from the grades), mean
  over the cases that are not ``expect_empty``;
- violations@10: items in the top 10 that are ``forbidden`` or break a hard constraint any reader of the
  catalogue can check, the place of in-person sessions included (checked here independently of
  :mod:`recommender.constraints`, with the same reachability table);
- empty-correct: the ``expect_empty`` cases that get no items.

With 18 or 74 cases a mean moves with the sample: :func:`interval` gives the bootstrap 95% confidence interval of
the mean over cases, printed beside it, and :func:`compare` the interval of a change, case by case.
"""

from __future__ import annotations

import json
import math
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from pydantic import ValidationError
from scipy.stats import bootstrap

from recommender.kinds import kind_of
from recommender.places import DEFAULT_HOME, load_places
from schemas.assessment import AssessmentCompleted
from schemas.errors import UpskillError, describe_validation_error
from schemas.offering import Offering

Method = Callable[[AssessmentCompleted], list[str]]
RESAMPLES = 2000  # bootstrap resamples of the cases for a confidence interval (seeded: the same run prints the same)


class CasesFileError(UpskillError):
    """A judged-cases file that cannot be read (names the file and line)."""


@dataclass(frozen=True)
class JudgedCase:
    """One learner with graded offerings (3 ideal, 2 good, 1 acceptable) and forbidden ones."""

    case: str
    note: str
    event: AssessmentCompleted
    relevant: dict[str, int]
    forbidden: frozenset[str]
    expect_empty: bool


def load_cases(path: Path) -> list[JudgedCase]:
    """The cases of a JSON Lines file in the format of ``dev-cases.jsonl``."""
    cases = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise CasesFileError(f"{path}: cannot read: {exc}") from exc
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            cases.append(
                JudgedCase(
                    case=str(raw.get("case", f"line-{n}")),
                    note=str(raw.get("note", "")),
                    event=AssessmentCompleted.model_validate(raw["event"]),
                    relevant={k: int(v) for k, v in raw.get("relevant", {}).items()},
                    forbidden=frozenset(raw.get("forbidden", [])),
                    expect_empty=bool(raw.get("expect_empty", False)),
                )
            )
        except ValidationError as exc:
            raise CasesFileError(f"{path}:{n}: event: {describe_validation_error(exc)}") from exc
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise CasesFileError(f"{path}:{n}: not a judged case ({exc})") from exc
    return cases


def ndcg_at(ranked: Sequence[str], relevant: Mapping[str, int], k: int = 5) -> float:
    """Normalised discounted cumulative gain of the first k ids (gain = grade, log2 discount)."""
    dcg = sum(relevant.get(oid, 0) / math.log2(i + 2) for i, oid in enumerate(ranked[:k]))
    ideal = sorted(relevant.values(), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg > 0 else 0.0


def hard_violation(off: Offering, event: AssessmentCompleted) -> str | None:
    """A hard constraint any reader of the catalogue can check, as the eval README lists them."""
    learner, prefs = event.learner, event.preferences
    status = learner.status
    if off.status != "active":
        return "not active"
    if learner.languages and off.languages and not set(off.languages) & set(learner.languages):
        return "no teaching language of the learner"
    if prefs and prefs.cost == "free" and off.cost.free is False:
        return "not free"
    if prefs and prefs.formats and off.format and off.format not in prefs.formats:
        return "format"
    if prefs and prefs.max_hours and off.duration_hours and off.duration_hours > prefs.max_hours:
        return "too long"
    adult = learner.age >= 18 if learner.age is not None else status not in (None, "student")
    excludes = {"youth": adult, "jobseekers": status == "employee", "seniors": status != "retired"}
    if off.audience and all(excludes.get(tag, False) for tag in off.audience):
        return "audience excludes the learner"
    home = learner.residence
    reach = load_places().reach(home.country, home.region) if home else {DEFAULT_HOME}
    if off.format in ("in_person", "blended") and off.location and off.location.country not in reach:
        return "in a country the learner cannot reach"
    return None


def violations_at(ranked: Sequence[str], case: JudgedCase, catalog: Mapping[str, Offering], k: int = 10) -> int:
    """How many of the first k ids are forbidden for the case or break a checkable hard constraint."""
    bad = 0
    for oid in ranked[:k]:
        off = catalog.get(oid)
        if oid in case.forbidden or (off is not None and hard_violation(off, case.event)):
            bad += 1
    return bad


def interval(values: Sequence[float], level: float = 0.95) -> tuple[float, float] | None:
    """The bootstrap confidence interval (BCa, resampling the cases) of the mean of per-case figures; None with
    fewer than two cases. Where every case has the same figure, the interval is that figure."""
    if len(values) < 2:
        return None
    data = np.asarray(values, dtype=float)
    if np.ptp(data) == 0:
        return float(data[0]), float(data[0])
    with warnings.catch_warnings():  # BCa on a few bounded values may warn; the interval is still the estimate
        warnings.simplefilter("ignore")
        ci = bootstrap((data,), np.mean, confidence_level=level, n_resamples=RESAMPLES, method="BCa",
                       rng=np.random.default_rng(0)).confidence_interval
    low, high = float(ci.low), float(ci.high)
    if math.isnan(low) or math.isnan(high):
        return None
    return low, high


@dataclass(frozen=True)
class Comparison:
    """One method's per-case figures before and after a change, on the cases both runs scored."""

    before: float  # mean over the paired cases
    after: float
    ci95: tuple[float, float] | None  # of the mean difference (after - before), paired bootstrap
    up: list[tuple[str, float]]  # (case, difference), largest first
    down: list[tuple[str, float]]  # most negative first

    @property
    def difference(self) -> float:
        return self.after - self.before

    @property
    def beyond_noise(self) -> bool:
        """Whether the 95% interval of the difference excludes 0."""
        return self.ci95 is not None and (self.ci95[0] > 0 or self.ci95[1] < 0)


def compare(before: Mapping[str, float], after: Mapping[str, float]) -> Comparison | None:
    """Pair two runs' per-case figures by case (None when no case is in both): the change of the mean, with the
    bootstrap 95% interval of the mean per-case difference, and which cases moved."""
    paired = sorted(before.keys() & after.keys())
    if not paired:
        return None
    diffs = {c: after[c] - before[c] for c in paired}
    moved = sorted(((c, d) for c, d in diffs.items() if abs(d) > 1e-9), key=lambda cd: -cd[1])
    return Comparison(
        before=sum(before[c] for c in paired) / len(paired),
        after=sum(after[c] for c in paired) / len(paired),
        ci95=interval(list(diffs.values())),
        up=[cd for cd in moved if cd[1] > 0],
        down=[cd for cd in reversed(moved) if cd[1] < 0],
    )


@dataclass
class Score:
    """One method's figures over a set of cases."""

    name: str
    ndcg5: float = 0.0
    violations10: int = 0
    empty_correct: int = 0
    empty_cases: int = 0
    per_case: dict[str, float] = field(default_factory=dict)
    shown5: int = 0  # items in the top fives
    services5: int = 0  # of which a service

    @property
    def service_share(self) -> float:
        """The share of the top-five items that are services, not training."""
        return self.services5 / self.shown5 if self.shown5 else 0.0

    @property
    def ci95(self) -> tuple[float, float] | None:
        """The 95% confidence interval of :attr:`ndcg5` over these cases (bootstrap)."""
        return interval(list(self.per_case.values()))

    def as_dict(self) -> dict[str, object]:
        """JSON-ready figures."""
        return {
            "method": self.name,
            "ndcg@5": round(self.ndcg5, 4),
            "ndcg@5_ci95": [round(x, 4) for x in ci] if (ci := self.ci95) else None,
            "violations@10": self.violations10,
            "empty_correct": f"{self.empty_correct}/{self.empty_cases}",
            "per_case_ndcg@5": {k: round(v, 4) for k, v in self.per_case.items()},
        }


def evaluate(name: str, method: Method, cases: Sequence[JudgedCase], catalog: Mapping[str, Offering]) -> Score:
    """Run a method over the cases and measure it."""
    score = Score(name)
    for case in cases:
        ranked = method(case.event)
        score.violations10 += violations_at(ranked, case, catalog)
        score.shown5 += len(ranked[:5])
        score.services5 += sum(1 for oid in ranked[:5] if oid in catalog and kind_of(catalog[oid].kind).service)
        if case.expect_empty:
            score.empty_cases += 1
            score.empty_correct += int(not ranked)
        else:
            score.per_case[case.case] = ndcg_at(ranked, case.relevant)
    graded = list(score.per_case.values())
    score.ndcg5 = sum(graded) / len(graded) if graded else 0.0
    return score

