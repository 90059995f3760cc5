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
- ``focus``: the share of its content (tags weighted by centrality) on the learner's gaps, lower for broad
  kinds (a focused course beats a catch-all programme);
- ``audience``: made for people like the learner (jobseekers, seniors, SMEs, ...) rather than for others;
- ``subject``: how pressing the gap is that it is mainly about (the competence it lists first);
- ``certainty`` and ``prerequisites`` (added, <= 0): what the catalogue does not know and the learner cares
  about; each offering still to take first.

Broad kinds (a catalogue area, a programme) and events or talks also teach less of each gap they are tagged with
(``KIND_TEACHES``), not only count as less focused.

Selection is greedy with diversity across gaps (maximal marginal relevance): once a gap is served, offerings
that only serve it lose weight. A whole and its parts (``part_of``) are never both selected.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from recommender.constraints import LearnerProfile
from recommender.features import CatalogFeatures
from schemas.recommendation import Gap

WEIGHTS = {"coverage": 0.25, "level_fit": 0.10, "similarity": 0.20, "focus": 0.25, "audience": 0.15, "subject": 0.05}
SEMANTIC_THRESHOLD = 0.45  # untagged offerings address a gap when retrieved this close to its descriptor
SEMANTIC_WEIGHT = 0.6  # ... and count for this much of a tagged match
UNKNOWN_LEVEL_QUALITY = 0.5
ABOVE_COST = 0.35  # quality lost per level an offering starts above the learner's next level
BELOW_COST = 0.05  # ... and per level it starts below the learner's current level minus one
TOO_ADVANCED_LISTED = 10
TOO_ADVANCED = 3  # an offering starting this many levels above the learner on every gap it addresses is out
PUBLIC_FOR_OTHERS = -0.1  # halfway between open to anyone (0.3) and only for others (-0.5)
DIVERSITY = 0.1
POOL = 3  # the greedy selection looks at the best POOL * k candidates first
PROFILE_SIMILARITY = True
CENTRALITY_FLOOR = 0.7  # a tagged competence the text barely mentions still counts this much
KIND_TEACHES = 0.5  # how much a broad kind or an event (``kind_focus`` < 1) also lowers what it teaches of a gap
PREREQ_STEP_COST = 0.06  # per offering still to take first (at most 4)
SERVED_STEP = 1.0  # how far one item serves its gaps (times its level quality)

Adjustments = Mapping[tuple[str, str], float]


@dataclass
class Candidate:
    """An offering that passed the hard constraints, with what it does for this learner."""

    offering_id: str
    row: int
    addresses: list[Gap]
    quality: dict[str, float]
    parts: dict[str, float] = field(default_factory=dict)
    score: float = 0.0
    semantic_only: bool = False


@dataclass
class Scored:
    """Every candidate's arrays (row k = ``rows[k]``) for selection and explanation."""

    rows: np.ndarray
    gaps: list[Gap]
    value: np.ndarray  # (k, m) priority x quality x adjustment, 0 where not addressed
    quality: np.ndarray  # (k, m)
    addressed: np.ndarray  # (k, m) bool
    semantic: np.ndarray  # (k, m) bool: addressed through the text only
    parts: dict[str, np.ndarray]
    score: np.ndarray
    too_advanced: list[tuple[int, str]] = field(default_factory=list)


def level_quality(lmin: np.ndarray, lmax: np.ndarray, cur: np.ndarray) -> np.ndarray:
    """How well level ranges (column vectors) serve gaps (row vectors): 0..1, broadcast to (k, m)."""
    nxt = cur + 1.0
    start = np.where(
        lmin > nxt,
        np.clip(1.0 - ABOVE_COST * (lmin - nxt), 0.0, 1.0),  # starts above the learner
        1.0 - BELOW_COST * np.clip(cur - 1.0 - lmin, 0.0, None),  # starts well below: time on known ground
    )
    quality = np.where(lmax <= cur, 0.0, start)
    unknown = np.isnan(lmin) | np.isnan(lmax)
    return np.where(unknown, UNKNOWN_LEVEL_QUALITY, quality)


def audience_affinity(aud_bits: np.ndarray, mine: int, broad: int) -> np.ndarray:
    """1 when made for one of the learner's specific groups (jobseekers, seniors, SMEs, ...); 0.3 when open to
    anyone or made for a broad group the learner is in (employees); ``PUBLIC_FOR_OTHERS`` when open to the public
    but also named for groups the learner is not in, and for none they are in (made for others, though anyone
    may come); -0.5 when only for others."""
    specific = mine & ~broad
    public = np.where((aud_bits & ~broad & ~mine) != 0, PUBLIC_FOR_OTHERS, 0.3)
    return np.where(
        aud_bits & specific,
        1.0,
        np.where((aud_bits == 0) | (aud_bits & mine), 0.3, np.where(aud_bits & broad, public, -0.5)),
    )


def _adjust(f: CatalogFeatures, rows: np.ndarray, gaps: list[Gap], adj: Adjustments | None) -> np.ndarray:
    factors = np.ones((len(rows), len(gaps)))
    if adj:
        pos = {r: k for k, r in enumerate(rows.tolist())}
        gcol = {g.competence: j for j, g in enumerate(gaps)}
        for (oid, code), factor in adj.items():
            k, j = pos.get(f.row.get(oid, -1)), gcol.get(code)
            if k is not None and j is not None:
                factors[k, j] = max(0.0, float(factor))
    return factors


def _inherit_parts(
    f: CatalogFeatures, rows: np.ndarray, value: np.ndarray, quality: np.ndarray, weight: np.ndarray
) -> None:
    """A whole teaches what its parts teach, in proportion to the share of its parts that do (in place).

    Its value for a gap is at least the mean of its parts' values (parts that do not work on the gap count 0),
    so a programme with one chapter on a gap does not pass for a course on it.
    """
    pos = dict(zip(rows.tolist(), range(len(rows)), strict=True))
    for r in f.wholes:
        k = pos.get(r)
        if k is None:
            continue
        parts = f.descendants[r].tolist()
        inside = [pos[d] for d in parts if d in pos]
        if not inside:
            continue
        mean = value[inside].sum(axis=0) / len(parts)
        cols = np.flatnonzero(mean > value[k])
        if cols.size:
            best = np.array(inside)[value[inside][:, cols].argmax(axis=0)]
            value[k, cols] = mean[cols]
            quality[k, cols] = np.maximum(quality[k, cols], quality[best, cols])
            weight[k, cols] = np.maximum(weight[k, cols], mean[cols] / np.maximum(value[best, cols], 1e-9))


def _profile_similarity(f: CatalogFeatures, rows: np.ndarray, cols: np.ndarray, pri: np.ndarray) -> np.ndarray:
    """Cosine of each offering's text with the learner's need: the priority-weighted sum of gap descriptors.

    Computed from the cached offering-descriptor similarities and the descriptors' Gram matrix (no model call).
    """
    norm = float(np.sqrt(pri @ f.gram[np.ix_(cols, cols)] @ pri)) or 1.0
    return (f.similarity[rows][:, cols] @ pri) / norm


def _focus(f: CatalogFeatures, rows: np.ndarray, cols: np.ndarray, addressed: np.ndarray) -> np.ndarray:
    """The share of an offering's content (its tags, weighted by how central each is to its text) that is about
    the gaps it addresses, times how focused its kind is (a catalogue area or a programme is broad)."""
    central = CENTRALITY_FLOOR + (1.0 - CENTRALITY_FLOOR) * f.centrality[rows]
    total = np.where(f.tags[rows], central, 0.0).sum(axis=1)
    on_gaps = np.where(addressed, central[:, cols], 0.0).sum(axis=1)
    share = np.where(total > 0, on_gaps / np.maximum(total, 1e-9), 1.0)
    return np.minimum(share, 1.0) * f.kind_focus[rows]


def _subject(
    f: CatalogFeatures, rows: np.ndarray, cols: np.ndarray, addressed: np.ndarray, pri: np.ndarray
) -> np.ndarray:
    """How pressing the gap is that an offering is mainly about: the priority of the gap its main subject (the
    competence it lists first) is, relative to the learner's most pressing gap; 0 when its main subject is no
    gap it serves, 0.5 when it lists no competence (matched on its text)."""
    gap_of = np.full(len(f.codes) + 1, -1, dtype=np.int64)  # last slot: no main subject (-1)
    gap_of[cols] = np.arange(len(cols))
    main = f.main_subject[rows]
    g = gap_of[main]
    served = (g >= 0) & addressed[np.arange(len(rows)), np.maximum(g, 0)]
    return np.where(main < 0, 0.5, np.where(served, pri[np.maximum(g, 0)] / pri.max(), 0.0))


def score_all(
    f: CatalogFeatures,
    gaps: list[Gap],
    profile: LearnerProfile,
    allowed: np.ndarray,
    affinity: np.ndarray,
    certainty: np.ndarray,
    adjustments: Adjustments | None = None,
    candidates: np.ndarray | None = None,
) -> Scored:
    """Score every allowed offering that addresses at least one gap (by its tags or, untagged, its text).

    Args:
        candidates: the rows to consider (a large catalogue's shortlists); None: the whole catalogue.
    """
    cols = np.array([f.col[g.competence] for g in gaps], dtype=np.int64)
    cur = np.array([g.current for g in gaps], dtype=float)
    pri = np.array([g.priority for g in gaps], dtype=float)
    rows = np.arange(len(f.ids)) if candidates is None else candidates
    tags, sim = f.tags[np.ix_(rows, cols)], f.similarity[np.ix_(rows, cols)]
    semantic = (f.n_tags[rows] == 0)[:, None] & f.retrieved[np.ix_(rows, cols)] & (sim >= SEMANTIC_THRESHOLD)
    keep = allowed[rows] & (tags | semantic).any(axis=1)
    rows, tags, sim, semantic = rows[keep], tags[keep], sim[keep], semantic[keep]
    quality = level_quality(f.level_min[rows, None], f.level_max[rows, None], cur[None, :])
    central = CENTRALITY_FLOOR + (1.0 - CENTRALITY_FLOOR) * f.centrality[rows][:, cols]
    weight = np.where(tags, central, np.where(semantic, SEMANTIC_WEIGHT, 0.0))
    weight *= (1.0 - KIND_TEACHES + KIND_TEACHES * f.kind_focus[rows])[:, None]
    value = weight * quality * pri[None, :] * _adjust(f, rows, gaps, adjustments)
    _inherit_parts(f, rows, value, quality, weight)
    addressed = value > 0
    gap_from = f.level_min[rows, None] - cur[None, :]
    advanced = (weight > 0).any(axis=1) & np.all((weight == 0) | (gap_from >= TOO_ADVANCED), axis=1)
    keep = addressed.any(axis=1) & ~advanced
    too_advanced = [  # a few examples are enough to explain; a large catalogue has thousands
        (int(r), f"starts at level {f.level_min[r]:g}, at least {TOO_ADVANCED} levels above the learner")
        for r in rows[advanced][:TOO_ADVANCED_LISTED]
    ]
    rows, value, quality, addressed, sim = rows[keep], value[keep], quality[keep], addressed[keep], sim[keep]
    semantic, weight = semantic[keep] & addressed, weight[keep]
    served_priority = (weight * pri[None, :] * addressed).sum(axis=1)
    parts = {
        # half the share of all gap priority served, half the strength on the learner's most pressing gap
        "coverage": 0.5 * value.sum(axis=1) / pri.sum() + 0.5 * value.max(axis=1) / pri.max(),
        "level_fit": value.sum(axis=1) / np.maximum(served_priority, 1e-9),
        "similarity": _profile_similarity(f, rows, cols, pri) if PROFILE_SIMILARITY else
        np.where(addressed, sim, -1.0).max(axis=1, initial=-1.0),
        "focus": _focus(f, rows, cols, addressed),
        "audience": affinity[rows],
        "subject": _subject(f, rows, cols, addressed, pri),
    }
    # each offering to take first (a prerequisite not yet done) is a step further from the goal
    pre = -PREREQ_STEP_COST * np.minimum(f.prereq_steps[rows], 4)
    score = sum(WEIGHTS[k] * v for k, v in parts.items()) + certainty[rows] + pre
    parts["certainty"] = certainty[rows]
    parts["prerequisites"] = pre
    return Scored(rows, gaps, value, quality, addressed, semantic, parts, score, too_advanced)


def select(
    s: Scored, f: CatalogFeatures, k: int, feasible: Callable[[int], bool] = lambda row: True
) -> list[Candidate]:
    """Greedy top-k with diversity across gaps and no whole-and-part duplicates.

    The greedy pass runs over the best ``POOL * k`` candidates by score (an item further down cannot climb
    above them by diversity alone); if too few survive the exclusions, it runs again over all of them.
    """
    if len(s.rows) == 0:
        return []
    best = np.argsort(-s.score, kind="stable")
    chosen = _greedy(s, f, k, feasible, best[: POOL * k])
    if len(chosen) < k and len(best) > POOL * k:
        chosen = _greedy(s, f, k, feasible, best)
    return chosen


def _greedy(
    s: Scored, f: CatalogFeatures, k: int, feasible: Callable[[int], bool], pool: np.ndarray
) -> list[Candidate]:
    value, rows = s.value[pool], s.rows[pool]
    step = SERVED_STEP * s.quality[pool] * s.addressed[pool]
    score = s.score[pool].copy()  # -inf once taken or excluded
    served = np.zeros(len(s.gaps))
    scale = DIVERSITY / np.maximum(value.sum(axis=1), 1e-9)
    pos = np.full(len(f.ids), -1, dtype=np.int64)
    pos[rows] = np.arange(len(rows))
    in_scored = np.zeros(len(f.ids) + 1, dtype=bool)  # last slot: "no whole" (-1)
    in_scored[s.rows] = True
    skip = in_scored[f.stands_for[rows]].tolist()  # chapters taken only after their siblings: the whole competes
    lists = _Rows(s, f, pool)
    chosen: list[Candidate] = []
    while len(chosen) < k:
        i = int(np.argmax(score - scale * (value @ served)))
        if score[i] == -np.inf:
            break
        score[i] = -np.inf
        row = int(rows[i])
        if skip[i] or not feasible(row):
            continue
        family = pos[f.related[row]]
        score[family[family >= 0]] = -np.inf
        served = np.minimum(1.0, served + step[i])
        chosen.append(lists.candidate(i))
    return chosen


class _Rows:
    """The pool's scored arrays as Python lists (row i = ``pool[i]``), converted once per selection.

    Only the pool: a large catalogue scores tens of thousands of candidates, and converting them all to lists
    cost more than everything else in a request.
    """

    def __init__(self, s: Scored, f: CatalogFeatures, pool: np.ndarray) -> None:
        self.names = list(s.parts)
        self.parts = np.stack([s.parts[n][pool] for n in self.names], axis=1).round(4).tolist()
        self.score = s.score[pool].round(4).tolist()
        self.quality = s.quality[pool].round(3).tolist()
        value, addressed, semantic = s.value[pool], s.addressed[pool], s.semantic[pool]
        self.order = np.argsort(-value, axis=1, kind="stable").tolist()
        self.addressed = addressed.tolist()
        self.semantic_only = (semantic.any(axis=1) & ~(addressed & ~semantic).any(axis=1)).tolist()
        self.rows = s.rows[pool].tolist()
        self.ids = [f.ids[r] for r in self.rows]
        self.gaps = s.gaps

    def candidate(self, i: int) -> Candidate:
        order = [j for j in self.order[i] if self.addressed[i][j]]
        return Candidate(
            offering_id=self.ids[i],
            row=self.rows[i],
            addresses=[self.gaps[j] for j in order],
            quality={self.gaps[j].competence: self.quality[i][j] for j in order},
            parts=dict(zip(self.names, self.parts[i], strict=True)),
            score=self.score[i],
            semantic_only=self.semantic_only[i],
        )
