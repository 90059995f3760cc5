"""Scoring and selecting offerings for a learner's gaps, over all candidates at once (NumPy).

For every candidate offering and every gap the ranker computes how well the offering's level range serves the
gap (``quality``: 1 when it starts at or just below the learner's next level, less the further above or below
it starts, 0 when it stays at or below what the learner has), and the gap's value for this learner (its
priority, times how central the competence is to the offering's text, times any counsellor ``adjustment``; a
whole is worth the share of its parts that work on the gap). Each candidate's score is a weighted sum of named
parts, kept as the item's score breakdown:

- ``coverage``: half the gap priority it serves as a share of all, half its value on the most pressing gap;
- ``level_fit``: the priority-weighted quality on the gaps it addresses;
- ``similarity``: cosine of its text with the learner's need (the priority-weighted gap descriptors);
- ``focus``: the share of its content (tags weighted by centrality) on the learner's gaps, content in a DigComp
  area where they have no gap counting extra, lower for broad kinds (a focused course beats a catch-all
  programme);
- ``audience``: made for people like the learner (jobseekers, seniors, SMEs, ...) rather than for others;
- ``subject``: how pressing the gap is that it is mainly about (the competence it lists first);
- ``nearby``: sessions near the learner's home, and against sessions away from it they would travel to, for a
  learner starting out or a senior (0.5 for everyone else);
- ``made_for``: a service whose kind is made for this learner (:func:`made_for`), which then competes with the
  courses for a place among the items;
- ``certainty`` and ``prerequisites`` (added, <= 0): what the catalogue does not know and the learner cares
  about; each offering still to take first.

Broad kinds (a catalogue area, a programme) and events or talks also teach less of each gap they are tagged with
(``KIND_TEACHES``), not only count as less focused.

An admission test with no level of its own is worth, for this learner, the best offering it opens that they may
take (:func:`_through_gates`).

Selection is greedy with diversity across gaps (maximal marginal relevance): once a gap is served, offerings
that only serve it lose weight. A whole and its parts (``part_of``) are never both selected.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple, cast

import numpy as np

from recommender.features import CatalogFeatures
from recommender.kinds import FITS
from recommender.signals import (
    LEVELS,
    Tables,
    focus,
    inherit_parts,
    level_quality,
    profile_similarity,
    subject,
    teach_factor,
)
from recommender.weights import (
    MAX_FILLERS,
    MAX_SERVICES,
    PARTS_W,
    POOL,
    SERVED_STEP,
    TOO_ADVANCED,
    TOO_ADVANCED_LISTED,
    W,
)
from schemas.recommendation import Gap

Adjustments = Mapping[tuple[str, str], float]
PARTS = (*PARTS_W, "certainty", "prerequisites")  # a score's parts, in the order of Scored.parts' columns
_AUDIENCE = PARTS.index("audience")


class Candidate(NamedTuple):
    """A chosen offering and what it does for this learner, in plain values (a ranking is cached as tuples)."""

    offering_id: str
    gaps: tuple[int, ...]  # the positions of the request's gaps it works on, the one it does most for first
    parts: tuple[float, ...]  # its score's parts, in PARTS order (rounded)
    score: float
    semantic_only: bool  # it works on them through its text only (untagged)


@dataclass
class Scored:
    """Every candidate's arrays (row k = ``rows[k]``) for selection and explanation."""

    rows: np.ndarray
    gaps: list[Gap]
    cols: np.ndarray  # (m,) the gaps' competence columns
    value: np.ndarray  # (k, m) priority x quality x adjustment, 0 where not addressed
    quality: np.ndarray  # (k, m)
    addressed: np.ndarray  # (k, m) bool
    text_only: np.ndarray  # (n, c) the catalogue's Tables.text_only: addressed through the text only
    parts: np.ndarray  # (k, len(PARTS))
    score: np.ndarray
    too_advanced: list[tuple[int, str]] = field(default_factory=list)
    made_for: np.ndarray | None = None  # (k,) bool: a service made for this learner (competes with the courses)
    passes: _Passes | None = field(default=None, repr=False)  # what the greedy passes read (:func:`_passes`)


class _Passes(NamedTuple):
    """What every greedy pass over one :class:`Scored` reads, per row, computed once for all its passes (a
    selection runs two to four)."""

    by_score: np.ndarray  # positions, the best score first (stable)
    step: np.ndarray  # (k, m) how far taking the row serves each gap: SERVED_STEP x quality where addressed
    scale: np.ndarray  # (k,) W["diversity"] over the row's total value
    skip: np.ndarray  # (k,) bool: a chapter whose scored whole competes instead (_stands_for_a_scored_whole)


def _passes(s: Scored, f: CatalogFeatures) -> _Passes:
    """``s.passes``, computed on first use."""
    if s.passes is None:
        s.passes = _Passes((-s.score).argsort(kind="stable"), SERVED_STEP * s.quality * s.addressed,
                           W["diversity"] / np.maximum(s.value.sum(axis=1), 1e-9),
                           _stands_for_a_scored_whole(s, f))
    return s.passes


class AdjustmentColumns:
    """People's adjustments spread over a catalogue: per competence, every row's factor (1 where none).

    Built once per adjustments mapping (a worker refreshes it every minute) and catalogue version, so a request
    only gathers its rows' factors for its gaps, however many (offering, gap) pairs people have judged.
    """

    def __init__(self, f: CatalogFeatures, adjustments: Adjustments) -> None:
        self.source = adjustments
        self.version = f.version
        self.cols: dict[str, np.ndarray] = {}
        for (oid, code), factor in adjustments.items():
            row = f.row.get(oid)
            if row is None:
                continue
            col = self.cols.get(code)
            if col is None:
                col = self.cols[code] = np.ones(len(f.ids))
            col[row] = max(0.0, float(factor))

    def factors(self, rows: np.ndarray, gaps: list[Gap]) -> np.ndarray | None:
        """The factor of each row for each gap, None when people judged none of these gaps."""
        out = None
        for j, gap in enumerate(gaps):
            col = self.cols.get(gap.competence)
            if col is not None:
                if out is None:
                    out = np.ones((len(rows), len(gaps)))
                out[:, j] = col[rows]
        return out


class StackedAdjustments(NamedTuple):
    """Everyone's adjustments with one learner's own words on top (their factors multiply)."""

    first: AdjustmentColumns | None
    second: AdjustmentColumns

    def factors(self, rows: np.ndarray, gaps: list[Gap]) -> np.ndarray | None:
        """The product of both factors of each row for each gap, None when neither judged these gaps."""
        a = self.first.factors(rows, gaps) if self.first is not None else None
        b = self.second.factors(rows, gaps)
        if a is None or b is None:
            return a if b is None else b
        return np.asarray(a * b)


@dataclass(frozen=True)
class GapArrays:
    """A request's gaps as the arrays ranking reads: each competence's column, current level and priority."""

    cols: np.ndarray  # int64
    levels: np.ndarray  # int64
    pri: np.ndarray  # float
    pri_sum: float
    pri_max: float
    tabled: bool  # every current level has a column in the level-fit tables (0-8)

    @classmethod
    def of(cls, f: CatalogFeatures, gaps: list[Gap]) -> GapArrays:
        """The arrays of ``gaps`` over ``f``'s competence columns."""
        levels = [g.current for g in gaps]
        priorities = [g.priority for g in gaps]
        pri = np.array(priorities, dtype=float)
        tabled = 0 <= min(levels, default=0) and max(levels, default=0) < LEVELS
        return cls(np.array([f.col[g.competence] for g in gaps], dtype=np.int64), np.array(levels, dtype=np.int64),
                   pri, pri.sum(), max(priorities, default=0.0), tabled)


def score_all(
    f: CatalogFeatures,
    t: Tables,
    gaps: list[Gap],
    rejected: np.ndarray,
    affinity: np.ndarray,
    certainty: np.ndarray,
    adjusted: AdjustmentColumns | StackedAdjustments | None = None,
    candidates: np.ndarray | None = None,
    arrays: GapArrays | None = None,
    nearby: np.ndarray | None = None,
    who: Who | None = None,
) -> Scored:
    """Score every offering not ``rejected`` that addresses at least one gap (by its tags or, untagged, its text).

    Args:
        t: the catalogue's ranking tables (built with the features).
        candidates: the rows to consider (a large catalogue's shortlists, sorted); None: the whole catalogue.
        adjusted: people's adjustments over the catalogue (:class:`AdjustmentColumns`), multiplying what an
            offering is worth for a gap; None: none.
        arrays: :meth:`GapArrays.of` the gaps, when the caller has them.
        nearby: per offering, how near its sessions are (views.nearby_sessions); None: it does not matter to
            this learner (0.5 everywhere).
        who: what says which services are made for the learner (:func:`made_for`); None: none is.
    """
    a = arrays or GapArrays.of(f, gaps)
    cols, levels, pri = a.cols, a.levels, a.pri
    if candidates is None:
        weight = t.weight[:, cols]
        rows = ((weight > 0).any(axis=1) & ~rejected).nonzero()[0]
        weight = weight[rows].astype(float)
    else:
        weight = t.weight.take(candidates, axis=0)[:, cols]  # whole rows first: faster than [rows[:, None], cols]
        keep = (weight > 0).any(axis=1) & ~rejected[candidates]
        rows, weight = candidates[keep], weight[keep].astype(float)
    if a.tabled:
        quality = t.quality.take(rows, axis=0)[:, levels]
    else:
        quality = level_quality(f.level_min[rows, None], f.level_max[rows, None], levels[None, :].astype(float))
    value = weight * quality * pri
    if adjusted is not None and (factors := adjusted.factors(rows, gaps)) is not None:
        value *= factors
    inherit_parts(f, rows, value, quality, weight)
    addressed = value > 0
    gap_from = f.level_min[rows, None] - levels
    advanced = ((weight == 0) | (gap_from >= TOO_ADVANCED)).all(axis=1)  # every row has a weight > 0
    keep = addressed.any(axis=1) & ~advanced
    too_advanced = [  # a few examples are enough to explain; a large catalogue has thousands
        (int(r), f"starts at level {f.level_min[r]:g}, at least {TOO_ADVANCED} levels above the learner")
        for r in rows[advanced][:TOO_ADVANCED_LISTED]
    ]
    keep = keep.nonzero()[0]
    rows, value, quality, addressed = rows[keep], value[keep], quality[keep], addressed[keep]
    weight = weight[keep]
    mine = made_for(f, rows, a, nearby, who)
    if mine.any():  # a service made for the learner teaches them what its kind's teaches_fit says
        fit = (teach_factor(f.kind_focus_fit[rows[mine]]) / teach_factor(f.kind_focus[rows[mine]]))[:, None]
        value[mine] *= fit
        weight[mine] *= fit
    sim = f.similarity.take(rows, axis=0)[:, cols]
    served_priority = (weight * pri * addressed).sum(axis=1)
    total = value.sum(axis=1)
    parts = np.empty((len(rows), len(PARTS)))
    named = {
        "made_for": mine.astype(float),
        # half the share of all gap priority served, half the strength on the learner's most pressing gap
        "coverage": 0.5 * total / a.pri_sum + 0.5 * value.max(axis=1, initial=0.0) / a.pri_max,
        "level_fit": total / np.maximum(served_priority, 1e-9),
        "similarity": profile_similarity(f, sim, cols, pri),
        "focus": focus(f, t, rows, cols, addressed),
        "audience": affinity[rows],
        "nearby": nearby[rows] if nearby is not None else np.full(len(rows), 0.5),
        "subject": subject(f, rows, cols, addressed, pri, a.pri_max),
        "certainty": certainty[rows],
        # each offering to take first (a prerequisite not yet done) is a step further from the goal
        "prerequisites": -W["prereq_step_cost"] * np.minimum(f.prereq_steps[rows], 4),
    }
    for j, name in enumerate(PARTS):
        parts[:, j] = named[name]
    score = _total(parts)
    if (f.gate[rows] >= 0).any():
        def own(gates: np.ndarray) -> dict[str, np.ndarray]:
            return {"nearby": nearby[gates] if nearby is not None else np.full(len(gates), 0.5),
                    "certainty": certainty[gates],
                    "prerequisites": -W["prereq_step_cost"] * np.minimum(f.prereq_steps[gates], 4)}

        rows, value, quality, addressed, parts, score = _through_gates(
            f.gate, rejected, own, rows, value, quality, addressed, parts, score)
    made = parts[:, PARTS.index("made_for")] > 0
    return Scored(rows, gaps, cols, value, quality, addressed, t.text_only, parts, score, too_advanced, made)


STARTING_OUT = 2  # a learner whose every gap starts from this level or below is starting out


class Who(NamedTuple):
    """What says which services are made for a learner."""

    senior: bool  # retired, or 60 or older
    audience: int  # the audience bits of the groups they belong to
    placed: bool = False  # where they live (or asked to attend) is known beyond the country


def starting_out(a: GapArrays, who: Who | None) -> bool:
    """A senior, or a learner whose every gap starts from level ``STARTING_OUT`` or below."""
    return (who is not None and who.senior) or int(a.levels.max(initial=0)) <= STARTING_OUT


def made_for(f: CatalogFeatures, rows: np.ndarray, a: GapArrays, nearby: np.ndarray | None, who: Who | None
             ) -> np.ndarray:
    """Per row, whether it is a service whose kind is made for this learner (``data/kinds.json`` fits): an
    organisation's diagnostic the rules let through (so the learner leads one), help near home (``nearby``, given
    when it matters) for a learner starting out or a senior whose home is known beyond the country (a drop-in
    desk in one town is no nearer than another to someone who may live anywhere), a catalogue whose named
    audience includes the learner."""
    if who is None:
        return np.zeros(len(rows), dtype=bool)
    code = f.fits[rows]
    lead = code == FITS.index("organisation_lead")
    near = np.zeros(len(rows), dtype=bool)
    if nearby is not None and who.placed and starting_out(a, who):
        near = (code == FITS.index("starting_out_nearby")) & (nearby[rows] == 1.0)
    members = (code == FITS.index("its_audience")) & ((f.audience_bits[rows] & who.audience) != 0)
    return np.asarray(f.service[rows] & (lead | near | members))


_WEIGHTED = len(PARTS_W)  # the first parts are weighted; certainty and prerequisites are added as they are


def _total(parts: np.ndarray) -> np.ndarray:
    """Scores from their parts (rows of ``parts`` in PARTS order)."""
    weights = np.fromiter(PARTS_W.values(), float, _WEIGHTED)
    return np.asarray(parts[:, :_WEIGHTED] @ weights + parts[:, _WEIGHTED:].sum(axis=1))


def _through_gates(
    gate: np.ndarray, rejected: np.ndarray, own: Callable[[np.ndarray], dict[str, np.ndarray]], rows: np.ndarray,
    *arrays: np.ndarray,
) -> tuple[np.ndarray, ...]:
    """The scored arrays with each admission step (``f.gate``) the learner may take worth the best offering it
    opens for them: what it does for the gaps, its score with the step's own place, certainty and prerequisites.

    ``arrays`` are value, quality, addressed, parts and score, row-aligned with ``rows`` (sorted); a step not
    scored yet is inserted in order. ``own(steps)`` gives the steps' own nearby, certainty and prerequisites
    parts.
    """
    value, quality, addressed, parts, score = arrays
    opened = (gate[rows] >= 0).nonzero()[0]
    gates = gate[rows[opened]]
    allowed = ~rejected[gates]
    opened, gates = opened[allowed], gates[allowed]
    order = np.lexsort((-score[opened], gates))  # per step, the best offering it opens first
    opened, gates = opened[order], gates[order]
    first = np.concatenate(([True], gates[1:] != gates[:-1])) if len(gates) else np.zeros(0, bool)
    opened, gates = opened[first], gates[first]
    if not len(opened):
        return rows, *arrays
    new_parts = parts[opened].copy()
    for name, column in own(gates).items():
        new_parts[:, PARTS.index(name)] = column
    new_score = _total(new_parts)
    at = np.minimum(rows.searchsorted(gates), len(rows) - 1)
    scored = rows[at] == gates
    better = scored & (new_score > score[at])
    if better.any():
        for arr, new in ((value, value[opened]), (quality, quality[opened]), (addressed, addressed[opened]),
                         (parts, new_parts), (score, new_score)):
            arr[at[better]] = new[better]
    add = ~scored
    if not add.any():
        return rows, value, quality, addressed, parts, score
    where = rows.searchsorted(gates[add])  # sorted, as gates are
    at = where + np.arange(len(where))  # where np.insert would put them
    kept = np.ones(len(rows) + len(where), dtype=bool)
    kept[at] = False
    return tuple(_inserted(arr, kept, at, new) for arr, new in (
        (rows, gates[add]), (value, value[opened[add]]), (quality, quality[opened[add]]),
        (addressed, addressed[opened[add]]), (parts, new_parts[add]), (score, new_score[add])))


def _inserted(arr: np.ndarray, kept: np.ndarray, at: np.ndarray, new: np.ndarray) -> np.ndarray:
    """``np.insert`` of ``new`` rows into ``arr`` (the result's ``at`` rows; ``kept`` marks ``arr``'s), in the
    memory order np.insert keeps (column-major stays so: sums over its rows then add in the same order), without its
    argument handling, which cost more than the copy on these few dozen rows."""
    out = np.empty((len(kept), *arr.shape[1:]), dtype=arr.dtype, order="F" if arr.flags.fnc else "C")
    out[at] = new
    out[kept] = arr
    return out


def select(
    s: Scored, f: CatalogFeatures, k: int, feasible: Callable[[int], bool] = lambda row: True
) -> list[Candidate]:
    """Greedy top-k with diversity across gaps and no whole-and-part duplicates, where a service never displaces
    a course and a kind that teaches nothing by itself (a test, a catalogue) is no item unless made for the learner.

    The greedy pass runs over the best ``POOL * k`` candidates by score (an item further down cannot climb
    above them by diversity alone); if too few survive the exclusions, it runs again over all of them. When a
    service (``data/kinds.json``) not made for this learner (:func:`made_for`) is picked, the list is compared
    with the one without such services: every course the service pushed out that works on a gap the service works
    on takes its place back, and the service goes. A path is training: at most ``MAX_SERVICES`` services stay
    among the items, made for the learner or, at most ``MAX_FILLERS`` of them, where no course is left (never one
    named only for others: a talk for parents); such a filler comes after the courses, whatever its score, since
    it holds a place no course is left for. A way in (an admission step) comes with the best offering it
    opens, next to it. Last, a course another item's requirements recommend first comes before that item.
    """
    mine = np.zeros(len(s.rows), dtype=bool) if s.made_for is None else s.made_for
    # a service named only for others (a talk for parents) is no filler: it stays in the support list
    for_others = f.service[s.rows] & (s.parts[:, _AUDIENCE] <= W["only_for_others"])
    allowed = ~((f.no_item[s.rows] | for_others) & ~mine)
    picked = _pick(s, f, k, feasible, allowed)
    service = f.service[s.rows] & ~mine
    training: list[int] | None = None  # the pick without services not made for the learner, once needed
    if service[picked].any():
        training = _pick(s, f, k, feasible, allowed & ~service)
        picked = _courses_back(s, picked, training, service)
        picked = _greedy(s, f, len(picked), lambda row: True, np.array(picked, dtype=np.int64))  # MMR order again
    picked = _at_most_services(s, f, k, feasible, allowed, picked, training)
    picked = [i for i in picked if not service[i]] + [i for i in picked if service[i]]  # fillers after courses
    picked = _recommended_first(s, f, _what_ways_in_open(s, f, k, feasible, allowed, picked))
    return _candidates(s, f, np.array(picked, dtype=np.int64))


def _what_ways_in_open(
    s: Scored, f: CatalogFeatures, k: int, feasible: Callable[[int], bool], allowed: np.ndarray, picked: list[int]
) -> list[int]:
    """``picked`` with each way in (an admission step, ``f.gate``) next to the best training it opens for the
    learner: a way in is worth what it opens (:func:`_through_gates`), so the two are one route and one choice.
    The offering comes just after its way in (brought in, in the place of the last other item, when it was not
    picked); a way in picked below what it opens moves up to just before it."""
    ways_in = [i for i, yes in zip(picked, f.way_in[s.rows[picked]].tolist(), strict=True) if yes]
    if not ways_in:
        return picked
    gate = f.gate[s.rows]
    out = list(picked)
    for i in ways_in:
        opens = ((gate == s.rows[i]) & allowed & ~f.service[s.rows]).nonzero()[0]
        taken = s.rows[out].tolist()
        best = next((int(j) for j in opens[(-s.score[opens]).argsort(kind="stable")]
                     if j in out or (feasible(int(s.rows[j])) and not np.isin(f.related[s.rows[j]], taken).any())),
                    None)
        if best is None:
            continue
        if best not in out:
            if len(out) >= k:  # the last item goes, unless it is the way in itself: then the one before it
                last = next((j for j in reversed(out) if j != i), None)
                if last is None:  # one place only: the way in holds it
                    continue
                out.remove(last)
            out.insert(out.index(i) + 1, best)
        elif out.index(best) > out.index(i):
            out.remove(best)
            out.insert(out.index(i) + 1, best)
        else:
            out.remove(i)
            out.insert(out.index(best), i)
    return out


def _recommended_first(s: Scored, f: CatalogFeatures, picked: list[int]) -> list[int]:
    """``picked`` with every item that another item's requirements recommend taking first ("Data Protection Basics
    recommended") moved just before that one: the list does not propose a follow-up above the course its provider
    says to take first. (Formal prerequisites are the path's order: a learner's level may already cover them.)"""
    rows = s.rows[picked].tolist()
    if f.recommends_first.isdisjoint(rows):
        return picked
    at = dict(zip(rows, picked, strict=True))
    out: list[int] = []

    def place(i: int, stack: frozenset[int]) -> None:
        if i in out or i in stack:
            return
        for r in f.recommended_first[int(s.rows[i])]:
            if r in at:
                place(at[r], stack | {i})
        out.append(i)

    for i in picked:
        place(i, frozenset())
    return out


def _at_most_services(
    s: Scored, f: CatalogFeatures, k: int, feasible: Callable[[int], bool], allowed: np.ndarray, picked: list[int],
    training: list[int] | None = None,
) -> list[int]:
    """``picked`` with at most ``MAX_SERVICES`` services (the best ones), of which at most ``MAX_FILLERS`` not made
    for the learner (they fill a place no course is left for), the next best training in the place of the others
    (they remain for the support list). ``training``: the pick without the services not made for the learner,
    when the caller has it (its courses come first, in the same order)."""
    if not picked:
        return picked
    is_service = f.service[s.rows[picked]].tolist()
    if sum(is_service) <= min(MAX_SERVICES, MAX_FILLERS):
        return picked
    services = [i for i, yes in zip(picked, is_service, strict=True) if yes]
    mine = s.made_for if s.made_for is not None else np.zeros(len(s.rows), dtype=bool)
    fillers = [i for i in services if not mine[i]]
    extra = set(services[MAX_SERVICES:]) | set(fillers[MAX_FILLERS:])
    if not extra:
        return picked
    kept = [i for i in picked if i not in extra]
    courses = [] if training is None else [i for i in training if not f.service[s.rows[i]]]
    if len(courses) < k:  # the pick had services made for the learner, or too few courses: pick courses only
        courses = _pick(s, f, k, feasible, allowed & ~f.service[s.rows])
    more = [i for i in courses if i not in kept]
    kept += more[: len(extra)]
    return _greedy(s, f, len(kept), lambda row: True, np.array(kept, dtype=np.int64))  # MMR order again


def _pick(s: Scored, f: CatalogFeatures, k: int, feasible: Callable[[int], bool], allowed: np.ndarray) -> list[int]:
    """Positions (into ``s``) the greedy pass picks among the ``allowed`` ones, best first."""
    best = _passes(s, f).by_score
    best = best[allowed[best]]
    if len(best) == 0:
        return []
    chosen = _greedy(s, f, k, feasible, best[: POOL * k])
    if len(chosen) < k and len(best) > POOL * k:
        chosen = _greedy(s, f, k, feasible, best)
    return chosen


def _courses_back(s: Scored, picked: list[int], training: list[int], service: np.ndarray) -> list[int]:
    """``picked`` with every course of ``training`` that a picked service displaced from the same gap back in its
    place (the service with the lowest score goes first)."""
    out = list(picked)
    for course in (i for i in training if i not in out):
        rivals = [i for i in out if service[i] and (s.addressed[i] & s.addressed[course]).any()]
        if rivals:
            out.remove(min(rivals, key=lambda i: s.score[i]))
            out.append(course)
    return out


def _greedy(
    s: Scored, f: CatalogFeatures, k: int, feasible: Callable[[int], bool], pool: np.ndarray
) -> list[int]:
    """Positions (into ``s``) picked from ``pool`` in turn: the best score less the diversity penalty."""
    passes = _passes(s, f)
    value, step, scale = s.value[pool], passes.step[pool], passes.scale[pool]
    score = s.score[pool]  # -inf once taken or excluded (a copy: pool is an index)
    penalty = np.zeros(len(pool))  # DIVERSITY x the share of its value on gaps already served
    served = np.zeros(len(s.gaps))
    left = np.empty(len(pool))  # score less penalty (written in place: these arrays are a few dozen long)
    row_list, skip = s.rows[pool].tolist(), passes.skip[pool].tolist()
    pos: dict[int, int] | None = None  # row -> position in pool, once a pick has related offerings
    chosen: list[int] = []
    while len(chosen) < k:
        i = int(np.subtract(score, penalty, out=left).argmax())
        if score[i] == -np.inf:
            break
        score[i] = -np.inf
        row = row_list[i]
        if skip[i] or not feasible(row):
            continue
        family = f.related[row]
        if len(family):
            pos = pos if pos is not None else {r: j for j, r in enumerate(row_list)}
            score[[pos[r] for r in family.tolist() if r in pos]] = -np.inf
        chosen.append(i)
        if len(chosen) < k:  # the penalty for the next pick
            np.minimum(np.add(served, step[i], out=served), 1.0, out=served)
            np.multiply(scale, value.dot(served), out=penalty)
    return cast(list[int], pool[chosen].tolist())


def _stands_for_a_scored_whole(s: Scored, f: CatalogFeatures) -> np.ndarray:
    """Per scored row, whether it is a chapter taken only after its siblings whose whole is scored too (the whole
    competes instead)."""
    whole = f.stands_for[s.rows]
    if not (whole >= 0).any():
        return np.zeros(len(s.rows), dtype=bool)
    at = np.minimum(s.rows.searchsorted(whole), len(s.rows) - 1)  # s.rows is sorted
    return np.asarray(s.rows[at] == whole)


def support(s: Scored, f: CatalogFeatures, chosen: list[Candidate], k: int) -> list[tuple[str, tuple[int, ...]]]:
    """The best ``k`` services by score that work on a gap and are not among the items, each with the positions
    of the gaps it works on (the one it does most for first)."""
    taken = {c.offering_id for c in chosen}
    service = f.service[s.rows] & s.addressed.any(axis=1)
    out = []
    for i in (-np.where(service, s.score, -np.inf)).argsort(kind="stable")[: k + len(taken)].tolist():
        oid = f.ids[int(s.rows[i])]
        if not service[i] or oid in taken:
            continue
        order = (-s.value[i]).argsort(kind="stable").tolist()
        out.append((oid, tuple(j for j in order if s.addressed[i, j])))
        if len(out) == k:
            break
    return out


def _candidates(s: Scored, f: CatalogFeatures, picked: np.ndarray) -> list[Candidate]:
    """The selected rows of the scored arrays (``picked`` indexes them) as candidates, in order.

    Converted to Python values only for these few: a large catalogue scores tens of thousands of candidates.
    """
    parts = s.parts[picked].round(4).tolist()
    score = s.score[picked].round(4).tolist()
    value, addressed = s.value[picked], s.addressed[picked]
    semantic = s.text_only.take(s.rows[picked], axis=0)[:, s.cols] & addressed
    order = (-value).argsort(axis=1, kind="stable").tolist()
    semantic_only = (semantic.any(axis=1) & ~(addressed & ~semantic).any(axis=1)).tolist()
    addressed_rows = addressed.tolist()
    return [
        Candidate(f.ids[row], tuple([j for j in order[i] if addressed_rows[i][j]]), tuple(parts[i]), score[i],
                  semantic_only[i])
        for i, row in enumerate(s.rows[picked].tolist())
    ]
