"""Candidate generation for large catalogues: the few hundred offerings worth scoring in full for a learner.

Ranking scores every candidate on every gap with NumPy; that is cheap for a few thousand offerings and too slow
for a hundred thousand, where one gap is addressed by tens of thousands of them. The shortlist keeps a sparse
matrix with one column per competence and current level (0-8): an offering's static merit for a gap there,
known before the learner is (how central the competence is to it, or how close its text is when untagged; how
well its level range fits the learner's next level; how much of its content is on that competence; how focused
its kind is). A request's proxy score is the gap-priority-weighted sum of its gaps' columns (so an offering
working on several of the learner's gaps rises, as it does in ranking), plus the learner's audience affinity and
certainty penalties; the best :data:`SHORTLIST` admitted offerings by proxy are scored in full, with the best
ruled-out ones for the explanations.

Catalogues of at most :data:`EXHAUSTIVE_UP_TO` offerings (the shipped one among them) are always scored in full,
so their recommendations are exact; ``python -m benchmarks.bench_shortlist`` measures how close the shortlist
comes to exhaustive scoring on the 100k catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from recommender.features import CatalogFeatures
from recommender.signals import LEVELS, Tables
from recommender.weights import PARTS_W, W

EXHAUSTIVE_UP_TO = 5000
# the score parts the static merit stands for (the rest: similarity, per learner, is left to full scoring)
SHORTLIST = 300  # admitted offerings scored in full per request
COLUMN_DEPTH = 8000  # per competence and level, the offerings with the best static merit kept
RULED_OUT = 50  # ruled-out offerings considered for "why not" explanations


@dataclass
class Shortlists:
    """Static merit per (offering, competence column * LEVELS + current level), CSC for fast column picks."""

    merit: sparse.csc_matrix | None  # None: the catalogue is small, score everything

    @classmethod
    def build(cls, f: CatalogFeatures, t: Tables, exhaustive_up_to: int = EXHAUSTIVE_UP_TO) -> Shortlists:
        """The merit matrix for a catalogue's features and ranking tables (once per catalogue version); none
        (score everything) for a catalogue of at most ``exhaustive_up_to`` offerings."""
        n, c = f.tags.shape
        if n <= exhaustive_up_to:
            return cls(None)
        reach = _reach(f)
        share = _content_share(f, t)
        blocks = []
        for j in range(c):
            weight = np.where(reach[:, j], t.central[:, j], np.where(t.text_only[:, j], W["semantic_weight"], 0.0))
            rows = np.flatnonzero(weight > 0)
            static = weight[rows] * (0.5 + 0.5 * share[rows, j]) * f.kind_focus[rows]
            for cur in range(LEVELS):
                merit = static * t.quality[rows, cur]
                keep = np.flatnonzero(merit > 0)
                merit_weight = sum(PARTS_W.get(k, 0.0) for k in ("coverage", "level_fit", "focus"))
                value = merit_weight * merit[keep] + PARTS_W.get("similarity", 0.0) * f.similarity[rows[keep], j]
                if len(keep) > COLUMN_DEPTH:  # the rest would not reach a shortlist on this gap
                    top = np.argpartition(-value, COLUMN_DEPTH)[:COLUMN_DEPTH]
                    keep, value = keep[top], value[top]
                blocks.append((rows[keep], np.full(len(keep), j * LEVELS + cur), np.maximum(value, 1e-6)))
        r, col, val = (np.concatenate(x) for x in zip(*blocks, strict=True))
        merit = sparse.csc_matrix((val.astype(np.float32), (r, col)), shape=(n, c * LEVELS))
        return cls(merit)

    def candidates(
        self, cols: np.ndarray, levels: np.ndarray, priority: np.ndarray, rejected: np.ndarray,
        affinity: np.ndarray, certainty: np.ndarray,
    ) -> np.ndarray | None:
        """The rows to score for gaps on ``cols`` at current ``levels``: the best admitted ones by proxy score and
        the best ruled-out ones; None when everything is to be scored (a small catalogue, a level out of range)."""
        if self.merit is None or len(cols) == 0 or levels.min() < 0 or levels.max() >= LEVELS:
            return None
        m, weights = self.merit, priority / priority.sum()
        spans = [(m.indptr[c], m.indptr[c + 1]) for c in (cols * LEVELS + levels).tolist()]
        rows = np.concatenate([m.indices[a:b] for a, b in spans])
        vals = np.concatenate([m.data[a:b] * w for (a, b), w in zip(spans, weights.tolist(), strict=True)])
        base = np.bincount(rows, weights=vals, minlength=m.shape[0])
        touched = base > 0  # merit is at least 1e-6 and gap priorities are positive: served <=> above 0
        # boolean scans of the whole catalogue: several times faster than a float scan, and than gathering
        # the rejected flags of the ~40k rows served and splitting them
        admitted, ruled_out = (touched & ~rejected).nonzero()[0], (touched & rejected).nonzero()[0]
        proxy = base[admitted] + PARTS_W["audience"] * affinity[admitted] + certainty[admitted]
        # admitted and ruled-out rows are disjoint: sorting their union needs no deduplication
        return np.sort(np.concatenate([admitted[_top(proxy, SHORTLIST)], ruled_out[_top(base[ruled_out], RULED_OUT)]]))


def _top(score: np.ndarray, k: int) -> np.ndarray:
    """The positions of the ``k`` largest scores (all of them when there are fewer)."""
    return np.argpartition(-score, k)[:k] if len(score) > k else np.arange(len(score))


def _reach(f: CatalogFeatures) -> np.ndarray:
    """Tagged with the competence, or a whole with a part that is (a whole teaches what its parts teach)."""
    reach = f.tags.copy()
    for r in f.wholes:
        reach[r] |= f.tags[f.descendants[r]].any(axis=0)
    return reach


def _content_share(f: CatalogFeatures, t: Tables) -> np.ndarray:
    """The share of an offering's tagged content on each competence (tags weighted by centrality)."""
    total = t.content[:, None]
    return np.where(total > 0, np.where(f.tags, t.central, 0.0) / np.maximum(total, 1e-9), 1.0).astype(np.float32)
