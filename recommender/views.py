"""What one learner profile makes of the whole catalogue: who is ruled out, audience affinity, certainty.

Computed once per profile and catalogue version and cached by the recommender. Affinity and certainty depend on
a handful of an offering's facts (its audience tags, which of language, cost, duration and format are unknown,
how many requirements in words no rule checks, how many conditions of admission no profile shows, the age it
requires), so they are computed once per distinct combination of those
facts (:class:`FactCodes`, a few dozen in any catalogue) and spread to the offerings with one gather.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from recommender.constraints import ADULT_AGE, LearnerProfile, Rejections, rule_out
from recommender.features import CatalogFeatures, audience_bits
from recommender.memo import Memo, read_only
from recommender.places import load_places
from recommender.signals import audience_affinity
from recommender.weights import W
from schemas.framework import Framework

OPEN_AUDIENCE = "citizens"  # the general public: open to everyone
BROAD_AUDIENCES = ("employees",)  # being in them says little about the learner (but others are not in them)
# people in work or looking for it, and people past it: a known minor is at school, so an offering named for them
# (and for no group of the minor's) is made for adults, even when the public may come too
ADULT_LIFE = ("employees", "public_servants", "smes", "managers", "it_staff", "jobseekers", "seniors")
# groups of an age: an offering named for one beside the public goes at their pace, in their company
AGE_GROUPS = ("youth", "seniors")
SENIOR_AGE = 60
_SPREAD_KEPT = 64  # 25 MB at 100k offerings
_REACHABLE_KEPT = 4096  # per profile: offerings with prerequisites met ranked for that profile


@dataclass(frozen=True)
class ProfileView:
    """A learner profile's arrays over the catalogue, and what requests of that profile learnt since."""

    rules: Rejections
    affinity: np.ndarray  # float32
    certainty: np.ndarray  # float32
    nearby: np.ndarray  # float32: 1 near home (their region), 0.5 online or unknown, W["away_from_home"] elsewhere
    mine: int = 0  # the audience bits of the groups the learner belongs to
    senior: bool = False  # retired, or 60 or older
    placed: bool = False  # the learner's region is known (where they live or asked to attend)
    # per offering row: its prerequisites can be met (nothing completed)
    reachable: Memo[int, bool] = field(default_factory=lambda: Memo("reachable", _REACHABLE_KEPT))


    @property
    def rejected(self) -> np.ndarray:
        """Ruled out by some rule."""
        return self.rules.rejected

    @cached_property
    def rejected_rows(self) -> np.ndarray:
        """The rows of the offerings ruled out."""
        return self.rejected.nonzero()[0]

    @property
    def nbytes(self) -> int:
        masks = sum(m.nbytes for m in self.rules.per_rule.values())
        return self.rejected.nbytes + masks + self.affinity.nbytes + self.certainty.nbytes + self.nearby.nbytes


@dataclass(frozen=True)
class FactCodes:
    """Offerings grouped by the facts affinity and certainty read (a fee among them): ``inverse[i]`` is row i's
    group, ``first[g]`` a row of group g."""

    first: np.ndarray
    inverse: np.ndarray
    # affinity per (the learner's audience bits, the broad ones); certainty per what the learner cares about:
    # few distinct values, spread to every offering (two gathers of the whole catalogue) once each
    spread: Memo[tuple[Any, ...], np.ndarray] = field(default_factory=lambda: Memo("spread", _SPREAD_KEPT))

    def spread_over(self, key: tuple[Any, ...], compute: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
        """``compute`` over the groups' first rows, spread to every row; kept (read-only) per ``key``."""
        return self.spread.get(key, lambda: read_only(compute(self.first).astype(np.float32)[self.inverse]))

    @classmethod
    def build(cls, f: CatalogFeatures) -> FactCodes:
        facts = f.facts
        unknown = (
            np.minimum(f.open_requirements, 3).astype(np.int64)
            | (facts.lang_bits == 0) << 2 | (facts.free == -1) << 3 | np.isnan(facts.duration) << 4
            | (facts.format == -1) << 5 | np.minimum(f.unshown, 3).astype(np.int64) << 6
            | _age_class(f.age_floor) << 8 | facts.fee.astype(np.int64) << 10
        )
        _, first, inverse = np.unique(f.audience_bits * 2048 + unknown, return_index=True, return_inverse=True)
        return cls(first, inverse.astype(np.intp).ravel())  # intp: a gather by int32 converts it first (3x slower)


def _age_class(floor: np.ndarray) -> np.ndarray:
    """0: no age above adulthood required; 1: an age up to ``SENIOR_AGE`` (a retired learner has it); 2: older."""
    return np.where(floor <= ADULT_AGE, 0, np.where(floor <= SENIOR_AGE, 1, 2)).astype(np.int64)


def learner_groups(profile: LearnerProfile, fw: Framework) -> set[str]:
    """The audience tags the learner visibly belongs to (from status, age and the target role's audience)."""
    groups = {
        "jobseeker": {"jobseekers"},
        "employee": {"employees"},
        "self-employed": {"smes", "managers"},
        "retired": {"seniors"},
        "student": {"students"},
    }.get(profile.status or "", set())
    if profile.is_minor():
        groups.add("youth")
    if profile.age is not None and profile.age >= SENIOR_AGE:
        groups.add("seniors")
    if profile.leads_organisation:
        groups |= {"smes", "managers"}
    if profile.role and profile.status is None:  # who the target role is for says who the learner is, when
        words = fw.role(profile.role).audience.lower()  # their status does not (a jobseeker is no employee)
        groups |= {tag for key, tag in (("sme", "smes"), ("it staff", "it_staff"), ("jobseeker", "jobseekers"),
                                        ("employee", "employees")) if key in words}
    return groups


def build_view(f: CatalogFeatures, codes: FactCodes, profile: LearnerProfile, fw: Framework) -> ProfileView:
    """The profile's view of the catalogue."""
    rules = rule_out(f.facts, profile)
    mine = audience_bits(learner_groups(profile, fw))
    broad = audience_bits([OPEN_AUDIENCE]) | (mine & audience_bits(BROAD_AUDIENCES))
    adults = audience_bits(ADULT_LIFE) & ~mine if profile.is_minor() else 0
    ages = audience_bits(AGE_GROUPS)
    affinity = codes.spread_over(("affinity", mine, broad, adults, ages),
                                 lambda rows: audience_affinity(f.audience_bits[rows], mine, broad, adults, ages))
    cares = (bool(profile.languages), profile.free_only, profile.max_hours is not None, bool(profile.formats),
             _age_unshown(profile), profile.pays_own_fees())
    certainty = codes.spread_over(("certainty", *cares), lambda rows: certainty_penalty(f, rows, profile))
    senior = profile.status == "retired" or (profile.age is not None and profile.age >= SENIOR_AGE)
    point = profile.near_point()
    nearby = nearby_sessions(f, *point, profile.commutes_to())
    return ProfileView(rules, affinity, certainty, nearby, mine, senior, bool(point[1]))


def nearby_sessions(
    f: CatalogFeatures, country: str, region: str | None = None, commute: frozenset[str] = frozenset()
) -> np.ndarray:
    """Per offering, how near its sessions are: 1 near the learner's home (``places.Places.near``) or in a country
    they commute to (``commute``: on their way to work), 0.5 online or not tied to a place, and
    ``W["away_from_home"]`` (below 0) for sessions elsewhere they can reach (the unreachable are ruled out): to a
    learner starting out or a senior, the only ones this part counts for, a trip beyond their region is more of an
    obstacle than learning online; kept per home, commute and weight."""
    facts = f.facts

    def compute() -> np.ndarray:
        places = load_places()
        near = np.array([places.near((country, region), site) or site[0] in commute for site in facts.sites]
                        + [False])
        away = np.where(near[facts.site], 1.0, W["away_from_home"])
        return read_only(np.where(facts.site < 0, 0.5, away).astype(np.float32))

    return facts.nearby.get((country, region, commute, W["away_from_home"]), compute)


def _age_unshown(p: LearnerProfile) -> int:
    """The lowest age class (:func:`_age_class`) whose condition the profile does not show the learner meets (3:
    none: the age is known, and the rules check it)."""
    if p.age is not None:
        return 3
    return 2 if p.status == "retired" else 1


def certainty_penalty(f: CatalogFeatures, rows: np.ndarray, p: LearnerProfile) -> np.ndarray:
    """A penalty (<= 0) per offering of ``rows`` for what the catalogue does not know and the learner cares
    about, and for a fee (most when the learner would pay it themselves)."""
    facts = f.facts
    # per condition in words no rule checks (prior skills, ...): the learner may lack it
    pen = -W["open_requirement_cost"] * np.minimum(f.open_requirements[rows], 3)
    # per condition of admission the profile does not show the learner meets (benefits, a diploma, an age)
    unshown = np.minimum(f.unshown[rows], 3) + (_age_class(f.age_floor[rows]) >= _age_unshown(p))
    pen = pen - W["unshown_condition_cost"] * unshown
    if p.languages:
        pen = pen - W["unknown_language_cost"] * (facts.lang_bits[rows] == 0)
    if p.free_only:
        pen = pen - W["unknown_price_cost"] * (facts.free[rows] == -1)
    else:  # a fee (a learner who asked for free offerings has no paid one left): between two offerings that teach
        # the same, the free one is the better advice, whoever pays; most when the learner pays it themselves
        pen = pen - W["own_fee_cost" if p.pays_own_fees() else "fee_cost"] * facts.fee[rows]
    if p.max_hours is not None:
        pen = pen - W["unknown_duration_cost"] * np.isnan(facts.duration[rows])
    if p.formats:
        pen = pen - W["unknown_format_cost"] * (facts.format[rows] == -1)
    return np.asarray(pen)
